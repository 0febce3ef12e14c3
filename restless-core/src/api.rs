//! The request pipeline: routing and the checks of B4.1, then the database work.
//!
//! [`Api::prepare`] runs every check that needs no database and either answers at once or
//! returns an [`Operation`]; [`Api::run`] performs an operation on a [`Database`] connection
//! (the web glue calls it off the async workers). Both return a [`Reply`]: a status, headers and
//! an optional body, with no dependency on any web framework.

use serde_json::{json, Map, Value};

use crate::backend::Database;
use crate::config::{validate, ApiConfig, ConfigError, Method, Registered};
use crate::document::Document;
use crate::error::Error;
use crate::jsonp;
use crate::negotiate::{check_accept, check_content_type, MEDIA_TYPE};
use crate::ops;
use crate::query::{find_callback, NameOptions, Page, Param, QueryParams, RouteKind};
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
    Run(Operation),
}

/// A checked request waiting for its database work.
#[derive(Clone, Debug)]
pub struct Operation {
    target: Target,
    page: Page,
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
    Related(usize, String),
    RelatedSingle(usize, String),
    Relationship(usize, String),
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
        }
    }
}

/// A configured API: the manager's options and its registered types.
#[derive(Debug)]
pub struct Api {
    config: ApiConfig,
    types: Vec<Registered>,
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
        Ok(Api { config, types })
    }

    /// The options.
    pub fn config(&self) -> &ApiConfig {
        &self.config
    }

    /// The registered types.
    pub fn types(&self) -> &[Registered] {
        &self.types
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
        let base = self.config.base_url.as_deref().unwrap_or(req.base);
        let links = LinkBase {
            api: format!("{base}{}", self.config.prefix),
            request: format!("{base}{}", req.path),
            params: params.all.clone(),
        };
        match self.resolve(route, &params) {
            Ok(Resolved::Root) => {
                let doc = self.root_document(&links);
                Prepared::Reply(self.document_reply(200, doc, valid_callback.as_deref(), vec![]))
            }
            Ok(Resolved::Run(target, page)) => Prepared::Run(Operation {
                target,
                page,
                links,
                callback: valid_callback,
            }),
            Err(e) => fail(e, vec![]),
        }
    }

    /// Performs an operation's database work in one read transaction (H8.1).
    pub fn run<C: Database>(&self, conn: &mut C, op: &Operation) -> Reply {
        let result = conn.read_transaction(|conn| match &op.target {
            Target::Collection(t) => {
                ops::fetch::collection(conn, &self.types[*t], &op.links, op.page)
            }
            Target::Resource(t, id) => ops::fetch::single(conn, &self.types[*t], &op.links, id),
        });
        match result {
            Ok(out) => self.document_reply(200, out.document, op.callback(), out.headers),
            Err(e) => self.error_reply(&e, op.callback()),
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
        let doc = Document::with_errors(vec![error.to_error_object()]);
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
            .types
            .iter()
            .map(|t| {
                let info = json!({"primarykey": t.meta.key().name, "url": links.collection_url(t.meta.type_name)});
                (t.meta.type_name.to_owned(), info)
            })
            .collect();
        Document::with_data(crate::document::PrimaryData::Null)
            .self_link(links.request.clone())
            .meta_member("modelinfo", Value::Object(modelinfo))
    }

    fn type_index(&self, segment: &str) -> Option<usize> {
        self.types.iter().position(|t| t.meta.type_name == segment)
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
        let ty = self.type_index(segs.first()?)?;
        let id = || segments[1].clone();
        Some(match segs.as_slice() {
            [_] => Route::Collection(ty),
            [_, _] => Route::Resource(ty, id()),
            [_, _, "relationships", rel] => Route::Relationship(ty, (*rel).to_owned()),
            [_, _, rel] => Route::Related(ty, (*rel).to_owned()),
            [_, _, rel, _] => Route::RelatedSingle(ty, (*rel).to_owned()),
            _ => return None,
        })
    }

    /// The methods a route serves, in E3.2's order.
    fn allow(&self, route: &Route) -> Vec<&'static str> {
        let get = match route {
            Route::Root => true,
            Route::Collection(t)
            | Route::Resource(t, _)
            | Route::Related(t, _)
            | Route::RelatedSingle(t, _)
            | Route::Relationship(t, _) => self.types[*t].config.allows(Method::Get),
        };
        let mut allow = Vec::with_capacity(3);
        if get {
            allow.extend(["GET", "HEAD"]);
        }
        allow.push("OPTIONS");
        allow
    }

    /// Steps 8 and 9 of B4.1: names that need the types.
    fn resolve(&self, route: Route, params: &QueryParams) -> Result<Resolved, Error> {
        match route {
            Route::Root => Ok(Resolved::Root),
            Route::Related(t, rel) | Route::RelatedSingle(t, rel) | Route::Relationship(t, rel) => {
                Err(Error::RelationshipNotFound {
                    type_name: self.types[t].meta.type_name.into(),
                    name: rel,
                })
            }
            Route::Collection(t) => {
                reject_unimplemented(params)?;
                let c = &self.types[t].config;
                let page = Page::resolve(
                    params.page_number.as_ref(),
                    params.page_size.as_ref(),
                    c.page_size,
                    c.max_page_size,
                )?;
                Ok(Resolved::Run(Target::Collection(t), page))
            }
            Route::Resource(t, id) => {
                reject_unimplemented(params)?;
                Ok(Resolved::Run(Target::Resource(t, id), Page::All))
            }
        }
    }
}

enum Resolved {
    Root,
    Run(Target, Page),
}

/// Parameters whose semantics later work brings (inclusion, sparse fieldsets, sorting,
/// grouping, filtering): refused rather than silently ignored.
fn reject_unimplemented(params: &QueryParams) -> Result<(), Error> {
    let pending = params
        .include
        .iter()
        .chain(params.fields.iter().map(|(_, p)| p))
        .chain(&params.sort)
        .chain(&params.group_by)
        .chain(&params.ignore_case)
        .chain(&params.filter_objects)
        .chain(&params.filter_single)
        .chain(params.filters.iter().map(|(_, p)| p))
        .next();
    match pending {
        None => Ok(()),
        Some(p) => Err(Error::bad_query(
            crate::error::ErrorCode::UnsupportedQueryParameter,
            &p.name,
            format!(
                "Query parameter \"{}\" is not supported by this endpoint.",
                p.name
            ),
        )),
    }
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
