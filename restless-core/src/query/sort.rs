//! `sort`, `group_by` and `ignore_case` (catalog J).

use super::Param;
use crate::error::{Error, ErrorCode};
use crate::meta::FieldRole;
use crate::schema::Schema;

/// Most sort or group fields (J1.10, J2.3).
pub(crate) const MAX_SORT_FIELDS: usize = 16;

/// A sort or group field: a path of to-one relationships, then a field of the type reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SortTerm {
    /// Relationship indices, each of the type reached so far.
    pub(crate) path: Vec<usize>,
    /// The type the path reaches.
    pub(crate) at: usize,
    /// Index into that type's `fields` (the key or an attribute).
    pub(crate) field: usize,
    /// Descending order.
    pub(crate) desc: bool,
}

/// Resolves `sort` from type `t` (J1.1–J1.5, J1.10).
pub(crate) fn resolve_sort(
    schema: &Schema,
    t: usize,
    param: &Param,
) -> Result<Vec<SortTerm>, Error> {
    resolve(schema, t, param, ErrorCode::InvalidSort, "sort")
}

/// Resolves `group_by` from type `t` (J2).
pub(crate) fn resolve_group(
    schema: &Schema,
    t: usize,
    param: &Param,
) -> Result<Vec<SortTerm>, Error> {
    resolve(schema, t, param, ErrorCode::InvalidGroupBy, "group")
}

fn resolve(
    schema: &Schema,
    t: usize,
    param: &Param,
    code: ErrorCode,
    noun: &str,
) -> Result<Vec<SortTerm>, Error> {
    let invalid = |detail: String| Error::bad_query(code, &param.name, detail);
    if param.value.is_empty() {
        return Ok(Vec::new());
    }
    let items: Vec<&str> = param.value.split(',').collect();
    if items.len() > MAX_SORT_FIELDS {
        return Err(invalid(format!(
            "Too many {noun} fields (limit {MAX_SORT_FIELDS})."
        )));
    }
    let mut terms = Vec::with_capacity(items.len());
    for item in items {
        let (desc, name) = match item.strip_prefix('-') {
            Some(rest) if code == ErrorCode::InvalidSort => (true, rest),
            _ => (false, item),
        };
        if name.is_empty() {
            return Err(invalid(format!("Empty sort field in \"{}\".", param.value)));
        }
        if code == ErrorCode::InvalidSort && (name.starts_with('+') || name.starts_with(' ')) {
            return Err(invalid(format!(
                "Unknown sort field \"{name}\"; ascending order has no prefix."
            )));
        }
        let segments: Vec<&str> = name.split('.').collect();
        let mut at = t;
        let mut path = Vec::new();
        let (last, rels) = segments.split_last().unwrap_or((&"", &[]));
        for seg in rels {
            let Some(r) = schema.rel_index(at, seg) else {
                return Err(invalid(unknown(schema, at, seg)));
            };
            if schema.rel(at, r).is_to_many() {
                return Err(invalid(format!(
                    "Cannot sort by \"{name}\": \"{seg}\" is a to-many relationship."
                )));
            }
            path.push(r);
            at = schema.rel(at, r).target;
        }
        let meta = schema.meta(at);
        let field = if *last == "id" {
            Some(meta.primary_key)
        } else {
            meta.fields
                .iter()
                .position(|f| f.name == *last && f.role == FieldRole::Attribute)
        };
        let Some(field) = field else {
            if let Some(r) = schema.rel_index(at, last) {
                let target = schema.meta(schema.rel(at, r).target);
                let example = target.attributes().next().map_or("id", |f| f.name);
                return Err(invalid(format!(
                    "Cannot sort by relationship \"{name}\"; name one of its attributes, e.g. \"{name}.{example}\"."
                )));
            }
            return Err(invalid(unknown(schema, at, last)));
        };
        terms.push(SortTerm {
            path,
            at,
            field,
            desc,
        });
    }
    Ok(terms)
}

/// J1.5's detail, also used for `group_by` (J2.2).
fn unknown(schema: &Schema, at: usize, name: &str) -> String {
    format!(
        "Type \"{}\" has no sortable field \"{name}\".",
        schema.meta(at).type_name
    )
}

/// `ignore_case`: `0`/absent or `1` (J1.8).
pub(crate) fn ignore_case(param: Option<&Param>) -> Result<bool, Error> {
    match param.map(|p| p.value.as_str()) {
        None | Some("0") => Ok(false),
        Some("1") => Ok(true),
        Some(other) => {
            let name = param.map_or("ignore_case", |p| p.name.as_str());
            Err(Error::bad_query(
                ErrorCode::InvalidQueryParameter,
                name,
                format!("{name} must be 0 or 1; got \"{other}\"."),
            ))
        }
    }
}
