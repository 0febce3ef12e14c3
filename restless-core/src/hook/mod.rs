//! Hooks (catalog U): pre-hooks that may change a request before it is resolved, post-hooks that
//! may change a success document before it is sent (and before a write commits), the request
//! [`Context`] they see, and [`HookError`], the way any of them aborts.
//!
//! Hooks are registered per type on `ResourceConfig` and universally on the manager; for one
//! request the universal hooks of its kind run first, then the type's, each list in registration
//! order (U2.1). Every hook sees the changes of the hooks before it (U3.5).
//!
//! # Examples
//!
//! ```
//! use restless_core::hook::{HookError, PostKind, PreKind};
//! use restless_core::ResourceConfig;
//! use serde_json::json;
//!
//! let config = ResourceConfig::new()
//!     // FR's idiom: restrict a collection by appending a filter object (U3.3).
//!     .pre(PreKind::GetCollection, |req| {
//!         req.filters.push(json!({"name": "id", "op": "neq", "val": 1}));
//!         Ok(())
//!     })
//!     // Refuse a resource outright (U5.1).
//!     .pre(PreKind::GetResource, |req| match req.id.as_deref() {
//!         Some("0") => Err(HookError::new(403).detail("forbidden")),
//!         _ => Ok(()),
//!     })
//!     // Add a member to the document's meta (U4.2, U4.3).
//!     .post(PostKind::GetCollection, |res| {
//!         if let Some(doc) = res.document.as_mut() {
//!             doc.meta_mut().insert("served_by".into(), json!("restless"));
//!         }
//!         Ok(())
//!     });
//! # let _ = config;
//! ```

mod context;
mod error;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value};

pub use context::Context;
pub use error::HookError;

use crate::document::JsonApi;

/// The kinds of pre-hooks, one per endpoint (U1.1; FR's names in SCREAMING_SNAKE_CASE).
///
/// # Examples
///
/// What each kind may change:
///
/// ```
/// use restless_core::{HookError, PreKind, ResourceConfig};
/// use serde_json::json;
///
/// let config = ResourceConfig::new()
///     // Collections: filters (AND-ed with the client's), sort, group_by, single.
///     .pre(PreKind::GetCollection, |req| {
///         req.filters.push(json!({"name": "age", "op": "is_not_null"}));
///         req.sort.get_or_insert_with(|| "-id".into());
///         Ok(())
///     })
///     // A resource: its id (`/api/person/me` serves the caller's).
///     .pre(PreKind::GetResource, |req| {
///         if req.id.as_deref() == Some("me") {
///             req.id = Some("1".into());
///         }
///         Ok(())
///     })
///     // Related resources: id, relationship name and the collection values.
///     .pre(PreKind::GetRelation, |req| {
///         if req.relationship.as_deref() == Some("posts") {
///             req.relationship = Some("articles".into());
///         }
///         Ok(())
///     })
///     // A member of a to-many relationship: id, name, related id.
///     .pre(PreKind::GetRelatedResource, |req| {
///         req.related_id = req.related_id.take().map(|id| id.trim().to_owned());
///         Ok(())
///     })
///     // Relationship URLs: id and name (and the collection values for to-many).
///     .pre(PreKind::GetRelationship, |req| {
///         req.single = false;
///         Ok(())
///     })
///     // Writes: the parsed request document.
///     .pre(PreKind::PostResource, |req| {
///         if let Some(doc) = req.document.as_mut() {
///             doc["data"]["attributes"]["name"] = json!("set by the server");
///         }
///         Ok(())
///     })
///     .pre(PreKind::PatchResource, |req| match req.context().header("If-Match") {
///         Some(_) => Ok(()),
///         None => Err(HookError::new(428).detail("Send If-Match.")),
///     })
///     .pre(PreKind::DeleteResource, |req| match req.id.as_deref() {
///         Some("1") => Err(HookError::new(403).detail("Person 1 stays.")),
///         _ => Ok(()),
///     })
///     .pre(PreKind::PostRelationship, |req| {
///         let members = req.document.as_ref().and_then(|d| d["data"].as_array()).map_or(0, Vec::len);
///         if members > 10 {
///             return Err(HookError::new(400).detail("At most 10 at a time."));
///         }
///         Ok(())
///     })
///     .pre(PreKind::PatchRelationship, |_| Ok(()))
///     .pre(PreKind::DeleteRelationship, |_| Ok(()))
///     // Function evaluation: filters and the function list.
///     .pre(PreKind::Eval, |req| {
///         req.filters.push(json!({"name": "age", "op": "is_not_null"}));
///         Ok(())
///     });
/// # let _ = config;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PreKind {
    /// `GET P/T`: filters, sort, group_by, single.
    GetCollection,
    /// `GET P/T/{id}`: the id.
    GetResource,
    /// `GET P/T/{id}/{rel}`: id, relationship name, filters, sort, group_by, single.
    GetRelation,
    /// `GET P/T/{id}/{rel}/{rid}`: id, relationship name, related id.
    GetRelatedResource,
    /// `GET P/T/{id}/relationships/{rel}`: id, relationship name (and the collection values).
    GetRelationship,
    /// `POST P/T`: the request document.
    PostResource,
    /// `PATCH P/T/{id}`: id, the request document.
    PatchResource,
    /// `DELETE P/T/{id}`: the id.
    DeleteResource,
    /// `POST …/relationships/{rel}`: id, relationship name, the request document.
    PostRelationship,
    /// `PATCH …/relationships/{rel}`: id, relationship name, the request document.
    PatchRelationship,
    /// `DELETE …/relationships/{rel}`: id, relationship name, the request document.
    DeleteRelationship,
    /// `GET P/eval/T`: filters and the function list.
    Eval,
}

/// The kinds of post-hooks (U1.1).
///
/// # Examples
///
/// What each kind sees:
///
/// ```
/// use restless_core::{HookError, PostKind, ResourceConfig};
/// use serde_json::json;
///
/// let mut config = ResourceConfig::new();
/// // Documents: change `data`, `included`, `links` and `meta`.
/// for kind in [
///     PostKind::GetCollection,
///     PostKind::GetResource,
///     PostKind::GetToOneRelation,
///     PostKind::GetToManyRelation,
///     PostKind::GetRelatedResource,
///     PostKind::GetRelationship, // both relationship URL kinds
///     PostKind::PostResource,
///     PostKind::PatchResource, // a document only when the answer is 200
///     PostKind::Eval,
/// ] {
///     config = config.post(kind, |res| {
///         let sort = res.sort().map(str::to_owned); // read-only, for collections
///         if let Some(doc) = res.document.as_mut() {
///             doc.meta_mut().insert("sorted_by".into(), json!(sort));
///         }
///         Ok(())
///     });
/// }
/// let config = config
///     // 204 answers: what was written, and whether a deletion removed anything.
///     .post(PostKind::DeleteResource, |res| {
///         assert_eq!(res.was_deleted(), Some(true));
///         Ok(())
///     })
///     .post(PostKind::DeleteRelationship, |res| {
///         let _removed_any = res.was_deleted();
///         Ok(())
///     })
///     .post(PostKind::PostRelationship, |res| {
///         let _ = (res.id(), res.relationship());
///         Ok(())
///     })
///     // An error from a write's post-hook rolls the write back (U4.4).
///     .post(PostKind::PatchRelationship, |_| {
///         Err(HookError::new(409).detail("Relationships are frozen."))
///     })
///     .post(PostKind::GetToOneRelationship, |_| Ok(()))
///     .post(PostKind::GetToManyRelationship, |_| Ok(()));
/// # let _ = config;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PostKind {
    /// A collection.
    GetCollection,
    /// A single resource.
    GetResource,
    /// A to-one related resource (`GET P/T/{id}/{rel}`).
    GetToOneRelation,
    /// To-many related resources (`GET P/T/{id}/{rel}`).
    GetToManyRelation,
    /// A member of a to-many relationship (`GET P/T/{id}/{rel}/{rid}`).
    GetRelatedResource,
    /// A to-one relationship URL.
    GetToOneRelationship,
    /// A to-many relationship URL.
    GetToManyRelationship,
    /// Both relationship URL kinds: hooks of this kind run for either.
    GetRelationship,
    /// A created resource.
    PostResource,
    /// An updated resource: the document when the answer is 200, none when it is 204.
    PatchResource,
    /// A deleted resource: [`Post::was_deleted`] is true.
    DeleteResource,
    /// Members added to a to-many relationship.
    PostRelationship,
    /// A relationship replaced.
    PatchRelationship,
    /// Members removed from a to-many relationship; [`Post::was_deleted`] says whether any was.
    DeleteRelationship,
    /// Function evaluation.
    Eval,
}

impl PreKind {
    /// Every kind: register a hook for each to run it on every endpoint.
    pub const ALL: [PreKind; 12] = [
        PreKind::GetCollection,
        PreKind::GetResource,
        PreKind::GetRelation,
        PreKind::GetRelatedResource,
        PreKind::GetRelationship,
        PreKind::PostResource,
        PreKind::PatchResource,
        PreKind::DeleteResource,
        PreKind::PostRelationship,
        PreKind::PatchRelationship,
        PreKind::DeleteRelationship,
        PreKind::Eval,
    ];
}

impl PostKind {
    /// Every kind of response, without the [`GetRelationship`](PostKind::GetRelationship)
    /// alias: a hook registered for each runs once on every success answer.
    pub const ALL: [PostKind; 14] = [
        PostKind::GetCollection,
        PostKind::GetResource,
        PostKind::GetToOneRelation,
        PostKind::GetToManyRelation,
        PostKind::GetRelatedResource,
        PostKind::GetToOneRelationship,
        PostKind::GetToManyRelationship,
        PostKind::PostResource,
        PostKind::PatchResource,
        PostKind::DeleteResource,
        PostKind::PostRelationship,
        PostKind::PatchRelationship,
        PostKind::DeleteRelationship,
        PostKind::Eval,
    ];

    /// Whether hooks registered for `self` run for a response of kind `actual`.
    fn covers(self, actual: PostKind) -> bool {
        self == actual
            || (self == PostKind::GetRelationship
                && matches!(
                    actual,
                    PostKind::GetToOneRelationship | PostKind::GetToManyRelationship
                ))
    }
}

/// A pre-hook.
pub type PreHook = Arc<dyn Fn(&mut Pre<'_>) -> Result<(), HookError> + Send + Sync>;
/// A post-hook.
pub type PostHook = Arc<dyn Fn(&mut Post<'_>) -> Result<(), HookError> + Send + Sync>;

/// A request as pre-hooks see and change it (U3). The fields a kind does not use stay empty.
///
/// Changes take effect as if the request had carried them: a changed id, relationship name or
/// related id is looked up like one from the URL (U3.2); filters, sort and group_by are
/// validated like the client's, but an invalid value a hook produced answers 500 (U3.3); a
/// changed document is what gets validated and written (U3.4).
#[derive(Debug)]
#[non_exhaustive]
pub struct Pre<'a> {
    kind: PreKind,
    type_name: &'static str,
    context: &'a Context,
    /// The resource id of the URL.
    pub id: Option<String>,
    /// The relationship name of the URL.
    pub relationship: Option<String>,
    /// The related resource's id (`GET P/T/{id}/{rel}/{rid}`).
    pub related_id: Option<String>,
    /// The filter objects of `filter[objects]` (M1); appended ones are AND-ed with the rest.
    pub filters: Vec<Value>,
    /// The `sort` value.
    pub sort: Option<String>,
    /// The `group_by` value.
    pub group_by: Option<String>,
    /// `filter[single]=1`.
    pub single: bool,
    /// The function objects of `eval_functions` (N2).
    pub functions: Vec<Value>,
    /// The request document of writes, parsed.
    pub document: Option<Map<String, Value>>,
}

impl<'a> Pre<'a> {
    pub(crate) fn new(kind: PreKind, type_name: &'static str, context: &'a Context) -> Self {
        Pre {
            kind,
            type_name,
            context,
            id: None,
            relationship: None,
            related_id: None,
            filters: Vec::new(),
            sort: None,
            group_by: None,
            single: false,
            functions: Vec::new(),
            document: None,
        }
    }

    /// The endpoint's kind.
    pub fn kind(&self) -> PreKind {
        self.kind
    }

    /// The JSON:API type of the URL.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// The request.
    pub fn context(&self) -> &Context {
        self.context
    }
}

/// The members of a success document a post-hook may change (U4.2): `data`, `included`,
/// `links` and `meta`. `None` is an absent member; `Some(Value::Null)` is `"data": null`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct HookDocument {
    /// Primary data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
    /// Top-level links.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub links: Option<Map<String, Value>>,
    /// Top-level meta.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<Map<String, Value>>,
    /// Included resources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub included: Option<Vec<Value>>,
    pub(crate) jsonapi: JsonApi,
}

impl HookDocument {
    /// The top-level `meta`, created when absent.
    pub fn meta_mut(&mut self) -> &mut Map<String, Value> {
        self.meta.get_or_insert_with(Map::new)
    }

    /// The top-level `links`, created when absent.
    pub fn links_mut(&mut self) -> &mut Map<String, Value> {
        self.links.get_or_insert_with(Map::new)
    }

    pub(crate) fn to_json(&self) -> String {
        // Maps, strings and numbers always serialize.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// A response as post-hooks see and change it (U4).
#[derive(Debug)]
#[non_exhaustive]
pub struct Post<'a> {
    kind: PostKind,
    type_name: &'static str,
    context: &'a Context,
    id: Option<&'a str>,
    relationship: Option<&'a str>,
    query: Option<&'a QueryValues>,
    was_deleted: Option<bool>,
    /// The document, when the response has one.
    pub document: Option<HookDocument>,
}

impl<'a> Post<'a> {
    pub(crate) fn new(
        kind: PostKind,
        type_name: &'static str,
        context: &'a Context,
        id: Option<&'a str>,
        relationship: Option<&'a str>,
    ) -> Self {
        Post {
            kind,
            type_name,
            context,
            id,
            relationship,
            query: None,
            was_deleted: None,
            document: None,
        }
    }

    pub(crate) fn with_query(mut self, query: &'a QueryValues) -> Self {
        self.query = Some(query);
        self
    }

    pub(crate) fn with_was_deleted(mut self, was_deleted: bool) -> Self {
        self.was_deleted = Some(was_deleted);
        self
    }

    /// The kind of response.
    pub fn kind(&self) -> PostKind {
        self.kind
    }

    /// The JSON:API type of the URL.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// The request.
    pub fn context(&self) -> &Context {
        self.context
    }

    /// The resource id the request addressed (after pre-hooks).
    pub fn id(&self) -> Option<&str> {
        self.id
    }

    /// The relationship name the request addressed (after pre-hooks).
    pub fn relationship(&self) -> Option<&str> {
        self.relationship
    }

    /// The filter objects of a collection response (read-only).
    pub fn filters(&self) -> &[Value] {
        self.query.map_or(&[], |q| q.filters.as_slice())
    }

    /// The `sort` value of a collection response.
    pub fn sort(&self) -> Option<&str> {
        self.query.and_then(|q| q.sort.as_deref())
    }

    /// The `group_by` value of a collection response.
    pub fn group_by(&self) -> Option<&str> {
        self.query.and_then(|q| q.group_by.as_deref())
    }

    /// `filter[single]=1` on a collection response.
    pub fn single(&self) -> bool {
        self.query.is_some_and(|q| q.single)
    }

    /// For deletions: whether anything was deleted.
    pub fn was_deleted(&self) -> Option<bool> {
        self.was_deleted
    }
}

/// The collection values of a request after its pre-hooks, shown read-only to post-hooks.
#[derive(Clone, Debug, Default)]
pub(crate) struct QueryValues {
    pub(crate) filters: Vec<Value>,
    pub(crate) sort: Option<String>,
    pub(crate) group_by: Option<String>,
    pub(crate) single: bool,
}

/// A resource as a write would leave it, shown to the validation hook (V5.1).
#[derive(Clone, Debug, PartialEq)]
pub struct Prospective {
    pub(crate) type_name: &'static str,
    pub(crate) id: Option<String>,
    pub(crate) attributes: Map<String, Value>,
    pub(crate) relationships: Map<String, Value>,
}

impl Prospective {
    /// The JSON:API type.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// The id: the URL's for updates, the client's for a create that sends one, else `None`.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The value attribute `name` would have: the request's, else the stored one (updates).
    /// Attributes a create does not send are absent (the database fills them).
    pub fn attribute(&self, name: &str) -> Option<&Value> {
        self.attributes.get(name)
    }

    /// Every attribute known, by name.
    pub fn attributes(&self) -> &Map<String, Value> {
        &self.attributes
    }

    /// The linkage relationship `name` would have, as in a document: `null`, an identifier
    /// object or an array of them. Only the relationships the request writes, and for updates
    /// the to-one relationships stored, are known.
    pub fn relationship(&self, name: &str) -> Option<&Value> {
        self.relationships.get(name)
    }

    /// Every relationship known, by name.
    pub fn relationships(&self) -> &Map<String, Value> {
        &self.relationships
    }
}

/// A resource object as a serialization hook (V6.1) sees and changes it: before sparse
/// fieldsets, with every attribute and relationship. `type`, `id` and `links` are not the
/// hook's, and neither is linkage: a relationship it keeps shows restless's linkage.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Serialized {
    type_name: &'static str,
    id: String,
    /// The attributes (computed ones included); an added one is dropped when the request has a
    /// `fields[TYPE]` parameter.
    pub attributes: Map<String, Value>,
    /// The relationship objects (`links`, `data`, and whatever else the hook adds).
    pub relationships: Map<String, Value>,
    /// Resource-level `meta`.
    pub meta: Option<Map<String, Value>>,
}

impl Serialized {
    pub(crate) fn new(
        type_name: &'static str,
        id: String,
        attributes: Map<String, Value>,
        relationships: Map<String, Value>,
    ) -> Self {
        Serialized {
            type_name,
            id,
            attributes,
            relationships,
            meta: None,
        }
    }

    /// Attributes, relationships and meta.
    pub(crate) fn into_parts(self) -> (Map<String, Value>, Map<String, Value>, Option<Meta>) {
        (self.attributes, self.relationships, self.meta)
    }

    /// The JSON:API type.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// The id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The resource-level `meta`, created when absent.
    pub fn meta_mut(&mut self) -> &mut Map<String, Value> {
        self.meta.get_or_insert_with(Map::new)
    }
}

/// A request's resource object as a deserialization hook (V6.2) sees it: the `data` member of
/// a POST or PATCH document, after the structural, type, id and permission checks and before
/// the field checks. The hook may rewrite it, and may give values to the model's hidden
/// (V2 `only`/`exclude`) and skipped fields, which are written with the client's.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Incoming {
    create: bool,
    /// The resource object (`type`, `id`, `attributes`, `relationships`).
    pub resource: Map<String, Value>,
    pub(crate) values: Vec<(String, Value)>,
}

impl Incoming {
    pub(crate) fn new(create: bool, resource: Map<String, Value>) -> Self {
        Incoming {
            create,
            resource,
            values: Vec::new(),
        }
    }

    /// Whether the request creates the resource (POST) rather than updating it (PATCH).
    pub fn is_create(&self) -> bool {
        self.create
    }

    /// Writes `value` to the hidden or skipped field `field` (by its field name), in the
    /// column's JSON form (G); a field that is neither, or a value of the wrong type, is a
    /// server bug (500).
    pub fn set(&mut self, field: impl Into<String>, value: Value) {
        let field = field.into();
        self.values.retain(|(f, _)| *f != field);
        self.values.push((field, value));
    }
}

/// A deserialization hook's refusal (V6.2): an error `deserialization_failed` with the hook's
/// status (default 400) and detail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeserializeError {
    pub(crate) status: u16,
    pub(crate) detail: String,
}

impl DeserializeError {
    /// A 400 with `detail`.
    pub fn new(detail: impl Into<String>) -> Self {
        DeserializeError {
            status: 400,
            detail: detail.into(),
        }
    }

    /// Another status (400–599; anything else answers 500).
    pub fn status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }
}

/// A `meta` object.
type Meta = Map<String, Value>;

/// A serialization hook's failure (V6.1, S3.4): the request answers 500
/// `serialization_failed` for the resource, with the hook's message as the detail if it gave
/// one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SerializeError {
    pub(crate) detail: Option<String>,
}

impl SerializeError {
    /// A failure with restless's detail (`Failed to serialize resource of type ...`).
    pub fn new() -> Self {
        SerializeError::default()
    }

    /// A failure with the hook's own detail.
    pub fn detail(detail: impl Into<String>) -> Self {
        SerializeError {
            detail: Some(detail.into()),
        }
    }
}

/// The pre- and post-hooks of one registration point, in registration order.
#[derive(Clone, Default)]
pub struct Hooks {
    pre: Vec<(PreKind, PreHook)>,
    post: Vec<(PostKind, PostHook)>,
}

impl std::fmt::Debug for Hooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hooks")
            .field("pre", &self.pre.iter().map(|(k, _)| k).collect::<Vec<_>>())
            .field(
                "post",
                &self.post.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl PartialEq for Hooks {
    fn eq(&self, other: &Self) -> bool {
        self.pre.len() == other.pre.len()
            && self.post.len() == other.post.len()
            && self
                .pre
                .iter()
                .zip(&other.pre)
                .all(|(a, b)| a.0 == b.0 && Arc::ptr_eq(&a.1, &b.1))
            && self
                .post
                .iter()
                .zip(&other.post)
                .all(|(a, b)| a.0 == b.0 && Arc::ptr_eq(&a.1, &b.1))
    }
}

impl Eq for Hooks {}

impl Hooks {
    /// Adds a pre-hook of `kind`.
    pub fn pre(
        &mut self,
        kind: PreKind,
        hook: impl Fn(&mut Pre<'_>) -> Result<(), HookError> + Send + Sync + 'static,
    ) {
        self.pre.push((kind, Arc::new(hook)));
    }

    /// Adds a post-hook of `kind`.
    pub fn post(
        &mut self,
        kind: PostKind,
        hook: impl Fn(&mut Post<'_>) -> Result<(), HookError> + Send + Sync + 'static,
    ) {
        self.post.push((kind, Arc::new(hook)));
    }

    /// Appends the hooks of `other`, keeping their order.
    pub fn extend(&mut self, other: Hooks) {
        self.pre.extend(other.pre);
        self.post.extend(other.post);
    }

    /// Whether no hook is registered.
    pub fn is_empty(&self) -> bool {
        self.pre.is_empty() && self.post.is_empty()
    }

    pub(crate) fn has_pre(&self, kind: PreKind) -> bool {
        self.pre.iter().any(|(k, _)| *k == kind)
    }

    pub(crate) fn has_post(&self, kind: PostKind) -> bool {
        self.post.iter().any(|(k, _)| k.covers(kind))
    }

    pub(crate) fn pre_hooks(&self, kind: PreKind) -> impl Iterator<Item = &PreHook> {
        self.pre
            .iter()
            .filter(move |(k, _)| *k == kind)
            .map(|(_, h)| h)
    }

    pub(crate) fn post_hooks(&self, kind: PostKind) -> impl Iterator<Item = &PostHook> {
        self.post
            .iter()
            .filter(move |(k, _)| k.covers(kind))
            .map(|(_, h)| h)
    }
}

/// Runs application code, turning a panic into the S3.1 500 (A3.2): hooks run on async workers
/// and inside the request's transaction, where a panic must neither kill the worker nor leave
/// a transaction open.
pub(crate) fn guarded<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, crate::Error> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        crate::Error::Internal(format!("{what} panicked: {message}"))
    })
}

/// Runs a hook, mapping its error (U5.1) and a panic (A3.2) to [`crate::Error`].
pub(crate) fn run_hook<T>(
    what: &str,
    f: impl FnOnce() -> Result<T, HookError>,
) -> Result<T, crate::Error> {
    guarded(what, f)?.map_err(crate::Error::Hook)
}
