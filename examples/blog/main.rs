//! The blog example: `cargo run --example blog` serves a seeded SQLite database on
//! 127.0.0.1:8080.
//!
//! Environment: `DATABASE_URL` (default `blog.db`; `postgres://...` and `mysql://...` need the
//! `postgres` / `mysql` features), `PORT` (default 8080), `SEED=0` or `--no-seed` to start on an
//! empty database, `--seed bench` or `SEED=bench` for the bench-scale data set (1,000 people,
//! 10,000 articles, 50,000 comments) instead of fixture F, `RESTLESS_SERVER_TIMING=1` to add
//! `Server-Timing` headers with statement counts.

mod db;
mod models;
mod schema;
mod seed;
mod settings;

use actix_web::{App, HttpServer};

#[actix_web::main]
async fn main() -> Result<(), db::BoxError> {
    env_logger::init_from_env(env_logger::Env::default().default_filter_or("info"));
    let settings::Settings {
        url,
        port,
        seed,
        bench,
    } = settings::Settings::from_env("blog.db")?;
    let api = db::open(
        &url,
        db::Options {
            server_timing: std::env::var("RESTLESS_SERVER_TIMING").is_ok_and(|v| v == "1"),
            ..db::Options::served(seed, bench)
        },
        8,
    )?;
    log::info!("serving {url} on http://127.0.0.1:{port}/api");
    HttpServer::new(move || App::new().service(api.scope()))
        .bind(("127.0.0.1", port))?
        .run()
        .await?;
    Ok(())
}
