//! What a read found, before any JSON exists (rows, their linkage, and what to show of them),
//! and the two ways it becomes a document: written straight from the rows as JSON text (no
//! `serde_json::Value` tree, see `crate::json`), or built as a [`Document`] for post-hooks,
//! serialization hooks and computed attributes, which work on JSON values.
//!
//! Finding touches the database; rendering does not, so the web glue renders on its async
//! worker after the connection has gone back to the pool.

use std::borrow::Cow;
use std::collections::HashSet;

use serde_json::{Map, Value};

use super::objects::{self, key_order, Batch, Place, Shape};
use crate::api::LinkBase;
use crate::config::Method;
use crate::document::{Document, JsonApi, PrimaryData, ResourceObject};
use crate::error::Error;
use crate::json::{self, Json};
use crate::query::fields::FieldSet;
use crate::query::Page;
use crate::schema::{Names, Schema};
use crate::value::SqlValue;

/// Rows of one type and what the response shows of them.
pub(crate) struct Shown {
    pub(crate) batch: Batch,
    pub(crate) set: FieldSet,
    pub(crate) place: Place,
}

impl Shown {
    /// Whether its objects can be written straight from the rows: no serialization hook and
    /// no computed attribute (both work on JSON values).
    fn direct(&self, schema: &Schema) -> bool {
        self.set.computed.is_empty() && schema.types[self.batch.t].config.serialization.is_none()
    }

    fn objects(&self, shape: &Shape<'_>, links: &LinkBase) -> Result<Vec<ResourceObject>, Error> {
        objects::objects(shape, links, &self.batch, &self.set, self.place)
    }
}

/// Primary data.
pub(crate) enum Data {
    /// No `data` member (function evaluation, N4).
    Absent,
    /// `"data": null`.
    Null,
    /// The first row of the batch (H2, H3, H5), `null` when it has none.
    One(Shown),
    /// Every row of the batch.
    Many(Shown),
    /// Resource linkage (H6).
    Linkage(Value),
}

/// `included`: batches of resources and which of their rows are shown, in document order.
#[derive(Default)]
pub(crate) struct Included {
    batches: Vec<Shown>,
    /// `(batch, row)`, by type name then key (L1.6), each resource once (L1.5).
    order: Vec<(usize, usize)>,
    /// By entry of `order`: when its resource was reached, which breaks ties of keys
    /// [`key_order`] does not order.
    reached: Vec<usize>,
    /// Resources reached so far.
    count: usize,
}

impl Included {
    /// Rows of `shown` not `seen` before, each with when it was reached: marks them seen, and
    /// returns them to [`add`](Self::add).
    pub(crate) fn claim(
        &mut self,
        shown: &Batch,
        seen: &mut HashSet<(usize, String)>,
    ) -> Vec<(usize, usize)> {
        let mut rows = Vec::new();
        for i in 0..shown.rows.len() {
            if let Some(id) = shown.key(i).to_id() {
                if seen.insert((shown.t, id)) {
                    rows.push((i, self.count));
                    self.count += 1;
                }
            }
        }
        rows
    }

    /// Adds a batch and the rows of it that are shown ([`claim`](Self::claim)).
    pub(crate) fn add(&mut self, shown: Shown, rows: Vec<(usize, usize)>) {
        let b = self.batches.len();
        for (i, reached) in rows {
            self.order.push((b, i));
            self.reached.push(reached);
        }
        self.batches.push(shown);
    }

    /// Puts the resources in document order: by type name, then key (L1.6), then (for keys
    /// of kinds [`key_order`] does not order) as they were reached.
    pub(crate) fn sort(&mut self, schema: &Schema) {
        let batches = &self.batches;
        let mut entries: Vec<((usize, usize), usize)> = self
            .order
            .iter()
            .copied()
            .zip(self.reached.iter().copied())
            .collect();
        entries.sort_by(|&((a, i), m), &((b, j), n)| {
            let (x, y) = (&batches[a].batch, &batches[b].batch);
            schema
                .meta(x.t)
                .type_name
                .cmp(schema.meta(y.t).type_name)
                .then_with(|| key_order(x.key(i), y.key(j)))
                .then(m.cmp(&n))
        });
        (self.order, self.reached) = entries.into_iter().unzip();
    }
}

/// The page links of a paged response (I3.1): `first`, `last`, `prev` and `next`, `None`
/// where there is no such page. Each URL is built once, for the document and the `Link`
/// header (B3.4) alike.
pub(crate) struct Pages([(&'static str, Option<String>); 4]);

impl Pages {
    /// The pages of `total` resources in pages of `page`; `None` when unpaged.
    pub(crate) fn of(page: Page, total: i64, links: &LinkBase) -> Option<Pages> {
        let Page::Paged { number, size } = page else {
            return None;
        };
        let total = u64::try_from(total).unwrap_or(0);
        let number = u64::from(number);
        let last = total.div_ceil(u64::from(size)).max(1);
        let url = |k: u64| links.page_url(k, size);
        Some(Pages([
            ("first", Some(url(1))),
            ("last", Some(url(last))),
            ("prev", (number > 1).then(|| url(number - 1))),
            ("next", (number < last).then(|| url(number + 1))),
        ]))
    }
}

impl Pages {
    /// The pages around a cursor page of `size` (I6.4): `first` reads from the start, `last`
    /// (only when counted) from the end; `prev` and `next` continue from the page's first and
    /// last rows (`ends`, their cursors) where rows lie that way: `more` tells whether a row
    /// lies beyond the page in its own direction, a non-empty request cursor that one lies the
    /// other way.
    pub(crate) fn cursor(
        links: &LinkBase,
        page: &crate::ops::fetch::CursorPage,
        size: u32,
        more: bool,
        counted: bool,
        ends: Option<(String, String)>,
    ) -> Pages {
        let url = |name: &str, cursor: &str| links.cursor_url(name, cursor, size);
        let from_start = page.values.is_some();
        let (first_row, last_row) = match &ends {
            Some((first, last)) => (Some(first.as_str()), Some(last.as_str())),
            // An empty page (its rows deleted since): the way back starts at its cursor.
            None => (page.text.as_deref(), page.text.as_deref()),
        };
        let (toward_start, toward_end) = match page.before {
            // An `after` page: rows before it exist when it did not start at the beginning.
            false => (from_start, more),
            // A `before` page: rows after it exist when it did not start at the end.
            true => (more, from_start),
        };
        Pages([
            ("first", Some(url("page%5Bafter%5D", ""))),
            ("last", counted.then(|| url("page%5Bbefore%5D", ""))),
            (
                "prev",
                first_row
                    .filter(|_| toward_start)
                    .map(|c| url("page%5Bbefore%5D", c)),
            ),
            (
                "next",
                last_row
                    .filter(|_| toward_end)
                    .map(|c| url("page%5Bafter%5D", c)),
            ),
        ])
    }
}

/// Everything a read found: no JSON yet.
pub(crate) struct Found {
    pub(crate) data: Data,
    /// Whether the top-level `links` has `self` (a write's document has none, O4.1).
    pub(crate) self_link: bool,
    /// The top-level `related` link (H6).
    pub(crate) related: Option<String>,
    pub(crate) pages: Option<Pages>,
    /// `Some` when inclusion was requested (L1.1).
    pub(crate) included: Option<Included>,
    /// Top-level `meta` members.
    pub(crate) meta: Vec<(&'static str, Value)>,
}

impl Found {
    /// A document with primary data `data`, its `self` link and nothing else yet.
    pub(crate) fn with_data(data: Data) -> Self {
        Found {
            data,
            self_link: true,
            related: None,
            pages: None,
            included: None,
            meta: Vec::new(),
        }
    }

    fn shown(&self) -> impl Iterator<Item = &Shown> {
        let primary = match &self.data {
            Data::One(s) | Data::Many(s) => Some(s),
            _ => None,
        };
        primary
            .into_iter()
            .chain(self.included.iter().flat_map(|i| &i.batches))
    }

    /// Whether the document can be written straight from the rows (see [`Shown::direct`]).
    pub(crate) fn direct(&self, schema: &Schema) -> bool {
        self.shown().all(|s| s.direct(schema))
    }

    /// The `Link` header of a paged response (B3.4).
    pub(crate) fn headers(&self) -> Vec<(&'static str, String)> {
        let Some(Pages(pages)) = &self.pages else {
            return Vec::new();
        };
        let header: Vec<String> = pages
            .iter()
            .filter_map(|(rel, url)| Some(format!("<{}>; rel=\"{rel}\"", url.as_ref()?)))
            .collect();
        vec![("Link", header.join(", "))]
    }

    /// Whether the document has top-level links.
    fn has_links(&self) -> bool {
        self.self_link || self.related.is_some() || self.pages.is_some()
    }

    /// The document as a [`Document`] (JSON values), for post-hooks and for types whose
    /// objects are built as values (see [`Shown::direct`]).
    pub(crate) fn document(&self, shape: &Shape<'_>, links: &LinkBase) -> Result<Document, Error> {
        let data = match &self.data {
            Data::Absent => None,
            Data::Null => Some(PrimaryData::Null),
            Data::One(shown) => Some(
                shown
                    .objects(shape, links)?
                    .into_iter()
                    .next()
                    .map_or(PrimaryData::Null, |o| PrimaryData::One(Box::new(o))),
            ),
            Data::Many(shown) => Some(PrimaryData::Many(shown.objects(shape, links)?)),
            Data::Linkage(v) => Some(PrimaryData::Linkage(v.clone())),
        };
        let included = match &self.included {
            None => None,
            Some(inc) => {
                let mut built = Vec::with_capacity(inc.batches.len());
                for shown in &inc.batches {
                    built.push(shown.objects(shape, links)?);
                }
                // Each object's position in its batch's rows.
                let mut slots: Vec<Vec<Option<ResourceObject>>> = built
                    .into_iter()
                    .map(|objects| objects.into_iter().map(Some).collect())
                    .collect();
                Some(
                    inc.order
                        .iter()
                        .filter_map(|&(b, i)| slots.get_mut(b)?.get_mut(i)?.take())
                        .collect(),
                )
            }
        };
        let meta: Map<String, Value> = self
            .meta
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        let top = self.has_links().then(|| {
            let mut map = Map::new();
            self.each_link(links, |rel, url| {
                map.insert(rel.to_owned(), url.map_or(Value::Null, Value::from));
            });
            map
        });
        Ok(Document {
            data,
            errors: None,
            links: top,
            meta: (!meta.is_empty()).then_some(meta),
            included,
            jsonapi: JsonApi::V1_0,
        })
    }

    /// The compact JSON text of the document (C5.1), with `meta.status` when given (JSONP,
    /// T1.4): written straight from the rows when every shown type allows, else through
    /// [`document`](Self::document).
    pub(crate) fn to_json(
        &self,
        shape: &Shape<'_>,
        links: &LinkBase,
        status: Option<u16>,
    ) -> Result<String, Error> {
        if !self.direct(shape.schema) {
            let mut doc = self.document(shape, links)?;
            if let Some(status) = status {
                doc = doc.meta_member("status", Value::from(status));
            }
            return Ok(doc.to_json());
        }
        // Every resource URL starts with its type's collection URL: built once per request,
        // for the types shown.
        let mut prefixes: Vec<Option<String>> = vec![None; shape.schema.types.len()];
        for shown in self.shown() {
            let t = shown.batch.t;
            let config = &shape.schema.types[t].config;
            if prefixes[t].is_none() && config.allows(Method::Get) {
                let name = shape.schema.meta(t).type_name;
                // As JSON string contents, escaped once.
                prefixes[t] = Some(json::escape(&format!("{}/", links.collection_url(name))));
            }
        }
        let r = Render {
            schema: shape.schema,
            links,
            prefixes: &prefixes,
        };
        // Sized for the usual document at once, rather than grown by doubling.
        let rows: usize = self.shown().map(|s| s.batch.rows.len()).sum();
        let mut out = Json::with_capacity(1024 + rows.min(1024) * 1024);
        self.write(&mut out, r, status).map_err(Error::Internal)?;
        String::from_utf8(out.into_bytes()).map_err(|e| Error::Internal(e.to_string()))
    }
}

/// What the writer reads besides the rows.
#[derive(Clone, Copy)]
struct Render<'a> {
    schema: &'a Schema,
    links: &'a LinkBase,
    /// By type: `…/{type}/` as JSON string contents, when resources of the type have links
    /// (F4.1).
    prefixes: &'a [Option<String>],
}

impl Found {
    /// The top-level links in document order: `self`, `related`, then the page links (`None`
    /// where there is no such page); the same for both writers.
    fn each_link(&self, links: &LinkBase, mut f: impl FnMut(&'static str, Option<&str>)) {
        if self.self_link {
            f("self", Some(&links.self_url()));
        }
        if let Some(related) = &self.related {
            f("related", Some(related));
        }
        if let Some(Pages(pages)) = &self.pages {
            for (rel, url) in pages {
                f(rel, url.as_deref());
            }
        }
    }

    fn write(&self, out: &mut Json, r: Render<'_>, status: Option<u16>) -> Result<(), String> {
        out.begin_object();
        match &self.data {
            Data::Absent => {}
            Data::Null => {
                out.key("data");
                out.null();
            }
            Data::One(shown) => {
                out.key("data");
                match shown.batch.rows.is_empty() {
                    true => out.null(),
                    false => write_object(out, shown, 0, r)?,
                }
            }
            Data::Many(shown) => {
                out.key("data");
                out.begin_array();
                for i in 0..shown.batch.rows.len() {
                    write_object(out, shown, i, r)?;
                }
                out.end_array();
            }
            Data::Linkage(v) => {
                out.key("data");
                out.value(v)?;
            }
        }
        if self.has_links() {
            out.key("links");
            out.begin_object();
            self.each_link(r.links, |rel, url| {
                out.key(rel);
                match url {
                    Some(url) => out.str(url),
                    None => out.null(),
                }
            });
            out.end_object();
        }
        if !self.meta.is_empty() || status.is_some() {
            out.key("meta");
            out.begin_object();
            for (name, value) in &self.meta {
                out.key(name);
                out.value(value)?;
            }
            if let Some(status) = status {
                out.key("status");
                out.int(status);
            }
            out.end_object();
        }
        if let Some(included) = &self.included {
            out.key("included");
            out.begin_array();
            for &(b, i) in &included.order {
                write_object(out, &included.batches[b], i, r)?;
            }
            out.end_array();
        }
        out.key("jsonapi");
        out.value(&JsonApi::V1_0)?;
        out.end_object();
        Ok(())
    }
}

/// Row `i` of a batch as a resource object (F).
fn write_object(out: &mut Json, shown: &Shown, i: usize, r: Render<'_>) -> Result<(), String> {
    let schema = r.schema;
    let batch = &shown.batch;
    let t = batch.t;
    let names = schema.names(t);
    let row = &batch.rows[i];
    let mut buffer = itoa::Buffer::new();
    let id = Id::of(row.get(0), &mut buffer).ok_or_else(|| {
        format!(
            "type {} has a row without a usable key",
            schema.meta(t).type_name
        )
    })?;
    // The resource's URL as JSON string contents: the type's escaped prefix, then the key as a
    // percent-encoded segment, which has nothing left to escape.
    let url = r.prefixes.get(t).and_then(Option::as_ref).map(|prefix| {
        let mut url = String::with_capacity(prefix.len() + id.text.len());
        url.push_str(prefix);
        match id.integer {
            true => url.push_str(&id.text),
            false => crate::url::push_segment(&mut url, &id.text),
        }
        url
    });
    out.item();
    out.raw(&names.head);
    id.write_contents(out);
    out.raw(b"\"");
    let attributes = batch.columns.attributes();
    if !attributes.is_empty() {
        out.raw(br#","attributes":{"#);
        for &(field, pos) in attributes {
            out.key_raw(&names.fields[field]);
            row.get(pos).write_json(out)?;
        }
        out.end_object();
    }
    if !shown.set.relationships.is_empty() {
        out.raw(br#","relationships":{"#);
        for &rel_at in &shown.set.relationships {
            let rel = schema.rel(t, rel_at);
            let rel_names = &names.rels[rel_at];
            out.key_raw(&rel_names.key);
            out.raw(b"{");
            // F3.2
            if let Some(url) = &url {
                out.raw(br#""links":{"self":""#);
                out.raw(url.as_bytes());
                out.raw(&rel_names.self_end);
                out.raw(br#","related":""#);
                out.raw(url.as_bytes());
                out.raw(&rel_names.related_end);
                out.raw(b"}");
            }
            out.key_raw(br#""data":"#);
            let target = schema.names(rel.target);
            match batch.foreign_key_at(i, rel_at) {
                Some(key) if key.is_id() => write_identifier(out, target, key)?,
                Some(_) => out.null(),
                None => {
                    out.begin_array();
                    for key in batch
                        .to_many_of(rel_at, &id.text)
                        .iter()
                        .filter(|k| k.is_id())
                    {
                        write_identifier(out, target, key)?;
                    }
                    out.end_array();
                }
            }
            out.end_object();
        }
        out.end_object();
    }
    if let Some(url) = &url {
        out.raw(br#","links":{"self":""#);
        out.raw(url.as_bytes());
        out.raw(br#""}"#);
    }
    out.end_object();
    Ok(())
}

/// A resource identifier object; the key is one that [`SqlValue::is_id`].
fn write_identifier(out: &mut Json, target: &Names, key: &SqlValue) -> Result<(), String> {
    let mut buffer = itoa::Buffer::new();
    let id = Id::of(key, &mut buffer).ok_or("a key without an id")?;
    out.item();
    out.raw(&target.head);
    id.write_contents(out);
    out.raw(br#""}"#);
    Ok(())
}

/// A key as its id string (F1.2), without an allocation for integers and text.
struct Id<'a> {
    text: Cow<'a, str>,
    /// Whether `text` is an integer's digits (nothing to escape or encode).
    integer: bool,
}

impl<'a> Id<'a> {
    fn of(key: &'a SqlValue, buffer: &'a mut itoa::Buffer) -> Option<Self> {
        let (text, integer) = match key {
            SqlValue::SmallInt(v) => (Cow::Borrowed(buffer.format(*v)), true),
            SqlValue::Integer(v) => (Cow::Borrowed(buffer.format(*v)), true),
            SqlValue::BigInt(v) => (Cow::Borrowed(buffer.format(*v)), true),
            SqlValue::Text(v) => (Cow::Borrowed(v.as_str()), false),
            other => (Cow::Owned(other.to_id()?), false),
        };
        Some(Id { text, integer })
    }

    /// The id as JSON string contents, without its quotes.
    fn write_contents(&self, out: &mut Json) {
        match self.integer {
            true => out.raw(self.text.as_bytes()),
            false => out.raw(json::escape(&self.text).as_bytes()),
        }
    }
}
