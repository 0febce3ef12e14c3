//! The bench-scale data set (`--seed bench`, issue 12): the same rows on every backend.

use serde_json::json;

use crate::common::{bench_url, ids, query, Server};
use crate::db::{self, Options};

#[actix_web::test]
async fn the_bench_data_set_is_the_same_everywhere() {
    let options = Options {
        seed: true,
        bench: true,
        reset: true,
        base_url: Some("http://localhost:8080"),
        functions: true,
        ..Options::default()
    };
    let api = db::open(bench_url(), options, 2).expect("the bench database");
    let srv = Server::serve_scope(move || api.scope(), None);
    let count = query(&[("eval_functions", r#"[{"name":"count","field":"id"}]"#)]);
    for (type_name, n) in [
        ("person", 1_000),
        ("article", 10_000),
        ("comment", 50_000),
        ("tag", 50),
    ] {
        let res = srv.get(&format!("/api/eval/{type_name}{count}")).await;
        assert_eq!(res.json()["meta"]["results"], json!([n]), "{type_name}");
    }
    let res = srv.get("/api/article/7").await;
    let article = &res.json()["data"];
    assert_eq!(
        article["attributes"],
        json!({"title": "Article 7: page tokio serde",
            "body": "include json actix serde async schema diesel page tokio rust sort actix async page serde page",
            "rating": 1.5, "published_at": "2023-08-10T14:59:37"})
    );
    assert_eq!(
        article["relationships"]["author"]["data"],
        json!({"type": "person", "id": "536"})
    );
    assert_eq!(
        article["relationships"]["comments"]["data"],
        json!([{"type": "comment", "id": "8791"}, {"type": "comment", "id": "38447"}])
    );
    // About three tags an article; some NULL ratings, dates and authors.
    let q = query(&[(
        "eval_functions",
        r#"[{"name":"count","field":"rating"},{"name":"count","field":"published_at"},{"name":"avg","field":"rating"}]"#,
    )]);
    let res = srv.get(&format!("/api/eval/article{q}")).await;
    let results = res.json()["meta"]["results"].clone();
    assert_eq!(results[0], 8_334);
    assert_eq!(results[1], 8_000);
    let res = srv.get("/api/article?filter%5Bobjects%5D=%5B%7B%22name%22%3A%22author%22%2C%22op%22%3A%22is_null%22%7D%5D&page%5Bsize%5D=3").await;
    assert_eq!(ids(&res.json()), ["50", "100", "150"]);
    assert_eq!(res.json()["meta"]["total"], 200);
}
