//! Processing errors: how a hook, a scope or a serialization hook aborts a request (U5).

use serde_json::{Map, Value};

use crate::error::{ErrorObject, ErrorSource};

/// A hook's answer instead of the request's (U5.1): an error document with one error object made
/// of exactly the members set here, plus `status`.
///
/// The status defaults to 400; one outside 400–599 is a server bug and answers 500
/// `internal_error`. Only `WWW-Authenticate` and `Retry-After` can be added as headers (U5.2).
///
/// # Examples
///
/// ```
/// use restless_core::hook::HookError;
///
/// let e = HookError::new(401)
///     .code("unauthorized")
///     .title("Unauthorized")
///     .detail("A bearer token is required.")
///     .www_authenticate("Bearer");
/// assert_eq!(e.status(), 401);
/// assert_eq!(
///     serde_json::to_value(e.to_error_object()).unwrap(),
///     serde_json::json!({
///         "status": "401",
///         "code": "unauthorized",
///         "title": "Unauthorized",
///         "detail": "A bearer token is required."
///     })
/// );
/// assert_eq!(e.headers(), [("WWW-Authenticate", "Bearer".to_owned())]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HookError(Box<Members>);

/// A hook error's members, boxed: results of hooks stay small.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Members {
    status: u16,
    code: Option<String>,
    title: Option<String>,
    detail: Option<String>,
    source: Option<ErrorSource>,
    id: Option<String>,
    about: Option<String>,
    meta: Option<Map<String, Value>>,
    headers: Vec<(&'static str, String)>,
}

impl Default for HookError {
    fn default() -> Self {
        HookError::new(400)
    }
}

impl HookError {
    /// An error with HTTP status `status` and no other member yet.
    pub fn new(status: u16) -> Self {
        HookError(Box::new(Members {
            status,
            code: None,
            title: None,
            detail: None,
            source: None,
            id: None,
            about: None,
            meta: None,
            headers: Vec::new(),
        }))
    }

    /// Sets `code`.
    pub fn code(mut self, code: impl Into<String>) -> Self {
        self.0.code = Some(code.into());
        self
    }

    /// Sets `title`.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.0.title = Some(title.into());
        self
    }

    /// Sets `detail`.
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.0.detail = Some(detail.into());
        self
    }

    /// Sets `source.pointer`, a JSON pointer into the request document.
    pub fn pointer(mut self, pointer: impl Into<String>) -> Self {
        self.0.source = Some(ErrorSource::Pointer(pointer.into()));
        self
    }

    /// Sets `source.parameter`, the query parameter at fault.
    pub fn parameter(mut self, parameter: impl Into<String>) -> Self {
        self.0.source = Some(ErrorSource::Parameter(parameter.into()));
        self
    }

    /// Sets `id`.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.0.id = Some(id.into());
        self
    }

    /// Sets `links.about`.
    pub fn about(mut self, url: impl Into<String>) -> Self {
        self.0.about = Some(url.into());
        self
    }

    /// Sets member `name` of the error object's `meta`.
    pub fn meta(mut self, name: impl Into<String>, value: Value) -> Self {
        self.0
            .meta
            .get_or_insert_with(Map::new)
            .insert(name.into(), value);
        self
    }

    /// Sends `WWW-Authenticate: challenge` with the error (U5.2).
    pub fn www_authenticate(mut self, challenge: impl Into<String>) -> Self {
        self.0.headers.retain(|(n, _)| *n != "WWW-Authenticate");
        self.0.headers.push(("WWW-Authenticate", challenge.into()));
        self
    }

    /// Sends `Retry-After: value` with the error (U5.2).
    pub fn retry_after(mut self, value: impl Into<String>) -> Self {
        self.0.headers.retain(|(n, _)| *n != "Retry-After");
        self.0.headers.push(("Retry-After", value.into()));
        self
    }

    /// The HTTP status the hook chose.
    pub fn status(&self) -> u16 {
        self.0.status
    }

    /// Whether the status is one a hook may answer with (400–599).
    pub fn is_valid(&self) -> bool {
        (400..=599).contains(&self.0.status)
    }

    /// The headers sent with the error.
    pub fn headers(&self) -> &[(&'static str, String)] {
        &self.0.headers
    }

    /// The error object: the members set, plus `status` (S1.2).
    pub fn to_error_object(&self) -> ErrorObject {
        ErrorObject {
            id: self.0.id.clone(),
            status: self.0.status.to_string(),
            code: self.0.code.clone().map(Into::into),
            title: self.0.title.clone().map(Into::into),
            detail: self.0.detail.clone(),
            source: self.0.source.clone(),
            links: self.0.about.as_ref().map(|about| {
                let mut links = Map::with_capacity(1);
                links.insert("about".into(), Value::String(about.clone()));
                links
            }),
            meta: self.0.meta.clone(),
        }
    }
}

impl std::fmt::Display for HookError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a hook answered {}", self.0.status)?;
        if let Some(detail) = &self.0.detail {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

impl std::error::Error for HookError {}
