//! JSONP (T).

use actix_web::http::Method;
use serde_json::json;

use crate::common::fixture::{ro, ros};
use crate::common::{error_doc, Server};

/// The document inside `callback(...)`.
fn unwrap(body: &str, callback: &str) -> serde_json::Value {
    let inner = body
        .strip_prefix(callback)
        .and_then(|b| b.strip_prefix('('))
        .and_then(|b| b.strip_suffix(')'))
        .unwrap_or_else(|| panic!("not wrapped in {callback}(): {body}"));
    serde_json::from_str(inner).unwrap()
}

#[actix_web::test]
async fn a_resource_is_wrapped_with_its_status_t1_5() {
    let srv = Server::start();
    let res = srv
        .request(
            Method::GET,
            "/api/person/1?jsonp_callback=show",
            &[("Accept", "*/*")],
        )
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.header("content-type"),
        Some("application/javascript; charset=utf-8")
    );
    assert_eq!(res.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        unwrap(&res.body, "show"),
        json!({"data": ro("person", 1), "links": {"self": "http://localhost:8080/api/person/1?jsonp_callback=show"},
            "meta": {"status": 200}, "jsonapi": {"version": "1.0"}})
    );
}

#[actix_web::test]
async fn errors_are_wrapped_with_status_200_t1_5() {
    let srv = Server::start();
    let res = srv.get("/api/person/9?jsonp_callback=show").await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.body,
        r#"show({"errors":[{"status":"404","code":"resource_not_found","title":"Resource not found","detail":"No resource of type \"person\" with id \"9\"."}],"meta":{"status":404},"jsonapi":{"version":"1.0"}})"#
    );
}

#[actix_web::test]
async fn the_fr_name_callback_works_d4_1() {
    let srv = Server::start();
    let res = srv.get("/api/tag/1?callback=a.b_c").await;
    assert_eq!(res.status, 200);
    assert_eq!(
        unwrap(&res.body, "a.b_c"),
        json!({"data": ro("tag", 1), "links": {"self": "http://localhost:8080/api/tag/1?callback=a.b_c"},
            "meta": {"status": 200}, "jsonapi": {"version": "1.0"}})
    );
}

#[actix_web::test]
async fn collections_keep_link_and_total_t1_4() {
    let srv = Server::start();
    let res = srv.get("/api/tag?callback=f&page%5Bsize%5D=2").await;
    assert_eq!(res.status, 200);
    let t = "http://localhost:8080/api/tag";
    assert_eq!(
        res.header("link"),
        Some(format!("<{t}?callback=f&page%5Bnumber%5D=1&page%5Bsize%5D=2>; rel=\"first\", <{t}?callback=f&page%5Bnumber%5D=2&page%5Bsize%5D=2>; rel=\"last\", <{t}?callback=f&page%5Bnumber%5D=2&page%5Bsize%5D=2>; rel=\"next\"").as_str())
    );
    assert_eq!(
        unwrap(&res.body, "f"),
        json!({
            "data": ros("tag", &[1, 2]),
            "links": {
                "self": format!("{t}?callback=f&page%5Bsize%5D=2"),
                "first": format!("{t}?callback=f&page%5Bnumber%5D=1&page%5Bsize%5D=2"),
                "last": format!("{t}?callback=f&page%5Bnumber%5D=2&page%5Bsize%5D=2"),
                "prev": null,
                "next": format!("{t}?callback=f&page%5Bnumber%5D=2&page%5Bsize%5D=2")
            },
            "meta": {"total": 3, "status": 200},
            "jsonapi": {"version": "1.0"}
        })
    );
}

#[actix_web::test]
async fn early_errors_are_wrapped_too_t1_3() {
    let srv = Server::start();
    let miss = srv
        .request(
            Method::GET,
            "/api/bogus?callback=f",
            &[("Accept", "text/html")],
        )
        .await;
    assert_eq!(miss.status, 200);
    assert_eq!(
        unwrap(&miss.body, "f"),
        json!({"errors": [{"status": "404", "code": "route_not_found", "title": "Not found", "detail": "No endpoint matches /api/bogus."}],
            "meta": {"status": 404}, "jsonapi": {"version": "1.0"}})
    );
    let not_allowed = srv
        .request(Method::DELETE, "/api/person?callback=f", &[])
        .await;
    assert_eq!(not_allowed.status, 200);
    assert_eq!(
        not_allowed.header("allow"),
        Some("GET, HEAD, OPTIONS"),
        "T1.4 keeps Allow"
    );
    assert_eq!(
        unwrap(&not_allowed.body, "f")["meta"],
        json!({"status": 405})
    );
    let refused = srv
        .request(
            Method::GET,
            "/api/person?callback=f",
            &[("Accept", "text/html")],
        )
        .await;
    assert_eq!(refused.status, 200);
    assert_eq!(unwrap(&refused.body, "f")["meta"], json!({"status": 406}));
    let bad_query = srv.get("/api/person?callback=f&foo=1").await;
    assert_eq!(bad_query.status, 200);
    assert_eq!(unwrap(&bad_query.body, "f")["meta"], json!({"status": 400}));
}

#[actix_web::test]
async fn invalid_callbacks_are_400_and_never_reflected_t1_2() {
    let srv = Server::start();
    let long = "a".repeat(65);
    let cases = [
        ("callback", "alert(1)%3B%2F%2F"),
        ("jsonp_callback", "1abc"),
        ("callback", "a..b"),
        ("callback", ""),
        ("jsonp_callback", long.as_str()),
        ("callback", "%3Cscript%3E"),
    ];
    for (name, value) in cases {
        let res = srv.get(&format!("/api/person/1?{name}={value}")).await;
        assert_eq!(res.status, 400, "{name}={value}");
        assert_eq!(res.header("content-type"), Some("application/vnd.api+json"));
        assert_eq!(
            res.json(),
            error_doc(
                json!({"status": "400", "code": "invalid_callback", "title": "Invalid JSONP callback",
                "detail": format!("{name} must be a JavaScript identifier or a dotted path of identifiers."),
                "source": {"parameter": name}})
            )
        );
    }
    // An earlier failure wins, unwrapped (T1.2).
    let res = srv
        .request(Method::GET, "/api/bogus?callback=alert(1)", &[])
        .await;
    assert_eq!(res.status, 404);
    assert_eq!(res.header("content-type"), Some("application/vnd.api+json"));
}

#[actix_web::test]
async fn options_stays_a_bodiless_204_t1_3() {
    let srv = Server::start();
    let res = srv
        .request(Method::OPTIONS, "/api/person?callback=f", &[])
        .await;
    assert_eq!(res.status, 204);
    assert!(res.body.is_empty());
}
