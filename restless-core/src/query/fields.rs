//! `fields[TYPE]` (catalog K): sparse fieldsets.

use super::Param;
use crate::error::{Error, ErrorCode};
use crate::meta::FieldRole;
use crate::schema::Schema;

/// What a resource object of one type shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FieldSet {
    /// Indices into the type's `fields` of the attributes shown, in declaration order.
    pub(crate) attributes: Vec<usize>,
    /// Indices into the type's relationships of those shown, in declaration order.
    pub(crate) relationships: Vec<usize>,
    /// Indices into the type's computed attributes of those shown.
    pub(crate) computed: Vec<usize>,
}

/// The indices of type `t`'s attributes that `only`/`exclude` leave visible (V2).
fn visible_attributes(schema: &Schema, t: usize) -> impl Iterator<Item = usize> + '_ {
    let meta = schema.meta(t);
    (0..meta.fields.len())
        .filter(move |&i| meta.fields[i].role == FieldRole::Attribute && schema.visible_field(t, i))
}

impl FieldSet {
    /// Every attribute and relationship of type `t` (a copy of the set the schema worked out
    /// when it was built).
    pub(crate) fn all(schema: &Schema, t: usize) -> Self {
        schema.full_set(t).clone()
    }

    /// Works out every attribute and relationship of type `t`; the schema does, once, when it
    /// is built (see [`all`](Self::all)).
    pub(crate) fn visible(schema: &Schema, t: usize) -> Self {
        FieldSet {
            attributes: visible_attributes(schema, t).collect(),
            relationships: (0..schema.rels[t].len())
                .filter(|&r| schema.visible_rel(t, r))
                .collect(),
            computed: (0..schema.computed(t).len()).collect(),
        }
    }

    /// Whether the set shows every visible attribute of type `t` (no sparse fieldset narrows
    /// it), without building that set.
    pub(crate) fn has_all_attributes(&self, schema: &Schema, t: usize) -> bool {
        // A set holds visible attributes only, each once: the counts tell.
        self.attributes.len() == visible_attributes(schema, t).count()
    }

    /// Nothing but the key (and the foreign keys every row carries).
    pub(crate) fn empty() -> Self {
        FieldSet {
            attributes: Vec::new(),
            relationships: Vec::new(),
            computed: Vec::new(),
        }
    }
}

/// Resolves every `fields[TYPE]` parameter (K1.1–K1.4); `None` for types without one.
pub(crate) fn resolve(
    schema: &Schema,
    params: &[(String, Param)],
) -> Result<Vec<Option<FieldSet>>, Error> {
    let mut sets = vec![None; schema.types.len()];
    for (type_name, param) in params {
        let invalid =
            |detail: String| Error::bad_query(ErrorCode::InvalidFields, &param.name, detail);
        let t = schema
            .type_index(type_name)
            .ok_or_else(|| invalid(format!("Unknown type \"{type_name}\" in {}.", param.name)))?;
        let mut set = FieldSet::empty();
        for name in param
            .value
            .split(',')
            .filter(|n| !n.is_empty() && *n != "id" && *n != "type")
        {
            if let Some(c) = schema.computed_index(t, name) {
                set.computed.push(c);
            } else if let Some(r) = schema.rel_index(t, name) {
                set.relationships.push(r);
            } else if let Some(i) = schema.attribute(t, name) {
                set.attributes.push(i);
            } else {
                return Err(invalid(format!(
                    "Type \"{type_name}\" has no field \"{name}\" (in {}).",
                    param.name
                )));
            }
        }
        set.attributes.sort_unstable();
        set.attributes.dedup();
        set.relationships.sort_unstable();
        set.relationships.dedup();
        set.computed.sort_unstable();
        set.computed.dedup();
        sets[t] = Some(set);
    }
    Ok(sets)
}
