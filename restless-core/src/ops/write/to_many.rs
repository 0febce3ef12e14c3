//! To-many relationship changes: replace, add, remove (O5.5, P3.1, R2–R4), and the NOT NULL
//! foreign keys that forbid a removal (P3.2, Q1.3, R4.2).

use std::collections::HashSet;

use super::Change;
use crate::backend::{Database, Sql};
use crate::error::{Error, ErrorCode};
use crate::meta::RelationshipKind;
use crate::meta::Table;
use crate::ops::sql::{push_cond, Cond, IN_CHUNK, T0};
use crate::ops::Db;
use crate::schema::Schema;
use crate::value::SqlValue;

/// Whether the foreign key behind to-many relationship `r` admits NULL.
pub(super) fn fk_nullable(schema: &Schema, t: usize, r: usize) -> bool {
    let rel = schema.rel(t, r);
    match rel.kind {
        RelationshipKind::ToMany { foreign_key, .. } => schema
            .meta(rel.target)
            .fields
            .iter()
            .find(|f| f.column == foreign_key)
            .is_none_or(|f| f.nullable),
        _ => true,
    }
}

/// The name of the to-one relationship of the target that is the inverse of `r` (for details).
pub(super) fn inverse_name(schema: &Schema, t: usize, r: usize) -> &'static str {
    let rel = schema.rel(t, r);
    if let RelationshipKind::ToMany { foreign_key, .. } = rel.kind {
        for (i, back) in schema.rels[rel.target].iter().enumerate() {
            if schema
                .fk_field(rel.target, i)
                .is_some_and(|f| f.column == foreign_key)
            {
                return back.name;
            }
        }
        return foreign_key;
    }
    schema.meta(t).type_name
}

/// The members of to-many relationship `r` of `owner`, optionally only those among `among`.
pub(super) fn members<C: Database>(
    db: &mut Db<'_, C>,
    schema: &Schema,
    t: usize,
    r: usize,
    owner: &SqlValue,
    among: Option<&[SqlValue]>,
    scoped: bool,
) -> Result<Vec<SqlValue>, Error> {
    let rel = schema.rel(t, r);
    // Out-of-scope members do not exist for the request (V4.2), except to a deletion that
    // must clear every dependent row.
    let scope = db.scopes.read(rel.target).filter(|_| scoped).cloned();
    let now = db.now;
    let target = schema.meta(rel.target);
    let (table, owner_col, member_col, kind) = match rel.kind {
        RelationshipKind::ToMany { table, foreign_key } => {
            (table, foreign_key, target.key().column, target.key().kind())
        }
        RelationshipKind::ManyToMany {
            table,
            local,
            remote,
        } => (table, local, remote, target.key().kind()),
        RelationshipKind::ToOne { .. } => return Ok(Vec::new()),
    };
    let chunks: Vec<Option<&[SqlValue]>> = match among {
        None => vec![None],
        Some(among) => among.chunks(IN_CHUNK).map(Some).collect(),
    };
    let mut out = Vec::new();
    for among in chunks {
        let mut sql = Sql::new(C::DIALECT);
        sql.push("SELECT ")
            .column(T0, member_col)
            .alias(kind, 0)
            .push(" FROM ")
            .table(table)
            .push(" AS ")
            .ident(T0);
        sql.push(" WHERE ")
            .column(T0, owner_col)
            .push(" = ")
            .bind(owner.clone());
        if let Some(among) = among {
            sql.push(" AND ");
            push_cond(&mut sql, &Cond::In(member_col, among.to_vec()), None);
        }
        if let Some(scope) = &scope {
            crate::ops::objects::push_member_scope(
                &mut sql,
                schema,
                rel,
                member_col,
                scope,
                now.as_ref(),
            );
        }
        sql.push(" ORDER BY ").column(T0, member_col);
        out.extend(db.load(sql)?.into_iter().map(|r| r.get(0).clone()));
    }
    Ok(out)
}

/// Replaces, adds to or removes from to-many relationship `r` of `owner` (O5.5, P3.1, R2–R4).
#[allow(
    clippy::too_many_arguments,
    reason = "one relationship change, spelled out"
)]
pub(super) fn set_to_many<C: Database>(
    db: &mut Db<'_, C>,
    schema: &Schema,
    t: usize,
    r: usize,
    owner: &SqlValue,
    keys: &[SqlValue],
    change: Change,
    pointer: Option<&str>,
) -> Result<usize, Error> {
    let rel = *schema.rel(t, r);
    let target = schema.meta(rel.target);
    let ids: HashSet<String> = keys.iter().filter_map(SqlValue::to_id).collect();
    // A deletion clears every member, in scope or not; otherwise only in-scope members exist.
    let scoped = change != Change::Clear;
    let change = if scoped { change } else { Change::Replace };
    match rel.kind {
        RelationshipKind::ToOne { .. } => Ok(0),
        RelationshipKind::ToMany { table, foreign_key } => {
            let current = match change {
                Change::Add if db.scopes.write(rel.target).is_none() || keys.is_empty() => {
                    Vec::new()
                }
                Change::Add => members(db, schema, t, r, owner, Some(keys), scoped)?,
                Change::Replace | Change::Clear => members(db, schema, t, r, owner, None, scoped)?,
                Change::Remove if keys.is_empty() => Vec::new(),
                Change::Remove => members(db, schema, t, r, owner, Some(keys), scoped)?,
            };
            let removed: Vec<SqlValue> = match change {
                Change::Add => Vec::new(),
                Change::Replace | Change::Clear => current
                    .iter()
                    .filter(|k| k.to_id().is_none_or(|id| !ids.contains(&id)))
                    .cloned()
                    .collect(),
                Change::Remove => current.clone(),
            };
            // The rows whose foreign key changes must be within the target's write scope
            // (V4.4).
            if db.scopes.write(rel.target).is_some() {
                let present: HashSet<String> = current.iter().filter_map(SqlValue::to_id).collect();
                let mut changed = removed.clone();
                if change != Change::Remove {
                    changed.extend(
                        keys.iter()
                            .filter(|k| k.to_id().is_none_or(|id| !present.contains(&id)))
                            .cloned(),
                    );
                }
                super::rows::check_write_scope(db, schema, rel.target, &changed)?;
            }
            if let Some(first) = removed.first() {
                if !fk_nullable(schema, t, r) {
                    let detail = format!(
                        "Cannot remove \"{}\" \"{}\" from \"{}\": its \"{}\" relationship is required.",
                        target.type_name,
                        first.to_id().unwrap_or_default(),
                        rel.name,
                        inverse_name(schema, t, r)
                    );
                    return Err(match pointer {
                        Some(p) => Error::problem(ErrorCode::RequiredRelationship, p, detail),
                        None => Error::Missing {
                            code: ErrorCode::RequiredRelationship,
                            detail,
                        },
                    });
                }
                set_foreign_key(
                    db,
                    (table, foreign_key),
                    None,
                    Some(owner),
                    (target.key().column, &removed),
                )?;
            }
            if change != Change::Remove {
                set_foreign_key(
                    db,
                    (table, foreign_key),
                    Some(owner),
                    None,
                    (target.key().column, keys),
                )?;
            }
            Ok(removed.len())
        }
        RelationshipKind::ManyToMany {
            table,
            local,
            remote,
        } => {
            let mut removed = 0;
            let to_insert: Vec<SqlValue> = match change {
                Change::Replace | Change::Clear
                    if scoped && db.scopes.read(rel.target).is_some() =>
                {
                    // Links to out-of-scope targets stay.
                    let current = members(db, schema, t, r, owner, None, true)?;
                    for chunk in current.chunks(IN_CHUNK) {
                        removed += unlink(db, (table, local), owner, Some((remote, chunk)))?;
                    }
                    keys.to_vec()
                }
                Change::Replace | Change::Clear => {
                    removed = unlink(db, (table, local), owner, None)?;
                    keys.to_vec()
                }
                Change::Add if keys.is_empty() => Vec::new(),
                Change::Add => {
                    let present: HashSet<String> =
                        members(db, schema, t, r, owner, Some(keys), scoped)?
                            .iter()
                            .filter_map(SqlValue::to_id)
                            .collect();
                    keys.iter()
                        .filter(|k| k.to_id().is_none_or(|id| !present.contains(&id)))
                        .cloned()
                        .collect()
                }
                Change::Remove => {
                    for chunk in keys.chunks(IN_CHUNK) {
                        removed += unlink(db, (table, local), owner, Some((remote, chunk)))?;
                    }
                    Vec::new()
                }
            };
            // Two binds a row: half a chunk of rows per statement.
            for rows in to_insert.chunks(IN_CHUNK / 2) {
                let mut sql = Sql::new(C::DIALECT);
                sql.push("INSERT INTO ")
                    .table(table)
                    .push(" (")
                    .ident(local)
                    .push(", ")
                    .ident(remote)
                    .push(") VALUES ");
                for (i, k) in rows.iter().enumerate() {
                    if i > 0 {
                        sql.push(", ");
                    }
                    sql.push("(")
                        .bind(owner.clone())
                        .push(", ")
                        .bind(k.clone())
                        .push(")");
                }
                db.execute(sql)?;
            }
            Ok(removed)
        }
    }
}

/// `UPDATE table SET foreign_key = value WHERE [foreign_key = from AND] key IN (keys)`, in
/// chunks: moves the listed rows to a new owner, or with `None` lets them go (a literal NULL,
/// which fits a foreign key of any type).
fn set_foreign_key<C: Database>(
    db: &mut Db<'_, C>,
    (table, foreign_key): (Table, &str),
    value: Option<&SqlValue>,
    from: Option<&SqlValue>,
    (key, keys): (&str, &[SqlValue]),
) -> Result<(), Error> {
    for chunk in keys.chunks(IN_CHUNK) {
        let mut sql = Sql::new(C::DIALECT);
        sql.push("UPDATE ")
            .table(table)
            .push(" SET ")
            .ident(foreign_key)
            .push(" = ");
        match value {
            Some(v) => sql.bind(v.clone()),
            None => sql.push("NULL"),
        };
        sql.push(" WHERE ");
        if let Some(from) = from {
            sql.ident(foreign_key)
                .push(" = ")
                .bind(from.clone())
                .push(" AND ");
        }
        push_in(&mut sql, key, chunk);
        db.execute(sql)?;
    }
    Ok(())
}

/// `DELETE FROM table WHERE local = owner [AND remote IN (members)]`: drops join rows.
fn unlink<C: Database>(
    db: &mut Db<'_, C>,
    (table, local): (Table, &str),
    owner: &SqlValue,
    members: Option<(&str, &[SqlValue])>,
) -> Result<usize, Error> {
    let mut sql = Sql::new(C::DIALECT);
    sql.push("DELETE FROM ")
        .table(table)
        .push(" WHERE ")
        .ident(local)
        .push(" = ")
        .bind(owner.clone());
    if let Some((remote, members)) = members {
        sql.push(" AND ");
        push_in(&mut sql, remote, members);
    }
    db.execute(sql)
}

/// `column IN (...)` (`= ANY(...)` on PostgreSQL) on an unaliased table.
pub(super) fn push_in(sql: &mut Sql, column: &str, values: &[SqlValue]) {
    sql.key_in(
        |sql| {
            sql.ident(column);
        },
        values,
        |sql, v| {
            sql.bind(v);
        },
    );
}
