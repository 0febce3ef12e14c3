//! The `auth` example's access rules, built from restless's hooks and scopes over the blog's
//! types: bearer tokens name people, people see only themselves, and articles change only at
//! their authors' hands.

use std::collections::HashMap;
use std::sync::Arc;

use restless::hook::Hooks;
use restless::{Context, HookError, PostKind, PreKind, ResourceConfig};
use serde_json::{json, Value};

use crate::db::Custom;

/// The person a request's bearer token names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Caller(pub(crate) i32);

/// Parses `API_TOKENS`: `token:person_id,...`.
pub(crate) fn parse_tokens(spec: &str) -> Result<HashMap<String, i32>, String> {
    spec.split(',')
        .filter(|entry| !entry.trim().is_empty())
        .map(|entry| {
            let (token, id) = entry
                .trim()
                .split_once(':')
                .ok_or_else(|| format!("{entry:?} is not token:person_id"))?;
            let id = id
                .parse()
                .map_err(|_| format!("{id:?} is not a person id"))?;
            Ok((token.to_owned(), id))
        })
        .collect()
}

/// The token of an `Authorization: Bearer <token>` header.
fn bearer(ctx: &Context) -> Option<&str> {
    let value = ctx.header("Authorization")?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn caller(ctx: &Context) -> Option<i32> {
    ctx.get::<Caller>().map(|c| c.0)
}

/// `field = caller`; nothing matches without a caller.
fn is_caller(field: &str, ctx: &Context) -> Option<Value> {
    Some(match caller(ctx) {
        Some(id) => json!({"name": field, "op": "eq", "val": id}),
        None => json!({"name": field, "op": "is_null"}),
    })
}

/// The rules, as additions to the blog's API.
pub(crate) fn rules(tokens: HashMap<String, i32>) -> Custom {
    let mut hooks = Hooks::default();
    // Every route but the root answers 401 without a known token (the root runs no hooks).
    for kind in PreKind::ALL {
        hooks.pre(kind, |req| match caller(req.context()) {
            Some(_) => Ok(()),
            None => Err(HookError::new(401)
                .code("unauthorized")
                .title("Unauthorized")
                .detail("A valid bearer token is required.")
                .www_authenticate("Bearer")),
        });
    }
    // Every document says who asked.
    for kind in PostKind::ALL {
        hooks.post(kind, |res| {
            let caller = caller(res.context()).map(|id| id.to_string());
            if let (Some(doc), Some(caller)) = (res.document.as_mut(), caller) {
                doc.meta_mut()
                    .insert("caller".into(), Value::String(caller));
            }
            Ok(())
        });
    }
    let types = Arc::new(|name: &str, config: ResourceConfig| match name {
        // Other people do not exist for the caller.
        "person" => config.scope(|ctx| is_caller("id", ctx)),
        "article" => config
            // Only the author changes an article (403 for anyone else).
            .write_scope(|ctx| {
                let mine = is_caller("author_id", ctx)?;
                // `is_null` of a nullable author would match unowned articles: never those.
                Some(json!([mine, {"name": "author_id", "op": "is_not_null"}]))
            })
            // A new article without an author is the caller's.
            .pre(PreKind::PostResource, |req| {
                let caller = caller(req.context());
                let data = req
                    .document
                    .as_mut()
                    .and_then(|doc| doc.get_mut("data"))
                    .and_then(Value::as_object_mut);
                if let (Some(data), Some(caller)) = (data, caller) {
                    let relationships = data.entry("relationships").or_insert_with(|| json!({}));
                    if let Some(relationships) = relationships.as_object_mut() {
                        relationships.entry("author").or_insert_with(
                            || json!({"data": {"type": "person", "id": caller.to_string()}}),
                        );
                    }
                }
                Ok(())
            }),
        _ => config,
    });
    Custom {
        types: Some(types),
        hooks,
        context: Some(Arc::new(move |_req, ctx| {
            if let Some(id) = bearer(ctx).and_then(|t| tokens.get(t)) {
                ctx.insert(Caller(*id));
            }
        })),
    }
}
