//! The cors example: the blog API behind actix-cors, so that a browser application on another
//! origin can use it (catalog W). `cargo run --example cors` serves 127.0.0.1:8080 for pages
//! served from `CORS_ORIGIN` (default `http://localhost:3000`).
//!
//! restless adds no CORS headers itself (W1.1): the middleware answers preflight requests
//! before they reach restless (W1.2), and every answer that passes through it, JSON:API error
//! documents included, carries the CORS headers (W1.4). The settings are in `browser.rs`
//! (W1.3).
//!
//! Environment as the blog example's (`--seed bench` included): `DATABASE_URL` (default `cors.db`), `PORT` (default
//! 8080), `SEED=0` or `--no-seed`.

mod browser;
#[path = "../blog/db.rs"]
mod db;
#[path = "../blog/models.rs"]
mod models;
#[path = "../blog/schema.rs"]
mod schema;
#[path = "../blog/seed.rs"]
mod seed;
#[path = "../blog/settings.rs"]
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
    } = settings::Settings::from_env("cors.db")?;
    let origin = std::env::var("CORS_ORIGIN").unwrap_or_else(|_| "http://localhost:3000".into());
    let api = db::open(&url, db::Options::served(seed, bench), 8)?;
    log::info!("serving {url} on http://127.0.0.1:{port}/api for pages from {origin}");
    HttpServer::new(move || App::new().service(api.scope().wrap(browser::cors(&origin))))
        .bind(("127.0.0.1", port))?
        .run()
        .await?;
    Ok(())
}
