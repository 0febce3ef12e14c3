//! Running the hooks of U: pre-hooks at B4.1 step 7, changing the routed request; post-hooks on
//! a success document before it is sent (and, for writes, before COMMIT).

use serde_json::{Map, Value};

use super::route::{BadId, Route};
use super::{Api, Target};
use crate::config::Scope;
use crate::document::Document;
use crate::error::Error;
use crate::hook::{
    guarded, run_hook, Context, HookDocument, Post, PostKind, Pre, PreKind, QueryValues,
};
use crate::ops::write::Change;
use crate::ops::Scopes;
use crate::query::filter;
use crate::query::filter::Filter;
use crate::query::{Param, QueryParams};

/// What the pre-hooks changed in the query, so that an invalid value they produced is blamed on
/// the server (U3.3), not the client.
#[derive(Debug, Default)]
pub(super) struct Hooked {
    /// The collection values after the hooks, shown to post-hooks.
    pub(super) values: QueryValues,
    /// Query parameters whose values the hooks produced.
    produced: Vec<&'static str>,
    /// Filter objects the hooks appended to the client's, validated on their own.
    pub(super) appended_filters: Option<Param>,
}

impl Hooked {
    /// `e`, or a 500 when it is about a value a hook produced (U3.3).
    pub(super) fn blame(&self, e: Error) -> Error {
        match e {
            Error::BadQuery { ref parameter, .. }
                if self.produced.iter().any(|p| p == parameter) =>
            {
                Error::Internal(format!("a pre-hook produced an invalid value: {e}"))
            }
            e => e,
        }
    }
}

/// The body of a success reply: restless's document, or what post-hooks made of it.
#[derive(Debug)]
pub(super) enum Body {
    Doc(Document),
    Hooked(HookDocument),
}

impl Body {
    /// Adds member `name` to the top-level `meta`.
    pub(super) fn meta_member(self, name: &str, value: Value) -> Self {
        match self {
            Body::Doc(doc) => Body::Doc(doc.meta_member(name, value)),
            Body::Hooked(mut doc) => {
                doc.meta_mut().insert(name.into(), value);
                Body::Hooked(doc)
            }
        }
    }

    pub(super) fn to_json(&self) -> String {
        match self {
            Body::Doc(doc) => doc.to_json(),
            Body::Hooked(doc) => doc.to_json(),
        }
    }
}

fn pre_kind(route: &Route, method: &str) -> Option<(PreKind, usize)> {
    let write = !matches!(method, "GET" | "HEAD");
    Some(match route {
        Route::Root => return None,
        Route::Collection(t) if write => (PreKind::PostResource, *t),
        Route::Collection(t) => (PreKind::GetCollection, *t),
        Route::Resource(t, _) if method == "PATCH" => (PreKind::PatchResource, *t),
        Route::Resource(t, _) if method == "DELETE" => (PreKind::DeleteResource, *t),
        Route::Resource(t, _) => (PreKind::GetResource, *t),
        Route::Related(t, ..) => (PreKind::GetRelation, *t),
        Route::RelatedSingle(t, ..) => (PreKind::GetRelatedResource, *t),
        Route::Relationship(t, ..) => match method {
            "POST" => (PreKind::PostRelationship, *t),
            "PATCH" => (PreKind::PatchRelationship, *t),
            "DELETE" => (PreKind::DeleteRelationship, *t),
            _ => (PreKind::GetRelationship, *t),
        },
        Route::Eval(t) => (PreKind::Eval, *t),
    })
}

fn json_list(param: Option<&Param>) -> Vec<Value> {
    match param.map(|p| serde_json::from_str(&p.value)) {
        Some(Ok(Value::Array(items))) => items,
        _ => Vec::new(),
    }
}

fn param(name: &str, value: String) -> Param {
    Param {
        name: name.into(),
        value,
    }
}

impl Api {
    /// B4.1 step 7: the pre-hooks of the request's kind, universal ones first (U2.1, U3).
    pub(super) fn pre_hooks(
        &self,
        context: &Context,
        method: &str,
        route: &mut Route,
        bad_id: &mut Option<BadId>,
        params: &mut QueryParams,
        document: &mut Option<Map<String, Value>>,
    ) -> Result<Hooked, Error> {
        let mut hooked = Hooked::default();
        let Some((kind, t)) = pre_kind(route, method) else {
            return Ok(hooked);
        };
        let universal = &self.config.hooks;
        let own = &self.schema.types[t].config.hooks;
        if universal.is_empty() && own.is_empty() {
            return Ok(hooked);
        }
        let filters = match &params.filter_objects {
            Some(p) => filter::check_syntax(p, self.config.limits.filter)?,
            None => Vec::new(),
        };
        let mut pre = Pre::new(kind, self.schema.meta(t).type_name, context);
        pre.filters = filters;
        pre.sort = params.sort.as_ref().map(|p| p.value.clone());
        pre.group_by = params.group_by.as_ref().map(|p| p.value.clone());
        pre.single = params
            .filter_single
            .as_ref()
            .is_some_and(|p| p.value == "1");
        if !universal.has_pre(kind) && !own.has_pre(kind) {
            hooked.values = values(&pre);
            return Ok(hooked);
        }
        pre.functions = json_list(params.eval_functions.as_ref());
        pre.document = document.take();
        match &*route {
            Route::Resource(_, id) => pre.id = Some(id.clone()),
            Route::Related(_, id, rel) | Route::Relationship(_, id, rel) => {
                pre.id = Some(id.clone());
                pre.relationship = Some(rel.clone());
            }
            Route::RelatedSingle(_, id, rel, rid) => {
                pre.id = Some(id.clone());
                pre.relationship = Some(rel.clone());
                pre.related_id = Some(rid.clone());
            }
            Route::Root | Route::Collection(_) | Route::Eval(_) => {}
        }
        let before = (
            pre.id.clone(),
            pre.related_id.clone(),
            pre.filters.clone(),
            pre.functions.clone(),
        );
        for hook in universal.pre_hooks(kind).chain(own.pre_hooks(kind)) {
            run_hook("a pre-hook", || hook(&mut pre))?;
        }
        // The path values (U3.2).
        if pre.id != before.0 && matches!(bad_id, Some(BadId::Id)) {
            *bad_id = None;
        }
        if pre.related_id != before.1 && matches!(bad_id, Some(BadId::Rid)) {
            *bad_id = None;
        }
        let id = pre.id.clone().unwrap_or_default();
        let rel = pre.relationship.clone().unwrap_or_default();
        *route = match std::mem::replace(route, Route::Root) {
            Route::Resource(t, _) => Route::Resource(t, id),
            Route::Related(t, ..) => Route::Related(t, id, rel),
            Route::Relationship(t, ..) => Route::Relationship(t, id, rel),
            Route::RelatedSingle(t, ..) => {
                Route::RelatedSingle(t, id, rel, pre.related_id.clone().unwrap_or_default())
            }
            other => other,
        };
        // The query values (U3.3).
        if pre.filters != before.2 {
            let text = |items: &[Value]| Value::Array(items.to_vec()).to_string();
            match pre.filters.strip_prefix(before.2.as_slice()) {
                Some(appended) => {
                    hooked.appended_filters = Some(param("filter[objects]", text(appended)));
                }
                None => {
                    params.filter_objects = Some(param("filter[objects]", text(&pre.filters)));
                    hooked.produced.push("filter[objects]");
                }
            }
        }
        if pre.sort != params.sort.as_ref().map(|p| p.value.clone()) {
            params.sort = pre.sort.clone().map(|v| param("sort", v));
            hooked.produced.push("sort");
        }
        if pre.group_by != params.group_by.as_ref().map(|p| p.value.clone()) {
            params.group_by = pre.group_by.clone().map(|v| param("group_by", v));
            hooked.produced.push("group_by");
        }
        if pre.single
            != params
                .filter_single
                .as_ref()
                .is_some_and(|p| p.value == "1")
        {
            params.filter_single = Some(param("filter[single]", u8::from(pre.single).to_string()));
        }
        if pre.functions != before.3 {
            let text = Value::Array(pre.functions.clone()).to_string();
            params.eval_functions = Some(param("eval_functions", text));
            hooked.produced.push("eval_functions");
        }
        // The document (U3.4).
        *document = pre.document.take();
        hooked.values = values(&pre);
        Ok(hooked)
    }

    /// Whether post-hooks run after `target` (U4).
    pub(super) fn has_post_hooks(&self, target: &Target) -> bool {
        let (kind, t, ..) = self.post_kind(target);
        self.config.hooks.has_post(kind) || self.schema.types[t].config.hooks.has_post(kind)
    }

    /// The post-hooks of a success answer (U4), universal ones first; `None` when none runs.
    pub(super) fn post_hooks(
        &self,
        context: &Context,
        target: &Target,
        values: &QueryValues,
        document: Option<&Document>,
        was_deleted: bool,
    ) -> Result<Option<HookDocument>, Error> {
        if !self.has_post_hooks(target) {
            return Ok(None);
        }
        let (kind, t, id, r) = self.post_kind(target);
        let universal = &self.config.hooks;
        let own = &self.schema.types[t].config.hooks;
        let relationship = r.map(|r| self.schema.rel(t, r).name);
        let mut post = Post::new(
            kind,
            self.schema.meta(t).type_name,
            context,
            id,
            relationship,
        );
        if matches!(
            kind,
            PostKind::GetCollection | PostKind::GetToManyRelation | PostKind::GetToManyRelationship
        ) {
            post = post.with_query(values);
        }
        if matches!(
            kind,
            PostKind::DeleteResource | PostKind::DeleteRelationship
        ) {
            post = post.with_was_deleted(was_deleted);
        }
        post.document = document.map(hook_document).transpose()?;
        for hook in universal.post_hooks(kind).chain(own.post_hooks(kind)) {
            run_hook("a post-hook", || hook(&mut post))?;
        }
        Ok(Some(post.document.unwrap_or_default()))
    }

    fn post_kind<'t>(
        &self,
        target: &'t Target,
    ) -> (PostKind, usize, Option<&'t str>, Option<usize>) {
        let to_many = |t: usize, r: usize| self.schema.rel(t, r).is_to_many();
        match target {
            Target::Collection(t) => (PostKind::GetCollection, *t, None, None),
            Target::Resource(t, id) => (PostKind::GetResource, *t, Some(id), None),
            Target::Related(t, id, r) if to_many(*t, *r) => {
                (PostKind::GetToManyRelation, *t, Some(id), Some(*r))
            }
            Target::Related(t, id, r) => (PostKind::GetToOneRelation, *t, Some(id), Some(*r)),
            Target::RelatedSingle(t, id, r, _) => {
                (PostKind::GetRelatedResource, *t, Some(id), Some(*r))
            }
            Target::Relationship(t, id, r) if to_many(*t, *r) => {
                (PostKind::GetToManyRelationship, *t, Some(id), Some(*r))
            }
            Target::Relationship(t, id, r) => {
                (PostKind::GetToOneRelationship, *t, Some(id), Some(*r))
            }
            Target::Eval(t) => (PostKind::Eval, *t, None, None),
            Target::Create(t, _) => (PostKind::PostResource, *t, None, None),
            Target::Update(t, id, _) => (PostKind::PatchResource, *t, Some(id), None),
            Target::Delete(t, id) => (PostKind::DeleteResource, *t, Some(id), None),
            Target::RelationshipWrite(t, id, r, change, _) => {
                let kind = match change {
                    Change::Add => PostKind::PostRelationship,
                    Change::Replace | Change::Clear => PostKind::PatchRelationship,
                    Change::Remove => PostKind::DeleteRelationship,
                };
                (kind, *t, Some(id), Some(*r))
            }
        }
    }

    /// The request's scopes (V4), from its context; empty when no type has one.
    pub(super) fn scopes(&self, context: &Context) -> Result<Scopes, Error> {
        let types = &self.schema.types;
        if !self.has_scopes {
            return Ok(Scopes::default());
        }
        let resolve = |t: usize, scope: Option<&Scope>| -> Result<Option<Filter>, Error> {
            let Some(scope) = scope else {
                return Ok(None);
            };
            let condition = guarded("a scope", || (scope.0)(context))?;
            condition
                .map(|c| filter::parse_scope(&self.schema, t, &c, &self.config.operators))
                .transpose()
        };
        let mut scopes = Scopes::default();
        for (t, reg) in types.iter().enumerate() {
            scopes.read.push(resolve(t, reg.config.scope.as_ref())?);
            scopes
                .write
                .push(resolve(t, reg.config.write_scope.as_ref())?);
        }
        Ok(scopes)
    }

    /// Whether any hook, scope, validation or computed attribute needs the request context:
    /// the glue then fills it with the request's headers and the application's values.
    pub fn needs_context(&self) -> bool {
        self.needs_context
    }

    /// Works out [`needs_context`](Self::needs_context) once, at build time.
    pub(super) fn uses_context(
        config: &crate::config::ApiConfig,
        schema: &crate::schema::Schema,
    ) -> bool {
        !config.hooks.is_empty()
            || schema.types.iter().any(|t| {
                let c = &t.config;
                !c.hooks.is_empty()
                    || c.scope.is_some()
                    || c.write_scope.is_some()
                    || c.validation.is_some()
                    || c.serialization.is_some()
                    || c.deserialization.is_some()
                    || !c.computed.is_empty()
            })
    }
}

fn values(pre: &Pre<'_>) -> QueryValues {
    QueryValues {
        filters: pre.filters.clone(),
        sort: pre.sort.clone(),
        group_by: pre.group_by.clone(),
        single: pre.single,
    }
}

/// The members of `doc` a post-hook may change (U4.2).
fn hook_document(doc: &Document) -> Result<HookDocument, Error> {
    let value = serde_json::to_value(doc)
        .map_err(|e| Error::Internal(format!("a document did not serialize: {e}")))?;
    let Value::Object(mut map) = value else {
        return Err(Error::Internal("a document is not an object".into()));
    };
    let object = |v: Option<Value>| match v {
        Some(Value::Object(m)) => Some(m),
        _ => None,
    };
    Ok(HookDocument {
        data: map.remove("data"),
        links: object(map.remove("links")),
        meta: object(map.remove("meta")),
        included: match map.remove("included") {
            Some(Value::Array(items)) => Some(items),
            _ => None,
        },
        jsonapi: doc.jsonapi,
    })
}
