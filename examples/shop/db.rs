//! Opening the shop's database on any backend: pool, migrations, first-start seed, and the
//! restless service over it.

use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, R2D2Connection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use restless::core::Database;
use restless::{ApiManager, ApiService, ConnectionPool, Method, ResourceConfig};

use super::models::{Customer, Order, Product};
use super::seed::{seed, Dialect};

const SQLITE: EmbeddedMigrations = embed_migrations!("examples/shop/migrations/sqlite");
#[cfg(feature = "postgres")]
const POSTGRES: EmbeddedMigrations = embed_migrations!("examples/shop/migrations/postgres");
#[cfg(feature = "mysql")]
const MYSQL: EmbeddedMigrations = embed_migrations!("examples/shop/migrations/mysql");

/// Any failure while opening the database.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The shop API on whichever backend `DATABASE_URL` names.
#[derive(Clone)]
pub(crate) enum ShopApi {
    /// SQLite.
    Sqlite(ApiService<diesel::SqliteConnection>),
    /// PostgreSQL.
    #[cfg(feature = "postgres")]
    Postgres(ApiService<diesel::PgConnection>),
    /// MySQL or MariaDB.
    #[cfg(feature = "mysql")]
    Mysql(ApiService<diesel::MysqlConnection>),
}

impl ShopApi {
    /// The actix-web scope serving the API.
    pub(crate) fn scope(&self) -> actix_web::Scope {
        match self {
            ShopApi::Sqlite(api) => api.scope(),
            #[cfg(feature = "postgres")]
            ShopApi::Postgres(api) => api.scope(),
            #[cfg(feature = "mysql")]
            ShopApi::Mysql(api) => api.scope(),
        }
    }
}

/// Options of the shop's manager.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Options {
    /// Insert the example rows when the schema is created (first start).
    pub(crate) seed: bool,
    /// Drop and recreate the schema first (tests only).
    pub(crate) reset: bool,
    /// Fixed `scheme://host[:port]` for links instead of the request's.
    pub(crate) base_url: Option<&'static str>,
}

/// The three types with every method, function evaluation, and client-chosen product keys.
fn manager<C: Database>(
    pool: impl ConnectionPool<Connection = C>,
    options: Options,
) -> ApiManager<C> {
    let config = || {
        ResourceConfig::new()
            .methods([Method::Get, Method::Post, Method::Patch, Method::Delete])
            .allow_functions(true)
            .allow_to_many_replacement(true)
            .allow_delete_from_to_many_relationships(true)
    };
    let manager = ApiManager::new(pool)
        .resource_with::<Customer>(config())
        .resource_with::<Product>(config().allow_client_generated_ids(true))
        .resource_with::<Order>(config())
        // Browsers get the HTML view (catalog B1.4).
        .html_view(true);
    match options.base_url {
        Some(url) => manager.base_url(url),
        None => manager,
    }
}

/// SQLite connections enforce foreign keys and wait for locks instead of failing.
#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<diesel::SqliteConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut diesel::SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        use diesel::connection::SimpleConnection;
        conn.batch_execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;")
            .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Creates the schema if absent, seeds it on first start when asked.
fn prepare<C>(
    pool: &Pool<ConnectionManager<C>>,
    migrations: fn() -> EmbeddedMigrations,
    dialect: Dialect,
    options: Options,
) -> Result<(), BoxError>
where
    C: R2D2Connection
        + MigrationHarness<C::Backend>
        + diesel::connection::SimpleConnection
        + 'static,
{
    let mut conn = pool.get()?;
    if options.reset {
        conn.revert_all_migrations(migrations())?;
    }
    let applied = conn.run_pending_migrations(migrations())?;
    let first_start = applied.iter().any(|v| v.to_string() == "20240201000000");
    if first_start && options.seed {
        seed(&mut *conn, dialect)?;
    }
    Ok(())
}

/// Opens `url` (a SQLite path, `postgres://...` or `mysql://...`) and builds the shop API.
pub(crate) fn open(url: &str, options: Options, pool_size: u32) -> Result<ShopApi, BoxError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        #[cfg(feature = "postgres")]
        {
            let pool = Pool::builder()
                .max_size(pool_size)
                .build(ConnectionManager::new(url))?;
            prepare(&pool, || POSTGRES, Dialect::Postgres, options)?;
            return Ok(ShopApi::Postgres(manager(pool, options).build()?));
        }
        #[cfg(not(feature = "postgres"))]
        return Err(
            "PostgreSQL needs the `postgres` feature: cargo run --features postgres".into(),
        );
    }
    if url.starts_with("mysql://") {
        #[cfg(feature = "mysql")]
        {
            let pool = Pool::builder()
                .max_size(pool_size)
                .build(ConnectionManager::new(url))?;
            prepare(&pool, || MYSQL, Dialect::Mysql, options)?;
            return Ok(ShopApi::Mysql(manager(pool, options).build()?));
        }
        #[cfg(not(feature = "mysql"))]
        return Err("MySQL needs the `mysql` feature: cargo run --features mysql".into());
    }
    let pool = Pool::builder()
        .max_size(pool_size)
        .connection_customizer(Box::new(SqlitePragmas))
        .build(ConnectionManager::new(url))?;
    prepare(&pool, || SQLITE, Dialect::Sqlite, options)?;
    Ok(ShopApi::Sqlite(manager(pool, options).build()?))
}
