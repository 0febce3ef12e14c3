//! The auth example: the blog's types and data with access control, all of it restless hooks
//! and scopes (catalog U, V4). `cargo run --example auth` serves 127.0.0.1:8080.
//!
//! - Callers authenticate with `Authorization: Bearer <token>`; `API_TOKENS` maps tokens to
//!   people (`token:person_id,...`, default `alice-token:1,bob-token:2`). Every route but
//!   `GET /api` answers 401 `unauthorized` with `WWW-Authenticate: Bearer` without a known
//!   token.
//! - A person sees only themself: other people are 404, and show as `null` or are left out
//!   wherever they would be linked or included.
//! - Only an article's author changes it: PATCH, DELETE and relationship writes of another's
//!   article answer 403 `forbidden`. A new article without an `author` is the caller's.
//! - Every document's `meta.caller` is the caller's person id.
//!
//! Environment as the blog example's (`--seed bench` included): `DATABASE_URL` (default `auth.db`), `PORT` (default
//! 8080), `SEED=0` or `--no-seed`.

mod access;
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
    } = settings::Settings::from_env("auth.db")?;
    let tokens = std::env::var("API_TOKENS").unwrap_or_else(|_| "alice-token:1,bob-token:2".into());
    let tokens = access::parse_tokens(&tokens)?;
    let api = db::open_custom(
        &url,
        db::Options::served(seed, bench),
        8,
        access::rules(tokens),
    )?;
    log::info!("serving {url} on http://127.0.0.1:{port}/api");
    HttpServer::new(move || App::new().service(api.scope()))
        .bind(("127.0.0.1", port))?
        .run()
        .await?;
    Ok(())
}
