//! The application's own value types (G1.3, issue 10): a newtype key over text, an enum stored
//! as text, an `Option` of a newtype over an integer, and a newtype over a big integer whose serde
//! form is a string. Each is written, read back, filtered, sorted and evaluated in its serde form
//! on every backend; values that do not deserialize are 400.

#![allow(
    clippy::await_holding_lock,
    reason = "the test holds the write database's lock while it runs"
)]
#![allow(missing_docs, reason = "diesel's table! generates undocumented items")]

use actix_web::http::Method;
use diesel::backend::Backend;
use diesel::connection::SimpleConnection;
use diesel::deserialize::{self, FromSql};
use diesel::r2d2::R2D2Connection;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::{BigInt, Integer, Text};
use restless::core::Database;
use restless::{JsonApiResource, Method as M, ResourceConfig};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{json, Value};

use crate::common::{
    error_doc, ids, internal, internal_error, query, serve_schema, test_pool, write_url, Server,
};

diesel::table! {
    gadget (code) {
        code -> Text,
        level -> Text,
        grams -> Nullable<Integer>,
        serial -> BigInt,
    }
}

/// A key of the application's own: a string.
#[derive(Debug, Serialize, Deserialize)]
#[serde(transparent)]
struct GadgetCode(String);

impl<DB: Backend> ToSql<Text, DB> for GadgetCode
where
    str: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        self.0.as_str().to_sql(out)
    }
}

impl<DB: Backend> FromSql<Text, DB> for GadgetCode
where
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        String::from_sql(bytes).map(GadgetCode)
    }
}

/// An enum stored as text.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Level {
    Low,
    High,
}

impl<DB: Backend> ToSql<Text, DB> for Level
where
    str: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        match self {
            Level::Low => "low".to_sql(out),
            Level::High => "high".to_sql(out),
        }
    }
}

impl<DB: Backend> FromSql<Text, DB> for Level
where
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        match String::from_sql(bytes)?.as_str() {
            "low" => Ok(Level::Low),
            "high" => Ok(Level::High),
            other => Err(format!("unknown level {other:?}").into()),
        }
    }
}

/// A newtype over an integer, in its column's nullable form.
#[derive(Debug, Serialize, Deserialize)]
#[serde(transparent)]
struct Grams(i32);

impl<DB: Backend> ToSql<Integer, DB> for Grams
where
    i32: ToSql<Integer, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        self.0.to_sql(out)
    }
}

impl<DB: Backend> FromSql<Integer, DB> for Grams
where
    i32: FromSql<Integer, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        i32::from_sql(bytes).map(Grams)
    }
}

/// A big integer written as `"S-<n>"`.
#[derive(Debug)]
struct Serial(i64);

impl Serialize for Serial {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("S-{}", self.0))
    }
}

impl<'de> Deserialize<'de> for Serial {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        // An application's bug, for the panic test.
        assert!(s != "S-!", "a user type's deserializer panicked");
        s.strip_prefix("S-")
            .and_then(|n| n.parse().ok())
            .map(Serial)
            .ok_or_else(|| serde::de::Error::custom(format!("not a serial: {s}")))
    }
}

impl<DB: Backend> ToSql<BigInt, DB> for Serial
where
    i64: ToSql<BigInt, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        self.0.to_sql(out)
    }
}

impl<DB: Backend> FromSql<BigInt, DB> for Serial
where
    i64: FromSql<BigInt, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        i64::from_sql(bytes).map(Serial)
    }
}

#[derive(JsonApiResource)]
#[diesel(table_name = gadget)]
#[jsonapi(primary_key = "code")]
#[allow(dead_code, reason = "described to restless, never read")]
struct Gadget {
    code: GadgetCode,
    level: Level,
    grams: Option<Grams>,
    serial: Serial,
}

fn serve<C: Database + R2D2Connection + SimpleConnection>(
    url: &str,
    ddl: &str,
    lock: std::sync::MutexGuard<'static, ()>,
) -> Server {
    let setup = ["DROP TABLE IF EXISTS gadget", ddl];
    serve_schema(test_pool::<C>(url), &setup, lock, |m| {
        m.resource_with::<Gadget>(
            ResourceConfig::new()
                .methods([M::Get, M::Post, M::Patch, M::Delete])
                .allow_client_generated_ids(true)
                .allow_functions(true),
        )
    })
}

fn start() -> Server {
    let lock = Server::lock_writes();
    let url = write_url();
    #[cfg(feature = "postgres")]
    if url.starts_with("postgres") {
        let ddl = "CREATE TABLE gadget (code TEXT PRIMARY KEY, level TEXT NOT NULL,
            grams INTEGER NULL, serial BIGINT NOT NULL)";
        return serve::<diesel::PgConnection>(url, ddl, lock);
    }
    #[cfg(feature = "mysql")]
    if url.starts_with("mysql") {
        // The database's default collation folds case: keys still compare exactly.
        let ddl = "CREATE TABLE gadget (code VARCHAR(100) NOT NULL PRIMARY KEY,
            level LONGTEXT NOT NULL, grams INTEGER NULL, serial BIGINT NOT NULL) ENGINE=InnoDB";
        return serve::<diesel::MysqlConnection>(url, ddl, lock);
    }
    let ddl = "CREATE TABLE gadget (code TEXT PRIMARY KEY, level TEXT NOT NULL,
        grams INTEGER NULL, serial BIGINT NOT NULL)";
    serve::<diesel::SqliteConnection>(url, ddl, lock)
}

fn gadget(code: &str, attributes: Value) -> Value {
    json!({"type": "gadget", "id": code, "attributes": attributes,
        "links": {"self": format!("http://localhost:8080/api/gadget/{code}")}})
}

fn invalid(pointer: &str, detail: &str) -> Value {
    error_doc(json!({"status": "400", "code": "invalid_attribute_value",
        "title": "Invalid attribute value", "detail": detail, "source": {"pointer": pointer}}))
}

#[actix_web::test]
async fn user_types_round_trip_g1_3() {
    let srv = start();
    let rows = [
        (
            "g-1",
            json!({"level": "high", "grams": 120, "serial": "S-5"}),
        ),
        (
            "g-2",
            json!({"level": "low", "grams": null, "serial": "S-12"}),
        ),
        (
            "g-3",
            json!({"level": "high", "grams": 80, "serial": "S-7"}),
        ),
    ];
    for (code, attributes) in &rows {
        let res = srv
            .write(
                Method::POST,
                "/api/gadget",
                &json!({"data": {"type": "gadget", "id": code, "attributes": attributes}}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.body);
        assert_eq!(res.json()["data"], gadget(code, attributes.clone()));
    }
    let res = srv.get("/api/gadget/g-1").await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.json(),
        json!({"data": gadget("g-1", rows[0].1.clone()),
            "links": {"self": "http://localhost:8080/api/gadget/g-1"}, "jsonapi": {"version": "1.0"}})
    );
    assert_eq!(
        srv.get("/api/gadget/G-1").await.status,
        404,
        "keys are exact"
    );
    for hostile in ["/api/gadget/%00", "/api/gadget/g-1%00", "/api/gadget/%FF"] {
        assert_eq!(srv.get(hostile).await.status, 404, "{hostile}");
    }

    let filter = |f: Value| query(&[("filter[objects]", &f.to_string())]);
    let reads: [(String, &[&str]); 10] = [
        (
            filter(json!([{"name": "level", "op": "eq", "val": "high"}])),
            &["g-1", "g-3"],
        ),
        (
            filter(json!([{"name": "level", "op": "in", "val": ["low"]}])),
            &["g-2"],
        ),
        (
            filter(json!([{"name": "level", "op": "like", "val": "h%"}])),
            &["g-1", "g-3"],
        ),
        (
            filter(json!([{"name": "serial", "op": "gt", "val": "S-6"}])),
            &["g-2", "g-3"],
        ),
        (
            filter(json!([{"name": "grams", "op": "is_null"}])),
            &["g-2"],
        ),
        (
            filter(json!([{"name": "grams", "op": "lt", "val": 100}])),
            &["g-3"],
        ),
        (
            filter(json!([{"name": "grams", "op": "lt", "val": "100"}])),
            &["g-3"],
        ),
        (
            filter(json!([{"name": "id", "op": "eq", "val": "g-2"}])),
            &["g-2"],
        ),
        (query(&[("sort", "-serial")]), &["g-2", "g-3", "g-1"]),
        (query(&[("sort", "grams")]), &["g-2", "g-3", "g-1"]),
    ];
    for (q, want) in reads {
        let res = srv.get(&format!("/api/gadget{q}")).await;
        assert_eq!(res.status, 200, "{q}: {}", res.body);
        assert_eq!(ids(&res.json()), want, "{q}");
    }
    let functions = json!([{"name": "max", "field": "serial"}, {"name": "min", "field": "grams"},
        {"name": "sum", "field": "grams"}, {"name": "max", "field": "level"}])
    .to_string();
    let res = srv
        .get(&format!(
            "/api/eval/gadget{}",
            query(&[("eval_functions", &functions)])
        ))
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(
        res.json()["meta"]["results"],
        json!(["S-12", 80, 200, "low"])
    );

    // Values that do not deserialize (G6.1).
    let res = srv
        .write(
            Method::POST,
            "/api/gadget",
            &json!({"data": {"type": "gadget", "id": "g-4",
                "attributes": {"level": "medium", "serial": "S-1"}}}),
        )
        .await;
    assert_eq!(res.status, 400);
    assert_eq!(
        res.json(),
        invalid(
            "/data/attributes/level",
            "Attribute \"level\" of type \"gadget\" expects a value of its type; got \"medium\"."
        )
    );
    let res = srv
        .get(&format!(
            "/api/gadget{}",
            filter(json!([{"name": "serial", "op": "eq", "val": 12}]))
        ))
        .await;
    assert_eq!(res.status, 400, "{}", res.body);
    assert_eq!(
        res.json(),
        error_doc(
            json!({"status": "400", "code": "invalid_filter", "title": "Invalid filter",
            "detail": "Filter at [0]: field \"serial\" expects a value of its type; got 12.",
            "source": {"parameter": "filter[objects]"}})
        )
    );

    // Updates go through the same types.
    let res = srv
        .write(
            Method::PATCH,
            "/api/gadget/g-2",
            &json!({"data": {"type": "gadget", "id": "g-2",
                "attributes": {"level": "high", "grams": 5}}}),
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.body);
    let res = srv.get("/api/gadget/g-2").await;
    assert_eq!(
        res.json()["data"],
        gadget(
            "g-2",
            json!({"level": "high", "grams": 5, "serial": "S-12"})
        )
    );
    let res = srv.request(Method::DELETE, "/api/gadget/g-2", &[]).await;
    assert_eq!(res.status, 204);
    assert_eq!(srv.get("/api/gadget/g-2").await.status, 404);
}

/// G1.1's built-in types stay built-in, nullable or not; the application's own types are user
/// types of their SQL type's kind.
#[test]
fn kinds_of_built_in_and_user_types() {
    use restless::ValueKind;
    let kinds: Vec<(&str, ValueKind)> = crate::models::Person::META
        .fields
        .iter()
        .map(|f| (f.name, f.kind()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("id", ValueKind::Integer),
            ("name", ValueKind::Text),
            ("age", ValueKind::Integer),
            ("birthday", ValueKind::Date),
            ("created_at", ValueKind::Timestamp),
        ]
    );
    let bases: Vec<(&str, ValueKind)> = Gadget::META
        .fields
        .iter()
        .map(|f| {
            assert!(matches!(f.kind(), ValueKind::User(_)), "{}", f.name);
            (f.name, f.kind().base())
        })
        .collect();
    assert_eq!(
        bases,
        [
            ("code", ValueKind::Text),
            ("level", ValueKind::Text),
            ("grams", ValueKind::Integer),
            ("serial", ValueKind::BigInt),
        ]
    );
}

#[actix_web::test]
async fn a_panicking_user_type_is_500_and_writes_nothing_a3_2_s3_1() {
    let srv = start();
    let body = json!({"data": {"type": "gadget", "id": "g-9",
        "attributes": {"level": "low", "serial": "S-1"}}});
    assert_eq!(
        srv.write(Method::POST, "/api/gadget", &body).await.status,
        201
    );
    let filter = query(&[(
        "filter[objects]",
        r#"[{"name":"serial","op":"eq","val":"S-!"}]"#,
    )]);
    let panicking = [
        (Method::GET, format!("/api/gadget{filter}"), None),
        (
            Method::POST,
            "/api/gadget".to_owned(),
            Some(json!({"data": {"type": "gadget", "id": "g-10",
                "attributes": {"level": "low", "serial": "S-!"}}})),
        ),
        (
            Method::PATCH,
            "/api/gadget/g-9".to_owned(),
            Some(json!({"data": {"type": "gadget", "id": "g-9",
                "attributes": {"level": "high", "serial": "S-!"}}})),
        ),
    ];
    for (method, path, body) in panicking {
        let res = match body {
            Some(body) => srv.write(method.clone(), &path, &body).await,
            None => srv.get(&path).await,
        };
        assert_eq!(res.status, 500, "{method} {path}: {}", res.body);
        assert_eq!(internal_error(&res), internal(), "{method} {path}");
    }
    // Nothing was written, and the server still answers.
    let res = srv.get("/api/gadget").await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(
        res.json()["data"],
        json!([gadget(
            "g-9",
            json!({"level": "low", "grams": null, "serial": "S-1"})
        )])
    );
}
