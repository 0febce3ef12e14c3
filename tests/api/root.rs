//! The root endpoint (E5).

use actix_web::http::Method;
use serde_json::json;

use crate::common::{error_doc, Server};

#[actix_web::test]
async fn root_lists_every_type_e5_1() {
    let srv = Server::start();
    let res = srv.get("/api").await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type"), Some("application/vnd.api+json"));
    assert_eq!(
        res.header("link"),
        None,
        "B3.4: only paginated collections have Link"
    );
    assert_eq!(
        res.json(),
        json!({
            "data": null,
            "links": {"self": "http://localhost:8080/api"},
            "meta": {"modelinfo": {
                "article": {"primarykey": "id", "url": "http://localhost:8080/api/article"},
                "comment": {"primarykey": "id", "url": "http://localhost:8080/api/comment"},
                "person": {"primarykey": "id", "url": "http://localhost:8080/api/person"},
                "tag": {"primarykey": "id", "url": "http://localhost:8080/api/tag"}
            }},
            "jsonapi": {"version": "1.0"}
        })
    );
}

#[actix_web::test]
async fn links_use_the_request_host_without_base_url_c3_1() {
    let srv = Server::start_without_base_url();
    let origin = srv.origin();
    let res = srv.get("/api").await;
    assert_eq!(res.status, 200);
    let doc = res.json();
    assert_eq!(doc["links"], json!({"self": format!("{origin}/api")}));
    assert_eq!(
        doc["meta"]["modelinfo"]["tag"],
        json!({"primarykey": "id", "url": format!("{origin}/api/tag")})
    );
}

#[actix_web::test]
async fn root_allows_only_get_head_options_e5_3() {
    let srv = Server::start();
    for method in [Method::POST, Method::PATCH, Method::DELETE, Method::PUT] {
        let res = srv
            .request(method.clone(), "/api", &[("Accept", "text/html")])
            .await;
        assert_eq!(res.status, 405, "{method}");
        assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS"));
        assert_eq!(
            res.json(),
            error_doc(
                json!({"status": "405", "code": "method_not_allowed", "title": "Method not allowed",
                "detail": format!("Method {method} is not allowed on /api; allowed: GET, HEAD, OPTIONS.")})
            )
        );
    }
    let res = srv
        .request(Method::OPTIONS, "/api", &[("Accept", "text/html")])
        .await;
    assert_eq!(res.status, 204, "B5.2");
    assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS"));
}

#[actix_web::test]
async fn root_takes_no_query_parameter_but_jsonp_e5_3() {
    let srv = Server::start();
    for (query, name) in [
        ("include=articles", "include"),
        ("filter%5Bobjects%5D=%5B%5D", "filter[objects]"),
        ("page%5Bsize%5D=1", "page[size]"),
    ] {
        let res = srv.get(&format!("/api?{query}")).await;
        assert_eq!(res.status, 400, "{query}");
        assert_eq!(
            res.json(),
            error_doc(
                json!({"status": "400", "code": "unsupported_query_parameter", "title": "Unsupported query parameter",
                "detail": format!("Query parameter \"{name}\" is not supported by this endpoint."),
                "source": {"parameter": name}})
            )
        );
    }
    let res = srv.get("/api?fooBar=1").await;
    assert_eq!(
        res.json()["links"],
        json!({"self": "http://localhost:8080/api?fooBar=1"}),
        "C3.4"
    );
    let res = srv.get("/api?jsonp_callback=cb").await;
    assert_eq!(res.status, 200);
    assert!(res.body.starts_with("cb({\"data\":null,"), "{}", res.body);
}

#[test]
fn the_schema_check_can_fail() {
    // The empty-pattern quirk of the official schema is handled: `meta` members validate.
    crate::common::assert_valid_document(
        &json!({"data": [], "meta": {"total": 1}, "jsonapi": {"version": "1.0"}}),
    );
    for bad in [
        json!({"errors": [{"status": 404}], "jsonapi": {"version": "1.0"}}),
        json!({"data": {"type": "tag"}, "jsonapi": {"version": "1.0"}}),
        json!({"data": null, "links": {"self": "not a uri"}, "jsonapi": {"version": "1.0"}}),
        json!({"data": [], "errors": [], "jsonapi": {"version": "1.0"}}),
        json!({"included": [], "meta": {}, "jsonapi": {"version": "1.0"}}),
    ] {
        let caught = std::panic::catch_unwind(|| crate::common::assert_valid_document(&bad));
        assert!(caught.is_err(), "accepted {bad}");
    }
}
