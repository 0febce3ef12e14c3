//! Related resources (H3, H4, H5).

use serde_json::json;

use crate::common::fixture::{ro, ros};
use crate::common::{error_doc, Server, B};

#[actix_web::test]
async fn to_one_related_resource_h3_1() {
    let srv = Server::start();
    let res = srv.get("/api/article/1/author").await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.json(),
        json!({"data": ro("person", 1), "links": {"self": format!("{B}/article/1/author")}, "jsonapi": {"version": "1.0"}})
    );
    let res = srv.get("/api/article/4/author").await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.json(),
        json!({"data": null, "links": {"self": format!("{B}/article/4/author")}, "jsonapi": {"version": "1.0"}})
    );
    let res = srv.get("/api/comment/2/article").await;
    assert_eq!(res.json()["data"], ro("article", 1));
}

#[actix_web::test]
async fn to_one_related_errors_h3_2_h3_4() {
    let srv = Server::start();
    let res = srv.get("/api/article/9/author").await;
    assert_eq!(res.status, 404);
    assert_eq!(
        res.json(),
        error_doc(
            json!({"status": "404", "code": "resource_not_found", "title": "Resource not found",
            "detail": "No resource of type \"article\" with id \"9\"."})
        )
    );
    // A to-one related URL is no collection (D2.2).
    let res = srv.get("/api/article/1/author?page%5Bsize%5D=5").await;
    assert_eq!(res.status, 400);
    assert_eq!(
        res.json(),
        error_doc(
            json!({"status": "400", "code": "unsupported_query_parameter", "title": "Unsupported query parameter",
            "detail": "Query parameter \"page[size]\" is not supported by this endpoint.", "source": {"parameter": "page[size]"}})
        )
    );
}

#[actix_web::test]
async fn to_many_related_resources_h4_1() {
    let srv = Server::start();
    let res = srv.get("/api/person/1/articles").await;
    assert_eq!(res.status, 200);
    let page = format!("{B}/person/1/articles?page%5Bnumber%5D=1&page%5Bsize%5D=10");
    assert_eq!(
        res.header("link"),
        Some(format!("<{page}>; rel=\"first\", <{page}>; rel=\"last\"").as_str())
    );
    assert_eq!(
        res.json(),
        json!({
            "data": ros("article", &[1, 2]),
            "links": {"self": format!("{B}/person/1/articles"), "first": page, "last": page, "prev": null, "next": null},
            "meta": {"total": 2},
            "jsonapi": {"version": "1.0"}
        })
    );
    let empty = srv.get("/api/person/2/articles").await.json();
    assert_eq!(empty["data"], json!([]));
    assert_eq!(empty["meta"], json!({"total": 0}));
}

#[actix_web::test]
async fn many_to_many_related_resources_h4_1() {
    let srv = Server::start();
    let cases = [
        ("/api/tag/2/articles", "article", vec![1, 2]),
        ("/api/article/1/tags", "tag", vec![1, 2]),
        ("/api/tag/3/articles", "article", vec![]),
        ("/api/article/2/comments", "comment", vec![3]),
    ];
    for (path, type_name, ids) in cases {
        let res = srv.get(path).await;
        assert_eq!(res.status, 200, "{path}");
        let doc = res.json();
        assert_eq!(doc["data"], ros(type_name, &ids), "{path}");
        assert_eq!(doc["meta"], json!({"total": ids.len()}), "{path}");
    }
}

#[actix_web::test]
async fn related_collections_sort_and_paginate_h4_1() {
    let srv = Server::start();
    let res = srv
        .get("/api/person/1/articles?sort=title&page%5Bsize%5D=1")
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.json(),
        json!({
            "data": ros("article", &[2]),
            "links": {
                "self": format!("{B}/person/1/articles?sort=title&page%5Bsize%5D=1"),
                "first": format!("{B}/person/1/articles?sort=title&page%5Bnumber%5D=1&page%5Bsize%5D=1"),
                "last": format!("{B}/person/1/articles?sort=title&page%5Bnumber%5D=2&page%5Bsize%5D=1"),
                "prev": null,
                "next": format!("{B}/person/1/articles?sort=title&page%5Bnumber%5D=2&page%5Bsize%5D=1")
            },
            "meta": {"total": 2},
            "jsonapi": {"version": "1.0"}
        })
    );
}

#[actix_web::test]
async fn one_related_resource_h5_1() {
    let srv = Server::start();
    let res = srv.get("/api/person/1/articles/2").await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.json(),
        json!({"data": ro("article", 2), "links": {"self": format!("{B}/person/1/articles/2")}, "jsonapi": {"version": "1.0"}})
    );
    let res = srv.get("/api/article/1/tags/2").await;
    assert_eq!(res.json()["data"], ro("tag", 2));
}

#[actix_web::test]
async fn one_related_resource_errors_in_order_h5_2() {
    let srv = Server::start();
    let cases = [
        ("/api/person/1/bogus/1", "relationship_not_found", "Relationship not found", "Type \"person\" has no relationship named \"bogus\"."),
        ("/api/article/1/author/1", "not_to_many", "Not a to-many relationship", "Relationship \"author\" of type \"article\" is to-one; only members of to-many relationships can be addressed by id."),
        ("/api/person/9/articles/1", "resource_not_found", "Resource not found", "No resource of type \"person\" with id \"9\"."),
        ("/api/person/1/articles/3", "related_resource_not_found", "Related resource not found", "Resource \"article\" \"3\" is not related to \"person\" \"1\" through \"articles\"."),
        ("/api/person/1/articles/abc", "related_resource_not_found", "Related resource not found", "Resource \"article\" \"abc\" is not related to \"person\" \"1\" through \"articles\"."),
        ("/api/article/2/tags/1", "related_resource_not_found", "Related resource not found", "Resource \"tag\" \"1\" is not related to \"article\" \"2\" through \"tags\"."),
    ];
    for (path, code, title, detail) in cases {
        let res = srv.get(path).await;
        assert_eq!(res.status, 404, "{path}");
        assert_eq!(
            res.json(),
            error_doc(json!({"status": "404", "code": code, "title": title, "detail": detail})),
            "{path}"
        );
    }
}
