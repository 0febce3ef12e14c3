//! What a read found, before any JSON exists (rows, their linkage, and what to show of them),
//! and the two ways it becomes a document: serialized straight from the rows through borrowed
//! `Serialize` views (no `serde_json::Value` tree), or built as a [`Document`] for post-hooks,
//! serialization hooks and computed attributes, which work on JSON values.
//!
//! Finding touches the database; rendering does not, so the web glue renders on its async
//! worker after the connection has gone back to the pool.

use std::collections::HashSet;

use serde::ser::{Error as _, Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value};

use super::objects::{self, key_order, Batch, Place, Shape};
use crate::api::LinkBase;
use crate::config::Method;
use crate::document::{Document, JsonApi, PrimaryData, ResourceObject};
use crate::error::Error;
use crate::query::fields::FieldSet;
use crate::query::Page;
use crate::schema::Schema;
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
        let top = match self.has_links() {
            true => match serde_json::to_value(TopLinks { found: self, links }) {
                Ok(Value::Object(map)) => Some(map),
                _ => return Err(Error::Internal("top-level links are no object".into())),
            },
            false => None,
        };
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
                prefixes[t] = Some(format!("{}/", links.collection_url(name)));
            }
        }
        let view = DocView {
            found: self,
            r: Render {
                schema: shape.schema,
                links,
                prefixes: &prefixes,
            },
            status,
        };
        // Sized for the usual document at once, rather than grown by doubling.
        let rows: usize = self.shown().map(|s| s.batch.rows.len()).sum();
        let mut out = Vec::with_capacity(1024 + rows.min(1024) * 1024);
        serde_json::to_writer(&mut out, &view).map_err(|e| Error::Internal(e.to_string()))?;
        String::from_utf8(out).map_err(|e| Error::Internal(e.to_string()))
    }
}

/// What the views read besides the rows.
#[derive(Clone, Copy)]
struct Render<'a> {
    schema: &'a Schema,
    links: &'a LinkBase,
    /// By type: `…/{type}/`, when resources of the type have links (F4.1).
    prefixes: &'a [Option<String>],
}

struct DocView<'a> {
    found: &'a Found,
    r: Render<'a>,
    status: Option<u16>,
}

impl Serialize for DocView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let f = self.found;
        let r = self.r;
        let mut map = s.serialize_map(None)?;
        match &f.data {
            Data::Absent => {}
            Data::Null => map.serialize_entry("data", &())?,
            Data::One(shown) => match shown.batch.rows.is_empty() {
                true => map.serialize_entry("data", &())?,
                false => map.serialize_entry("data", &ObjectView { shown, i: 0, r })?,
            },
            Data::Many(shown) => map.serialize_entry("data", &ManyView { shown, r })?,
            Data::Linkage(v) => map.serialize_entry("data", v)?,
        }
        if f.has_links() {
            map.serialize_entry(
                "links",
                &TopLinks {
                    found: f,
                    links: r.links,
                },
            )?;
        }
        if !f.meta.is_empty() || self.status.is_some() {
            map.serialize_entry(
                "meta",
                &MetaView {
                    meta: &f.meta,
                    status: self.status,
                },
            )?;
        }
        if let Some(included) = &f.included {
            map.serialize_entry("included", &IncludedView { included, r })?;
        }
        map.serialize_entry("jsonapi", &JsonApi::V1_0)?;
        map.end()
    }
}

/// The top-level links: `self`, `related`, the page links; the same for both writers.
struct TopLinks<'a> {
    found: &'a Found,
    links: &'a LinkBase,
}

impl Serialize for TopLinks<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        if self.found.self_link {
            map.serialize_entry("self", &self.links.self_url())?;
        }
        if let Some(related) = &self.found.related {
            map.serialize_entry("related", related)?;
        }
        if let Some(Pages(pages)) = &self.found.pages {
            for (rel, url) in pages {
                map.serialize_entry(rel, url)?;
            }
        }
        map.end()
    }
}

struct MetaView<'a> {
    meta: &'a [(&'static str, Value)],
    status: Option<u16>,
}

impl Serialize for MetaView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        for (name, value) in self.meta {
            map.serialize_entry(name, value)?;
        }
        if let Some(status) = self.status {
            map.serialize_entry("status", &status)?;
        }
        map.end()
    }
}

struct ManyView<'a> {
    shown: &'a Shown,
    r: Render<'a>,
}

impl Serialize for ManyView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let rows = self.shown.batch.rows.len();
        let mut seq = s.serialize_seq(Some(rows))?;
        for i in 0..rows {
            seq.serialize_element(&ObjectView {
                shown: self.shown,
                i,
                r: self.r,
            })?;
        }
        seq.end()
    }
}

struct IncludedView<'a> {
    included: &'a Included,
    r: Render<'a>,
}

impl Serialize for IncludedView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.included.order.len()))?;
        for &(b, i) in &self.included.order {
            seq.serialize_element(&ObjectView {
                shown: &self.included.batches[b],
                i,
                r: self.r,
            })?;
        }
        seq.end()
    }
}

/// Row `i` of a batch as a resource object (F).
struct ObjectView<'a> {
    shown: &'a Shown,
    i: usize,
    r: Render<'a>,
}

impl Serialize for ObjectView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let schema = self.r.schema;
        let batch = &self.shown.batch;
        let t = batch.t;
        let meta = schema.meta(t);
        let row = &batch.rows[self.i];
        let id = row.get(0).to_id().ok_or_else(|| {
            S::Error::custom(format!(
                "type {} has a row without a usable key",
                meta.type_name
            ))
        })?;
        let url = self
            .r
            .prefixes
            .get(t)
            .and_then(Option::as_ref)
            .map(|prefix| {
                let mut url = String::with_capacity(prefix.len() + id.len());
                url.push_str(prefix);
                crate::url::push_segment(&mut url, &id);
                url
            });
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("type", meta.type_name)?;
        map.serialize_entry("id", &id)?;
        let attributes = batch.columns.attributes();
        if !attributes.is_empty() {
            map.serialize_entry(
                "attributes",
                &Attributes {
                    batch,
                    i: self.i,
                    attributes,
                },
            )?;
        }
        if !self.shown.set.relationships.is_empty() {
            map.serialize_entry(
                "relationships",
                &Relationships {
                    shown: self.shown,
                    i: self.i,
                    id: &id,
                    url: url.as_deref(),
                    schema,
                },
            )?;
        }
        if let Some(url) = &url {
            map.serialize_entry("links", &SelfLink(url))?;
        }
        map.end()
    }
}

struct Attributes<'a> {
    batch: &'a Batch,
    i: usize,
    attributes: &'a [(usize, usize)],
}

impl Serialize for Attributes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let fields = self.batch.columns.fields();
        let row = &self.batch.rows[self.i];
        let mut map = s.serialize_map(Some(self.attributes.len()))?;
        for &(_, pos) in self.attributes {
            map.serialize_entry(fields[pos].name, row.get(pos))?;
        }
        map.end()
    }
}

struct SelfLink<'a>(&'a str);

impl Serialize for SelfLink<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry("self", self.0)?;
        map.end()
    }
}

struct Relationships<'a> {
    shown: &'a Shown,
    i: usize,
    id: &'a str,
    url: Option<&'a str>,
    schema: &'a Schema,
}

impl Serialize for Relationships<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let batch = &self.shown.batch;
        let mut map = s.serialize_map(Some(self.shown.set.relationships.len()))?;
        for &r in &self.shown.set.relationships {
            let rel = self.schema.rel(batch.t, r);
            let target = self.schema.meta(rel.target).type_name;
            let linkage = match batch.foreign_key_at(self.i, r) {
                Some(key) => Linkage::One(target, key),
                None => Linkage::Many(target, batch.to_many_of(r, self.id)),
            };
            map.serialize_entry(
                rel.name,
                &Relationship {
                    url: self.url,
                    name: rel.name,
                    linkage,
                },
            )?;
        }
        map.end()
    }
}

enum Linkage<'a> {
    One(&'static str, &'a SqlValue),
    Many(&'static str, &'a [SqlValue]),
}

impl Serialize for Linkage<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Linkage::One(target, key) if key.is_id() => Identifier(target, key).serialize(s),
            Linkage::One(..) => s.serialize_unit(),
            Linkage::Many(target, keys) => {
                let mut seq = s.serialize_seq(None)?;
                for key in keys.iter().filter(|k| k.is_id()) {
                    seq.serialize_element(&Identifier(target, key))?;
                }
                seq.end()
            }
        }
    }
}

/// A resource identifier object; the key is one that [`SqlValue::is_id`].
struct Identifier<'a>(&'a str, &'a SqlValue);

impl Serialize for Identifier<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry("type", self.0)?;
        map.serialize_entry("id", &IdText(self.1))?;
        map.end()
    }
}

/// A key as its id string (F1.2), written without an intermediate `String` for integers.
struct IdText<'a>(&'a SqlValue);

impl Serialize for IdText<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut buffer = itoa::Buffer::new();
        match self.0 {
            SqlValue::SmallInt(v) => s.serialize_str(buffer.format(*v)),
            SqlValue::Integer(v) => s.serialize_str(buffer.format(*v)),
            SqlValue::BigInt(v) => s.serialize_str(buffer.format(*v)),
            SqlValue::Text(v) => s.serialize_str(v),
            other => match other.to_id() {
                Some(id) => s.serialize_str(&id),
                None => s.serialize_unit(),
            },
        }
    }
}

/// A relationship object: its links (F3.2) and linkage.
struct Relationship<'a> {
    url: Option<&'a str>,
    name: &'a str,
    linkage: Linkage<'a>,
}

impl Serialize for Relationship<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(2))?;
        if let Some(url) = self.url {
            map.serialize_entry(
                "links",
                &RelationshipLinks {
                    url,
                    name: self.name,
                },
            )?;
        }
        map.serialize_entry("data", &self.linkage)?;
        map.end()
    }
}

struct RelationshipLinks<'a> {
    url: &'a str,
    name: &'a str,
}

impl Serialize for RelationshipLinks<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // `{url}/relationships/{name}`, then `{url}/{name}` in the same buffer.
        let mut link = String::with_capacity(self.url.len() + self.name.len() + 15);
        link.push_str(self.url);
        link.push_str("/relationships/");
        link.push_str(self.name);
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry("self", &link)?;
        link.truncate(self.url.len());
        link.push('/');
        link.push_str(self.name);
        map.serialize_entry("related", &link)?;
        map.end()
    }
}
