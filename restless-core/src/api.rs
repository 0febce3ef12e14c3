//! The request pipeline: routing and the checks of B4.1, then the database work.
//!
//! [`Api::prepare`] runs every check that needs no database and either answers at once or
//! returns an [`Operation`]; [`Api::run`] performs an operation on a [`Database`] connection
//! (the web glue calls it off the async workers). Both return a [`Reply`]: a status, headers and
//! an optional body, with no dependency on any web framework.

use serde_json::{json, Map, Value};

use std::time::Instant;

use crate::backend::{Database, Dialect};
use crate::config::{validate, ApiConfig, ConfigError, Method, Registered};
use crate::document::Document;
use crate::error::{Error, ErrorCode};
use crate::jsonp;
use crate::negotiate::{check_accept, check_content_type, MEDIA_TYPE};
use crate::ops::fetch::{self, Ctx, Shaping};
use crate::ops::write::{self, Change, Written};
use crate::ops::{Db, Output};
use crate::query::filter::{self, Filter};
use crate::query::{
    eval, fields, find_callback, include, sort, NameOptions, Page, Param, QueryParams, RouteKind,
};
use crate::request;
use crate::schema::Schema;
use crate::url::{encode_query, encode_segment};

/// The parts of an HTTP request restless looks at.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// The method, e.g. `GET`.
    pub method: &'a str,
    /// The raw (still percent-encoded) path, prefix included.
    pub path: &'a str,
    /// The raw query string, without `?`.
    pub query: &'a str,
    /// The Accept header, if any.
    pub accept: Option<&'a str>,
    /// The Content-Type header, if any.
    pub content_type: Option<&'a str>,
    /// `scheme://host[:port]` as the server saw it; the configured `base_url` wins over it.
    pub base: &'a str,
    /// The request body (at most one byte more than `max_body_bytes` need be read).
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

/// A checked request waiting for its database work.
#[derive(Clone, Debug)]
pub struct Operation {
    target: Target,
    shaping: Shaping,
    links: LinkBase,
    callback: Option<String>,
}

impl Operation {
    /// The JSONP callback the answer must be wrapped in, if any; errors that happen while
    /// running the operation (a pool timeout, a panic) are wrapped with it too.
    pub fn callback(&self) -> Option<&str> {
        self.callback.as_deref()
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

/// What links are built from: `scheme://host`, the prefix, and the request URL (C3).
#[derive(Clone, Debug)]
pub(crate) struct LinkBase {
    /// `scheme://host[:port]` followed by the prefix.
    pub(crate) api: String,
    /// `scheme://host[:port]` followed by the request path.
    pub(crate) request: String,
    /// The request's parameters, in order.
    pub(crate) params: Vec<Param>,
}

impl LinkBase {
    /// The request URL with its query in canonical encoding (C3.4).
    pub(crate) fn self_url(&self) -> String {
        let mut url = self.request.clone();
        if !self.params.is_empty() {
            url.push('?');
            url.push_str(&encode_query(
                self.params
                    .iter()
                    .map(|p| (p.name.as_str(), p.value.as_str())),
            ));
        }
        url
    }

    /// The request URL for page `number` of `size` (I3.2).
    pub(crate) fn page_url(&self, number: u64, size: u32) -> String {
        let mut url = self.request.clone();
        url.push('?');
        let kept = encode_query(
            self.params
                .iter()
                .filter(|p| p.name != "page[number]" && p.name != "page[size]")
                .map(|p| (p.name.as_str(), p.value.as_str())),
        );
        if !kept.is_empty() {
            url.push_str(&kept);
            url.push('&');
        }
        url.push_str(&format!("page%5Bnumber%5D={number}&page%5Bsize%5D={size}"));
        url
    }

    /// The URL of a collection.
    pub(crate) fn collection_url(&self, type_name: &str) -> String {
        format!("{}/{type_name}", self.api)
    }

    /// The URL of one resource (C3.2).
    pub(crate) fn resource_url(&self, type_name: &str, id: &str) -> String {
        format!("{}/{type_name}/{}", self.api, encode_segment(id))
    }
}

#[derive(Clone, Debug)]
enum Route {
    Root,
    Collection(usize),
    Resource(usize, String),
    Related(usize, String, String),
    RelatedSingle(usize, String, String, String),
    Relationship(usize, String, String),
    Eval(usize),
}

impl Route {
    fn kind(&self) -> RouteKind {
        match self {
            Route::Root => RouteKind::Root,
            Route::Collection(_) => RouteKind::Collection,
            Route::Resource(..) => RouteKind::Resource,
            Route::Related(..) => RouteKind::Related,
            Route::RelatedSingle(..) => RouteKind::RelatedSingle,
            Route::Relationship(..) => RouteKind::Relationship,
            Route::Eval(_) => RouteKind::Eval,
        }
    }
}

/// A configured API: the manager's options and its registered types.
#[derive(Debug)]
pub struct Api {
    config: ApiConfig,
    schema: Schema,
    /// Default includes per type (L1.9), resolved at registration.
    default_includes: Vec<Option<include::IncludeTree>>,
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
                    let tree = include::resolve(&schema, t, &param, None, config.include_limits)
                        .map_err(|e| ConfigError::InvalidInclude {
                            type_name: reg.meta.type_name.into(),
                            detail: e.to_string(),
                        })?;
                    Some(tree)
                }
            };
            default_includes.push(tree);
        }
        Ok(Api {
            config,
            schema,
            default_includes,
        })
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
        // Step 4 comes early so that the answers of steps 1–3 can be wrapped (T1.3); an invalid
        // callback leaves them unwrapped (T1.2).
        let callback = find_callback(req.query, self.name_options());
        let valid_callback = callback
            .as_ref()
            .filter(|p| jsonp::check_callback(&p.name, &p.value).is_ok())
            .map(|p| p.value.clone());
        let fail = |e: Error, extra: Vec<(&'static str, String)>| {
            Prepared::Reply(self.error_reply_with(&e, valid_callback.as_deref(), extra))
        };

        let Some(route) = self.route(req.path) else {
            return fail(
                Error::RouteNotFound {
                    path: req.path.to_owned(),
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
                path: req.path.to_owned(),
                allow: allow.clone(),
            };
            return fail(e, vec![("Allow", allow)]);
        }
        let carries_document = matches!(req.method, "POST" | "PATCH")
            || (req.method == "DELETE" && matches!(route, Route::Relationship(..)));
        if let Err(e) = check_content_type(req.content_type, carries_document) {
            return fail(e, vec![]);
        }
        if let Err(e) = check_accept(req.accept) {
            return fail(e, vec![]);
        }
        if let Some(p) = &callback {
            if let Err(e) = jsonp::check_callback(&p.name, &p.value) {
                return Prepared::Reply(self.error_reply_with(&e, None, vec![]));
            }
        }
        let params =
            match QueryParams::parse(req.query, route.kind(), req.method, self.name_options()) {
                Ok(p) => p,
                Err(e) => return fail(e, vec![]),
            };
        // Step 6: the body, where the endpoint needs a document.
        let document = if carries_document {
            if req.body.len() > self.config.max_body_bytes {
                let e = Error::PayloadTooLarge {
                    limit: self.config.max_body_bytes,
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
            api: format!("{base}{}", self.config.prefix),
            request: format!("{base}{}", req.path),
            params: params.all.clone(),
        };
        match self.resolve(route, &params, req.method, document) {
            Ok(None) => {
                let doc = self.root_document(&links);
                Prepared::Reply(self.document_reply(200, doc, valid_callback.as_deref(), vec![]))
            }
            Ok(Some((target, shaping))) => Prepared::Run(Box::new(Operation {
                target,
                shaping,
                links,
                callback: valid_callback,
            })),
            Err(e) => fail(e, vec![]),
        }
    }

    /// Performs an operation's database work in one read transaction (H8.1).
    pub fn run<C: Database>(&self, conn: &mut C, op: &Operation) -> Reply {
        let start = Instant::now();
        let mut statements = 0;
        let mut pragmas = 0;
        let filter = op.shaping.filter.as_ref();
        let markers = filter.is_some_and(Filter::has_markers);
        // SQLite's LIKE folds ASCII case unless told otherwise (M3.4); the setting is the
        // connection's, so it is switched off again whatever happens.
        let case_sensitive_like =
            C::DIALECT == Dialect::Sqlite && filter.is_some_and(Filter::has_patterns);
        let work = |conn: &mut C| {
            let mut db = Db::new(conn);
            if case_sensitive_like {
                db.load(pragma(true))?;
            }
            let out = (|| {
                let now = if markers {
                    Some(fetch::now(&mut db)?)
                } else {
                    None
                };
                let ctx = Ctx {
                    schema: &self.schema,
                    links: &op.links,
                    shaping: &op.shaping,
                    now,
                };
                self.dispatch(&mut db, &ctx, &op.target)
            })();
            if case_sensitive_like {
                db.load(pragma(false))?;
            }
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
                    return self.error_reply(&e, op.callback());
                }
                pragmas += 1;
            }
            // A deadlock or serialization failure undid everything: try again, a few times,
            // before answering 503 (S3.2).
            let mut work = work;
            let mut attempt = 1;
            loop {
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
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            headers.push((
                "Server-Timing",
                format!(
                    "db;dur={ms:.3};desc=\"{} statements\"",
                    statements + pragmas + 2
                ),
            ));
        }
        match result.map(write::into_reply_parts) {
            Ok((status, Some(out))) => {
                headers.extend(out.headers);
                self.document_reply(status, out.document, op.callback(), headers)
            }
            Ok((status, None)) => {
                headers.push(("Vary", "Accept".into()));
                Reply {
                    status,
                    headers,
                    body: None,
                }
            }
            Err(e) => self.error_reply_with(&e, op.callback(), headers),
        }
    }

    fn dispatch<C: Database>(
        &self,
        db: &mut Db<'_, C>,
        ctx: &Ctx<'_>,
        target: &Target,
    ) -> Result<Written, Error> {
        let read = |output: Output| Written::Document {
            status: 200,
            output,
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
        self.error_reply_with(error, callback, vec![])
    }

    fn error_reply_with(
        &self,
        error: &Error,
        callback: Option<&str>,
        headers: Vec<(&'static str, String)>,
    ) -> Reply {
        let doc = Document::with_errors(error.to_error_objects());
        self.document_reply(error.status(), doc, callback, headers)
    }

    /// A reply carrying `doc` (B3, T1.4).
    fn document_reply(
        &self,
        status: u16,
        doc: Document,
        callback: Option<&str>,
        mut headers: Vec<(&'static str, String)>,
    ) -> Reply {
        headers.push(("Vary", "Accept".into()));
        match callback {
            Some(cb) => {
                let doc = doc.meta_member("status", json!(status));
                headers.push((
                    "Content-Type",
                    "application/javascript; charset=utf-8".into(),
                ));
                headers.push(("X-Content-Type-Options", "nosniff".into()));
                Reply {
                    status: 200,
                    headers,
                    body: Some(jsonp::wrap(cb, &doc.to_json())),
                }
            }
            None => {
                headers.push(("Content-Type", MEDIA_TYPE.into()));
                Reply {
                    status,
                    headers,
                    body: Some(doc.to_json()),
                }
            }
        }
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

    /// Matches a raw path against E1.1's routes; `None` is a route miss (E2).
    fn route(&self, path: &str) -> Option<Route> {
        let rest = path.strip_prefix(self.config.prefix.as_str())?;
        if rest.is_empty() || (self.config.prefix.is_empty() && rest == "/") {
            return Some(Route::Root);
        }
        let segments: Vec<String> = rest
            .strip_prefix('/')?
            .split('/')
            .map(decode_segment)
            .collect::<Option<_>>()?;
        let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
        if let ["eval", name] = segs.as_slice() {
            // Only types that allow it have the route at all (N1.1).
            let t = self.schema.type_index(name)?;
            let config = &self.schema.types[t].config;
            return (config.allow_functions && config.allows(Method::Get))
                .then_some(Route::Eval(t));
        }
        let ty = self.schema.type_index(segs.first()?)?;
        Some(match segs.as_slice() {
            [_] => Route::Collection(ty),
            [_, id] => Route::Resource(ty, (*id).to_owned()),
            [_, id, "relationships", rel] => {
                Route::Relationship(ty, (*id).to_owned(), (*rel).to_owned())
            }
            [_, id, rel] => Route::Related(ty, (*id).to_owned(), (*rel).to_owned()),
            [_, id, rel, rid] => {
                Route::RelatedSingle(ty, (*id).to_owned(), (*rel).to_owned(), (*rid).to_owned())
            }
            _ => return None,
        })
    }

    /// The methods a route serves, in E3.2's order.
    fn allow(&self, route: &Route) -> Vec<&'static str> {
        let enabled = |t: usize, m: Method| self.schema.types[t].config.allows(m);
        // (GET, POST, PATCH, DELETE) the route serves (E1.1).
        let (get, post, patch, delete) = match route {
            Route::Root => (true, false, false, false),
            Route::Collection(t) => (
                enabled(*t, Method::Get),
                enabled(*t, Method::Post),
                false,
                false,
            ),
            Route::Resource(t, _) => (
                enabled(*t, Method::Get),
                false,
                enabled(*t, Method::Patch),
                enabled(*t, Method::Delete),
            ),
            Route::Related(t, ..) | Route::RelatedSingle(t, ..) | Route::Eval(t) => {
                (enabled(*t, Method::Get), false, false, false)
            }
            Route::Relationship(t, _, name) => {
                // Writes follow PATCH on the owner; a to-one URL takes only PATCH (R0.1).
                let to_one = self
                    .schema
                    .rel_index(*t, name)
                    .is_some_and(|r| !self.schema.rel(*t, r).is_to_many());
                let writes = enabled(*t, Method::Patch);
                (
                    enabled(*t, Method::Get),
                    writes && !to_one,
                    writes,
                    writes && !to_one,
                )
            }
        };
        let mut allow = Vec::with_capacity(6);
        if get {
            allow.extend(["GET", "HEAD"]);
        }
        if post {
            allow.push("POST");
        }
        if patch {
            allow.push("PATCH");
        }
        if delete {
            allow.push("DELETE");
        }
        allow.push("OPTIONS");
        allow
    }

    /// Steps 8 and 9 of B4.1: names that need the types. `None` is the root.
    fn resolve(
        &self,
        route: Route,
        params: &QueryParams,
        method: &str,
        document: Option<Map<String, Value>>,
    ) -> Result<Option<(Target, Shaping)>, Error> {
        let doc = || document.clone().unwrap_or_default();
        self.check_values(&route, params)?;
        let rel = |t: usize, name: &str| {
            self.schema
                .rel_index(t, name)
                .ok_or_else(|| Error::RelationshipNotFound {
                    type_name: self.schema.meta(t).type_name.into(),
                    name: name.into(),
                })
        };
        Ok(Some(match route {
            Route::Root => return Ok(None),
            Route::Eval(t) => {
                let mut shaping = Shaping {
                    fieldsets: vec![None; self.schema.types.len()],
                    ..Shaping::default()
                };
                shaping.filter = self.filter(params, t)?;
                shaping.functions = eval::parse(
                    &self.schema,
                    t,
                    params.eval_functions.as_ref(),
                    self.config.max_functions,
                )?;
                (Target::Eval(t), shaping)
            }
            Route::Collection(t) if method == "POST" => (
                Target::Create(t, doc()),
                self.shaping(params, t, None, None)?,
            ),
            Route::Collection(t) => (
                Target::Collection(t),
                self.shaping(params, t, Some(t), None)?,
            ),
            Route::Resource(t, id) if method == "PATCH" => (
                Target::Update(t, id, doc()),
                self.shaping(params, t, None, None)?,
            ),
            Route::Resource(t, id) if method == "DELETE" => {
                (Target::Delete(t, id), self.shaping(params, t, None, None)?)
            }
            Route::Resource(t, id) => (
                Target::Resource(t, id),
                self.shaping(params, t, None, None)?,
            ),
            Route::Relationship(t, id, name) if !matches!(method, "GET" | "HEAD") => {
                let r = rel(t, &name)?;
                let to_many = self.schema.rel(t, r).is_to_many();
                let config = &self.schema.types[t].config;
                let type_name = self.schema.meta(t).type_name;
                let change = match method {
                    "POST" => Change::Add,
                    "DELETE" => Change::Remove,
                    _ => Change::Replace,
                };
                // Static permissions (R2.1, R4.1), before the document is examined.
                if to_many && change == Change::Replace && !config.allow_to_many_replacement {
                    return Err(Error::Missing {
                        code: ErrorCode::ToManyReplacementForbidden,
                        detail: format!("Replacing the to-many relationship \"{name}\" of type \"{type_name}\" is not allowed."),
                    });
                }
                if change == Change::Remove && !config.allow_delete_from_to_many_relationships {
                    return Err(Error::Missing {
                        code: ErrorCode::ToManyDeletionForbidden,
                        detail: format!("Removing members from the to-many relationship \"{name}\" of type \"{type_name}\" is not allowed."),
                    });
                }
                (
                    Target::RelationshipWrite(t, id, r, change, doc()),
                    Shaping::default(),
                )
            }
            Route::Related(t, id, name) => {
                let r = rel(t, &name)?;
                let target = self.schema.rel(t, r).target;
                let pages = self.schema.rel(t, r).is_to_many().then_some(t);
                (
                    Target::Related(t, id, r),
                    self.shaping(params, target, pages, None)?,
                )
            }
            Route::RelatedSingle(t, id, name, rid) => {
                let r = rel(t, &name)?;
                if !self.schema.rel(t, r).is_to_many() {
                    return Err(Error::Missing {
                        code: ErrorCode::NotToMany,
                        detail: format!(
                            "Relationship \"{name}\" of type \"{}\" is to-one; only members of to-many relationships can be addressed by id.",
                            self.schema.meta(t).type_name
                        ),
                    });
                }
                let target = self.schema.rel(t, r).target;
                (
                    Target::RelatedSingle(t, id, r, rid),
                    self.shaping(params, target, None, None)?,
                )
            }
            Route::Relationship(t, id, name) => {
                let r = rel(t, &name)?;
                let target = self.schema.rel(t, r).target;
                let pages = self.schema.rel(t, r).is_to_many().then_some(t);
                let mut shaping = self.shaping(params, target, pages, Some((t, name.as_str())))?;
                // Identifiers are the primary data: no default includes (L1.9).
                if params.include.is_none() {
                    shaping.include = None;
                }
                (Target::Relationship(t, id, r), shaping)
            }
        }))
    }

    /// B4.1 step 5: the values that are checkable on their own come before the names that need
    /// the types (step 8 and 9).
    fn check_values(&self, route: &Route, params: &QueryParams) -> Result<(), Error> {
        let owner = match route {
            Route::Collection(t) | Route::Related(t, ..) | Route::Relationship(t, ..) => Some(*t),
            _ => None,
        };
        if let Some(t) = owner {
            let c = &self.schema.types[t].config;
            Page::resolve(
                params.page_number.as_ref(),
                params.page_size.as_ref(),
                c.page_size,
                c.max_page_size,
            )?;
        }
        sort::ignore_case(params.ignore_case.as_ref())?;
        single_flag(params)?;
        if let Some(p) = &params.filter_objects {
            filter::check_syntax(p, self.config.filter_limits)?;
        }
        Ok(())
    }

    /// Resolves the shaping parameters for primary data of type `t`. `pages` is the type whose
    /// page sizes apply when the primary data is a collection (H4.3), `None` otherwise;
    /// `relationship` is the owner and name on relationship URLs (L1.3).
    fn shaping(
        &self,
        params: &QueryParams,
        t: usize,
        pages: Option<usize>,
        relationship: Option<(usize, &str)>,
    ) -> Result<Shaping, Error> {
        let schema = &self.schema;
        if pages.is_none() {
            // Collection parameters on an endpoint whose primary data is not a collection (D2.2).
            let single = [
                &params.sort,
                &params.group_by,
                &params.ignore_case,
                &params.page_number,
                &params.page_size,
                &params.filter_objects,
                &params.filter_single,
            ];
            let simple = params.filters.iter().map(|(_, p)| p);
            if let Some(p) = single.into_iter().flatten().chain(simple).next() {
                return Err(Error::bad_query(
                    ErrorCode::UnsupportedQueryParameter,
                    &p.name,
                    format!(
                        "Query parameter \"{}\" is not supported by this endpoint.",
                        p.name
                    ),
                ));
            }
        }
        let page = match pages {
            Some(owner) => {
                let c = &schema.types[owner].config;
                Some(Page::resolve(
                    params.page_number.as_ref(),
                    params.page_size.as_ref(),
                    c.page_size,
                    c.max_page_size,
                )?)
            }
            None => None,
        };
        let ignore_case = sort::ignore_case(params.ignore_case.as_ref())?;
        let sort = match &params.sort {
            Some(p) => sort::resolve_sort(schema, t, p, self.config.max_sort_fields)?,
            None => Vec::new(),
        };
        let group = match &params.group_by {
            Some(p) => sort::resolve_group(schema, t, p, self.config.max_sort_fields)?,
            None => Vec::new(),
        };
        let fieldsets = fields::resolve(schema, &params.fields)?;
        let include = match (&params.include, relationship) {
            (Some(p), Some((owner, name))) => Some(include::resolve(
                schema,
                owner,
                p,
                Some(name),
                self.config.include_limits,
            )?),
            (Some(p), None) => Some(include::resolve(
                schema,
                t,
                p,
                None,
                self.config.include_limits,
            )?),
            (None, _) => self.default_includes[t].clone(),
        };
        let single = single_flag(params)?;
        let filter = self.filter(params, t)?;
        Ok(Shaping {
            include,
            fieldsets,
            sort,
            group,
            ignore_case,
            page,
            filter,
            single,
            functions: Vec::new(),
        })
    }

    /// `filter[objects]` and the simple filters, combined with AND (M7.2); `None` when absent.
    fn filter(&self, params: &QueryParams, t: usize) -> Result<Option<Filter>, Error> {
        let limits = self.config.filter_limits;
        let mut parts = Vec::new();
        if let Some(p) = &params.filter_objects {
            parts.push(filter::parse_objects(
                &self.schema,
                t,
                p,
                limits,
                &self.config.operators,
            )?);
        }
        for (name, p) in &params.filters {
            parts.push(filter::parse_simple(&self.schema, t, name, p, limits)?);
        }
        Ok((!parts.is_empty()).then_some(Filter::And(parts)))
    }
}

/// `filter[single]`: `0`/absent or `1` (H7.1).
fn single_flag(params: &QueryParams) -> Result<bool, Error> {
    match params.filter_single.as_ref() {
        None => Ok(false),
        Some(p) if p.value == "0" => Ok(false),
        Some(p) if p.value == "1" => Ok(true),
        Some(p) => Err(Error::bad_query(
            ErrorCode::InvalidQueryParameter,
            &p.name,
            format!("filter[single] must be 0 or 1; got \"{}\".", p.value),
        )),
    }
}

/// How often a write transaction is tried when the database reports a deadlock or a
/// serialization failure.
const WRITE_ATTEMPTS: u32 = 5;

/// `PRAGMA case_sensitive_like = ON|OFF` (SQLite only).
fn pragma(on: bool) -> crate::backend::Sql {
    let mut sql = crate::backend::Sql::new(Dialect::Sqlite);
    sql.push(if on {
        "PRAGMA case_sensitive_like = ON"
    } else {
        "PRAGMA case_sensitive_like = OFF"
    });
    sql
}

/// Percent-decodes a path segment; an encoded `/` stays inside the segment (E4.2). Invalid
/// UTF-8 is kept lossily so that an id still answers 404, not a route miss.
fn decode_segment(segment: &str) -> Option<String> {
    if segment.is_empty() {
        return None;
    }
    Some(
        percent_encoding::percent_decode_str(segment)
            .decode_utf8_lossy()
            .into_owned(),
    )
}
