//! What a write did: database errors classified by kind (S3.3), and the 204-or-200 decision of
//! P4.1.

use serde_json::{Map, Value};

use crate::backend::{Database, Sql};
use crate::document::ResourceObject;
use crate::error::{Error, ErrorCode};
use crate::meta::FieldRole;
use crate::ops::fetch::{self, Ctx};
use crate::ops::objects::{self, Batch, Place};
use crate::ops::sql::T0;
use crate::ops::{Db, Output};
use crate::query::fields::FieldSet;
use crate::request::{self, Linkage, RawResource, ResourceInput};
use crate::schema::Schema;
use crate::value::SqlValue;

/// Classifies a database error by kind (S3.3); other errors pass through.
pub(super) fn classify<T>(schema: &Schema, t: usize, result: Result<T, Error>) -> Result<T, Error> {
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
            K::NotNullViolation => {
                // PostgreSQL names the column; the other backends say it only in their message,
                // which is not parsed.
                let attribute = info.column_name().and_then(|column| {
                    meta.fields
                        .iter()
                        .find(|f| f.column == column && f.role == FieldRole::Attribute)
                });
                match attribute {
                    Some(f) => Error::problem(
                        ErrorCode::NotNullViolation,
                        format!("/data/attributes/{}", request::escape(f.name)),
                        format!(
                            "Attribute \"{}\" of type \"{}\" must not be null.",
                            f.name, meta.type_name
                        ),
                    ),
                    None => Error::Missing {
                        code: ErrorCode::NotNullViolation,
                        detail: "A required value is missing.".into(),
                    },
                }
            }
            K::CheckViolation => Error::Missing {
                code: ErrorCode::CheckViolation,
                detail: format!(
                    "The request violates a constraint of type \"{}\".",
                    meta.type_name
                ),
            },
            K::Unknown if is_rejected_value(info.message()) => Error::Missing {
                code: ErrorCode::InvalidValue,
                detail: "The database rejected a value in the request.".into(),
            },
            // Anything else is the server's problem: kept whole, so the cause is logged (S3.1).
            other => Error::Database(D::DatabaseError(other, info)),
        }),
        other => other,
    }
}

/// Whether the database refused a value the request sent: too long for its column, out of
/// range, or not of the column's type (S3.3 `invalid_value`). Diesel gives these no kind of their
/// own, so they are recognised by the servers' (English) messages: PostgreSQL's class 22 errors
/// (22001, 22003, 22007, 22008, 22021, 22P02) and MySQL/MariaDB's 1264, 1265, 1292, 1366 and
/// 1406. SQLite does not limit text lengths or number ranges.
fn is_rejected_value(message: &str) -> bool {
    const PREFIXES: [&str; 14] = [
        "value too long for type",
        "numeric field overflow",
        "integer out of range",
        "smallint out of range",
        "bigint out of range",
        "invalid input syntax",
        "date/time field value out of range",
        "invalid byte sequence",
        "Data too long for column",
        "Out of range value for column",
        "Data truncated for column",
        "Incorrect ",
        "Truncated incorrect",
        "timestamp out of range",
    ];
    PREFIXES.iter().any(|p| message.starts_with(p))
}

/// Classifies a failed write and, for a unique violation, names the attribute whose value
/// another row already has (S3.3), looking it up after the savepoint rolled back.
pub(super) fn explain<C: Database, T>(
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
            .alias(meta.key().kind(), 0)
            .push(" FROM ")
            .table(meta.table)
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
pub(super) fn snapshot<C: Database>(
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
    Ok(
        objects::objects(&ctx.shape(), ctx.links, &batch, &set, Place::Internal)?
            .into_iter()
            .next(),
    )
}

/// The response document of a write: the resource as a GET of its URL would show it, shaped
/// by the request's `fields[…]` and `include` (O4.1, P4.1).
pub(super) fn read_back<C: Database>(
    db: &mut Db<'_, C>,
    ctx: &Ctx<'_>,
    t: usize,
    key: SqlValue,
) -> Result<Output, Error> {
    let id = key.to_id().unwrap_or_default();
    fetch::single(db, ctx, t, &id)
}

/// P4.1: every sent member now has the sent value, and every other member is unchanged.
pub(super) fn unchanged_but_sent(
    before: &ResourceObject,
    after: &ResourceObject,
    raw: &RawResource<'_>,
    input: &ResourceInput,
    schema: &Schema,
    t: usize,
) -> bool {
    // Numbers compare by value: integers exactly, anything else as f64 (4 equals 4.0).
    let same = |a: &Value, b: &Value| match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
                (Some(i), Some(j), _, _) => i == j,
                (_, _, Some(i), Some(j)) => i == j,
                _ => x.as_f64() == y.as_f64(),
            }
        }
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
