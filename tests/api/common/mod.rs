//! The test harness: one seeded database per test process, a real server per test, and
//! response checks every test gets for free (Content-Type, Vary, schema validity, C1.1).

#[path = "../../support/database.rs"]
mod database;
pub(crate) mod fixture;

use database::create_database;

use std::sync::OnceLock;

use actix_web::http::{header, Method};
use actix_web::App;
use serde_json::Value;

use diesel::r2d2::{ConnectionManager, Pool, R2D2Connection};
use restless::core::Database;
use restless::ApiManager;

use crate::db::{self, BlogApi, Options};

/// The blog's options as the catalog's examples have them (A1.4): links based on
/// `http://localhost:8080`, reads only.
pub(crate) const CATALOG: Options = Options {
    base_url: Some("http://localhost:8080"),
    seed: false,
    bench: false,
    reset: false,
    server_timing: false,
    article_includes: &[],
    functions: false,
    writes: false,
    to_many_writes: false,
    client_ids: false,
    trust_forwarded_headers: false,
    person_exclude: &[],
    html_view: false,
};

/// The base URL configured on the main test API, as in the catalog's examples (A1.3).
pub(crate) const B: &str = "http://localhost:8080/api";

struct Apis {
    /// Links use the configured base URL `http://localhost:8080`.
    fixed: BlogApi,
    /// Links use the request's scheme and host.
    from_request: BlogApi,
    /// Articles include their author by default (L1.9).
    default_includes: BlogApi,
    /// Person's `birthday` and `comments` are hidden (V2 `exclude`).
    hidden: BlogApi,
    /// The database, seeded with fixture F.
    url: String,
    _dir: Option<tempfile::TempDir>,
}

/// The URL of the read tests' database (fixture F, never written).
pub(crate) fn read_url() -> &'static str {
    &apis().url
}

fn apis() -> &'static Apis {
    static APIS: OnceLock<Apis> = OnceLock::new();
    APIS.get_or_init(|| {
        let _ = env_logger::builder().is_test(true).try_init();
        let (url, dir) = match std::env::var("RESTLESS_TEST_DATABASE_URL") {
            Ok(url) if !url.is_empty() => (url, None),
            _ => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let path = dir.path().join("blog.db");
                (path.to_str().expect("UTF-8 path").to_owned(), Some(dir))
            }
        };
        let open = |options: Options, pool_size| {
            db::open(&url, options, pool_size)
                .unwrap_or_else(|e| panic!("cannot open the test database {url}: {e}"))
        };
        let catalog = Options {
            base_url: Some("http://localhost:8080"),
            ..Options::default()
        };
        // The first one creates and seeds the schema; the others share it.
        let fixed = open(
            Options {
                seed: true,
                reset: true,
                server_timing: true,
                functions: true,
                ..catalog
            },
            4,
        );
        let from_request = open(Options::default(), 2);
        let default_includes = open(
            Options {
                article_includes: &["author"],
                ..catalog
            },
            2,
        );
        let hidden = open(
            Options {
                person_exclude: &["birthday", "comments"],
                ..catalog
            },
            2,
        );
        Apis {
            fixed,
            from_request,
            default_includes,
            hidden,
            url: url.clone(),
            _dir: dir,
        }
    })
}

/// The database write tests use: separate from the read tests' fixture, reset by each test.
pub(crate) fn write_url() -> &'static str {
    static URL: OnceLock<(String, Option<tempfile::TempDir>)> = OnceLock::new();
    own_database(&URL, "_writes", "writes.db")
}

/// The database of the shop example's tests: its own, since its migrations are its own.
pub(crate) fn shop_url() -> &'static str {
    static URL: OnceLock<(String, Option<tempfile::TempDir>)> = OnceLock::new();
    own_database(&URL, "_shop", "shop.db")
}

/// The database of the bench-scale data set's test: its own, seeded once per run.
pub(crate) fn bench_url() -> &'static str {
    static URL: OnceLock<(String, Option<tempfile::TempDir>)> = OnceLock::new();
    own_database(&URL, "_bench", "bench.db")
}

/// A database of its own for one group of tests, made once per run in `cell`: on the server
/// of `RESTLESS_TEST_DATABASE_URL`, named with `suffix`; else SQLite file `file` in a
/// temporary directory.
fn own_database(
    cell: &'static OnceLock<(String, Option<tempfile::TempDir>)>,
    suffix: &str,
    file: &str,
) -> &'static str {
    &cell
        .get_or_init(|| match std::env::var("RESTLESS_TEST_DATABASE_URL") {
            Ok(url) if !url.is_empty() => (create_database(&url, suffix), None),
            _ => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let path = dir.path().join(file);
                (path.to_str().expect("UTF-8 path").to_owned(), Some(dir))
            }
        })
        .0
}

/// A pool of two connections to `url`.
pub(crate) fn test_pool<C: R2D2Connection + 'static>(url: &str) -> Pool<ConnectionManager<C>> {
    Pool::builder()
        .max_size(2)
        .build(ConnectionManager::<C>::new(url))
        .expect("pool")
}

/// Serves a schema of a test's own: `setup` (drops, creates, inserts) runs on `pool` first,
/// then `configure` registers the types on a manager whose links use the catalog's base URL.
/// The test holds `lock` (the write database) while the server lives.
pub(crate) fn serve_schema<C>(
    pool: Pool<ConnectionManager<C>>,
    setup: &[&str],
    lock: std::sync::MutexGuard<'static, ()>,
    configure: impl FnOnce(ApiManager<C>) -> ApiManager<C>,
) -> Server
where
    C: Database + R2D2Connection + diesel::connection::SimpleConnection,
{
    let mut conn = pool.get().expect("connection");
    for sql in setup {
        conn.batch_execute(sql)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    drop(conn);
    let api = configure(ApiManager::new(pool).base_url("http://localhost:8080"))
        .build()
        .expect("valid configuration");
    Server::serve_scope(move || api.scope(), Some(lock))
}

/// Checks a 503 answer (S3.2): `Retry-After: 1` and the error document, whose `id` is random.
pub(crate) fn assert_unavailable(res: &Response) {
    assert_eq!(res.status, 503, "{}", res.body);
    assert_eq!(res.header("retry-after"), Some("1"), "S3.2");
    let mut doc = res.json();
    let id = doc["errors"][0]
        .as_object_mut()
        .and_then(|o| o.remove("id"))
        .expect("an error id (S3.1)");
    assert!(uuid::Uuid::parse_str(id.as_str().unwrap()).is_ok(), "{id}");
    assert_eq!(
        doc,
        error_doc(
            serde_json::json!({"status": "503", "code": "service_unavailable",
            "title": "Service unavailable",
            "detail": "The server is temporarily unable to handle the request; retry later."})
        )
    );
}

/// Serialises the write tests: each one resets the write database to fixture F.
static WRITE_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A running server and a client for it.
pub(crate) struct Server {
    srv: actix_test::TestServer,
    _writes: Option<std::sync::MutexGuard<'static, ()>>,
    /// Where the API's OpenAPI description is served (E1.4): `/api/openapi.json` unless
    /// [`Server::described_at`] says otherwise.
    description: &'static str,
    /// The description, once asked for: every exchange is checked against it. `None` where
    /// none is served.
    openapi: tokio::sync::OnceCell<Option<OpenApiCheck>>,
}

/// A response, fully read.
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) headers: header::HeaderMap,
    pub(crate) body: String,
}

impl Response {
    /// A header's value, asserting it appears at most once (B3.7).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        let all: Vec<_> = self.headers.get_all(name).collect();
        assert!(all.len() <= 1, "header {name} appears {} times", all.len());
        all.first().map(|v| v.to_str().unwrap())
    }

    /// The document inside a JSONP answer's `callback(...)` (T1.4).
    pub(crate) fn jsonp_document(&self) -> Value {
        let open = self.body.find('(').expect("callback(");
        assert!(self.body.ends_with(')'), "T1.4: nothing after the wrapper");
        serde_json::from_str(&self.body[open + 1..self.body.len() - 1]).expect("wrapped JSON")
    }

    /// The document an HTML view shows (B1.4): the text of its `<pre id="document">` with
    /// the markup taken out and the entities decoded, as JSON.
    pub(crate) fn html_document(&self) -> Value {
        let start = self
            .body
            .find("<pre id=\"document\">")
            .unwrap_or_else(|| panic!("no document in the page: {}", self.body));
        let rest = &self.body[start + "<pre id=\"document\">".len()..];
        let end = rest.find("</pre>").expect("</pre>");
        let text = html_text(&rest[..end]);
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("the page's document is not JSON ({e}): {text}"))
    }

    /// The body as JSON.
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.body))
    }
}

impl Server {
    fn serve(api: BlogApi, writes: Option<std::sync::MutexGuard<'static, ()>>) -> Self {
        Server::serve_scope(move || api.scope(), writes)
    }

    /// Any scope, served over real HTTP.
    pub(crate) fn serve_scope(
        scope: impl Fn() -> actix_web::Scope + Clone + Send + 'static,
        writes: Option<std::sync::MutexGuard<'static, ()>>,
    ) -> Self {
        Server {
            srv: actix_test::start(move || App::new().service(scope())),
            _writes: writes,
            description: "/api/openapi.json",
            openapi: Default::default(),
        }
    }

    /// A server already started (any `App`), e.g. one that mounts the API in a scope.
    pub(crate) fn started(srv: actix_test::TestServer) -> Self {
        Server {
            srv,
            _writes: None,
            description: "/api/openapi.json",
            openapi: Default::default(),
        }
    }

    /// [`Server::started`], holding the write database while it serves.
    pub(crate) fn started_with(
        srv: actix_test::TestServer,
        writes: Option<std::sync::MutexGuard<'static, ()>>,
    ) -> Self {
        Server {
            srv,
            _writes: writes,
            description: "/api/openapi.json",
            openapi: Default::default(),
        }
    }

    /// The blog API over the read tests' database, built anew with `options` (links from the
    /// request unless `options` names a base URL).
    pub(crate) fn blog(options: db::Options) -> BlogApi {
        db::open(read_url(), options, 2).expect("the read database")
    }

    /// Holds the write database for one test.
    pub(crate) fn lock_writes() -> std::sync::MutexGuard<'static, ()> {
        WRITE_LOCK
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The blog API with links based on `http://localhost:8080`.
    pub(crate) fn start() -> Self {
        Server::serve(apis().fixed.clone(), None)
    }

    /// The blog API with links based on the request's host.
    pub(crate) fn start_without_base_url() -> Self {
        Server::serve(apis().from_request.clone(), None)
    }

    /// The blog API where articles include their author by default (L1.9).
    pub(crate) fn start_with_default_includes() -> Self {
        Server::serve(apis().default_includes.clone(), None)
    }

    /// The blog API with person's `birthday` and `comments` hidden (V2 `exclude`).
    pub(crate) fn start_with_hidden_fields() -> Self {
        Server::serve(apis().hidden.clone(), None)
    }

    /// The blog API on a fresh copy of fixture F (or an empty schema without `seed`) with
    /// every method enabled (A1.4); `to_many_writes` also allows to-many replacement and
    /// deletion, as the blog example does. Write tests run one at a time.
    pub(crate) fn start_writes(seed: bool, to_many_writes: bool) -> Self {
        Server::start_writes_with(seed, to_many_writes, false, false)
    }

    /// [`Server::start_writes`] with client-generated ids allowed and `Server-Timing` as asked.
    pub(crate) fn start_writes_with(
        seed: bool,
        to_many_writes: bool,
        client_ids: bool,
        server_timing: bool,
    ) -> Self {
        let lock = WRITE_LOCK
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let url = write_url();
        let options = Options {
            seed,
            reset: true,
            base_url: Some("http://localhost:8080"),
            server_timing,
            writes: true,
            to_many_writes,
            client_ids,
            ..Options::default()
        };
        let api = db::open(url, options, 2)
            .unwrap_or_else(|e| panic!("cannot open the write database {url}: {e}"));
        Server::serve(api, Some(lock))
    }

    /// The blog API with an application's additions (hooks, scopes, validation): on the read
    /// database, or with `writes` on a fresh copy of fixture F with every method and to-many
    /// write enabled (one write test at a time). Links use `http://localhost:8080`; function
    /// evaluation is on.
    pub(crate) fn start_custom(writes: bool, custom: db::Custom) -> Self {
        let (api, lock) = Server::custom_api(writes, custom);
        Server::serve_scope(move || api.scope(), lock)
    }

    /// The API of [`Server::start_custom`], and the write lock to hold while it serves.
    pub(crate) fn custom_api(
        writes: bool,
        custom: db::Custom,
    ) -> (BlogApi, Option<std::sync::MutexGuard<'static, ()>>) {
        let lock = writes.then(Server::lock_writes);
        let options = Options {
            seed: writes,
            reset: writes,
            base_url: Some("http://localhost:8080"),
            functions: true,
            writes,
            to_many_writes: writes,
            // As the examples built on the blog's types have it (B1.4).
            html_view: true,
            ..Options::default()
        };
        let url = if writes { write_url() } else { read_url() };
        let api = db::open_custom(url, options, 2, custom)
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
        (api, lock)
    }

    /// `http://127.0.0.1:PORT`.
    pub(crate) fn origin(&self) -> String {
        self.srv.url("").trim_end_matches('/').to_owned()
    }

    /// A GET with `Accept: application/vnd.api+json`.
    pub(crate) async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path, &[("Accept", "application/vnd.api+json")])
            .await
    }

    /// Any request; `path` is sent as written (percent-encode what must be).
    pub(crate) async fn request(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
    ) -> Response {
        self.send(method, path, headers, Vec::new()).await
    }

    /// A request with a JSON:API document body.
    pub(crate) async fn write(&self, method: Method, path: &str, body: &Value) -> Response {
        let headers = [
            ("Accept", "application/vnd.api+json"),
            ("Content-Type", "application/vnd.api+json"),
        ];
        self.send(method, path, &headers, body.to_string().into_bytes())
            .await
    }

    /// Any request with a body.
    pub(crate) async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Response {
        let sent = body.clone();
        let response = self
            .send_unchecked(method.clone(), path, headers, body)
            .await;
        check_common(&method, &response);
        let openapi = self
            .openapi
            .get_or_init(|| async {
                let res = self
                    .send_unchecked(Method::GET, self.description, &[], Vec::new())
                    .await;
                (res.status == 200).then(|| OpenApiCheck::new(res.json()))
            })
            .await;
        if let Some(openapi) = openapi {
            openapi.check(&method, path, &sent, &response);
        }
        response
    }

    /// How many exchanges so far were checked against a route of the API's description.
    pub(crate) fn described_exchanges(&self) -> usize {
        self.openapi
            .get()
            .and_then(Option::as_ref)
            .map_or(0, |c| c.checked.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// The server serves its API's description at `path` (a mount point or prefix other than
    /// `/api`): every exchange is checked against it.
    pub(crate) fn described_at(mut self, path: &'static str) -> Self {
        self.description = path;
        self
    }

    /// Any request, without the checks every restless answer passes (for routes of the
    /// application that are not restless's).
    pub(crate) async fn send_unchecked(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Response {
        // Long enough for a write that waits out its retries (MariaDB waits a second at least
        // for a lock).
        let mut req = self
            .srv
            .request(method.clone(), self.srv.url(path))
            .timeout(std::time::Duration::from_secs(30));
        for (name, value) in headers {
            req = req.insert_header((*name, *value));
        }
        let mut res = req
            .send_body(body)
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let body = res.body().limit(16 << 20).await.unwrap();
        Response {
            status: res.status().as_u16(),
            headers: res.headers().clone(),
            body: String::from_utf8(body.to_vec()).expect("UTF-8 body"),
        }
    }
}

/// What every response of a restless route must satisfy.
fn check_common(method: &Method, res: &Response) {
    assert_eq!(res.header("vary"), Some("Accept"), "B3.6");
    if res.status == 304 {
        // Not modified (B3.8): its tag, `Vary`, nothing else.
        assert!(
            matches!(*method, Method::GET | Method::HEAD),
            "304 answers reads"
        );
        assert!(res.body.is_empty(), "B3.8: no body");
        assert_eq!(res.header("content-type"), None, "B3.8");
        assert!(res.header("etag").is_some(), "B3.8: the tag");
        return;
    }
    // A 200 read carries its tag; nothing else does (B3.8, B3.9). (A HEAD of a JSONP answer
    // does not show whether its document was a 200 one.)
    let jsonp = res.header("content-type") == Some("application/javascript; charset=utf-8");
    if !(jsonp && *method == Method::HEAD) {
        assert_eq!(
            res.header("etag").is_some(),
            res.status == 200
                && matches!(*method, Method::GET | Method::HEAD)
                && !wrapped_error(res),
            "B3.8: an ETag on every 200 read and nowhere else"
        );
    }
    if res.status == 204 || *method == Method::HEAD {
        assert!(res.body.is_empty(), "B3.2/B5.1: no body");
        if res.status == 204 {
            assert_eq!(res.header("content-type"), None, "B3.2");
        }
        return;
    }
    let doc = match res.header("content-type") {
        Some("application/vnd.api+json") => res.json(),
        Some("application/javascript; charset=utf-8") => {
            assert_eq!(res.status, 200, "T1.4");
            assert_eq!(
                res.header("x-content-type-options"),
                Some("nosniff"),
                "T1.4"
            );
            res.jsonp_document()
        }
        Some("text/html; charset=utf-8") => {
            assert!(
                matches!(*method, Method::GET | Method::HEAD),
                "B1.4: HTML answers reads only"
            );
            assert_eq!(
                res.header("content-security-policy"),
                Some(HTML_POLICY),
                "the HTML view loads nothing"
            );
            assert_eq!(res.header("x-content-type-options"), Some("nosniff"));
            res.html_document()
        }
        other => panic!("unexpected Content-Type {other:?}"),
    };
    assert_valid_document(&doc);
}

/// The text of an HTML fragment: tags dropped, the five entities the view writes decoded.
/// Every `<` of the text is escaped, so every `<` starts a tag.
pub(crate) fn html_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let close = rest[open..].find('>').expect("a closed tag") + open;
        rest = &rest[close + 1..];
    }
    text.push_str(rest);
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Whether `res` is a JSONP-wrapped answer whose document is not a 200 one (T1.4): it has no
/// tag (B3.9).
fn wrapped_error(res: &Response) -> bool {
    if res.header("content-type") != Some("application/javascript; charset=utf-8") {
        return false;
    }
    // A HEAD answer has no body to tell by.
    !res.body.is_empty() && res.jsonp_document()["meta"]["status"] != 200
}

/// The HTML view's `Content-Security-Policy`: nothing from anywhere but its own style sheet.
pub(crate) const HTML_POLICY: &str = "default-src 'none'; \
    style-src 'sha256-FiGH+U/5GxP8spt/LJViRKCXFHx0wMVNr0nKYAf2H2s='; form-action 'self'; \
    base-uri 'none'; frame-ancestors 'none'";

/// Validates a response document against the official JSON:API 1.0 schema, plus the two rules
/// the schema's draft-07 `dependencies` cannot express under 2020-12 (C1.1).
pub(crate) fn assert_valid_document(doc: &Value) {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    let validator = VALIDATOR.get_or_init(|| {
        let schema: Value =
            serde_json::from_str(include_str!("../../schema/jsonapi-1.0.json")).unwrap();
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&schema)
            .expect("schema compiles")
    });
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "invalid JSON:API document {doc}: {errors:?}"
    );
    let obj = doc.as_object().expect("document is an object");
    assert!(
        !(obj.contains_key("data") && obj.contains_key("errors")),
        "C1.1: data with errors"
    );
    assert!(
        !obj.contains_key("included") || obj.contains_key("data"),
        "C1.1: included without data"
    );
    assert_eq!(
        obj.get("jsonapi"),
        Some(&serde_json::json!({"version": "1.0"})),
        "C2.1"
    );
}

/// Query parameters as `(name, value)` pairs, decoded.
pub(crate) type Params<'a> = &'a [(&'a str, &'a str)];

/// `?name=value&...` with names and values form-encoded.
pub(crate) fn query(pairs: &[(&str, &str)]) -> String {
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(n, v)| {
            let n: String = url::form_urlencoded::byte_serialize(n.as_bytes()).collect();
            let v: String = url::form_urlencoded::byte_serialize(v.as_bytes()).collect();
            format!("{n}={v}")
        })
        .collect();
    format!("?{}", encoded.join("&"))
}

/// The ids of a collection document's primary data.
pub(crate) fn ids(doc: &Value) -> Vec<String> {
    doc["data"]
        .as_array()
        .expect("a collection")
        .iter()
        .map(|o| o["id"].as_str().expect("id").to_owned())
        .collect()
}

/// Which request schema a document sent to a URL must satisfy (spec/README.md).
#[derive(Clone, Copy, Debug)]
pub(crate) enum RequestKind {
    /// POST to a collection.
    Create,
    /// PATCH to a resource.
    Update,
    /// Any write to a relationship URL.
    Relationship,
}

/// Validates a request document against the official request schemas.
pub(crate) fn assert_valid_request(kind: RequestKind, doc: &Value) {
    static VALIDATORS: OnceLock<[jsonschema::Validator; 3]> = OnceLock::new();
    let validators = VALIDATORS.get_or_init(|| {
        let base: Value =
            serde_json::from_str(include_str!("../../schema/jsonapi-1.0.json")).unwrap();
        let build = |text: &str| {
            let schema: Value = serde_json::from_str(text).unwrap();
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .with_resource(
                    "https://jsonapi.org/schemas/spec/v1.0/draft",
                    jsonschema::Resource::from_contents(base.clone()).expect("schema.json"),
                )
                .build(&schema)
                .expect("request schema compiles")
        };
        [
            build(include_str!(
                "../../schema/jsonapi-1.0-create-resource.json"
            )),
            build(include_str!(
                "../../schema/jsonapi-1.0-update-resource.json"
            )),
            build(include_str!(
                "../../schema/jsonapi-1.0-update-relationship.json"
            )),
        ]
    });
    let v = &validators[kind as usize];
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "invalid {kind:?} request {doc}: {errors:?}"
    );
}

/// The blog's types with per-type options changed by `f` (by type name).
pub(crate) fn types(
    f: impl Fn(&str, restless::ResourceConfig) -> restless::ResourceConfig + Send + Sync + 'static,
) -> db::Custom {
    db::Custom {
        types: Some(std::sync::Arc::new(f)),
        ..db::Custom::default()
    }
}

/// The 404 of E4.1 / H2.2 for `type_name` and `id`.
pub(crate) fn not_found(type_name: &str, id: &str) -> Value {
    error_doc(
        serde_json::json!({"status": "404", "code": "resource_not_found",
        "title": "Resource not found",
        "detail": format!("No resource of type \"{type_name}\" with id \"{id}\".")}),
    )
}

/// A 500 answer's document (S3.1) with its random `id` checked and taken out.
pub(crate) fn internal_error(res: &Response) -> Value {
    assert_eq!(res.status, 500, "{}", res.body);
    internal_error_of(res.json())
}

/// A 500 document (S3.1) without its `id`, which must be a UUID.
pub(crate) fn internal_error_of(mut doc: Value) -> Value {
    let id = doc["errors"][0]
        .as_object_mut()
        .and_then(|o| o.remove("id"))
        .expect("an error id (S3.1)");
    assert!(uuid::Uuid::parse_str(id.as_str().unwrap()).is_ok(), "{id}");
    doc
}

/// S3.1's 500 document without its `id`.
pub(crate) fn internal() -> Value {
    error_doc(
        serde_json::json!({"status": "500", "code": "internal_error",
        "title": "Internal server error",
        "detail": "The server encountered an unexpected condition."}),
    )
}

/// An error document with one error object (S1).
pub(crate) fn error_doc(error: Value) -> Value {
    serde_json::json!({"errors": [error], "jsonapi": {"version": "1.0"}})
}

/// Checks exchanges against an OpenAPI description (issue 14): every answer against the
/// response the description declares for its route's template, method and status (the
/// document inside a JSONP wrapper or an HTML page included), and every request document the
/// API accepted against the request body the description declares.
pub(crate) struct OpenApiCheck {
    doc: Value,
    /// Where the API is mounted (the description's server): stripped from request paths.
    mount: String,
    /// Path templates split in segments, most literal first.
    templates: Vec<(String, Vec<String>)>,
    validators:
        std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<jsonschema::Validator>>>,
    /// How many exchanges were checked against a route of the description.
    checked: std::sync::atomic::AtomicUsize,
}

impl OpenApiCheck {
    pub(crate) fn new(doc: Value) -> Self {
        let mut templates: Vec<(String, Vec<String>)> = doc["paths"]
            .as_object()
            .map(|paths| {
                paths
                    .keys()
                    .map(|t| (t.clone(), t.split('/').map(str::to_owned).collect()))
                    .collect()
            })
            .unwrap_or_default();
        templates.sort_by_key(|(_, segs)| segs.iter().filter(|s| s.starts_with('{')).count());
        let mount = doc["servers"][0]["url"]
            .as_str()
            .expect("the served description names its server")
            .trim_end_matches('/')
            .to_owned();
        OpenApiCheck {
            doc,
            mount,
            templates,
            validators: Default::default(),
            checked: Default::default(),
        }
    }

    /// The template `path` (the part the API routes, query dropped) answers to.
    fn template(&self, path: &str) -> Option<&str> {
        let path = path.split('?').next().unwrap_or(path);
        let path = path.strip_prefix(self.mount.as_str())?;
        let path = if path.is_empty() { "/" } else { path };
        let segs: Vec<&str> = path.split('/').collect();
        self.templates.iter().find_map(|(template, parts)| {
            let fits = parts.len() == segs.len()
                && parts
                    .iter()
                    .zip(&segs)
                    .all(|(p, s)| p.starts_with('{') || p == s);
            fits.then_some(template.as_str())
        })
    }

    /// A validator of `schema` (with the description's components), made once per `key`.
    fn validator(&self, key: &str, schema: &Value) -> std::sync::Arc<jsonschema::Validator> {
        let mut cache = self.validators.lock().unwrap();
        std::sync::Arc::clone(cache.entry(key.to_owned()).or_insert_with(|| {
            let mut root = schema.clone();
            root["components"] = self.doc["components"].clone();
            std::sync::Arc::new(
                jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft202012)
                    .should_validate_formats(true)
                    .build(&root)
                    .unwrap_or_else(|e| panic!("{key}: the schema does not compile: {e}")),
            )
        }))
    }

    fn assert_fits(&self, key: &str, schema: &Value, instance: &Value, what: &str) {
        let errors: Vec<String> = self
            .validator(key, schema)
            .iter_errors(instance)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(
            errors.is_empty(),
            "{what} ({key}): does not fit the description: {errors:?}\n{instance}"
        );
    }

    pub(crate) fn check(&self, method: &Method, path: &str, body: &[u8], res: &Response) {
        if *method == Method::HEAD || *method == Method::OPTIONS {
            return;
        }
        let what = format!("{method} {path}");
        // Route misses are not described (nor what a hook makes of one, U3.1).
        let Some(template) = self.template(path) else {
            return;
        };
        self.checked
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let media = match res.header("content-type") {
            Some("application/vnd.api+json") => "application/vnd.api+json",
            Some("text/html; charset=utf-8") => "text/html",
            Some("application/javascript; charset=utf-8") => "application/javascript",
            _ if res.status == 204 || res.status == 304 => "application/vnd.api+json",
            // The description itself, and answers of the application's own routes.
            _ => return,
        };
        // The answer's document, and the status it is the document of: a JSONP answer is a
        // 200 that carries its document's status in `meta.status` (T1.4, T1.5).
        let (document, status) = match media {
            "text/html" => (res.html_document(), res.status),
            "application/javascript" => {
                assert_eq!(res.status, 200, "T1.4");
                let doc = res.jsonp_document();
                let status = doc["meta"]["status"].as_u64().expect("meta.status");
                (doc, u16::try_from(status).unwrap())
            }
            _ if res.body.is_empty() => (Value::Null, res.status),
            _ => (res.json(), res.status),
        };
        let m = method.as_str().to_ascii_lowercase();
        let operation = &self.doc["paths"][template][&m];
        if operation.is_null() {
            // A method the route does not serve: 405, described by `Allow` (E3).
            assert_eq!(status, 405, "{what}: no such operation in the description");
            return;
        }
        if media == "application/javascript" {
            let wrapper = &operation["responses"]["200"]["content"]["application/javascript"];
            assert_eq!(
                wrapper["schema"]["type"], "string",
                "{what}: JSONP is not described"
            );
        }
        // Statuses the catalog gives the route are listed; the application's hooks answer
        // through `default` (U5).
        let code = status.to_string();
        let listed = &operation["responses"][&code];
        let (code, response) = match listed.is_null() {
            false => (code, listed),
            true => ("default".to_owned(), &operation["responses"]["default"]),
        };
        assert!(
            !response.is_null(),
            "{what} ({template}): status {code} is not described: {}",
            res.body
        );
        if media == "text/html" {
            // The page of a document (B1.4): declared beside JSON:API's media type.
            assert_eq!(
                response["content"]["text/html"]["schema"]["type"], "string",
                "{what}: the HTML view is not described"
            );
        }
        let schema = &response["content"]["application/vnd.api+json"]["schema"];
        if schema.is_null() || document.is_null() {
            assert!(
                document.is_null() && res.body.is_empty(),
                "{what}: a body the description does not declare ({code})"
            );
        } else {
            let key = format!("{template} {m} {code}");
            self.assert_fits(&key, schema, &document, &what);
        }
        // A request document the API accepted is one the description allows. (A body sent
        // where the operation takes none, such as a DELETE of a resource, is never read.)
        let request = &operation["requestBody"]["content"]["application/vnd.api+json"]["schema"];
        if (200..300).contains(&status) && !request.is_null() {
            let sent: Value = serde_json::from_slice(body).expect("an accepted body is JSON");
            let key = format!("{template} {m} request");
            self.assert_fits(
                &key,
                request,
                &sent,
                &format!("{what}: the request document"),
            );
        }
    }
}
