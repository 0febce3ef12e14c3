//! Required (NOT NULL) inverse foreign keys (P3.2, Q1.3, R4.2), on a small schema of their own
//! in the write database: owners and their pets, where every pet must have an owner.

#![allow(
    clippy::await_holding_lock,
    reason = "the test holds the write database's lock while it runs"
)]
#![allow(missing_docs, reason = "diesel's table! generates undocumented items")]

use actix_web::http::Method;
use diesel::connection::SimpleConnection;
use diesel::r2d2::R2D2Connection;
use restless::core::Database;
use restless::{JsonApiResource, Method as M, ResourceConfig};
use serde_json::{json, Value};

use crate::common::{error_doc, serve_schema, test_pool, write_url, Server};

diesel::table! {
    owner (id) {
        id -> Integer,
        name -> Text,
    }
}

diesel::table! {
    note (id) {
        id -> Integer,
        body -> Nullable<Text>,
    }
}

diesel::table! {
    pet (id) {
        id -> Integer,
        name -> Text,
        owner_id -> Integer,
    }
}

#[derive(JsonApiResource)]
#[diesel(table_name = owner)]
#[jsonapi(to_many(name = "pets", target = Pet, foreign_key = pet::owner_id))]
#[allow(dead_code, reason = "described to restless, never read")]
struct Owner {
    id: i32,
    name: String,
}

#[derive(JsonApiResource)]
#[diesel(table_name = pet)]
#[allow(dead_code, reason = "described to restless, never read")]
struct Pet {
    id: i32,
    name: String,
    #[jsonapi(to_one = "owner", target = Owner)]
    owner_id: i32,
}

/// Described as nullable, but the database's column is NOT NULL: only the database can refuse
/// a null `body` (S3.3). On MariaDB the table's collation is case-insensitive. PostgreSQL and
/// MariaDB limit `body` to 20 characters, SQLite does not.
#[derive(JsonApiResource)]
#[diesel(table_name = note)]
#[allow(dead_code, reason = "described to restless, never read")]
struct Note {
    id: i32,
    body: Option<String>,
}

/// Fresh tables number their rows from 1 on every backend: owners 1, 2 and pets 1, 2.
const SEED: &str = "INSERT INTO owner (name) VALUES ('Ann'), ('Ben');
    INSERT INTO pet (name, owner_id) VALUES ('Rex', 1), ('Tom', 1);";

/// Creates the two tables afresh and serves them with every write enabled.
fn serve<C: Database + R2D2Connection + SimpleConnection>(
    url: &str,
    ddl: &str,
    lock: std::sync::MutexGuard<'static, ()>,
) -> Server {
    let drop = "DROP TABLE IF EXISTS note; DROP TABLE IF EXISTS pet; DROP TABLE IF EXISTS owner;";
    let config = || {
        ResourceConfig::new()
            .methods([M::Get, M::Post, M::Patch, M::Delete])
            .allow_to_many_replacement(true)
            .allow_delete_from_to_many_relationships(true)
            .allow_functions(true)
    };
    serve_schema(test_pool::<C>(url), &[drop, ddl, SEED], lock, |m| {
        m.resource_with::<Owner>(config())
            .resource_with::<Pet>(config())
            .resource_with::<Note>(config())
    })
}

fn start() -> Server {
    let lock = Server::lock_writes();
    let url = write_url();
    #[cfg(feature = "postgres")]
    if url.starts_with("postgres") {
        let ddl = "CREATE TABLE owner (id SERIAL PRIMARY KEY, name TEXT NOT NULL);
            CREATE TABLE pet (id SERIAL PRIMARY KEY, name TEXT NOT NULL, owner_id INTEGER NOT NULL REFERENCES owner (id));
            CREATE TABLE note (id SERIAL PRIMARY KEY, body VARCHAR(20) NOT NULL);";
        return serve::<diesel::PgConnection>(url, ddl, lock);
    }
    #[cfg(feature = "mysql")]
    if url.starts_with("mysql") {
        let ddl = "CREATE TABLE owner (id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(255) NOT NULL) ENGINE=InnoDB;
            CREATE TABLE pet (id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(255) NOT NULL, owner_id INTEGER NOT NULL,
                FOREIGN KEY (owner_id) REFERENCES owner (id)) ENGINE=InnoDB;
            CREATE TABLE note (id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY, body VARCHAR(20) NOT NULL)
                ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;";
        return serve::<diesel::MysqlConnection>(url, ddl, lock);
    }
    let ddl = "CREATE TABLE owner (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL);
        CREATE TABLE pet (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, owner_id INTEGER NOT NULL REFERENCES owner (id));
        CREATE TABLE note (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL);";
    serve::<diesel::SqliteConnection>(url, ddl, lock)
}

fn required(pointer: Option<&str>, detail: &str) -> Value {
    let mut e = json!({"status": "409", "code": "required_relationship", "title": "Required relationship", "detail": detail});
    if let Some(p) = pointer {
        e["source"] = json!({"pointer": p});
    }
    error_doc(e)
}

async fn pets(srv: &Server, owner: u32) -> Value {
    srv.get(&format!("/api/owner/{owner}/relationships/pets"))
        .await
        .json()["data"]
        .clone()
}

#[actix_web::test]
async fn required_foreign_keys_are_never_cleared_p3_2_q1_3_r4_2() {
    let srv = start();
    let both = json!([{"type": "pet", "id": "1"}, {"type": "pet", "id": "2"}]);

    let res = srv.request(Method::DELETE, "/api/owner/1", &[]).await;
    assert_eq!(res.status, 409);
    assert_eq!(
        res.json(),
        required(
            None,
            "Cannot delete \"owner\" \"1\": \"pet\" \"1\" requires its \"owner\"."
        )
    );

    let body = json!({"data": {"type": "owner", "id": "1", "relationships": {"pets": {"data": [{"type": "pet", "id": "1"}]}}}});
    let res = srv.write(Method::PATCH, "/api/owner/1", &body).await;
    assert_eq!(res.status, 409);
    assert_eq!(
        res.json(),
        required(
            Some("/data/relationships/pets"),
            "Cannot remove \"pet\" \"2\" from \"pets\": its \"owner\" relationship is required."
        )
    );

    let res = srv
        .write(
            Method::DELETE,
            "/api/owner/1/relationships/pets",
            &json!({"data": [{"type": "pet", "id": "2"}]}),
        )
        .await;
    assert_eq!(res.status, 409);
    assert_eq!(
        res.json(),
        required(
            None,
            "Cannot remove \"pet\" \"2\" from \"pets\": its \"owner\" relationship is required."
        )
    );
    assert_eq!(pets(&srv, 1).await, both, "nothing changed");

    // Taking a pet from its owner is allowed: it moves (R3.1).
    let res = srv
        .write(
            Method::POST,
            "/api/owner/2/relationships/pets",
            &json!({"data": [{"type": "pet", "id": "2"}]}),
        )
        .await;
    assert_eq!(res.status, 204);
    assert_eq!(pets(&srv, 2).await, json!([{"type": "pet", "id": "2"}]));
    assert_eq!(pets(&srv, 1).await, json!([{"type": "pet", "id": "1"}]));
    // A pet must be created with its owner (the column has no default).
    let res = srv
        .write(
            Method::POST,
            "/api/pet",
            &json!({"data": {"type": "pet", "attributes": {"name": "Kit"}}}),
        )
        .await;
    assert_eq!(res.status, 400, "{}", res.body);
    assert_eq!(
        res.json(),
        error_doc(
            json!({"status": "400", "code": "not_null_violation", "title": "Missing value",
            "detail": "A required value is missing."})
        )
    );
    let res = srv
        .write(
            Method::POST,
            "/api/pet",
            &json!({"data": {"type": "pet", "attributes": {"name": "Kit"},
        "relationships": {"owner": {"data": {"type": "owner", "id": "2"}}}}}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.body);
}

#[actix_web::test]
async fn not_null_violations_name_the_attribute_when_the_database_does_s3_3() {
    let srv = start();
    let res = srv
        .write(
            Method::POST,
            "/api/note",
            &json!({"data": {"type": "note", "attributes": {"body": null}}}),
        )
        .await;
    assert_eq!(res.status, 400, "{}", res.body);
    // PostgreSQL reports the column; SQLite and MariaDB only say it in their messages.
    let want = if write_url().starts_with("postgres") {
        json!({"status": "400", "code": "not_null_violation", "title": "Missing value",
            "detail": "Attribute \"body\" of type \"note\" must not be null.",
            "source": {"pointer": "/data/attributes/body"}})
    } else {
        json!({"status": "400", "code": "not_null_violation", "title": "Missing value",
            "detail": "A required value is missing."})
    };
    assert_eq!(res.json(), error_doc(want));
    // Nothing was written, and the next valid write succeeds.
    let res = srv
        .write(
            Method::POST,
            "/api/note",
            &json!({"data": {"type": "note", "attributes": {"body": "hi"}}}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.body);
    let id = res.json()["data"]["id"].clone();
    let notes = srv.get("/api/note").await.json()["data"].clone();
    assert_eq!(
        notes,
        json!([{"type": "note", "id": id, "attributes": {"body": "hi"},
            "links": {"self": format!("http://localhost:8080/api/note/{}", id.as_str().unwrap())}}])
    );
}

#[actix_web::test]
async fn text_aggregates_and_groups_go_by_code_point_n4_2_j2_1() {
    let srv = start();
    for body in ["b", "B", "a"] {
        let res = srv
            .write(
                Method::POST,
                "/api/note",
                &json!({"data": {"type": "note", "attributes": {"body": body}}}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.body);
    }
    // Even where the column's collation folds case (MariaDB's utf8mb4_general_ci here).
    let res = srv
        .get(&format!(
            "/api/eval/note{}",
            crate::common::query(&[(
                "eval_functions",
                r#"[{"name":"min","field":"body"},{"name":"max","field":"body"}]"#
            )])
        ))
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["meta"], json!({"results": ["B", "b"]}));
    let res = srv.get("/api/note?group_by=body&sort=body").await;
    assert_eq!(res.status, 200, "{}", res.body);
    let bodies: Vec<Value> = res.json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["attributes"]["body"].clone())
        .collect();
    assert_eq!(bodies, [json!("B"), json!("a"), json!("b")]);
    assert_eq!(res.json()["meta"], json!({"total": 3}));
}

#[actix_web::test]
async fn values_the_database_refuses_are_invalid_values_s3_3() {
    let srv = start();
    let long = "x".repeat(30);
    let res = srv
        .write(
            Method::POST,
            "/api/note",
            &json!({"data": {"type": "note", "attributes": {"body": long}}}),
        )
        .await;
    if write_url().starts_with("postgres") || write_url().starts_with("mysql") {
        assert_eq!(res.status, 400, "{}", res.body);
        assert_eq!(
            res.json(),
            error_doc(
                json!({"status": "400", "code": "invalid_value", "title": "Value rejected",
                "detail": "The database rejected a value in the request."})
            )
        );
        assert_eq!(srv.get("/api/note").await.json()["data"], json!([]));
    } else {
        // SQLite keeps text of any length.
        assert_eq!(res.status, 201, "{}", res.body);
        assert_eq!(res.json()["data"]["attributes"], json!({"body": long}));
    }
}
