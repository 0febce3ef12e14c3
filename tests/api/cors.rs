//! The cors example's middleware (examples/cors) around the blog API: preflights answered
//! before restless (W1.2), CORS headers on every answer, errors included (W1.4).

use std::sync::Arc;

use actix_web::http::Method;
use actix_web::App;
use restless::{PreKind, ResourceConfig};

use crate::browser::cors;
use crate::common::{assert_valid_document, Response, Server};
use crate::db::Custom;

const ORIGIN: &str = "http://localhost:3000";

/// The blog behind the example's CORS settings; `GET /api/tag/3` panics in a hook (a 500).
fn start() -> Server {
    let custom = Custom {
        types: Some(Arc::new(|name: &str, config: ResourceConfig| match name {
            "tag" => config.pre(PreKind::GetResource, |req| {
                assert_ne!(req.id.as_deref(), Some("3"), "a bug");
                Ok(())
            }),
            _ => config,
        })),
        ..Custom::default()
    };
    let (api, lock) = Server::custom_api(true, custom);
    let srv = actix_test::start(move || App::new().service(api.scope().wrap(cors(ORIGIN))));
    Server::started_with(srv, lock)
}

/// restless's `Vary: Accept` (B3.6) stays, beside the middleware's own.
fn assert_vary(res: &Response) {
    let vary = res.header("vary").unwrap_or_default();
    assert!(vary.split(", ").any(|v| v == "Accept"), "{vary}");
    assert!(vary.split(", ").any(|v| v == "Origin"), "{vary}");
}

#[actix_web::test]
async fn preflights_are_the_middleware_s_w1_2_w1_3() {
    let srv = start();
    // Accept: text/html would be 406 from restless: the preflight never gets there.
    let res = srv
        .send_unchecked(
            Method::OPTIONS,
            "/api/article",
            &[
                ("Origin", ORIGIN),
                ("Access-Control-Request-Method", "POST"),
                (
                    "Access-Control-Request-Headers",
                    "content-type, authorization",
                ),
                ("Accept", "text/html"),
            ],
            Vec::new(),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.header("access-control-allow-origin"), Some(ORIGIN));
    let methods = res.header("access-control-allow-methods").unwrap();
    for m in ["GET", "POST", "PATCH", "DELETE"] {
        assert!(methods.contains(m), "{methods}");
    }
    let headers = res
        .header("access-control-allow-headers")
        .unwrap()
        .to_lowercase();
    for h in ["accept", "content-type", "authorization"] {
        assert!(headers.contains(h), "{headers}");
    }
    assert_eq!(res.header("access-control-max-age"), Some("3600"));
    assert_eq!(res.header("allow"), None, "not restless's OPTIONS answer");
    assert!(res.body.is_empty());
    // Another origin is refused.
    let res = srv
        .send_unchecked(
            Method::OPTIONS,
            "/api/article",
            &[
                ("Origin", "http://evil.example"),
                ("Access-Control-Request-Method", "POST"),
            ],
            Vec::new(),
        )
        .await;
    assert_eq!(res.status, 400);
    assert_eq!(res.header("access-control-allow-origin"), None);
}

#[actix_web::test]
async fn plain_options_is_restless_s_w1_2() {
    let srv = start();
    let res = srv
        .send_unchecked(
            Method::OPTIONS,
            "/api/article",
            &[("Origin", ORIGIN)],
            Vec::new(),
        )
        .await;
    assert_eq!(res.status, 204);
    assert_vary(&res);
    assert_eq!(res.header("allow"), Some("GET, HEAD, POST, OPTIONS"));
}

/// A request (method, path, headers) and its status.
type Case<'a> = (Method, &'a str, &'a [(&'a str, &'a str)], u16);

#[actix_web::test]
async fn every_answer_carries_the_cors_headers_w1_4() {
    let srv = start();
    let json = "application/vnd.api+json";
    let cases: [Case; 6] = [
        (Method::GET, "/api/article", &[("Accept", json)], 200),
        (Method::GET, "/api/nothing", &[("Accept", json)], 404),
        (Method::DELETE, "/api/article", &[("Accept", json)], 405),
        (
            Method::GET,
            "/api/article",
            &[("Accept", "application/json")],
            406,
        ),
        (
            Method::POST,
            "/api/article",
            &[("Content-Type", "text/plain")],
            415,
        ),
        (Method::GET, "/api/tag/3", &[("Accept", json)], 500),
    ];
    for (method, path, headers, status) in cases {
        let mut all = headers.to_vec();
        all.push(("Origin", ORIGIN));
        let res = srv
            .send_unchecked(method.clone(), path, &all, Vec::new())
            .await;
        assert_eq!(res.status, status, "{method} {path}: {}", res.body);
        assert_vary(&res);
        assert_eq!(res.header("content-type"), Some(json));
        assert_valid_document(&res.json());
        assert_eq!(
            res.header("access-control-allow-origin"),
            Some(ORIGIN),
            "{path}"
        );
        let exposed = res
            .header("access-control-expose-headers")
            .unwrap_or_default()
            .to_lowercase();
        assert!(
            exposed.contains("location") && exposed.contains("link"),
            "{exposed}"
        );
        if status >= 400 {
            assert_eq!(res.json()["errors"][0]["status"], status.to_string());
        }
    }
}

#[actix_web::test]
async fn restless_itself_adds_no_cors_headers_w1_1() {
    // The blog without middleware: an Origin changes nothing.
    let srv = Server::start();
    let res = srv
        .request(
            Method::GET,
            "/api/tag/1",
            &[("Accept", "application/vnd.api+json"), ("Origin", ORIGIN)],
        )
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("vary"), Some("Accept"));
    assert!(
        res.headers
            .keys()
            .all(|name| !name.as_str().starts_with("access-control-")),
        "{:?}",
        res.headers
    );
}
