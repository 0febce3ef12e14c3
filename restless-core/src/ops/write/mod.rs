//! Writing (O, P, Q, R): every request is one transaction (A3.1); the statements that can fail
//! on a constraint run inside a savepoint so the failure can be explained, then the whole
//! transaction rolls back.

use serde_json::{Map, Value};

use super::fetch::{self, Ctx};
use super::{objects, Db, Output};
use crate::backend::{Database, Sql};
use crate::error::{Error, ErrorCode};
use crate::meta::RelationshipKind;
use crate::request::{self, Linkage, RelInput};
use crate::schema::Schema;
use crate::value::SqlValue;

mod deserialize;
mod outcome;
mod rows;
mod to_many;
mod validate;

use deserialize::deserialize;
use outcome::{classify, explain, read_back, snapshot, unchanged_but_sent};
use rows::{check_write_scope, existing, insert, resolve_targets, update_row};
use to_many::{fk_nullable, inverse_name, members, set_to_many};
use validate::{changed_linkage, sent_linkage, validate, State};

/// What a write answers: a document with a status, or 204.
pub(crate) enum Written {
    Document {
        status: u16,
        output: Box<Output>,
    },
    /// 204; `was_deleted` tells post-hooks whether a deletion removed anything (U1.1).
    NoContent {
        was_deleted: bool,
    },
}

/// How a to-many relationship changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Change {
    Replace,
    Add,
    Remove,
    /// Every member goes, in scope or not: a deletion's dependents (Q1.3).
    Clear,
}

fn not_found(schema: &Schema, t: usize, id: &str) -> Error {
    Error::ResourceNotFound {
        type_name: schema.meta(t).type_name.into(),
        id: id.into(),
    }
}

/// P2.1 step 4: the document's id is the URL's.
pub(crate) fn check_id(sent: Option<&str>, id: &str) -> Result<(), Error> {
    if sent == Some(id) {
        return Ok(());
    }
    Err(Error::problem(
        ErrorCode::IdConflict,
        "/data/id",
        format!(
            "The id \"{}\" in the document does not match the id \"{id}\" in the URL.",
            sent.unwrap_or_default()
        ),
    ))
}

/// O2.1 steps 10–11: the client's id, if the type accepts one and it is a valid one.
fn client_key(schema: &Schema, t: usize, sent: Option<&str>) -> Result<Option<SqlValue>, Error> {
    let meta = schema.meta(t);
    match sent {
        None => Ok(None),
        Some(_) if !schema.types[t].config.allow_client_generated_ids => Err(Error::problem(
            ErrorCode::ClientIdForbidden,
            "/data/id",
            format!(
                "Client-generated ids are not allowed for type \"{}\".",
                meta.type_name
            ),
        )),
        Some(id) => SqlValue::parse_id(meta.key().kind(), id)
            .map(Some)
            .ok_or_else(|| {
                Error::problem(
                    ErrorCode::InvalidDocument,
                    "/data/id",
                    format!(
                        "\"{id}\" is not a valid id for type \"{}\".",
                        meta.type_name
                    ),
                )
            }),
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
    let raw = request::raw_resource(doc, false)?;
    request::check_type(meta.type_name, raw.type_name, "/data/type")?;
    client_key(schema, t, raw.id)?;
    // Step 12: the deserialization hook (V6.2); steps 9–11 again on what it left.
    let hooked = deserialize(ctx, t, doc, true)?;
    let (raw, values) = match &hooked {
        Some((doc, values)) => {
            let raw = request::raw_resource(doc, false)?;
            request::check_type(meta.type_name, raw.type_name, "/data/type")?;
            (raw, values.clone())
        }
        None => (raw, Vec::new()),
    };
    let client_key = client_key(schema, t, raw.id)?;
    let mut input = request::resource_input(schema, t, &raw, true)?;
    input.attributes.extend(values);
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
    validate(
        ctx,
        t,
        State {
            id: raw.id,
            before: None,
            attributes: raw.attributes,
            relationships: sent_linkage(raw.relationships),
        },
    )?;
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
    // A resource the request could not see afterwards is not for it to create (V4.2).
    if db.scopes.read(t).is_some()
        && objects::scoped_keys(db, schema, t, std::slice::from_ref(&key), false)?.is_empty()
    {
        return Err(Error::Missing {
            code: ErrorCode::Forbidden,
            detail: format!(
                "The resource of type \"{}\" this request creates would be outside its scope.",
                meta.type_name
            ),
        });
    }

    let id = key
        .to_id()
        .ok_or_else(|| Error::Internal("the new row has no usable key".into()))?;
    let location = ctx.links.resource_url(meta.type_name, &id);
    let mut out = read_back(db, ctx, t, key)?;
    out.found.self_link = false;
    out.headers.push(("Location", location));
    Ok(Written::Document {
        status: 201,
        output: Box::new(out),
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
    check_id(raw.id, id)?;
    let key = SqlValue::parse_id(meta.key().kind(), id).ok_or_else(|| not_found(schema, t, id))?;
    let before = snapshot(db, ctx, t, &key)?.ok_or_else(|| not_found(schema, t, id))?;
    check_write_scope(db, schema, t, std::slice::from_ref(&key))?;
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
    // Step 7: the deserialization hook (V6.2).
    let hooked = deserialize(ctx, t, doc, false)?;
    let (raw, values) = match &hooked {
        Some((doc, values)) => {
            let raw = request::raw_resource(doc, true)?;
            request::check_type(meta.type_name, raw.type_name, "/data/type")?;
            check_id(raw.id, id)?;
            (raw, values.clone())
        }
        None => (raw, Vec::new()),
    };
    let mut input = request::resource_input(schema, t, &raw, false)?;
    input.attributes.extend(values);
    if input.attributes.is_empty() && input.relationships.is_empty() {
        return Ok(Written::NoContent { was_deleted: false });
    }
    let targets = resolve_targets(db, schema, t, &input.relationships)?;
    validate(
        ctx,
        t,
        State {
            id: Some(id),
            before: Some(&before),
            attributes: raw.attributes,
            relationships: sent_linkage(raw.relationships),
        },
    )?;
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
    // A change that takes the resource out of the request's scope is not the request's to make.
    let after = snapshot(db, ctx, t, &key)?.ok_or_else(|| Error::Missing {
        code: ErrorCode::Forbidden,
        detail: format!(
            "The resource of type \"{}\" with id \"{id}\" cannot be changed by this request.",
            meta.type_name
        ),
    })?;
    // What the client sent, before any deserialization hook: its view of the resource (P4.1).
    let sent = request::raw_resource(doc, true)?;
    if unchanged_but_sent(&before, &after, &sent, &input, schema, t) {
        return Ok(Written::NoContent { was_deleted: false });
    }
    Ok(Written::Document {
        status: 200,
        output: Box::new(read_back(db, ctx, t, key)?),
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
    let key = SqlValue::parse_id(meta.key().kind(), id).ok_or_else(|| not_found(schema, t, id))?;
    if existing(db, schema, t, std::slice::from_ref(&key))?.is_empty() {
        return Err(not_found(schema, t, id));
    }
    check_write_scope(db, schema, t, std::slice::from_ref(&key))?;
    // Dependent rows first (Q1.3).
    for (r, rel) in schema.rels[t].iter().enumerate() {
        match rel.kind {
            RelationshipKind::ToMany { .. } => {
                if !fk_nullable(schema, t, r)
                    && !members(db, schema, t, r, &key, None, false)?.is_empty()
                {
                    // Name a dependent only if the request may see it (V4.2).
                    let visible = members(db, schema, t, r, &key, None, true)?;
                    let target = schema.meta(rel.target).type_name;
                    let detail = match visible.first() {
                        Some(first) => format!(
                            "Cannot delete \"{}\" \"{id}\": \"{target}\" \"{}\" requires its \"{}\".",
                            meta.type_name,
                            first.to_id().unwrap_or_default(),
                            inverse_name(schema, t, r)
                        ),
                        None => format!(
                            "Cannot delete \"{}\" \"{id}\": other resources require it.",
                            meta.type_name
                        ),
                    };
                    return Err(Error::Missing {
                        code: ErrorCode::RequiredRelationship,
                        detail,
                    });
                }
                set_to_many(db, schema, t, r, &key, &[], Change::Clear, None)?;
            }
            RelationshipKind::ManyToMany { .. } => {
                set_to_many(db, schema, t, r, &key, &[], Change::Clear, None)?;
            }
            RelationshipKind::ToOne { .. } => {}
        }
    }
    let deleted = db.savepoint(|db| {
        let mut sql = Sql::new(C::DIALECT);
        sql.push("DELETE FROM ")
            .table(meta.table)
            .push(" WHERE ")
            .ident(meta.key().column)
            .push(" = ")
            .bind(key.clone());
        db.execute(sql)
    });
    classify(schema, t, deleted)?;
    Ok(Written::NoContent { was_deleted: true })
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
    let key = SqlValue::parse_id(meta.key().kind(), id).ok_or_else(|| not_found(schema, t, id))?;
    if existing(db, schema, t, std::slice::from_ref(&key))?.is_empty() {
        return Err(not_found(schema, t, id));
    }
    check_write_scope(db, schema, t, std::slice::from_ref(&key))?;
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
    if schema.types[t].config.validation.is_some() {
        let before = snapshot(db, ctx, t, &key)?.ok_or_else(|| not_found(schema, t, id))?;
        let current = before
            .relationships
            .as_ref()
            .and_then(|m| m.get(rel.name))
            .and_then(|o| o.get("data"));
        let linkage = match change {
            Change::Replace | Change::Clear => data.clone(),
            Change::Add => changed_linkage(current, data, true),
            Change::Remove => changed_linkage(current, data, false),
        };
        validate(
            ctx,
            t,
            State {
                id: Some(id),
                before: Some(&before),
                attributes: None,
                relationships: vec![(rel.name.to_owned(), linkage)],
            },
        )?;
    }
    let written = db.savepoint(|db| match &input.linkage {
        Linkage::One(_) => {
            let Some(fk) = schema.fk_field(t, r) else {
                return Ok(0);
            };
            let value = keys
                .first()
                .cloned()
                .unwrap_or(SqlValue::TypedNull(fk.kind()));
            let mut sql = Sql::new(C::DIALECT);
            sql.push("UPDATE ")
                .table(meta.table)
                .push(" SET ")
                .ident(fk.column)
                .push(" = ")
                .bind(value);
            sql.push(" WHERE ")
                .ident(meta.key().column)
                .push(" = ")
                .bind(key.clone());
            db.execute(sql).map(|_| 0)
        }
        Linkage::Many(_) => set_to_many(db, schema, t, r, &key, &keys, change, None),
    });
    let removed = classify(schema, t, written)?;
    Ok(Written::NoContent {
        was_deleted: removed > 0,
    })
}
