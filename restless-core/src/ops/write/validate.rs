//! The validation hook (V5.1): the resource as the write would leave it, checked by the
//! application before anything is written.

use serde_json::{Map, Value};

use super::super::fetch::Ctx;
use crate::document::ResourceObject;
use crate::error::{Error, ErrorCode, Problem};
use crate::hook::{guarded, Prospective};
use crate::request;

/// The prospective state: `before` (updates), then the request's attributes and linkage.
pub(super) struct State<'a> {
    pub(super) id: Option<&'a str>,
    pub(super) before: Option<&'a ResourceObject>,
    pub(super) attributes: Option<&'a Map<String, Value>>,
    pub(super) relationships: Vec<(String, Value)>,
}

/// Runs type `t`'s validation hook, if any: its problems are 400 `validation_failed`, one
/// error object each, in pointer order.
pub(super) fn validate(ctx: &Ctx<'_>, t: usize, state: State<'_>) -> Result<(), Error> {
    let Some(validation) = &ctx.schema.types[t].config.validation else {
        return Ok(());
    };
    let mut attributes = state
        .before
        .and_then(|b| b.attributes.clone())
        .unwrap_or_default();
    let mut relationships = Map::new();
    if let Some(rels) = state.before.and_then(|b| b.relationships.as_ref()) {
        for (name, object) in rels {
            if let Some(data) = object.get("data") {
                relationships.insert(name.clone(), data.clone());
            }
        }
    }
    if let Some(sent) = state.attributes {
        for (name, value) in sent {
            attributes.insert(name.clone(), value.clone());
        }
    }
    for (name, linkage) in state.relationships {
        relationships.insert(name, linkage);
    }
    let prospective = Prospective {
        type_name: ctx.schema.meta(t).type_name,
        id: state.id.map(str::to_owned),
        attributes,
        relationships,
    };
    let found = guarded("a validation hook", || {
        (validation.0)(ctx.context, &prospective)
    })?;
    if found.is_empty() {
        return Ok(());
    }
    let mut problems: Vec<Problem> = found
        .into_iter()
        .map(|(field, message)| {
            let pointer = if field.is_empty() {
                "/data".to_owned()
            } else if ctx.schema.rel_index(t, &field).is_some() {
                format!("/data/relationships/{}", request::escape(&field))
            } else {
                format!("/data/attributes/{}", request::escape(&field))
            };
            let detail = if field.is_empty() {
                message
            } else {
                format!("{field}: {message}")
            };
            Problem {
                code: ErrorCode::ValidationFailed,
                pointer: Some(pointer),
                detail,
            }
        })
        .collect();
    problems.sort_by(|a, b| request::pointer_order(a.pointer.as_deref(), b.pointer.as_deref()));
    Err(Error::Document(problems))
}

/// The linkage of each relationship object the request sends.
pub(super) fn sent_linkage(relationships: Option<&Map<String, Value>>) -> Vec<(String, Value)> {
    relationships
        .into_iter()
        .flatten()
        .filter_map(|(name, object)| Some((name.clone(), object.get("data")?.clone())))
        .collect()
}

/// A to-many linkage after adding (`add`) or removing the identifiers of `change`.
pub(super) fn changed_linkage(before: Option<&Value>, change: &Value, add: bool) -> Value {
    let same = |a: &Value, b: &Value| a.get("type") == b.get("type") && a.get("id") == b.get("id");
    let mut members: Vec<Value> = before
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for item in change.as_array().into_iter().flatten() {
        if add {
            if !members.iter().any(|m| same(m, item)) {
                members.push(item.clone());
            }
        } else {
            members.retain(|m| !same(m, item));
        }
    }
    Value::Array(members)
}
