//! A type with a URL prefix of its own (V2 `url_prefix`, E5.2): served under it, under the
//! same mount point, and linked there from everywhere.

use std::sync::Arc;

use actix_web::{web, App};
use restless::ResourceConfig;
use serde_json::json;

use crate::common::{error_doc, Server, B};
use crate::db::Custom;

/// Tags under `prefix`, the other types under `/api`.
fn tags_under(prefix: &'static str) -> Custom {
    Custom {
        types: Some(Arc::new(
            move |name: &str, config: ResourceConfig| match name {
                "tag" => config.url_prefix(prefix),
                _ => config,
            },
        )),
        ..Custom::default()
    }
}

#[actix_web::test]
async fn a_type_is_served_and_linked_under_its_own_prefix_e5_2() {
    let srv = Server::start_custom(false, tags_under("/v2"));
    let res = srv.get("/v2/tag/1").await;
    assert_eq!(res.status, 200, "{}", res.body);
    let tag = json!({"type": "tag", "id": "1", "attributes": {"name": "rust"},
        "relationships": {"articles": {"data": [{"type": "article", "id": "1"}],
            "links": {"self": "http://localhost:8080/v2/tag/1/relationships/articles",
                "related": "http://localhost:8080/v2/tag/1/articles"}}},
        "links": {"self": "http://localhost:8080/v2/tag/1"}});
    assert_eq!(
        res.json(),
        json!({"data": tag, "links": {"self": "http://localhost:8080/v2/tag/1"},
            "jsonapi": {"version": "1.0"}})
    );
    // Included from a type under the manager's prefix.
    let res = srv.get("/api/article/2?include=tags").await;
    assert_eq!(
        res.json()["included"][0]["links"]["self"],
        "http://localhost:8080/v2/tag/2"
    );
    // The root lists it where it is.
    let res = srv.get("/api").await;
    assert_eq!(
        res.json()["meta"]["modelinfo"]["tag"],
        json!({"primarykey": "id", "url": "http://localhost:8080/v2/tag"})
    );
    assert_eq!(
        res.json()["meta"]["modelinfo"]["person"]["url"],
        format!("{B}/person")
    );
    // Function evaluation is under its prefix too.
    let res = srv
        .get("/v2/eval/tag?eval_functions=%5B%7B%22name%22%3A%22count%22%2C%22field%22%3A%22id%22%7D%5D")
        .await;
    assert_eq!(res.json()["meta"]["results"], json!([3]));
    // Nowhere else.
    for path in [
        "/api/tag",
        "/api/tag/1",
        "/v2/article",
        "/v2",
        "/api/eval/tag",
    ] {
        let res = srv.get(path).await;
        assert_eq!(res.status, 404, "{path}");
        assert_eq!(
            res.json(),
            error_doc(
                json!({"status": "404", "code": "route_not_found", "title": "Not found",
                "detail": format!("No endpoint matches {path}.")})
            ),
            "{path}"
        );
    }
}

/// The description lists a type's routes under its own prefix, and only there (E1.4).
#[actix_web::test]
async fn the_description_follows_the_prefixes_e1_4_e5_2() {
    let srv = Server::start_custom(false, tags_under("/v2"));
    let res = srv
        .send_unchecked(
            actix_web::http::Method::GET,
            "/api/openapi.json",
            &[],
            Vec::new(),
        )
        .await;
    assert_eq!(res.status, 200);
    let doc: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    let paths: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for path in [
        "/api",
        "/v2/tag",
        "/v2/tag/{id}",
        "/v2/tag/{id}/articles",
        "/v2/tag/{id}/relationships/articles",
        "/api/article/{id}/tags",
        "/api/person",
        "/api/eval/person",
    ] {
        assert!(paths.contains(&path), "{path} in {paths:?}");
    }
    assert!(
        !paths.iter().any(|p| p.starts_with("/api/tag")),
        "tags only under /v2: {paths:?}"
    );
    assert!(paths.contains(&"/v2/eval/tag"), "{paths:?}");
    assert!(!paths
        .iter()
        .any(|p| p.starts_with("/v2/") && !p.starts_with("/v2/tag") && *p != "/v2/eval/tag"));
    assert_eq!(doc["servers"], json!([{"url": "/"}]));
    // Every answer under either prefix is checked against it.
    assert_eq!(srv.get("/v2/tag/1/articles").await.status, 200);
    assert_eq!(srv.get("/api/article/1/tags").await.status, 200);
    assert_eq!(srv.described_exchanges(), 2);
}

#[actix_web::test]
async fn prefixes_share_the_mount_point_e5_2() {
    let (api, lock) = Server::custom_api(false, tags_under("/api/v2"));
    let srv = Server::started_with(
        actix_test::start(move || App::new().service(web::scope("/m").service(api.scope()))),
        lock,
    )
    .described_at("/m/api/openapi.json");
    let res = srv.get("/m/api/v2/tag/3").await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(
        srv.described_exchanges(),
        1,
        "checked against the mounted description"
    );
    assert_eq!(
        res.json()["links"]["self"],
        "http://localhost:8080/m/api/v2/tag/3"
    );
    let res = srv.get("/m/api/person/1").await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.json()["data"]["relationships"]["articles"]["links"]["self"],
        "http://localhost:8080/m/api/person/1/relationships/articles"
    );
    assert_eq!(srv.get("/m/api/tag/3").await.status, 404);
}

#[actix_web::test]
async fn configure_mounts_one_scope_per_prefix_e5_2() {
    // `/api` and `/v2` share no leading segment: `configure` leaves other routes alone.
    let (api, lock) = Server::custom_api(false, tags_under("/v2"));
    let srv = Server::started_with(
        actix_test::start(move || {
            App::new()
                .configure(api.configure())
                .route("/health", web::get().to(|| async { "ok" }))
        }),
        lock,
    );
    assert_eq!(srv.get("/v2/tag/1").await.status, 200);
    assert_eq!(srv.get("/api/person/1").await.status, 200);
    assert_eq!(srv.get("/api/tag/1").await.status, 404);
    let res = srv
        .send_unchecked(actix_web::http::Method::GET, "/health", &[], Vec::new())
        .await;
    assert_eq!((res.status, res.body.as_str()), (200, "ok"));
}
