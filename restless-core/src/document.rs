//! The JSON:API document model (catalog C): what restless writes, member for member.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::ErrorObject;

/// `{"version": "1.0"}`, the only `jsonapi` object restless writes (C2.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct JsonApi {
    version: &'static str,
}

impl JsonApi {
    /// JSON:API 1.0.
    pub const V1_0: JsonApi = JsonApi { version: "1.0" };
}

/// A top-level document. Members that are `None` are omitted (C1.2).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Document {
    /// Primary data; `Some(PrimaryData::Null)` writes `"data": null`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<PrimaryData>,
    /// Errors; never together with `data` (C1.1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<ErrorObject>>,
    /// Top-level links: `self`, pagination links (`null` when absent, I3.1), `related`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub links: Option<Map<String, Value>>,
    /// Top-level meta (C4.1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<Map<String, Value>>,
    /// Included resources, only when inclusion was requested (L1.1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub included: Option<Vec<ResourceObject>>,
    /// Always `{"version": "1.0"}`.
    pub jsonapi: JsonApi,
}

impl Document {
    /// A document with primary data `data` and nothing else yet.
    pub fn with_data(data: PrimaryData) -> Self {
        Document {
            data: Some(data),
            ..Document::empty()
        }
    }

    /// An error document (S1.1).
    pub fn with_errors(errors: Vec<ErrorObject>) -> Self {
        Document {
            errors: Some(errors),
            ..Document::empty()
        }
    }

    /// A document with no primary data (function evaluation, N4).
    pub fn empty() -> Self {
        Document {
            data: None,
            errors: None,
            links: None,
            meta: None,
            included: None,
            jsonapi: JsonApi::V1_0,
        }
    }

    /// Sets `links.self`.
    pub fn self_link(mut self, url: String) -> Self {
        self.links
            .get_or_insert_with(Map::new)
            .insert("self".into(), Value::String(url));
        self
    }

    /// Sets member `name` of the top-level `meta`, creating it if absent.
    pub fn meta_member(mut self, name: &str, value: Value) -> Self {
        self.meta
            .get_or_insert_with(Map::new)
            .insert(name.into(), value);
        self
    }

    /// The compact JSON text of the document (C5.1).
    pub fn to_json(&self) -> String {
        // Serializing plain maps, strings and numbers cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The value of `data`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PrimaryData {
    /// `null`: the root document, an empty to-one relationship.
    Null,
    /// One resource object.
    One(Box<ResourceObject>),
    /// A collection of resource objects.
    Many(Vec<ResourceObject>),
    /// Resource linkage on relationship URLs: an identifier, `null`, or an array of them.
    Linkage(Value),
}

/// A resource object (F).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ResourceObject {
    /// The type name.
    #[serde(rename = "type")]
    pub type_name: &'static str,
    /// The id as a string.
    pub id: String,
    /// Attributes; omitted when none is left (F2.3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Map<String, Value>>,
    /// Relationships; omitted when none is left (F3.4).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relationships: Option<Map<String, Value>>,
    /// `{"self": url}` when the type has GET enabled (F4.1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub links: Option<Map<String, Value>>,
    /// Resource-level meta, from a serialization hook (V6.1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<Map<String, Value>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_members_are_omitted_c1_2() {
        let doc = Document::with_data(PrimaryData::Null).self_link("http://h/api".into());
        assert_eq!(
            serde_json::to_value(&doc).unwrap(),
            json!({"data": null, "links": {"self": "http://h/api"}, "jsonapi": {"version": "1.0"}})
        );
    }

    #[test]
    fn resource_objects_omit_absent_members_f2_3() {
        let ro = ResourceObject {
            type_name: "tag",
            id: "1".into(),
            attributes: None,
            relationships: None,
            links: None,
            meta: None,
        };
        let doc = Document::with_data(PrimaryData::Many(vec![ro])).meta_member("total", json!(1));
        assert_eq!(
            doc.to_json(),
            r#"{"data":[{"type":"tag","id":"1"}],"meta":{"total":1},"jsonapi":{"version":"1.0"}}"#
        );
    }
}
