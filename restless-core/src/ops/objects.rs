//! Rows to resource objects: the columns to select, relationship linkage loaded in batches
//! (one statement per to-many relationship, never one per row: A3.4, H8.2), and the included
//! resources of compound documents (L).

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use serde_json::{json, Map, Value};

use super::render::{Included, Shown};
use super::sql::{push_filter, push_sort_value, Cond, Query, IN_CHUNK, T0};
use super::Db;
use crate::api::LinkBase;
use crate::backend::{Database, Row, Sql};
use crate::config::Method;
use crate::document::ResourceObject;
use crate::error::{Error, ErrorCode, Problem};
use crate::hook::{guarded, Context, SerializeError, Serialized};
use crate::meta::{FieldMeta, FieldRole, RelationshipKind};
use crate::query::fields::FieldSet;
use crate::query::include::IncludeTree;
use crate::query::Page;
use crate::schema::Schema;
use crate::value::SqlValue;

/// Where each needed value sits in a row.
pub(crate) struct Columns {
    pub(crate) fields: Vec<&'static FieldMeta>,
    /// `(index into the type's fields, position in the row)` of the attributes shown.
    attributes: Vec<(usize, usize)>,
    /// Position of each to-one relationship's foreign key, by relationship index.
    foreign_keys: Vec<Option<usize>>,
    /// With computed attributes shown or a serialization hook: every field of the model
    /// `(index, position)`, their input.
    row: Vec<(usize, usize)>,
}

impl Columns {
    /// The key, the attributes of `set`, and every to-one foreign key of type `t`; with a
    /// serialization hook, every field (V6.1).
    pub(crate) fn new(schema: &Schema, t: usize, set: &FieldSet) -> Self {
        let serialized = schema.types[t].config.serialization.is_some();
        let full;
        let set = if serialized {
            full = FieldSet::all(schema, t);
            &full
        } else {
            set
        };
        let meta = schema.meta(t);
        let mut fields = vec![meta.key()];
        let mut attributes = Vec::with_capacity(set.attributes.len());
        for &i in &set.attributes {
            attributes.push((i, fields.len()));
            fields.push(&meta.fields[i]);
        }
        let mut foreign_keys = Vec::with_capacity(schema.rels[t].len());
        for r in 0..schema.rels[t].len() {
            foreign_keys.push(schema.fk_field(t, r).map(|f| {
                fields.push(f);
                fields.len() - 1
            }));
        }
        let mut row = Vec::new();
        // Computed attributes and serialization hooks see every field, whatever is shown.
        if serialized || !set.computed.is_empty() {
            // Skipped columns stay unread: their SQL types may be ones restless cannot decode.
            for (i, field) in meta.fields.iter().enumerate() {
                if field.role == FieldRole::Skipped {
                    continue;
                }
                let pos = match fields.iter().position(|f| std::ptr::eq(*f, field)) {
                    Some(pos) => pos,
                    None => {
                        fields.push(field);
                        fields.len() - 1
                    }
                };
                row.push((i, pos));
            }
        }
        Columns {
            fields,
            attributes,
            foreign_keys,
            row,
        }
    }

    /// `(index into the type's fields, position in the row)` of the attributes shown, in
    /// declaration order.
    pub(crate) fn attributes(&self) -> &[(usize, usize)] {
        &self.attributes
    }
}

/// The to-many linkage to load: `needed`, or with a serialization hook, every relationship
/// (the hook sees the whole resource object, V6.1).
fn widen(schema: &Schema, t: usize, needed: &[usize]) -> Vec<usize> {
    if schema.types[t].config.serialization.is_some() {
        (0..schema.rels[t].len())
            .filter(|&r| schema.visible_rel(t, r))
            .collect()
    } else {
        needed.to_vec()
    }
}

/// Where resources are shown, for the serialization hook (V6.1) and its failures (S3.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    /// Primary data.
    Primary,
    /// `included`.
    Included,
    /// Not shown: a write's comparisons and validation state (no hook runs).
    Internal,
}

/// Rows of one type, with their to-many linkage.
pub(crate) struct Batch {
    pub(crate) t: usize,
    pub(crate) rows: Vec<Row>,
    pub(crate) columns: Columns,
    /// By relationship index: owner id → target keys, in target key order (F3.5).
    to_many: Vec<Option<HashMap<String, Vec<SqlValue>>>>,
}

impl Batch {
    /// The key of row `i`.
    pub(crate) fn key(&self, i: usize) -> &SqlValue {
        self.rows[i].get(0)
    }

    /// The foreign key of to-one relationship `r` in row `i`.
    pub(crate) fn foreign_key(&self, i: usize, r: usize) -> Option<SqlValue> {
        self.foreign_key_at(i, r).cloned()
    }

    /// The foreign key of to-one relationship `r` in row `i`, by reference; `None` when `r`
    /// is no to-one relationship.
    pub(crate) fn foreign_key_at(&self, i: usize, r: usize) -> Option<&SqlValue> {
        let pos = self.columns.foreign_keys.get(r).copied().flatten()?;
        self.rows.get(i).map(|row| row.get(pos))
    }

    /// The keys to-many relationship `r` of the resource with id `id` links to, in key order.
    pub(crate) fn to_many_of(&self, r: usize, id: &str) -> &[SqlValue] {
        self.to_many
            .get(r)
            .and_then(Option::as_ref)
            .and_then(|m| m.get(id))
            .map_or(&[], Vec::as_slice)
    }

    /// The keys of the resources relationship `r` links to, from every row, without repeats.
    fn targets(&self, r: usize) -> Vec<SqlValue> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        let mut push = |v: &SqlValue| {
            if let Some(id) = v.to_id() {
                if seen.insert(id) {
                    out.push(v.clone());
                }
            }
        };
        match (
            self.columns.foreign_keys.get(r).copied().flatten(),
            self.to_many.get(r),
        ) {
            (Some(pos), _) => self.rows.iter().for_each(|row| push(row.get(pos))),
            (None, Some(Some(map))) => {
                for row in &self.rows {
                    if let Some(keys) = row.get(0).to_id().and_then(|id| map.get(&id)) {
                        keys.iter().for_each(&mut push);
                    }
                }
            }
            _ => {}
        }
        out
    }
}

/// The `SELECT` of `columns`; a sparse fieldset (K) shapes it, so it is not cached then.
fn select<C: Database>(query: &Query<'_>, columns: &Columns, set: &FieldSet, page: Page) -> Sql {
    let mut sql = query.select(C::DIALECT, &columns.fields, page);
    if !set.has_all_attributes(query.schema, query.t) {
        sql.shaped();
    }
    sql
}

/// Loads the rows of a query with the columns of `set`, and the to-many linkage of `needed`.
pub(crate) fn load<C: Database>(
    db: &mut Db<'_, C>,
    query: &Query<'_>,
    page: Page,
    set: &FieldSet,
    needed: &[usize],
) -> Result<Batch, Error> {
    let columns = Columns::new(query.schema, query.t, set);
    let rows = db.load(select::<C>(query, &columns, set, page))?;
    let mut batch = Batch {
        t: query.t,
        rows,
        columns,
        to_many: Vec::new(),
    };
    hide_out_of_scope(db, query.schema, &mut batch)?;
    load_linkage(
        db,
        query.schema,
        &mut batch,
        &widen(query.schema, query.t, needed),
    )?;
    Ok(batch)
}

/// The keys among `keys` of rows of type `t` that exist: in the table and in the read scope
/// (V4.2), or with `write`, in the write scope too (V4.4).
pub(crate) fn scoped_keys<C: Database>(
    db: &mut Db<'_, C>,
    schema: &Schema,
    t: usize,
    keys: &[SqlValue],
    write: bool,
) -> Result<Vec<SqlValue>, Error> {
    let key = schema.meta(t).key();
    let mut conds = Vec::with_capacity(3);
    if let Some(scope) = db.scopes.read(t) {
        conds.push(Cond::Filter(scope.clone()));
    }
    if write {
        if let Some(scope) = db.scopes.write(t) {
            conds.push(Cond::Filter(scope.clone()));
        }
    }
    let mut out = Vec::with_capacity(keys.len());
    for chunk in keys.chunks(IN_CHUNK) {
        let mut all = vec![Cond::In(key.column, chunk.to_vec())];
        all.extend(conds.iter().cloned());
        let query = Query {
            scopes: &[],
            schema,
            t,
            conds: all,
            sort: &[],
            group: &[],
            ignore_case: false,
            keyset: None,
            now: db.now,
        };
        let rows = db.load(query.select(C::DIALECT, &[key], Page::All))?;
        out.extend(rows.into_iter().map(|r| r.get(0).clone()));
    }
    Ok(out)
}

/// An out-of-scope to-one target shows as `null` (V4.2): one statement per to-one
/// relationship whose target type has a read scope.
fn hide_out_of_scope<C: Database>(
    db: &mut Db<'_, C>,
    schema: &Schema,
    batch: &mut Batch,
) -> Result<(), Error> {
    for r in 0..schema.rels[batch.t].len() {
        let target = schema.rel(batch.t, r).target;
        let Some(pos) = batch.columns.foreign_keys.get(r).copied().flatten() else {
            continue;
        };
        if db.scopes.read(target).is_none() {
            continue;
        }
        let keys = batch.targets(r);
        if keys.is_empty() {
            continue;
        }
        let visible: HashSet<String> = scoped_keys(db, schema, target, &keys, false)?
            .iter()
            .filter_map(SqlValue::to_id)
            .collect();
        for row in &mut batch.rows {
            let hidden = row
                .get(pos)
                .to_id()
                .is_some_and(|id| !visible.contains(&id));
            if hidden {
                if let Some(v) = row.0.get_mut(pos) {
                    *v = SqlValue::Null;
                }
            }
        }
    }
    Ok(())
}

/// Loads the resources of type `t` with the given keys (in chunks), ordered by key.
pub(crate) fn load_by_keys<C: Database>(
    db: &mut Db<'_, C>,
    schema: &Schema,
    t: usize,
    keys: &[SqlValue],
    set: &FieldSet,
    needed: &[usize],
) -> Result<Batch, Error> {
    let columns = Columns::new(schema, t, set);
    let key = schema.meta(t).key().column;
    let mut rows = Vec::with_capacity(keys.len());
    let scope = db.scopes.read(t).cloned();
    for chunk in keys.chunks(IN_CHUNK) {
        let mut conds = vec![Cond::In(key, chunk.to_vec())];
        conds.extend(scope.clone().map(Cond::Filter));
        let query = Query {
            scopes: &[],
            schema,
            t,
            conds,
            sort: &[],
            group: &[],
            ignore_case: false,
            keyset: None,
            now: db.now,
        };
        rows.extend(db.load(select::<C>(&query, &columns, set, Page::All))?);
    }
    let mut batch = Batch {
        t,
        rows,
        columns,
        to_many: Vec::new(),
    };
    hide_out_of_scope(db, schema, &mut batch)?;
    load_linkage(db, schema, &mut batch, &widen(schema, t, needed))?;
    Ok(batch)
}

/// ` AND` the member (column `member_col` of the relationship's table, aliased `t0`) is within
/// the target's read scope `scope` (V4.2).
pub(crate) fn push_member_scope(
    sql: &mut Sql,
    schema: &Schema,
    rel: &crate::schema::Rel,
    member_col: &str,
    scope: &crate::query::filter::Filter,
    now: Option<&crate::query::filter::Now>,
) {
    sql.push(" AND ");
    if let RelationshipKind::ManyToMany { .. } = rel.kind {
        // The join table's row: its target must be in scope.
        let inner = sql.next_alias("s");
        let target = schema.meta(rel.target);
        sql.column(T0, member_col).push(" IN (SELECT ");
        sql.column(&inner, target.key().column)
            .push(" FROM ")
            .table(target.table)
            .push(" AS ")
            .ident(&inner)
            .push(" WHERE ");
        push_filter(sql, scope, &inner, now);
        sql.push(")");
    } else {
        // The target's own table.
        push_filter(sql, scope, T0, now);
    }
}

/// One statement per needed to-many relationship for all rows of the batch (H8.2).
fn load_linkage<C: Database>(
    db: &mut Db<'_, C>,
    schema: &Schema,
    batch: &mut Batch,
    needed: &[usize],
) -> Result<(), Error> {
    let t = batch.t;
    batch.to_many = vec![None; schema.rels[t].len()];
    if batch.rows.is_empty() {
        return Ok(());
    }
    let owner_key = schema.meta(t).key();
    let owners: Vec<SqlValue> = batch.rows.iter().map(|r| r.get(0).clone()).collect();
    for &r in needed {
        let rel = schema.rel(t, r);
        let target_key = schema.meta(rel.target).key();
        let (table, owner_col, target_col, owner_kind) = match rel.kind {
            RelationshipKind::ToOne { .. } => continue,
            RelationshipKind::ToMany { table, foreign_key } => {
                // The foreign key decodes with its own type, which may be wider than the key's.
                let fk = schema
                    .meta(rel.target)
                    .fields
                    .iter()
                    .find(|f| f.column == foreign_key);
                (
                    table,
                    foreign_key,
                    target_key.column,
                    fk.map_or(owner_key.kind(), |f| f.kind()),
                )
            }
            RelationshipKind::ManyToMany {
                table,
                local,
                remote,
            } => (table, local, remote, owner_key.kind()),
        };
        let scope = db.scopes.read(rel.target).cloned();
        let now = db.now;
        let mut map: HashMap<String, Vec<SqlValue>> = HashMap::new();
        for chunk in owners.chunks(IN_CHUNK) {
            let mut sql = Sql::new(C::DIALECT);
            sql.cacheable();
            sql.push("SELECT ")
                .column(T0, owner_col)
                .alias(owner_kind, 0);
            sql.push(", ")
                .column(T0, target_col)
                .alias(target_key.kind(), 1);
            sql.push(" FROM ")
                .table(table)
                .push(" AS ")
                .ident(T0)
                .push(" WHERE ");
            super::sql::push_cond(&mut sql, &Cond::In(owner_col, chunk.to_vec()), None);
            // Out-of-scope members are left out (V4.2).
            if let Some(scope) = &scope {
                push_member_scope(&mut sql, schema, rel, target_col, scope, now.as_ref());
            }
            sql.push(" ORDER BY ");
            push_sort_value(&mut sql, T0, owner_col, owner_kind, false);
            sql.push(", ");
            push_sort_value(&mut sql, T0, target_col, target_key.kind(), false);
            // Rows come by owner: each owner's id is built, and looked up, once.
            let mut current: Option<(SqlValue, &mut Vec<SqlValue>)> = None;
            let mut values = db.load_values(sql)?.into_iter();
            while let (Some(owner), Some(target)) = (values.next(), values.next()) {
                match &mut current {
                    Some((o, targets)) if *o == owner => targets.push(target),
                    _ => {
                        let Some(id) = owner.to_id() else { continue };
                        let targets = map.entry(id).or_default();
                        targets.push(target);
                        current = Some((owner, targets));
                    }
                }
            }
        }
        batch.to_many[r] = Some(map);
    }
    Ok(())
}

/// The resource objects of a batch, shaped by `set` (F, K), through the type's serialization
/// hook when shown (V6.1).
pub(crate) fn objects(
    shape: &Shape<'_>,
    links: &LinkBase,
    batch: &Batch,
    set: &FieldSet,
    place: Place,
) -> Result<Vec<ResourceObject>, Error> {
    let schema = shape.schema;
    let t = batch.t;
    let meta = schema.meta(t);
    let hook = schema.types[t]
        .config
        .serialization
        .as_ref()
        .filter(|_| place != Place::Internal);
    let full;
    let built = if hook.is_some() {
        full = FieldSet::all(schema, t);
        &full
    } else {
        set
    };
    let with_links = schema.types[t].config.allows(Method::Get);
    let mut failures = Vec::new();
    let mut out = Vec::with_capacity(batch.rows.len());
    for row in &batch.rows {
        let id = row.get(0).to_id().ok_or_else(|| {
            Error::Internal(format!(
                "type {} has a row without a usable key",
                meta.type_name
            ))
        })?;
        let mut attributes = Map::with_capacity(batch.columns.attributes.len());
        for &(i, pos) in &batch.columns.attributes {
            attributes.insert(meta.fields[i].name.to_owned(), row.get(pos).to_json());
        }
        let stored: Map<String, Value> = batch
            .columns
            .row
            .iter()
            .map(|&(i, pos)| (meta.fields[i].name.to_owned(), row.get(pos).to_json()))
            .collect();
        for &c in &built.computed {
            if let Some(computed) = schema.computed(t).get(c) {
                let value = guarded("a computed attribute", || {
                    (computed.value)(shape.context, &stored)
                })?;
                attributes.insert(computed.name.to_owned(), value);
            }
        }
        let mut relationships = Map::with_capacity(built.relationships.len());
        for &r in &built.relationships {
            let rel = schema.rel(t, r);
            let target_type = schema.meta(rel.target).type_name;
            let identifier =
                |key: &SqlValue| key.to_id().map(|id| json!({"type": target_type, "id": id}));
            let data = match batch.columns.foreign_keys.get(r).copied().flatten() {
                Some(pos) => identifier(row.get(pos)).unwrap_or(Value::Null),
                None => {
                    let keys = batch
                        .to_many
                        .get(r)
                        .and_then(Option::as_ref)
                        .and_then(|m| m.get(&id));
                    Value::Array(keys.into_iter().flatten().filter_map(identifier).collect())
                }
            };
            let mut object = Map::with_capacity(2);
            if with_links {
                object.insert("links".into(), json!({
                    "self": format!("{}/relationships/{}", links.resource_url(meta.type_name, &id), rel.name),
                    "related": format!("{}/{}", links.resource_url(meta.type_name, &id), rel.name),
                }));
            }
            object.insert("data".into(), data);
            relationships.insert(rel.name.to_owned(), Value::Object(object));
        }
        let mut resource_meta = None;
        if let Some(hook) = hook {
            let linkage: Map<String, Value> = relationships
                .iter()
                .filter_map(|(name, o)| Some((name.clone(), o.get("data")?.clone())))
                .collect();
            let mut object = Serialized::new(meta.type_name, id.clone(), attributes, relationships);
            match guarded("a serialization hook", || {
                (hook.0)(shape.context, &stored, &mut object)
            })? {
                Ok(()) => {}
                Err(e) => {
                    failures.push(serialization_failure(meta.type_name, &id, place, e));
                    continue;
                }
            }
            let (a, mut r, m) = object.into_parts();
            // Linkage stays restless's: no relationship of the hook's own, and every kept one
            // shows restless's linkage.
            r.retain(|name, _| linkage.contains_key(name));
            if r.values().any(|o| !o.is_object()) {
                let e = SerializeError::detail(format!(
                    "A serialization hook of type \"{}\" left a relationship that is no object.",
                    meta.type_name
                ));
                failures.push(serialization_failure(meta.type_name, &id, place, e));
                continue;
            }
            for (name, data) in linkage {
                if let Some(Value::Object(o)) = r.get_mut(&name) {
                    o.insert("data".into(), data);
                }
            }
            let sparse = shape.fieldsets.get(t).is_some_and(Option::is_some);
            attributes = a;
            relationships = r;
            if sparse {
                let shown = |name: &str| {
                    set.attributes.iter().any(|&i| meta.fields[i].name == name)
                        || set
                            .computed
                            .iter()
                            .any(|&c| schema.computed(t).get(c).is_some_and(|x| x.name == name))
                };
                attributes.retain(|name, _| shown(name));
                relationships.retain(|name, _| {
                    set.relationships
                        .iter()
                        .any(|&r| schema.rel(t, r).name == name)
                });
            }
            resource_meta = m;
        }
        let self_link = with_links.then(|| {
            let mut m = Map::with_capacity(1);
            m.insert(
                "self".into(),
                Value::String(links.resource_url(meta.type_name, &id)),
            );
            m
        });
        out.push(ResourceObject {
            type_name: meta.type_name,
            id,
            attributes: (!attributes.is_empty()).then_some(attributes),
            relationships: (!relationships.is_empty()).then_some(relationships),
            links: self_link,
            meta: resource_meta,
        });
    }
    if failures.is_empty() {
        Ok(out)
    } else {
        Err(Error::Document(failures))
    }
}

/// S3.4: one 500 `serialization_failed` per resource the hook refused.
fn serialization_failure(type_name: &str, id: &str, place: Place, e: SerializeError) -> Problem {
    let included = if place == Place::Included {
        "included "
    } else {
        ""
    };
    let detail = e.detail.unwrap_or_else(|| {
        format!("Failed to serialize {included}resource of type \"{type_name}\" with id \"{id}\".")
    });
    log::error!("serialization hook failed for {type_name} {id}: {detail}");
    Problem {
        code: ErrorCode::SerializationFailed,
        pointer: None,
        detail,
    }
}

/// The relationships whose linkage must be loaded: those shown, and those followed.
pub(crate) fn needed(set: &FieldSet, tree: &IncludeTree) -> Vec<usize> {
    let mut needed = set.relationships.clone();
    for (r, _) in &tree.children {
        if !needed.contains(r) {
            needed.push(*r);
        }
    }
    needed
}

/// What a response shows of each type: the request's `fields[TYPE]`, or everything.
pub(crate) struct Shape<'a> {
    pub(crate) schema: &'a Schema,
    pub(crate) fieldsets: &'a [Option<FieldSet>],
    /// The request, for serialization hooks.
    pub(crate) context: &'a Context,
}

impl Shape<'_> {
    pub(crate) fn set(&self, t: usize) -> FieldSet {
        self.fieldsets
            .get(t)
            .cloned()
            .flatten()
            .unwrap_or_else(|| FieldSet::all(self.schema, t))
    }
}

/// The compound document's `included` (L1.4–L1.6): everything reached from `from` along
/// `tree`, each `(type, id)` once and never one in `seen`, in document order.
pub(crate) fn included<C: Database>(
    db: &mut Db<'_, C>,
    shape: &Shape<'_>,
    from: &Batch,
    tree: &IncludeTree,
    mut seen: HashSet<(usize, String)>,
) -> Result<Included, Error> {
    let mut out = Included::default();
    follow(db, shape, from, tree, &mut seen, &mut out)?;
    out.sort(shape.schema);
    Ok(out)
}

/// Adds to `out` what is reached from `from` along `tree` and not `seen` before.
pub(crate) fn follow<C: Database>(
    db: &mut Db<'_, C>,
    shape: &Shape<'_>,
    from: &Batch,
    tree: &IncludeTree,
    seen: &mut HashSet<(usize, String)>,
    out: &mut Included,
) -> Result<(), Error> {
    for (r, subtree) in &tree.children {
        let target = shape.schema.rel(from.t, *r).target;
        let keys = from.targets(*r);
        if keys.is_empty() {
            continue;
        }
        let set = shape.set(target);
        let batch = load_by_keys(
            db,
            shape.schema,
            target,
            &keys,
            &set,
            &needed(&set, subtree),
        )?;
        let rows = out.claim(&batch, seen);
        follow(db, shape, &batch, subtree, seen, out)?;
        out.add(
            Shown {
                batch,
                set,
                place: Place::Included,
            },
            rows,
        );
    }
    Ok(())
}

/// Ascending key order: numbers numerically, strings by bytes (F3.5, L1.6).
pub(crate) fn key_order(a: &SqlValue, b: &SqlValue) -> Ordering {
    match (a, b) {
        (SqlValue::SmallInt(x), SqlValue::SmallInt(y)) => x.cmp(y),
        (SqlValue::Integer(x), SqlValue::Integer(y)) => x.cmp(y),
        (SqlValue::BigInt(x), SqlValue::BigInt(y)) => x.cmp(y),
        (SqlValue::Text(x), SqlValue::Text(y)) => x.as_bytes().cmp(y.as_bytes()),
        (SqlValue::Uuid(x), SqlValue::Uuid(y)) => x.cmp(y),
        _ => Ordering::Equal,
    }
}
