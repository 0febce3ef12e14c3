//! The shop example: customers, products and orders, whose columns are of every kind a real
//! schema has (a big-integer key, an enum, JSON, binary, a UUID key that is native on
//! PostgreSQL and text elsewhere, an exact decimal, an SQL enum type, and a table named with
//! an SQL keyword), served over JSON:API.
//!
//! ```sh
//! cargo run --example shop                 # SQLite file shop.db, seeded on first start
//! DATABASE_URL=postgres://postgres@127.0.0.1/shop cargo run --example shop --features postgres
//! DATABASE_URL=mysql://root@127.0.0.1/shop cargo run --example shop --features mysql
//! ```
//!
//! `PORT` picks the port (default 8080); `--no-seed` (or `SEED=0`) starts on an empty
//! database.

use actix_web::{App, HttpServer};

mod db;
mod models;
mod schema;
mod seed;

#[actix_web::main]
async fn main() -> Result<(), db::BoxError> {
    env_logger::init_from_env(env_logger::Env::default().default_filter_or("info"));
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "shop.db".into());
    let port: u16 = match std::env::var("PORT") {
        Ok(p) => p.parse()?,
        Err(_) => 8080,
    };
    let no_seed =
        std::env::args().any(|a| a == "--no-seed") || std::env::var("SEED").is_ok_and(|v| v == "0");
    let options = db::Options {
        seed: !no_seed,
        reset: false,
        base_url: None,
    };
    let api = db::open(&url, options, 8)?;
    log::info!("serving {url} on http://127.0.0.1:{port}/api");
    HttpServer::new(move || App::new().service(api.scope()))
        .bind(("127.0.0.1", port))?
        .run()
        .await?;
    Ok(())
}
