//! Security checks (issue 13): request values reach the database as bound parameters only,
//! never as SQL text, whatever metacharacters they carry.

#![allow(
    clippy::await_holding_lock,
    reason = "the test holds the write database's lock while it runs"
)]
#![allow(missing_docs, reason = "diesel's table! generates undocumented items")]

use std::sync::{Arc, Mutex};

use actix_web::http::Method;
use diesel::connection::{Instrumentation, InstrumentationEvent, SimpleConnection};
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, R2D2Connection};
use restless::core::Database;
use restless::{JsonApiResource, Method as M, ResourceConfig};
use serde_json::json;

use crate::common::{query, serve_schema, write_url, Server};

diesel::table! {
    sec_note (code) {
        code -> Text,
        body -> Text,
        parent -> Nullable<Text>,
    }
}

#[derive(JsonApiResource)]
#[diesel(table_name = sec_note)]
#[jsonapi(primary_key = "code")]
#[allow(dead_code, reason = "described to restless, never read")]
struct SecNote {
    code: String,
    body: String,
    #[jsonapi(to_one = "parent", target = SecNote)]
    parent: Option<String>,
}

/// Every statement a connection runs, as Diesel shows it: the SQL text, then `-- binds: […]`.
#[derive(Clone, Debug, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl<C: diesel::Connection + Send + 'static> CustomizeConnection<C, diesel::r2d2::Error> for Log {
    fn on_acquire(&self, conn: &mut C) -> Result<(), diesel::r2d2::Error> {
        let log = Arc::clone(&self.0);
        let instrumentation = move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::StartQuery { query, .. } = event {
                log.lock().unwrap().push(query.to_string());
            }
        };
        conn.set_instrumentation(Box::new(instrumentation) as Box<dyn Instrumentation>);
        Ok(())
    }
}

/// A value full of SQL metacharacters, with a mark to find it by.
const EVIL: &str = "Zq9x'); DROP TABLE sec_note; -- \"`\\ %_ /* */ \u{1}?$1";

fn serve<C>(url: &str, ddl: &str, log: Log, lock: std::sync::MutexGuard<'static, ()>) -> Server
where
    C: Database + R2D2Connection + SimpleConnection,
{
    let pool = Pool::builder()
        .max_size(2)
        .connection_customizer(Box::new(log))
        .build(ConnectionManager::<C>::new(url))
        .expect("pool");
    let setup = [
        "DROP TABLE IF EXISTS sec_note",
        ddl,
        "INSERT INTO sec_note (code, body, parent) VALUES ('a', 'first', NULL)",
    ];
    serve_schema(pool, &setup, lock, |m| {
        m.resource_with::<SecNote>(
            ResourceConfig::new()
                .methods([M::Get, M::Post, M::Patch, M::Delete])
                .allow_client_generated_ids(true)
                .allow_functions(true),
        )
    })
}

fn start(log: Log) -> Server {
    let lock = Server::lock_writes();
    let url = write_url();
    #[cfg(feature = "postgres")]
    if url.starts_with("postgres") {
        let ddl = "CREATE TABLE sec_note (code TEXT PRIMARY KEY, body TEXT NOT NULL, parent TEXT)";
        return serve::<diesel::PgConnection>(url, ddl, log, lock);
    }
    #[cfg(feature = "mysql")]
    if url.starts_with("mysql") {
        let ddl = "CREATE TABLE sec_note (code VARCHAR(100) PRIMARY KEY, body TEXT NOT NULL,
            parent VARCHAR(100)) ENGINE=InnoDB";
        return serve::<diesel::MysqlConnection>(url, ddl, log, lock);
    }
    let ddl = "CREATE TABLE sec_note (code TEXT PRIMARY KEY, body TEXT NOT NULL, parent TEXT)";
    serve::<diesel::SqliteConnection>(url, ddl, log, lock)
}

#[actix_web::test]
async fn request_values_are_bound_never_spliced_a3_4() {
    let log = Log::default();
    let srv = start(log.clone());
    let evil = restless::core::url::encode_segment(EVIL);
    let filter = |op: &str, val: serde_json::Value| {
        query(&[(
            "filter[objects]",
            &json!([{"name": "body", "op": op, "val": val}]).to_string(),
        )])
    };
    let reads = [
        format!("/api/sec_note/{evil}"),
        format!("/api/sec_note/{evil}/parent"),
        format!("/api/sec_note/{evil}/relationships/parent"),
        format!("/api/sec_note{}", filter("eq", json!(EVIL))),
        format!("/api/sec_note{}", filter("like", json!(EVIL))),
        format!("/api/sec_note{}", filter("in", json!([EVIL, "x"]))),
        format!("/api/sec_note{}", query(&[("filter[body]", EVIL)])),
        format!("/api/sec_note{}", query(&[("filter[parent]", EVIL)])),
        format!(
            "/api/sec_note{}",
            query(&[(
                "filter[objects]",
                &json!([{"name": "parent", "op": "has", "val": {"name": "id", "op": "eq", "val": EVIL}}])
                    .to_string()
            )])
        ),
    ];
    // Nothing has that id yet: its URLs are 404, the filters match nothing.
    for (i, path) in reads.iter().enumerate() {
        let res = srv.get(path).await;
        let want = if i < 3 { 404 } else { 200 };
        assert_eq!(res.status, want, "{path}: {}", res.body);
        if want == 200 {
            assert_eq!(res.json()["data"], json!([]), "{path}");
        }
    }
    // Created with that id and text, referred to, updated, pointed at itself, deleted.
    let writes = [
        (
            201,
            Method::POST,
            "/api/sec_note".to_owned(),
            json!({"data": {"type": "sec_note", "id": EVIL, "attributes": {"body": EVIL},
                "relationships": {"parent": {"data": {"type": "sec_note", "id": "a"}}}}}),
        ),
        (
            201,
            Method::POST,
            "/api/sec_note".to_owned(),
            json!({"data": {"type": "sec_note", "id": "b", "attributes": {"body": "x"},
                "relationships": {"parent": {"data": {"type": "sec_note", "id": EVIL}}}}}),
        ),
        (
            204,
            Method::PATCH,
            format!("/api/sec_note/{evil}"),
            json!({"data": {"type": "sec_note", "id": EVIL, "attributes": {"body": EVIL}}}),
        ),
        (
            204,
            Method::PATCH,
            format!("/api/sec_note/{evil}/relationships/parent"),
            json!({"data": {"type": "sec_note", "id": EVIL}}),
        ),
        (
            204,
            Method::DELETE,
            format!("/api/sec_note/{evil}"),
            json!(null),
        ),
    ];
    for (want, method, path, body) in &writes {
        let res = match body.is_null() {
            true => srv.request(method.clone(), path, &[]).await,
            false => srv.write(method.clone(), path, body).await,
        };
        let got = match (res.status, *want) {
            // An update that changes nothing else may answer with the document (P4.1).
            (200, 204) => 204,
            (status, _) => status,
        };
        assert_eq!(got, *want, "{method} {path}: {}", res.body);
    }
    assert_eq!(srv.get(&format!("/api/sec_note/{evil}")).await.status, 404);
    assert_eq!(
        srv.get("/api/sec_note/b").await.json()["data"]["relationships"]["parent"]["data"],
        json!({"type": "sec_note", "id": EVIL})
    );
    // The value was created, read back and deleted: it reached the database.
    let statements = log.0.lock().unwrap().clone();
    let (text, binds): (Vec<&str>, Vec<&str>) = statements
        .iter()
        .map(|s| s.split_once(" -- binds: ").unwrap_or((s, "")))
        .unzip();
    assert!(
        binds.iter().filter(|b| b.contains("Zq9x")).count() >= reads.len() + 3,
        "{statements:#?}"
    );
    for sql in text {
        assert!(!sql.contains("Zq9x"), "spliced: {sql}");
    }
}
