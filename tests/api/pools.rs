//! Any pool (issue 10): the blog served from a `deadpool_diesel::Pool` (feature `deadpool`)
//! answers as it does from r2d2, and a pool with no free connection answers 503 with
//! `Retry-After` (S3.2).

use std::time::Duration;

use deadpool_diesel::{Manager, Pool, Runtime};
use restless::core::Database;
use serde_json::json;

use crate::common::fixture::{ro, ros};
use crate::common::{assert_unavailable, read_url, Server, B, CATALOG};
use crate::db::manager;

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
