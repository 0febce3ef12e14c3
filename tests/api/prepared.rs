//! Diesel's prepared-statement cache (issue 10): statements whose text depends only on bound
//! values are cached, so a connection prepares a page with `include=author,comments` once and
//! then only runs it; statements the client shapes (a filter) are never cached, so the cache
//! stays bounded.

use std::sync::{Arc, Mutex};

use diesel::connection::InstrumentationEvent;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, R2D2Connection};
use restless::core::Database;

use crate::common::{read_url, Server};
use crate::db::{manager, Options};

/// What one connection ran: `(statement, newly cached)` in order.
type Log = Arc<Mutex<Vec<(String, bool)>>>;

/// Every statement a connection put in its cache.
type Cached = Arc<Mutex<Vec<String>>>;

#[derive(Debug)]
struct Record(Log, Cached);

impl<C: diesel::Connection> CustomizeConnection<C, diesel::r2d2::Error> for Record {
    fn on_acquire(&self, conn: &mut C) -> Result<(), diesel::r2d2::Error> {
        let log = Arc::clone(&self.0);
        let cached = Arc::clone(&self.1);
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            let mut log = log.lock().unwrap();
            match event {
                InstrumentationEvent::StartQuery { query, .. } => {
                    log.push((query.to_string(), false));
                }
                InstrumentationEvent::CacheQuery { sql, .. } => {
                    cached.lock().unwrap().push(sql.to_owned());
                    if let Some(last) = log.last_mut() {
                        last.1 = true;
                    }
                }
                _ => {}
            }
        });
        Ok(())
    }
}

/// Statements and how many of them were prepared and cached, per request.
#[derive(Debug, PartialEq, Eq)]
struct Counts {
    statements: usize,
    cached: usize,
}

fn take(log: &Log) -> Counts {
    let entries = std::mem::take(&mut *log.lock().unwrap());
    // Transaction control is plain text, never prepared; r2d2 checks a connection with
    // `SELECT 1` when the pool hands it out.
    let statements: Vec<_> = entries
        .into_iter()
        .filter(|(sql, _)| {
            let sql = sql.trim_start().to_ascii_uppercase();
            ![
                "BEGIN",
                "COMMIT",
                "ROLLBACK",
                "SAVEPOINT",
                "RELEASE",
                "START",
                "SET",
                "PRAGMA",
            ]
            .iter()
            .any(|w| sql.starts_with(w))
                && !sql.starts_with("SELECT 1 ")
        })
        .collect();
    Counts {
        statements: statements.len(),
        cached: statements.iter().filter(|(_, cached)| *cached).count(),
    }
}

async fn counts_with<C: Database + R2D2Connection>(url: &str) -> Vec<Counts> {
    let log: Log = Arc::default();
    let cached: Cached = Arc::default();
    let pool = Pool::builder()
        .max_size(1)
        .connection_customizer(Box::new(Record(Arc::clone(&log), Arc::clone(&cached))))
        .build(ConnectionManager::<C>::new(url))
        .expect("pool");
    let api = manager(pool, Options::default(), Default::default())
        .build()
        .expect("valid configuration");
    let srv = Server::serve_scope(move || api.scope(), None);
    let mut out = Vec::new();
    for path in [
        "/api/article?include=author,comments",
        "/api/article?include=author,comments",
        "/api/article?include=author,comments&page%5Bnumber%5D=1",
        "/api/article?filter%5Bobjects%5D=%5B%7B%22name%22%3A%22id%22%2C%22op%22%3A%22gt%22%2C%22val%22%3A1%7D%5D",
        "/api/article?filter%5Bobjects%5D=%5B%7B%22name%22%3A%22id%22%2C%22op%22%3A%22gt%22%2C%22val%22%3A1%7D%5D",
    ] {
        let _ = take(&log);
        let res = srv.get(path).await;
        assert_eq!(res.status, 200, "{path}: {}", res.body);
        out.push(take(&log));
    }
    let cached = cached.lock().unwrap();
    assert!(
        cached.iter().all(|sql| !sql.contains(" > ")),
        "a filtered statement was cached: {cached:#?}"
    );
    out
}

#[actix_web::test]
async fn fixed_statements_are_prepared_once() {
    let url = read_url();
    #[cfg(feature = "postgres")]
    if url.starts_with("postgres") {
        return check(counts_with::<diesel::PgConnection>(url).await);
    }
    #[cfg(feature = "mysql")]
    if url.starts_with("mysql") {
        return check(counts_with::<diesel::MysqlConnection>(url).await);
    }
    check(counts_with::<diesel::SqliteConnection>(url).await);
}

fn check(counts: Vec<Counts>) {
    // COUNT, the page, its comments and tags linkage; the authors and the comments fetched;
    // the authors' articles and comments linkage.
    let page = 8;
    assert_eq!(
        counts,
        [
            // A fresh connection prepares every statement once and keeps it.
            Counts {
                statements: page,
                cached: page
            },
            // Then the same request prepares nothing.
            Counts {
                statements: page,
                cached: 0
            },
            // Nor does another request of the same shape.
            Counts {
                statements: page,
                cached: 0
            },
            // A filter shapes COUNT and the page: never cached (checked above), prepared each
            // time; the linkage of the filtered page reuses the cached statements.
            Counts {
                statements: 4,
                cached: 0
            },
            Counts {
                statements: 4,
                cached: 0
            },
        ],
        "{counts:#?}"
    );
}
