//! Database faults (issue 13, S3.1, S3.2): a statement that fails is the S3.1 500 and tells
//! nothing of its cause; a row or database locked by another connection is 503 with
//! `Retry-After` once the retries are spent, and nothing is written; a database that cannot be
//! reached is 503 (or 500) and restless recovers, without a restart, once it can be again.

#![allow(
    clippy::await_holding_lock,
    reason = "the test holds the write database's lock while it runs"
)]
#![allow(missing_docs, reason = "diesel's table! generates undocumented items")]

use std::io::{Read as _, Write as _};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::http::Method;
use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, R2D2Connection};
use diesel::Connection;
use restless::core::Database;
use restless::{JsonApiResource, Method as M, ResourceConfig};
use serde_json::json;

use crate::common::{
    assert_unavailable, internal, internal_error, serve_schema, write_url, Server,
};

diesel::table! {
    fault_item (id) {
        id -> Integer,
        name -> Text,
    }
}

#[derive(JsonApiResource)]
#[diesel(table_name = fault_item)]
#[allow(dead_code, reason = "described to restless, never read")]
struct FaultItem {
    id: i32,
    name: String,
}

/// SQL each new pooled connection runs first.
#[derive(Debug)]
struct OnAcquire(&'static str);

impl<C: SimpleConnection + Send + 'static> CustomizeConnection<C, diesel::r2d2::Error>
    for OnAcquire
{
    fn on_acquire(&self, conn: &mut C) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(self.0)
            .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// What differs between the backends.
struct Backend {
    ddl: &'static str,
    /// Makes a connection give up waiting for a lock quickly.
    short_waits: &'static str,
    /// Run on another connection: takes a lock that keeps writers of row 1 waiting.
    hold_lock: &'static str,
}

const SQLITE: Backend = Backend {
    ddl: "CREATE TABLE fault_item (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
    short_waits: "PRAGMA busy_timeout = 100",
    hold_lock: "BEGIN EXCLUSIVE",
};

#[cfg(feature = "postgres")]
const POSTGRES: Backend = Backend {
    ddl: "CREATE TABLE fault_item (id SERIAL PRIMARY KEY, name TEXT NOT NULL)",
    short_waits: "SET lock_timeout = '100ms'",
    hold_lock: "BEGIN; SELECT id FROM fault_item WHERE id = 1 FOR UPDATE",
};

#[cfg(feature = "mysql")]
const MARIADB: Backend = Backend {
    ddl: "CREATE TABLE fault_item (id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY,
        name TEXT NOT NULL) ENGINE=InnoDB",
    short_waits: "SET SESSION innodb_lock_wait_timeout = 1",
    hold_lock: "BEGIN; SELECT id FROM fault_item WHERE id = 1 FOR UPDATE",
};

fn pool<C: R2D2Connection + SimpleConnection + 'static>(
    url: &str,
    backend: &Backend,
    timeout: Duration,
) -> Pool<ConnectionManager<C>> {
    Pool::builder()
        .max_size(2)
        .connection_timeout(timeout)
        .connection_customizer(Box::new(OnAcquire(backend.short_waits)))
        .build(ConnectionManager::<C>::new(url))
        .expect("pool")
}

fn serve<C>(
    pool: Pool<ConnectionManager<C>>,
    backend: &Backend,
    lock: std::sync::MutexGuard<'static, ()>,
) -> Server
where
    C: Database + R2D2Connection + SimpleConnection,
{
    let setup = [
        "DROP TABLE IF EXISTS fault_item",
        backend.ddl,
        "INSERT INTO fault_item (id, name) VALUES (1, 'one'), (2, 'two')",
    ];
    serve_schema(pool, &setup, lock, |m| {
        m.resource_with::<FaultItem>(ResourceConfig::new().methods([M::Get, M::Post, M::Patch]))
    })
}

fn item(id: u32, name: &str) -> serde_json::Value {
    json!({"type": "fault_item", "id": id.to_string(), "attributes": {"name": name},
        "links": {"self": format!("http://localhost:8080/api/fault_item/{id}")}})
}

fn rename(id: u32, name: &str) -> serde_json::Value {
    json!({"data": {"type": "fault_item", "id": id.to_string(), "attributes": {"name": name}}})
}

/// Runs `test` with a server, a connection of its own to the same database, and its backend.
macro_rules! on_every_backend {
    ($test:ident) => {{
        let lock = Server::lock_writes();
        let url = write_url();
        #[cfg(feature = "postgres")]
        if url.starts_with("postgres") {
            return $test::<diesel::PgConnection>(url, &POSTGRES, lock).await;
        }
        #[cfg(feature = "mysql")]
        if url.starts_with("mysql") {
            return $test::<diesel::MysqlConnection>(url, &MARIADB, lock).await;
        }
        $test::<diesel::SqliteConnection>(url, &SQLITE, lock).await
    }};
}

async fn assert_failing_statement<C>(
    url: &str,
    backend: &Backend,
    lock: std::sync::MutexGuard<'static, ()>,
) where
    C: Database + R2D2Connection + SimpleConnection + Connection,
{
    let srv = serve(
        pool::<C>(url, backend, Duration::from_secs(5)),
        backend,
        lock,
    );
    let res = srv.get("/api/fault_item/1").await;
    assert_eq!(res.status, 200, "{}", res.body);
    // The table goes away behind restless's back: its statements now fail.
    let mut other = C::establish(url).expect("a connection of the test's own");
    other.batch_execute("DROP TABLE fault_item").expect("drop");
    for res in [
        srv.get("/api/fault_item/1").await,
        srv.get("/api/fault_item?sort=-name").await,
        srv.write(Method::PATCH, "/api/fault_item/1", &rename(1, "x"))
            .await,
    ] {
        assert_eq!(internal_error(&res), internal(), "S3.1");
        let body = res.body.to_lowercase();
        for cause in [
            "fault_item",
            "select",
            "update",
            "table",
            "exist",
            "relation",
        ] {
            assert!(!body.contains(cause), "{cause} in {}", res.body);
        }
    }
}

#[actix_web::test]
async fn a_failing_statement_is_the_s3_1_500_and_tells_no_cause() {
    on_every_backend!(assert_failing_statement)
}

async fn assert_locked<C>(url: &str, backend: &Backend, lock: std::sync::MutexGuard<'static, ()>)
where
    C: Database + R2D2Connection + SimpleConnection + Connection,
{
    let srv = serve(
        pool::<C>(url, backend, Duration::from_secs(5)),
        backend,
        lock,
    );
    let mut other = C::establish(url).expect("a connection of the test's own");
    other.batch_execute(backend.hold_lock).expect("the lock");
    // Every attempt waits out the lock; after the last one the answer is 503.
    let res = srv
        .write(Method::PATCH, "/api/fault_item/1", &rename(1, "changed"))
        .await;
    assert_unavailable(&res);
    other.batch_execute("ROLLBACK").expect("release");
    let res = srv.get("/api/fault_item/1").await;
    assert_eq!(res.json()["data"], item(1, "one"), "nothing was written");
    // Released: the same write goes through.
    let res = srv
        .write(Method::PATCH, "/api/fault_item/1", &rename(1, "changed"))
        .await;
    assert!(matches!(res.status, 200 | 204), "{}", res.body);
    let res = srv.get("/api/fault_item/1").await;
    assert_eq!(res.json()["data"], item(1, "changed"));
}

#[actix_web::test]
async fn a_locked_row_or_database_is_503_after_the_retries_s3_2() {
    on_every_backend!(assert_locked)
}

/// A TCP proxy to the database that the test can cut (every connection closed, new ones
/// refused) and mend.
struct Proxy {
    addr: SocketAddr,
    up: Arc<AtomicBool>,
    streams: Arc<Mutex<Vec<TcpStream>>>,
}

impl Proxy {
    fn to(target: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
        let addr = listener.local_addr().expect("its address");
        let up = Arc::new(AtomicBool::new(true));
        let streams: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let (is_up, open) = (Arc::clone(&up), Arc::clone(&streams));
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                if !is_up.load(Ordering::SeqCst) {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                let Ok(server) = TcpStream::connect(target) else {
                    continue;
                };
                let mut open = open.lock().unwrap();
                for (from, to) in [(&client, &server), (&server, &client)] {
                    let (mut from, mut to) = (from.try_clone().unwrap(), to.try_clone().unwrap());
                    std::thread::spawn(move || {
                        let mut buf = [0u8; 16 * 1024];
                        while let Ok(n @ 1..) = from.read(&mut buf) {
                            if to.write_all(&buf[..n]).is_err() {
                                break;
                            }
                        }
                        let _ = to.shutdown(Shutdown::Both);
                    });
                }
                open.extend([client, server]);
            }
        });
        Proxy { addr, up, streams }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for stream in self.streams.lock().unwrap().drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }

    fn mend(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// `url` with its host and port replaced by `addr`, and the address it named.
fn through(url: &str, addr: SocketAddr) -> (String, SocketAddr) {
    let (scheme, rest) = url.split_once("://").expect("scheme");
    let (userinfo, rest) = rest.rsplit_once('@').expect("user@host");
    let (host, path) = rest.split_once('/').expect("/database");
    let host = if host.contains(':') {
        host.to_owned()
    } else {
        let port = if scheme.starts_with("postgres") {
            5432
        } else {
            3306
        };
        format!("{host}:{port}")
    };
    let target = std::net::ToSocketAddrs::to_socket_addrs(&host)
        .ok()
        .and_then(|mut a| a.find(SocketAddr::is_ipv4))
        .unwrap_or_else(|| panic!("{host}: not an address"));
    (format!("{scheme}://{userinfo}@{addr}/{path}"), target)
}

async fn assert_recovers<C>(url: &str, backend: &Backend, lock: std::sync::MutexGuard<'static, ()>)
where
    C: Database + R2D2Connection + SimpleConnection + Connection,
{
    let (_, target) = through(url, "127.0.0.1:1".parse().unwrap());
    let proxy = Proxy::to(target);
    let (proxied, _) = through(url, proxy.addr);
    let srv = serve(
        pool::<C>(&proxied, backend, Duration::from_millis(500)),
        backend,
        lock,
    );
    assert_eq!(srv.get("/api/fault_item/2").await.status, 200);
    proxy.cut();
    for _ in 0..3 {
        let res = srv.get("/api/fault_item/2").await;
        match res.status {
            503 => assert_unavailable(&res),
            _ => assert_eq!(internal_error(&res), internal(), "S3.1 or S3.2"),
        }
    }
    proxy.mend();
    // The pool opens new connections as it can: within a few seconds, without a restart.
    let mut answered = None;
    for _ in 0..40 {
        let res = srv.get("/api/fault_item/2").await;
        match res.status {
            200 => {
                answered = Some(res);
                break;
            }
            503 => assert_unavailable(&res),
            _ => assert_eq!(internal_error(&res), internal(), "S3.1 or S3.2"),
        }
        actix_web::rt::time::sleep(Duration::from_millis(250)).await;
    }
    let res = answered.expect("answers again once the database can be reached");
    assert_eq!(res.json()["data"], item(2, "two"));
}

/// PostgreSQL and MariaDB, over TCP; SQLite has no connection to cut (its faults are above).
#[actix_web::test]
async fn an_unreachable_database_is_503_then_recovers_s3_2() {
    let url = write_url();
    if url.starts_with("postgres") || url.starts_with("mysql") {
        on_every_backend!(assert_recovers)
    }
}
