//! Writing (O, P, Q, R): every request is one transaction (A3.1); the statements that can fail
//! on a constraint run inside a savepoint so the failure can be explained, then the whole
//! transaction rolls back.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::fetch::{self, Ctx};
use super::objects::{self, Batch};
use super::sql::{push_cond, Cond, T0};
use super::{Db, Output};
use crate::backend::{Database, Dialect, Sql};
use crate::document::ResourceObject;
use crate::error::{Error, ErrorCode, Problem};
use crate::meta::{RelationshipKind, ValueKind};
use crate::query::fields::FieldSet;
use crate::query::filter::Now;
use crate::request::{self, Ident, Linkage, RawResource, RelInput, ResourceInput};
use crate::schema::Schema;
use crate::value::SqlValue;

/// What a write answers: a document with a status, or 204.
pub(crate) enum Written {
    Document { status: u16, output: Output },
    NoContent,
}

/// How a to-many relationship changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Change {
    Replace,
    Add,
    Remove,
}

fn not_found(schema: &Schema, t: usize, id: &str) -> Error {
    Error::ResourceNotFound {
        type_name: schema.meta(t).type_name.into(),
        id: id.into(),
    }
}

/// `POST P/T` (O).
pub(crate) fn create<C: Database>(
    db: &mut Db<'_, C>,
    ctx: &Ctx<'_>,
    t: usize,
    doc: &Map<String, Value>,
) -> Result<Written, Error> {
    let schema = ctx.schema;
    let meta = schema.meta(t);
    let config = &schema.types[t].config;
    let raw = request::raw_resource(doc, false)?;
    request::check_type(meta.type_name, raw.type_name, "/data/type")?;
    let client_key = match raw.id {
        None => None,
        Some(_) if !config.allow_client_generated_ids => {
            return Err(Error::problem(
                ErrorCode::ClientIdForbidden,
                "/data/id",
                format!(
                    "Client-generated ids are not allowed for type \"{}\".",
                    meta.type_name
                ),
            ))
        }
        Some(id) => Some(SqlValue::parse_id(meta.key().kind, id).ok_or_else(|| {
            Error::problem(
                ErrorCode::InvalidDocument,
                "/data/id",
                format!(
                    "\"{id}\" is not a valid id for type \"{}\".",
                    meta.type_name
                ),
            )
        })?),
    };
    let input = request::resource_input(schema, t, &raw, true)?;
    if let (Some(key), Some(id)) = (&client_key, raw.id) {
        if !existing(db, schema, t, std::slice::from_ref(key))?.is_empty() {
            return Err(Error::problem(
                ErrorCode::AlreadyExists,
                "/data/id",
                format!(
                    "A resource of type \"{}\" with id \"{id}\" already exists.",
                    meta.type_name
                ),
            ));
        }
    }
    let targets = resolve_targets(db, schema, t, &input.relationships)?;
    let now = if input.has_markers() {
        Some(fetch::now(db)?)
    } else {
        None
    };

    let key = db.savepoint(|db| {
        let key = insert(
            db,
            schema,
            t,
            client_key.clone(),
            &input,
            &targets,
            now.as_ref(),
        )?;
        for (rel, keys) in input.relationships.iter().zip(&targets) {
            if schema.rel(t, rel.r).is_to_many() {
                set_to_many(db, schema, t, rel.r, &key, keys, Change::Replace, None)?;
            }
        }
        Ok(key)
    });
    let key = explain(db, schema, t, None, &raw, key)?;

    let id = key
        .to_id()
        .ok_or_else(|| Error::Internal("the new row has no usable key".into()))?;
    let location = ctx.links.resource_url(meta.type_name, &id);
    let mut out = read_back(db, ctx, t, key)?;
    out.document.links = None;
    out.headers.push(("Location", location));
    Ok(Written::Document {
        status: 201,
        output: out,
    })
}

/// `PATCH P/T/{id}` (P).
pub(crate) fn update<C: Database>(
    db: &mut Db<'_, C>,
    ctx: &Ctx<'_>,
    t: usize,
    id: &str,
    doc: &Map<String, Value>,
) -> Result<Written, Error> {
    let schema = ctx.schema;
    let meta = schema.meta(t);
    let raw = request::raw_resource(doc, true)?;
    request::check_type(meta.type_name, raw.type_name, "/data/type")?;
    if raw.id != Some(id) {
        return Err(Error::problem(
            ErrorCode::IdConflict,
            "/data/id",
            format!(
                "The id \"{}\" in the document does not match the id \"{id}\" in the URL.",
                raw.id.unwrap_or_default()
            ),
        ));
    }
    let key = SqlValue::parse_id(meta.key().kind, id).ok_or_else(|| not_found(schema, t, id))?;
    let before = snapshot(db, ctx, t, &key)?.ok_or_else(|| not_found(schema, t, id))?;
    if let Some(rels) = raw.relationships {
        if !schema.types[t].config.allow_to_many_replacement {
            if let Some((name, _)) = rels.iter().find(|(n, _)| {
                schema
                    .rel_index(t, n)
                    .is_some_and(|r| schema.rel(t, r).is_to_many())
            }) {
                return Err(Error::problem(
                    ErrorCode::ToManyReplacementForbidden,
                    format!("/data/relationships/{}", request::escape(name)),
                    format!("Replacing the to-many relationship \"{name}\" of type \"{}\" is not allowed.", meta.type_name),
                ));
            }
        }
    }
    let input = request::resource_input(schema, t, &raw, false)?;
    if input.attributes.is_empty() && input.relationships.is_empty() {
        return Ok(Written::NoContent);
    }
    let targets = resolve_targets(db, schema, t, &input.relationships)?;
    let now = if input.has_markers() {
        Some(fetch::now(db)?)
    } else {
        None
    };
    let written = db.savepoint(|db| {
        for (rel, keys) in input.relationships.iter().zip(&targets) {
            if schema.rel(t, rel.r).is_to_many() {
                set_to_many(
                    db,
                    schema,
                    t,
                    rel.r,
                    &key,
                    keys,
                    Change::Replace,
                    Some(&rel.pointer),
                )?;
            }
        }
        update_row(db, schema, t, &key, &input, &targets, now.as_ref())
    });
    explain(db, schema, t, Some(&key), &raw, written)?;
    let after = snapshot(db, ctx, t, &key)?.ok_or_else(|| not_found(schema, t, id))?;
    if unchanged_but_sent(&before, &after, &raw, &input, schema, t) {
        return Ok(Written::NoContent);
    }
    Ok(Written::Document {
        status: 200,
        output: read_back(db, ctx, t, key)?,
    })
}

/// `DELETE P/T/{id}` (Q).
pub(crate) fn delete<C: Database>(
    db: &mut Db<'_, C>,
    ctx: &Ctx<'_>,
    t: usize,
    id: &str,
) -> Result<Written, Error> {
    let schema = ctx.schema;
    let meta = schema.meta(t);
    let key = SqlValue::parse_id(meta.key().kind, id).ok_or_else(|| not_found(schema, t, id))?;
    if existing(db, schema, t, std::slice::from_ref(&key))?.is_empty() {
        return Err(not_found(schema, t, id));
    }
    // Dependent rows first (Q1.3).
    for (r, rel) in schema.rels[t].iter().enumerate() {
        match rel.kind {
            RelationshipKind::ToMany { .. } => {
                let members = members(db, schema, t, r, &key, None)?;
                if let Some(first) = members.first() {
                    if !fk_nullable(schema, t, r) {
                        let target = schema.meta(rel.target).type_name;
                        return Err(Error::Missing {
                            code: ErrorCode::RequiredRelationship,
                            detail: format!(
                                "Cannot delete \"{}\" \"{id}\": \"{target}\" \"{}\" requires its \"{}\".",
                                meta.type_name,
                                first.to_id().unwrap_or_default(),
                                inverse_name(schema, t, r)
                            ),
                        });
                    }
                }
                set_to_many(db, schema, t, r, &key, &[], Change::Replace, None)?;
            }
            RelationshipKind::ManyToMany { .. } => {
                set_to_many(db, schema, t, r, &key, &[], Change::Replace, None)?
            }
            RelationshipKind::ToOne { .. } => {}
        }
    }
    let deleted = db.savepoint(|db| {
        let mut sql = Sql::new(C::DIALECT);
        sql.push("DELETE FROM ")
            .ident(meta.table)
            .push(" WHERE ")
            .ident(meta.key().column)
            .push(" = ")
            .bind(key.clone());
        db.execute(sql)
    });
    classify(schema, t, deleted)?;
    Ok(Written::NoContent)
}

/// Writes to `P/T/{id}/relationships/{rel}` (R).
pub(crate) fn relationship<C: Database>(
    db: &mut Db<'_, C>,
    ctx: &Ctx<'_>,
    t: usize,
    id: &str,
    r: usize,
    change: Change,
    doc: &Map<String, Value>,
) -> Result<Written, Error> {
    let schema = ctx.schema;
    let meta = schema.meta(t);
    let rel = *schema.rel(t, r);
    let key = SqlValue::parse_id(meta.key().kind, id).ok_or_else(|| not_found(schema, t, id))?;
    if existing(db, schema, t, std::slice::from_ref(&key))?.is_empty() {
        return Err(not_found(schema, t, id));
    }
    let Some(data) = doc.get("data") else {
        return Err(Error::problem(
            ErrorCode::InvalidDocument,
            "",
            "The document has no \"data\" member.",
        ));
    };
    let target = schema.meta(rel.target).type_name;
    let (linkage, conflicts) = request::linkage(
        rel.name,
        rel.is_to_many(),
        target,
        data,
        "/data",
        change == Change::Replace,
    )
    .map_err(Error::Document)?;
    if let Some(first) = conflicts
        .into_iter()
        .min_by(|a, b| request::pointer_order(a.pointer.as_deref(), b.pointer.as_deref()))
    {
        return Err(Error::Document(vec![first]));
    }
    let input = RelInput {
        r,
        linkage,
        pointer: "/data".into(),
    };
    let keys = resolve_targets(db, schema, t, std::slice::from_ref(&input))?
        .pop()
        .unwrap_or_default();
    let written = db.savepoint(|db| match &input.linkage {
        Linkage::One(_) => {
            let Some(fk) = schema.fk_field(t, r) else {
                return Ok(());
            };
            let value = keys
                .first()
                .cloned()
                .unwrap_or(SqlValue::TypedNull(fk.kind));
            let mut sql = Sql::new(C::DIALECT);
            sql.push("UPDATE ")
                .ident(meta.table)
                .push(" SET ")
                .ident(fk.column)
                .push(" = ")
                .bind(value);
            sql.push(" WHERE ")
                .ident(meta.key().column)
                .push(" = ")
                .bind(key.clone());
            db.execute(sql).map(|_| ())
        }
        Linkage::Many(_) => set_to_many(db, schema, t, r, &key, &keys, change, None),
    });
    classify(schema, t, written)?;
    Ok(Written::NoContent)
}

/// The keys of the resources each relationship input names, checking that they exist
/// (O2.1 step 15, collected 404s).
fn resolve_targets<C: Database>(
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
            .map(|i| (SqlValue::parse_id(target_meta.key().kind, &i.id), *i))
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
fn existing<C: Database>(
    db: &mut Db<'_, C>,
    schema: &Schema,
    t: usize,
    keys: &[SqlValue],
) -> Result<Vec<SqlValue>, Error> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let bare = FieldSet {
        attributes: Vec::new(),
        relationships: Vec::new(),
    };
    let batch = objects::load_by_keys(db, schema, t, keys, &bare, &[])?;
    Ok((0..batch.rows.len())
        .map(|i| batch.key(i).clone())
        .collect())
}

/// The column values of an INSERT or UPDATE: attributes, then to-one foreign keys.
fn assignments(
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
                typed(v.value(now), meta.fields[*i].kind),
            )
        })
        .collect();
    for (rel, keys) in input.relationships.iter().zip(targets) {
        if let Some(fk) = schema.fk_field(t, rel.r) {
            out.push((
                fk.column,
                keys.first()
                    .cloned()
                    .unwrap_or(SqlValue::TypedNull(fk.kind)),
            ));
        }
    }
    out
}

fn insert<C: Database>(
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
    sql.push("INSERT INTO ").ident(meta.table);
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
                key.kind,
                ValueKind::SmallInt | ValueKind::Integer | ValueKind::BigInt
            )
        {
            // A client-chosen key does not advance PostgreSQL's sequence (SQLite and MySQL move
            // on by themselves): move it past the largest key, so generated keys never collide.
            let literal = |s: &str| format!("'{}'", s.replace('\'', "''"));
            let mut quoted_table = Sql::new(C::DIALECT);
            quoted_table.ident(meta.table);
            let mut seq = Sql::new(C::DIALECT);
            seq.push("SELECT setval(pg_get_serial_sequence(");
            seq.push(&literal(quoted_table.text()))
                .push(", ")
                .push(&literal(key.column))
                .push("), ");
            seq.push("(SELECT MAX(")
                .ident(key.column)
                .push(") FROM ")
                .ident(meta.table)
                .push("))");
            seq.alias(ValueKind::BigInt, 0);
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
        return match (id, key.kind) {
            (Some(SqlValue::BigInt(n)), ValueKind::Integer) => i32::try_from(n)
                .map(SqlValue::Integer)
                .map_err(|e| Error::Internal(e.to_string())),
            (Some(SqlValue::BigInt(n)), ValueKind::SmallInt) => i16::try_from(n)
                .map(SqlValue::SmallInt)
                .map_err(|e| Error::Internal(e.to_string())),
            (Some(v @ SqlValue::BigInt(_)), _) => Ok(v),
            (other, _) => Err(Error::Internal(format!(
                "LAST_INSERT_ID returned {other:?}"
            ))),
        };
    }
    sql.push(" RETURNING ").ident(key.column).alias(key.kind, 0);
    db.load(sql)?
        .first()
        .map(|r| r.get(0).clone())
        .ok_or_else(|| Error::Internal("INSERT returned no key".into()))
}

fn update_row<C: Database>(
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
    sql.push("UPDATE ").ident(meta.table).push(" SET ");
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

/// Whether the foreign key behind to-many relationship `r` admits NULL.
fn fk_nullable(schema: &Schema, t: usize, r: usize) -> bool {
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
fn inverse_name(schema: &Schema, t: usize, r: usize) -> &'static str {
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
fn members<C: Database>(
    db: &mut Db<'_, C>,
    schema: &Schema,
    t: usize,
    r: usize,
    owner: &SqlValue,
    among: Option<&[SqlValue]>,
) -> Result<Vec<SqlValue>, Error> {
    let rel = schema.rel(t, r);
    let target = schema.meta(rel.target);
    let (table, owner_col, member_col, kind) = match rel.kind {
        RelationshipKind::ToMany { table, foreign_key } => {
            (table, foreign_key, target.key().column, target.key().kind)
        }
        RelationshipKind::ManyToMany {
            table,
            local,
            remote,
        } => (table, local, remote, target.key().kind),
        RelationshipKind::ToOne { .. } => return Ok(Vec::new()),
    };
    let mut sql = Sql::new(db_dialect::<C>());
    sql.push("SELECT ")
        .column(T0, member_col)
        .alias(kind, 0)
        .push(" FROM ")
        .ident(table)
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
    sql.push(" ORDER BY ").column(T0, member_col);
    Ok(db
        .load(sql)?
        .into_iter()
        .map(|r| r.get(0).clone())
        .collect())
}

fn db_dialect<C: Database>() -> Dialect {
    C::DIALECT
}

/// Replaces, adds to or removes from to-many relationship `r` of `owner` (O5.5, P3.1, R2–R4).
#[allow(
    clippy::too_many_arguments,
    reason = "one relationship change, spelled out"
)]
fn set_to_many<C: Database>(
    db: &mut Db<'_, C>,
    schema: &Schema,
    t: usize,
    r: usize,
    owner: &SqlValue,
    keys: &[SqlValue],
    change: Change,
    pointer: Option<&str>,
) -> Result<(), Error> {
    let rel = *schema.rel(t, r);
    let target = schema.meta(rel.target);
    let ids: HashSet<String> = keys.iter().filter_map(SqlValue::to_id).collect();
    match rel.kind {
        RelationshipKind::ToOne { .. } => Ok(()),
        RelationshipKind::ToMany { table, foreign_key } => {
            let removed: Vec<SqlValue> = match change {
                Change::Add => Vec::new(),
                Change::Replace => members(db, schema, t, r, owner, None)?
                    .into_iter()
                    .filter(|k| k.to_id().is_none_or(|id| !ids.contains(&id)))
                    .collect(),
                Change::Remove if keys.is_empty() => Vec::new(),
                Change::Remove => members(db, schema, t, r, owner, Some(keys))?,
            };
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
                let mut sql = Sql::new(C::DIALECT);
                sql.push("UPDATE ")
                    .ident(table)
                    .push(" SET ")
                    .ident(foreign_key)
                    .push(" = NULL WHERE ");
                sql.ident(foreign_key)
                    .push(" = ")
                    .bind(owner.clone())
                    .push(" AND ");
                push_in(&mut sql, target.key().column, &removed);
                db.execute(sql)?;
            }
            if change != Change::Remove && !keys.is_empty() {
                let mut sql = Sql::new(C::DIALECT);
                sql.push("UPDATE ")
                    .ident(table)
                    .push(" SET ")
                    .ident(foreign_key)
                    .push(" = ")
                    .bind(owner.clone());
                sql.push(" WHERE ");
                push_in(&mut sql, target.key().column, keys);
                db.execute(sql)?;
            }
            Ok(())
        }
        RelationshipKind::ManyToMany {
            table,
            local,
            remote,
        } => {
            let to_insert: Vec<SqlValue> = match change {
                Change::Replace => {
                    let mut sql = Sql::new(C::DIALECT);
                    sql.push("DELETE FROM ")
                        .ident(table)
                        .push(" WHERE ")
                        .ident(local)
                        .push(" = ")
                        .bind(owner.clone());
                    db.execute(sql)?;
                    keys.to_vec()
                }
                Change::Add if keys.is_empty() => Vec::new(),
                Change::Add => {
                    let present: HashSet<String> = members(db, schema, t, r, owner, Some(keys))?
                        .iter()
                        .filter_map(SqlValue::to_id)
                        .collect();
                    keys.iter()
                        .filter(|k| k.to_id().is_none_or(|id| !present.contains(&id)))
                        .cloned()
                        .collect()
                }
                Change::Remove => {
                    if !keys.is_empty() {
                        let mut sql = Sql::new(C::DIALECT);
                        sql.push("DELETE FROM ")
                            .ident(table)
                            .push(" WHERE ")
                            .ident(local)
                            .push(" = ")
                            .bind(owner.clone());
                        sql.push(" AND ");
                        push_in(&mut sql, remote, keys);
                        db.execute(sql)?;
                    }
                    Vec::new()
                }
            };
            if !to_insert.is_empty() {
                let mut sql = Sql::new(C::DIALECT);
                sql.push("INSERT INTO ")
                    .ident(table)
                    .push(" (")
                    .ident(local)
                    .push(", ")
                    .ident(remote)
                    .push(") VALUES ");
                for (i, k) in to_insert.into_iter().enumerate() {
                    if i > 0 {
                        sql.push(", ");
                    }
                    sql.push("(")
                        .bind(owner.clone())
                        .push(", ")
                        .bind(k)
                        .push(")");
                }
                db.execute(sql)?;
            }
            Ok(())
        }
    }
}

/// `column IN (...)` on an unaliased table.
fn push_in(sql: &mut Sql, column: &str, values: &[SqlValue]) {
    sql.ident(column).push(" IN (");
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(v.clone());
    }
    sql.push(")");
}

/// Classifies a database error by kind (S3.3); other errors pass through.
fn classify<T>(schema: &Schema, t: usize, result: Result<T, Error>) -> Result<T, Error> {
    use diesel::result::{DatabaseErrorKind as K, Error as D};
    let meta = schema.meta(t);
    match result {
        Err(Error::Database(D::DatabaseError(kind, info))) => Err(match kind {
            K::UniqueViolation => Error::Missing {
                code: ErrorCode::UniqueViolation,
                detail: "The request conflicts with an existing resource.".into(),
            },
            K::ForeignKeyViolation => Error::Missing {
                code: ErrorCode::ForeignKeyViolation,
                detail: "The request conflicts with related data.".into(),
            },
            K::NotNullViolation => Error::Missing {
                code: ErrorCode::NotNullViolation,
                detail: "A required value is missing.".into(),
            },
            K::CheckViolation => Error::Missing {
                code: ErrorCode::CheckViolation,
                detail: format!(
                    "The request violates a constraint of type \"{}\".",
                    meta.type_name
                ),
            },
            // Anything else is the server's problem: kept whole, so the cause is logged (S3.1).
            other => Error::Database(D::DatabaseError(other, info)),
        }),
        other => other,
    }
}

/// Classifies a failed write and, for a unique violation, names the attribute whose value
/// another row already has (S3.3), looking it up after the savepoint rolled back.
fn explain<C: Database, T>(
    db: &mut Db<'_, C>,
    schema: &Schema,
    t: usize,
    own_key: Option<&SqlValue>,
    raw: &RawResource<'_>,
    result: Result<T, Error>,
) -> Result<T, Error> {
    let result = classify(schema, t, result);
    let Err(Error::Missing {
        code: ErrorCode::UniqueViolation,
        ..
    }) = &result
    else {
        return result;
    };
    let meta = schema.meta(t);
    for (name, value) in raw.attributes.into_iter().flatten() {
        let Some(field) = meta.fields.iter().find(|f| f.name == name) else {
            continue;
        };
        let Ok(crate::query::filter::Operand::Value(v)) = request::attribute_value(field, value)
        else {
            continue;
        };
        if v == SqlValue::Null {
            continue;
        }
        let mut sql = Sql::new(C::DIALECT);
        sql.push("SELECT ")
            .column(T0, meta.key().column)
            .alias(meta.key().kind, 0)
            .push(" FROM ")
            .ident(meta.table)
            .push(" AS ")
            .ident(T0);
        sql.push(" WHERE ")
            .column(T0, field.column)
            .push(" = ")
            .bind(v);
        if let Some(k) = own_key {
            sql.push(" AND ")
                .column(T0, meta.key().column)
                .push(" <> ")
                .bind(k.clone());
        }
        if !db.load(sql)?.is_empty() {
            return Err(Error::problem(
                ErrorCode::UniqueViolation,
                format!("/data/attributes/{}", request::escape(name)),
                format!(
                    "The value of attribute \"{name}\" is already used by another \"{}\".",
                    meta.type_name
                ),
            ));
        }
    }
    result
}

/// The resource as a GET shows it, with every attribute and relationship (for P4.1).
fn snapshot<C: Database>(
    db: &mut Db<'_, C>,
    ctx: &Ctx<'_>,
    t: usize,
    key: &SqlValue,
) -> Result<Option<ResourceObject>, Error> {
    let set = FieldSet::all(ctx.schema, t);
    let batch: Batch = objects::load_by_keys(
        db,
        ctx.schema,
        t,
        std::slice::from_ref(key),
        &set,
        &set.relationships,
    )?;
    Ok(objects::objects(ctx.schema, ctx.links, &batch, &set)?
        .into_iter()
        .next())
}

/// The response document of a write: the resource as a GET of its URL would show it, shaped
/// by the request's `fields[…]` and `include` (O4.1, P4.1).
fn read_back<C: Database>(
    db: &mut Db<'_, C>,
    ctx: &Ctx<'_>,
    t: usize,
    key: SqlValue,
) -> Result<Output, Error> {
    let id = key.to_id().unwrap_or_default();
    fetch::single(db, ctx, t, &id)
}

/// P4.1: every sent member now has the sent value, and every other member is unchanged.
fn unchanged_but_sent(
    before: &ResourceObject,
    after: &ResourceObject,
    raw: &RawResource<'_>,
    input: &ResourceInput,
    schema: &Schema,
    t: usize,
) -> bool {
    let same = |a: &Value, b: &Value| match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) if a.is_number() && b.is_number() => x == y,
        _ => a == b,
    };
    let empty = Map::new();
    let (before_attrs, after_attrs) = (
        before.attributes.as_ref().unwrap_or(&empty),
        after.attributes.as_ref().unwrap_or(&empty),
    );
    let sent_attrs = raw.attributes.unwrap_or(&empty);
    for (name, now) in after_attrs {
        let ok = match sent_attrs.get(name) {
            Some(sent) => same(sent, now),
            None => before_attrs.get(name).is_some_and(|b| same(b, now)),
        };
        if !ok {
            return false;
        }
    }
    let (before_rels, after_rels) = (
        before.relationships.as_ref().unwrap_or(&empty),
        after.relationships.as_ref().unwrap_or(&empty),
    );
    let ids = |v: &Value| -> Vec<String> {
        let data = &v["data"];
        let mut out: Vec<String> = match data {
            Value::Array(items) => items
                .iter()
                .filter_map(|i| i["id"].as_str().map(str::to_owned))
                .collect(),
            Value::Object(_) => data["id"].as_str().map(str::to_owned).into_iter().collect(),
            _ => Vec::new(),
        };
        out.sort();
        out.dedup();
        out
    };
    for (name, now) in after_rels {
        let sent = input
            .relationships
            .iter()
            .find(|r| schema.rel(t, r.r).name == name);
        let ok = match sent {
            Some(rel) => {
                let mut want: Vec<String> = match &rel.linkage {
                    Linkage::One(i) => i.iter().map(|i| i.id.clone()).collect(),
                    Linkage::Many(is) => is.iter().map(|i| i.id.clone()).collect(),
                };
                want.sort();
                want.dedup();
                want == ids(now)
            }
            None => before_rels.get(name).is_some_and(|b| ids(b) == ids(now)),
        };
        if !ok {
            return false;
        }
    }
    true
}

/// The document of a 200/201 write response: the single-resource document without `links`
/// for POST (C1.1).
pub(crate) fn into_reply_parts(written: Written) -> (u16, Option<Output>) {
    match written {
        Written::Document { status, output } => (status, Some(output)),
        Written::NoContent => (204, None),
    }
}
