//! Filters (M) as SQL conditions: comparisons with the catalog's text and NULL rules,
//! patterns, and relationship filters as correlated `EXISTS` subqueries.

use super::{text_column, text_value};
use crate::backend::{Dialect, Sql};
use crate::meta::{FieldMeta, RelationshipKind, ValueKind};
use crate::query::filter::{Filter, Now, Pattern};
use crate::value::SqlValue;

fn operand_column(sql: &mut Sql, alias: &str, field: &FieldMeta) {
    if field.kind == ValueKind::Text {
        text_column(sql, alias, field.column);
    } else {
        sql.column(alias, field.column);
    }
}

fn operand_value(sql: &mut Sql, kind: ValueKind, value: SqlValue) {
    if kind == ValueKind::Text {
        text_value(sql, value);
    } else {
        sql.bind(value);
    }
}

/// Appends a filter on the rows of `alias` (M). Relationship filters become correlated
/// `EXISTS` subqueries, so every level is one statement.
pub(crate) fn push_filter(sql: &mut Sql, filter: &Filter, alias: &str, now: Option<&Now>) {
    match filter {
        Filter::And(parts) | Filter::Or(parts) if parts.is_empty() => {
            sql.push(if matches!(filter, Filter::And(_)) {
                "1 = 1"
            } else {
                "1 = 0"
            });
        }
        Filter::And(parts) | Filter::Or(parts) => {
            let joiner = if matches!(filter, Filter::And(_)) {
                " AND "
            } else {
                " OR "
            };
            sql.push("(");
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    sql.push(joiner);
                }
                push_filter(sql, p, alias, now);
            }
            sql.push(")");
        }
        Filter::Not(inner) => {
            sql.push("NOT (");
            push_filter(sql, inner, alias, now);
            sql.push(")");
        }
        Filter::Const(b) => {
            sql.push(if *b { "1 = 1" } else { "1 = 0" });
        }
        Filter::Compare { field, op, operand } => {
            operand_column(sql, alias, field);
            sql.push(op.sql());
            operand_value(sql, field.kind, operand.value(now));
        }
        Filter::CompareField { field, op, other } => {
            let text = field.kind == ValueKind::Text;
            if text {
                text_column(sql, alias, field.column);
                sql.push(op.sql());
                text_column(sql, alias, other.column);
            } else {
                sql.column(alias, field.column)
                    .push(op.sql())
                    .column(alias, other.column);
            }
        }
        Filter::In {
            values, negated, ..
        } if values.is_empty() => {
            // `x NOT IN ()` holds for every row, NULL included.
            sql.push(if *negated { "1 = 1" } else { "1 = 0" });
        }
        Filter::In {
            column,
            kind,
            values,
            negated,
        } => {
            if *kind == ValueKind::Text {
                text_column(sql, alias, column);
            } else {
                sql.column(alias, column);
            }
            sql.push(if *negated { " NOT IN (" } else { " IN (" });
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                operand_value(sql, *kind, v.clone());
            }
            sql.push(")");
        }
        Filter::SelfCompare { column, holds } => {
            sql.column(alias, column)
                .push(if *holds { " = " } else { " <> " })
                .column(alias, column);
        }
        Filter::Null { column, negated } => {
            sql.column(alias, column)
                .push(if *negated { " IS NOT NULL" } else { " IS NULL" });
        }
        Filter::Like { field, op, pattern } => {
            push_like(sql, alias, field.column, *op, |sql| {
                sql.bind(SqlValue::Text(pattern.clone()));
            });
        }
        Filter::LikeField { field, op, other } => {
            let other = other.column;
            push_like(sql, alias, field.column, *op, |sql| {
                sql.column(alias, other);
            });
        }
        Filter::Related { hop, filter } => {
            let inner = sql.next_alias("f");
            sql.push("EXISTS (SELECT 1 FROM ");
            match hop.kind {
                RelationshipKind::ToOne { .. } => {
                    sql.ident(hop.target_table)
                        .push(" AS ")
                        .ident(&inner)
                        .push(" WHERE ");
                    sql.column(&inner, hop.target_key)
                        .push(" = ")
                        .column(alias, hop.foreign_key.unwrap_or_default());
                }
                RelationshipKind::ToMany { foreign_key, .. } => {
                    sql.ident(hop.target_table)
                        .push(" AS ")
                        .ident(&inner)
                        .push(" WHERE ");
                    sql.column(&inner, foreign_key)
                        .push(" = ")
                        .column(alias, hop.owner_key);
                }
                RelationshipKind::ManyToMany {
                    table,
                    local,
                    remote,
                } => {
                    let join = sql.next_alias("j");
                    sql.ident(table).push(" AS ").ident(&join).push(", ");
                    sql.ident(hop.target_table)
                        .push(" AS ")
                        .ident(&inner)
                        .push(" WHERE ");
                    sql.column(&join, local)
                        .push(" = ")
                        .column(alias, hop.owner_key)
                        .push(" AND ");
                    sql.column(&inner, hop.target_key)
                        .push(" = ")
                        .column(&join, remote);
                }
            }
            sql.push(" AND ");
            push_filter(sql, filter, &inner, now);
            sql.push(")");
        }
        Filter::Custom {
            field,
            template,
            operand,
        } => {
            sql.push("(");
            let mut rest: &str = template;
            while let Some(start) = rest.find('{') {
                sql.push(&rest[..start]);
                let after = &rest[start..];
                if let Some(tail) = after.strip_prefix("{column}") {
                    sql.column(alias, field.column);
                    rest = tail;
                } else if let Some(tail) = after.strip_prefix("{value}") {
                    let value = operand.as_ref().map_or(SqlValue::Null, |o| o.value(now));
                    sql.bind(value);
                    rest = tail;
                } else {
                    sql.push("{");
                    rest = &after[1..];
                }
            }
            sql.push(rest).push(")");
        }
    }
}

/// `LIKE` with `\` as the escape: case-sensitive for `like`/`not_like` on every backend
/// (SQLite runs these queries with `case_sensitive_like` on), case-folded for `ilike` (M3.4).
fn push_like(
    sql: &mut Sql,
    alias: &str,
    column: &str,
    op: Pattern,
    pattern: impl FnOnce(&mut Sql),
) {
    let dialect = sql.dialect();
    let folded = op == Pattern::ILike;
    if folded {
        sql.push("LOWER(");
    }
    sql.column(alias, column);
    if folded {
        sql.push(")");
    }
    if dialect == Dialect::Mysql {
        sql.push(" COLLATE utf8mb4_bin");
    }
    sql.push(if op == Pattern::NotLike {
        " NOT LIKE "
    } else {
        " LIKE "
    });
    if folded {
        sql.push("LOWER(");
    }
    pattern(sql);
    if folded {
        sql.push(")");
    }
    // MySQL's default escape is already the backslash (and its string syntax would need it
    // doubled); the others are told.
    if dialect != Dialect::Mysql {
        sql.push(" ESCAPE '\\'");
    }
}
