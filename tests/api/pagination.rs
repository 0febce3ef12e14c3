//! Pagination in SQL (I1–I4).

use serde_json::json;

use crate::common::fixture::ros;
use crate::common::{error_doc, Server};

const A: &str = "http://localhost:8080/api/article";

#[actix_web::test]
async fn second_page_of_articles_i3_2() {
    let srv = Server::start();
    let res = srv
        .get("/api/article?page%5Bsize%5D=2&page%5Bnumber%5D=2")
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.header("link"),
        Some(format!("<{A}?page%5Bnumber%5D=1&page%5Bsize%5D=2>; rel=\"first\", <{A}?page%5Bnumber%5D=2&page%5Bsize%5D=2>; rel=\"last\", <{A}?page%5Bnumber%5D=1&page%5Bsize%5D=2>; rel=\"prev\"").as_str())
    );
    assert_eq!(
        res.json(),
        json!({
            "data": ros("article", &[3, 4]),
            "links": {
                "self": format!("{A}?page%5Bsize%5D=2&page%5Bnumber%5D=2"),
                "first": format!("{A}?page%5Bnumber%5D=1&page%5Bsize%5D=2"),
                "last": format!("{A}?page%5Bnumber%5D=2&page%5Bsize%5D=2"),
                "prev": format!("{A}?page%5Bnumber%5D=1&page%5Bsize%5D=2"),
                "next": null
            },
            "meta": {"total": 4},
            "jsonapi": {"version": "1.0"}
        })
    );
}

#[actix_web::test]
async fn unencoded_brackets_decode_the_same_d1_1() {
    let srv = Server::start();
    let encoded = srv
        .get("/api/article?page%5Bsize%5D=2&page%5Bnumber%5D=2")
        .await;
    let raw = srv.get("/api/article?page[size]=2&page[number]=2").await;
    assert_eq!(raw.status, 200);
    assert_eq!(raw.json(), encoded.json());
}

#[actix_web::test]
async fn a_page_beyond_the_last_is_empty_i2_2() {
    let srv = Server::start();
    let res = srv
        .get("/api/article?page%5Bnumber%5D=5&page%5Bsize%5D=2")
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.json(),
        json!({
            "data": [],
            "links": {
                "self": format!("{A}?page%5Bnumber%5D=5&page%5Bsize%5D=2"),
                "first": format!("{A}?page%5Bnumber%5D=1&page%5Bsize%5D=2"),
                "last": format!("{A}?page%5Bnumber%5D=2&page%5Bsize%5D=2"),
                "prev": format!("{A}?page%5Bnumber%5D=4&page%5Bsize%5D=2"),
                "next": null
            },
            "meta": {"total": 4},
            "jsonapi": {"version": "1.0"}
        })
    );
}

#[actix_web::test]
async fn middle_page_has_prev_and_next_i3_1() {
    let srv = Server::start();
    let res = srv
        .get("/api/person?page%5Bsize%5D=1&page%5Bnumber%5D=2")
        .await;
    assert_eq!(res.status, 200);
    let p = "http://localhost:8080/api/person";
    assert_eq!(
        res.json(),
        json!({
            "data": ros("person", &[2]),
            "links": {
                "self": format!("{p}?page%5Bsize%5D=1&page%5Bnumber%5D=2"),
                "first": format!("{p}?page%5Bnumber%5D=1&page%5Bsize%5D=1"),
                "last": format!("{p}?page%5Bnumber%5D=3&page%5Bsize%5D=1"),
                "prev": format!("{p}?page%5Bnumber%5D=1&page%5Bsize%5D=1"),
                "next": format!("{p}?page%5Bnumber%5D=3&page%5Bsize%5D=1")
            },
            "meta": {"total": 3},
            "jsonapi": {"version": "1.0"}
        })
    );
}

#[actix_web::test]
async fn other_parameters_are_kept_in_order_i3_2() {
    let srv = Server::start();
    let res = srv
        .get("/api/person?page%5Bsize%5D=2&x-trace=7&page%5Bnumber%5D=1")
        .await;
    assert_eq!(res.status, 200);
    let doc = res.json();
    assert_eq!(
        doc["links"]["next"],
        "http://localhost:8080/api/person?x-trace=7&page%5Bnumber%5D=2&page%5Bsize%5D=2"
    );
    assert_eq!(
        doc["links"]["self"],
        "http://localhost:8080/api/person?page%5Bsize%5D=2&x-trace=7&page%5Bnumber%5D=1"
    );
    assert_eq!(doc["data"], ros("person", &[1, 2]));
}

#[actix_web::test]
async fn the_maximum_page_size_is_allowed_i1_2() {
    let srv = Server::start();
    let res = srv.get("/api/comment?page%5Bsize%5D=100").await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["data"], ros("comment", &[1, 2, 3, 4]));
}

#[actix_web::test]
async fn bad_page_parameters_are_400_i1_3_i2_1() {
    let srv = Server::start();
    let cases = [
        (
            "page%5Bsize%5D=abc",
            "page[size]",
            "page[size] must be a positive integer; got \"abc\".",
        ),
        (
            "page%5Bsize%5D=1.5",
            "page[size]",
            "page[size] must be a positive integer; got \"1.5\".",
        ),
        (
            "page%5Bsize%5D=",
            "page[size]",
            "page[size] must be a positive integer; got \"\".",
        ),
        (
            "page%5Bsize%5D=-1",
            "page[size]",
            "page[size] must be a positive integer; got \"-1\".",
        ),
        (
            "page%5Bsize%5D=101",
            "page[size]",
            "page[size] must not exceed 100; got 101.",
        ),
        (
            "page%5Bsize%5D=0",
            "page[size]",
            "page[size] must be at least 1 when the maximum page size is 100.",
        ),
        (
            "page%5Bnumber%5D=0",
            "page[number]",
            "page[number] must be a positive integer; got \"0\".",
        ),
        (
            "page%5Bnumber%5D=-1",
            "page[number]",
            "page[number] must be a positive integer; got \"-1\".",
        ),
        (
            "page%5Bnumber%5D=abc",
            "page[number]",
            "page[number] must be a positive integer; got \"abc\".",
        ),
        (
            "page%5Bnumber%5D=",
            "page[number]",
            "page[number] must be a positive integer; got \"\".",
        ),
        (
            "page%5Bnumber%5D=2147483648",
            "page[number]",
            "page[number] must be a positive integer; got \"2147483648\".",
        ),
    ];
    for (query, parameter, detail) in cases {
        let res = srv.get(&format!("/api/person?{query}")).await;
        assert_eq!(res.status, 400, "{query}");
        assert_eq!(
            res.json(),
            error_doc(
                json!({"status": "400", "code": "invalid_page", "title": "Invalid pagination parameter",
                "detail": detail, "source": {"parameter": parameter}})
            ),
            "{query}"
        );
    }
}

#[actix_web::test]
async fn the_largest_page_number_does_not_overflow_i2_1() {
    let srv = Server::start();
    let res = srv
        .get("/api/person?page%5Bnumber%5D=2147483647&page%5Bsize%5D=100")
        .await;
    assert_eq!(res.status, 200);
    let doc = res.json();
    assert_eq!(doc["data"], json!([]));
    assert_eq!(doc["meta"], json!({"total": 3}));
    assert_eq!(
        doc["links"]["prev"],
        "http://localhost:8080/api/person?page%5Bnumber%5D=2147483646&page%5Bsize%5D=100"
    );
}
