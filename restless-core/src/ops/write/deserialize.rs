//! The deserialization hook (V6.2): the request's resource object, rewritten or refused by the
//! application, and the values it gives hidden and skipped fields.

use serde_json::{Map, Value};

use super::super::fetch::Ctx;
use crate::error::{Error, ErrorCode};
use crate::hook::{guarded, HookError, Incoming};
use crate::meta::FieldRole;
use crate::query::filter::Operand;
use crate::request;

/// A document as the hook left it, and the values it gave (field index, value).
pub(super) type Deserialized = (Map<String, Value>, Vec<(usize, Operand)>);

/// Runs type `t`'s deserialization hook on `doc`, if it has one.
///
/// # Errors
/// The hook's refusal as `deserialization_failed` with its status; a value for a field that is
/// not hidden or skipped, or of the wrong type, is the server's fault (500).
pub(super) fn deserialize(
    ctx: &Ctx<'_>,
    t: usize,
    doc: &Map<String, Value>,
    create: bool,
) -> Result<Option<Deserialized>, Error> {
    let Some(hook) = &ctx.schema.types[t].config.deserialization else {
        return Ok(None);
    };
    let data = doc
        .get("data")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut incoming = Incoming::new(create, data);
    if let Err(e) = guarded("a deserialization hook", || {
        (hook.0)(ctx.context, &mut incoming)
    })? {
        let code = ErrorCode::DeserializationFailed;
        return Err(Error::Hook(
            HookError::new(e.status)
                .code(code.as_str())
                .title(code.title())
                .detail(e.detail),
        ));
    }
    let meta = ctx.schema.meta(t);
    let mut values = Vec::with_capacity(incoming.values.len());
    for (name, value) in &incoming.values {
        let writable = |i: usize| {
            let f = &meta.fields[i];
            f.name == name
                && (f.role == FieldRole::Skipped
                    || (f.role == FieldRole::Attribute && !ctx.schema.visible_field(t, i)))
        };
        let i = (0..meta.fields.len()).find(|&i| writable(i)).ok_or_else(|| {
            Error::Internal(format!(
                "a deserialization hook of type \"{}\" set \"{name}\", which is no hidden or skipped field",
                meta.type_name
            ))
        })?;
        let operand = request::attribute_value(&meta.fields[i], value).map_err(|e| {
            Error::Internal(format!(
                "a deserialization hook of type \"{}\" set \"{name}\" to an invalid value: {e}",
                meta.type_name
            ))
        })?;
        values.push((i, operand));
    }
    let mut doc = doc.clone();
    doc.insert("data".into(), Value::Object(incoming.resource));
    Ok(Some((doc, values)))
}
