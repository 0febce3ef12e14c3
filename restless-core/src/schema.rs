//! The registered types with their relationships resolved to indices: what request handling
//! looks names up in.

use crate::config::{ConfigError, Registered};
use crate::json;
use crate::meta::{FieldMeta, RelationshipKind, ResourceMeta};
use crate::query::fields::FieldSet;

/// A relationship whose target is a registered type.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rel {
    pub(crate) name: &'static str,
    pub(crate) target: usize,
    pub(crate) kind: RelationshipKind,
}

impl Rel {
    pub(crate) fn is_to_many(&self) -> bool {
        self.kind.is_to_many()
    }
}

/// The registered types, in registration order, and their relationships.
#[derive(Debug)]
pub(crate) struct Schema {
    pub(crate) types: Vec<Registered>,
    pub(crate) rels: Vec<Vec<Rel>>,
    /// Per type: which fields and relationships `only`/`exclude` leave visible (V2).
    visible: Vec<(Vec<bool>, Vec<bool>)>,
    /// Per type: everything a resource object shows without `fields[TYPE]`.
    full: Vec<FieldSet>,
    /// Per type: its names as JSON text.
    names: Vec<Names>,
}

/// A type's names as JSON text, quoted and escaped once, for documents written straight from
/// rows (`ops::render`).
#[derive(Debug)]
pub(crate) struct Names {
    /// `{"type":"<type>","id":"`: how a resource object and a resource identifier begin.
    pub(crate) head: Box<[u8]>,
    /// By field: `"<name>":`.
    pub(crate) fields: Vec<Box<[u8]>>,
    /// By relationship.
    pub(crate) rels: Vec<RelNames>,
}

/// A relationship's name as JSON text.
#[derive(Debug)]
pub(crate) struct RelNames {
    /// `"<name>":`.
    pub(crate) key: Box<[u8]>,
    /// How its links end after the resource's URL: `/relationships/<name>"` (`self`) and
    /// `/<name>"` (`related`), F3.2.
    pub(crate) self_end: Box<[u8]>,
    pub(crate) related_end: Box<[u8]>,
}

impl Names {
    fn new(meta: &ResourceMeta) -> Self {
        let end = |text: String| format!("{}\"", json::escape(&text)).into_bytes().into();
        Names {
            head: format!("{{\"type\":\"{}\",\"id\":\"", json::escape(meta.type_name))
                .into_bytes()
                .into(),
            fields: meta.fields.iter().map(|f| json::member(f.name)).collect(),
            rels: meta
                .relationships
                .iter()
                .map(|r| RelNames {
                    key: json::member(r.name),
                    self_end: end(format!("/relationships/{}", r.name)),
                    related_end: end(format!("/{}", r.name)),
                })
                .collect(),
        }
    }
}

impl Schema {
    /// Resolves every relationship's target (F3.1).
    pub(crate) fn new(types: Vec<Registered>) -> Result<Self, ConfigError> {
        let mut rels = Vec::with_capacity(types.len());
        for t in &types {
            let mut resolved = Vec::with_capacity(t.meta.relationships.len());
            for r in t.meta.relationships {
                let target_meta = (r.target)();
                let unregistered = || ConfigError::UnregisteredTarget {
                    type_name: t.meta.type_name.into(),
                    relationship: r.name.into(),
                    target: target_meta.type_name.into(),
                };
                let target = types
                    .iter()
                    .position(|o| {
                        std::ptr::eq(o.meta, target_meta)
                            || o.meta.type_name == target_meta.type_name
                    })
                    .ok_or_else(unregistered)?;
                if let RelationshipKind::ToMany { table, .. } = r.kind {
                    if table != types[target].meta.table {
                        return Err(ConfigError::RelationshipTable {
                            type_name: t.meta.type_name.into(),
                            relationship: r.name.into(),
                        });
                    }
                }
                resolved.push(Rel {
                    name: r.name,
                    target,
                    kind: r.kind,
                });
            }
            rels.push(resolved);
        }
        let mut visible = Vec::with_capacity(types.len());
        for t in &types {
            let meta = t.meta;
            let config = &t.config;
            let names: Vec<&str> = config
                .only
                .iter()
                .flatten()
                .chain(&config.exclude)
                .map(String::as_str)
                .collect();
            if config.only.is_some() && !config.exclude.is_empty() {
                return Err(ConfigError::OnlyAndExclude(meta.type_name.into()));
            }
            for (i, c) in config.computed.iter().enumerate() {
                let taken = meta.fields.iter().any(|f| f.name == c.name)
                    || meta.relationships.iter().any(|r| r.name == c.name)
                    || config.computed[..i].iter().any(|o| o.name == c.name)
                    || config.exclude.iter().any(|e| e == c.name);
                if taken
                    || matches!(c.name, "id" | "type")
                    || !crate::config::is_url_safe_member_name(c.name)
                {
                    return Err(ConfigError::InvalidComputed {
                        type_name: meta.type_name.into(),
                        name: c.name.into(),
                    });
                }
            }
            let known = |n: &str| {
                config.computed.iter().any(|c| c.name == n)
                    || meta
                        .fields
                        .iter()
                        .any(|f| f.name == n && f.role == crate::meta::FieldRole::Attribute)
                    || meta.relationships.iter().any(|r| r.name == n)
            };
            if let Some(unknown) = names.iter().find(|n| !known(n)) {
                return Err(ConfigError::UnknownField {
                    type_name: meta.type_name.into(),
                    field: (*unknown).into(),
                });
            }
            let shown = |n: &str| match &config.only {
                Some(only) => only.iter().any(|o| o == n),
                None => !config.exclude.iter().any(|e| e == n),
            };
            let fields = meta
                .fields
                .iter()
                .map(|f| f.role != crate::meta::FieldRole::Attribute || shown(f.name))
                .collect();
            let relationships = meta.relationships.iter().map(|r| shown(r.name)).collect();
            visible.push((fields, relationships));
        }
        let mut schema = Schema {
            types,
            rels,
            visible,
            full: Vec::new(),
            names: Vec::new(),
        };
        schema.names = schema.types.iter().map(|t| Names::new(t.meta)).collect();
        schema.full = (0..schema.types.len())
            .map(|t| FieldSet::visible(&schema, t))
            .collect();
        Ok(schema)
    }

    /// Every attribute and relationship of type `t` (no sparse fieldset).
    pub(crate) fn full_set(&self, t: usize) -> &FieldSet {
        &self.full[t]
    }

    /// The names of type `t` as JSON text.
    pub(crate) fn names(&self, t: usize) -> &Names {
        &self.names[t]
    }

    /// Whether field `i` of type `t` exists for the API (V2 `only`/`exclude`).
    pub(crate) fn visible_field(&self, t: usize, i: usize) -> bool {
        self.visible
            .get(t)
            .and_then(|(f, _)| f.get(i))
            .copied()
            .unwrap_or(false)
    }

    /// Whether relationship `r` of type `t` exists for the API.
    pub(crate) fn visible_rel(&self, t: usize, r: usize) -> bool {
        self.visible
            .get(t)
            .and_then(|(_, rs)| rs.get(r))
            .copied()
            .unwrap_or(false)
    }

    /// The computed attributes of type `t`.
    pub(crate) fn computed(&self, t: usize) -> &[crate::config::Computed] {
        &self.types[t].config.computed
    }

    /// The computed attribute `name` of type `t`, as an index into [`Schema::computed`].
    pub(crate) fn computed_index(&self, t: usize, name: &str) -> Option<usize> {
        self.computed(t).iter().position(|c| c.name == name)
    }

    /// The visible attribute `name` of type `t`, as an index into its fields.
    pub(crate) fn attribute(&self, t: usize, name: &str) -> Option<usize> {
        let meta = self.meta(t);
        (0..meta.fields.len()).find(|&i| {
            let f = &meta.fields[i];
            f.name == name
                && f.role == crate::meta::FieldRole::Attribute
                && self.visible_field(t, i)
        })
    }

    pub(crate) fn meta(&self, t: usize) -> &'static ResourceMeta {
        self.types[t].meta
    }

    pub(crate) fn type_index(&self, name: &str) -> Option<usize> {
        self.types.iter().position(|t| t.meta.type_name == name)
    }

    /// The visible relationship `name` of type `t`, as an index into `rels[t]`.
    pub(crate) fn rel_index(&self, t: usize, name: &str) -> Option<usize> {
        (0..self.rels[t].len()).find(|&r| self.rels[t][r].name == name && self.visible_rel(t, r))
    }

    pub(crate) fn rel(&self, t: usize, r: usize) -> &Rel {
        &self.rels[t][r]
    }

    /// The foreign-key field of a to-one relationship.
    pub(crate) fn fk_field(&self, t: usize, r: usize) -> Option<&'static FieldMeta> {
        match self.rels[t][r].kind {
            RelationshipKind::ToOne { field } => self.meta(t).fields.get(field),
            _ => None,
        }
    }
}
