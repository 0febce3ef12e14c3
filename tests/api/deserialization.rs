//! Deserialization hooks (V6.2) and skipped columns (V3.1, V4.3): a note's `owner` is a skipped
//! field the hook fills from the request and the scope limits by; `secret` is hidden (V2) and
//! filled by the hook too.

#![allow(
    clippy::await_holding_lock,
    reason = "the test holds the write database's lock while it runs"
)]
#![allow(missing_docs, reason = "diesel's table! generates undocumented items")]

use actix_web::http::Method;
use diesel::connection::SimpleConnection;
use diesel::r2d2::R2D2Connection;
use restless::core::Database;
use restless::hook::DeserializeError;
use restless::{JsonApiResource, Method as M, ResourceConfig};
use serde_json::{json, Value};

use crate::common::{error_doc, serve_schema, test_pool, write_url, Response, Server};

diesel::table! {
    note (id) {
        id -> Integer,
        body -> Text,
        owner -> Integer,
        secret -> Nullable<Text>,
    }
}

#[derive(JsonApiResource)]
#[diesel(table_name = note)]
#[allow(dead_code, reason = "described to restless, never read")]
struct Note {
    id: i32,
    body: String,
    #[jsonapi(skip)]
    owner: i32,
    secret: Option<String>,
}

/// The owner a request speaks for: header `X-Owner`.
fn owner(ctx: &restless::Context) -> Option<i64> {
    ctx.header("x-owner").and_then(|v| v.parse().ok())
}

fn serve<C: Database + R2D2Connection + SimpleConnection>(
    url: &str,
    ddl: &str,
    lock: std::sync::MutexGuard<'static, ()>,
) -> Server {
    let setup = ["DROP TABLE IF EXISTS note", ddl];
    serve_schema(test_pool::<C>(url), &setup, lock, |m| {
        m.resource_with::<Note>(
            ResourceConfig::new()
                .methods([M::Get, M::Post, M::Patch, M::Delete])
                .exclude(["secret"])
                // A skipped column in a scope (V4.3).
                .scope(|ctx| Some(json!({"name": "owner", "op": "eq", "val": owner(ctx)})))
                .computed("has_secret", |_, row| json!(row["secret"].is_string()))
                .deserialize_with(|ctx, incoming| {
                    let body = incoming.resource["attributes"]["body"].as_str();
                    match body {
                        Some("spam") => {
                            return Err(DeserializeError::new("No spam, please.").status(422))
                        }
                        Some("bug") => incoming.set("body", json!("not mine to set")),
                        Some(body) if !incoming.is_create() => {
                            let upper = body.to_uppercase();
                            incoming.resource["attributes"]["body"] = json!(upper);
                        }
                        _ => {}
                    }
                    if incoming.is_create() {
                        incoming.set("owner", json!(owner(ctx)));
                        incoming.set("secret", json!("s"));
                    }
                    Ok(())
                }),
        )
    })
}

fn start() -> Server {
    let lock = Server::lock_writes();
    let url = write_url();
    #[cfg(feature = "postgres")]
    if url.starts_with("postgres") {
        let ddl = "CREATE TABLE note (id SERIAL PRIMARY KEY, body TEXT NOT NULL,
            owner INTEGER NOT NULL, secret TEXT NULL)";
        return serve::<diesel::PgConnection>(url, ddl, lock);
    }
    #[cfg(feature = "mysql")]
    if url.starts_with("mysql") {
        let ddl = "CREATE TABLE note (id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY,
            body TEXT NOT NULL, owner INTEGER NOT NULL, secret TEXT NULL) ENGINE=InnoDB";
        return serve::<diesel::MysqlConnection>(url, ddl, lock);
    }
    let ddl = "CREATE TABLE note (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL,
        owner INTEGER NOT NULL, secret TEXT NULL)";
    serve::<diesel::SqliteConnection>(url, ddl, lock)
}

const JSONAPI: &str = "application/vnd.api+json";

async fn as_owner(
    srv: &Server,
    who: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Response {
    let mut headers = vec![("Accept", JSONAPI), ("X-Owner", who)];
    let bytes = match body {
        Some(body) => {
            headers.push(("Content-Type", JSONAPI));
            body.to_string().into_bytes()
        }
        None => Vec::new(),
    };
    srv.send(method, path, &headers, bytes).await
}

fn note(id: &str, body: &str) -> Value {
    json!({"type": "note", "id": id, "attributes": {"body": body, "has_secret": true},
        "links": {"self": format!("http://localhost:8080/api/note/{id}")}})
}

#[actix_web::test]
async fn the_hook_fills_skipped_and_hidden_fields_v6_2() {
    let srv = start();
    let post = json!({"data": {"type": "note", "attributes": {"body": "hello"}}});
    let res = as_owner(&srv, "7", Method::POST, "/api/note", Some(post)).await;
    assert_eq!(res.status, 201, "{}", res.body);
    assert_eq!(res.json()["data"], note("1", "hello"));
    // The owner's note, nobody else's (the scope reads the skipped column).
    let res = as_owner(&srv, "7", Method::GET, "/api/note/1", None).await;
    assert_eq!(res.json()["data"], note("1", "hello"));
    let res = as_owner(&srv, "8", Method::GET, "/api/note/1", None).await;
    assert_eq!(res.status, 404);
    // Neither column exists for clients.
    for name in ["owner", "secret"] {
        let post = json!({"data": {"type": "note", "attributes": {"body": "x", name: 1}}});
        let res = as_owner(&srv, "7", Method::POST, "/api/note", Some(post)).await;
        assert_eq!(res.status, 400, "{name}");
        assert_eq!(res.json()["errors"][0]["code"], "unknown_field", "{name}");
    }
    let res = as_owner(
        &srv,
        "7",
        Method::GET,
        "/api/note?filter%5Bowner%5D=7",
        None,
    )
    .await;
    assert_eq!(res.status, 400);
    assert_eq!(res.json()["errors"][0]["code"], "invalid_filter");
}

#[actix_web::test]
async fn the_hook_rewrites_updates_v6_2() {
    let srv = start();
    let post = json!({"data": {"type": "note", "attributes": {"body": "hello"}}});
    as_owner(&srv, "7", Method::POST, "/api/note", Some(post)).await;
    let patch = json!({"data": {"type": "note", "id": "1", "attributes": {"body": "quiet"}}});
    let res = as_owner(&srv, "7", Method::PATCH, "/api/note/1", Some(patch)).await;
    // The stored value is the hook's, not the client's: 200 with it (P4.1).
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["data"], note("1", "QUIET"));
}

#[actix_web::test]
async fn the_hook_refuses_with_deserialization_failed_v6_2() {
    let srv = start();
    let post = json!({"data": {"type": "note", "attributes": {"body": "spam"}}});
    let res = as_owner(&srv, "7", Method::POST, "/api/note", Some(post)).await;
    assert_eq!(res.status, 422);
    assert_eq!(
        res.json(),
        error_doc(json!({"status": "422", "code": "deserialization_failed",
            "title": "Deserialization failed", "detail": "No spam, please."}))
    );
    // Before the field checks: an unknown attribute is not reported.
    let post = json!({"data": {"type": "note", "attributes": {"body": "spam", "bogus": 1}}});
    let res = as_owner(&srv, "7", Method::POST, "/api/note", Some(post)).await;
    assert_eq!(res.status, 422);
    // A value for a field clients may write is the hook's bug.
    let post = json!({"data": {"type": "note", "attributes": {"body": "bug"}}});
    let res = as_owner(&srv, "7", Method::POST, "/api/note", Some(post)).await;
    assert_eq!(res.status, 500);
    assert_eq!(res.json()["errors"][0]["code"], "internal_error");
    let res = as_owner(&srv, "7", Method::GET, "/api/note", None).await;
    assert_eq!(res.json()["data"], json!([]), "nothing written");
}
