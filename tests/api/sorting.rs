//! Sorting and grouping (J).

use serde_json::{json, Value};

use crate::common::{error_doc, Server};

async fn ids(srv: &Server, path: &str) -> Vec<String> {
    let res = srv.get(path).await;
    assert_eq!(res.status, 200, "{path}: {}", res.body);
    res.json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn sort_examples_j1_9() {
    let srv = Server::start();
    let cases = [
        ("/api/person?sort=age", vec!["2", "3", "1"]),
        ("/api/person?sort=-age", vec!["1", "3", "2"]),
        ("/api/person?sort=name", vec!["1", "3", "2"]),
        ("/api/person?sort=name&ignore_case=1", vec!["1", "2", "3"]),
        ("/api/person?sort=name&ignorecase=1", vec!["1", "2", "3"]),
        ("/api/person?sort=-name", vec!["2", "3", "1"]),
        ("/api/article?sort=author.name", vec!["4", "1", "2", "3"]),
        ("/api/article?sort=-rating,title", vec!["1", "2", "4", "3"]),
        (
            "/api/comment?sort=article.author.name,-id",
            vec!["4", "3", "2", "1"],
        ),
        ("/api/person/1/articles?sort=title", vec!["2", "1"]),
        ("/api/person?sort=-id", vec!["3", "2", "1"]),
        ("/api/article?sort=author.id,-id", vec!["4", "2", "1", "3"]),
        ("/api/person?sort=", vec!["1", "2", "3"]),
        ("/api/person?ignore_case=1", vec!["1", "2", "3"]),
        ("/api/article?sort=published_at", vec!["2", "4", "1", "3"]),
    ];
    for (path, want) in cases {
        assert_eq!(ids(&srv, path).await, want, "{path}");
    }
}

#[actix_web::test]
async fn sort_errors_j1_5_j1_8_j1_10() {
    let srv = Server::start();
    let sort = |detail: &str| {
        error_doc(
            json!({"status": "400", "code": "invalid_sort", "title": "Invalid sort parameter", "detail": detail, "source": {"parameter": "sort"}}),
        )
    };
    let cases = [
        ("/api/person?sort=bogus", sort("Type \"person\" has no sortable field \"bogus\".")),
        ("/api/person?sort=articles.title", sort("Cannot sort by \"articles.title\": \"articles\" is a to-many relationship.")),
        ("/api/article?sort=author", sort("Cannot sort by relationship \"author\"; name one of its attributes, e.g. \"author.name\".")),
        ("/api/article?sort=author.bogus", sort("Type \"person\" has no sortable field \"bogus\".")),
        ("/api/person?sort=age,,name", sort("Empty sort field in \"age,,name\".")),
        ("/api/person?sort=-", sort("Empty sort field in \"-\".")),
        ("/api/person?sort=%2Bage", sort("Unknown sort field \"+age\"; ascending order has no prefix.")),
        ("/api/person?sort=+age", sort("Unknown sort field \" age\"; ascending order has no prefix.")),
        ("/api/person?sort=a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a", sort("Too many sort fields (limit 16).")),
        ("/api/comment?sort=a.b.c.d.e.f.g.h.i.j", sort("Sort field \"a.b.c.d.e.f.g.h.i.j\" is too deep (limit 8 relationships).")),
        ("/api/comment?sort=bogus.b.c.d.e.f.g.h.i", sort("Type \"comment\" has no sortable field \"bogus\".")),
        (
            "/api/person?ignore_case=yes",
            error_doc(json!({"status": "400", "code": "invalid_query_parameter", "title": "Invalid query parameter",
                "detail": "ignore_case must be 0 or 1; got \"yes\".", "source": {"parameter": "ignore_case"}})),
        ),
    ];
    for (path, want) in cases {
        let res = srv.get(path).await;
        assert_eq!(res.status, 400, "{path}");
        assert_eq!(res.json(), want, "{path}");
    }
}

#[actix_web::test]
async fn group_by_keeps_the_smallest_key_per_group_j2_1() {
    let srv = Server::start();
    let res = srv.get("/api/article?group_by=author.name").await;
    assert_eq!(res.status, 200);
    let doc = res.json();
    let ids: Vec<&str> = doc["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["1", "3", "4"]);
    assert_eq!(doc["meta"], json!({"total": 3}));
    // J2.1's example: every person is alone in its group.
    assert_eq!(
        ids_of(&srv, "/api/person?group_by=age").await,
        ["1", "2", "3"]
    );
    // Ratings 4.5, 3.0, NULL, NULL: the two NULLs are one group, kept by its smallest key;
    // in both spellings (D4.1).
    for path in ["/api/article?group_by=rating", "/api/article?group=rating"] {
        let doc = srv.get(path).await.json();
        assert_eq!(ids_of(&srv, path).await, ["1", "2", "3"], "{path}");
        assert_eq!(doc["meta"], json!({"total": 3}), "{path}");
    }
    assert_eq!(
        ids_of(&srv, "/api/article?group_by=author.name&sort=-id").await,
        ["4", "3", "1"]
    );
    let paged = srv
        .get("/api/article?group_by=author.name&page%5Bsize%5D=2")
        .await
        .json();
    assert_eq!(paged["meta"], json!({"total": 3}));
    assert_eq!(paged["data"].as_array().unwrap().len(), 2);
}

async fn ids_of(srv: &Server, path: &str) -> Vec<String> {
    ids(srv, path).await
}

#[actix_web::test]
async fn group_by_errors_j2_2() {
    let srv = Server::start();
    let group = |detail: &str| -> Value {
        error_doc(
            json!({"status": "400", "code": "invalid_group_by", "title": "Invalid group_by parameter", "detail": detail, "source": {"parameter": "group_by"}}),
        )
    };
    let cases = [
        ("/api/person?group_by=bogus", group("Type \"person\" has no sortable field \"bogus\".")),
        ("/api/person?group_by=-age", group("Type \"person\" has no sortable field \"-age\".")),
        ("/api/article?group_by=author", group("Cannot sort by relationship \"author\"; name one of its attributes, e.g. \"author.name\".")),
        ("/api/person?group_by=a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a", group("Too many group fields (limit 16).")),
    ];
    for (path, want) in cases {
        let res = srv.get(path).await;
        assert_eq!(res.status, 400, "{path}");
        assert_eq!(res.json(), want, "{path}");
    }
}
