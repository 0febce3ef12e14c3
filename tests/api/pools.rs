//! Any pool (issue 10): the blog served from a `deadpool_diesel::Pool` (feature `deadpool`)
//! answers as it does from r2d2, and a pool with no free connection answers 503 with
//! `Retry-After` (S3.2); an r2d2 pool never has more of restless's works under way than it
//! has connections (issue 12).

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[cfg(feature = "deadpool")]
use deadpool_diesel::{Manager, Pool, Runtime};
use diesel::r2d2::{self, ConnectionManager, R2D2Connection};
use restless::core::Database;
use restless::{Concurrency, ConnectionPool, PoolError};

use crate::common::fixture::ro;
use crate::common::{read_url, Server, CATALOG};
use crate::db::manager;
#[cfg(feature = "deadpool")]
use {
    crate::common::{assert_unavailable, fixture::ros, B},
    serde_json::json,
};

#[cfg(feature = "deadpool")]
fn deadpool<C>(url: &str, size: usize) -> Pool<Manager<C>>
where
    C: Database,
    Manager<C>: deadpool::managed::Manager,
{
    Pool::builder(Manager::new(url, Runtime::Tokio1))
        .max_size(size)
        .wait_timeout(Some(Duration::from_millis(200)))
        .runtime(Runtime::Tokio1)
        .build()
        .expect("pool")
}

#[cfg(feature = "deadpool")]
async fn assert_served_by_deadpool<C>(url: &str)
where
    C: Database,
    Manager<C>: deadpool::managed::Manager<
        Type = deadpool_diesel::Connection<C>,
        Error = deadpool_diesel::Error,
    >,
{
    let api = manager(deadpool::<C>(url, 2), CATALOG, Default::default())
        .build()
        .expect("valid configuration");
    let srv = Server::serve_scope(move || api.scope(), None);
    let res = srv.get("/api/person/1").await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(
        res.json(),
        json!({"data": ro("person", 1), "links": {"self": format!("{B}/person/1")},
            "jsonapi": {"version": "1.0"}})
    );
    let res = srv.get("/api/tag?sort=-name").await;
    assert_eq!(res.json()["data"], ros("tag", &[2, 1, 3]));

    // One connection, held here: the request waits out the pool's timeout.
    let pool = deadpool::<C>(url, 1);
    let held = pool.get().await.expect("the one connection");
    let api = manager(pool, CATALOG, Default::default())
        .build()
        .expect("valid configuration");
    let srv = Server::serve_scope(move || api.scope(), None);
    assert_unavailable(&srv.get("/api/person/1").await);
    drop(held);
    let res = srv.get("/api/person/1").await;
    assert_eq!(res.status, 200, "{}", res.body);
}

#[cfg(feature = "deadpool")]
#[actix_web::test]
async fn a_deadpool_pool_serves_the_api() {
    let url = read_url();
    #[cfg(feature = "postgres")]
    if url.starts_with("postgres") {
        return assert_served_by_deadpool::<diesel::PgConnection>(url).await;
    }
    #[cfg(feature = "mysql")]
    if url.starts_with("mysql") {
        return assert_served_by_deadpool::<diesel::MysqlConnection>(url).await;
    }
    assert_served_by_deadpool::<diesel::SqliteConnection>(url).await;
}

/// An r2d2 pool that counts the works restless has under way (waiting for a connection, or
/// holding one): [`ConnectionPool::concurrency`] is the r2d2 pool's own.
struct Counting<C: R2D2Connection + 'static> {
    pool: r2d2::Pool<ConnectionManager<C>>,
    now: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

impl<C: Database + R2D2Connection + 'static> ConnectionPool for Counting<C> {
    type Connection = C;

    fn run<R, F>(&self, work: F) -> impl Future<Output = Result<R, PoolError>>
    where
        F: FnOnce(&mut C) -> R + Send + 'static,
        R: Send + 'static,
    {
        let (pool, now, peak) = (self.pool.clone(), self.now.clone(), self.peak.clone());
        async move {
            // Under way from here (a turn taken, if restless takes turns) until just before
            // the work itself runs on its connection (the turn still held).
            let under_way = now.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(under_way, Ordering::SeqCst);
            pool.run(move |conn| {
                // Long enough for the other requests to arrive meanwhile.
                std::thread::sleep(Duration::from_millis(40));
                now.fetch_sub(1, Ordering::SeqCst);
                work(conn)
            })
            .await
        }
    }

    fn concurrency(&self) -> Option<Concurrency> {
        self.pool.concurrency()
    }
}

async fn assert_works_are_held_to_the_pool_size<C>(url: &str)
where
    C: Database + R2D2Connection + 'static,
{
    let pool = r2d2::Pool::builder()
        .max_size(2)
        .connection_timeout(Duration::from_secs(30))
        .build(ConnectionManager::<C>::new(url))
        .expect("pool");
    let peak = Arc::new(AtomicUsize::new(0));
    let counting = Counting {
        pool,
        now: Arc::new(AtomicUsize::new(0)),
        peak: peak.clone(),
    };
    let api = manager(counting, CATALOG, Default::default())
        .build()
        .expect("valid configuration");
    let srv = Server::serve_scope(move || api.scope(), None);
    let answers = futures_util::future::join_all((0..12).map(|_| srv.get("/api/person/1"))).await;
    for res in &answers {
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(res.json()["data"], ro("person", 1));
    }
    // Twelve requests at once, two connections: at most two works under way at a time, the
    // others waiting for their turn without a blocking thread.
    let peak = peak.load(Ordering::SeqCst);
    assert!((1..=2).contains(&peak), "{peak} works under way at once");
}

#[actix_web::test]
async fn an_r2d2_pool_runs_at_most_its_size_of_works_at_once() {
    let url = read_url();
    #[cfg(feature = "postgres")]
    if url.starts_with("postgres") {
        return assert_works_are_held_to_the_pool_size::<diesel::PgConnection>(url).await;
    }
    #[cfg(feature = "mysql")]
    if url.starts_with("mysql") {
        return assert_works_are_held_to_the_pool_size::<diesel::MysqlConnection>(url).await;
    }
    assert_works_are_held_to_the_pool_size::<diesel::SqliteConnection>(url).await;
}
