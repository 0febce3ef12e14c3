//! The request pipeline: routing and the checks of B4.1, then the database work.
//!
//! [`Api::prepare`] runs every check that needs no database and either answers at once or
//! returns an [`Operation`]; [`Api::run`] performs an operation on a [`Database`] connection
//! (the web glue calls it off the async workers). Both return a [`Reply`]: a status, headers and
//! an optional body, with no dependency on any web framework.

mod conditional;
mod hooks;
mod links;
mod resolve;
mod route;
mod turnstile;

use hooks::Body;
pub(crate) use links::LinkBase;
use route::Route;

use serde_json::{json, Map, Value};

use std::time::Instant;

use crate::backend::{Database, Dialect};
use crate::config::{validate, ApiConfig, ConfigError, Registered};
use crate::document::Document;
use crate::error::Error;
use crate::hook::{Context, QueryValues};
use crate::jsonp;
use crate::negotiate::{check_accept, check_content_type, MEDIA_TYPE};
use crate::ops::fetch::{self, Ctx, Shaping};
use crate::ops::objects::Shape;
use crate::ops::write::{self, Change, Written};
use crate::ops::{Db, Output, Scopes};
use crate::query::filter::Filter;
use crate::query::{find_callback, include, NameOptions, Param, QueryParams};
use crate::request;
use crate::schema::Schema;

/// The parts of an HTTP request restless looks at.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// The method, e.g. `GET`.
    pub method: &'a str,
    /// The raw (still percent-encoded) path of the scopes the API is mounted in, e.g. `/v1`
    /// under `web::scope("/v1")`; `""` when it is mounted at the application's root. Links
    /// start with it (C3.1); routing never sees it.
    pub mount: &'a str,
    /// The raw (still percent-encoded) path from the mount point on, prefix included.
    pub path: &'a str,
    /// The raw query string, without `?`.
    pub query: &'a str,
    /// The Accept header, if any.
    pub accept: Option<&'a str>,
    /// The Content-Type header, if any.
    pub content_type: Option<&'a str>,
    /// The `If-Match` header, if any (all its lines joined with `, `; B3.8).
    pub if_match: Option<&'a str>,
    /// The `If-None-Match` header, if any (all its lines joined with `, `; B3.8).
    pub if_none_match: Option<&'a str>,
    /// `scheme://host[:port]` as the server saw it; the configured `base_url` wins over it.
    pub base: &'a str,
    /// The request body (at most one byte more than `Limits::max_body_bytes` need be read).
    pub body: &'a [u8],
}

/// A response, framework-agnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// Headers, each at most once (B3.7).
    pub headers: Vec<(&'static str, String)>,
    /// The body, if any.
    pub body: Option<String>,
}

/// What [`Api::prepare`] decided.
#[derive(Debug)]
pub enum Prepared {
    /// The answer is known without the database.
    Reply(Reply),
    /// The database must be asked.
    Run(Box<Operation>),
}

/// How an answer is written: as JSON:API, wrapped in a JSONP callback (T1) or not, or as the
/// HTML view of that document (B1.4). [`Api::prepare`] decides it; the web glue keeps it to
/// answer a failure that happens while the operation runs ([`Api::failure_reply`]).
///
/// ```
/// use restless_core::Presentation;
///
/// // What a request that asks for nothing special gets: JSON:API, unwrapped.
/// let plain = Presentation::default();
/// assert_eq!(plain.callback(), None);
/// assert!(!plain.is_html());
/// ```
#[derive(Clone, Debug, Default)]
pub struct Presentation {
    callback: Option<String>,
    html: Option<std::sync::Arc<crate::html::View>>,
    /// A `GET` or `HEAD`: a 200 answer gets an `ETag` and its preconditions (B3.8).
    read: bool,
    /// The request's `If-Match` and `If-None-Match`, when sent.
    if_match: Option<String>,
    if_none_match: Option<String>,
}

impl Presentation {
    /// The JSONP callback the answer is wrapped in, if any.
    pub fn callback(&self) -> Option<&str> {
        self.callback.as_deref()
    }

    /// Whether the answer is the HTML view.
    pub fn is_html(&self) -> bool {
        self.html.is_some()
    }

    /// Plain JSON:API for `req`, with its preconditions when it reads (B3.8).
    fn of(req: &Request<'_>) -> Presentation {
        Presentation {
            read: matches!(req.method, "GET" | "HEAD"),
            if_match: req.if_match.map(str::to_owned),
            if_none_match: req.if_none_match.map(str::to_owned),
            ..Presentation::default()
        }
    }

    /// The same, without a JSONP callback.
    fn unwrapped(&self) -> Presentation {
        Presentation {
            callback: None,
            ..self.clone()
        }
    }
}

/// A checked request waiting for its database work.
#[derive(Clone, Debug)]
pub struct Operation {
    target: Target,
    shaping: Shaping,
    links: LinkBase,
    how: Presentation,
    context: Context,
    values: QueryValues,
    scopes: std::sync::Arc<Scopes>,
    /// A write's preconditions (B3.8–B3.10), checked in its transaction.
    precheck: Option<Box<Precheck>>,
}

/// What a write's `If-Match` and `If-None-Match` are compared with: the tag of the document
/// the `GET` of the same path would answer (B3.9), from `read`; `None` when that `GET` answers
/// no document at all (its own checks or hooks refuse it).
#[derive(Clone, Debug)]
struct Precheck {
    read: Option<Operation>,
    if_match: Option<String>,
    if_none_match: Option<String>,
}

impl Operation {
    /// What the response shows of each type (its `fields[TYPE]`), for rendering.
    fn shape<'a>(&'a self, schema: &'a Schema) -> Shape<'a> {
        Shape {
            schema,
            fieldsets: &self.shaping.fieldsets,
            context: &self.context,
        }
    }

    /// The JSONP callback the answer must be wrapped in, if any; errors that happen while
    /// running the operation (a pool timeout, a panic) are wrapped with it too.
    pub fn callback(&self) -> Option<&str> {
        self.how.callback()
    }

    /// How the answer is written; errors that happen while running the operation are written
    /// the same way ([`Api::failure_reply`]).
    pub fn presentation(&self) -> &Presentation {
        &self.how
    }
}

#[derive(Clone, Debug)]
enum Target {
    Collection(usize),
    Resource(usize, String),
    Related(usize, String, usize),
    RelatedSingle(usize, String, usize, String),
    Relationship(usize, String, usize),
    Eval(usize),
    Create(usize, Map<String, Value>),
    Update(usize, String, Map<String, Value>),
    Delete(usize, String),
    RelationshipWrite(usize, String, usize, Change, Map<String, Value>),
}

impl Target {
    /// The type and id of the row a write changes: the resource, or the relationship's
    /// owner.
    fn row(&self) -> Option<(usize, &str)> {
        match self {
            Target::Update(t, id, _)
            | Target::Delete(t, id)
            | Target::RelationshipWrite(t, id, ..) => Some((*t, id.as_str())),
            _ => None,
        }
    }

    fn writes(&self) -> bool {
        matches!(
            self,
            Target::Create(..)
                | Target::Update(..)
                | Target::Delete(..)
                | Target::RelationshipWrite(..)
        )
    }
}

/// A configured API: the manager's options and its registered types.
#[derive(Debug)]
pub struct Api {
    config: ApiConfig,
    schema: Schema,
    /// Default includes per type (L1.9), resolved at registration.
    default_includes: Vec<Option<include::IncludeTree>>,
    /// Every prefix routes start with, longest first (V2 `url_prefix`).
    prefixes: Vec<String>,
    /// The types with a prefix of their own, and it.
    own_prefixes: links::OwnPrefixes,
    /// Whether hooks, scopes or computed attributes read the request context.
    needs_context: bool,
    /// Whether some type has a scope or a write scope (V4).
    has_scopes: bool,
    /// SQLite's writers, in arrival order.
    writers: turnstile::Turnstile,
    /// [`Api::openapi`], built once.
    openapi: String,
}

impl Api {
    /// Checks and builds an API for connections of type `C` (V1.1).
    ///
    /// # Errors
    /// The first [`ConfigError`] found.
    pub fn new<C: Database>(
        config: ApiConfig,
        types: Vec<Registered>,
    ) -> Result<Self, ConfigError> {
        validate(&config, &types, C::DIALECT)?;
        let schema = Schema::new(types)?;
        let mut default_includes = Vec::with_capacity(schema.types.len());
        for (t, reg) in schema.types.iter().enumerate() {
            let tree = match &reg.config.includes {
                None => None,
                Some(paths) => {
                    let param = Param {
                        name: "include".into(),
                        value: paths.join(","),
                    };
                    let tree = include::resolve(&schema, t, &param, None, config.limits.include)
                        .map_err(|e| ConfigError::InvalidInclude {
                            type_name: reg.meta.type_name.into(),
                            detail: e.to_string(),
                        })?;
                    Some(tree)
                }
            };
            default_includes.push(tree);
        }
        let own_prefixes: Vec<(&'static str, String)> = schema
            .types
            .iter()
            .filter_map(|t| {
                let p = t
                    .config
                    .url_prefix
                    .as_ref()
                    .filter(|p| **p != config.prefix)?;
                Some((t.meta.type_name, p.clone()))
            })
            .collect();
        let mut prefixes: Vec<String> = own_prefixes.iter().map(|(_, p)| p.clone()).collect();
        prefixes.push(config.prefix.clone());
        prefixes.sort_by_key(|p| std::cmp::Reverse(p.len()));
        prefixes.dedup();
        let needs_context = Api::uses_context(&config, &schema);
        let has_scopes = schema
            .types
            .iter()
            .any(|t| t.config.scope.is_some() || t.config.write_scope.is_some());
        let openapi = crate::openapi::document(&config, &schema, |t| {
            schema.types[t]
                .config
                .url_prefix
                .clone()
                .unwrap_or_else(|| config.prefix.clone())
        });
        Ok(Api {
            config,
            schema,
            default_includes,
            prefixes,
            own_prefixes: own_prefixes.into(),
            needs_context,
            has_scopes,
            writers: turnstile::Turnstile::default(),
            openapi,
        })
    }

    /// The answer of the OpenAPI description's route (E1.4), if `req` asks for it: not a
    /// JSON:API route, so media types and JSONP do not apply.
    fn openapi_reply(&self, req: &Request<'_>) -> Option<Reply> {
        const ALLOW: &str = "GET, HEAD, OPTIONS";
        let name = self.config.openapi.as_deref()?;
        let rest = req.path.strip_prefix(self.config.prefix.as_str())?;
        if rest.strip_prefix('/')? != name {
            return None;
        }
        Some(match req.method {
            "GET" | "HEAD" => {
                // Tagged like every read (B3.8): clients revalidate a large, rarely changing
                // document with `If-None-Match`.
                let how = Presentation::of(req);
                let reply = Reply {
                    status: 200,
                    headers: vec![("Content-Type", "application/json".into())],
                    body: Some(self.openapi_served(req.mount)),
                };
                self.preconditions(&how, 200, reply)
            }
            "OPTIONS" => Reply {
                status: 204,
                headers: vec![("Allow", ALLOW.into())],
                body: None,
            },
            method => {
                let e = Error::MethodNotAllowed {
                    method: method.to_owned(),
                    path: format!("{}{}", req.mount, req.path),
                    allow: ALLOW.into(),
                };
                self.error_reply_with(&e, &Presentation::default(), vec![("Allow", ALLOW.into())])
            }
        })
    }

    /// [`openapi`](Self::openapi) as served under `mount`: its paths are relative to where the
    /// API is mounted, so the description names that as its server (a URL relative to the
    /// description's own, `/` at the application's root).
    fn openapi_served(&self, mount: &str) -> String {
        let url = if mount.is_empty() { "/" } else { mount };
        let servers = format!(
            "{{\"servers\":[{{\"url\":\"{}\"}}],",
            crate::json::escape(url)
        );
        match self.openapi.strip_prefix('{') {
            Some(rest) if rest.starts_with('}') => format!("{}}}", &servers[..servers.len() - 1]),
            Some(rest) => servers + rest,
            None => self.openapi.clone(),
        }
    }

    /// The API's description as an OpenAPI 3.1 document (JSON text): every route this
    /// configuration serves, with methods, parameters, bodies and responses, and JSON Schemas
    /// of its resource objects and documents (E1.4). Paths start with the prefixes, relative to
    /// where the API is mounted; the served description names that mount point as its server.
    ///
    /// ```
    /// use restless_core::{Api, ApiConfig};
    ///
    /// let api = Api::new::<diesel::SqliteConnection>(ApiConfig::default(), Vec::new()).unwrap();
    /// let doc: serde_json::Value = serde_json::from_str(api.openapi()).unwrap();
    /// assert_eq!(doc["openapi"], "3.1.0");
    /// ```
    pub fn openapi(&self) -> &str {
        &self.openapi
    }

    /// The path every route starts with: the prefix, or with types of their own prefix
    /// (V2 `url_prefix`), the leading segments all prefixes share (`""` when none).
    pub fn scope_prefix(&self) -> &str {
        let first = self.prefixes.first().map_or("", String::as_str);
        let mut common = first;
        for p in &self.prefixes {
            while !(p == common || p.starts_with(&format!("{common}/"))) {
                common = common.rsplit_once('/').map_or("", |(head, _)| head);
            }
        }
        common
    }

    /// Every distinct prefix routes start with, longest first: the manager's and the types'
    /// own (V2 `url_prefix`).
    pub fn prefixes(&self) -> &[String] {
        &self.prefixes
    }

    /// The options.
    pub fn config(&self) -> &ApiConfig {
        &self.config
    }

    /// The registered types.
    pub fn types(&self) -> &[Registered] {
        &self.schema.types
    }

    fn name_options(&self) -> NameOptions {
        NameOptions {
            strict_query_names: self.config.strict_query_names,
            jsonp: self.config.jsonp,
        }
    }

    /// Routes and checks a request (B4.1 steps 1–9) without touching the database.
    pub fn prepare(&self, req: &Request<'_>) -> Prepared {
        self.prepare_with(req, Context::default())
    }

    /// [`prepare`](Self::prepare) with the request context hooks, scopes and validation see
    /// (U1.1): the web glue fills in the headers and the application's values (see
    /// [`needs_context`](Self::needs_context)); method, path and query are set here.
    ///
    /// It runs on the web framework's async worker, so a panic in it is caught here and
    /// answered as the S3.1 500 (A3.2), like one in the database work.
    pub fn prepare_with(&self, req: &Request<'_>, context: Context) -> Prepared {
        let prepare = std::panic::AssertUnwindSafe(|| self.prepare_unguarded(req, context));
        match std::panic::catch_unwind(prepare) {
            Ok(prepared) => prepared,
            Err(panic) => {
                // The cause is logged with the error's id, never sent (S3.1).
                let cause = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                let e = Error::Internal(format!("preparing the request panicked: {cause}"));
                // A browser still gets a page (B1.5), if one can be made.
                let page = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    self.wants_html(req)
                        .then(|| std::sync::Arc::new(self.html_view(req, None)))
                }))
                .ok()
                .flatten();
                let how = Presentation {
                    html: page,
                    ..Presentation::default()
                };
                Prepared::Reply(self.error_reply_with(&e, &how, vec![]))
            }
        }
    }

    /// Whether `req` gets the HTML view (B1.4): the option is on, the method reads, and the
    /// Accept header prefers HTML.
    fn wants_html(&self, req: &Request<'_>) -> bool {
        self.config.html_view
            && matches!(req.method, "GET" | "HEAD")
            && crate::negotiate::prefers_html(req.accept)
    }

    /// The HTML view's page of `req` on `route` (B1.4): the form has the inputs the route takes.
    fn html_view(&self, req: &Request<'_>, route: Option<&Route>) -> crate::html::View {
        use crate::html::Form;
        let fields_of = |t: usize| {
            let set = self.schema.full_set(t);
            let meta = self.schema.meta(t);
            let names: Vec<&str> = set
                .attributes
                .iter()
                .map(|&i| meta.fields[i].name)
                .chain(
                    set.computed
                        .iter()
                        .map(|&c| self.schema.computed(t)[c].name),
                )
                .chain(
                    set.relationships
                        .iter()
                        .map(|&r| self.schema.rel(t, r).name),
                )
                .collect();
            Some((format!("fields[{}]", meta.type_name), names.join(",")))
        };
        let include_of = |t: usize| {
            self.schema.types[t]
                .config
                .includes
                .as_ref()
                .map(|paths| paths.join(","))
                .unwrap_or_default()
        };
        let rel_of = |t: usize, name: &str| {
            self.schema
                .rel_index(t, name)
                .map(|r| *self.schema.rel(t, r))
        };
        let form = match route {
            Some(Route::Collection(t)) => Some(Form {
                include: include_of(*t),
                fields: fields_of(*t),
                list: true,
            }),
            Some(Route::Resource(t, _)) => Some(Form {
                include: include_of(*t),
                fields: fields_of(*t),
                list: false,
            }),
            Some(Route::Related(t, _, rel) | Route::RelatedSingle(t, _, rel, _)) => rel_of(*t, rel)
                .map(|r| Form {
                    include: include_of(r.target),
                    fields: fields_of(r.target),
                    list: r.is_to_many() && matches!(route, Some(Route::Related(..))),
                }),
            Some(Route::Relationship(t, _, rel)) => rel_of(*t, rel).map(|r| Form {
                include: String::new(),
                fields: None,
                list: r.is_to_many(),
            }),
            Some(Route::Root | Route::Eval(_)) | None => None,
        };
        let base = self.config.base_url.as_deref().unwrap_or(req.base);
        let root = format!("{}{}", req.mount, self.config.prefix);
        let openapi = self.config.openapi.as_ref().map(|p| format!("{root}/{p}"));
        let root = if root.is_empty() {
            "/".to_owned()
        } else {
            root
        };
        crate::html::View::new(
            format!("{}{}", req.mount, req.path),
            crate::query::lenient_pairs(req.query),
            base.to_owned(),
            form,
            (root, openapi),
        )
    }

    fn prepare_unguarded(&self, req: &Request<'_>, mut context: Context) -> Prepared {
        // Step 4 comes early so that the answers of steps 1–3 can be wrapped (T1.3); an invalid
        // callback leaves them unwrapped (T1.2).
        let callback = find_callback(req.query, self.name_options());
        let valid_callback = callback
            .as_ref()
            .filter(|p| jsonp::check_callback(&p.name, &p.value).is_ok())
            .map(|p| p.value.clone());
        if let Some(reply) = self.openapi_reply(req) {
            return Prepared::Reply(reply);
        }
        let routed = self.route(req.path);
        // The HTML view shows the document itself, never wrapped in a callback.
        let (callback_to_wrap, html) = if self.wants_html(req) {
            let view = self.html_view(req, routed.as_ref().map(|(r, _)| r));
            (None, Some(std::sync::Arc::new(view)))
        } else {
            (valid_callback, None)
        };
        let how = Presentation {
            callback: callback_to_wrap,
            html,
            ..Presentation::of(req)
        };
        let fail = |e: Error, extra: Vec<(&'static str, String)>| {
            Prepared::Reply(self.error_reply_with(&e, &how, extra))
        };
        let Some((route, bad_id)) = routed else {
            return fail(
                Error::RouteNotFound {
                    path: format!("{}{}", req.mount, req.path),
                },
                vec![],
            );
        };
        let allow = self.allow(&route);
        if req.method == "OPTIONS" {
            return Prepared::Reply(Reply {
                status: 204,
                headers: vec![("Allow", allow.join(", ")), ("Vary", "Accept".into())],
                body: None,
            });
        }
        if !allow.contains(&req.method) {
            let allow = allow.join(", ");
            let e = Error::MethodNotAllowed {
                method: req.method.to_owned(),
                path: format!("{}{}", req.mount, req.path),
                allow: allow.clone(),
            };
            return fail(e, vec![("Allow", allow)]);
        }
        let carries_document = matches!(req.method, "POST" | "PATCH")
            || (req.method == "DELETE" && matches!(route, Route::Relationship(..)));
        if let Err(e) = check_content_type(req.content_type, carries_document) {
            return fail(e, vec![]);
        }
        if !how.is_html() {
            if let Err(e) = check_accept(req.accept) {
                return fail(e, vec![]);
            }
        }
        if let Some(p) = &callback {
            if let Err(e) = jsonp::check_callback(&p.name, &p.value) {
                return Prepared::Reply(self.error_reply_with(&e, &how.unwrapped(), vec![]));
            }
        }
        let mut params =
            match QueryParams::parse(req.query, route.kind(), req.method, self.name_options()) {
                Ok(p) => p,
                Err(e) => return fail(e, vec![]),
            };
        if let Err(e) = self.check_values(&route, &params) {
            return fail(e, vec![]);
        }
        // Step 6: the body, where the endpoint needs a document.
        let mut document = if carries_document {
            if req.body.len() > self.config.limits.max_body_bytes {
                let e = Error::PayloadTooLarge {
                    limit: self.config.limits.max_body_bytes,
                };
                return fail(e, vec![]);
            }
            match request::parse_body(req.body) {
                Ok(doc) => Some(doc),
                Err(e) => return fail(e, vec![]),
            }
        } else {
            None
        };
        let base = self.config.base_url.as_deref().unwrap_or(req.base);
        let links = LinkBase {
            api: format!("{base}{}{}", req.mount, self.config.prefix),
            own: (!self.own_prefixes.is_empty()).then(|| {
                (
                    format!("{base}{}", req.mount),
                    std::sync::Arc::clone(&self.own_prefixes),
                )
            }),
            request: format!("{base}{}{}", req.mount, req.path),
            params: params.all.clone(),
        };
        // Step 7: the pre-hooks.
        let mut route = route;
        let mut bad_id = bad_id;
        if self.needs_context() {
            let query = params
                .all
                .iter()
                .map(|p| (p.name.clone(), p.value.clone()))
                .collect();
            context.set_request(req.method, &format!("{}{}", req.mount, req.path), query);
        }
        let hooked = match self.pre_hooks(
            &context,
            req.method,
            &mut route,
            &mut bad_id,
            &mut params,
            &mut document,
        ) {
            Ok(h) => h,
            Err(e) => return fail(e, vec![]),
        };
        let bad_id_error = bad_id.map(|bad| self.bad_id_error(&route, bad));
        let resolved = self
            .resolve(route, &params, req.method, document, &hooked)
            .map_err(|e| hooked.blame(e));
        match (resolved, bad_id_error) {
            (Err(e), _) => fail(e, vec![]),
            (Ok(None), _) => {
                let doc = self.root_document(&links);
                Prepared::Reply(self.document_reply(200, doc, &how, vec![]))
            }
            // Every check that needs no database passed: the id names nothing (E4.3).
            (Ok(Some(_)), Some(e)) => fail(e, vec![]),
            (Ok(Some((target, mut shaping))), None) => {
                let scopes = match self.scopes(&context) {
                    Ok(s) => s,
                    Err(e) => return fail(e, vec![]),
                };
                // Only in-scope related rows count for `has` and `any` (V4.2).
                if !scopes.read.is_empty() {
                    shaping.filter = shaping.filter.map(|f| f.scoped(&scopes.read));
                }
                // A write's preconditions are those of the GET of its path (B3.9): no query,
                // the write's own headers, the GET's hooks.
                let precheck = (target.writes()
                    && (req.if_match.is_some() || req.if_none_match.is_some()))
                .then(|| {
                    let get = Request {
                        method: "GET",
                        query: "",
                        accept: None,
                        content_type: None,
                        if_match: None,
                        if_none_match: None,
                        body: b"",
                        ..*req
                    };
                    let read = match self.prepare_unguarded(&get, context.clone()) {
                        Prepared::Run(op) => Some(*op),
                        Prepared::Reply(_) => None,
                    };
                    Box::new(Precheck {
                        read,
                        if_match: req.if_match.map(str::to_owned),
                        if_none_match: req.if_none_match.map(str::to_owned),
                    })
                });
                Prepared::Run(Box::new(Operation {
                    target,
                    shaping,
                    links,
                    how,
                    context,
                    values: hooked.values,
                    scopes: std::sync::Arc::new(scopes),
                    precheck,
                }))
            }
        }
    }

    /// Performs an operation: its database work in one transaction (H8.1), then its reply.
    ///
    /// The same as [`run_database`](Self::run_database) followed by [`finish`](Self::finish);
    /// the web glue calls those two apart, so that only the database work holds a connection.
    pub fn run<C: Database>(&self, conn: &mut C, op: &Operation) -> Reply {
        let ran = self.run_database(conn, op);
        self.finish(op, ran)
    }

    /// Performs an operation's database work in one transaction (H8.1), and nothing more
    /// where it can: a read whose types have no post-hook, serialization hook or computed
    /// attribute leaves its document to [`finish`](Self::finish), to be written from the rows
    /// after the connection is back in its pool. A write's document is built, and hooked,
    /// before its transaction commits (A3.1, U4.1).
    pub fn run_database<C: Database>(&self, conn: &mut C, op: &Operation) -> Ran {
        let start = Instant::now();
        let mut statements = 0;
        let mut pragmas = 0;
        let filter = op.shaping.filter.as_ref();
        let markers = filter.is_some_and(Filter::has_markers) || op.scopes.has_markers();
        let status_meta = |status: u16| op.callback().map(|_| status);
        let work = |conn: &mut C| {
            let mut db = Db::new(conn).with_scopes(std::sync::Arc::clone(&op.scopes));
            let out = (|| {
                if op.precheck.is_some() && C::DIALECT == Dialect::Postgres {
                    // What a precondition's tag was computed from may not change under the
                    // write: a conflicting transaction fails, and the retry sees its effect.
                    // The level is set before the transaction's first query.
                    let mut serializable = crate::backend::Sql::new(Dialect::Postgres);
                    serializable.push("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
                    db.execute(serializable)?;
                }
                let now = if markers {
                    Some(fetch::now(&mut db)?)
                } else {
                    None
                };
                db.now = now;
                let ctx = Ctx {
                    schema: &self.schema,
                    links: &op.links,
                    shaping: &op.shaping,
                    now,
                    scopes: &op.scopes,
                    context: &op.context,
                };
                if let Some(precheck) = &op.precheck {
                    self.check_preconditions(&mut db, op, precheck)?;
                }
                let written = self.dispatch(&mut db, &ctx, &op.target)?;
                let (status, output, was_deleted) = match written {
                    Written::Document { status, output } => (status, Some(output), true),
                    Written::NoContent { was_deleted } => (204, None, was_deleted),
                };
                let Some(mut output) = output else {
                    self.post_hooks(&op.context, &op.target, &op.values, None, was_deleted)?;
                    return Ok(Done::NoContent(status));
                };
                let shape = ctx.shape();
                output.headers.extend(output.found.headers());
                if self.has_post_hooks(&op.target) {
                    // Post-hooks see the complete document; a write is still uncommitted (U4.1).
                    let doc = output.found.document(&shape, &op.links)?;
                    let hooked = self
                        .post_hooks(&op.context, &op.target, &op.values, Some(&doc), true)?
                        .map_or(Body::Doc(doc), Body::Hooked);
                    let body = match status_meta(status) {
                        Some(s) => hooked.meta_member("status", json!(s)),
                        None => hooked,
                    };
                    return Ok(Done::Text(status, body.to_json(), output.headers));
                }
                if op.target.writes() || !output.found.direct(&self.schema) {
                    // Hooks and computed attributes run here, and their failures undo a write
                    // (S3.4).
                    let text = output
                        .found
                        .to_json(&shape, &op.links, status_meta(status))?;
                    return Ok(Done::Text(status, text, output.headers));
                }
                Ok(Done::Later(status, output))
            })();
            statements = db.statements;
            out
        };
        let result = if op.target.writes() {
            // Dependent rows are checked by the database too: SQLite enforces foreign keys only
            // when told, per connection and outside a transaction (Q1.3).
            if C::DIALECT == Dialect::Sqlite {
                let mut on = crate::backend::Sql::new(Dialect::Sqlite);
                on.push("PRAGMA foreign_keys = ON");
                if let Err(e) = conn.execute_sql(on) {
                    return Ran {
                        done: Err(e),
                        headers: Vec::new(),
                    };
                }
                pragmas += 1;
            }
            // SQLite takes one writer at a time: this process's queue in arrival order rather
            // than retry in SQLite's busy handler.
            let _pass = (C::DIALECT == Dialect::Sqlite).then(|| self.writers.enter());
            // A deadlock or serialization failure undid everything: try again, a few times,
            // before answering 503 (S3.2).
            let mut work = work;
            let mut attempt = 1;
            loop {
                if op.precheck.is_some() && C::DIALECT == Dialect::Mysql {
                    // MariaDB sets the level of the next transaction outside it (see the
                    // PostgreSQL case in `work`).
                    let mut serializable = crate::backend::Sql::new(Dialect::Mysql);
                    serializable.push("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
                    if let Err(e) = conn.execute_sql(serializable) {
                        break Err(e);
                    }
                    pragmas += 1;
                }
                let result = conn.write_transaction(&mut work);
                match result {
                    Err(ref e) if e.is_transient() && attempt < WRITE_ATTEMPTS => attempt += 1,
                    other => break other,
                }
            }
        } else {
            conn.read_transaction(work)
        };
        let mut headers = Vec::new();
        if self.config.server_timing {
            // The transaction's BEGIN and COMMIT (or ROLLBACK) are statements too.
            // Milliseconds with three decimals, written as integers.
            let micros = start.elapsed().as_micros();
            let mut value = String::with_capacity(48);
            value.push_str("db;dur=");
            value.push_str(itoa::Buffer::new().format(micros / 1000));
            value.push('.');
            let fraction = micros % 1000;
            for digit in [fraction / 100, fraction / 10 % 10, fraction % 10] {
                value.push(char::from(b'0' + digit as u8));
            }
            value.push_str(";desc=\"");
            value.push_str(itoa::Buffer::new().format(statements + pragmas + 2));
            value.push_str(" statements\"");
            headers.push(("Server-Timing", value));
        }
        Ran {
            done: result,
            headers,
        }
    }

    /// The reply to an operation whose database work is done: where
    /// [`run_database`](Self::run_database) left the document to be written, it is written here
    /// from the rows, with no connection held. Catches panics (A3.2): it may run on an async
    /// worker.
    pub fn finish(&self, op: &Operation, ran: Ran) -> Reply {
        let Ran { done, mut headers } = ran;
        let rendered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match done {
            Ok(Done::Later(status, output)) => {
                let shape = op.shape(&self.schema);
                let status_meta = op.callback().map(|_| status);
                output
                    .found
                    .to_json(&shape, &op.links, status_meta)
                    .map(|text| Done::Text(status, text, output.headers))
            }
            other => other,
        }));
        let done =
            rendered.unwrap_or_else(|_| Err(Error::Internal("writing a document panicked".into())));
        match done {
            Ok(Done::Text(status, text, extra)) => {
                headers.extend(extra);
                self.text_reply(status, text, &op.how, headers)
            }
            Ok(Done::NoContent(status)) => {
                headers.push(("Vary", "Accept".into()));
                Reply {
                    status,
                    headers,
                    body: None,
                }
            }
            // Rendered above.
            Ok(Done::Later(..)) => self.error_reply_with(
                &Error::Internal("a document was left unwritten".into()),
                &op.how,
                headers,
            ),
            Err(e) => self.error_reply_with(&e, &op.how, headers),
        }
    }

    /// A write's preconditions, in its transaction before anything is written (B3.8–B3.10):
    /// the target's row is locked so that a concurrent write waits, then the `GET` of the same
    /// path runs (its 404 is the write's) and `If-Match` must name its tag (strong comparison;
    /// `*` any document), `If-None-Match` must not (weak comparison; `*` any document).
    fn check_preconditions<C: Database>(
        &self,
        db: &mut Db<'_, C>,
        op: &Operation,
        precheck: &Precheck,
    ) -> Result<(), Error> {
        // P2.1 steps 3 and 4 come before the target lookup, and so before the preconditions.
        if let Target::Update(t, id, doc) = &op.target {
            let raw = request::raw_resource(doc, true)?;
            request::check_type(self.schema.meta(*t).type_name, raw.type_name, "/data/type")?;
            write::check_id(raw.id, id)?;
        }
        let exists = match op.target.row() {
            Some((t, id)) => {
                match crate::value::SqlValue::parse_id(self.schema.meta(t).key().kind(), id) {
                    Some(key) => !db
                        .load(crate::ops::sql::lock_row(&self.schema, t, key, C::DIALECT))?
                        .is_empty(),
                    None => false,
                }
            }
            // A collection is always there.
            None => true,
        };
        if !exists {
            // The write answers its own 404, never 412 (B3.10).
            return Ok(());
        }
        let tag = match &precheck.read {
            Some(read) => Some(self.current_tag(db, read)?),
            None => None,
        };
        // `*` asks only that the target exists.
        let named = |list: &str, strong: bool| {
            list.trim() == "*"
                || tag
                    .as_deref()
                    .is_some_and(|tag| conditional::matches(list, tag, strong))
        };
        if precheck
            .if_match
            .as_deref()
            .is_some_and(|list| !named(list, true))
        {
            return Err(Error::PreconditionFailed);
        }
        if precheck
            .if_none_match
            .as_deref()
            .is_some_and(|list| named(list, false))
        {
            return Err(Error::PreconditionFailed);
        }
        Ok(())
    }

    /// The tag of the document the read operation `read` answers now (B3.9): its JSON:API
    /// text as a `GET` writes it, post-hooks included.
    fn current_tag<C: Database>(
        &self,
        db: &mut Db<'_, C>,
        read: &Operation,
    ) -> Result<String, Error> {
        let ctx = Ctx {
            schema: &self.schema,
            links: &read.links,
            shaping: &read.shaping,
            now: db.now,
            scopes: &read.scopes,
            context: &read.context,
        };
        let Written::Document { output, .. } = self.dispatch(db, &ctx, &read.target)? else {
            return Err(Error::Internal("a read answered no document".into()));
        };
        let shape = ctx.shape();
        let text = if self.has_post_hooks(&read.target) {
            let doc = output.found.document(&shape, &read.links)?;
            self.post_hooks(&read.context, &read.target, &read.values, Some(&doc), true)?
                .map_or(Body::Doc(doc), Body::Hooked)
                .to_json()
        } else {
            output.found.to_json(&shape, &read.links, None)?
        };
        Ok(conditional::entity_tag(MEDIA_TYPE, &text))
    }

    fn dispatch<C: Database>(
        &self,
        db: &mut Db<'_, C>,
        ctx: &Ctx<'_>,
        target: &Target,
    ) -> Result<Written, Error> {
        let read = |output: Output| Written::Document {
            status: 200,
            output: Box::new(output),
        };
        match target {
            Target::Collection(t) => fetch::collection(db, ctx, *t).map(read),
            Target::Resource(t, id) => fetch::single(db, ctx, *t, id).map(read),
            Target::Related(t, id, r) => fetch::related(db, ctx, *t, id, *r).map(read),
            Target::RelatedSingle(t, id, r, rid) => {
                fetch::related_single(db, ctx, *t, id, *r, rid).map(read)
            }
            Target::Relationship(t, id, r) => fetch::relationship(db, ctx, *t, id, *r).map(read),
            Target::Eval(t) => fetch::eval(db, ctx, *t).map(read),
            Target::Create(t, doc) => write::create(db, ctx, *t, doc),
            Target::Update(t, id, doc) => write::update(db, ctx, *t, id, doc),
            Target::Delete(t, id) => write::delete(db, ctx, *t, id),
            Target::RelationshipWrite(t, id, r, change, doc) => {
                write::relationship(db, ctx, *t, id, *r, *change, doc)
            }
        }
    }

    /// The error document for `error`, wrapped in `callback` if given.
    pub fn error_reply(&self, error: &Error, callback: Option<&str>) -> Reply {
        let how = Presentation {
            callback: callback.map(str::to_owned),
            ..Presentation::default()
        };
        self.error_reply_with(error, &how, vec![])
    }

    /// The error document for `error`, written as an operation's answer would have been
    /// ([`Operation::presentation`]): for a failure while it ran, such as a pool timeout.
    pub fn failure_reply(&self, error: &Error, presentation: &Presentation) -> Reply {
        self.error_reply_with(error, presentation, vec![])
    }

    fn error_reply_with(
        &self,
        error: &Error,
        how: &Presentation,
        headers: Vec<(&'static str, String)>,
    ) -> Reply {
        let mut headers = headers;
        // S3.2's `Retry-After`, a hook's headers (U5.2).
        headers.extend(error.headers());
        let doc = Document::with_errors(error.to_error_objects());
        self.document_reply(error.status(), doc, how, headers)
    }

    /// A reply carrying `doc` (B3, T1.4).
    fn document_reply(
        &self,
        status: u16,
        doc: Document,
        how: &Presentation,
        headers: Vec<(&'static str, String)>,
    ) -> Reply {
        let text = match how.callback {
            Some(_) => doc.meta_member("status", json!(status)).to_json(),
            None => doc.to_json(),
        };
        self.text_reply(status, text, how, headers)
    }

    /// A reply carrying the document `text`, which has `meta.status` when wrapped in a
    /// callback (T1.4).
    fn text_reply(
        &self,
        status: u16,
        text: String,
        how: &Presentation,
        mut headers: Vec<(&'static str, String)>,
    ) -> Reply {
        if let Some(view) = &how.html {
            return self.preconditions(how, status, html_reply(view, status, text, headers));
        }
        headers.push(("Vary", "Accept".into()));
        let reply = match how.callback() {
            Some(cb) => {
                headers.push((
                    "Content-Type",
                    "application/javascript; charset=utf-8".into(),
                ));
                headers.push(("X-Content-Type-Options", "nosniff".into()));
                Reply {
                    status: 200,
                    headers,
                    body: Some(jsonp::wrap(cb, &text)),
                }
            }
            None => {
                headers.push(("Content-Type", MEDIA_TYPE.into()));
                Reply {
                    status,
                    headers,
                    body: Some(text),
                }
            }
        };
        self.preconditions(how, status, reply)
    }

    /// A read's `ETag` and preconditions (RFC 9110 §13, B3.8): a `GET` or `HEAD` whose
    /// document's status is 200 gets the strong tag of its exact body and content type;
    /// `If-Match` without that tag (strong comparison) answers 412, else `If-None-Match` with
    /// it (weak comparison) or `*` answers 304 with the tag and `Vary` and no body.
    fn preconditions(&self, how: &Presentation, status: u16, mut reply: Reply) -> Reply {
        if !how.read || status != 200 {
            return reply;
        }
        let Some(body) = reply.body.as_deref() else {
            return reply;
        };
        let content_type = reply
            .headers
            .iter()
            .find(|(name, _)| *name == "Content-Type")
            .map_or("", |(_, value)| value.as_str());
        let tag = conditional::entity_tag(content_type, body);
        if let Some(list) = &how.if_match {
            if !conditional::matches(list, &tag, true) {
                let refused = Presentation {
                    read: false,
                    ..how.clone()
                };
                return self.error_reply_with(&Error::PreconditionFailed, &refused, vec![]);
            }
        }
        if let Some(list) = &how.if_none_match {
            if conditional::matches(list, &tag, false) {
                return Reply {
                    status: 304,
                    headers: vec![("ETag", tag), ("Vary", "Accept".into())],
                    body: None,
                };
            }
        }
        reply.headers.push(("ETag", tag));
        reply
    }

    /// The root document (E5).
    fn root_document(&self, links: &LinkBase) -> Document {
        let modelinfo: Map<String, Value> = self
            .schema
            .types
            .iter()
            .map(|t| {
                let info = json!({"primarykey": t.meta.key().name, "url": links.collection_url(t.meta.type_name)});
                (t.meta.type_name.to_owned(), info)
            })
            .collect();
        Document::with_data(crate::document::PrimaryData::Null)
            .self_link(links.self_url())
            .meta_member("modelinfo", Value::Object(modelinfo))
    }
}

/// The HTML view of the JSON:API answer `text` with `status` and `headers` (B1.4): the same
/// status, the headers but `Content-Type`, and `Vary: Accept`.
fn html_reply(
    view: &crate::html::View,
    status: u16,
    text: String,
    mut headers: Vec<(&'static str, String)>,
) -> Reply {
    headers.push(("Vary", "Accept".into()));
    let page = view.page(status, &headers, &text);
    headers.push(("Content-Type", "text/html; charset=utf-8".into()));
    headers.push((
        "Content-Security-Policy",
        crate::html::CONTENT_SECURITY_POLICY.into(),
    ));
    headers.push(("X-Content-Type-Options", "nosniff".into()));
    Reply {
        status,
        headers,
        body: Some(page),
    }
}

/// The outcome of an operation's database work ([`Api::run_database`]), waiting to become a
/// [`Reply`] ([`Api::finish`]).
pub struct Ran {
    done: Result<Done, Error>,
    headers: Vec<(&'static str, String)>,
}

impl std::fmt::Debug for Ran {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match &self.done {
            Ok(Done::Later(..)) => "found",
            Ok(Done::Text(..)) => "written",
            Ok(Done::NoContent(_)) => "no content",
            Err(_) => "failed",
        };
        f.debug_struct("Ran").field("state", &state).finish()
    }
}

/// What the database work left to do.
enum Done {
    /// A reply with no body.
    NoContent(u16),
    /// A document, written.
    Text(u16, String, Vec<(&'static str, String)>),
    /// A document to be written from the rows.
    Later(u16, Box<Output>),
}

/// How often a write transaction is tried when the database reports a deadlock or a
/// serialization failure.
const WRITE_ATTEMPTS: u32 = 5;
