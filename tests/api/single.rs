//! Single resources (H2), ids in URLs (E4) and methods (E3).

use actix_web::http::Method;
use serde_json::json;

use crate::common::fixture::ro;
use crate::common::{error_doc, not_found, Server};

#[actix_web::test]
async fn person_1_h2_1() {
    let srv = Server::start();
    let res = srv.get("/api/person/1").await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type"), Some("application/vnd.api+json"));
    assert_eq!(res.header("link"), None);
    assert_eq!(
        res.json(),
        json!({"data": ro("person", 1), "links": {"self": "http://localhost:8080/api/person/1"}, "jsonapi": {"version": "1.0"}})
    );
}

#[actix_web::test]
async fn every_fixture_resource_is_canonical_f6() {
    let srv = Server::start();
    for (type_name, count) in [("person", 3), ("article", 4), ("comment", 4), ("tag", 3)] {
        for id in 1..=count {
            let res = srv.get(&format!("/api/{type_name}/{id}")).await;
            assert_eq!(res.status, 200);
            assert_eq!(
                res.json(),
                json!({"data": ro(type_name, id), "links": {"self": format!("http://localhost:8080/api/{type_name}/{id}")}, "jsonapi": {"version": "1.0"}})
            );
        }
    }
}

#[actix_web::test]
async fn missing_and_unparsable_ids_are_404_h2_2_e4_1() {
    let srv = Server::start();
    let cases = [
        ("9", "9"),
        ("abc", "abc"),
        ("01", "01"),
        ("%2B1", "+1"),
        ("1.0", "1.0"),
        ("%201", " 1"),
        ("-0", "-0"),
        ("99999999999", "99999999999"),
        ("a%2Fb", "a/b"),
    ];
    for (segment, id) in cases {
        let res = srv.get(&format!("/api/person/{segment}")).await;
        assert_eq!(res.status, 404, "{segment}");
        assert_eq!(res.json(), not_found("person", id), "{segment}");
    }
}

#[actix_web::test]
async fn methods_not_enabled_are_405_before_anything_else_e3() {
    let srv = Server::start();
    let cases = [
        (Method::DELETE, "/api/person", "GET, HEAD, OPTIONS"),
        (Method::POST, "/api/person", "GET, HEAD, OPTIONS"),
        (Method::PATCH, "/api/person", "GET, HEAD, OPTIONS"),
        (Method::PUT, "/api/person/1", "GET, HEAD, OPTIONS"),
        (Method::POST, "/api/person/1", "GET, HEAD, OPTIONS"),
        (Method::PATCH, "/api/person/1", "GET, HEAD, OPTIONS"),
        // E3.3: the method check comes before the lookup.
        (Method::DELETE, "/api/person/99", "GET, HEAD, OPTIONS"),
    ];
    for (method, path, allow) in cases {
        // B4.1: 405 wins over 415 and 406.
        let res = srv
            .request(
                method.clone(),
                path,
                &[("Accept", "text/html"), ("Content-Type", "text/plain")],
            )
            .await;
        assert_eq!(res.status, 405, "{method} {path}");
        assert_eq!(res.header("allow"), Some(allow));
        assert_eq!(
            res.json(),
            error_doc(
                json!({"status": "405", "code": "method_not_allowed", "title": "Method not allowed",
                "detail": format!("Method {method} is not allowed on {path}; allowed: {allow}.")})
            )
        );
    }
}

#[actix_web::test]
async fn options_answers_allow_without_negotiation_b5_2() {
    let srv = Server::start();
    for path in [
        "/api/person",
        "/api/person/1",
        "/api/person/1/articles",
        "/api/person/1/relationships/articles",
    ] {
        let res = srv
            .request(Method::OPTIONS, path, &[("Accept", "text/html")])
            .await;
        assert_eq!(res.status, 204, "{path}");
        assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS"));
        assert_eq!(res.header("content-type"), None);
    }
}

#[actix_web::test]
async fn head_of_a_missing_resource_is_404_b5_1() {
    let srv = Server::start();
    let res = srv.request(Method::HEAD, "/api/person/9", &[]).await;
    assert_eq!(res.status, 404);
    assert_eq!(res.header("content-type"), Some("application/vnd.api+json"));
}
