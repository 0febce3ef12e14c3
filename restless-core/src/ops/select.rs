//! SELECT statements over one type, and turning their rows into resource objects.

use serde_json::{Map, Value};

use crate::api::LinkBase;
use crate::backend::{Dialect, Row, Sql};
use crate::config::{Method, Registered};
use crate::document::ResourceObject;
use crate::error::Error;
use crate::meta::{FieldMeta, ResourceMeta};

/// The table alias of the primary type in every statement.
pub(crate) const T0: &str = "t0";

/// The columns a resource object is built from: the key, then the attributes.
pub(crate) struct Columns {
    fields: Vec<&'static FieldMeta>,
}

impl Columns {
    /// Every column needed for full resource objects of `meta`.
    pub(crate) fn full(meta: &'static ResourceMeta) -> Self {
        let mut fields = Vec::with_capacity(meta.fields.len());
        fields.push(meta.key());
        fields.extend(meta.attributes());
        Columns { fields }
    }

    /// `SELECT t0.col AS "f0", ... FROM "table" AS t0`.
    pub(crate) fn select(&self, dialect: Dialect, meta: &ResourceMeta) -> Sql {
        let mut sql = Sql::new(dialect);
        sql.push("SELECT ");
        for (i, f) in self.fields.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.column(T0, f.column).alias(f.kind, i);
        }
        sql.push(" FROM ").ident(meta.table).push(" AS ").ident(T0);
        sql
    }

    /// The resource object of one row.
    pub(crate) fn object(
        &self,
        t: &Registered,
        row: &Row,
        links: &LinkBase,
    ) -> Result<ResourceObject, Error> {
        let meta = t.meta;
        let id = row.get(0).to_id().ok_or_else(|| {
            Error::Internal(format!(
                "type {} has a row without a usable key",
                meta.type_name
            ))
        })?;
        let mut attributes = Map::with_capacity(self.fields.len().saturating_sub(1));
        for (i, f) in self.fields.iter().enumerate().skip(1) {
            attributes.insert(f.name.to_owned(), row.get(i).to_json());
        }
        let links = t.config.allows(Method::Get).then(|| {
            let mut m = Map::with_capacity(1);
            m.insert(
                "self".into(),
                Value::String(links.resource_url(meta.type_name, &id)),
            );
            m
        });
        Ok(ResourceObject {
            type_name: meta.type_name,
            id,
            attributes: (!attributes.is_empty()).then_some(attributes),
            relationships: None,
            links,
        })
    }
}
