//! The filter language (catalog M): `filter[objects]` filter objects and `filter[NAME]` simple
//! filters, parsed and checked against the types before any SQL runs (M9).
//!
//! Every operand is typed by its field (M4) and later bound; nothing from a request reaches SQL
//! text.
//!
#![doc = include_str!("../../../docs/filtering.md")]

use serde_json::Value;

use super::Param;
use crate::config::CustomOperator;
use crate::error::{Error, ErrorCode};
use crate::meta::{FieldMeta, RelationshipKind, ValueKind};
use crate::schema::Schema;
use crate::temporal::Literal;
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
    pub(crate) target_table: &'static str,
    pub(crate) target_key: &'static str,
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
    Custom {
        field: &'static FieldMeta,
        template: &'static str,
        operand: Option<Operand>,
    },
}

impl Filter {
    /// Whether any operand is a current-time marker.
    pub(crate) fn has_markers(&self) -> bool {
        match self {
            Filter::And(fs) | Filter::Or(fs) => fs.iter().any(Filter::has_markers),
            Filter::Not(f) | Filter::Related { filter: f, .. } => f.has_markers(),
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

    /// Whether a pattern operator is used.
    pub(crate) fn has_patterns(&self) -> bool {
        match self {
            Filter::And(fs) | Filter::Or(fs) => fs.iter().any(Filter::has_patterns),
            Filter::Not(f) | Filter::Related { filter: f, .. } => f.has_patterns(),
            Filter::Like { .. } | Filter::LikeField { .. } => true,
            _ => false,
        }
    }
}

/// The name of a built-in operator, or `None`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Cmp(Cmp),
    In,
    NotIn,
    IsNull,
    IsNotNull,
    Pattern(Pattern),
    Has,
    Any,
    Network,
}

fn builtin(name: &str) -> Option<Op> {
    Some(match name {
        "==" | "eq" | "equals" | "equal_to" | "equals_to" => Op::Cmp(Cmp::Eq),
        "!=" | "ne" | "neq" | "not_equal_to" | "does_not_equal" | "<>" => Op::Cmp(Cmp::Ne),
        ">" | "gt" => Op::Cmp(Cmp::Gt),
        "<" | "lt" => Op::Cmp(Cmp::Lt),
        ">=" | "ge" | "gte" | "geq" => Op::Cmp(Cmp::Ge),
        "<=" | "le" | "lte" | "leq" => Op::Cmp(Cmp::Le),
        "in" => Op::In,
        "not_in" => Op::NotIn,
        "is_null" => Op::IsNull,
        "is_not_null" => Op::IsNotNull,
        "like" => Op::Pattern(Pattern::Like),
        "ilike" => Op::Pattern(Pattern::ILike),
        "not_like" => Op::Pattern(Pattern::NotLike),
        "has" => Op::Has,
        "any" => Op::Any,
        "<<" | "<<=" | ">>" | ">>=" | "&&" => Op::Network,
        _ => return None,
    })
}

/// How a kind is named in errors (M3.2).
fn kind_name(kind: ValueKind) -> &'static str {
    match kind {
        ValueKind::SmallInt | ValueKind::Integer | ValueKind::BigInt => "integer",
        ValueKind::Float | ValueKind::Double => "number",
        ValueKind::Text => "text",
        ValueKind::Bool => "boolean",
        ValueKind::Date => "date",
        ValueKind::Time => "time",
        ValueKind::Timestamp | ValueKind::TimestampTz => "timestamp",
        ValueKind::Uuid => "uuid",
        ValueKind::Interval => "interval",
    }
}

/// What a kind expects, in M4.6's and G6.1's words.
pub(crate) fn expects(kind: ValueKind) -> &'static str {
    match kind {
        ValueKind::SmallInt | ValueKind::Integer | ValueKind::BigInt => "an integer",
        ValueKind::Float | ValueKind::Double => "a number",
        ValueKind::Text => "a string",
        ValueKind::Bool => "a boolean",
        ValueKind::Date => "a date (YYYY-MM-DD)",
        ValueKind::Time => "a time (HH:MM:SS)",
        ValueKind::Timestamp | ValueKind::TimestampTz => "a timestamp (YYYY-MM-DDTHH:MM:SS)",
        ValueKind::Uuid => "a UUID",
        ValueKind::Interval => "a number of seconds",
    }
}

fn is_temporal(kind: ValueKind) -> bool {
    matches!(
        kind,
        ValueKind::Date | ValueKind::Time | ValueKind::Timestamp | ValueKind::TimestampTz
    )
}

/// The class of kinds that compare with each other (M4.5).
fn comparable(a: ValueKind, b: ValueKind) -> bool {
    let class = |k: ValueKind| match k {
        ValueKind::SmallInt
        | ValueKind::Integer
        | ValueKind::BigInt
        | ValueKind::Float
        | ValueKind::Double => 0,
        ValueKind::Timestamp | ValueKind::TimestampTz => 1,
        _ => 2,
    };
    match (class(a), class(b)) {
        (2, 2) => a == b,
        (x, y) => x == y,
    }
}

/// Coerces a JSON operand to `kind` (M4.1, M4.2); `Err` carries the "expects" sentence.
fn coerce(kind: ValueKind, v: &Value, lenient: bool) -> Result<Operand, ()> {
    let text = v.as_str();
    let int = |min: i64, max: i64| -> Result<i64, ()> {
        let n = match v {
            Value::Number(n) => n.as_i64().ok_or(())?,
            Value::String(s) if lenient => s.parse::<i64>().map_err(|_| ())?,
            _ => return Err(()),
        };
        if (min..=max).contains(&n) {
            Ok(n)
        } else {
            Err(())
        }
    };
    let value = match kind {
        ValueKind::SmallInt => SqlValue::SmallInt(int(i16::MIN.into(), i16::MAX.into())? as i16),
        ValueKind::Integer => SqlValue::Integer(int(i32::MIN.into(), i32::MAX.into())? as i32),
        ValueKind::BigInt => SqlValue::BigInt(int(i64::MIN, i64::MAX)?),
        ValueKind::Float | ValueKind::Double => {
            let f = match v {
                Value::Number(n) => n.as_f64().ok_or(())?,
                Value::String(s) if lenient => {
                    s.parse::<f64>().ok().filter(|f| f.is_finite()).ok_or(())?
                }
                _ => return Err(()),
            };
            if kind == ValueKind::Float {
                SqlValue::Float(f as f32)
            } else {
                SqlValue::Double(f)
            }
        }
        ValueKind::Text => SqlValue::Text(text.filter(|s| !s.contains('\0')).ok_or(())?.to_owned()),
        ValueKind::Bool => match v {
            Value::Bool(b) => SqlValue::Bool(*b),
            Value::String(s) if lenient && s == "true" => SqlValue::Bool(true),
            Value::String(s) if lenient && s == "false" => SqlValue::Bool(false),
            _ => return Err(()),
        },
        ValueKind::Uuid => SqlValue::Uuid(uuid::Uuid::parse_str(text.ok_or(())?).map_err(|_| ())?),
        k if is_temporal(k) => {
            let s = text.ok_or(())?;
            if let Some(m) = Marker::parse(s) {
                return Ok(Operand::Marker(m, k));
            }
            Literal::parse(s, k == ValueKind::Time)
                .and_then(|l| l.to_value(k))
                .ok_or(())?
        }
        _ => return Err(()),
    };
    Ok(Operand::Value(value))
}

/// An id operand of a key of `kind` (M4.7): `Ok(None)` when it names no resource.
fn coerce_id(kind: ValueKind, v: &Value) -> Result<Option<SqlValue>, ()> {
    match v {
        Value::String(s) => Ok(SqlValue::parse_id(kind, s)),
        Value::Number(_)
            if matches!(
                kind,
                ValueKind::SmallInt | ValueKind::Integer | ValueKind::BigInt
            ) =>
        {
            match coerce(kind, v, false) {
                Ok(Operand::Value(v)) => Ok(Some(v)),
                _ => Err(()),
            }
        }
        _ => Err(()),
    }
}

/// What a filter's `name` denotes.
enum Named {
    Field(&'static FieldMeta, bool),
    Relationship(usize),
}

/// Resolution state: the schema, the budget and the objects seen so far.
struct Resolver<'a> {
    schema: &'a Schema,
    limits: FilterLimits,
    operators: &'a [CustomOperator],
    objects: usize,
}

fn invalid(parameter: &str, detail: String) -> Error {
    Error::bad_query(ErrorCode::InvalidFilter, parameter, detail)
}

const P: &str = "filter[objects]";

impl Resolver<'_> {
    fn fail(&self, path: &str, detail: impl std::fmt::Display) -> Error {
        invalid(P, format!("Filter at {path}: {detail}"))
    }

    fn name(&self, t: usize, name: &str) -> Option<Named> {
        let meta = self.schema.meta(t);
        if name == "id" {
            return Some(Named::Field(meta.key(), true));
        }
        if let Some(i) = self.schema.attribute(t, name) {
            return Some(Named::Field(&meta.fields[i], false));
        }
        self.schema.rel_index(t, name).map(Named::Relationship)
    }

    fn field(&self, t: usize, name: &str, path: &str) -> Result<&'static FieldMeta, Error> {
        match self.name(t, name) {
            Some(Named::Field(f, _)) => Ok(f),
            _ => Err(self.fail(
                path,
                format!(
                    "type \"{}\" has no field \"{name}\".",
                    self.schema.meta(t).type_name
                ),
            )),
        }
    }

    fn object(&mut self, t: usize, v: &Value, path: &str, depth: usize) -> Result<Filter, Error> {
        self.objects += 1;
        if self.objects > self.limits.objects {
            return Err(invalid(
                P,
                format!(
                    "{P} exceeds the limit of {} filter objects.",
                    self.limits.objects
                ),
            ));
        }
        if depth > self.limits.depth {
            return Err(invalid(
                P,
                format!(
                    "{P} exceeds the limit of {} nesting levels.",
                    self.limits.depth
                ),
            ));
        }
        let Some(obj) = v.as_object() else {
            return Err(self.fail(path, "expected a JSON object."));
        };
        for logical in ["and", "or", "not"] {
            if let Some(inner) = obj.get(logical) {
                if obj.len() > 1 {
                    return Err(self.fail(
                        path,
                        format!("\"{logical}\" cannot be combined with other members."),
                    ));
                }
                let inner_path = format!("{path}.{logical}");
                return if logical == "not" {
                    if !inner.is_object() {
                        return Err(self.fail(path, "\"not\" must hold a filter object."));
                    }
                    Ok(Filter::Not(Box::new(self.object(
                        t,
                        inner,
                        &inner_path,
                        depth + 1,
                    )?)))
                } else {
                    let Some(items) = inner.as_array() else {
                        return Err(self.fail(path, format!("\"{logical}\" must hold an array.")));
                    };
                    let parts = items
                        .iter()
                        .enumerate()
                        .map(|(i, x)| self.object(t, x, &format!("{inner_path}[{i}]"), depth + 1))
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok(if logical == "and" {
                        Filter::And(parts)
                    } else {
                        Filter::Or(parts)
                    })
                };
            }
        }
        if let Some(unknown) = obj
            .keys()
            .find(|k| !matches!(k.as_str(), "name" | "op" | "val" | "field"))
        {
            return Err(self.fail(path, format!("unknown member \"{unknown}\".")));
        }
        let name = match obj.get("name") {
            Some(Value::String(s)) => s.as_str(),
            _ => return Err(self.fail(path, "missing \"name\".")),
        };
        let op_name = match obj.get("op") {
            Some(Value::String(s)) => s.as_str(),
            _ => return Err(self.fail(path, "missing \"op\".")),
        };
        let val = obj.get("val");
        let field = obj.get("field");
        if val.is_some() && field.is_some() {
            return Err(self.fail(path, "\"val\" and \"field\" cannot both be given."));
        }
        let named = self.name(t, name).ok_or_else(|| {
            self.fail(
                path,
                format!(
                    "type \"{}\" has no field \"{name}\".",
                    self.schema.meta(t).type_name
                ),
            )
        })?;
        if let Some(custom) = self.operators.iter().find(|o| o.name == op_name) {
            return self.custom(t, custom, named, name, val, field, path);
        }
        let op = builtin(op_name)
            .ok_or_else(|| self.fail(path, format!("unknown operator \"{op_name}\".")))?;
        let not_applicable = |what: &str| {
            self.fail(
                path,
                format!("operator \"{op_name}\" does not apply to field \"{name}\" ({what})."),
            )
        };
        match named {
            Named::Relationship(r) => {
                let rel = *self.schema.rel(t, r);
                let to_many = rel.is_to_many();
                match op {
                    Op::Has | Op::Any => {
                        if op == Op::Has && to_many {
                            return Err(self.fail(path, format!("\"has\" applies to to-one relationships; \"{name}\" is to-many (use \"any\").")));
                        }
                        if op == Op::Any && !to_many {
                            return Err(self.fail(path, format!("\"any\" applies to to-many relationships; \"{name}\" is to-one (use \"has\").")));
                        }
                        let inner = match val {
                            Some(v @ Value::Object(_)) => v,
                            _ => {
                                return Err(self.fail(
                                    path,
                                    format!("\"val\" of \"{op_name}\" must be a filter object."),
                                ))
                            }
                        };
                        let filter =
                            self.object(rel.target, inner, &format!("{path}.val"), depth + 1)?;
                        Ok(Filter::Related {
                            hop: self.hop(t, r),
                            filter: Box::new(filter),
                        })
                    }
                    _ if to_many => Err(not_applicable("to-many relationship")),
                    Op::IsNull | Op::IsNotNull => {
                        self.no_operand(op_name, val, field, path)?;
                        let column = self
                            .schema
                            .fk_field(t, r)
                            .map(|f| f.column)
                            .unwrap_or_default();
                        Ok(Filter::Null {
                            column,
                            negated: op == Op::IsNotNull,
                        })
                    }
                    Op::Cmp(Cmp::Eq | Cmp::Ne) | Op::In | Op::NotIn => {
                        let fk = self
                            .schema
                            .fk_field(t, r)
                            .ok_or_else(|| not_applicable("relationship"))?;
                        let key_kind = self.schema.meta(rel.target).key().kind;
                        let negated = matches!(op, Op::NotIn | Op::Cmp(Cmp::Ne));
                        let list = matches!(op, Op::In | Op::NotIn);
                        if field.is_some() {
                            return Err(self.fail(
                                path,
                                format!("operator \"{op_name}\" cannot compare with a field."),
                            ));
                        }
                        let sent = match val {
                            Some(Value::Array(items)) if list => items.len(),
                            _ => 1,
                        };
                        let values = self.id_values(key_kind, val, list, op_name, path, name)?;
                        if values.is_empty() && sent > 0 {
                            // Only ids that cannot exist: compared with them, a NULL foreign
                            // key stays unknown, as in SQL (M2.4, M4.7).
                            return Ok(Filter::SelfCompare {
                                column: fk.column,
                                holds: negated,
                            });
                        }
                        Ok(Filter::In {
                            column: fk.column,
                            kind: fk.kind,
                            values,
                            negated,
                        })
                    }
                    _ => Err(not_applicable("to-one relationship")),
                }
            }
            Named::Field(f, is_key) => match op {
                Op::Has | Op::Any | Op::Network => Err(not_applicable(kind_name(f.kind))),
                Op::IsNull | Op::IsNotNull if is_key => Err(not_applicable(kind_name(f.kind))),
                Op::IsNull | Op::IsNotNull => {
                    self.no_operand(op_name, val, field, path)?;
                    Ok(Filter::Null {
                        column: f.column,
                        negated: op == Op::IsNotNull,
                    })
                }
                Op::Pattern(p) => {
                    if f.kind != ValueKind::Text {
                        return Err(not_applicable(kind_name(f.kind)));
                    }
                    if let Some(other) = field {
                        let other = self.other_field(t, f, other, path)?;
                        return Ok(Filter::LikeField {
                            field: f,
                            op: p,
                            other,
                        });
                    }
                    match self.operand_value(op_name, val, path)? {
                        Value::String(s) if !s.contains('\0') => Ok(Filter::Like {
                            field: f,
                            op: p,
                            pattern: s.clone(),
                        }),
                        other => Err(self.fail(
                            path,
                            format!("field \"{name}\" expects a string; got {other}."),
                        )),
                    }
                }
                Op::Cmp(c) => {
                    if let Some(other) = field {
                        let other = self.other_field(t, f, other, path)?;
                        return Ok(Filter::CompareField {
                            field: f,
                            op: c,
                            other,
                        });
                    }
                    let v = self.operand_value(op_name, val, path)?;
                    if is_key && matches!(c, Cmp::Eq | Cmp::Ne) {
                        let ids = self.id_values(f.kind, Some(v), false, op_name, path, name)?;
                        return Ok(match ids.into_iter().next() {
                            Some(id) => Filter::Compare {
                                field: f,
                                op: c,
                                operand: Operand::Value(id),
                            },
                            // An id that cannot exist (M4.7).
                            None => Filter::Const(c == Cmp::Ne),
                        });
                    }
                    let operand = coerce(f.kind, v, true).map_err(|()| {
                        self.fail(
                            path,
                            format!("field \"{name}\" expects {}; got {v}.", expects(f.kind)),
                        )
                    })?;
                    Ok(Filter::Compare {
                        field: f,
                        op: c,
                        operand,
                    })
                }
                Op::In | Op::NotIn => {
                    if field.is_some() {
                        return Err(self.fail(
                            path,
                            format!("operator \"{op_name}\" cannot compare with a field."),
                        ));
                    }
                    let negated = op == Op::NotIn;
                    if is_key {
                        let values = self.id_values(f.kind, val, true, op_name, path, name)?;
                        return Ok(Filter::In {
                            column: f.column,
                            kind: f.kind,
                            values,
                            negated,
                        });
                    }
                    let items = self.list(op_name, val, path)?;
                    let mut values = Vec::with_capacity(items.len());
                    for item in items {
                        if item.is_null() {
                            return Err(self.fail(
                                path,
                                "to compare with null use \"is_null\" or \"is_not_null\".",
                            ));
                        }
                        match coerce(f.kind, item, true) {
                            Ok(Operand::Value(v)) => values.push(v),
                            _ => {
                                return Err(self.fail(
                                    path,
                                    format!(
                                        "field \"{name}\" expects {}; got {item}.",
                                        expects(f.kind)
                                    ),
                                ))
                            }
                        }
                    }
                    Ok(Filter::In {
                        column: f.column,
                        kind: f.kind,
                        values,
                        negated,
                    })
                }
            },
        }
    }

    fn hop(&self, t: usize, r: usize) -> Hop {
        let rel = *self.schema.rel(t, r);
        let target = self.schema.meta(rel.target);
        Hop {
            kind: rel.kind,
            owner_key: self.schema.meta(t).key().column,
            foreign_key: self.schema.fk_field(t, r).map(|f| f.column),
            target_table: target.table,
            target_key: target.key().column,
        }
    }

    fn no_operand(
        &self,
        op: &str,
        val: Option<&Value>,
        field: Option<&Value>,
        path: &str,
    ) -> Result<(), Error> {
        if val.is_some() || field.is_some() {
            Err(self.fail(path, format!("operator \"{op}\" takes no operand.")))
        } else {
            Ok(())
        }
    }

    fn operand_value<'v>(
        &self,
        op: &str,
        val: Option<&'v Value>,
        path: &str,
    ) -> Result<&'v Value, Error> {
        match val {
            None => Err(self.fail(
                path,
                format!("operator \"{op}\" needs \"val\" or \"field\"."),
            )),
            Some(Value::Null) => Err(self.fail(
                path,
                "to compare with null use \"is_null\" or \"is_not_null\".",
            )),
            Some(v) => Ok(v),
        }
    }

    fn list<'v>(
        &self,
        op: &str,
        val: Option<&'v Value>,
        path: &str,
    ) -> Result<&'v Vec<Value>, Error> {
        let items = match self.operand_value(op, val, path)? {
            Value::Array(items) => items,
            _ => return Err(self.fail(path, format!("operator \"{op}\" needs an array."))),
        };
        if items.len() > self.limits.list {
            return Err(invalid(
                P,
                format!(
                    "{P} exceeds the limit of {} list elements.",
                    self.limits.list
                ),
            ));
        }
        Ok(items)
    }

    /// Ids of a key of `kind` (M4.2, M4.7): unparsable ones are dropped.
    fn id_values(
        &self,
        kind: ValueKind,
        val: Option<&Value>,
        list: bool,
        op: &str,
        path: &str,
        name: &str,
    ) -> Result<Vec<SqlValue>, Error> {
        let single;
        let items: &[Value] = if list {
            self.list(op, val, path)?
        } else {
            single = [self.operand_value(op, val, path)?.clone()];
            &single
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            if item.is_null() {
                return Err(self.fail(
                    path,
                    "to compare with null use \"is_null\" or \"is_not_null\".",
                ));
            }
            match coerce_id(kind, item) {
                Ok(Some(v)) => out.push(v),
                Ok(None) => {}
                Err(()) => {
                    return Err(
                        self.fail(path, format!("field \"{name}\" expects an id; got {item}."))
                    )
                }
            }
        }
        Ok(out)
    }

    fn other_field(
        &self,
        t: usize,
        f: &'static FieldMeta,
        other: &Value,
        path: &str,
    ) -> Result<&'static FieldMeta, Error> {
        let name = other
            .as_str()
            .ok_or_else(|| self.fail(path, "\"field\" must name a field."))?;
        let g = self.field(t, name, path)?;
        if !comparable(f.kind, g.kind) {
            return Err(self.fail(
                path,
                format!(
                    "field \"{}\" ({}) cannot be compared with field \"{}\" ({}).",
                    f.name,
                    kind_name(f.kind),
                    g.name,
                    kind_name(g.kind)
                ),
            ));
        }
        Ok(g)
    }

    #[allow(clippy::too_many_arguments, reason = "the parts of one filter object")]
    fn custom(
        &self,
        _t: usize,
        op: &CustomOperator,
        named: Named,
        name: &str,
        val: Option<&Value>,
        field: Option<&Value>,
        path: &str,
    ) -> Result<Filter, Error> {
        let Named::Field(f, _) = named else {
            return Err(self.fail(
                path,
                format!(
                    "operator \"{}\" does not apply to field \"{name}\" (relationship).",
                    op.name
                ),
            ));
        };
        if !op.kinds.is_empty() && !op.kinds.contains(&f.kind) {
            return Err(self.fail(
                path,
                format!(
                    "operator \"{}\" does not apply to field \"{name}\" ({}).",
                    op.name,
                    kind_name(f.kind)
                ),
            ));
        }
        if op.unary {
            self.no_operand(op.name, val, field, path)?;
            return Ok(Filter::Custom {
                field: f,
                template: op.template,
                operand: None,
            });
        }
        if field.is_some() {
            return Err(self.fail(
                path,
                format!("operator \"{}\" cannot compare with a field.", op.name),
            ));
        }
        let v = self.operand_value(op.name, val, path)?;
        let operand = coerce(f.kind, v, true).map_err(|()| {
            self.fail(
                path,
                format!("field \"{name}\" expects {}; got {v}.", expects(f.kind)),
            )
        })?;
        Ok(Filter::Custom {
            field: f,
            template: op.template,
            operand: Some(operand),
        })
    }
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
    };
    let parts = items
        .iter()
        .enumerate()
        .map(|(i, v)| r.object(t, v, &format!("[{i}]"), 0))
        .collect::<Result<Vec<_>, _>>()?;
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
            kind: key.kind,
            values: ids(key.kind),
            negated: false,
        });
    }
    if let Some(f) = schema.attribute(t, name).map(|i| &meta.fields[i]) {
        let mut typed = Vec::with_capacity(values.len());
        for v in &values {
            match coerce(f.kind, &Value::String((*v).to_owned()), true) {
                Ok(Operand::Value(x)) => typed.push(x),
                _ => {
                    return Err(fail(format!(
                        "{}: field \"{name}\" expects {}; got \"{v}\".",
                        param.name,
                        expects(f.kind)
                    )))
                }
            }
        }
        return Ok(Filter::In {
            column: f.column,
            kind: f.kind,
            values: typed,
            negated: false,
        });
    }
    if let Some(r) = schema.rel_index(t, name) {
        let rel = *schema.rel(t, r);
        let target = schema.meta(rel.target);
        let keys = ids(target.key().kind);
        if let Some(fk) = schema.fk_field(t, r) {
            return Ok(Filter::In {
                column: fk.column,
                kind: fk.kind,
                values: keys,
                negated: false,
            });
        }
        let resolver = Resolver {
            schema,
            limits,
            operators: &[],
            objects: 0,
        };
        let inner = Filter::In {
            column: target.key().column,
            kind: target.key().kind,
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
