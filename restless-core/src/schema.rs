//! The registered types with their relationships resolved to indices: what request handling
//! looks names up in.

use crate::config::{ConfigError, Registered};
use crate::meta::{FieldMeta, RelationshipKind, ResourceMeta};

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
        Ok(Schema { types, rels })
    }

    pub(crate) fn meta(&self, t: usize) -> &'static ResourceMeta {
        self.types[t].meta
    }

    pub(crate) fn type_index(&self, name: &str) -> Option<usize> {
        self.types.iter().position(|t| t.meta.type_name == name)
    }

    /// The relationship `name` of type `t`, as an index into `rels[t]`.
    pub(crate) fn rel_index(&self, t: usize, name: &str) -> Option<usize> {
        self.rels[t].iter().position(|r| r.name == name)
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
