//! Collections (H1) and the links of collection documents (C3, I3).

use serde_json::json;

use crate::common::fixture::{ro_at, ros};
use crate::common::Server;

const FIRST_LAST: &str = "<http://localhost:8080/api/person?page%5Bnumber%5D=1&page%5Bsize%5D=10>; rel=\"first\", <http://localhost:8080/api/person?page%5Bnumber%5D=1&page%5Bsize%5D=10>; rel=\"last\"";

#[actix_web::test]
async fn person_collection_h1_1() {
    let srv = Server::start();
    let res = srv.get("/api/person").await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type"), Some("application/vnd.api+json"));
    assert_eq!(res.header("link"), Some(FIRST_LAST), "B3.4");
    assert_eq!(
        res.json(),
        json!({
            "data": ros("person", &[1, 2, 3]),
            "links": {
                "self": "http://localhost:8080/api/person",
                "first": "http://localhost:8080/api/person?page%5Bnumber%5D=1&page%5Bsize%5D=10",
                "last": "http://localhost:8080/api/person?page%5Bnumber%5D=1&page%5Bsize%5D=10",
                "prev": null,
                "next": null
            },
            "meta": {"total": 3},
            "jsonapi": {"version": "1.0"}
        })
    );
}

#[actix_web::test]
async fn every_collection_is_ordered_by_key_j1_3() {
    let srv = Server::start();
    for (type_name, ids) in [
        ("article", vec![1, 2, 3, 4]),
        ("comment", vec![1, 2, 3, 4]),
        ("tag", vec![1, 2, 3]),
    ] {
        let res = srv.get(&format!("/api/{type_name}")).await;
        assert_eq!(res.status, 200);
        let page =
            format!("http://localhost:8080/api/{type_name}?page%5Bnumber%5D=1&page%5Bsize%5D=10");
        assert_eq!(
            res.json(),
            json!({
                "data": ros(type_name, &ids),
                "links": {"self": format!("http://localhost:8080/api/{type_name}"), "first": page, "last": page, "prev": null, "next": null},
                "meta": {"total": ids.len()},
                "jsonapi": {"version": "1.0"}
            }),
            "{type_name}"
        );
    }
}

#[actix_web::test]
async fn foreign_key_columns_are_not_attributes_f2_1() {
    let srv = Server::start();
    let doc = srv.get("/api/comment/1").await.json();
    assert_eq!(doc["data"]["attributes"], json!({"content": "Great read"}));
    let doc = srv.get("/api/article/4").await.json();
    assert_eq!(
        doc["data"]["attributes"],
        json!({"title": "Draft", "body": null, "rating": null, "published_at": null})
    );
}

#[actix_web::test]
async fn self_link_keeps_the_query_in_canonical_form_c3_4() {
    let srv = Server::start();
    // Implementation-specific parameters of others are ignored but kept (D3.1), in order.
    let res = srv.get("/api/tag?x-trace=a%20b+c&fooBar").await;
    assert_eq!(res.status, 200);
    let doc = res.json();
    assert_eq!(
        doc["links"]["self"],
        "http://localhost:8080/api/tag?x-trace=a%20b%20c&fooBar="
    );
    assert_eq!(doc["links"]["first"], "http://localhost:8080/api/tag?x-trace=a%20b%20c&fooBar=&page%5Bnumber%5D=1&page%5Bsize%5D=10");
}

#[actix_web::test]
async fn links_follow_the_request_host_c3_1() {
    let srv = Server::start_without_base_url();
    let base = format!("{}/api", srv.origin());
    let res = srv.get("/api/tag?page%5Bsize%5D=2").await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.json(),
        json!({
            "data": [ro_at(&base, "tag", 1), ro_at(&base, "tag", 2)],
            "links": {
                "self": format!("{base}/tag?page%5Bsize%5D=2"),
                "first": format!("{base}/tag?page%5Bnumber%5D=1&page%5Bsize%5D=2"),
                "last": format!("{base}/tag?page%5Bnumber%5D=2&page%5Bsize%5D=2"),
                "prev": null,
                "next": format!("{base}/tag?page%5Bnumber%5D=2&page%5Bsize%5D=2")
            },
            "meta": {"total": 3},
            "jsonapi": {"version": "1.0"}
        })
    );
}

#[actix_web::test]
async fn head_is_get_without_a_body_b5_1() {
    let srv = Server::start();
    let get = srv.get("/api/person").await;
    let head = srv
        .request(
            actix_web::http::Method::HEAD,
            "/api/person",
            &[("Accept", "application/vnd.api+json")],
        )
        .await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    for name in ["content-type", "link", "vary"] {
        assert_eq!(head.header(name), get.header(name), "{name}");
    }
    assert_eq!(
        head.header("content-length"),
        Some(get.body.len().to_string().as_str())
    );
}

#[actix_web::test]
async fn an_empty_collection_is_one_empty_page_h1_2() {
    let srv = Server::start_writes(false, false);
    let res = srv.get("/api/person").await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("link"), Some(FIRST_LAST));
    assert_eq!(
        res.json(),
        json!({
            "data": [],
            "links": {
                "self": "http://localhost:8080/api/person",
                "first": "http://localhost:8080/api/person?page%5Bnumber%5D=1&page%5Bsize%5D=10",
                "last": "http://localhost:8080/api/person?page%5Bnumber%5D=1&page%5Bsize%5D=10",
                "prev": null,
                "next": null
            },
            "meta": {"total": 0},
            "jsonapi": {"version": "1.0"}
        })
    );
}
