//! `Api::prepare` over arbitrary requests: the blog's four types with every method on. The
//! input is split at its first five newlines into method, path, query, `Accept`,
//! `Content-Type`, and the rest is the body. A panic, a 500 (a caught panic), a status or
//! error code outside the catalog, or a body that is not JSON is a crash.

#[path = "../../examples/blog/models.rs"]
mod models;
#[path = "../../examples/blog/schema.rs"]
mod schema;

use restless::core::{Api, ApiConfig, Prepared, Registered, Request};
use restless::{ErrorCode, Method, ResourceConfig};

fn api() -> Api {
    let config = ResourceConfig::new()
        .methods([Method::Get, Method::Post, Method::Patch, Method::Delete])
        .allow_functions(true)
        .allow_client_generated_ids(true)
        .allow_to_many_replacement(true)
        .allow_delete_from_to_many_relationships(true);
    let types = vec![
        Registered::new::<models::Person>(config.clone()),
        Registered::new::<models::Article>(config.clone()),
        Registered::new::<models::Comment>(config.clone()),
        Registered::new::<models::Tag>(config),
    ];
    let config = ApiConfig {
        jsonp: true,
        ..ApiConfig::default()
    };
    Api::new::<diesel::SqliteConnection>(config, types).expect("valid configuration")
}

fn check(api: &Api, data: &[u8]) {
    let mut parts = data.splitn(6, |&b| b == b'\n');
    let mut text = || String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let (method, path, query, accept, content_type) = (text(), text(), text(), text(), text());
    let body = parts.next().unwrap_or_default();
    let req = Request {
        method: &method,
        mount: "",
        path: &path,
        query: &query,
        accept: (!accept.is_empty()).then_some(accept.as_str()),
        content_type: (!content_type.is_empty()).then_some(content_type.as_str()),
        if_match: None,
        if_none_match: None,
        base: "http://localhost:8080",
        body,
    };
    let Prepared::Reply(reply) = api.prepare(&req) else {
        return;
    };
    assert!(
        [200, 204, 400, 403, 404, 405, 406, 409, 413, 415].contains(&reply.status),
        "status {}",
        reply.status
    );
    let Some(text) = reply.body else {
        return;
    };
    let json = match (text.starts_with('{'), text.find('('), text.rfind(')')) {
        (false, Some(open), Some(close)) if open < close => &text[open + 1..close],
        _ => text.as_str(),
    };
    let doc: serde_json::Value = serde_json::from_str(json).expect("a JSON document");
    for error in doc["errors"].as_array().into_iter().flatten() {
        let code = error["code"].as_str().expect("a code");
        let known = ErrorCode::ALL
            .iter()
            .find(|c| c.as_str() == code)
            .expect("a catalog code");
        assert_eq!(
            error["status"].as_str(),
            Some(known.status().to_string().as_str())
        );
    }
}

fn main() {
    // Built once; a crash ends the process, so no state outlives a panic.
    let api = std::panic::AssertUnwindSafe(api());
    afl::fuzz!(|data: &[u8]| check(&api, data));
}
