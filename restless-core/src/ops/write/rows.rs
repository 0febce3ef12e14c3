//! The rows a write touches: resolving linkage, INSERT and UPDATE of the resource itself.

use std::collections::HashSet;

use crate::backend::{Database, Dialect, Sql};
use crate::error::{Error, ErrorCode, Problem};
use crate::meta::ValueKind;
use crate::ops::objects;
use crate::ops::Db;
use crate::query::filter::Now;
use crate::request::{self, Ident, Linkage, RelInput, ResourceInput};
use crate::schema::Schema;
use crate::value::SqlValue;

/// The keys of the resources each relationship input names, checking that they exist
/// (O2.1 step 15, collected 404s).
pub(super) fn resolve_targets<C: Database>(
    db: &mut Db<'_, C>,
    schema: &Schema,
    t: usize,
    rels: &[RelInput],
) -> Result<Vec<Vec<SqlValue>>, Error> {
    let mut problems = Vec::new();
    let mut out = Vec::with_capacity(rels.len());
    for rel in rels {
        let target = schema.rel(t, rel.r).target;
        let target_meta = schema.meta(target);
        let idents: Vec<&Ident> = match &rel.linkage {
            Linkage::One(None) => Vec::new(),
            Linkage::One(Some(i)) => vec![i],
            Linkage::Many(is) => is.iter().collect(),
        };
        let mut keys = Vec::new();
        let mut seen = HashSet::new();
        let parsed: Vec<(Option<SqlValue>, &Ident)> = idents
            .iter()
            .map(|i| (SqlValue::parse_id(target_meta.key().kind(), &i.id), *i))
            .collect();
        let candidates: Vec<SqlValue> = parsed.iter().filter_map(|(k, _)| k.clone()).collect();
        let found: HashSet<String> = existing(db, schema, target, &candidates)?
            .into_iter()
            .filter_map(|k| k.to_id())
            .collect();
        for (k, ident) in parsed {
            match k {
                Some(k) if found.contains(&ident.id) => {
                    if seen.insert(ident.id.clone()) {
                        keys.push(k);
                    }
                }
                _ => problems.push(Problem {
                    code: ErrorCode::ResourceNotFound,
                    pointer: Some(ident.pointer.clone()),
                    detail: format!(
                        "No resource of type \"{}\" with id \"{}\".",
                        target_meta.type_name, ident.id
                    ),
                }),
            }
        }
        out.push(keys);
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        problems.sort_by(|a, b| request::pointer_order(a.pointer.as_deref(), b.pointer.as_deref()));
        Err(Error::Document(problems))
    }
}

/// The keys among `keys` that exist in type `t`.
pub(super) fn existing<C: Database>(
    db: &mut Db<'_, C>,
    schema: &Schema,
    t: usize,
    keys: &[SqlValue],
) -> Result<Vec<SqlValue>, Error> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    objects::scoped_keys(db, schema, t, keys, false)
}

/// V4.4: every row of `keys` (of type `t`) is within the type's write scope, else 403
/// `forbidden` naming the first that is not.
pub(super) fn check_write_scope<C: Database>(
    db: &mut Db<'_, C>,
    schema: &Schema,
    t: usize,
    keys: &[SqlValue],
) -> Result<(), Error> {
    if keys.is_empty() || db.scopes.write(t).is_none() {
        return Ok(());
    }
    let allowed: HashSet<String> = objects::scoped_keys(db, schema, t, keys, true)?
        .iter()
        .filter_map(SqlValue::to_id)
        .collect();
    let Some(key) = keys
        .iter()
        .find(|k| k.to_id().is_none_or(|id| !allowed.contains(&id)))
    else {
        return Ok(());
    };
    let type_name = schema.meta(t).type_name;
    // A row the request cannot see is not named (V4.2).
    let visible =
        !objects::scoped_keys(db, schema, t, std::slice::from_ref(key), false)?.is_empty();
    let detail = if visible {
        format!(
            "The resource of type \"{type_name}\" with id \"{}\" cannot be changed by this request.",
            key.to_id().unwrap_or_default()
        )
    } else {
        format!(
            "A resource of type \"{type_name}\" it would change cannot be changed by this request."
        )
    };
    Err(Error::Missing {
        code: crate::error::ErrorCode::Forbidden,
        detail,
    })
}

/// The column values of an INSERT or UPDATE: attributes, then to-one foreign keys.
pub(super) fn assignments(
    schema: &Schema,
    t: usize,
    input: &ResourceInput,
    targets: &[Vec<SqlValue>],
    now: Option<&Now>,
) -> Vec<(&'static str, SqlValue)> {
    let meta = schema.meta(t);
    // NULLs carry their column's type: PostgreSQL types every parameter.
    let typed = |v: SqlValue, kind| {
        if v == SqlValue::Null {
            SqlValue::TypedNull(kind)
        } else {
            v
        }
    };
    let mut out: Vec<(&'static str, SqlValue)> = input
        .attributes
        .iter()
        .map(|(i, v)| {
            (
                meta.fields[*i].column,
                typed(v.value(now), meta.fields[*i].kind()),
            )
        })
        .collect();
    for (rel, keys) in input.relationships.iter().zip(targets) {
        if let Some(fk) = schema.fk_field(t, rel.r) {
            out.push((
                fk.column,
                keys.first()
                    .cloned()
                    .unwrap_or(SqlValue::TypedNull(fk.kind())),
            ));
        }
    }
    out
}

pub(super) fn insert<C: Database>(
    db: &mut Db<'_, C>,
    schema: &Schema,
    t: usize,
    client_key: Option<SqlValue>,
    input: &ResourceInput,
    targets: &[Vec<SqlValue>],
    now: Option<&Now>,
) -> Result<SqlValue, Error> {
    let meta = schema.meta(t);
    let key = meta.key();
    let mut values = assignments(schema, t, input, targets, now);
    if let Some(k) = &client_key {
        values.insert(0, (key.column, k.clone()));
    }
    let mut sql = Sql::new(C::DIALECT);
    sql.push("INSERT INTO ").table(meta.table);
    if values.is_empty() {
        sql.push(if C::DIALECT == Dialect::Mysql {
            " () VALUES ()"
        } else {
            " DEFAULT VALUES"
        });
    } else {
        sql.push(" (");
        for (i, (column, _)) in values.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.ident(column);
        }
        sql.push(") VALUES (");
        for (i, (_, value)) in values.into_iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(value);
        }
        sql.push(")");
    }
    if let Some(k) = client_key {
        db.execute(sql)?;
        if C::DIALECT == Dialect::Postgres
            && matches!(
                key.kind().base(),
                ValueKind::SmallInt | ValueKind::Integer | ValueKind::BigInt
            )
        {
            // A client-chosen key does not advance PostgreSQL's sequence (SQLite and MySQL move
            // on by themselves): move it past the largest key, so generated keys never collide.
            let literal = |s: &str| format!("'{}'", s.replace('\'', "''"));
            // Only ever forward: never back below what the sequence already handed out.
            let mut seq = Sql::new(C::DIALECT);
            seq.push("SELECT setval(s, GREATEST((SELECT MAX(")
                .ident(key.column)
                .push(") FROM ")
                .table(meta.table);
            seq.push("), COALESCE(pg_sequence_last_value(s), 1)))")
                .alias(ValueKind::BigInt, 0);
            seq.push(" FROM (SELECT CAST(pg_get_serial_sequence(");
            seq.push(&literal(meta.table.sql(C::DIALECT)))
                .push(", ")
                .push(&literal(key.column))
                .push(") AS regclass) AS s) AS q");
            db.load(seq)?;
        }
        return Ok(k);
    }
    // MySQL has no RETURNING: the generated key is read back on the same connection.
    if C::DIALECT == Dialect::Mysql {
        db.execute(sql)?;
        let mut last = Sql::new(C::DIALECT);
        last.push("SELECT LAST_INSERT_ID()")
            .alias(ValueKind::BigInt, 0);
        let id = db.load(last)?.first().map(|r| r.get(0).clone());
        return match (id, key.kind()) {
            (Some(SqlValue::BigInt(n)), ValueKind::Integer) => i32::try_from(n)
                .map(SqlValue::Integer)
                .map_err(|e| Error::Internal(e.to_string())),
            (Some(SqlValue::BigInt(n)), ValueKind::SmallInt) => i16::try_from(n)
                .map(SqlValue::SmallInt)
                .map_err(|e| Error::Internal(e.to_string())),
            // A user key type takes the integer in its serde form (F1.3).
            (Some(SqlValue::BigInt(n)), ValueKind::User(codec)) => codec
                .from_json(&serde_json::Value::from(n))
                .map(|value| SqlValue::User(crate::value::UserValue { value, codec }))
                .map_err(Error::Internal),
            (Some(v @ SqlValue::BigInt(_)), _) => Ok(v),
            (other, _) => Err(Error::Internal(format!(
                "LAST_INSERT_ID returned {other:?}"
            ))),
        };
    }
    sql.push(" RETURNING ")
        .ident(key.column)
        .alias(key.kind(), 0);
    db.load(sql)?
        .first()
        .map(|r| r.get(0).clone())
        .ok_or_else(|| Error::Internal("INSERT returned no key".into()))
}

pub(super) fn update_row<C: Database>(
    db: &mut Db<'_, C>,
    schema: &Schema,
    t: usize,
    key: &SqlValue,
    input: &ResourceInput,
    targets: &[Vec<SqlValue>],
    now: Option<&Now>,
) -> Result<(), Error> {
    let meta = schema.meta(t);
    let values = assignments(schema, t, input, targets, now);
    if values.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new(C::DIALECT);
    sql.push("UPDATE ").table(meta.table).push(" SET ");
    for (i, (column, value)) in values.into_iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.ident(column).push(" = ").bind(value);
    }
    sql.push(" WHERE ")
        .ident(meta.key().column)
        .push(" = ")
        .bind(key.clone());
    db.execute(sql).map(|_| ())
}
