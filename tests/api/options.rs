//! Manager and type options over HTTP: JSONP off (T1.6), strict query names (D4.1), a string
//! key (F1.2, E5.2), each on an `ApiManager` built here over the read tests' database.

#![allow(missing_docs, reason = "diesel's table! generates undocumented items")]

use diesel::r2d2::{ConnectionManager, Pool, R2D2Connection};
use restless::core::Database;
use restless::{ApiManager, JsonApiResource, Limits, ResourceConfig};
use serde_json::json;

use crate::common::{
    assert_unavailable, error_doc, ids, internal, internal_error, read_url, Server, B,
};
use crate::schema::tag;

/// Tags addressed by their unique name (F1.2: a single unique column as the key).
#[derive(JsonApiResource)]
#[diesel(table_name = tag)]
#[jsonapi(primary_key = "name")]
#[allow(dead_code, reason = "described to restless, never read")]
struct TagByName {
    #[jsonapi(skip)]
    id: i32,
    name: String,
}

type Configure<C> = fn(ApiManager<C>) -> ApiManager<C>;

fn serve_with<C: Database + R2D2Connection>(url: &str, configure: Configure<C>) -> Server {
    let pool = Pool::builder()
        .max_size(2)
        .build(ConnectionManager::<C>::new(url))
        .expect("pool");
    let api = configure(ApiManager::new(pool).base_url("http://localhost:8080"))
        .build()
        .expect("valid configuration");
    Server::serve_scope(move || api.scope(), None)
}

/// A manager over the read database, configured per backend by the same function.
macro_rules! start {
    ($configure:expr) => {
        start!(read_url(), $configure)
    };
    ($url:expr, $configure:expr) => {{
        let url = $url;
        #[cfg(feature = "postgres")]
        if url.starts_with("postgres") {
            return serve_with::<diesel::PgConnection>(url, $configure);
        }
        #[cfg(feature = "mysql")]
        if url.starts_with("mysql") {
            return serve_with::<diesel::MysqlConnection>(url, $configure);
        }
        serve_with::<diesel::SqliteConnection>(url, $configure)
    }};
}

fn without_jsonp() -> Server {
    start!(|m| m
        .jsonp(false)
        .strict_query_names(false)
        .resource_with::<TagByName>(ResourceConfig::new()))
}

/// A manager that never mentions JSONP.
fn jsonp_by_default() -> Server {
    start!(|m| m.resource_with::<TagByName>(ResourceConfig::new()))
}

fn strict() -> Server {
    start!(|m| m
        .jsonp(true)
        .strict_query_names(true)
        .resource_with::<TagByName>(ResourceConfig::new()))
}

fn unknown(name: &str) -> serde_json::Value {
    error_doc(
        json!({"status": "400", "code": "unknown_query_parameter", "title": "Unknown query parameter",
        "detail": format!("Unknown query parameter \"{name}\"."), "source": {"parameter": name}}),
    )
}

#[actix_web::test]
async fn jsonp_off_t1_6() {
    let srv = without_jsonp();
    let res = srv.get("/api/tag/web?jsonp_callback=f").await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.header("content-type"),
        Some("application/vnd.api+json"),
        "never wrapped"
    );
    let res = srv.get("/api/tag/web?callback=f").await;
    assert_eq!(res.status, 400);
    assert_eq!(res.json(), unknown("callback"));
}

#[actix_web::test]
async fn jsonp_is_off_by_default_t1_1() {
    // As with `jsonp(false)` (T1.6): `jsonp_callback` is ignored, `callback` unknown.
    let srv = jsonp_by_default();
    let res = srv.get("/api/tag/web?jsonp_callback=f").await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type"), Some("application/vnd.api+json"));
    assert_eq!(res.json()["data"]["id"], "web");
    let res = srv.get("/api/tag/web?callback=f").await;
    assert_eq!(res.status, 400);
    assert_eq!(res.json(), unknown("callback"));
}

#[actix_web::test]
async fn strict_query_names_d4_1() {
    let srv = strict();
    for name in ["group", "ignorecase", "callback", "functions"] {
        let res = srv.get(&format!("/api/tag?{name}=x")).await;
        assert_eq!(res.status, 400, "{name}");
        assert_eq!(res.json(), unknown(name), "{name}");
    }
    let res = srv
        .get("/api/tag?jsonp_callback=f&group_by=name&ignore_case=1")
        .await;
    assert_eq!(res.status, 200);
    assert!(res.body.starts_with("f({"), "{}", res.body);
}

#[actix_web::test]
async fn string_keys_f1_2_e5_2() {
    let srv = strict();
    let res = srv.get("/api").await;
    assert_eq!(
        res.json()["meta"]["modelinfo"],
        json!({"tag": {"primarykey": "name", "url": format!("{B}/tag")}})
    );
    let res = srv.get("/api/tag/web").await;
    assert_eq!(
        res.json(),
        json!({"data": {"type": "tag", "id": "web", "links": {"self": format!("{B}/tag/web")}},
            "links": {"self": format!("{B}/tag/web")}, "jsonapi": {"version": "1.0"}})
    );
    // Keys order by bytes (F3.5); filters and sorting take the key as `id`.
    assert_eq!(
        ids(&srv.get("/api/tag").await.json()),
        ["databases", "rust", "web"]
    );
    assert_eq!(
        ids(&srv.get("/api/tag?sort=-id").await.json()),
        ["web", "rust", "databases"]
    );
    assert_eq!(
        ids(&srv
            .get("/api/tag?filter%5Bid%5D=web,rust,nope")
            .await
            .json()),
        ["rust", "web"]
    );
    for missing in ["Web", "web%20", "a%2Fb"] {
        let res = srv.get(&format!("/api/tag/{missing}")).await;
        assert_eq!(res.status, 404, "{missing}");
    }
}

fn unprefixed() -> Server {
    start!(|m| m
        .prefix("")
        .resource_with::<TagByName>(ResourceConfig::new()))
}

#[actix_web::test]
async fn an_empty_prefix_serves_the_root_at_slash_e5_3() {
    let srv = unprefixed();
    let res = srv.get("/").await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.json(),
        json!({"data": null, "links": {"self": "http://localhost:8080/"},
            "meta": {"modelinfo": {"tag": {"primarykey": "name", "url": "http://localhost:8080/tag"}}},
            "jsonapi": {"version": "1.0"}})
    );
    assert_eq!(
        ids(&srv.get("/tag").await.json()),
        ["databases", "rust", "web"]
    );
    assert_eq!(srv.get("/tag/").await.status, 404);
    assert_eq!(
        srv.get("/bogus").await.json()["errors"][0]["code"],
        "route_not_found"
    );
}

/// People with a computed attribute (V2 `additional_attributes`).
#[derive(JsonApiResource)]
#[diesel(table_name = crate::schema::person)]
#[allow(dead_code, reason = "described to restless, never read")]
struct Someone {
    id: i32,
    name: String,
    age: Option<i32>,
    birthday: Option<chrono::NaiveDate>,
    created_at: Option<chrono::NaiveDateTime>,
}

fn initial(
    _: &restless::Context,
    attributes: &serde_json::Map<String, serde_json::Value>,
) -> serde_json::Value {
    json!(attributes["name"]
        .as_str()
        .and_then(|n| n.chars().next())
        .map(String::from))
}

fn with_computed() -> Server {
    start!(|m| m.resource_with::<Someone>(ResourceConfig::new().computed("initial", initial)))
}

fn initial_or_panic(
    context: &restless::Context,
    attributes: &serde_json::Map<String, serde_json::Value>,
) -> serde_json::Value {
    match attributes["name"].as_str() {
        Some("bob") => panic!("a computed attribute's bug"),
        _ => initial(context, attributes),
    }
}

fn with_panicking_computed() -> Server {
    start!(
        |m| m.resource_with::<Someone>(ResourceConfig::new().computed("initial", initial_or_panic))
    )
}

#[actix_web::test]
async fn a_panicking_computed_attribute_is_500_a3_2_s3_1() {
    let srv = with_panicking_computed();
    for path in [
        "/api/person/2",
        "/api/person",
        "/api/person?fields%5Bperson%5D=initial",
    ] {
        let res = srv.get(path).await;
        assert_eq!(res.status, 500, "{path}: {}", res.body);
        assert_eq!(internal_error(&res), internal(), "{path}");
    }
    // The others are served, and the worker is still there.
    let res = srv.get("/api/person/1").await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["data"]["attributes"]["initial"], "A");
}

#[actix_web::test]
async fn computed_attributes_f2_1() {
    let srv = with_computed();
    let res = srv.get("/api/person/1").await;
    assert_eq!(
        res.json()["data"],
        json!({"type": "person", "id": "1",
            "attributes": {"name": "Alice", "age": 31, "birthday": "1993-04-12", "created_at": "2024-01-15T09:30:00", "initial": "A"},
            "links": {"self": format!("{B}/person/1")}})
    );
    // Shown alone, it still sees the stored attributes (K1.1).
    let res = srv.get("/api/person?fields%5Bperson%5D=initial").await;
    let attrs: Vec<serde_json::Value> = res.json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["attributes"].clone())
        .collect();
    assert_eq!(
        attrs,
        [
            json!({"initial": "A"}),
            json!({"initial": "b"}),
            json!({"initial": "C"})
        ]
    );
    // Not sortable (J1.2) and not a filter field (M2.3).
    assert_eq!(
        srv.get("/api/person?sort=initial").await.json()["errors"][0]["code"],
        "invalid_sort"
    );
    assert_eq!(
        srv.get("/api/person?filter%5Binitial%5D=A").await.json()["errors"][0]["code"],
        "invalid_filter"
    );
}

fn writable_with_computed() -> Server {
    start!(crate::common::write_url(), |m| m.resource_with::<Someone>(
        ResourceConfig::new()
            .methods([restless::Method::Get, restless::Method::Post])
            .computed("initial", initial)
    ))
}

#[actix_web::test]
#[allow(
    clippy::await_holding_lock,
    reason = "the test holds the write database's lock while it runs"
)]
async fn computed_attributes_are_read_only_o3_1() {
    let _lock = Server::lock_writes();
    let srv = writable_with_computed();
    let body = json!({"data": {"type": "person", "attributes": {"name": "Quinn", "initial": "Q"}}});
    let res = srv
        .write(actix_web::http::Method::POST, "/api/person", &body)
        .await;
    assert_eq!(res.status, 400);
    assert_eq!(
        res.json(),
        error_doc(
            json!({"status": "400", "code": "read_only_field", "title": "Read-only field",
            "detail": "Attribute \"initial\" of type \"person\" is read-only.", "source": {"pointer": "/data/attributes/initial"}})
        )
    );
}

/// The blog's four types with sort limits of depth 1 and 1 join.
fn tight_sort_limits() -> Server {
    use crate::models::{Article, Comment, Person, Tag};
    start!(|m| m
        .limits(Limits {
            max_sort_depth: 1,
            max_sort_joins: 1,
            ..Limits::default()
        })
        .resource::<Person>()
        .resource::<Article>()
        .resource::<Comment>()
        .resource::<Tag>())
}

#[actix_web::test]
async fn sort_depth_and_join_limits_j1_11_j1_12_j2_4() {
    let srv = tight_sort_limits();
    let invalid = |code: &str, title: &str, parameter: &str, detail: &str| {
        error_doc(
            json!({"status": "400", "code": code, "title": title, "detail": detail,
            "source": {"parameter": parameter}}),
        )
    };
    let cases = [
        (
            "/api/comment?sort=article.author.name",
            invalid(
                "invalid_sort",
                "Invalid sort parameter",
                "sort",
                "Sort field \"article.author.name\" is too deep (limit 1 relationships).",
            ),
        ),
        (
            "/api/comment?group_by=article.author.name",
            invalid(
                "invalid_group_by",
                "Invalid group_by parameter",
                "group_by",
                "Group field \"article.author.name\" is too deep (limit 1 relationships).",
            ),
        ),
        (
            "/api/comment?sort=author.name,article.title&group_by=id",
            invalid(
                "invalid_sort",
                "Invalid sort parameter",
                "sort",
                "Sort and group fields reach too many relationships (limit 1).",
            ),
        ),
        (
            "/api/comment?sort=author.name&group_by=article.title",
            invalid(
                "invalid_sort",
                "Invalid sort parameter",
                "sort",
                "Sort and group fields reach too many relationships (limit 1).",
            ),
        ),
    ];
    for (path, want) in cases {
        let res = srv.get(path).await;
        assert_eq!(res.status, 400, "{path}");
        assert_eq!(res.json(), want, "{path}");
    }
    // One join shared by two fields counts once.
    let res = srv
        .get("/api/comment?sort=author.name,-author.age,article.title")
        .await;
    assert_eq!(res.status, 400, "two joins: author, article");
    let res = srv.get("/api/comment?sort=author.name,-author.age").await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(ids(&res.json()), ["4", "2", "3", "1"]);
}

/// A server whose pool has one connection, held by the test, and a short checkout timeout.
fn busy_with<C: Database + R2D2Connection>(
    url: &str,
) -> (Server, diesel::r2d2::PooledConnection<ConnectionManager<C>>) {
    let pool = Pool::builder()
        .max_size(1)
        .connection_timeout(std::time::Duration::from_millis(200))
        .build(ConnectionManager::<C>::new(url))
        .expect("pool");
    let held = pool.get().expect("the one connection");
    let api = ApiManager::new(pool)
        .base_url("http://localhost:8080")
        .resource_with::<TagByName>(ResourceConfig::new())
        .build()
        .expect("valid configuration");
    (Server::serve_scope(move || api.scope(), None), held)
}

async fn assert_busy_answers_503<C: Database + R2D2Connection>(url: &str) {
    let (srv, held) = busy_with::<C>(url);
    assert_unavailable(&srv.get("/api/tag/web").await);
    // Once the connection is back, the next request succeeds (S3.5).
    drop(held);
    let res = srv.get("/api/tag/web").await;
    assert_eq!(res.status, 200, "{}", res.body);
}

#[actix_web::test]
async fn a_busy_pool_answers_503_with_retry_after_s3_2_s3_5() {
    let url = read_url();
    #[cfg(feature = "postgres")]
    if url.starts_with("postgres") {
        return assert_busy_answers_503::<diesel::PgConnection>(url).await;
    }
    #[cfg(feature = "mysql")]
    if url.starts_with("mysql") {
        return assert_busy_answers_503::<diesel::MysqlConnection>(url).await;
    }
    assert_busy_answers_503::<diesel::SqliteConnection>(url).await;
}
