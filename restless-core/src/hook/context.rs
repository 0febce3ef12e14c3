//! What hooks, scopes and validation know of the request (U1.1).

use std::any::{Any, TypeId};
use std::sync::Arc;

/// The request as hooks see it: method, path, decoded query parameters, headers, and the values
/// the web glue copied from the framework's request (for actix: whatever authentication
/// middleware put in the request extensions, through `ApiManager::context`).
///
/// A `Context` is `Send + Sync`: the database work, with the post-hooks, scopes and validation
/// that need it, runs off the async workers.
///
/// # Examples
///
/// ```
/// use restless_core::hook::Context;
///
/// #[derive(Clone, Debug, PartialEq)]
/// struct Caller(i32);
///
/// let mut ctx = Context::new("GET", "/api/person/1")
///     .with_header("Authorization", "Bearer alice-token")
///     .with_query("include", "articles");
/// ctx.insert(Caller(1));
/// assert_eq!(ctx.header("authorization"), Some("Bearer alice-token"));
/// assert_eq!(ctx.query("include"), Some("articles"));
/// assert_eq!(ctx.get::<Caller>(), Some(&Caller(1)));
/// assert_eq!(ctx.get::<String>(), None);
/// ```
#[derive(Clone, Default)]
pub struct Context {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    values: Vec<(TypeId, Arc<dyn Any + Send + Sync>)>,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.headers)
            .field("values", &self.values.len())
            .finish()
    }
}

impl Context {
    /// A context for a request with `method` and `path` (as the request spelled it, still
    /// percent-encoded).
    pub fn new(method: impl Into<String>, path: impl Into<String>) -> Self {
        Context {
            method: method.into(),
            path: path.into(),
            ..Context::default()
        }
    }

    /// Adds a header (names compare case-insensitively; a repeated header is added once per
    /// value).
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Adds a decoded query parameter.
    pub fn with_query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    pub(crate) fn set_request(&mut self, method: &str, path: &str, query: Vec<(String, String)>) {
        method.clone_into(&mut self.method);
        path.clone_into(&mut self.path);
        self.query = query;
    }

    /// Stores `value`, replacing a value of the same type.
    pub fn insert<T: Send + Sync + 'static>(&mut self, value: T) {
        let id = TypeId::of::<T>();
        self.values.retain(|(t, _)| *t != id);
        self.values.push((id, Arc::new(value)));
    }

    /// The stored value of type `T`, if any.
    pub fn get<T: Send + Sync + 'static>(&self) -> Option<&T> {
        let id = TypeId::of::<T>();
        self.values
            .iter()
            .find(|(t, _)| *t == id)
            .and_then(|(_, v)| v.downcast_ref::<T>())
    }

    /// The request method, e.g. `GET` (HEAD requests say `HEAD`).
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The request path, still percent-encoded, mount point and prefix included.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The first value of header `name` (case-insensitive) that is valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every header, in the order received.
    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// The decoded value of query parameter `name`.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every decoded query parameter, in request order.
    pub fn query_pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.query.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}
