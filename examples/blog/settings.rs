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
    /// Seed the bench-scale data set instead: `--seed bench` or `SEED=bench`.
    pub(crate) bench: bool,
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
        let args: Vec<String> = std::env::args().collect();
        let bench = args.windows(2).any(|w| w[0] == "--seed" && w[1] == "bench")
            || args.iter().any(|a| a == "--seed=bench")
            || std::env::var("SEED").is_ok_and(|v| v == "bench");
        Ok(Settings {
            url,
            port,
            seed: !no_seed,
            bench,
        })
    }
}
