//! Fetching: collections (H1) and single resources (H2), paginated in SQL (I).

use serde_json::{Map, Value};

use super::select::{Columns, T0};
use super::Output;
use crate::api::LinkBase;
use crate::backend::{Database, Sql};
use crate::config::Registered;
use crate::document::{Document, PrimaryData};
use crate::error::Error;
use crate::query::Page;
use crate::value::SqlValue;

/// `GET P/T`: one COUNT and one page query (A3.4, I).
pub(crate) fn collection<C: Database>(
    conn: &mut C,
    t: &Registered,
    links: &LinkBase,
    page: Page,
) -> Result<Output, Error> {
    let meta = t.meta;
    let mut count = Sql::new(C::DIALECT);
    count
        .push("SELECT COUNT(*)")
        .alias(crate::meta::ValueKind::BigInt, 0);
    count
        .push(" FROM ")
        .ident(meta.table)
        .push(" AS ")
        .ident(T0);
    let total = match conn.load_rows(count)?.first().map(|r| r.get(0).clone()) {
        Some(SqlValue::BigInt(n)) => n,
        other => return Err(Error::Internal(format!("COUNT returned {other:?}"))),
    };

    let columns = Columns::full(meta);
    let mut sql = columns.select(C::DIALECT, meta);
    sql.push(" ORDER BY ")
        .column(T0, meta.key().column)
        .push(" ASC");
    if let Some((limit, offset)) = page.limit_offset() {
        sql.push(" LIMIT ")
            .bind(SqlValue::BigInt(limit))
            .push(" OFFSET ")
            .bind(SqlValue::BigInt(offset));
    }
    let rows = conn.load_rows(sql)?;
    let data = rows
        .iter()
        .map(|r| columns.object(t, r, links))
        .collect::<Result<Vec<_>, _>>()?;

    let mut doc = Document::with_data(PrimaryData::Many(data))
        .self_link(links.self_url())
        .meta_member("total", Value::from(total));
    let mut headers = Vec::new();
    if let Page::Paged { number, size } = page {
        let (link_map, header) = pagination(links, number, size, total);
        doc.links.get_or_insert_with(Map::new).extend(link_map);
        headers.push(("Link", header));
    }
    Ok(Output {
        document: doc,
        headers,
    })
}

/// `GET P/T/{id}` (H2).
pub(crate) fn single<C: Database>(
    conn: &mut C,
    t: &Registered,
    links: &LinkBase,
    id: &str,
) -> Result<Output, Error> {
    let meta = t.meta;
    let not_found = || Error::ResourceNotFound {
        type_name: meta.type_name.into(),
        id: id.into(),
    };
    let key = meta.key();
    let value = SqlValue::parse_id(key.kind, id).ok_or_else(not_found)?;
    let columns = Columns::full(meta);
    let mut sql = columns.select(C::DIALECT, meta);
    sql.push(" WHERE ")
        .column(T0, key.column)
        .push(" = ")
        .bind(value);
    let rows = conn.load_rows(sql)?;
    let row = rows.first().ok_or_else(not_found)?;
    let object = columns.object(t, row, links)?;
    let doc = Document::with_data(PrimaryData::One(Box::new(object))).self_link(links.self_url());
    Ok(Output {
        document: doc,
        headers: Vec::new(),
    })
}

/// The pagination links of I3.1 and the matching `Link` header (B3.4).
fn pagination(
    links: &LinkBase,
    number: u32,
    size: u32,
    total: i64,
) -> (Map<String, Value>, String) {
    let total = u64::try_from(total).unwrap_or(0);
    let number = u64::from(number);
    let last = total.div_ceil(u64::from(size)).max(1);
    let entries = [
        ("first", Some(1)),
        ("last", Some(last)),
        ("prev", (number > 1).then(|| number - 1)),
        ("next", (number < last).then(|| number + 1)),
    ];
    let mut map = Map::with_capacity(4);
    let mut header = Vec::with_capacity(4);
    for (rel, page) in entries {
        match page {
            Some(k) => {
                let url = links.page_url(k, size);
                header.push(format!("<{url}>; rel=\"{rel}\""));
                map.insert(rel.into(), Value::String(url));
            }
            None => {
                map.insert(rel.into(), Value::Null);
            }
        }
    }
    (map, header.join(", "))
}
