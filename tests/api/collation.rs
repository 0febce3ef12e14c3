//! Exact text on any schema (M3.4, M3.5, J1.6, N2): a table whose text columns fold case (a
//! `latin1` column with a case-insensitive collation on MariaDB, `COLLATE NOCASE` on SQLite, a
//! nondeterministic case-insensitive collation on PostgreSQL) answers every text comparison,
//! pattern, sort, group and `min`/`max` by code point, the same on every backend. And text of
//! any size: what one backend stores, every backend stores (A3.3).

#![allow(
    clippy::await_holding_lock,
    reason = "the test holds the write database's lock while it runs"
)]
#![allow(missing_docs, reason = "diesel's table! generates undocumented items")]

use actix_web::http::Method;
use diesel::connection::SimpleConnection;
use diesel::r2d2::R2D2Connection;
use restless::core::Database;
use restless::{JsonApiResource, ResourceConfig};
use serde_json::json;

use crate::common::{ids, query, serve_schema, test_pool, write_url, Server};

diesel::table! {
    legacy (id) {
        id -> Integer,
        name -> Text,
        label -> Text,
    }
}

/// `name` folds case in the database; `label` has the database's default collation.
#[derive(JsonApiResource)]
#[diesel(table_name = legacy)]
#[allow(dead_code, reason = "described to restless, never read")]
struct Legacy {
    id: i32,
    name: String,
    label: String,
}

/// Rows 1–7; `label` repeats `name`.
const NAMES: [&str; 7] = ["Zoë", "zoë", "ZOË", "Ærø", "b", "a ", "a"];

fn serve<C: Database + R2D2Connection + SimpleConnection>(
    url: &str,
    ddl: &str,
    lock: std::sync::MutexGuard<'static, ()>,
) -> Server {
    let seed: Vec<String> = NAMES
        .iter()
        .map(|name| format!("INSERT INTO legacy (name, label) VALUES ('{name}', '{name}')"))
        .collect();
    let mut setup = vec!["DROP TABLE IF EXISTS legacy", ddl];
    setup.extend(seed.iter().map(String::as_str));
    serve_schema(test_pool::<C>(url), &setup, lock, |m| {
        m.resource_with::<Legacy>(ResourceConfig::new().page_size(0).allow_functions(true))
    })
}

fn start() -> Server {
    let lock = Server::lock_writes();
    let url = write_url();
    #[cfg(feature = "postgres")]
    if url.starts_with("postgres") {
        let ddl = "CREATE COLLATION IF NOT EXISTS restless_ci
                (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
            CREATE TABLE legacy (id SERIAL PRIMARY KEY, name TEXT COLLATE restless_ci NOT NULL,
                label TEXT NOT NULL);";
        return serve::<diesel::PgConnection>(url, ddl, lock);
    }
    #[cfg(feature = "mysql")]
    if url.starts_with("mysql") {
        // The database has the server's default charset and collation, as users' do.
        let ddl = "CREATE TABLE legacy (id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY,
                name VARCHAR(100) CHARACTER SET latin1 COLLATE latin1_swedish_ci NOT NULL,
                label VARCHAR(100) NOT NULL) ENGINE=InnoDB";
        return serve::<diesel::MysqlConnection>(url, ddl, lock);
    }
    let ddl = "CREATE TABLE legacy (id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT COLLATE NOCASE NOT NULL, label TEXT NOT NULL)";
    serve::<diesel::SqliteConnection>(url, ddl, lock)
}

/// The ids of the rows whose name is in `names`, in that order.
fn ids_of(names: &[&str]) -> Vec<String> {
    names
        .iter()
        .map(|n| {
            let i = NAMES.iter().position(|m| m == n).expect("a seeded name");
            (i + 1).to_string()
        })
        .collect()
}

#[actix_web::test]
async fn text_is_exact_on_any_collation_m3_4_m3_5() {
    let srv = start();
    for column in ["name", "label"] {
        let filter = |op: &str, val: &str| {
            let f = json!([{"name": column, "op": op, "val": val}]).to_string();
            query(&[("filter[objects]", &f), ("sort", "id")])
        };
        let cases: [(String, &[&str]); 11] = [
            (filter("eq", "Zoë"), &["Zoë"]),
            (filter("eq", "a"), &["a"]),
            (filter("ne", "zoë"), &["Zoë", "ZOË", "Ærø", "b", "a ", "a"]),
            (filter("lt", "a"), &["Zoë", "ZOË"]),
            (filter("gt", "zz"), &["Ærø"]),
            (filter("like", "Z%"), &["Zoë", "ZOË"]),
            (filter("like", "%ë"), &["Zoë", "zoë"]),
            (filter("not_like", "%o%"), &["ZOË", "Ærø", "b", "a ", "a"]),
            (filter("like", "a_"), &["a "]),
            (filter("ilike", "zo%"), &["Zoë", "zoë", "ZOË"]),
            (
                query(&[(
                    "filter[objects]",
                    &json!([{"name": column, "op": "in", "val": ["zoë", "æRØ", "a"]}]).to_string(),
                )]),
                &["zoë", "a"],
            ),
        ];
        for (q, want) in cases {
            let res = srv.get(&format!("/api/legacy{q}")).await;
            assert_eq!(res.status, 200, "{column} {q}: {}", res.body);
            assert_eq!(ids(&res.json()), ids_of(want), "{column} {q}");
        }
        let res = srv.get(&format!("/api/legacy?sort={column}")).await;
        assert_eq!(
            ids(&res.json()),
            ids_of(&["ZOË", "Zoë", "a", "a ", "b", "zoë", "Ærø"]),
            "{column}: by code point (J1.6)"
        );
        let res = srv.get(&format!("/api/legacy?sort=-{column}")).await;
        assert_eq!(
            ids(&res.json()),
            ids_of(&["Ærø", "zoë", "b", "a ", "a", "Zoë", "ZOË"]),
            "{column}"
        );
        let res = srv
            .get(&format!("/api/legacy?group_by={column}&sort={column}"))
            .await;
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(
            ids(&res.json()).len(),
            7,
            "{column}: every name its own group"
        );
        let functions =
            json!([{"name": "min", "field": column}, {"name": "max", "field": column}]).to_string();
        let res = srv
            .get(&format!(
                "/api/eval/legacy{}",
                query(&[("eval_functions", &functions)])
            ))
            .await;
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(
            res.json()["meta"]["results"],
            json!(["ZOË", "Ærø"]),
            "{column}"
        );
    }
}

#[actix_web::test]
async fn text_of_any_size_is_stored_everywhere_a3_3() {
    let srv = Server::start_writes(false, false);
    let name = "n".repeat(256);
    let res = srv
        .write(
            Method::POST,
            "/api/person",
            &json!({"data": {"type": "person", "attributes": {"name": name}}}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.body);
    let person = res.json()["data"]["id"].as_str().unwrap().to_owned();
    let body = "Lorem ipsum dolor sit amet. ".repeat(200_000 / 28 + 1);
    assert!(body.len() > 200_000);
    let res = srv
        .write(
            Method::POST,
            "/api/article",
            &json!({"data": {"type": "article", "attributes": {"title": name, "body": body}}}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.body);
    let article = res.json()["data"]["id"].as_str().unwrap().to_owned();
    let res = srv.get(&format!("/api/person/{person}")).await;
    assert_eq!(res.json()["data"]["attributes"]["name"], json!(name));
    let res = srv.get(&format!("/api/article/{article}")).await;
    assert_eq!(res.json()["data"]["attributes"]["body"], json!(body));
    assert_eq!(res.json()["data"]["attributes"]["title"], json!(name));
}
