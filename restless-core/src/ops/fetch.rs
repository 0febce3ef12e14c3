//! Fetching (H): collections, single resources, related resources and relationship URLs, with
//! pagination in SQL (I), sorting and grouping (J), sparse fieldsets (K) and inclusion (L).

use std::collections::HashSet;

use serde_json::{json, Value};

use super::objects::{self, Batch, Place, Shape};
use super::render::{Data, Found, Included, Pages, Shown};
use super::sql::{Cond, Keyset, Query};
use super::{Db, Output};
use crate::api::LinkBase;
use crate::backend::Database;
use crate::error::{Error, ErrorCode};
use crate::meta::RelationshipKind;
use crate::query::eval::{Func, Function};
use crate::query::fields::FieldSet;
use crate::query::filter::{Filter, Now};
use crate::query::include::IncludeTree;
use crate::query::sort::SortTerm;
use crate::query::Page;
use crate::schema::Schema;
use crate::value::SqlValue;

/// The request's shaping parameters, resolved against the types.
#[derive(Clone, Debug, Default)]
pub(crate) struct Shaping {
    /// `Some` when inclusion was requested (or defaults apply): `included` is then present.
    pub(crate) include: Option<IncludeTree>,
    pub(crate) fieldsets: Vec<Option<FieldSet>>,
    pub(crate) sort: Vec<SortTerm>,
    pub(crate) group: Vec<SortTerm>,
    pub(crate) ignore_case: bool,
    pub(crate) page: Option<Page>,
    /// A cursor page (I6) instead of a page number; its size is `page`'s.
    pub(crate) cursor: Option<CursorPage>,
    /// Client filters (M), already combined.
    pub(crate) filter: Option<Filter>,
    /// `filter[single]=1` (H7).
    pub(crate) single: bool,
    /// The function list of function evaluation (N).
    pub(crate) functions: Vec<Function>,
}

/// A page of the rows after or before a cursor (I6).
#[derive(Clone, Debug)]
pub(crate) struct CursorPage {
    /// `page[before]`: the rows that precede the cursor's.
    pub(crate) before: bool,
    /// The cursor's order values (I6.2); `None` for an empty cursor: the first page
    /// (`after`) or the last (`before`).
    pub(crate) values: Option<Vec<SqlValue>>,
    /// The request's cursor as sent, when not empty.
    pub(crate) text: Option<String>,
    /// What the page's own cursors are made for.
    pub(crate) fingerprint: u64,
    /// Whether the page counts its rows (I6.5).
    pub(crate) exact: bool,
}

/// Everything an operation reads.
pub(crate) struct Ctx<'a> {
    pub(crate) schema: &'a Schema,
    pub(crate) links: &'a LinkBase,
    pub(crate) shaping: &'a Shaping,
    /// The database clock, when a filter uses current-time markers (G4.1).
    pub(crate) now: Option<Now>,
    /// The request's scopes (V4).
    pub(crate) scopes: &'a super::Scopes,
    /// The request, for hooks, validation and serialization.
    pub(crate) context: &'a crate::hook::Context,
}

impl Ctx<'_> {
    pub(crate) fn shape(&self) -> Shape<'_> {
        Shape {
            schema: self.schema,
            fieldsets: &self.shaping.fieldsets,
            context: self.context,
        }
    }

    fn tree(&self) -> IncludeTree {
        self.shaping.include.clone().unwrap_or_default()
    }

    fn query(&self, t: usize, mut conds: Vec<Cond>) -> Query<'_> {
        if let Some(filter) = &self.shaping.filter {
            conds.push(Cond::Filter(filter.clone()));
        }
        if let Some(scope) = self.scopes.read(t) {
            conds.push(Cond::Filter(scope.clone()));
        }
        Query {
            scopes: &self.scopes.read,
            schema: self.schema,
            t,
            conds,
            now: self.now,
            sort: &self.shaping.sort,
            group: &self.shaping.group,
            ignore_case: self.shaping.ignore_case,
            // `filter[single]` ignores pagination (H7.2).
            keyset: self
                .shaping
                .cursor
                .as_ref()
                .filter(|_| !self.shaping.single)
                .map(Keyset::of),
        }
    }
}

/// `GET P/T` (H1).
pub(crate) fn collection<C: Database>(
    db: &mut Db<'_, C>,
    ctx: &Ctx<'_>,
    t: usize,
) -> Result<Output, Error> {
    resources(db, ctx, t, Vec::new())
}

/// A collection of type `t` restricted by `conds`: H1, and H4 for to-many related resources.
fn resources<C: Database>(
    db: &mut Db<'_, C>,
    ctx: &Ctx<'_>,
    t: usize,
    conds: Vec<Cond>,
) -> Result<Output, Error> {
    let query = ctx.query(t, conds);
    if ctx.shaping.single {
        let shape = ctx.shape();
        let set = shape.set(t);
        let batch = single_batch(db, &query, &set, &objects::needed(&set, &ctx.tree()))?;
        return one(db, ctx, batch);
    }
    let shape = ctx.shape();
    let set = shape.set(t);
    let tree = ctx.tree();
    let (batch, pages, total) = paged(db, ctx, &query, &set, &objects::needed(&set, &tree))?;
    let included = match ctx.shaping.include {
        Some(_) => Some(objects::included(
            db,
            &shape,
            &batch,
            &tree,
            primary_ids(&batch),
        )?),
        None => None,
    };
    let mut found = Found::with_data(Data::Many(primary(batch, set)));
    found.included = included;
    found.pages = pages;
    if let Some(total) = total {
        found.meta.push(("total", Value::from(total)));
    }
    Ok(Output::from(found))
}

/// One page of `query`'s rows, its page links and its total (`None` when a cursor page does
/// not count, I6.5): by number (I2, I3), or after or before a cursor (I6).
fn paged<C: Database>(
    db: &mut Db<'_, C>,
    ctx: &Ctx<'_>,
    query: &Query<'_>,
    set: &FieldSet,
    needed: &[usize],
) -> Result<(Batch, Option<Pages>, Option<i64>), Error> {
    let page = ctx.shaping.page.unwrap_or(Page::All);
    let Some(cursor) = &ctx.shaping.cursor else {
        let total = count(db, query)?;
        let batch = objects::load(db, query, page, set, needed)?;
        return Ok((batch, Pages::of(page, total, ctx.links), Some(total)));
    };
    let total = match cursor.exact {
        true => Some(count(db, query)?),
        false => None,
    };
    let size = match page {
        Page::Paged { size, .. } => Some(size),
        Page::All => None,
    };
    // One row more than the page holds tells whether another follows (I6.4).
    let window = size.map_or(Page::All, |size| Page::Paged {
        number: 1,
        size: size.saturating_add(1),
    });
    let mut batch = objects::load(db, query, window, set, needed)?;
    let more = size.is_some_and(|size| batch.rows.len() > size as usize);
    if let Some(size) = size {
        batch.rows.truncate(size as usize);
    }
    if cursor.before {
        // Read backwards from the cursor; shown in the request's order.
        batch.rows.reverse();
    }
    let Some(size) = size else {
        // Unpaginated (I1.4): every row after (or before) the cursor, no page links.
        return Ok((batch, None, total));
    };
    let ends = ends(db, ctx, query, &batch, cursor.fingerprint)?;
    let pages = Pages::cursor(ctx.links, cursor, size, more, total.is_some(), ends);
    Ok((batch, Some(pages), total))
}

/// The cursors of a page's first and last rows (I6.2); `None` for an empty page. Without a
/// sort the key is the whole order, and the rows have it; otherwise one statement reads the
/// two rows' order values (their sort paths may cross relationships).
fn ends<C: Database>(
    db: &mut Db<'_, C>,
    ctx: &Ctx<'_>,
    query: &Query<'_>,
    batch: &Batch,
    fingerprint: u64,
) -> Result<Option<(String, String)>, Error> {
    let n = batch.rows.len();
    if n == 0 {
        return Ok(None);
    }
    let (first, last) = (batch.key(0), batch.key(n - 1));
    if ctx.shaping.sort.is_empty() {
        return Ok(Some((
            crate::query::cursor::encode(fingerprint, &[first]),
            crate::query::cursor::encode(fingerprint, &[last]),
        )));
    }
    let width =
        1 + super::sql::order_terms(ctx.schema, query.t, query.sort, query.ignore_case).len();
    let values = db.load_values(query.order_values(C::DIALECT, &[first.clone(), last.clone()]))?;
    let of = |key: &SqlValue| -> Result<String, Error> {
        let row = values
            .chunks(width)
            .find(|row| row.first() == Some(key))
            .ok_or_else(|| Error::Internal("a page's row has no order values".into()))?;
        let order: Vec<&SqlValue> = row[1..].iter().collect();
        Ok(crate::query::cursor::encode(fingerprint, &order))
    };
    Ok(Some((of(first)?, of(last)?)))
}

/// `GET P/T/{id}` (H2).
pub(crate) fn single<C: Database>(
    db: &mut Db<'_, C>,
    ctx: &Ctx<'_>,
    t: usize,
    id: &str,
) -> Result<Output, Error> {
    let key = parse_key(ctx.schema, t, id)?;
    let batch = by_key(db, ctx, t, key)?.ok_or_else(|| not_found(ctx.schema, t, id))?;
    one(db, ctx, batch)
}

/// The document for a batch of (at most) one resource: H2, H3, H5.
fn one<C: Database>(db: &mut Db<'_, C>, ctx: &Ctx<'_>, mut batch: Batch) -> Result<Output, Error> {
    let shape = ctx.shape();
    let set = shape.set(batch.t);
    batch.rows.truncate(1);
    let included = match ctx.shaping.include {
        Some(_) => Some(objects::included(
            db,
            &shape,
            &batch,
            &ctx.tree(),
            primary_ids(&batch),
        )?),
        None => None,
    };
    let mut found = Found::with_data(Data::One(primary(batch, set)));
    found.included = included;
    Ok(Output::from(found))
}

/// The primary data of a batch shown with `set`.
fn primary(batch: Batch, set: FieldSet) -> Shown {
    Shown {
        batch,
        set,
        place: Place::Primary,
    }
}

/// `GET P/T/{id}/{rel}` (H3, H4).
pub(crate) fn related<C: Database>(
    db: &mut Db<'_, C>,
    ctx: &Ctx<'_>,
    t: usize,
    id: &str,
    r: usize,
) -> Result<Output, Error> {
    let owner = owner(db, ctx, t, id)?;
    let rel = *ctx.schema.rel(t, r);
    match rel.kind {
        RelationshipKind::ToOne { .. } => {
            let target = to_one_target(&owner, r);
            let batch = match target {
                Some(key) => by_key(db, ctx, rel.target, key)?,
                None => None,
            };
            match batch {
                Some(batch) => one(db, ctx, batch),
                None => {
                    let mut found = Found::with_data(Data::Null);
                    if ctx.shaping.include.is_some() {
                        found.included = Some(Included::default());
                    }
                    Ok(Output::from(found))
                }
            }
        }
        _ => resources(
            db,
            ctx,
            rel.target,
            vec![membership(ctx.schema, t, r, owner.key(0).clone())],
        ),
    }
}

/// `GET P/T/{id}/{rel}/{rid}` (H5).
pub(crate) fn related_single<C: Database>(
    db: &mut Db<'_, C>,
    ctx: &Ctx<'_>,
    t: usize,
    id: &str,
    r: usize,
    rid: &str,
) -> Result<Output, Error> {
    let owner = owner(db, ctx, t, id)?;
    let rel = *ctx.schema.rel(t, r);
    let target_meta = ctx.schema.meta(rel.target);
    let not_related = || Error::Missing {
        code: ErrorCode::RelatedResourceNotFound,
        detail: format!(
            "Resource \"{}\" \"{rid}\" is not related to \"{}\" \"{id}\" through \"{}\".",
            target_meta.type_name,
            ctx.schema.meta(t).type_name,
            rel.name
        ),
    };
    let key = SqlValue::parse_id(target_meta.key().kind(), rid).ok_or_else(not_related)?;
    let mut conds = vec![
        membership(ctx.schema, t, r, owner.key(0).clone()),
        Cond::Eq(target_meta.key().column, key),
    ];
    if let Some(scope) = ctx.scopes.read(rel.target) {
        conds.push(Cond::Filter(scope.clone()));
    }
    let set = ctx.shape().set(rel.target);
    let query = Query {
        scopes: &[],
        schema: ctx.schema,
        t: rel.target,
        conds,
        sort: &[],
        group: &[],
        ignore_case: false,
        keyset: None,
        now: ctx.now,
    };
    let batch = objects::load(
        db,
        &query,
        Page::All,
        &set,
        &objects::needed(&set, &ctx.tree()),
    )?;
    if batch.rows.is_empty() {
        return Err(not_related());
    }
    one(db, ctx, batch)
}

/// `GET P/T/{id}/relationships/{rel}` (H6).
pub(crate) fn relationship<C: Database>(
    db: &mut Db<'_, C>,
    ctx: &Ctx<'_>,
    t: usize,
    id: &str,
    r: usize,
) -> Result<Output, Error> {
    let owner = owner(db, ctx, t, id)?;
    let rel = *ctx.schema.rel(t, r);
    let owner_url = ctx.links.resource_url(
        ctx.schema.meta(t).type_name,
        owner.key(0).to_id().as_deref().unwrap_or(id),
    );
    let related_url = format!("{owner_url}/{}", rel.name);
    // Paths start with `rel` (L1.3): what follows it is followed from the linked resources.
    let subtree = ctx
        .tree()
        .children
        .into_iter()
        .find(|(c, _)| *c == r)
        .map(|(_, s)| s)
        .unwrap_or_default();
    let shape = ctx.shape();
    let set = if ctx.shaping.include.is_some() {
        shape.set(rel.target)
    } else {
        FieldSet::empty()
    };
    let needed = objects::needed(&set, &subtree);
    let (batch, pages, total) = match rel.kind {
        RelationshipKind::ToOne { .. } => {
            let batch = match to_one_target(&owner, r) {
                Some(key) => by_key_with(db, ctx.schema, rel.target, key, &set, &needed)?,
                None => None,
            };
            (batch, None, None)
        }
        _ if ctx.shaping.single => {
            let members = vec![membership(ctx.schema, t, r, owner.key(0).clone())];
            let query = ctx.query(rel.target, members);
            (Some(single_batch(db, &query, &set, &needed)?), None, None)
        }
        _ => {
            let query = ctx.query(
                rel.target,
                vec![membership(ctx.schema, t, r, owner.key(0).clone())],
            );
            let (batch, pages, total) = paged(db, ctx, &query, &set, &needed)?;
            (Some(batch), pages, total)
        }
    };
    let target_type = ctx.schema.meta(rel.target).type_name;
    let identifiers: Vec<Value> = batch
        .iter()
        .flat_map(|b| (0..b.rows.len()).filter_map(|i| b.key(i).to_id()))
        .map(|id| json!({"type": target_type, "id": id}))
        .collect();
    let data = if rel.kind.is_to_many() && !ctx.shaping.single {
        Value::Array(identifiers)
    } else {
        identifiers.into_iter().next().unwrap_or(Value::Null)
    };
    let mut found = Found::with_data(Data::Linkage(data));
    found.related = Some(related_url);
    if ctx.shaping.include.is_some() {
        // Only when some path names the relationship (`include=` includes nothing, L1.7).
        let follows = ctx.tree().children.iter().any(|(c, _)| *c == r);
        found.included = Some(match batch.filter(|_| follows) {
            Some(b) => {
                // The linked resources themselves, then what is reached from them.
                let mut seen = HashSet::new();
                let mut included = Included::default();
                let rows = included.claim(&b, &mut seen);
                objects::follow(db, &shape, &b, &subtree, &mut seen, &mut included)?;
                included.add(
                    Shown {
                        batch: b,
                        set,
                        place: Place::Included,
                    },
                    rows,
                );
                included.sort(ctx.schema);
                included
            }
            None => Included::default(),
        });
    }
    found.pages = pages;
    if let Some(total) = total {
        found.meta.push(("total", Value::from(total)));
    }
    Ok(Output::from(found))
}

/// The one resource a `filter[single]=1` request matches (H7.2, H7.3).
fn single_batch<C: Database>(
    db: &mut Db<'_, C>,
    query: &Query<'_>,
    set: &FieldSet,
    needed: &[usize],
) -> Result<Batch, Error> {
    let batch = objects::load(db, query, Page::Paged { number: 1, size: 2 }, set, needed)?;
    match batch.rows.len() {
        1 => Ok(batch),
        0 => Err(Error::Missing {
            code: ErrorCode::SingleNotFound,
            detail: "No resource matches the filter.".into(),
        }),
        _ => Err(Error::Missing {
            code: ErrorCode::SingleNotUnique,
            detail: "More than one resource matches the filter.".into(),
        }),
    }
}

/// `GET P/eval/T` (N): every function in one statement, after the filters (N3).
pub(crate) fn eval<C: Database>(
    db: &mut Db<'_, C>,
    ctx: &Ctx<'_>,
    t: usize,
) -> Result<Output, Error> {
    let functions = &ctx.shaping.functions;
    let mut results = Vec::with_capacity(functions.len());
    if !functions.is_empty() {
        let query = ctx.query(t, Vec::new());
        let (sql, kinds) = query.aggregate(C::DIALECT, functions);
        let rows = db.load(sql)?;
        let row = rows
            .first()
            .ok_or_else(|| Error::Internal("aggregate returned no row".into()))?;
        for (i, (f, _)) in functions.iter().zip(kinds).enumerate() {
            let value = row.get(i);
            results.push(match (f.func, value) {
                (Func::Count, SqlValue::Null) => Value::from(0),
                _ => value.to_json(),
            });
        }
    }
    let mut found = Found::with_data(Data::Absent);
    found.meta.push(("results", Value::Array(results)));
    Ok(Output::from(found))
}

/// The database clock (G4.1), read once per request that needs it.
pub(crate) fn now<C: Database>(db: &mut Db<'_, C>) -> Result<Now, Error> {
    let mut sql = crate::backend::Sql::new(C::DIALECT);
    let (utc, local) = match C::DIALECT {
        crate::backend::Dialect::Sqlite => (
            "strftime('%Y-%m-%d %H:%M:%f', 'now')",
            "strftime('%Y-%m-%d %H:%M:%f', 'now', 'localtime')",
        ),
        crate::backend::Dialect::Postgres => {
            ("(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')", "LOCALTIMESTAMP")
        }
        crate::backend::Dialect::Mysql => ("UTC_TIMESTAMP(6)", "NOW(6)"),
    };
    sql.cacheable()
        .push("SELECT ")
        .push(utc)
        .alias(crate::meta::ValueKind::Timestamp, 0);
    sql.push(", ")
        .push(local)
        .alias(crate::meta::ValueKind::Timestamp, 1);
    let rows = db.load(sql)?;
    match rows.first().map(|r| (r.get(0).clone(), r.get(1).clone())) {
        Some((SqlValue::Timestamp(utc), SqlValue::Timestamp(local))) => Ok(Now { utc, local }),
        other => Err(Error::Internal(format!(
            "the database clock read {other:?}"
        ))),
    }
}

/// The condition selecting the members of to-many relationship `r` of `owner` (H4).
fn membership(schema: &Schema, t: usize, r: usize, owner: SqlValue) -> Cond {
    let rel = schema.rel(t, r);
    match rel.kind {
        RelationshipKind::ToMany { foreign_key, .. } => Cond::Eq(foreign_key, owner),
        RelationshipKind::ManyToMany {
            table,
            local,
            remote,
        } => Cond::InJoin {
            key: schema.meta(rel.target).key().column,
            table,
            local,
            remote,
            owner,
        },
        // A to-one relationship has no members; the caller never asks.
        RelationshipKind::ToOne { .. } => {
            Cond::In(schema.meta(rel.target).key().column, Vec::new())
        }
    }
}

/// The key a to-one relationship of the owner row points at.
fn to_one_target(owner: &Batch, r: usize) -> Option<SqlValue> {
    owner.foreign_key(0, r).filter(|v| *v != SqlValue::Null)
}

/// The owning resource of a related or relationship URL, with its foreign keys; 404 if absent.
fn owner<C: Database>(
    db: &mut Db<'_, C>,
    ctx: &Ctx<'_>,
    t: usize,
    id: &str,
) -> Result<Batch, Error> {
    let key = parse_key(ctx.schema, t, id)?;
    let bare = FieldSet::empty();
    by_key_with(db, ctx.schema, t, key, &bare, &[])?.ok_or_else(|| not_found(ctx.schema, t, id))
}

fn by_key<C: Database>(
    db: &mut Db<'_, C>,
    ctx: &Ctx<'_>,
    t: usize,
    key: SqlValue,
) -> Result<Option<Batch>, Error> {
    let set = ctx.shape().set(t);
    let needed = objects::needed(&set, &ctx.tree());
    by_key_with(db, ctx.schema, t, key, &set, &needed)
}

fn by_key_with<C: Database>(
    db: &mut Db<'_, C>,
    schema: &Schema,
    t: usize,
    key: SqlValue,
    set: &FieldSet,
    needed: &[usize],
) -> Result<Option<Batch>, Error> {
    let batch = objects::load_by_keys(db, schema, t, &[key], set, needed)?;
    Ok((!batch.rows.is_empty()).then_some(batch))
}

fn parse_key(schema: &Schema, t: usize, id: &str) -> Result<SqlValue, Error> {
    SqlValue::parse_id(schema.meta(t).key().kind(), id).ok_or_else(|| not_found(schema, t, id))
}

fn not_found(schema: &Schema, t: usize, id: &str) -> Error {
    Error::ResourceNotFound {
        type_name: schema.meta(t).type_name.into(),
        id: id.into(),
    }
}

/// The primary resources, which `included` never repeats (L1.5).
fn primary_ids(batch: &Batch) -> HashSet<(usize, String)> {
    (0..batch.rows.len())
        .filter_map(|i| Some((batch.t, batch.key(i).to_id()?)))
        .collect()
}

fn count<C: Database>(db: &mut Db<'_, C>, query: &Query<'_>) -> Result<i64, Error> {
    match db
        .load(query.count(C::DIALECT))?
        .first()
        .map(|r| r.get(0).clone())
    {
        Some(SqlValue::BigInt(n)) => Ok(n),
        other => Err(Error::Internal(format!("COUNT returned {other:?}"))),
    }
}
