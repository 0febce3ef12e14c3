//! Relationship URLs (H6) and inclusion through them (L1.3).

use serde_json::json;

use crate::common::fixture::{ri, ro};
use crate::common::{error_doc, Server, B};

#[actix_web::test]
async fn to_one_relationship_h6_1() {
    let srv = Server::start();
    let res = srv.get("/api/article/1/relationships/author").await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("link"), None);
    assert_eq!(
        res.json(),
        json!({"data": {"type": "person", "id": "1"},
            "links": {"self": format!("{B}/article/1/relationships/author"), "related": format!("{B}/article/1/author")},
            "jsonapi": {"version": "1.0"}})
    );
    let res = srv.get("/api/article/4/relationships/author").await;
    assert_eq!(
        res.json(),
        json!({"data": null,
            "links": {"self": format!("{B}/article/4/relationships/author"), "related": format!("{B}/article/4/author")},
            "jsonapi": {"version": "1.0"}})
    );
}

#[actix_web::test]
async fn to_many_relationship_is_a_collection_h6_2() {
    let srv = Server::start();
    let res = srv.get("/api/person/1/relationships/articles").await;
    assert_eq!(res.status, 200);
    let page = format!("{B}/person/1/relationships/articles?page%5Bnumber%5D=1&page%5Bsize%5D=10");
    assert_eq!(
        res.json(),
        json!({
            "data": [{"type": "article", "id": "1"}, {"type": "article", "id": "2"}],
            "links": {
                "self": format!("{B}/person/1/relationships/articles"),
                "related": format!("{B}/person/1/articles"),
                "first": page, "last": page, "prev": null, "next": null
            },
            "meta": {"total": 2},
            "jsonapi": {"version": "1.0"}
        })
    );
    let sorted = srv
        .get("/api/person/1/relationships/articles?sort=-title")
        .await
        .json();
    assert_eq!(sorted["data"], json!([ri("article", 1), ri("article", 2)]));
    // "Diesel tips" before "Hello JSON:API": not key order.
    let sorted = srv
        .get("/api/person/1/relationships/articles?sort=title")
        .await
        .json();
    assert_eq!(sorted["data"], json!([ri("article", 2), ri("article", 1)]));
    let tags = srv
        .get("/api/article/1/relationships/tags?page%5Bsize%5D=1&page%5Bnumber%5D=2")
        .await
        .json();
    assert_eq!(tags["data"], json!([ri("tag", 2)]));
    assert_eq!(tags["meta"], json!({"total": 2}));
    let empty = srv.get("/api/tag/3/relationships/articles").await.json();
    assert_eq!(empty["data"], json!([]));
}

#[actix_web::test]
async fn relationship_errors_h6_3() {
    let srv = Server::start();
    let res = srv.get("/api/person/9/relationships/articles").await;
    assert_eq!(res.status, 404);
    assert_eq!(res.json()["errors"][0]["code"], "resource_not_found");
    let res = srv.get("/api/person/1/relationships/bogus").await;
    assert_eq!(res.status, 404);
    assert_eq!(res.json()["errors"][0]["code"], "relationship_not_found");
}

#[actix_web::test]
async fn include_on_a_relationship_url_l1_3() {
    let srv = Server::start();
    let res = srv
        .get("/api/article/1/relationships/comments?include=comments.author")
        .await;
    assert_eq!(res.status, 200);
    let s = format!("{B}/article/1/relationships/comments?include=comments.author");
    let page = format!("{s}&page%5Bnumber%5D=1&page%5Bsize%5D=10");
    assert_eq!(
        res.json(),
        json!({
            "data": [{"type": "comment", "id": "1"}, {"type": "comment", "id": "2"}],
            "included": [ro("comment", 1), ro("comment", 2), ro("person", 1), ro("person", 2)],
            "links": {"self": s, "related": format!("{B}/article/1/comments"), "first": page, "last": page, "prev": null, "next": null},
            "meta": {"total": 2},
            "jsonapi": {"version": "1.0"}
        })
    );
    let res = srv
        .get("/api/article/1/relationships/author?include=author")
        .await;
    assert_eq!(res.json()["included"], json!([ro("person", 1)]));
    let res = srv
        .get("/api/article/1/relationships/comments?include=author")
        .await;
    assert_eq!(res.status, 400);
    assert_eq!(
        res.json(),
        error_doc(
            json!({"status": "400", "code": "invalid_include", "title": "Invalid include parameter",
            "detail": "On this relationship URL every include path must start with \"comments\".", "source": {"parameter": "include"}})
        )
    );
}
