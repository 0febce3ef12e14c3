//! Load benchmark: restless against a hand-written actix-web + Diesel handler that serves the
//! same JSON:API document (`GET /api/article/1`: the article, its author linkage, its comments
//! and tags linkage, in one read transaction), on a seeded SQLite database, over loopback.
//!
//! Run with `cargo bench --bench load`; `LOAD_REQUESTS` (default 20000) and `LOAD_CONCURRENCY`
//! (default 16) tune it. It prints requests per second for both and restless's share of the
//! baseline's throughput. Nothing here asserts a speed: numbers belong to the reader.

#![allow(
    missing_docs,
    unreachable_pub,
    clippy::print_stdout,
    reason = "a benchmark binary"
)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark binary"
)]

#[path = "../examples/blog/db.rs"]
mod db;
#[path = "../examples/blog/models.rs"]
mod models;
#[path = "../examples/blog/schema.rs"]
mod schema;
#[path = "../examples/blog/seed.rs"]
mod seed;

use std::time::{Duration, Instant};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool};
use serde_json::{json, Value};

use schema::{article, article_tag, comment};

type SqlitePool = Pool<ConnectionManager<SqliteConnection>>;

/// An article row: id, title, body, rating, published_at, author_id.
type ArticleRow = (
    i32,
    String,
    Option<String>,
    Option<f64>,
    Option<chrono::NaiveDateTime>,
    Option<i32>,
);

/// The hand-written handler: Diesel's typed queries, the same three statements and the same
/// document restless builds.
async fn baseline(
    req: HttpRequest,
    pool: web::Data<SqlitePool>,
    id: web::Path<i32>,
) -> HttpResponse {
    let id = id.into_inner();
    let base = {
        let info = req.connection_info();
        format!("{}://{}/api/article", info.scheme(), info.host())
    };
    let pool = pool.into_inner();
    let doc = web::block(move || -> QueryResult<Option<Value>> {
        let mut conn = pool.get().map_err(|e| diesel::result::Error::QueryBuilderError(e.into()))?;
        conn.transaction(|conn| {
            let row: Option<ArticleRow> = article::table
                .find(id)
                .select((article::id, article::title, article::body, article::rating, article::published_at, article::author_id))
                .first(conn)
                .optional()?;
            let Some((id, title, body, rating, published_at, author)) = row else { return Ok(None) };
            let comments: Vec<i32> = comment::table
                .filter(comment::article_id.eq(id))
                .select(comment::id)
                .order(comment::id)
                .load(conn)?;
            let tags: Vec<i32> = article_tag::table
                .filter(article_tag::article_id.eq(id))
                .select(article_tag::tag_id)
                .order(article_tag::tag_id)
                .load(conn)?;
            let rel = |name: &str, data: Value| {
                json!({"links": {"self": format!("{base}/{id}/relationships/{name}"), "related": format!("{base}/{id}/{name}")}, "data": data})
            };
            let ids = |t: &str, v: &[i32]| Value::Array(v.iter().map(|i| json!({"type": t, "id": i.to_string()})).collect());
            Ok(Some(json!({
                "data": {
                    "type": "article",
                    "id": id.to_string(),
                    "attributes": {
                        "title": title,
                        "body": body,
                        "rating": rating,
                        "published_at": published_at.map(|t| t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()),
                    },
                    "relationships": {
                        "author": rel("author", author.map_or(Value::Null, |a| json!({"type": "person", "id": a.to_string()}))),
                        "comments": rel("comments", ids("comment", &comments)),
                        "tags": rel("tags", ids("tag", &tags)),
                    },
                    "links": {"self": format!("{base}/{id}")},
                },
                "links": {"self": format!("{base}/{id}")},
                "jsonapi": {"version": "1.0"},
            })))
        })
    })
    .await;
    match doc {
        Ok(Ok(Some(doc))) => HttpResponse::Ok()
            .content_type("application/vnd.api+json")
            .body(doc.to_string()),
        Ok(Ok(None)) => HttpResponse::NotFound().finish(),
        _ => HttpResponse::InternalServerError().finish(),
    }
}

/// Sends `total` GETs to `url` from `concurrency` clients; requests per second.
async fn load(url: &str, total: usize, concurrency: usize) -> f64 {
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(30))
        .finish();
    let per_client = total / concurrency;
    let start = Instant::now();
    let workers = (0..concurrency).map(|_| {
        let client = client.clone();
        async move {
            for _ in 0..per_client {
                let mut res = client
                    .get(url)
                    .insert_header(("Accept", "application/vnd.api+json"))
                    .send()
                    .await
                    .unwrap();
                assert!(res.status().is_success());
                res.body().await.unwrap();
            }
        }
    });
    futures_util::future::join_all(workers).await;
    (per_client * concurrency) as f64 / start.elapsed().as_secs_f64()
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let total = env("LOAD_REQUESTS", 20_000);
    let concurrency = env("LOAD_CONCURRENCY", 16).max(1);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("bench.db");
    let url = path.to_str().unwrap().to_owned();
    let options = db::Options {
        seed: true,
        ..db::Options::default()
    };
    let api = db::open(&url, options, 4).expect("database");
    let pool: SqlitePool = Pool::builder()
        .max_size(4)
        .build(ConnectionManager::new(&url))
        .expect("pool");

    let restless = HttpServer::new(move || App::new().service(api.scope()))
        .workers(1)
        .bind(("127.0.0.1", 0))?;
    let restless_addr = restless.addrs()[0];
    let restless = restless.run();
    let restless_handle = restless.handle();
    actix_web::rt::spawn(restless);

    let data = web::Data::new(pool);
    let baseline_server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/api/article/{id}", web::get().to(baseline))
    })
    .workers(1)
    .bind(("127.0.0.1", 0))?;
    let baseline_addr = baseline_server.addrs()[0];
    let baseline_server = baseline_server.run();
    let baseline_handle = baseline_server.handle();
    actix_web::rt::spawn(baseline_server);

    // Warm both up, then measure each alone.
    load(
        &format!("http://{restless_addr}/api/article/1"),
        500,
        concurrency,
    )
    .await;
    load(
        &format!("http://{baseline_addr}/api/article/1"),
        500,
        concurrency,
    )
    .await;
    let r = load(
        &format!("http://{restless_addr}/api/article/1"),
        total,
        concurrency,
    )
    .await;
    let b = load(
        &format!("http://{baseline_addr}/api/article/1"),
        total,
        concurrency,
    )
    .await;
    println!("GET /api/article/1, {total} requests, {concurrency} concurrent clients, 1 server worker each");
    println!("restless: {r:>10.0} req/s");
    println!("baseline: {b:>10.0} req/s");
    println!("restless / baseline: {:.1}%", 100.0 * r / b);
    restless_handle.stop(true).await;
    baseline_handle.stop(true).await;
    Ok(())
}
