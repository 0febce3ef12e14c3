//! Filters (M) as SQL conditions: comparisons with the catalog's text and NULL rules,
//! patterns, and relationship filters as correlated `EXISTS` subqueries.

use super::{text_column, text_value};
use crate::backend::{Dialect, Sql};
use crate::meta::{FieldMeta, RelationshipKind, ValueKind};
use crate::query::filter::{Filter, Now, Pattern};
use crate::value::SqlValue;

fn operand_column(sql: &mut Sql, alias: &str, field: &FieldMeta) {
    if field.kind().base() == ValueKind::Text {
        text_column(sql, alias, field.column);
    } else {
        sql.column(alias, field.column);
    }
}

fn operand_value(sql: &mut Sql, kind: ValueKind, value: SqlValue) {
    if kind.base() == ValueKind::Text {
        text_value(sql, value);
    } else {
        sql.bind(value);
    }
}

/// Appends a filter on the rows of `alias` (M). Relationship filters become correlated
/// `EXISTS` subqueries, so every level is one statement.
pub(crate) fn push_filter(sql: &mut Sql, filter: &Filter, alias: &str, now: Option<&Now>) {
    // The client shapes the statement: never cached.
    sql.shaped();
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
        Filter::ToOne { filter, .. } => push_filter(sql, filter, alias, now),
        Filter::When { cond, then } => {
            sql.push("(CASE WHEN ");
            push_filter(sql, cond, alias, now);
            sql.push(" THEN ");
            push_filter(sql, then, alias, now);
            sql.push(" END)");
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
            operand_value(sql, field.kind(), operand.value(now));
        }
        Filter::CompareField { field, op, other } => {
            let text = field.kind().base() == ValueKind::Text;
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
            if kind.base() == ValueKind::Text {
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
            let sqlite_glob = sql.dialect() == Dialect::Sqlite && *op != Pattern::ILike;
            push_like(sql, alias, field.column, *op, |sql| {
                let pattern = if sqlite_glob {
                    like_to_glob(pattern)
                } else {
                    pattern.clone()
                };
                sql.bind(SqlValue::Text(pattern));
            });
        }
        Filter::LikeField { field, op, other } => {
            let other = other.column;
            let sqlite_glob = sql.dialect() == Dialect::Sqlite && *op != Pattern::ILike;
            push_like(sql, alias, field.column, *op, |sql| {
                if sqlite_glob {
                    push_glob_of_column(sql, alias, other);
                } else {
                    utf8_column(sql, alias, other);
                }
            });
        }
        Filter::Related { hop, filter } => {
            let inner = sql.next_alias("f");
            sql.push("EXISTS (SELECT 1 FROM ");
            match hop.kind {
                RelationshipKind::ToOne { .. } => {
                    sql.table(hop.target_table)
                        .push(" AS ")
                        .ident(&inner)
                        .push(" WHERE ");
                    sql.column(&inner, hop.target_key)
                        .push(" = ")
                        .column(alias, hop.foreign_key.unwrap_or_default());
                }
                RelationshipKind::ToMany { foreign_key, .. } => {
                    sql.table(hop.target_table)
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
                    sql.table(table).push(" AS ").ident(&join).push(", ");
                    sql.table(hop.target_table)
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

/// A case-sensitive pattern match for `like`/`not_like` and a case-folded one for `ilike`
/// (M3.4), without touching any connection setting (M3.5):
///
/// - PostgreSQL: `LIKE` (case-sensitive) with `\` as the escape; `ilike` compares `LOWER`s.
/// - MariaDB/MySQL: the column converted to utf8mb4 under its binary collation, so a column of
///   any charset and collation matches by code point; `\` is the default escape.
/// - SQLite: `GLOB`, which is case-sensitive by itself, with the pattern translated from `LIKE`
///   syntax ([`like_to_glob`]); `ilike` uses `LIKE`, which folds ASCII case.
fn push_like(
    sql: &mut Sql,
    alias: &str,
    column: &str,
    op: Pattern,
    pattern: impl FnOnce(&mut Sql),
) {
    let dialect = sql.dialect();
    let folded = op == Pattern::ILike;
    let negated = op == Pattern::NotLike;
    if folded {
        sql.push("LOWER(");
    }
    utf8_column(sql, alias, column);
    if folded {
        sql.push(")");
    }
    match dialect {
        Dialect::Mysql => {
            sql.push(" COLLATE utf8mb4_nopad_bin");
        }
        // A nondeterministic collation cannot match patterns at all.
        Dialect::Postgres => {
            sql.push(" COLLATE \"C\"");
        }
        Dialect::Sqlite => {}
    }
    let keyword = match (dialect, folded) {
        (Dialect::Sqlite, false) => "GLOB",
        _ => "LIKE",
    };
    sql.push(if negated { " NOT " } else { " " })
        .push(keyword)
        .push(" ");
    if folded {
        sql.push("LOWER(");
    }
    pattern(sql);
    if folded {
        sql.push(")");
    }
    // MySQL's default escape is already the backslash (and its string syntax would need it
    // doubled); GLOB has none, its pattern is translated.
    if dialect == Dialect::Postgres || (dialect == Dialect::Sqlite && folded) {
        sql.push(" ESCAPE '\\'");
    }
}

/// A column as text in the connection's character set: on MariaDB/MySQL
/// `CONVERT(col USING utf8mb4)`, so that a `latin1` or `utf8mb3` column compares with utf8mb4
/// operands by code point (M3.5); the plain column elsewhere.
pub(super) fn utf8_column(sql: &mut Sql, alias: &str, column: &str) {
    if sql.dialect() == Dialect::Mysql {
        sql.push("CONVERT(")
            .column(alias, column)
            .push(" USING utf8mb4)");
    } else {
        sql.column(alias, column);
    }
}

/// Translates a `LIKE` pattern (`%`, `_`, `\` escaping the next character) into the `GLOB`
/// pattern matching the same strings: `*`, `?`, and the characters special to `GLOB` (`*`, `?`,
/// `[`) written as one-character classes. A trailing lone `\` is refused before this runs.
pub(crate) fn like_to_glob(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        let literal = match c {
            '%' => {
                out.push('*');
                continue;
            }
            '_' => {
                out.push('?');
                continue;
            }
            '\\' => match chars.next() {
                Some(next) => next,
                None => break,
            },
            other => other,
        };
        match literal {
            '*' => out.push_str("[*]"),
            '?' => out.push_str("[?]"),
            '[' => out.push_str("[[]"),
            other => out.push(other),
        }
    }
    out
}

/// The `GLOB` pattern of a `LIKE` pattern held in a column, translated in SQL as
/// [`like_to_glob`] does: escaped `\\`, `\%` and `\_` are set aside as control characters
/// U+0001–U+0003 first (so a pattern containing those characters cannot be told apart from
/// them), other escapes drop their backslash, and the rest is rewritten.
fn push_glob_of_column(sql: &mut Sql, alias: &str, column: &str) {
    // Innermost first: each pair is one REPLACE(…, from, to).
    const STEPS: [(&str, &str); 11] = [
        ("'\\\\'", "char(1)"),
        ("'\\%'", "char(2)"),
        ("'\\_'", "char(3)"),
        ("'\\'", "''"),
        ("'['", "'[[]'"),
        ("'*'", "'[*]'"),
        ("'?'", "'[?]'"),
        ("'%'", "'*'"),
        ("'_'", "'?'"),
        ("char(2)", "'%'"),
        ("char(3)", "'_'"),
    ];
    for _ in 0..=STEPS.len() {
        sql.push("REPLACE(");
    }
    sql.column(alias, column);
    for (from, to) in STEPS {
        sql.push(", ").push(from).push(", ").push(to).push(")");
    }
    sql.push(", char(1), '\\')");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_become_globs_m3_4() {
        for (like, glob) in [
            ("abc", "abc"),
            ("a%", "a*"),
            ("_b%", "?b*"),
            ("100\\%", "100%"),
            ("a\\_b", "a_b"),
            ("a\\\\b", "a\\b"),
            ("what?*", "what[?][*]"),
            ("[x]", "[[]x]"),
            ("\\[\\*", "[[][*]"),
            ("\\a", "a"),
            ("", ""),
            ("é_%", "é?*"),
        ] {
            assert_eq!(like_to_glob(like), glob, "{like}");
        }
    }
}
