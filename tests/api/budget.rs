//! The request budget (`Limits`, issue 13): the worst request the default budget allows (16
//! include paths of 8 relationships, 100 filter objects, 16 sort fields crossing 8
//! relationships, a page of 100) is answered, with a number of statements bounded by the
//! request's shape alone, whatever the data.

#![allow(
    clippy::await_holding_lock,
    reason = "the test holds the write database's lock while it runs"
)]
#![allow(missing_docs, reason = "diesel's table! generates undocumented items")]

use std::collections::BTreeSet;

use diesel::connection::SimpleConnection;
use diesel::r2d2::R2D2Connection;
use restless::core::Database;
use restless::{JsonApiResource, Limits};
use serde_json::json;

use crate::common::{assert_valid_document, query, serve_schema, test_pool, write_url, Server};

diesel::table! {
    node (id) {
        id -> Integer,
        name -> Text,
        score -> Integer,
        parent_id -> Nullable<Integer>,
        buddy_id -> Nullable<Integer>,
    }
}

/// A tree of nodes (each also pointing at a buddy): every relationship leads back to nodes, so
/// paths can be as long as the budget allows.
#[derive(JsonApiResource)]
#[diesel(table_name = node)]
#[jsonapi(to_many(name = "children", target = Node, foreign_key = node::parent_id))]
#[allow(dead_code, reason = "described to restless, never read")]
struct Node {
    id: i32,
    name: String,
    score: i32,
    #[jsonapi(to_one = "parent", target = Node)]
    parent_id: Option<i32>,
    #[jsonapi(to_one = "buddy", target = Node)]
    buddy_id: Option<i32>,
}

fn serve<C: Database + R2D2Connection + SimpleConnection>(
    url: &str,
    ddl: &str,
    rows: usize,
    lock: std::sync::MutexGuard<'static, ()>,
) -> Server {
    // A binary tree: node n's parent is n / 2; its buddy is another node far away.
    let values: Vec<String> = (1..=rows)
        .map(|n| {
            let parent = if n == 1 {
                "NULL".into()
            } else {
                (n / 2).to_string()
            };
            let buddy = (n * 7) % rows + 1;
            format!("({n}, 'node {n}', {}, {parent}, {buddy})", n % 10)
        })
        .collect();
    let insert = format!(
        "INSERT INTO node (id, name, score, parent_id, buddy_id) VALUES {}",
        values.join(", ")
    );
    let setup = ["DROP TABLE IF EXISTS node", ddl, &insert];
    serve_schema(test_pool::<C>(url), &setup, lock, |m| {
        m.server_timing(true).resource::<Node>()
    })
}

fn start(rows: usize) -> Server {
    let lock = Server::lock_writes();
    let url = write_url();
    let ddl = "CREATE TABLE node (id INTEGER PRIMARY KEY, name TEXT NOT NULL,
        score INTEGER NOT NULL, parent_id INTEGER NULL, buddy_id INTEGER NULL)";
    #[cfg(feature = "postgres")]
    if url.starts_with("postgres") {
        return serve::<diesel::PgConnection>(url, ddl, rows, lock);
    }
    #[cfg(feature = "mysql")]
    if url.starts_with("mysql") {
        return serve::<diesel::MysqlConnection>(url, ddl, rows, lock);
    }
    serve::<diesel::SqliteConnection>(url, ddl, rows, lock)
}

/// 16 include paths of 8 relationships each, spread over the 3^8 possible ones so that they
/// share as few prefixes as possible.
fn include_paths() -> Vec<String> {
    const RELS: [&str; 3] = ["children", "parent", "buddy"];
    (0..16u32)
        .map(|i| {
            let mut code = i * 409 + i % 3;
            let steps: Vec<&str> = (0..8)
                .map(|_| {
                    let rel = RELS[(code % 3) as usize];
                    code /= 3;
                    rel
                })
                .collect();
            steps.join(".")
        })
        .collect()
}

/// 16 sort fields crossing 8 to-one relationships each: five steps up, then every way of
/// three more steps through `parent` or `buddy`, ending at `name` or `score` (19 distinct
/// joins, within J1.12's 48).
fn sort_fields() -> Vec<String> {
    let mut fields = Vec::new();
    for tail in 0..8u32 {
        let steps: Vec<&str> = (0..3)
            .map(|b| {
                if tail >> b & 1 == 1 {
                    "buddy"
                } else {
                    "parent"
                }
            })
            .collect();
        for attribute in ["name", "-score"] {
            let (sign, attribute) = match attribute.strip_prefix('-') {
                Some(a) => ("-", a),
                None => ("", attribute),
            };
            fields.push(format!(
                "{sign}parent.parent.parent.parent.parent.{}.{attribute}",
                steps.join(".")
            ));
        }
    }
    fields
}

#[actix_web::test]
async fn the_worst_request_of_the_budget_is_bounded_v1() {
    let limits = Limits::default();
    let includes = include_paths();
    let sorts = sort_fields();
    assert_eq!(includes.len(), limits.include.paths);
    assert!(includes
        .iter()
        .all(|p| p.split('.').count() == limits.include.depth));
    assert_eq!(sorts.len(), limits.max_sort_fields);
    assert!(sorts
        .iter()
        .all(|s| s.split('.').count() == limits.max_sort_depth + 1));
    // 100 filter objects, each true of every node.
    let filters: Vec<serde_json::Value> = (0..limits.filter.objects)
        .map(|i| json!({"name": "id", "op": "gt", "val": -(i as i64)}))
        .collect();
    let path = format!(
        "/api/node{}",
        query(&[
            ("include", &includes.join(",")),
            ("sort", &sorts.join(",")),
            ("filter[objects]", &serde_json::to_string(&filters).unwrap()),
            ("page[size]", "100"),
        ])
    );
    // The include tree's nodes: every distinct prefix of the paths. Each is one statement to
    // fetch what it reaches and one for the `children` linkage of what it fetched; before
    // them BEGIN, COUNT, the page and the page's `children` linkage, and COMMIT after.
    let prefixes: BTreeSet<&str> = includes
        .iter()
        .flat_map(|p| {
            p.match_indices('.')
                .map(|(at, _)| &p[..at])
                .chain([p.as_str()])
        })
        .collect();
    let bound = 5 + 2 * prefixes.len();
    for rows in [40, 300] {
        let srv = start(rows);
        let res = srv.get(&path).await;
        assert_eq!(res.status, 200, "{rows} rows: {}", res.body);
        let doc = res.json();
        assert_valid_document(&doc);
        assert_eq!(doc["meta"]["total"], json!(rows), "{rows} rows");
        assert_eq!(
            doc["data"].as_array().map(Vec::len),
            Some(rows.min(100)),
            "{rows} rows"
        );
        // The paths were followed: with every node on the page nothing is left to include
        // (L1.5); with 300, the page's neighbours beyond it are.
        let included = doc["included"].as_array().map_or(0, Vec::len);
        match rows > 100 {
            true => assert!(included > 100, "{rows} rows: {included} included"),
            false => assert_eq!(included, 0, "{rows} rows: primary data is not included"),
        }
        let timing = res.header("server-timing").expect("Server-Timing");
        let count: usize = timing
            .split("desc=\"")
            .nth(1)
            .and_then(|d| d.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{timing}"));
        assert!(
            (5..=bound).contains(&count),
            "{rows} rows: {count} statements, more than {bound}"
        );
    }
}
