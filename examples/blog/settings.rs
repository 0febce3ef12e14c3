//! What the examples built on the blog read from their environment.

use crate::db::BoxError;

/// `DATABASE_URL`, `PORT` and `--no-seed` / `SEED=0`.
pub(crate) struct Settings {
    /// `DATABASE_URL`: a SQLite path, `postgres://...` or `mysql://...`.
    pub(crate) url: String,
    /// `PORT` (default 8080).
    pub(crate) port: u16,
    /// Seed fixture F on first start, unless `--no-seed` or `SEED=0`.
    pub(crate) seed: bool,
}

impl Settings {
    /// Reads the environment; `default_url` is the database without `DATABASE_URL`.
    pub(crate) fn from_env(default_url: &str) -> Result<Self, BoxError> {
        let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| default_url.into());
        let port = match std::env::var("PORT") {
            Ok(p) => p.parse()?,
            Err(_) => 8080,
        };
        let no_seed = std::env::args().any(|a| a == "--no-seed")
            || std::env::var("SEED").is_ok_and(|v| v == "0");
        Ok(Settings {
            url,
            port,
            seed: !no_seed,
        })
    }
}
