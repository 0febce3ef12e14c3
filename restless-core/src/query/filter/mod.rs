//! The filter language (catalog M): `filter[objects]` filter objects and `filter[NAME]` simple
//! filters, parsed and checked against the types before any SQL runs (M9).
//!
//! Every operand is typed by its field (M4) and later bound; nothing from a request reaches SQL
//! text.
//!
#![doc = include_str!("../../../../docs/filtering.md")]

use serde_json::Value;

use super::Param;
use crate::config::CustomOperator;
use crate::error::{Error, ErrorCode};
use crate::meta::{FieldMeta, RelationshipKind, ValueKind};
use crate::schema::Schema;
use crate::value::SqlValue;

/// The budget of M9.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FilterLimits {
    /// Most filter objects in one `filter[objects]`.
    pub objects: usize,
    /// Most nesting levels (`and`, `or`, `not`, `has`, `any` each add one).
    pub depth: usize,
    /// Most elements of an `in`/`not_in` array, or values of a simple filter.
    pub list: usize,
}

impl FilterLimits {
    /// The limits of scope conditions (V4.3): M9's budget does not apply; nesting stops at
    /// the depth JSON parsing allows anyway.
    pub(crate) fn unlimited() -> Self {
        FilterLimits {
            objects: usize::MAX,
            depth: 128,
            list: usize::MAX,
        }
    }
}

impl Default for FilterLimits {
    fn default() -> Self {
        FilterLimits {
            objects: 100,
            depth: 16,
            list: 1000,
        }
    }
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cmp {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    /// PostgreSQL's network operators (M3.1).
    ContainedBy,
    ContainedByOrEqual,
    Contains,
    ContainsOrEqual,
    Overlaps,
}

impl Cmp {
    pub(crate) fn sql(self) -> &'static str {
        match self {
            Cmp::Eq => " = ",
            Cmp::Ne => " <> ",
            Cmp::Gt => " > ",
            Cmp::Lt => " < ",
            Cmp::Ge => " >= ",
            Cmp::Le => " <= ",
            Cmp::ContainedBy => " << ",
            Cmp::ContainedByOrEqual => " <<= ",
            Cmp::Contains => " >> ",
            Cmp::ContainsOrEqual => " >>= ",
            Cmp::Overlaps => " && ",
        }
    }
}

/// A pattern operator (M3.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pattern {
    Like,
    ILike,
    NotLike,
}

/// A current-time marker (G4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Marker {
    CurrentTimestamp,
    CurrentDate,
    LocalTimestamp,
}

impl Marker {
    /// The marker spelled exactly `s` (G4.1, case-sensitive).
    pub(crate) fn parse(s: &str) -> Option<Marker> {
        match s {
            "CURRENT_TIMESTAMP" => Some(Marker::CurrentTimestamp),
            "CURRENT_DATE" => Some(Marker::CurrentDate),
            "LOCALTIMESTAMP" => Some(Marker::LocalTimestamp),
            _ => None,
        }
    }
}

/// A typed operand: a value, or a marker resolved once per request against the database clock.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Operand {
    Value(SqlValue),
    Marker(Marker, ValueKind),
}

/// The database's clock, read once per request (G4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Now {
    pub(crate) utc: chrono::NaiveDateTime,
    pub(crate) local: chrono::NaiveDateTime,
}

impl Operand {
    /// The value, with markers taken at `now`.
    pub(crate) fn value(&self, now: Option<&Now>) -> SqlValue {
        match (self, now) {
            (Operand::Value(v), _) => v.clone(),
            (Operand::Marker(m, kind), Some(now)) => {
                let ts = match m {
                    Marker::CurrentTimestamp => now.utc,
                    Marker::CurrentDate => now.utc.date().and_time(chrono::NaiveTime::MIN),
                    Marker::LocalTimestamp => now.local,
                };
                match kind {
                    ValueKind::Date => SqlValue::Date(ts.date()),
                    ValueKind::Time => SqlValue::Time(ts.time()),
                    ValueKind::TimestampTz => SqlValue::TimestampTz(ts.and_utc()),
                    _ => SqlValue::Timestamp(ts),
                }
            }
            (Operand::Marker(..), None) => SqlValue::Null,
        }
    }
}

/// A relationship as a filter follows it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Hop {
    pub(crate) kind: RelationshipKind,
    /// The owning type's key column (for to-many relationships).
    pub(crate) owner_key: &'static str,
    /// The owning type's foreign-key column (for to-one relationships).
    pub(crate) foreign_key: Option<&'static str>,
    pub(crate) target_table: crate::meta::Table,
    pub(crate) target_key: &'static str,
    /// The target type.
    pub(crate) target: usize,
}

/// A checked filter on one type.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Filter {
    /// Every one holds (`[]`: true).
    And(Vec<Filter>),
    /// Some one holds (`[]`: false).
    Or(Vec<Filter>),
    Not(Box<Filter>),
    Const(bool),
    Compare {
        field: &'static FieldMeta,
        op: Cmp,
        operand: Operand,
    },
    CompareField {
        field: &'static FieldMeta,
        op: Cmp,
        other: &'static FieldMeta,
    },
    /// `column IN (...)` on a field, or on a to-one relationship's foreign key.
    In {
        column: &'static str,
        kind: ValueKind,
        values: Vec<SqlValue>,
        negated: bool,
    },
    Null {
        column: &'static str,
        negated: bool,
    },
    /// `column = column` (`holds`) or `column <> column`: true or false for a value, unknown
    /// for NULL.
    SelfCompare {
        column: &'static str,
        holds: bool,
    },
    Like {
        field: &'static FieldMeta,
        op: Pattern,
        pattern: String,
    },
    LikeField {
        field: &'static FieldMeta,
        op: Pattern,
        other: &'static FieldMeta,
    },
    /// The related resource(s) through `hop` satisfy the filter (M5).
    Related {
        hop: Hop,
        filter: Box<Filter>,
    },
    /// A comparison of a to-one relationship's linkage (its foreign key on the owner's row);
    /// `hop` lets a read scope on the target hide targets it excludes (V4.2).
    ToOne {
        hop: Hop,
        filter: Box<Filter>,
    },
    /// `then` where `cond` holds, unknown (NULL) elsewhere: a comparison with a foreign key
    /// whose target is out of scope behaves as one with a NULL foreign key.
    When {
        cond: Box<Filter>,
        then: Box<Filter>,
    },
    Custom {
        field: &'static FieldMeta,
        template: &'static str,
        operand: Option<Operand>,
    },
}

impl Filter {
    /// The filter with the read scope of each related type (V4.2) added inside its
    /// relationship filters: only in-scope related rows count for `has` and `any`.
    pub(crate) fn scoped(self, scopes: &[Option<Filter>]) -> Filter {
        match self {
            Filter::And(parts) => {
                Filter::And(parts.into_iter().map(|p| p.scoped(scopes)).collect())
            }
            Filter::Or(parts) => Filter::Or(parts.into_iter().map(|p| p.scoped(scopes)).collect()),
            Filter::Not(inner) => Filter::Not(Box::new(inner.scoped(scopes))),
            // An out-of-scope target is no target: the linkage is null (V4.2).
            Filter::ToOne { hop, filter } => match scopes.get(hop.target).cloned().flatten() {
                Some(scope) => {
                    let target = Filter::Related {
                        hop: hop.clone(),
                        filter: Box::new(scope),
                    };
                    match *filter {
                        // `is_null` holds for a hidden target, `is_not_null` does not.
                        Filter::Null { negated: false, .. } => {
                            Filter::Or(vec![*filter, Filter::Not(Box::new(target))])
                        }
                        Filter::Null { negated: true, .. } => Filter::And(vec![*filter, target]),
                        // A comparison with a hidden target is unknown, as with NULL (M2.4).
                        other => Filter::When {
                            cond: Box::new(target),
                            then: Box::new(other),
                        },
                    }
                }
                None => Filter::ToOne { hop, filter },
            },
            Filter::Related { hop, filter } => {
                let inner = filter.scoped(scopes);
                let filter = match scopes.get(hop.target).cloned().flatten() {
                    Some(scope) => Filter::And(vec![inner, scope]),
                    None => inner,
                };
                Filter::Related {
                    hop,
                    filter: Box::new(filter),
                }
            }
            other => other,
        }
    }

    /// Whether any operand is a current-time marker.
    pub(crate) fn has_markers(&self) -> bool {
        match self {
            Filter::And(fs) | Filter::Or(fs) => fs.iter().any(Filter::has_markers),
            Filter::Not(f)
            | Filter::Related { filter: f, .. }
            | Filter::ToOne { filter: f, .. } => f.has_markers(),
            Filter::When { cond, then } => cond.has_markers() || then.has_markers(),
            Filter::Compare {
                operand: Operand::Marker(..),
                ..
            } => true,
            Filter::Custom {
                operand: Some(Operand::Marker(..)),
                ..
            } => true,
            _ => false,
        }
    }
}

mod operand;
mod resolve;

pub(crate) use operand::expects;
use operand::{coerce, coerce_id};
use resolve::Resolver;

/// A JSON value read as a value of `kind` the way a filter operand is, strictly (no text for
/// numbers, no current-time markers): how a cursor's values are read back (I6.2).
pub(crate) fn exact_value(kind: ValueKind, v: &Value) -> Option<SqlValue> {
    match coerce(kind, v, false) {
        Ok(Operand::Value(value)) => Some(value),
        _ => None,
    }
}

pub(super) fn invalid(parameter: &str, detail: String) -> Error {
    Error::bad_query(ErrorCode::InvalidFilter, parameter, detail)
}

/// The JSON syntax of `filter[objects]` (M1.2, checkable before any type is known, B4.1 step 5):
/// the array of filter objects.
///
/// # Errors
/// [`Error::BadQuery`] with code `invalid_filter`.
pub(crate) fn check_syntax(param: &Param, limits: FilterLimits) -> Result<Vec<Value>, Error> {
    let parsed: Value = serde_json::from_str(&param.value).map_err(|e| {
        // The parser's own depth limit trips before the filter budget can be checked.
        if e.to_string().contains("recursion limit") {
            invalid(
                &param.name,
                format!(
                    "{} exceeds the limit of {} nesting levels.",
                    param.name, limits.depth
                ),
            )
        } else {
            invalid(&param.name, format!("{} is not valid JSON.", param.name))
        }
    })?;
    match parsed {
        Value::Array(items) => Ok(items),
        _ => Err(invalid(
            &param.name,
            format!("{} must be a JSON array of filter objects.", param.name),
        )),
    }
}

/// Parses `filter[objects]` for type `t` (M1, M2).
///
/// # Errors
/// [`Error::BadQuery`] with code `invalid_filter` and the catalog's details.
pub(crate) fn parse_objects(
    schema: &Schema,
    t: usize,
    param: &Param,
    limits: FilterLimits,
    operators: &[CustomOperator],
) -> Result<Filter, Error> {
    let items = check_syntax(param, limits)?;
    let mut r = Resolver {
        schema,
        limits,
        operators,
        objects: 0,
        all_fields: false,
    };
    let parts = items
        .iter()
        .enumerate()
        .map(|(i, v)| r.object(t, v, &format!("[{i}]"), 0))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Filter::And(parts))
}

/// Parses a scope condition of type `t` (V4.3): one filter object or an array of them, naming
/// any field of the model, hidden ones included, without M9's budget.
///
/// # Errors
/// [`Error::Internal`]: an invalid scope is a server bug.
pub(crate) fn parse_scope(
    schema: &Schema,
    t: usize,
    condition: &Value,
    operators: &[CustomOperator],
) -> Result<Filter, Error> {
    let mut r = Resolver {
        schema,
        limits: FilterLimits::unlimited(),
        operators,
        objects: 0,
        all_fields: true,
    };
    let items = match condition {
        Value::Array(items) => items.as_slice(),
        single => std::slice::from_ref(single),
    };
    let parts = items
        .iter()
        .enumerate()
        .map(|(i, v)| r.object(t, v, &format!("[{i}]"), 0))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            Error::Internal(format!(
                "the scope of type \"{}\" is invalid: {e}",
                schema.meta(t).type_name
            ))
        })?;
    Ok(Filter::And(parts))
}

/// Parses a simple filter `filter[NAME]=a,b` for type `t` (M7).
///
/// # Errors
/// [`Error::BadQuery`] with code `invalid_filter` and `source.parameter` the parameter's name.
pub(crate) fn parse_simple(
    schema: &Schema,
    t: usize,
    name: &str,
    param: &Param,
    limits: FilterLimits,
) -> Result<Filter, Error> {
    let fail = |detail: String| invalid(&param.name, detail);
    let values: Vec<&str> = param.value.split(',').collect();
    if values.len() > limits.list {
        return Err(fail(format!(
            "{} exceeds the limit of {} values.",
            param.name, limits.list
        )));
    }
    let meta = schema.meta(t);
    let ids = |kind: ValueKind| {
        values
            .iter()
            .filter_map(|v| SqlValue::parse_id(kind, v))
            .collect::<Vec<_>>()
    };
    if name == "id" {
        let key = meta.key();
        return Ok(Filter::In {
            column: key.column,
            kind: key.kind(),
            values: ids(key.kind()),
            negated: false,
        });
    }
    if let Some(f) = schema.attribute(t, name).map(|i| &meta.fields[i]) {
        let mut typed = Vec::with_capacity(values.len());
        for v in &values {
            match coerce(f.kind(), &Value::String((*v).to_owned()), true) {
                Ok(Operand::Value(x)) => typed.push(x),
                _ => {
                    return Err(fail(format!(
                        "{}: field \"{name}\" expects {}; got \"{v}\".",
                        param.name,
                        expects(f.kind())
                    )))
                }
            }
        }
        return Ok(Filter::In {
            column: f.column,
            kind: f.kind(),
            values: typed,
            negated: false,
        });
    }
    if let Some(r) = schema.rel_index(t, name) {
        let rel = *schema.rel(t, r);
        let target = schema.meta(rel.target);
        let keys = ids(target.key().kind());
        let resolver = Resolver {
            schema,
            limits,
            operators: &[],
            objects: 0,
            all_fields: false,
        };
        if let Some(fk) = schema.fk_field(t, r) {
            return Ok(Filter::ToOne {
                hop: resolver.hop(t, r),
                filter: Box::new(Filter::In {
                    column: fk.column,
                    kind: fk.kind(),
                    values: keys,
                    negated: false,
                }),
            });
        }
        let inner = Filter::In {
            column: target.key().column,
            kind: target.key().kind(),
            values: keys,
            negated: false,
        };
        return Ok(Filter::Related {
            hop: resolver.hop(t, r),
            filter: Box::new(inner),
        });
    }
    Err(fail(format!(
        "Type \"{}\" has no field \"{name}\" to filter on.",
        meta.type_name
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::sort::tests::schema;

    fn parse(t: usize, json: &str) -> Result<Filter, String> {
        let p = Param {
            name: "filter[objects]".into(),
            value: json.into(),
        };
        parse_objects(&schema(), t, &p, FilterLimits::default(), &[]).map_err(|e| e.to_string())
    }

    #[test]
    fn structure_errors_m1_2_m2_2() {
        let cases = [
            ("bogus", "filter[objects] is not valid JSON."),
            (r#"{"name":"age"}"#, "filter[objects] must be a JSON array of filter objects."),
            (r#"[{"name":"age","op":"gt","val":1}, {}, 3]"#, "Filter at [1]: missing \"name\"."),
            (r#"[{"and":[], "name":"x"}]"#, "Filter at [0]: \"and\" cannot be combined with other members."),
            (r#"[{"name":"age"}]"#, "Filter at [0]: missing \"op\"."),
            (r#"[{"name":"age","op":"eq","value":1}]"#, "Filter at [0]: unknown member \"value\"."),
            (r#"[{"or":[{"name":"age","op":"eq","val":1},{"name":"foo","op":"eq","val":1}]}]"#, "Filter at [0].or[1]: type \"person\" has no field \"foo\"."),
            (r#"[{"name":"age","op":"bogus","val":1}]"#, "Filter at [0]: unknown operator \"bogus\"."),
            (r#"[{"name":"age","op":"like","val":"1"}]"#, "Filter at [0]: operator \"like\" does not apply to field \"age\" (integer)."),
            (r#"[{"name":"age","op":"is_null","val":1}]"#, "Filter at [0]: operator \"is_null\" takes no operand."),
            (r#"[{"name":"age","op":"eq"}]"#, "Filter at [0]: operator \"eq\" needs \"val\" or \"field\"."),
            (r#"[{"name":"age","op":"eq","val":null}]"#, "Filter at [0]: to compare with null use \"is_null\" or \"is_not_null\"."),
            (r#"[{"name":"age","op":"in","val":1}]"#, "Filter at [0]: operator \"in\" needs an array."),
            (r#"[{"name":"age","op":"eq","val":"abc"}]"#, "Filter at [0]: field \"age\" expects an integer; got \"abc\"."),
            (r#"[{"name":"articles","op":"has","val":{}}]"#, "Filter at [0]: \"has\" applies to to-one relationships; \"articles\" is to-many (use \"any\")."),
            (r#"[{"name":"articles","op":"any","val":1}]"#, "Filter at [0]: \"val\" of \"any\" must be a filter object."),
            (r#"[{"name":"name","op":"eq","val":1}]"#, "Filter at [0]: field \"name\" expects a string; got 1."),
        ];
        for (json, want) in cases {
            assert_eq!(parse(0, json).unwrap_err(), want, "{json}");
        }
    }

    #[test]
    fn operands_are_typed_m4() {
        let age = |json: &str| match parse(0, json).unwrap() {
            Filter::And(mut v) => v.remove(0),
            other => panic!("{other:?}"),
        };
        let f = age(r#"[{"name":"age","op":"<","val":"30"}]"#);
        assert!(matches!(
            f,
            Filter::Compare {
                op: Cmp::Lt,
                operand: Operand::Value(SqlValue::Integer(30)),
                ..
            }
        ));
        // An id that cannot exist matches nothing (M4.7).
        assert_eq!(
            age(r#"[{"name":"id","op":"eq","val":"abc"}]"#),
            Filter::Const(false)
        );
        let f = age(r#"[{"name":"id","op":"in","val":[1,"3","x"]}]"#);
        assert!(
            matches!(f, Filter::In { ref values, negated: false, .. } if values == &vec![SqlValue::Integer(1), SqlValue::Integer(3)])
        );
    }

    #[test]
    fn limits_m9_1() {
        let deep = (0..17).fold(r#"{"name":"age","op":"is_null"}"#.to_owned(), |acc, _| {
            format!(r#"{{"not":{acc}}}"#)
        });
        assert_eq!(
            parse(0, &format!("[{deep}]")).unwrap_err(),
            "filter[objects] exceeds the limit of 16 nesting levels."
        );
        let many = vec![r#"{"name":"age","op":"is_null"}"#; 101].join(",");
        assert_eq!(
            parse(0, &format!("[{many}]")).unwrap_err(),
            "filter[objects] exceeds the limit of 100 filter objects."
        );
        let list = (0..1001)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(
            parse(
                0,
                &format!(r#"[{{"name":"age","op":"in","val":[{list}]}}]"#)
            )
            .unwrap_err(),
            "filter[objects] exceeds the limit of 1000 list elements."
        );
    }
}
