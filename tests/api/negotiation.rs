//! Content negotiation (B1, B2, B4).

use actix_web::http::Method;
use serde_json::json;

use crate::common::{error_doc, Server};

fn not_acceptable(detail: &str) -> serde_json::Value {
    error_doc(
        json!({"status": "406", "code": "not_acceptable", "title": "Not acceptable", "detail": detail}),
    )
}

#[actix_web::test]
async fn accept_header_table_b1_2() {
    let srv = Server::start();
    let acceptable = [
        "",
        "application/vnd.api+json",
        "*/*",
        "application/*",
        "text/html, */*;q=0.1",
        "application/vnd.api+json; q=0.8",
        "application/vnd.api+json; q=0.8, application/vnd.api+json; q=0.9",
        "application/vnd.api+json; ext=bulk, application/vnd.api+json",
    ];
    for accept in acceptable {
        let res = srv
            .request(Method::GET, "/api/person/1", &[("Accept", accept)])
            .await;
        assert_eq!(res.status, 200, "{accept:?}");
    }
    let res = srv.request(Method::GET, "/api/person/1", &[]).await;
    assert_eq!(res.status, 200, "absent Accept");

    let rule1 = "The Accept header lists application/vnd.api+json only with media type parameters.";
    let rule2 = "The Accept header does not allow application/vnd.api+json.";
    let refused = [
        ("application/vnd.api+json; ext=bulk", rule1),
        ("application/vnd.api+json; ext=bulk, */*", rule1),
        ("application/json", rule2),
        ("text/html", rule2),
        ("application/vnd.api+json; q=0", rule2),
    ];
    for (accept, detail) in refused {
        for path in ["/api/person/1", "/api/person", "/api"] {
            let res = srv.request(Method::GET, path, &[("Accept", accept)]).await;
            assert_eq!(res.status, 406, "{accept} {path}");
            assert_eq!(
                res.header("content-type"),
                Some("application/vnd.api+json"),
                "B3.1"
            );
            assert_eq!(res.json(), not_acceptable(detail));
        }
    }
}

#[actix_web::test]
async fn parameterised_content_type_is_415_on_any_method_b2_2() {
    let srv = Server::start();
    for ct in [
        "application/vnd.api+json; charset=utf-8",
        "application/vnd.api+json; ext=bulk",
    ] {
        let res = srv
            .request(
                Method::GET,
                "/api/person",
                &[("Accept", "application/vnd.api+json"), ("Content-Type", ct)],
            )
            .await;
        assert_eq!(res.status, 415, "{ct}");
        assert_eq!(
            res.json(),
            error_doc(
                json!({"status": "415", "code": "unsupported_media_type", "title": "Unsupported media type",
                "detail": "Content-Type application/vnd.api+json must not have media type parameters."})
            )
        );
    }
    // Any other Content-Type on a GET is meaningless and not checked.
    let res = srv
        .request(
            Method::GET,
            "/api/person",
            &[("Content-Type", "text/plain")],
        )
        .await;
    assert_eq!(res.status, 200);
}

#[actix_web::test]
async fn unsupported_media_type_comes_before_not_acceptable_b4_1() {
    let srv = Server::start();
    let res = srv
        .request(
            Method::GET,
            "/api/person",
            &[
                ("Accept", "text/html"),
                ("Content-Type", "application/vnd.api+json;x=y"),
            ],
        )
        .await;
    assert_eq!(res.status, 415);
}

#[actix_web::test]
async fn route_misses_ignore_accept_b1_3() {
    let srv = Server::start();
    let res = srv
        .request(Method::GET, "/api/bogus", &[("Accept", "text/html")])
        .await;
    assert_eq!(res.status, 404);
    assert_eq!(
        res.json(),
        error_doc(
            json!({"status": "404", "code": "route_not_found", "title": "Not found", "detail": "No endpoint matches /api/bogus."})
        )
    );
}
