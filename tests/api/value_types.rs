//! G1.1's `Numeric`, `Binary` and `Json` rows (issue 10): written, read back, filtered and sorted
//! alike on every backend, with G1.2's exact scale and the checks of G6.1.

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

use crate::common::{error_doc, ids, query, serve_schema, test_pool, write_url, Server};

diesel::table! {
    item (id) {
        id -> Integer,
        price -> Numeric,
        payload -> Nullable<Binary>,
        meta -> Nullable<Json>,
    }
}

#[derive(JsonApiResource)]
#[diesel(table_name = item)]
#[allow(dead_code, reason = "described to restless, never read")]
struct Item {
    id: i32,
    #[jsonapi(precision = 10, scale = 2)]
    price: bigdecimal::BigDecimal,
    payload: Option<Vec<u8>>,
    meta: Option<serde_json::Value>,
}

fn serve<C: Database + R2D2Connection + SimpleConnection>(
    url: &str,
    ddl: &str,
    lock: std::sync::MutexGuard<'static, ()>,
) -> Server {
    let setup = ["DROP TABLE IF EXISTS item", ddl];
    serve_schema(test_pool::<C>(url), &setup, lock, |m| {
        m.resource_with::<Item>(
            ResourceConfig::new()
                .methods([M::Get, M::Post, M::Patch, M::Delete])
                .allow_functions(true),
        )
    })
}

fn start() -> Server {
    let lock = Server::lock_writes();
    let url = write_url();
    #[cfg(feature = "postgres")]
    if url.starts_with("postgres") {
        let ddl = "CREATE TABLE item (id SERIAL PRIMARY KEY, price NUMERIC(10,2) NOT NULL,
            payload BYTEA NULL, meta JSON NULL)";
        return serve::<diesel::PgConnection>(url, ddl, lock);
    }
    #[cfg(feature = "mysql")]
    if url.starts_with("mysql") {
        let ddl = "CREATE TABLE item (id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY,
            price DECIMAL(10,2) NOT NULL, payload LONGBLOB NULL, meta JSON NULL) ENGINE=InnoDB";
        return serve::<diesel::MysqlConnection>(url, ddl, lock);
    }
    let ddl = "CREATE TABLE item (id INTEGER PRIMARY KEY AUTOINCREMENT, price NUMERIC NOT NULL,
        payload BLOB NULL, meta TEXT NULL)";
    serve::<diesel::SqliteConnection>(url, ddl, lock)
}

fn invalid_filter(detail: &str) -> Value {
    error_doc(
        json!({"status": "400", "code": "invalid_filter", "title": "Invalid filter",
        "detail": detail, "source": {"parameter": "filter[objects]"}}),
    )
}

fn invalid(pointer: &str, detail: &str) -> Value {
    error_doc(json!({"status": "400", "code": "invalid_attribute_value",
        "title": "Invalid attribute value", "detail": detail, "source": {"pointer": pointer}}))
}

#[actix_web::test]
async fn numeric_binary_and_json_g1_1_g1_2() {
    let srv = start();
    let sent = [
        json!({"price": "12.5", "payload": "AAEC/w==", "meta": {"tags": ["a", "b"], "n": 1.5}}),
        json!({"price": 9.99, "payload": null, "meta": null}),
        json!({"price": "100", "payload": "", "meta": [1, {"x": null}]}),
    ];
    let stored = [
        json!({"price": "12.50", "payload": "AAEC/w==", "meta": {"tags": ["a", "b"], "n": 1.5}}),
        json!({"price": "9.99", "payload": null, "meta": null}),
        json!({"price": "100.00", "payload": "", "meta": [1, {"x": null}]}),
    ];
    for (i, attributes) in sent.iter().enumerate() {
        let res = srv
            .write(
                Method::POST,
                "/api/item",
                &json!({"data": {"type": "item", "attributes": attributes}}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.body);
        assert_eq!(res.json()["data"]["attributes"], stored[i], "{attributes}");
    }
    for (i, want) in stored.iter().enumerate() {
        let res = srv.get(&format!("/api/item/{}", i + 1)).await;
        assert_eq!(res.json()["data"]["attributes"], *want);
    }
    let filter = |f: Value| query(&[("filter[objects]", &f.to_string())]);
    let reads: [(String, &[&str]); 7] = [
        (
            filter(json!([{"name": "price", "op": "gt", "val": "9.99"}])),
            &["1", "3"],
        ),
        (
            filter(json!([{"name": "price", "op": "eq", "val": 12.5}])),
            &["1"],
        ),
        (
            filter(json!([{"name": "price", "op": "le", "val": "12.50"}])),
            &["1", "2"],
        ),
        (filter(json!([{"name": "meta", "op": "is_null"}])), &["2"]),
        (
            filter(json!([{"name": "payload", "op": "eq", "val": "AAEC/w=="}])),
            &["1"],
        ),
        (query(&[("sort", "-price")]), &["3", "1", "2"]),
        (query(&[("sort", "payload,id")]), &["2", "3", "1"]),
    ];
    for (q, want) in reads {
        let res = srv.get(&format!("/api/item{q}")).await;
        assert_eq!(res.status, 200, "{q}: {}", res.body);
        assert_eq!(ids(&res.json()), want, "{q}");
    }
    let functions =
        json!([{"name": "max", "field": "price"}, {"name": "count", "field": "meta"}]).to_string();
    let res = srv
        .get(&format!(
            "/api/eval/item{}",
            query(&[("eval_functions", &functions)])
        ))
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["meta"]["results"], json!(["100.00", 2]));

    // JSON has no order and no comparisons (G1.3).
    for (parameter, code, title) in [
        ("sort", "invalid_sort", "Invalid sort parameter"),
        ("group_by", "invalid_group_by", "Invalid group_by parameter"),
    ] {
        let res = srv.get(&format!("/api/item?{parameter}=meta")).await;
        assert_eq!(res.status, 400);
        assert_eq!(
            res.json(),
            error_doc(json!({"status": "400", "code": code, "title": title,
                "detail": "Sort field \"meta\" is not sortable.",
                "source": {"parameter": parameter}})),
            "J1.5, J2.2"
        );
    }
    let res = srv
        .get(&format!(
            "/api/item{}",
            filter(json!([{"name": "meta", "op": "eq", "val": 1}]))
        ))
        .await;
    assert_eq!(res.status, 400, "{}", res.body);
    assert_eq!(
        res.json(),
        invalid_filter("Filter at [0]: operator \"eq\" does not apply to field \"meta\" (JSON).")
    );

    // What does not fit is refused before any SQL runs (G1.2, G6.1).
    let cases = [
        (json!({"price": "1.234"}), "/data/attributes/price",
            "Attribute \"price\" of type \"item\" expects a decimal number of at most 10 digits with 2 decimals; got \"1.234\"."),
        (json!({"price": "123456789"}), "/data/attributes/price",
            "Attribute \"price\" of type \"item\" expects a decimal number of at most 10 digits with 2 decimals; got \"123456789\"."),
        (json!({"price": "cheap"}), "/data/attributes/price",
            "Attribute \"price\" of type \"item\" expects a decimal number; got \"cheap\"."),
        (json!({"price": "1", "payload": "not base64!"}), "/data/attributes/payload",
            "Attribute \"payload\" of type \"item\" expects a base64 string; got \"not base64!\"."),
        (json!({"price": "1", "meta": {"a": [{"links": 1}]}}), "/data/attributes/meta",
            "Attribute \"meta\" of type \"item\" must not contain a member named \"links\"."),
    ];
    for (attributes, pointer, detail) in cases {
        let res = srv
            .write(
                Method::POST,
                "/api/item",
                &json!({"data": {"type": "item", "attributes": attributes}}),
            )
            .await;
        assert_eq!(res.status, 400, "{attributes}");
        assert_eq!(res.json(), invalid(pointer, detail), "{attributes}");
    }
    let res = srv.get("/api/item?page%5Bsize%5D=100").await;
    assert_eq!(ids(&res.json()), ["1", "2", "3"], "nothing was written");
}

#[cfg(feature = "postgres")]
diesel::table! {
    host (id) {
        id -> Uuid,
        addr -> Inet,
        net -> Nullable<Cidr>,
        facts -> Jsonb,
    }
}

/// PostgreSQL's network types (as `ipnetwork`'s and `ipnet`'s types), a native UUID key and
/// `Jsonb` (G1.1); other backends have no network types.
#[cfg(feature = "postgres")]
#[derive(JsonApiResource)]
#[diesel(table_name = host)]
#[allow(dead_code, reason = "described to restless, never read")]
struct Host {
    id: uuid::Uuid,
    addr: ipnetwork::IpNetwork,
    net: Option<ipnet::IpNet>,
    facts: serde_json::Value,
}

#[cfg(feature = "postgres")]
fn start_hosts(url: &str, lock: std::sync::MutexGuard<'static, ()>) -> Server {
    let ddl = "CREATE TABLE host (id UUID PRIMARY KEY, addr INET NOT NULL, net CIDR NULL,
        facts JSONB NOT NULL)";
    let setup = ["DROP TABLE IF EXISTS host", ddl];
    serve_schema(test_pool::<diesel::PgConnection>(url), &setup, lock, |m| {
        m.resource_with::<Host>(
            ResourceConfig::new()
                .methods([M::Get, M::Post])
                .allow_client_generated_ids(true),
        )
    })
}

#[cfg(feature = "postgres")]
#[actix_web::test]
async fn postgres_types_g1_1_m3_1() {
    let lock = Server::lock_writes();
    let url = write_url();
    if url.starts_with("postgres") {
        let srv = start_hosts(url, lock);
        let keys = [
            "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
            "6fa459ea-ee8a-3ca4-894e-db77e160355e",
            "9c5b94b1-35ad-49bb-b118-8e8fc24abf80",
        ];
        let rows = [
            json!({"addr": "192.168.1.10", "net": "192.168.1.0/24",
                "facts": {"rack": 4, "tags": ["db"]}}),
            json!({"addr": "10.0.0.0/8", "net": null, "facts": []}),
            json!({"addr": "::1", "net": "2001:db8::/32", "facts": "loopback"}),
        ];
        for (key, attributes) in keys.iter().zip(&rows) {
            let res = srv
                .write(
                    Method::POST,
                    "/api/host",
                    &json!({"data": {"type": "host", "id": key, "attributes": attributes}}),
                )
                .await;
            assert_eq!(res.status, 201, "{}", res.body);
            assert_eq!(res.json()["data"]["id"], *key);
            assert_eq!(res.json()["data"]["attributes"], *attributes);
        }
        let res = srv.get(&format!("/api/host/{}", keys[0])).await;
        assert_eq!(res.json()["data"]["attributes"], rows[0]);
        let upper = srv
            .get(&format!("/api/host/{}", keys[0].to_uppercase()))
            .await;
        assert_eq!(upper.status, 404, "one canonical id (E4.1)");
        let filter = |f: Value| query(&[("filter[objects]", &f.to_string())]);
        let reads: [(String, &[&str]); 5] = [
            (
                filter(json!([{"name": "addr", "op": "<<", "val": "192.168.0.0/16"}])),
                &[keys[0]],
            ),
            (
                filter(json!([{"name": "addr", "op": ">>=", "val": "10.1.2.3"}])),
                &[keys[1]],
            ),
            (
                filter(json!([{"name": "net", "op": "&&", "val": "2001:db8::1"}])),
                &[keys[2]],
            ),
            (
                filter(json!([{"name": "addr", "op": "eq", "val": "::1"}])),
                &[keys[2]],
            ),
            (
                filter(json!([{"name": "id", "op": "in", "val": [keys[2], keys[0]]}])),
                &[keys[0], keys[2]],
            ),
        ];
        for (q, want) in reads {
            let res = srv.get(&format!("/api/host{q}")).await;
            assert_eq!(res.status, 200, "{q}: {}", res.body);
            assert_eq!(ids(&res.json()), want, "{q}");
        }
        // Network operators take a value, never another field (M4.5).
        let res = srv
            .get(&format!(
                "/api/host{}",
                filter(json!([{"name": "addr", "op": "<<", "field": "net"}]))
            ))
            .await;
        assert_eq!(res.status, 400);
        assert_eq!(
            res.json(),
            invalid_filter("Filter at [0]: operator \"<<\" cannot compare with a field.")
        );
        let res = srv
            .write(
                Method::POST,
                "/api/host",
                &json!({"data": {"type": "host", "id": "00000000-0000-4000-8000-000000000000",
                    "attributes": {"addr": "10.0.0.1", "net": "10.0.0.1/8", "facts": {}}}}),
            )
            .await;
        assert_eq!(res.status, 400, "a network has no host bits");
        assert_eq!(
            res.json(),
            invalid(
                "/data/attributes/net",
                "Attribute \"net\" of type \"host\" expects an IP network; got \"10.0.0.1/8\"."
            )
        );
        return;
    }
    drop(lock);
    // Elsewhere the network types cannot be registered (V1.1).
    let pool = diesel::r2d2::Pool::builder()
        .max_size(1)
        .build(diesel::r2d2::ConnectionManager::<diesel::SqliteConnection>::new(":memory:"))
        .expect("pool");
    let err = restless::ApiManager::new(pool)
        .resource::<Host>()
        .build()
        .err()
        .expect("a configuration error");
    assert_eq!(
        err.to_string(),
        "field \"addr\" of type \"host\" has a value kind Sqlite does not support"
    );
}
