//! Table and column names come from Diesel (issue 10): a table renamed with `#[sql_name]`, one in
//! another schema (`restless_auth.user_account`: a PostgreSQL schema, a MariaDB database, an
//! attached SQLite database), renamed columns, and a renamed join table, served for reads,
//! filters through relationships, sorting, includes and writes on every backend.

#![allow(
    clippy::await_holding_lock,
    reason = "the test holds the write database's lock while it runs"
)]
#![allow(missing_docs, reason = "diesel's table! generates undocumented items")]

use actix_web::http::Method;
use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, R2D2Connection};
use restless::core::Database;
use restless::{ApiManager, JsonApiResource, Method as M, ResourceConfig};
use serde_json::{json, Value};

use crate::common::{ids, query, write_url, Server};

diesel::table! {
    #[sql_name = "user_account"]
    restless_auth.account (id) {
        id -> Integer,
        #[sql_name = "login_name"]
        login -> Text,
    }
}

diesel::table! {
    #[sql_name = "blog_posts"]
    posts (id) {
        id -> Integer,
        #[sql_name = "post_title"]
        title -> Text,
        account_id -> Nullable<Integer>,
    }
}

diesel::table! {
    #[sql_name = "post_likes"]
    likes (post_id, account_id) {
        post_id -> Integer,
        account_id -> Integer,
    }
}

#[derive(JsonApiResource)]
#[diesel(table_name = account)]
#[jsonapi(to_many(name = "posts", target = Post, foreign_key = posts::account_id))]
#[jsonapi(to_many(name = "liked", target = Post, local = likes::account_id, remote = likes::post_id))]
#[allow(dead_code, reason = "described to restless, never read")]
struct Account {
    id: i32,
    login: String,
}

#[derive(JsonApiResource)]
#[diesel(table_name = posts)]
#[jsonapi(type = "post")]
#[allow(dead_code, reason = "described to restless, never read")]
struct Post {
    id: i32,
    title: String,
    #[jsonapi(to_one = "account", target = Account)]
    account_id: Option<i32>,
}

const SEED: &str = "INSERT INTO restless_auth.user_account (login_name) VALUES ('ann'), ('ben');
    INSERT INTO blog_posts (post_title, account_id) VALUES ('Hello', 1), ('Second', 2), ('Orphan', NULL);
    INSERT INTO post_likes (post_id, account_id) VALUES (1, 2), (2, 1), (3, 1);";

/// SQLite reaches the `restless_auth` schema as an attached database file.
#[derive(Debug)]
struct AttachAuth(String);

impl CustomizeConnection<diesel::SqliteConnection, diesel::r2d2::Error> for AttachAuth {
    fn on_acquire(&self, conn: &mut diesel::SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(&format!(
            "ATTACH DATABASE '{}' AS restless_auth; PRAGMA foreign_keys = ON;",
            self.0
        ))
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

fn serve<C: Database + R2D2Connection + SimpleConnection>(
    pool: Pool<ConnectionManager<C>>,
    ddl: &str,
    lock: std::sync::MutexGuard<'static, ()>,
) -> Server {
    let mut conn = pool.get().expect("connection");
    conn.batch_execute(ddl).expect("create");
    conn.batch_execute(SEED).expect("seed");
    drop(conn);
    let config = || {
        ResourceConfig::new()
            .methods([M::Get, M::Post, M::Patch, M::Delete])
            .allow_to_many_replacement(true)
            .allow_functions(true)
    };
    let api = ApiManager::new(pool)
        .base_url("http://localhost:8080")
        .resource_with::<Account>(config())
        .resource_with::<Post>(config())
        .build()
        .expect("valid configuration");
    Server::serve_scope(move || api.scope(), Some(lock))
}

#[cfg_attr(
    not(any(feature = "postgres", feature = "mysql")),
    allow(dead_code, reason = "the SQLite pool attaches a database")
)]
fn pool<C: R2D2Connection + 'static>(url: &str) -> Pool<ConnectionManager<C>> {
    Pool::builder()
        .max_size(2)
        .build(ConnectionManager::<C>::new(url))
        .expect("pool")
}

fn start() -> Server {
    let lock = Server::lock_writes();
    let url = write_url();
    #[cfg(feature = "postgres")]
    if url.starts_with("postgres") {
        let ddl = "DROP TABLE IF EXISTS post_likes; DROP TABLE IF EXISTS blog_posts;
            DROP SCHEMA IF EXISTS restless_auth CASCADE; CREATE SCHEMA restless_auth;
            CREATE TABLE restless_auth.user_account (id SERIAL PRIMARY KEY, login_name TEXT NOT NULL);
            CREATE TABLE blog_posts (id SERIAL PRIMARY KEY, post_title TEXT NOT NULL,
                account_id INTEGER REFERENCES restless_auth.user_account (id));
            CREATE TABLE post_likes (post_id INTEGER NOT NULL REFERENCES blog_posts (id),
                account_id INTEGER NOT NULL REFERENCES restless_auth.user_account (id),
                PRIMARY KEY (post_id, account_id));";
        return serve(pool::<diesel::PgConnection>(url), ddl, lock);
    }
    #[cfg(feature = "mysql")]
    if url.starts_with("mysql") {
        // A database of its own: MariaDB's schemas are databases (.ci/run drops it). Its name
        // is fixed, so no other database's table references it: it can always be dropped.
        let ddl = "DROP TABLE IF EXISTS post_likes; DROP TABLE IF EXISTS blog_posts;
            DROP DATABASE IF EXISTS restless_auth; CREATE DATABASE restless_auth;
            CREATE TABLE restless_auth.user_account (id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY,
                login_name LONGTEXT NOT NULL) ENGINE=InnoDB;
            CREATE TABLE blog_posts (id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY,
                post_title LONGTEXT NOT NULL, account_id INTEGER NULL) ENGINE=InnoDB;
            CREATE TABLE post_likes (post_id INTEGER NOT NULL, account_id INTEGER NOT NULL,
                PRIMARY KEY (post_id, account_id), FOREIGN KEY (post_id) REFERENCES blog_posts (id))
                ENGINE=InnoDB;";
        return serve(pool::<diesel::MysqlConnection>(url), ddl, lock);
    }
    let auth = format!("{url}.auth");
    let _ = std::fs::remove_file(&auth);
    let pool = Pool::builder()
        .max_size(2)
        .connection_customizer(Box::new(AttachAuth(auth)))
        .build(ConnectionManager::<diesel::SqliteConnection>::new(url))
        .expect("pool");
    // SQLite's foreign keys cannot cross databases: the attached table is referenced plainly.
    let ddl = "DROP TABLE IF EXISTS post_likes; DROP TABLE IF EXISTS blog_posts;
        CREATE TABLE restless_auth.user_account (id INTEGER PRIMARY KEY AUTOINCREMENT,
            login_name TEXT NOT NULL);
        CREATE TABLE blog_posts (id INTEGER PRIMARY KEY AUTOINCREMENT, post_title TEXT NOT NULL,
            account_id INTEGER NULL);
        CREATE TABLE post_likes (post_id INTEGER NOT NULL REFERENCES blog_posts (id),
            account_id INTEGER NOT NULL, PRIMARY KEY (post_id, account_id));";
    serve(pool, ddl, lock)
}

const B: &str = "http://localhost:8080/api";

fn post(id: u32, title: &str, account: Option<u32>) -> Value {
    json!({"type": "post", "id": id.to_string(), "attributes": {"title": title},
        "relationships": {"account": {
            "links": {"self": format!("{B}/post/{id}/relationships/account"),
                "related": format!("{B}/post/{id}/account")},
            "data": account.map(|a| json!({"type": "account", "id": a.to_string()}))}},
        "links": {"self": format!("{B}/post/{id}")}})
}

fn posts_of(ids: &[u32]) -> Value {
    ids.iter()
        .map(|i| json!({"type": "post", "id": i.to_string()}))
        .collect()
}

fn account(id: u32, login: &str, posts: &[u32], liked: &[u32]) -> Value {
    let rel = |name: &str, data: Value| {
        json!({"links": {"self": format!("{B}/account/{id}/relationships/{name}"),
            "related": format!("{B}/account/{id}/{name}")}, "data": data})
    };
    json!({"type": "account", "id": id.to_string(), "attributes": {"login": login},
        "relationships": {"posts": rel("posts", posts_of(posts)), "liked": rel("liked", posts_of(liked))},
        "links": {"self": format!("{B}/account/{id}")}})
}

/// `included`, in (type, id) order.
fn sorted_included(doc: &mut Value) -> Value {
    let mut included = doc["included"].as_array().cloned().unwrap_or_default();
    included.sort_by_key(|o| (o["type"].to_string(), o["id"].to_string()));
    doc["included"] = Value::Null;
    Value::Array(included)
}

#[actix_web::test]
async fn diesel_names_tables_and_columns() {
    let srv = start();
    let res = srv.get("/api/account/1?include=posts,liked").await;
    assert_eq!(res.status, 200, "{}", res.body);
    let mut doc = res.json();
    assert_eq!(
        sorted_included(&mut doc),
        json!([
            post(1, "Hello", Some(1)),
            post(2, "Second", Some(2)),
            post(3, "Orphan", None)
        ])
    );
    assert_eq!(
        doc,
        json!({"data": account(1, "ann", &[1], &[2, 3]), "included": null,
            "links": {"self": format!("{B}/account/1?include=posts,liked")},
            "jsonapi": {"version": "1.0"}})
    );

    let reads: [(String, &[&str]); 5] = [
        (
            query(&[(
                "filter[objects]",
                r#"[{"name":"account","op":"has","val":{"name":"login","op":"eq","val":"ben"}}]"#,
            )]),
            &["2"],
        ),
        (query(&[("sort", "-account.login,title")]), &["2", "1", "3"]),
        (
            query(&[("sort", "title"), ("page[size]", "2")]),
            &["1", "3"],
        ),
        (
            query(&[(
                "filter[objects]",
                r#"[{"name":"title","op":"like","val":"%e%"}]"#,
            )]),
            &["1", "2"],
        ),
        (query(&[("group_by", "account.login")]), &["1", "2", "3"]),
    ];
    for (q, want) in reads {
        let res = srv.get(&format!("/api/post{q}")).await;
        assert_eq!(res.status, 200, "{q}: {}", res.body);
        assert_eq!(ids(&res.json()), want, "{q}");
    }
    let liked_orphan = query(&[(
        "filter[objects]",
        r#"[{"name":"liked","op":"any","val":{"name":"title","op":"eq","val":"Orphan"}}]"#,
    )]);
    let res = srv.get(&format!("/api/account{liked_orphan}")).await;
    assert_eq!(ids(&res.json()), ["1"]);
    let res = srv.get("/api/account/2/posts").await;
    assert_eq!(res.json()["data"], json!([post(2, "Second", Some(2))]));

    // Writes: a new post with its account, then ben's likes replaced.
    let res = srv
        .write(
            Method::POST,
            "/api/post",
            &json!({"data": {"type": "post", "attributes": {"title": "Third"},
                "relationships": {"account": {"data": {"type": "account", "id": "2"}}}}}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.body);
    assert_eq!(res.json()["data"], post(4, "Third", Some(2)));
    let res = srv
        .write(
            Method::PATCH,
            "/api/account/2/relationships/liked",
            &json!({"data": [{"type": "post", "id": "3"}, {"type": "post", "id": "4"}]}),
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.body);
    let res = srv
        .write(
            Method::PATCH,
            "/api/account/2",
            &json!({"data": {"type": "account", "id": "2", "attributes": {"login": "benjamin"}}}),
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.body);
    let res = srv.get("/api/account/2").await;
    assert_eq!(res.json()["data"], account(2, "benjamin", &[2, 4], &[3, 4]));
    // A post that an undeclared join row still references stays (Q1.3), on every backend.
    let res = srv.request(Method::DELETE, "/api/post/4", &[]).await;
    assert_eq!(res.status, 409, "{}", res.body);
    assert_eq!(
        res.json(),
        crate::common::error_doc(json!({"status": "409", "code": "foreign_key_violation",
            "title": "Conflict with related data", "detail": "The request conflicts with related data."}))
    );
    let res = srv.request(Method::DELETE, "/api/post/1", &[]).await;
    assert_eq!(res.status, 204, "{}", res.body);
    let res = srv.get("/api/account/1").await;
    assert_eq!(res.json()["data"], account(1, "ann", &[], &[2, 3]));
}
