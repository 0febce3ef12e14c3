//! actix-web glue for restless: [`ApiManager`] builds the `Scope` that serves the registered
//! types, and each request is handed to `restless-core`.
//!
//! This crate holds no JSON:API semantics. A handler reads the raw request parts, lets
//! [`restless_core::Api::prepare`] route and check them, runs the Diesel work inside
//! [`web::block`] (sync Diesel never blocks an async worker) and turns the core's
//! [`Reply`] into an [`HttpResponse`].

#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use actix_web::http::header::{
    HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE, HOST, IF_MATCH, IF_NONE_MATCH,
};
use actix_web::http::uri::Authority;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError, Scope};
use diesel::r2d2::{ConnectionManager, Pool, R2D2Connection};
use tokio::sync::Semaphore;

use restless_core::hook::{Hooks, Post, Pre};
use restless_core::{
    Api, ApiConfig, ConfigError, Context, Count, CustomOperator, Database, Error, HookError,
    JsonApiResource, Limits, Operation, PostKind, PreKind, Prepared, Ran, Registered, Reply,
    Request, ResourceConfig,
};

/// Copies what the application knows of a request into the hooks' [`Context`].
type Extractor = Arc<dyn Fn(&HttpRequest, &mut Context) + Send + Sync>;

/// Collects the API's options and types, then [`build`](ApiManager::build)s the service.
///
/// `C` is the connection type of the pool the application already has: `SqliteConnection`,
/// `PgConnection` or `MysqlConnection`. The pool is any [`ConnectionPool`]: an r2d2 pool
/// (`diesel::r2d2::Pool`), a `deadpool_diesel::Pool` (feature `deadpool`), or the
/// application's own.
///
/// ```text
/// let api = ApiManager::new(pool)          // the application's pool
///     .prefix("/api")
///     .resource::<Article>()
///     .resource_with::<Tag>(ResourceConfig::new().page_size(20))
///     .build()?;                           // ConfigError on misconfiguration (V1.1)
/// HttpServer::new(move || App::new().service(api.scope()))
/// ```
///
/// The crate `restless` re-exports this type; its README has the same example as a compiled
/// doctest.
pub struct ApiManager<C: Database> {
    pool: Arc<dyn ErasedPool<C>>,
    config: ApiConfig,
    types: Vec<Registered>,
    extractors: Vec<Extractor>,
}

impl<C: Database> ApiManager<C> {
    /// A manager serving from `pool`, with the default options (V1).
    pub fn new(pool: impl ConnectionPool<Connection = C>) -> Self {
        ApiManager {
            pool: Arc::new(Bounded::new(pool)),
            config: ApiConfig::default(),
            types: Vec::new(),
            extractors: Vec::new(),
        }
    }

    /// Adds a universal pre-hook of `kind` (U1.1, U2.1): it runs for every type, before the
    /// type's own hooks.
    ///
    /// ```
    /// # use diesel::r2d2::{ConnectionManager, Pool};
    /// # use diesel::SqliteConnection;
    /// use restless_actix::ApiManager;
    /// use restless_core::{HookError, PreKind};
    ///
    /// # let pool: Pool<ConnectionManager<SqliteConnection>> =
    /// #     Pool::builder().build_unchecked(ConnectionManager::new(":memory:"));
    /// let manager = ApiManager::new(pool).pre(PreKind::DeleteResource, |req| {
    ///     match req.context().header("X-Admin") {
    ///         Some("yes") => Ok(()),
    ///         _ => Err(HookError::new(403).detail("Only administrators delete.")),
    ///     }
    /// });
    /// # let _ = manager;
    /// ```
    pub fn pre(
        mut self,
        kind: PreKind,
        hook: impl Fn(&mut Pre<'_>) -> Result<(), HookError> + Send + Sync + 'static,
    ) -> Self {
        self.config.hooks.pre(kind, hook);
        self
    }

    /// Adds a universal post-hook of `kind` (U1.1, U2.1): it runs for every type, before the
    /// type's own hooks.
    ///
    /// ```
    /// # use diesel::r2d2::{ConnectionManager, Pool};
    /// # use diesel::SqliteConnection;
    /// use restless_actix::ApiManager;
    /// use restless_core::PostKind;
    ///
    /// # let pool: Pool<ConnectionManager<SqliteConnection>> =
    /// #     Pool::builder().build_unchecked(ConnectionManager::new(":memory:"));
    /// let manager = ApiManager::new(pool).post(PostKind::GetResource, |res| {
    ///     if let Some(doc) = res.document.as_mut() {
    ///         doc.meta_mut().insert("cached".into(), false.into());
    ///     }
    ///     Ok(())
    /// });
    /// # let _ = manager;
    /// ```
    pub fn post(
        mut self,
        kind: PostKind,
        hook: impl Fn(&mut Post<'_>) -> Result<(), HookError> + Send + Sync + 'static,
    ) -> Self {
        self.config.hooks.post(kind, hook);
        self
    }

    /// Adds universal hooks registered on a [`Hooks`] value, after those already added.
    pub fn hooks(mut self, hooks: Hooks) -> Self {
        self.config.hooks.extend(hooks);
        self
    }

    /// Copies values from actix's request into the [`Context`] hooks, scopes and validation
    /// see (U1.1), e.g. the user authentication middleware put in the request extensions.
    /// actix's extensions are not `Send`, and the database work runs on other threads: what
    /// hooks need is copied here, on the worker that received the request.
    ///
    /// ```
    /// # use diesel::r2d2::{ConnectionManager, Pool};
    /// # use diesel::SqliteConnection;
    /// use actix_web::HttpMessage as _;
    /// use restless_actix::ApiManager;
    ///
    /// /// What an authentication middleware stores.
    /// #[derive(Clone)]
    /// struct User {
    ///     id: i32,
    /// }
    ///
    /// # let pool: Pool<ConnectionManager<SqliteConnection>> =
    /// #     Pool::builder().build_unchecked(ConnectionManager::new(":memory:"));
    /// let manager = ApiManager::new(pool).context(|req, ctx| {
    ///     if let Some(user) = req.extensions().get::<User>() {
    ///         ctx.insert(user.clone());
    ///     }
    /// });
    /// # let _ = manager;
    /// ```
    pub fn context(
        mut self,
        extract: impl Fn(&HttpRequest, &mut Context) + Send + Sync + 'static,
    ) -> Self {
        self.extractors.push(Arc::new(extract));
        self
    }

    /// The URL prefix of every route (default `/api`; `""` serves the root at `/`).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.config.prefix = prefix.into();
        self
    }

    /// The `scheme://host[:port]` of every link, instead of the request's (C3.1).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.config.base_url = Some(base_url.into());
        self
    }

    /// Takes the scheme and host of links from `Forwarded` / `X-Forwarded-Host` /
    /// `X-Forwarded-Proto` (default off, C3.1). Turn it on only behind a proxy that sets them:
    /// otherwise any client could point every link and `Location` at another site.
    pub fn trust_forwarded_headers(mut self, trust: bool) -> Self {
        self.config.trust_forwarded_headers = trust;
        self
    }

    /// Where the OpenAPI 3.1 description of the API is served, under the prefix (E1.4):
    /// `Some("openapi.json")` by default, `None` to serve none. A type of that name is a
    /// [`ConfigError`] at [`build`](Self::build).
    ///
    /// ```
    /// # use diesel::r2d2::{ConnectionManager, Pool};
    /// # use diesel::SqliteConnection;
    /// use restless_actix::ApiManager;
    ///
    /// # let pool: Pool<ConnectionManager<SqliteConnection>> =
    /// #     Pool::builder().build_unchecked(ConnectionManager::new(":memory:"));
    /// let manager = ApiManager::new(pool).openapi(Some("describe"));
    /// # let _ = manager;
    /// ```
    pub fn openapi(mut self, path: Option<&str>) -> Self {
        self.config.openapi = path.map(str::to_owned);
        self
    }

    /// Answers a browser with the HTML view (default off, B1.4): a `GET` or `HEAD` whose
    /// `Accept` names `text/html` and does not name `application/vnd.api+json` gets the
    /// document it would have had as a web page (`text/html; charset=utf-8`, the same status),
    /// with every link clickable, page controls and a form for `include`, `fields`, `sort` and
    /// `filter[objects]`. A client that names the JSON:API media type never gets HTML.
    ///
    /// ```
    /// # use diesel::r2d2::{ConnectionManager, Pool};
    /// # use diesel::SqliteConnection;
    /// use restless_actix::ApiManager;
    ///
    /// # let pool: Pool<ConnectionManager<SqliteConnection>> =
    /// #     Pool::builder().build_unchecked(ConnectionManager::new(":memory:"));
    /// let manager = ApiManager::new(pool).html_view(true);
    /// # let _ = manager;
    /// ```
    pub fn html_view(mut self, enabled: bool) -> Self {
        self.config.html_view = enabled;
        self
    }

    /// Whether cursor pages count their rows, for types whose [`ResourceConfig`] does not say
    /// (default [`Count::Exact`], I6.5). See [`Count`] for the trade-off.
    ///
    /// ```
    /// # use diesel::r2d2::{ConnectionManager, Pool};
    /// # use diesel::SqliteConnection;
    /// use restless_actix::ApiManager;
    /// use restless_core::Count;
    ///
    /// # let pool: Pool<ConnectionManager<SqliteConnection>> =
    /// #     Pool::builder().build_unchecked(ConnectionManager::new(":memory:"));
    /// let manager = ApiManager::new(pool).count(Count::None);
    /// # let _ = manager;
    /// ```
    pub fn count(mut self, count: Count) -> Self {
        self.config.count = count;
        self
    }

    /// Enables or disables JSONP (default off, T1.1).
    pub fn jsonp(mut self, enabled: bool) -> Self {
        self.config.jsonp = enabled;
        self
    }

    /// Accepts only the spec-conforming query parameter names (default off, D4.1).
    pub fn strict_query_names(mut self, strict: bool) -> Self {
        self.config.strict_query_names = strict;
        self
    }

    /// Adds `Server-Timing: db;dur=<ms>;desc="<N> statements"` to every response that used the
    /// database: the time of its transaction and the SQL statements it ran (BEGIN and COMMIT
    /// included). Default off.
    pub fn server_timing(mut self, enabled: bool) -> Self {
        self.config.server_timing = enabled;
        self
    }

    /// Sets the request budget ([`Limits`]: body size, include, filter, sort and function
    /// limits); the defaults are the catalog's.
    ///
    /// ```
    /// # use diesel::r2d2::{ConnectionManager, Pool};
    /// # use diesel::SqliteConnection;
    /// use restless_actix::ApiManager;
    /// use restless_core::Limits;
    ///
    /// # let pool: Pool<ConnectionManager<SqliteConnection>> =
    /// #     Pool::builder().build_unchecked(ConnectionManager::new(":memory:"));
    /// let manager = ApiManager::new(pool).limits(Limits {
    ///     max_body_bytes: 64 << 10,
    ///     ..Limits::default()
    /// });
    /// # let _ = manager;
    /// ```
    pub fn limits(mut self, limits: Limits) -> Self {
        self.config.limits = limits;
        self
    }

    /// Registers a custom filter operator (M10); a built-in's name replaces the built-in for
    /// this manager.
    pub fn operator(mut self, operator: CustomOperator) -> Self {
        self.config.operators.retain(|o| o.name != operator.name);
        self.config.operators.push(operator);
        self
    }

    /// Registers `T` with the default options (V2).
    pub fn resource<T: JsonApiResource>(self) -> Self {
        self.resource_with::<T>(ResourceConfig::default())
    }

    /// Registers `T` with `config`.
    pub fn resource_with<T: JsonApiResource>(mut self, config: ResourceConfig) -> Self {
        self.types.push(Registered::new::<T>(config));
        self
    }

    /// Checks the configuration and builds the service (V1.1).
    ///
    /// # Errors
    /// A [`ConfigError`] naming the first misconfiguration.
    pub fn build(self) -> Result<ApiService<C>, ConfigError> {
        let api = Api::new::<C>(self.config, self.types)?;
        let needs_context = api.needs_context();
        Ok(ApiService {
            inner: Arc::new(Inner {
                api,
                pool: self.pool,
                extractors: self.extractors,
                needs_context,
            }),
        })
    }
}

struct Inner<C: Database> {
    api: Api,
    pool: Arc<dyn ErasedPool<C>>,
    extractors: Vec<Extractor>,
    needs_context: bool,
}

/// A built API, cheap to clone into every worker's `App`.
pub struct ApiService<C: Database> {
    inner: Arc<Inner<C>>,
}

impl<C: Database> Clone for ApiService<C> {
    fn clone(&self) -> Self {
        ApiService {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<C: Database> ApiService<C> {
    /// The scope serving the API under its prefix: the root endpoint, every route of E1.1, and
    /// JSON:API 404s for every other path under the prefix (E2).
    ///
    /// It can be mounted anywhere: on the `App`, inside `web::scope("/v1")` or any nested scope
    /// (dynamic segments too), and under the application's own `.wrap(...)` middleware. Routing
    /// looks only at the part of the path under the mount point, and links keep the path the
    /// request arrived under (C3.1).
    ///
    /// With types under prefixes of their own (`ResourceConfig::url_prefix`), the scope is
    /// mounted at the leading path all prefixes share: `""` for `/api` and `/v2`, where it
    /// answers every path of its parent. Use [`configure`](Self::configure) then, which
    /// mounts one scope per prefix.
    pub fn scope(&self) -> Scope {
        self.scope_at(self.inner.api.scope_prefix())
    }

    /// The API for `App::configure` or `Scope::configure`:
    /// `web::scope("/v1").configure(api.configure())`. It registers one scope per distinct
    /// prefix (the manager's and the types' own), so that the application's other routes
    /// stay its own.
    pub fn configure(&self) -> impl FnOnce(&mut web::ServiceConfig) {
        // Longest first: `/api/v2` before `/api`.
        let scopes: Vec<Scope> = self
            .inner
            .api
            .prefixes()
            .iter()
            .map(|p| self.scope_at(p))
            .collect();
        move |cfg| {
            for scope in scopes {
                cfg.service(scope);
            }
        }
    }

    fn scope_at(&self, prefix: &str) -> Scope {
        let prefix: Arc<str> = prefix.into();
        web::scope(&prefix)
            .service(web::resource("").route(self.handler(Arc::clone(&prefix))))
            .default_service(self.handler(prefix))
    }

    fn handler(&self, prefix: Arc<str>) -> actix_web::Route {
        let svc = self.clone();
        web::to(move |req: HttpRequest, payload: web::Payload| {
            let svc = svc.clone();
            let prefix = Arc::clone(&prefix);
            async move { svc.handle(req, payload, &prefix).await }
        })
    }

    async fn handle(&self, req: HttpRequest, payload: web::Payload, prefix: &str) -> HttpResponse {
        // Read at most one byte past the limit: core answers 413 for that (A3.5).
        // Only the methods that carry a document have their body read (a CONNECT tunnel or a
        // GET body is never waited for).
        let limit = self.inner.api.config().limits.max_body_bytes;
        let body = match req.method().as_str() {
            "POST" | "PATCH" | "DELETE" => read_body(payload, limit.saturating_add(1)).await,
            _ => Vec::new(),
        };
        let base = link_base(&req, self.inner.api.config().trust_forwarded_headers);
        let (mount, path) = split_mount(&req, prefix);
        let accept = joined(&req, ACCEPT);
        let if_match = joined(&req, IF_MATCH);
        let if_none_match = joined(&req, IF_NONE_MATCH);
        let content_type = req
            .headers()
            .get(CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let request = Request {
            method: req.method().as_str(),
            mount,
            path,
            query: req.query_string(),
            accept: accept.as_deref(),
            content_type: content_type.as_deref(),
            if_match: if_match.as_deref(),
            if_none_match: if_none_match.as_deref(),
            base: &base,
            body: &body,
        };
        let context = if self.inner.needs_context {
            let mut ctx = Context::default();
            for (name, value) in req.headers() {
                if let Ok(value) = value.to_str() {
                    ctx = ctx.with_header(name.as_str(), value);
                }
            }
            for extract in &self.inner.extractors {
                // Application code on the worker: a panic is a 500, not a dropped connection.
                let run = std::panic::AssertUnwindSafe(|| extract(&req, &mut ctx));
                if std::panic::catch_unwind(run).is_err() {
                    let e = Error::Internal("a context extractor panicked".into());
                    return respond(self.inner.api.error_reply(&e, None));
                }
            }
            ctx
        } else {
            Context::default()
        };
        let op = match self.inner.api.prepare_with(&request, context) {
            Prepared::Reply(reply) => return respond(reply),
            Prepared::Run(op) => op,
        };
        let presentation = op.presentation().clone();
        let inner = Arc::clone(&self.inner);
        // Only the database work runs with the connection, off the async workers; the
        // document is written from the rows here, once the connection is back in the pool.
        let work: Work<C> = Box::new(move |conn: &mut C| {
            let ran = inner.api.run_database(conn, &op);
            (op, ran)
        });
        let ran = self.inner.pool.run_boxed(work).await;
        match ran {
            Ok((op, ran)) => respond(self.inner.api.finish(&op, ran)),
            Err(e) => {
                let error = match e {
                    PoolError::Unavailable(cause) => Error::Unavailable(cause),
                    PoolError::Failed(cause) => Error::Internal(cause),
                };
                respond(self.inner.api.failure_reply(&error, &presentation))
            }
        }
    }
}

/// A pool of Diesel connections restless runs its database work on.
///
/// [`run`](ConnectionPool::run) takes one connection, runs the (blocking) work with it off the
/// async workers, and gives the connection back. restless implements it for r2d2 pools
/// (`diesel::r2d2::Pool<ConnectionManager<C>>`, on actix's blocking threads through
/// [`web::block`]) and, with the feature `deadpool`, for `deadpool_diesel::Pool` (through its
/// `interact`). Any other pool takes a few lines:
///
/// ```
/// use std::future::Future;
/// use std::sync::{Arc, Mutex};
///
/// use actix_web::web;
/// use diesel::SqliteConnection;
/// use restless_actix::{ConnectionPool, PoolError};
///
/// /// One connection, shared.
/// #[derive(Clone)]
/// struct Single(Arc<Mutex<SqliteConnection>>);
///
/// impl ConnectionPool for Single {
///     type Connection = SqliteConnection;
///
///     fn run<R, F>(&self, work: F) -> impl Future<Output = Result<R, PoolError>>
///     where
///         F: FnOnce(&mut SqliteConnection) -> R + Send + 'static,
///         R: Send + 'static,
///     {
///         let conn = Arc::clone(&self.0);
///         async move {
///             // Blocking work belongs on actix's blocking threads, never on a worker.
///             web::block(move || match conn.lock() {
///                 Ok(mut conn) => Ok(work(&mut conn)),
///                 Err(_) => Err(PoolError::Unavailable("the connection is poisoned".into())),
///             })
///             .await
///             .map_err(|e| PoolError::Failed(e.to_string()))?
///         }
///     }
/// }
/// # use diesel::Connection as _;
/// # let conn = SqliteConnection::establish(":memory:").unwrap();
/// # let _ = restless_actix::ApiManager::new(Single(Arc::new(Mutex::new(conn))));
/// ```
pub trait ConnectionPool: Send + Sync + 'static {
    /// The pool's connection type.
    type Connection: Database;

    /// Runs `work` with a connection of the pool, without blocking the calling async task.
    ///
    /// # Errors
    /// [`PoolError::Unavailable`] when no connection could be had (the client gets 503 with
    /// `Retry-After`, S3.2); [`PoolError::Failed`] when the work could not run to its end, e.g.
    /// it panicked (500).
    fn run<R, F>(&self, work: F) -> impl Future<Output = Result<R, PoolError>>
    where
        F: FnOnce(&mut Self::Connection) -> R + Send + 'static,
        R: Send + 'static;

    /// How many works [`run`](Self::run) should have under way at once, and how long a work
    /// waits for its turn; `None` (the default) when `run` bounds them itself.
    ///
    /// Each [`ApiManager`] holds each work back, on no thread, until one of its turns is
    /// free, so a burst of requests never takes more blocking threads than the pool has
    /// connections. A work that waits longer for its turn is answered 503 with `Retry-After`
    /// (S3.2); once it has its turn, `run` waits for a connection as the pool itself does.
    /// r2d2 pools give their `max_size` and `connection_timeout`.
    ///
    /// ```
    /// # use diesel::r2d2::{ConnectionManager, Pool};
    /// # use diesel::SqliteConnection;
    /// use std::time::Duration;
    ///
    /// use restless_actix::ConnectionPool;
    ///
    /// let pool: Pool<ConnectionManager<SqliteConnection>> = Pool::builder()
    ///     .max_size(4)
    ///     .connection_timeout(Duration::from_secs(2))
    ///     .build_unchecked(ConnectionManager::new(":memory:"));
    /// let turns = pool.concurrency().unwrap();
    /// assert_eq!((turns.max(), turns.wait()), (4, Duration::from_secs(2)));
    /// ```
    fn concurrency(&self) -> Option<Concurrency> {
        None
    }
}

/// How many works a [`ConnectionPool`] runs at once, and how long a work waits for its turn
/// ([`ConnectionPool::concurrency`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Concurrency {
    max: usize,
    wait: Duration,
}

impl Concurrency {
    /// At most `max` works at once (at least one), each waiting at most `wait` for its turn.
    ///
    /// ```
    /// use std::time::Duration;
    /// use restless_actix::Concurrency;
    ///
    /// let turns = Concurrency::new(0, Duration::from_millis(500));
    /// assert_eq!(turns.max(), 1);
    /// assert_eq!(turns.wait(), Duration::from_millis(500));
    /// ```
    pub fn new(max: usize, wait: Duration) -> Self {
        Concurrency {
            max: max.max(1),
            wait,
        }
    }

    /// The most works under way at once.
    pub fn max(&self) -> usize {
        self.max
    }

    /// How long a work waits for its turn.
    pub fn wait(&self) -> Duration {
        self.wait
    }
}

/// Why a [`ConnectionPool`] could not run the work.
#[derive(Debug)]
#[non_exhaustive]
pub enum PoolError {
    /// No connection could be had in time, or none could be opened (503, S3.2).
    Unavailable(String),
    /// The work did not run to its end: it panicked or was cancelled (500).
    Failed(String),
}

impl std::fmt::Display for PoolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PoolError::Unavailable(cause) => write!(f, "no database connection: {cause}"),
            PoolError::Failed(cause) => write!(f, "the database work failed: {cause}"),
        }
    }
}

impl std::error::Error for PoolError {}

impl<C: Database + R2D2Connection> ConnectionPool for Pool<ConnectionManager<C>> {
    type Connection = C;

    fn run<R, F>(&self, work: F) -> impl Future<Output = Result<R, PoolError>>
    where
        F: FnOnce(&mut C) -> R + Send + 'static,
        R: Send + 'static,
    {
        let pool = self.clone();
        async move {
            web::block(move || pool.get().map(|mut conn| work(&mut conn)))
                .await
                .map_err(|e| PoolError::Failed(e.to_string()))?
                .map_err(|e| PoolError::Unavailable(e.to_string()))
        }
    }

    fn concurrency(&self) -> Option<Concurrency> {
        let max = usize::try_from(self.max_size()).unwrap_or(usize::MAX);
        Some(Concurrency::new(max, self.connection_timeout()))
    }
}

#[cfg(feature = "deadpool")]
impl<C> ConnectionPool for deadpool_diesel::Pool<deadpool_diesel::Manager<C>>
where
    C: Database,
    deadpool_diesel::Manager<C>: deadpool::managed::Manager<
        Type = deadpool_diesel::Connection<C>,
        Error = deadpool_diesel::Error,
    >,
{
    type Connection = C;

    fn run<R, F>(&self, work: F) -> impl Future<Output = Result<R, PoolError>>
    where
        F: FnOnce(&mut C) -> R + Send + 'static,
        R: Send + 'static,
    {
        let pool = self.clone();
        async move {
            let conn = pool
                .get()
                .await
                .map_err(|e| PoolError::Unavailable(e.to_string()))?;
            conn.interact(work)
                .await
                .map_err(|e| PoolError::Failed(e.to_string()))
        }
    }
}

/// The database work of one request.
type Work<C> = Box<dyn FnOnce(&mut C) -> Worked + Send>;

/// The operation back from its database work, with what the work left to do.
type Worked = (Box<Operation>, Ran);

/// [`ConnectionPool`] for one connection type, whatever the pool's own type.
trait ErasedPool<C>: Send + Sync {
    fn run_boxed(
        &self,
        work: Work<C>,
    ) -> Pin<Box<dyn Future<Output = Result<Worked, PoolError>> + '_>>;
}

/// A pool with its turns ([`ConnectionPool::concurrency`]), counted per [`ApiManager`].
struct Bounded<P> {
    pool: P,
    turns: Option<(Arc<Semaphore>, Duration)>,
}

impl<P: ConnectionPool> Bounded<P> {
    fn new(pool: P) -> Self {
        let turns = pool.concurrency().map(|c| {
            let max = c.max().min(Semaphore::MAX_PERMITS);
            (Arc::new(Semaphore::new(max)), c.wait())
        });
        Bounded { pool, turns }
    }
}

impl<P: ConnectionPool> ErasedPool<P::Connection> for Bounded<P> {
    fn run_boxed(
        &self,
        work: Work<P::Connection>,
    ) -> Pin<Box<dyn Future<Output = Result<Worked, PoolError>> + '_>> {
        Box::pin(async move {
            let Some((turns, wait)) = &self.turns else {
                return self.pool.run(work).await;
            };
            let turn = actix_web::rt::time::timeout(*wait, Arc::clone(turns).acquire_owned())
                .await
                .map_err(|_| PoolError::Unavailable(format!("no turn free within {wait:?}")))?
                .map_err(|e| PoolError::Unavailable(e.to_string()))?;
            // The turn goes with the work: it ends when the work does, even if the request
            // is dropped meanwhile (the work runs on).
            let work: Work<P::Connection> = Box::new(move |conn| {
                let _turn = turn;
                work(conn)
            });
            self.pool.run(work).await
        })
    }
}

/// The request body, up to `limit` bytes; a broken stream ends it early.
async fn read_body(mut payload: web::Payload, limit: usize) -> Vec<u8> {
    use futures_util::StreamExt as _;
    let mut body = Vec::new();
    while let Some(Ok(chunk)) = payload.next().await {
        let room = limit.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= limit {
            break;
        }
    }
    body
}

/// `scheme://host[:port]` of links (C3.1): the request's own scheme and `Host`, or the
/// `Forwarded` / `X-Forwarded-*` values when the operator trusts them; an absent or malformed
/// host gives way to the address the server is bound to.
fn link_base(req: &HttpRequest, trust_forwarded: bool) -> String {
    if trust_forwarded {
        let info = req.connection_info();
        if is_authority(info.host()) {
            return restless_core::url::base_url(info.scheme(), info.host());
        }
    }
    let scheme = req
        .uri()
        .scheme_str()
        .unwrap_or(if req.app_config().secure() {
            "https"
        } else {
            "http"
        });
    let host = req
        .headers()
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()))
        .filter(|h| is_authority(h));
    match host {
        Some(host) => restless_core::url::base_url(scheme, host),
        None => restless_core::url::base_url(scheme, &req.app_config().local_addr().to_string()),
    }
}

/// Whether `host` is a plain `host[:port]` authority (no user information).
fn is_authority(host: &str) -> bool {
    !host.is_empty() && !host.contains('@') && host.parse::<Authority>().is_ok()
}

/// The raw path split at the mount point: the path of the scopes the application mounted the
/// API in, and the rest (the prefix and the route).
///
/// actix matched the enclosing scopes and the prefix on its re-quoted copy of the path, where
/// `/` stays encoded; the mount point is as many raw segments as the matched part has.
fn split_mount<'a>(req: &'a HttpRequest, prefix: &str) -> (&'a str, &'a str) {
    let raw = req.uri().path();
    let info = req.match_info();
    let matched = info
        .as_str()
        .len()
        .saturating_sub(info.unprocessed().len())
        .saturating_sub(prefix.len());
    let slashes = info
        .as_str()
        .get(..matched)
        .map_or(0, |mount| mount.matches('/').count());
    let end = raw
        .match_indices('/')
        .nth(slashes)
        .map_or(raw.len(), |(i, _)| i);
    raw.split_at(end)
}

/// All values of a header joined with `, `; `None` when absent.
fn joined(req: &HttpRequest, name: HeaderName) -> Option<String> {
    // Bytes that are not UTF-8 still count: a parameter written in them is a parameter.
    let values: Vec<String> = req
        .headers()
        .get_all(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

/// Turns a core [`Reply`] into an actix response.
fn respond(reply: Reply) -> HttpResponse {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut res = HttpResponse::build(status);
    for (name, value) in reply.headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            res.insert_header((name, value));
        }
    }
    match reply.body {
        Some(body) => res.body(body),
        None => res.finish(),
    }
}

/// A restless error as an actix error: renders as a JSON:API error document, so `?` works in
/// application handlers that call into restless.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code())
            .insert_header((CONTENT_TYPE, restless_core::negotiate::MEDIA_TYPE))
            .body(self.0.to_document().to_string())
    }
}
