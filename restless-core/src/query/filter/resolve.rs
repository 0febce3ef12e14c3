//! Resolving filter objects against the types (M2–M5, M9): names, operators, operands.

use serde_json::Value;

use super::operand::{comparable, expects, kind_name};
use super::{coerce, coerce_id, invalid, Cmp, Filter, FilterLimits, Hop, Operand, Pattern};
use crate::config::CustomOperator;
use crate::error::Error;
use crate::meta::{FieldMeta, ValueKind};
use crate::schema::Schema;
use crate::value::SqlValue;

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
    Network(Cmp),
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
        "<<" => Op::Network(Cmp::ContainedBy),
        "<<=" => Op::Network(Cmp::ContainedByOrEqual),
        ">>" => Op::Network(Cmp::Contains),
        ">>=" => Op::Network(Cmp::ContainsOrEqual),
        "&&" => Op::Network(Cmp::Overlaps),
        _ => return None,
    })
}

/// The network operators compare addresses and networks (PostgreSQL, M3.1) like any other
/// comparison; on other fields they do not apply.
fn network_as_cmp(op: Op, f: &FieldMeta) -> Op {
    match op {
        Op::Network(c) if matches!(f.kind().base(), ValueKind::Inet | ValueKind::Cidr) => {
            Op::Cmp(c)
        }
        other => other,
    }
}

/// What a filter's `name` denotes.
enum Named {
    Field(&'static FieldMeta, bool),
    Relationship(usize),
}

/// Resolution state: the schema, the budget and the objects seen so far.
pub(super) struct Resolver<'a> {
    pub(super) schema: &'a Schema,
    pub(super) limits: FilterLimits,
    pub(super) operators: &'a [CustomOperator],
    pub(super) objects: usize,
    /// Every field and relationship of the model is a name, hidden and foreign-key ones too
    /// (scopes, V4.3).
    pub(super) all_fields: bool,
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
        if self.all_fields {
            if let Some(f) = meta.fields.iter().find(|f| f.name == name) {
                return Some(Named::Field(f, f.role == crate::meta::FieldRole::Key));
            }
            return (0..self.schema.rels[t].len())
                .find(|&r| self.schema.rel(t, r).name == name)
                .map(Named::Relationship);
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

    pub(super) fn object(
        &mut self,
        t: usize,
        v: &Value,
        path: &str,
        depth: usize,
    ) -> Result<Filter, Error> {
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
                        Ok(Filter::ToOne {
                            hop: self.hop(t, r),
                            filter: Box::new(Filter::Null {
                                column,
                                negated: op == Op::IsNotNull,
                            }),
                        })
                    }
                    Op::Cmp(Cmp::Eq | Cmp::Ne) | Op::In | Op::NotIn => {
                        let fk = self
                            .schema
                            .fk_field(t, r)
                            .ok_or_else(|| not_applicable("relationship"))?;
                        let key_kind = self.schema.meta(rel.target).key().kind();
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
                        let compare = if values.is_empty() && sent > 0 {
                            // Only ids that cannot exist: compared with them, a NULL foreign
                            // key stays unknown, as in SQL (M2.4, M4.7).
                            Filter::SelfCompare {
                                column: fk.column,
                                holds: negated,
                            }
                        } else {
                            Filter::In {
                                column: fk.column,
                                kind: fk.kind(),
                                values,
                                negated,
                            }
                        };
                        Ok(Filter::ToOne {
                            hop: self.hop(t, r),
                            filter: Box::new(compare),
                        })
                    }
                    _ => Err(not_applicable("to-one relationship")),
                }
            }
            Named::Field(f, is_key) => match network_as_cmp(op, f) {
                // Network operators take no `field` operand (M4.5).
                _ if matches!(op, Op::Network(_)) && field.is_some() => Err(self.fail(
                    path,
                    format!("operator \"{op_name}\" cannot compare with a field."),
                )),
                // JSON is only null or not (G1.3).
                _ if f.kind().is_json() && !matches!(op, Op::IsNull | Op::IsNotNull) => {
                    Err(not_applicable(kind_name(f.kind())))
                }
                Op::Has | Op::Any | Op::Network(_) => Err(not_applicable(kind_name(f.kind()))),
                Op::IsNull | Op::IsNotNull if is_key => Err(not_applicable(kind_name(f.kind()))),
                Op::IsNull | Op::IsNotNull => {
                    self.no_operand(op_name, val, field, path)?;
                    Ok(Filter::Null {
                        column: f.column,
                        negated: op == Op::IsNotNull,
                    })
                }
                Op::Pattern(p) => {
                    if f.kind().base() != ValueKind::Text {
                        return Err(not_applicable(kind_name(f.kind())));
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
                        Value::String(s) if ends_with_escape(s) => Err(self.fail(
                            path,
                            format!(
                                "pattern for field \"{name}\" ends with an unpaired escape character."
                            ),
                        )),
                        Value::String(s) if !s.contains('\0') => {
                            Ok(Filter::Like {
                                field: f,
                                op: p,
                                pattern: s.clone(),
                            })
                        }
                        other => Err(self.fail(
                            path,
                            format!("field \"{name}\" expects a string; got {other}."),
                        )),
                    }
                }
                // An SQL type of the application's own has no order (G1.3).
                Op::Cmp(c)
                    if f.kind().base() == ValueKind::Enum && !matches!(c, Cmp::Eq | Cmp::Ne) =>
                {
                    Err(not_applicable(kind_name(f.kind())))
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
                        let ids = self.id_values(f.kind(), Some(v), false, op_name, path, name)?;
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
                    let operand = coerce(f.kind(), v, true).map_err(|()| {
                        self.fail(
                            path,
                            format!("field \"{name}\" expects {}; got {v}.", expects(f.kind())),
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
                        let values = self.id_values(f.kind(), val, true, op_name, path, name)?;
                        return Ok(Filter::In {
                            column: f.column,
                            kind: f.kind(),
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
                        match coerce(f.kind(), item, true) {
                            Ok(Operand::Value(v)) => values.push(v),
                            _ => {
                                return Err(self.fail(
                                    path,
                                    format!(
                                        "field \"{name}\" expects {}; got {item}.",
                                        expects(f.kind())
                                    ),
                                ))
                            }
                        }
                    }
                    Ok(Filter::In {
                        column: f.column,
                        kind: f.kind(),
                        values,
                        negated,
                    })
                }
            },
        }
    }

    pub(super) fn hop(&self, t: usize, r: usize) -> Hop {
        let rel = *self.schema.rel(t, r);
        let target = self.schema.meta(rel.target);
        Hop {
            kind: rel.kind,
            owner_key: self.schema.meta(t).key().column,
            foreign_key: self.schema.fk_field(t, r).map(|f| f.column),
            target_table: target.table,
            target_key: target.key().column,
            target: rel.target,
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
        if !comparable(f.kind(), g.kind()) {
            return Err(self.fail(
                path,
                format!(
                    "field \"{}\" ({}) cannot be compared with field \"{}\" ({}).",
                    f.name,
                    kind_name(f.kind()),
                    g.name,
                    kind_name(g.kind())
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
        if !op.kinds.is_empty() && !op.kinds.contains(&f.kind().base()) {
            return Err(self.fail(
                path,
                format!(
                    "operator \"{}\" does not apply to field \"{name}\" ({}).",
                    op.name,
                    kind_name(f.kind())
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
        let operand = coerce(f.kind(), v, true).map_err(|()| {
            self.fail(
                path,
                format!("field \"{name}\" expects {}; got {v}.", expects(f.kind())),
            )
        })?;
        Ok(Filter::Custom {
            field: f,
            template: op.template,
            operand: Some(operand),
        })
    }
}

/// Whether a pattern ends with an unpaired `\\` (an escape of nothing: PostgreSQL refuses it,
/// the others disagree on its meaning).
fn ends_with_escape(pattern: &str) -> bool {
    pattern.bytes().rev().take_while(|b| *b == b'\\').count() % 2 == 1
}
