//! Opening the blog's database on any backend: pool, migrations, first-start seed, and the
//! restless service over it.

use std::sync::Arc;

use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, R2D2Connection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use restless::core::Database;
use restless::hook::Hooks;
use restless::{
    ApiManager, ApiService, ConnectionPool, Context, CustomOperator, Method, ResourceConfig,
    ValueKind,
};

use crate::models::{Article, Comment, Person, Tag};
use crate::seed::{seed, seed_bench, Dialect};

const SQLITE: EmbeddedMigrations = embed_migrations!("examples/blog/migrations/sqlite");
#[cfg(feature = "postgres")]
const POSTGRES: EmbeddedMigrations = embed_migrations!("examples/blog/migrations/postgres");
#[cfg(feature = "mysql")]
const MYSQL: EmbeddedMigrations = embed_migrations!("examples/blog/migrations/mysql");

/// Any failure while opening the database.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The blog API on whichever backend `DATABASE_URL` names.
#[derive(Clone)]
pub(crate) enum BlogApi {
    /// SQLite.
    Sqlite(ApiService<diesel::SqliteConnection>),
    /// PostgreSQL.
    #[cfg(feature = "postgres")]
    Postgres(ApiService<diesel::PgConnection>),
    /// MySQL or MariaDB.
    #[cfg(feature = "mysql")]
    Mysql(ApiService<diesel::MysqlConnection>),
}

impl BlogApi {
    /// The API for `App::configure`: one scope per prefix.
    #[allow(
        dead_code,
        reason = "the tests mount the API with it; the examples use scope()"
    )]
    pub(crate) fn configure(&self) -> Box<dyn FnOnce(&mut actix_web::web::ServiceConfig)> {
        match self {
            BlogApi::Sqlite(api) => Box::new(api.configure()),
            #[cfg(feature = "postgres")]
            BlogApi::Postgres(api) => Box::new(api.configure()),
            #[cfg(feature = "mysql")]
            BlogApi::Mysql(api) => Box::new(api.configure()),
        }
    }

    /// The actix-web scope serving the API.
    pub(crate) fn scope(&self) -> actix_web::Scope {
        match self {
            BlogApi::Sqlite(api) => api.scope(),
            #[cfg(feature = "postgres")]
            BlogApi::Postgres(api) => api.scope(),
            #[cfg(feature = "mysql")]
            BlogApi::Mysql(api) => api.scope(),
        }
    }
}

/// Options of the blog's manager.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Options {
    /// Insert fixture F when the schema is created (first start).
    pub(crate) seed: bool,
    /// Seed the bench-scale data set instead of fixture F (`--seed bench`).
    pub(crate) bench: bool,
    /// Drop and recreate the schema first (tests only).
    pub(crate) reset: bool,
    /// Fixed `scheme://host[:port]` for links instead of the request's.
    pub(crate) base_url: Option<&'static str>,
    /// Add `Server-Timing` headers with statement counts.
    pub(crate) server_timing: bool,
    /// Paths included with every article when a request has no `include` (catalog L1.9).
    pub(crate) article_includes: &'static [&'static str],
    /// Serve function evaluation at `/api/eval/{type}` for every type (catalog N).
    pub(crate) functions: bool,
    /// Enable POST, PATCH and DELETE on every type (catalog A1.4).
    pub(crate) writes: bool,
    /// Allow replacing and deleting from to-many relationships (catalog P2.1, R2.1, R4.1).
    pub(crate) to_many_writes: bool,
    /// Accept client-generated ids in POST documents (catalog O2.1); off in the example.
    pub(crate) client_ids: bool,
    /// Take link hosts from `Forwarded` / `X-Forwarded-*` (catalog C3.1); off in the example.
    pub(crate) trust_forwarded_headers: bool,
    /// Attributes and relationships of `person` hidden from the API (catalog V2 `exclude`).
    pub(crate) person_exclude: &'static [&'static str],
    /// Answer browsers with the HTML view (catalog B1.4); on in the examples.
    pub(crate) html_view: bool,
}

/// Changes each type's options, given its name.
pub(crate) type TypeOptions = Arc<dyn Fn(&str, ResourceConfig) -> ResourceConfig + Send + Sync>;

/// Copies what the application knows of a request into the hooks' context.
pub(crate) type Extract = Arc<dyn Fn(&actix_web::HttpRequest, &mut Context) + Send + Sync>;

/// What an application built on the blog's types adds to them (the `auth` example, tests):
/// per-type options, universal hooks and the request values hooks see.
#[derive(Clone, Default)]
pub(crate) struct Custom {
    /// Applied to each type's options after the blog's own.
    pub(crate) types: Option<TypeOptions>,
    /// Universal pre- and post-hooks (catalog U2.1).
    pub(crate) hooks: Hooks,
    /// Fills the hooks' request context (catalog U1.1).
    pub(crate) context: Option<Extract>,
}

impl Options {
    /// What the examples serve: every method, to-many writes, function evaluation, the HTML view, links
    /// from the request; fixture F (or the bench-scale set) on first start when `seed`.
    #[allow(
        dead_code,
        reason = "the examples' mains and the tests use it, the bench does not"
    )]
    pub(crate) fn served(seed: bool, bench: bool) -> Self {
        Options {
            seed,
            bench,
            functions: true,
            writes: true,
            to_many_writes: true,
            html_view: true,
            ..Options::default()
        }
    }
}

/// Registers the four blog types (EC, catalog A1.4) over any pool.
pub(crate) fn manager<C: Database>(
    pool: impl ConnectionPool<Connection = C>,
    options: Options,
    custom: Custom,
) -> ApiManager<C> {
    let own = |name: &str, config: ResourceConfig| match &custom.types {
        Some(change) => change(name, config),
        None => config,
    };
    let config = |name: &str| own(name, resource_config(options));
    let mut manager = ApiManager::new(pool)
        .resource_with::<Person>(own(
            "person",
            resource_config(options).exclude(options.person_exclude.iter().copied()),
        ))
        .resource_with::<Article>(own("article", article_config(options)))
        .resource_with::<Comment>(config("comment"))
        .resource_with::<Tag>(config("tag"))
        .hooks(custom.hooks);
    if let Some(extract) = custom.context {
        manager = manager.context(move |req, ctx| extract(req, ctx));
    }
    let manager = manager
        // An application-defined filter operator (catalog M10.1): `age my_gt 28`.
        .operator(
            CustomOperator::binary("my_gt", "{column} - {value} > 0").kinds([
                ValueKind::SmallInt,
                ValueKind::Integer,
                ValueKind::BigInt,
            ]),
        )
        // JSONP is off unless asked for (catalog T1.1); the blog serves it.
        .jsonp(true)
        .html_view(options.html_view)
        .trust_forwarded_headers(options.trust_forwarded_headers)
        .server_timing(options.server_timing);
    match options.base_url {
        Some(url) => manager.base_url(url),
        None => manager,
    }
}

fn resource_config(options: Options) -> ResourceConfig {
    let methods: &[Method] = if options.writes {
        &[Method::Get, Method::Post, Method::Patch, Method::Delete]
    } else {
        &[Method::Get]
    };
    ResourceConfig::new()
        .methods(methods.iter().copied())
        .allow_functions(options.functions)
        .allow_to_many_replacement(options.to_many_writes)
        .allow_delete_from_to_many_relationships(options.to_many_writes)
        .allow_client_generated_ids(options.client_ids)
}

fn article_config(options: Options) -> ResourceConfig {
    let config = resource_config(options);
    if options.article_includes.is_empty() {
        config
    } else {
        config.includes(options.article_includes.iter().copied())
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

/// Creates the schema if absent (never touching existing data), seeds it on first start when
/// asked, and returns the pool.
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
    let first_start = applied.iter().any(|v| v.to_string() == "20240101000000");
    if first_start && options.seed {
        if options.bench {
            seed_bench(&mut *conn, dialect)?;
        } else {
            seed(&mut *conn, dialect)?;
        }
    }
    Ok(())
}

/// Opens `url` (a SQLite path, `postgres://...` or `mysql://...`) and builds the blog API.
#[cfg_attr(
    not(test),
    allow(
        dead_code,
        reason = "the auth example opens the blog with rules of its own"
    )
)]
pub(crate) fn open(url: &str, options: Options, pool_size: u32) -> Result<BlogApi, BoxError> {
    open_custom(url, options, pool_size, Custom::default())
}

/// [`open`] with the application's additions.
pub(crate) fn open_custom(
    url: &str,
    options: Options,
    pool_size: u32,
    custom: Custom,
) -> Result<BlogApi, BoxError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        #[cfg(feature = "postgres")]
        {
            let pool = Pool::builder()
                .max_size(pool_size)
                .build(ConnectionManager::new(url))?;
            prepare(&pool, || POSTGRES, Dialect::Postgres, options)?;
            return Ok(BlogApi::Postgres(manager(pool, options, custom).build()?));
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
            return Ok(BlogApi::Mysql(manager(pool, options, custom).build()?));
        }
        #[cfg(not(feature = "mysql"))]
        return Err("MySQL needs the `mysql` feature: cargo run --features mysql".into());
    }
    let pool = Pool::builder()
        .max_size(pool_size)
        .connection_customizer(Box::new(SqlitePragmas))
        .build(ConnectionManager::new(url))?;
    prepare(&pool, || SQLITE, Dialect::Sqlite, options)?;
    Ok(BlogApi::Sqlite(manager(pool, options, custom).build()?))
}
