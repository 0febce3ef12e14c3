//! Server-side configuration (catalog V1, V2) and its validation (V1.1).

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::backend::Dialect;
use crate::hook::{Context, HookError, Hooks, Post, PostKind, Pre, PreKind};
use crate::meta::{FieldRole, JsonApiResource, ResourceMeta};

/// A method a type can enable (V2 `methods`); HEAD and OPTIONS follow B5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// Fetching (H); HEAD follows it.
    Get,
    /// Creating (O).
    Post,
    /// Updating (P) and every write to relationship URLs (R).
    Patch,
    /// Deleting (Q).
    Delete,
}

/// Manager options (V1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiConfig {
    /// Prefix of every route, `""` or starting with `/` and not ending with `/`. Default `/api`.
    pub prefix: String,
    /// `scheme://host[:port]` used for every link instead of the request's (C3.1).
    pub base_url: Option<String>,
    /// Take the scheme and host of links from `Forwarded` / `X-Forwarded-*` (C3.1). Default off.
    pub trust_forwarded_headers: bool,
    /// Whether JSONP is enabled (T1.1). Default off.
    pub jsonp: bool,
    /// Accept only the spec-conforming query parameter names (D4.1). Default off.
    pub strict_query_names: bool,
    /// Add `Server-Timing: db;dur=<ms>;desc="<N> statements"` to database-backed responses.
    /// Default off.
    pub server_timing: bool,
    /// The request budget.
    pub limits: Limits,
    /// Where the OpenAPI description is served, under the prefix (E1.4): one path segment.
    /// Default `openapi.json`; `None` serves none.
    pub openapi: Option<String>,
    /// Answer a browser's `GET` and `HEAD` with the HTML view of the document (B1.4). Default
    /// off.
    pub html_view: bool,
    /// Whether cursor pages count their rows, for types that do not say (I6.5). Default
    /// [`Count::Exact`].
    pub count: Count,
    /// Application-defined filter operators (M10).
    pub operators: Vec<CustomOperator>,
    /// Universal pre- and post-hooks (U2.1): they run before every type's own.
    pub hooks: Hooks,
}

/// The request budget (V1): every bound restless puts on what one request may ask for, so
/// that the work and memory of the worst request are bounded. The defaults are the catalog's;
/// a request beyond a limit is answered 400 (413 for the body) before any SQL runs. The page
/// size is bounded per type ([`ResourceConfig::max_page_size`], I1), since types differ.
///
/// Limits never change what a legitimate request answers: linkage and `included` are never
/// cut short (F3.3, L1.4).
///
/// ```
/// use restless_core::Limits;
///
/// let limits = Limits {
///     max_body_bytes: 64 << 10,
///     max_sort_depth: 2,
///     ..Limits::default()
/// };
/// assert_eq!(limits.max_sort_fields, 16);
/// assert_eq!(limits.include.paths, 16);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest request body accepted (A3.5); larger is 413. Default 1 MiB.
    pub max_body_bytes: usize,
    /// `include`: most paths and relationships per path (L1.8). Default 16 paths of 8.
    pub include: crate::query::IncludeLimits,
    /// Filters: most objects, nesting depth and list elements (M9.1). Default 100, 16, 1000.
    pub filter: crate::query::FilterLimits,
    /// Most `sort` and `group_by` fields (J1.10, J2.3). Default 16.
    pub max_sort_fields: usize,
    /// Most relationships one sort or group path crosses (J1.11, J2.4). Default 8.
    pub max_sort_depth: usize,
    /// Most distinct to-one joins of one request's sort and group fields together (J1.12).
    /// Default 48.
    pub max_sort_joins: usize,
    /// Most functions in one function evaluation (N2.2). Default 32.
    pub max_functions: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 1 << 20,
            include: crate::query::IncludeLimits::default(),
            filter: crate::query::FilterLimits::default(),
            max_sort_fields: 16,
            max_sort_depth: 8,
            max_sort_joins: 48,
            max_functions: 32,
        }
    }
}

/// A filter operator registered by the application (M10.1): its name, whether it takes an
/// operand, the field kinds it applies to (empty: all), and an SQL template in which
/// `{column}` stands for the field's column and `{value}` for the bound operand.
///
/// The template is the application's own SQL text; request values only ever fill `{value}`,
/// and they are bound, never spliced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomOperator {
    /// The operator's name in filter objects.
    pub name: &'static str,
    /// Takes no operand (like `is_null`).
    pub unary: bool,
    /// The field kinds it applies to; empty for every kind.
    pub kinds: Vec<crate::meta::ValueKind>,
    /// The SQL condition, e.g. `{column} - {value} > 0`.
    pub template: &'static str,
}

impl CustomOperator {
    /// A binary operator: `template` uses `{column}` and `{value}`.
    pub fn binary(name: &'static str, template: &'static str) -> Self {
        CustomOperator {
            name,
            unary: false,
            kinds: Vec::new(),
            template,
        }
    }

    /// A unary operator: `template` uses `{column}` only.
    pub fn unary(name: &'static str, template: &'static str) -> Self {
        CustomOperator {
            name,
            unary: true,
            kinds: Vec::new(),
            template,
        }
    }

    /// Restricts the operator to fields of these kinds.
    pub fn kinds(mut self, kinds: impl IntoIterator<Item = crate::meta::ValueKind>) -> Self {
        self.kinds = kinds.into_iter().collect();
        self
    }
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            prefix: "/api".into(),
            base_url: None,
            trust_forwarded_headers: false,
            jsonp: false,
            strict_query_names: false,
            server_timing: false,
            limits: Limits::default(),
            openapi: Some("openapi.json".into()),
            html_view: false,
            count: Count::Exact,
            operators: Vec::new(),
            hooks: Hooks::default(),
        }
    }
}

/// A computed, read-only attribute (V2 `additional_attributes`, F2.1 d): its name and the
/// function deriving its value from the request context and the stored row (every field of the
/// model by name: the key, attributes whatever the sparse fieldset, hidden ones and foreign
/// keys). It cannot be sorted, filtered or written.
#[derive(Clone)]
pub struct Computed {
    /// The attribute's name.
    pub name: &'static str,
    /// Its value, from the request and the stored row.
    pub(crate) value: Arc<ComputedFn>,
}

/// The function behind a [`Computed`] attribute.
pub(crate) type ComputedFn = dyn Fn(&Context, &Map<String, Value>) -> Value + Send + Sync;

impl std::fmt::Debug for Computed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Computed")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// Per-type options (V2).
#[derive(Clone, Debug)]
pub struct ResourceConfig {
    /// Enabled methods. Default: GET only.
    pub methods: Vec<Method>,
    /// Default page size; 0 disables pagination by default (I1.1). Default 10.
    pub page_size: u32,
    /// Largest page size a client may ask for; 0 removes the bound (I1.1). Default 100.
    pub max_page_size: u32,
    /// Include paths used when a request has no `include` (L1.9). Default none.
    pub includes: Option<Vec<String>>,
    /// Serve `GET P/eval/T`, function evaluation (N1.1). Default off.
    pub allow_functions: bool,
    /// Accept `data.id` in POST documents (O2.1 step 10). Default off.
    pub allow_client_generated_ids: bool,
    /// Accept replacing a to-many relationship by PATCH (P2.1, R2.1). Default off.
    pub allow_to_many_replacement: bool,
    /// Accept DELETE on to-many relationship URLs (R4.1). Default off.
    pub allow_delete_from_to_many_relationships: bool,
    /// Show only these attributes and relationships (V2); hidden ones do not exist for the API.
    pub only: Option<Vec<String>>,
    /// Hide these attributes and relationships (V2).
    pub exclude: Vec<String>,
    /// Computed attributes (V2 `additional_attributes`).
    pub computed: Vec<Computed>,
    /// The type's pre- and post-hooks (U2.1).
    pub hooks: Hooks,
    /// The rows that exist for the API in a request (V4.1).
    pub scope: Option<Scope>,
    /// The rows a request may change (V4.4).
    pub write_scope: Option<Scope>,
    /// The validation hook (V5.1).
    pub validation: Option<Validation>,
    /// The serialization hook (V6.1).
    pub serialization: Option<Serialization>,
    /// The prefix of this type's routes instead of the manager's (V2 `url_prefix`).
    pub url_prefix: Option<String>,
    /// The deserialization hook (V6.2).
    pub deserialization: Option<Deserialization>,
    /// Whether cursor pages of this type count their rows (I6.5); `None`: the manager's.
    pub count: Option<Count>,
}

/// Whether cursor pages count the rows they page through (catalog I4, I6.5).
///
/// Counting costs what it counts: `meta.total` of a cursor page reads every matching row,
/// however deep the page. With [`Count::None`] cursor pages leave `meta.total` and the `last`
/// link out, and read one row more than the page holds to know whether another follows, so
/// they cost the same at any depth. Pages by number always count: their `last` link needs the
/// total.
///
/// ```
/// use restless_core::{Count, ResourceConfig};
///
/// let events = ResourceConfig::new().count(Count::None);
/// assert_eq!(events.count, Some(Count::None));
/// assert_eq!(Count::default(), Count::Exact);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Count {
    /// `meta.total` on every collection-valued answer (I4.1). The default.
    #[default]
    Exact,
    /// No count on cursor pages (I6.5).
    None,
}

/// A deserialization hook (V6.2): from the request context, changes to the request's
/// resource object and values for hidden and skipped fields, or a refusal.
#[derive(Clone)]
pub struct Deserialization(pub(crate) Arc<DeserializationFn>);

/// The function behind a [`Deserialization`].
pub(crate) type DeserializationFn = dyn Fn(&Context, &mut crate::hook::Incoming) -> Result<(), crate::hook::DeserializeError>
    + Send
    + Sync;

impl std::fmt::Debug for Deserialization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Deserialization(..)")
    }
}

/// A serialization hook (V6.1): from the request context and the stored row (every field of
/// the model by name: key, attributes, hidden ones and foreign keys), changes to the default
/// resource object.
#[derive(Clone)]
pub struct Serialization(pub(crate) Arc<SerializationFn>);

/// The function behind a [`Serialization`].
pub(crate) type SerializationFn = dyn Fn(
        &Context,
        &Map<String, Value>,
        &mut crate::hook::Serialized,
    ) -> Result<(), crate::hook::SerializeError>
    + Send
    + Sync;

impl std::fmt::Debug for Serialization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Serialization(..)")
    }
}

/// A scope (V4): from the request context, a condition in the filter language of M on the
/// type's rows — one filter object or an array of them, all of which must hold — or `None` for
/// no restriction. It may name every field of the model, hidden ones included (V4.3).
#[derive(Clone)]
pub struct Scope(pub(crate) Arc<ScopeFn>);

/// The function behind a [`Scope`].
pub(crate) type ScopeFn = dyn Fn(&Context) -> Option<Value> + Send + Sync;

impl std::fmt::Debug for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Scope(..)")
    }
}

/// A validation hook (V5.1): from the request context and the resource's prospective state,
/// the problems as `(field, message)` pairs; an empty list accepts.
#[derive(Clone)]
pub struct Validation(pub(crate) Arc<ValidationFn>);

/// The function behind a [`Validation`].
pub(crate) type ValidationFn =
    dyn Fn(&Context, &crate::hook::Prospective) -> Vec<(String, String)> + Send + Sync;

impl std::fmt::Debug for Validation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Validation(..)")
    }
}

impl Default for ResourceConfig {
    fn default() -> Self {
        ResourceConfig {
            methods: vec![Method::Get],
            page_size: 10,
            max_page_size: 100,
            includes: None,
            allow_functions: false,
            allow_client_generated_ids: false,
            allow_to_many_replacement: false,
            allow_delete_from_to_many_relationships: false,
            only: None,
            exclude: Vec::new(),
            computed: Vec::new(),
            hooks: Hooks::default(),
            scope: None,
            write_scope: None,
            validation: None,
            serialization: None,
            url_prefix: None,
            deserialization: None,
            count: None,
        }
    }
}

impl ResourceConfig {
    /// The defaults of V2: GET only, page size 10, maximum 100.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the default page size; 0 disables pagination unless the client asks (I1.1).
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = size;
        self
    }

    /// Sets the largest page size a client may ask for; 0 removes the bound (I1.1).
    pub fn max_page_size(mut self, size: u32) -> Self {
        self.max_page_size = size;
        self
    }

    /// Whether cursor pages of this type count their rows (I6.5; default: the manager's,
    /// [`ApiConfig::count`]). See [`Count`] for the trade-off.
    pub fn count(mut self, count: Count) -> Self {
        self.count = Some(count);
        self
    }

    /// Sets the default include paths (L1.9), e.g. `["author", "comments.author"]`.
    pub fn includes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, paths: I) -> Self {
        self.includes = Some(paths.into_iter().map(Into::into).collect());
        self
    }

    /// Sets the enabled methods (V2 `methods`); HEAD follows GET and OPTIONS is always served.
    pub fn methods(mut self, methods: impl IntoIterator<Item = Method>) -> Self {
        self.methods = methods.into_iter().collect();
        self
    }

    /// Accepts client-generated ids in POST documents (O2.1).
    pub fn allow_client_generated_ids(mut self, allow: bool) -> Self {
        self.allow_client_generated_ids = allow;
        self
    }

    /// Accepts replacing to-many relationships (P2.1, R2.1).
    pub fn allow_to_many_replacement(mut self, allow: bool) -> Self {
        self.allow_to_many_replacement = allow;
        self
    }

    /// Accepts removing members from to-many relationships (R4.1).
    pub fn allow_delete_from_to_many_relationships(mut self, allow: bool) -> Self {
        self.allow_delete_from_to_many_relationships = allow;
        self
    }

    /// Shows only these attributes and relationships (V2 `only`); the rest do not exist for
    /// the API: not shown, filtered, sorted or written.
    pub fn only<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        self.only = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// Hides these attributes and relationships (V2 `exclude`).
    pub fn exclude<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        self.exclude = names.into_iter().map(Into::into).collect();
        self
    }

    /// Adds a computed, read-only attribute `name` whose value `value` derives from the request
    /// context and the stored row: every field of the model by name, the key, hidden fields
    /// and foreign keys included (V2 `additional_attributes`).
    ///
    /// # Examples
    ///
    /// ```
    /// use restless_core::ResourceConfig;
    /// use serde_json::json;
    ///
    /// let config = ResourceConfig::new().computed("initial", |_ctx, row| {
    ///     json!(row["name"].as_str().and_then(|n| n.chars().next()).map(String::from))
    /// });
    /// # let _ = config;
    /// ```
    pub fn computed(
        mut self,
        name: &'static str,
        value: impl Fn(&Context, &Map<String, Value>) -> Value + Send + Sync + 'static,
    ) -> Self {
        self.computed.push(Computed {
            name,
            value: Arc::new(value),
        });
        self
    }

    /// Adds a pre-hook of `kind` (U1.1, U3); it runs after the manager's universal ones.
    pub fn pre(
        mut self,
        kind: PreKind,
        hook: impl Fn(&mut Pre<'_>) -> Result<(), HookError> + Send + Sync + 'static,
    ) -> Self {
        self.hooks.pre(kind, hook);
        self
    }

    /// Adds a post-hook of `kind` (U1.1, U4); it runs after the manager's universal ones.
    pub fn post(
        mut self,
        kind: PostKind,
        hook: impl Fn(&mut Post<'_>) -> Result<(), HookError> + Send + Sync + 'static,
    ) -> Self {
        self.hooks.post(kind, hook);
        self
    }

    /// Limits the rows that exist for the API to those the condition `scope` returns for the
    /// request (V4.1, V4.2): everywhere rows of the type are read, counted, linked, included,
    /// filtered through or looked up for a write. `None` from `scope` leaves the type whole.
    ///
    /// # Examples
    ///
    /// ```
    /// use restless_core::ResourceConfig;
    /// use serde_json::json;
    ///
    /// // V4.2's example: persons without an age do not exist.
    /// let config = ResourceConfig::new()
    ///     .scope(|_ctx| Some(json!({"name": "age", "op": "is_not_null"})));
    /// # let _ = config;
    /// ```
    pub fn scope(
        mut self,
        scope: impl Fn(&Context) -> Option<Value> + Send + Sync + 'static,
    ) -> Self {
        self.scope = Some(Scope(Arc::new(scope)));
        self
    }

    /// Limits the rows a request may change (V4.4): PATCH and DELETE of a resource outside the
    /// condition, relationship writes on it, and writes that would change a foreign key stored
    /// in it answer 403 `forbidden`. Same form as [`scope`](Self::scope).
    ///
    /// # Examples
    ///
    /// ```
    /// use restless_core::ResourceConfig;
    /// use serde_json::json;
    ///
    /// #[derive(Clone, Copy)]
    /// struct Caller(i32);
    ///
    /// // Only the author changes an article.
    /// let config = ResourceConfig::new().write_scope(|ctx| {
    ///     let caller = ctx.get::<Caller>().map_or(-1, |c| c.0);
    ///     Some(json!({"name": "author_id", "op": "eq", "val": caller}))
    /// });
    /// # let _ = config;
    /// ```
    pub fn write_scope(
        mut self,
        scope: impl Fn(&Context) -> Option<Value> + Send + Sync + 'static,
    ) -> Self {
        self.write_scope = Some(Scope(Arc::new(scope)));
        self
    }

    /// Sets the validation hook (V5.1), called for POST, PATCH and relationship writes after
    /// restless's own checks and before any change is written, with the resource's prospective
    /// state. Each `(field, message)` it returns becomes a 400 `validation_failed` error object
    /// pointing at `/data/attributes/<field>`, `/data/relationships/<field>` or, for an empty
    /// field, `/data`; nothing is written.
    ///
    /// # Examples
    ///
    /// ```
    /// use restless_core::ResourceConfig;
    ///
    /// let config = ResourceConfig::new().validate(|_ctx, person| {
    ///     match person.attribute("age").and_then(|a| a.as_i64()) {
    ///         Some(age) if !(0..=150).contains(&age) => {
    ///             vec![("age".into(), "Must be between 0 and 150".into())]
    ///         }
    ///         _ => Vec::new(),
    ///     }
    /// });
    /// # let _ = config;
    /// ```
    pub fn validate(
        mut self,
        validation: impl Fn(&Context, &crate::hook::Prospective) -> Vec<(String, String)>
            + Send
            + Sync
            + 'static,
    ) -> Self {
        self.validation = Some(Validation(Arc::new(validation)));
        self
    }

    /// Sets the serialization hook (V6.1): it sees each resource of the type wherever one is
    /// shown (primary data, `included`, POST and PATCH responses) with its stored row, before
    /// sparse fieldsets, and may change its attributes and relationships and add `meta`. A
    /// failure answers 500 `serialization_failed` (S3.4).
    ///
    /// # Examples
    ///
    /// ```
    /// use restless_core::hook::SerializeError;
    /// use restless_core::ResourceConfig;
    ///
    /// let config = ResourceConfig::new().serialize_with(|_ctx, row, person| {
    ///     // An initial instead of the whole name, and where it came from.
    ///     let name = row["name"].as_str().ok_or_else(SerializeError::new)?;
    ///     let initial: String = name.chars().take(1).collect();
    ///     person.attributes.insert("name".into(), initial.into());
    ///     person.meta_mut().insert("abbreviated".into(), true.into());
    ///     Ok(())
    /// });
    /// # let _ = config;
    /// ```
    pub fn serialize_with(
        mut self,
        hook: impl Fn(
                &Context,
                &Map<String, Value>,
                &mut crate::hook::Serialized,
            ) -> Result<(), crate::hook::SerializeError>
            + Send
            + Sync
            + 'static,
    ) -> Self {
        self.serialization = Some(Serialization(Arc::new(hook)));
        self
    }

    /// Sets the deserialization hook (V6.2): it sees the resource object of each POST and PATCH
    /// of the type after the structural, type, id and permission checks and before the field
    /// checks, may rewrite it, may give values to hidden and skipped fields (written with the
    /// client's), or refuses with `deserialization_failed`.
    ///
    /// # Examples
    ///
    /// ```
    /// use restless_core::hook::DeserializeError;
    /// use restless_core::ResourceConfig;
    /// use serde_json::json;
    ///
    /// #[derive(Clone, Copy)]
    /// struct Caller(i32);
    ///
    /// let config = ResourceConfig::new().deserialize_with(|ctx, incoming| {
    ///     let caller = ctx
    ///         .get::<Caller>()
    ///         .ok_or_else(|| DeserializeError::new("Sign in first.").status(401))?;
    ///     // `created_by` is a skipped field: the client never sends it.
    ///     if incoming.is_create() {
    ///         incoming.set("created_by", json!(caller.0));
    ///     }
    ///     Ok(())
    /// });
    /// # let _ = config;
    /// ```
    pub fn deserialize_with(
        mut self,
        hook: impl Fn(&Context, &mut crate::hook::Incoming) -> Result<(), crate::hook::DeserializeError>
            + Send
            + Sync
            + 'static,
    ) -> Self {
        self.deserialization = Some(Deserialization(Arc::new(hook)));
        self
    }

    /// Enables function evaluation at `P/eval/T` (N1.1).
    pub fn allow_functions(mut self, allow: bool) -> Self {
        self.allow_functions = allow;
        self
    }

    /// Serves the type under `prefix` instead of the manager's (V2 `url_prefix`), under the
    /// same mount point: with `url_prefix("/v2")`, `GET /v2/person/1`; links and the root's
    /// `modelinfo` use it (E5.2). `""` or starting with `/` and not ending with `/`.
    pub fn url_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.url_prefix = Some(prefix.into());
        self
    }

    /// Whether `method` is enabled.
    pub fn allows(&self, method: Method) -> bool {
        self.methods.contains(&method)
    }
}

/// One registered type: its metadata and options.
#[derive(Clone, Debug)]
pub struct Registered {
    /// The derive's metadata.
    pub meta: &'static ResourceMeta,
    /// The type's options.
    pub config: ResourceConfig,
}

impl Registered {
    /// Registers `T` with `config`.
    pub fn new<T: JsonApiResource>(config: ResourceConfig) -> Self {
        Registered {
            meta: T::META,
            config,
        }
    }
}

/// A misconfiguration found when the manager builds its services (V1.1).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The URL prefix is not `""` and not of the form `/segment...` without a trailing slash.
    #[error("invalid URL prefix {0:?}: it must be empty or start with '/' and not end with '/'")]
    InvalidPrefix(String),
    /// A `Numeric` field declares no scale (G1.2).
    #[error("field {field:?} of type {type_name:?} is Numeric: declare its scale with #[jsonapi(scale = N)]")]
    MissingScale {
        /// The type.
        type_name: String,
        /// The field.
        field: String,
    },
    /// `base_url` is not `scheme://host[:port]`.
    #[error("invalid base URL {0:?}: expected scheme://host[:port] without a path")]
    InvalidBaseUrl(String),
    /// Two registered types share a name.
    #[error("two registered types are named {0:?}")]
    DuplicateType(String),
    /// The OpenAPI description's path is not one segment, or a type of that name is served
    /// under the same prefix (E1.4).
    #[error("the OpenAPI description cannot be served at {0:?}: it must be one path segment that names no type")]
    InvalidOpenApiPath(String),
    /// A type name is reserved (`eval`, F5.2) or not a valid member name (C5.3).
    #[error("type name {0:?} is reserved or not a URL-safe member name")]
    InvalidTypeName(String),
    /// The metadata's key index is out of range or does not name the key field.
    #[error("type {0:?} has no usable key field")]
    InvalidKey(String),
    /// The key is of a kind that cannot be an id (F1.3): only integers, text, UUIDs and types of
    /// the application's own (whose serde form must be a string or an integer) can.
    #[error("the key {field:?} of type {type_name:?} cannot be an id: use an integer, text, a UUID or a type of your own")]
    UnsupportedKey {
        /// The type.
        type_name: String,
        /// The key field.
        field: String,
    },
    /// A relationship's target type is not registered (F3.1).
    #[error("relationship {relationship:?} of type {type_name:?} targets {target:?}, which is not registered")]
    UnregisteredTarget {
        /// The owning type.
        type_name: String,
        /// The relationship.
        relationship: String,
        /// The target type's name.
        target: String,
    },
    /// A default include path does not resolve (L1.9).
    #[error("default includes of type {type_name:?}: {detail}")]
    InvalidInclude {
        /// The type.
        type_name: String,
        /// What is wrong.
        detail: String,
    },
    /// A computed attribute's name is taken, reserved, not URL-safe, or excluded (V1.1, F5).
    #[error("type {type_name:?} cannot have a computed attribute named {name:?}")]
    InvalidComputed {
        /// The type.
        type_name: String,
        /// The name.
        name: String,
    },
    /// `only` and `exclude` are both set (V1.1).
    #[error("type {0:?} sets both only and exclude")]
    OnlyAndExclude(String),
    /// `only` or `exclude` names something the type does not have (V1.1).
    #[error("type {type_name:?} has no attribute or relationship {field:?} to show or hide")]
    UnknownField {
        /// The type.
        type_name: String,
        /// The name.
        field: String,
    },
    /// A custom operator's template lacks `{column}`, or a binary one lacks `{value}`.
    #[error("custom operator {0:?} has an invalid template")]
    InvalidOperator(String),
    /// A to-many relationship's foreign key is not a column of the target's table.
    #[error("relationship {relationship:?} of type {type_name:?} names a foreign key outside the target's table")]
    RelationshipTable {
        /// The owning type.
        type_name: String,
        /// The relationship.
        relationship: String,
    },
    /// A field's value kind does not exist on the connection's backend.
    #[error("field {field:?} of type {type_name:?} has a value kind {backend:?} does not support")]
    UnsupportedKind {
        /// The type.
        type_name: String,
        /// The field.
        field: String,
        /// The backend.
        backend: Dialect,
    },
}

impl Dialect {
    /// Whether values of `kind` can be stored on this backend.
    pub fn supports(self, kind: crate::meta::ValueKind) -> bool {
        match kind {
            crate::meta::ValueKind::Interval
            | crate::meta::ValueKind::Inet
            | crate::meta::ValueKind::Cidr => self == Dialect::Postgres,
            // MySQL and MariaDB have no binary JSON.
            crate::meta::ValueKind::Jsonb => self != Dialect::Mysql,
            _ => true,
        }
    }
}

/// Whether `name` matches C5.3: `^[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?$`.
pub fn is_url_safe_member_name(name: &str) -> bool {
    let b = name.as_bytes();
    match (b.first(), b.last()) {
        (Some(f), Some(l)) => {
            f.is_ascii_alphanumeric()
                && l.is_ascii_alphanumeric()
                && b.iter()
                    .all(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
        }
        _ => false,
    }
}

/// Checks a whole configuration (V1.1).
///
/// # Errors
/// The first [`ConfigError`] found.
pub fn validate(
    config: &ApiConfig,
    types: &[Registered],
    dialect: Dialect,
) -> Result<(), ConfigError> {
    let own = types.iter().filter_map(|t| t.config.url_prefix.as_ref());
    for p in std::iter::once(&config.prefix).chain(own) {
        if !p.is_empty() && (!p.starts_with('/') || p.ends_with('/') || p.contains("//")) {
            return Err(ConfigError::InvalidPrefix(p.clone()));
        }
    }
    if let Some(base) = &config.base_url {
        let ok = base.split_once("://").is_some_and(|(scheme, host)| {
            !scheme.is_empty() && !host.is_empty() && !host.contains('/')
        });
        if !ok {
            return Err(ConfigError::InvalidBaseUrl(base.clone()));
        }
    }
    for op in &config.operators {
        let ok = op.template.contains("{column}") && (op.unary != op.template.contains("{value}"));
        if !ok || op.name.is_empty() {
            return Err(ConfigError::InvalidOperator(op.name.into()));
        }
    }
    if let Some(path) = &config.openapi {
        let under_prefix = |t: &Registered| {
            t.config.url_prefix.as_deref().unwrap_or(&config.prefix) == config.prefix
        };
        let taken = types
            .iter()
            .any(|t| under_prefix(t) && t.meta.type_name == path);
        if path.is_empty() || path.contains('/') || path == "eval" || taken {
            return Err(ConfigError::InvalidOpenApiPath(path.clone()));
        }
    }
    for (i, t) in types.iter().enumerate() {
        let name = t.meta.type_name;
        if name == "eval" || !is_url_safe_member_name(name) {
            return Err(ConfigError::InvalidTypeName(name.into()));
        }
        if types[..i].iter().any(|o| o.meta.type_name == name) {
            return Err(ConfigError::DuplicateType(name.into()));
        }
        let key_ok = t
            .meta
            .fields
            .get(t.meta.primary_key)
            .is_some_and(|f| f.role == FieldRole::Key);
        if !key_ok {
            return Err(ConfigError::InvalidKey(name.into()));
        }
        let key = t.meta.key();
        if !matches!(
            key.kind(),
            crate::meta::ValueKind::SmallInt
                | crate::meta::ValueKind::Integer
                | crate::meta::ValueKind::BigInt
                | crate::meta::ValueKind::Text
                | crate::meta::ValueKind::Uuid
                | crate::meta::ValueKind::User(_)
        ) {
            return Err(ConfigError::UnsupportedKey {
                type_name: name.into(),
                field: key.name.into(),
            });
        }
        if let Some(f) = t.meta.fields.iter().find(|f| {
            f.role != FieldRole::Skipped
                && matches!(
                    f.kind(),
                    crate::meta::ValueKind::Numeric { scale: None, .. }
                )
        }) {
            return Err(ConfigError::MissingScale {
                type_name: name.into(),
                field: f.name.into(),
            });
        }
        if let Some(f) = t.meta.fields.iter().find(|f| !dialect.supports(f.kind())) {
            return Err(ConfigError::UnsupportedKind {
                type_name: name.into(),
                field: f.name.into(),
                backend: dialect,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_names_c5_3() {
        for ok in ["a", "person", "article-tag", "a_b", "A1"] {
            assert!(is_url_safe_member_name(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", "_a", "a b", "é"] {
            assert!(!is_url_safe_member_name(bad), "{bad}");
        }
    }

    #[test]
    fn keys_are_integers_text_uuids_or_own_types_f1_3() {
        use crate::meta::{FieldRole, ResourceMeta, ValueKind};
        use crate::query::sort::tests::field;
        static DAY: ResourceMeta = ResourceMeta {
            type_name: "day",
            table: crate::meta::test_table!("day"),
            primary_key: 0,
            fields: &[field("date", ValueKind::Date, FieldRole::Key)],
            relationships: &[],
        };
        let types = [Registered {
            meta: &DAY,
            config: ResourceConfig::default(),
        }];
        assert_eq!(
            validate(&ApiConfig::default(), &types, Dialect::Sqlite),
            Err(ConfigError::UnsupportedKey {
                type_name: "day".into(),
                field: "date".into()
            })
        );
    }

    #[test]
    fn prefixes_v1() {
        for (prefix, ok) in [
            ("/api", true),
            ("", true),
            ("/v1/api", true),
            ("api", false),
            ("/api/", false),
            ("/", false),
        ] {
            let config = ApiConfig {
                prefix: prefix.into(),
                ..ApiConfig::default()
            };
            assert_eq!(
                validate(&config, &[], Dialect::Sqlite).is_ok(),
                ok,
                "{prefix}"
            );
        }
    }
}
