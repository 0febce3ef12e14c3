//! `sort`, `group_by` and `ignore_case` (catalog J).

use super::Param;
use crate::error::{Error, ErrorCode};
use crate::schema::Schema;

/// A sort or group field: a path of to-one relationships, then a field of the type reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SortTerm {
    /// Relationship indices, each of the type reached so far.
    pub(crate) path: Vec<usize>,
    /// The type the path reaches.
    pub(crate) at: usize,
    /// Index into that type's `fields` (the key or an attribute).
    pub(crate) field: usize,
    /// Descending order.
    pub(crate) desc: bool,
}

/// The limits of sort and group fields (J1.10, J1.11, J2.3, J2.4).
#[derive(Clone, Copy, Debug)]
pub(crate) struct SortLimits {
    /// Most fields in one parameter.
    pub(crate) fields: usize,
    /// Most relationships one field's path crosses.
    pub(crate) depth: usize,
}

/// The distinct to-one joins `terms` need together: each path prefix once (J1.12).
pub(crate) fn join_count<'a>(terms: impl IntoIterator<Item = &'a SortTerm>) -> usize {
    let mut prefixes: Vec<&[usize]> = Vec::new();
    for term in terms {
        for end in 1..=term.path.len() {
            let prefix = &term.path[..end];
            if !prefixes.contains(&prefix) {
                prefixes.push(prefix);
            }
        }
    }
    prefixes.len()
}

/// Resolves `sort` from type `t` (J1.1–J1.5, J1.10).
pub(crate) fn resolve_sort(
    schema: &Schema,
    t: usize,
    param: &Param,
    limits: SortLimits,
) -> Result<Vec<SortTerm>, Error> {
    resolve(schema, t, param, ErrorCode::InvalidSort, "sort", limits)
}

/// Resolves `group_by` from type `t` (J2).
pub(crate) fn resolve_group(
    schema: &Schema,
    t: usize,
    param: &Param,
    limits: SortLimits,
) -> Result<Vec<SortTerm>, Error> {
    resolve(schema, t, param, ErrorCode::InvalidGroupBy, "group", limits)
}

fn resolve(
    schema: &Schema,
    t: usize,
    param: &Param,
    code: ErrorCode,
    noun: &str,
    limits: SortLimits,
) -> Result<Vec<SortTerm>, Error> {
    let max = limits.fields;
    let invalid = |detail: String| Error::bad_query(code, &param.name, detail);
    if param.value.is_empty() {
        return Ok(Vec::new());
    }
    let items: Vec<&str> = param.value.split(',').collect();
    if items.len() > max {
        return Err(invalid(format!("Too many {noun} fields (limit {max}).")));
    }
    let mut terms = Vec::with_capacity(items.len());
    for item in items {
        let (desc, name) = match item.strip_prefix('-') {
            Some(rest) if code == ErrorCode::InvalidSort => (true, rest),
            _ => (false, item),
        };
        if name.is_empty() {
            return Err(invalid(format!("Empty sort field in \"{}\".", param.value)));
        }
        if code == ErrorCode::InvalidSort && (name.starts_with('+') || name.starts_with(' ')) {
            return Err(invalid(format!(
                "Unknown sort field \"{name}\"; ascending order has no prefix."
            )));
        }
        let segments: Vec<&str> = name.split('.').collect();
        if segments.len() > limits.depth.saturating_add(1) {
            let which = if code == ErrorCode::InvalidSort {
                "Sort"
            } else {
                "Group"
            };
            return Err(invalid(format!(
                "{which} field \"{name}\" is too deep (limit {} relationships).",
                limits.depth
            )));
        }
        let mut at = t;
        let mut path = Vec::new();
        let (last, rels) = segments.split_last().unwrap_or((&"", &[]));
        for seg in rels {
            let Some(r) = schema.rel_index(at, seg) else {
                return Err(invalid(unknown(schema, at, seg)));
            };
            if schema.rel(at, r).is_to_many() {
                return Err(invalid(format!(
                    "Cannot sort by \"{name}\": \"{seg}\" is a to-many relationship."
                )));
            }
            path.push(r);
            at = schema.rel(at, r).target;
        }
        let meta = schema.meta(at);
        let field = if *last == "id" {
            Some(meta.primary_key)
        } else {
            schema.attribute(at, last)
        };
        let Some(field) = field else {
            if let Some(r) = schema.rel_index(at, last) {
                let target = schema.meta(schema.rel(at, r).target);
                let example = target.attributes().next().map_or("id", |f| f.name);
                return Err(invalid(format!(
                    "Cannot sort by relationship \"{name}\"; name one of its attributes, e.g. \"{name}.{example}\"."
                )));
            }
            return Err(invalid(unknown(schema, at, last)));
        };
        // JSON has no order (G1.3); the same detail for group_by (J2.2).
        if meta.fields[field].kind().is_json() {
            return Err(invalid(format!("Sort field \"{name}\" is not sortable.")));
        }
        terms.push(SortTerm {
            path,
            at,
            field,
            desc,
        });
    }
    Ok(terms)
}

/// J1.5's detail, also used for `group_by` (J2.2).
fn unknown(schema: &Schema, at: usize, name: &str) -> String {
    format!(
        "Type \"{}\" has no sortable field \"{name}\".",
        schema.meta(at).type_name
    )
}

/// `ignore_case`: `0`/absent or `1` (J1.8).
pub(crate) fn ignore_case(param: Option<&Param>) -> Result<bool, Error> {
    match param.map(|p| p.value.as_str()) {
        None | Some("0") => Ok(false),
        Some("1") => Ok(true),
        Some(other) => {
            let name = param.map_or("ignore_case", |p| p.name.as_str());
            Err(Error::bad_query(
                ErrorCode::InvalidQueryParameter,
                name,
                format!("{name} must be 0 or 1; got \"{other}\"."),
            ))
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    const LIMITS: SortLimits = SortLimits {
        fields: 16,
        depth: 8,
    };
    use crate::config::{Registered, ResourceConfig};
    use crate::meta::{
        FieldMeta, FieldRole, RelationshipKind, RelationshipMeta, ResourceMeta, ValueKind,
    };

    /// A field whose column is its name.
    pub(crate) const fn field(name: &'static str, kind: ValueKind, role: FieldRole) -> FieldMeta {
        FieldMeta {
            name,
            column: name,
            kind: crate::meta::KindOf::Fixed(kind),
            nullable: true,
            has_default: false,
            role,
        }
    }

    static PERSON: ResourceMeta = ResourceMeta {
        type_name: "person",
        table: crate::meta::test_table!("person"),
        primary_key: 0,
        fields: &[
            field("id", ValueKind::Integer, FieldRole::Key),
            field("name", ValueKind::Text, FieldRole::Attribute),
            field("age", ValueKind::Integer, FieldRole::Attribute),
        ],
        relationships: &[RelationshipMeta {
            name: "articles",
            target: || &ARTICLE,
            kind: RelationshipKind::ToMany {
                table: crate::meta::test_table!("article"),
                foreign_key: "author_id",
            },
        }],
    };

    static ARTICLE: ResourceMeta = ResourceMeta {
        type_name: "article",
        table: crate::meta::test_table!("article"),
        primary_key: 0,
        fields: &[
            field("id", ValueKind::Integer, FieldRole::Key),
            field("title", ValueKind::Text, FieldRole::Attribute),
            field("author_id", ValueKind::Integer, FieldRole::ForeignKey),
        ],
        relationships: &[RelationshipMeta {
            name: "author",
            target: || &PERSON,
            kind: RelationshipKind::ToOne { field: 2 },
        }],
    };

    /// person (0) and article (1), linked both ways.
    pub(crate) fn schema() -> Schema {
        let reg = |meta| Registered {
            meta,
            config: ResourceConfig::default(),
        };
        Schema::new(vec![reg(&PERSON), reg(&ARTICLE)]).unwrap()
    }

    fn param(name: &str, value: &str) -> Param {
        Param {
            name: name.into(),
            value: value.into(),
        }
    }

    fn detail(r: Result<Vec<SortTerm>, Error>) -> (ErrorCode, String) {
        match r {
            Err(Error::BadQuery { code, detail, .. }) => (code, detail),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn fields_directions_and_paths_j1_1_j1_2() {
        let s = schema();
        let terms = resolve_sort(&s, 1, &param("sort", "-title,author.name,id"), LIMITS).unwrap();
        assert_eq!(
            terms,
            vec![
                SortTerm {
                    path: vec![],
                    at: 1,
                    field: 1,
                    desc: true
                },
                SortTerm {
                    path: vec![0],
                    at: 0,
                    field: 1,
                    desc: false
                },
                SortTerm {
                    path: vec![],
                    at: 1,
                    field: 0,
                    desc: false
                },
            ]
        );
        assert_eq!(
            resolve_sort(&s, 0, &param("sort", ""), LIMITS).unwrap(),
            vec![]
        );
    }

    #[test]
    fn sort_errors_j1_5() {
        let s = schema();
        let cases = [
            (0, "bogus", "Type \"person\" has no sortable field \"bogus\"."),
            (0, "articles.title", "Cannot sort by \"articles.title\": \"articles\" is a to-many relationship."),
            (1, "author", "Cannot sort by relationship \"author\"; name one of its attributes, e.g. \"author.name\"."),
            (1, "author_id", "Type \"article\" has no sortable field \"author_id\"."),
            (0, "age,,name", "Empty sort field in \"age,,name\"."),
            (0, "+age", "Unknown sort field \"+age\"; ascending order has no prefix."),
        ];
        for (t, value, want) in cases {
            assert_eq!(
                detail(resolve_sort(&s, t, &param("sort", value), LIMITS)),
                (ErrorCode::InvalidSort, want.to_owned()),
                "{value}"
            );
        }
        let many = vec!["name"; 17].join(",");
        assert_eq!(
            detail(resolve_sort(&s, 0, &param("sort", &many), LIMITS)).1,
            "Too many sort fields (limit 16)."
        );
    }

    #[test]
    fn group_fields_have_no_direction_j2_2() {
        let s = schema();
        assert_eq!(
            resolve_group(&s, 1, &param("group_by", "author.age"), LIMITS).unwrap()[0].path,
            vec![0]
        );
        assert_eq!(
            detail(resolve_group(&s, 0, &param("group", "-age"), LIMITS)),
            (
                ErrorCode::InvalidGroupBy,
                "Type \"person\" has no sortable field \"-age\".".to_owned()
            )
        );
    }

    #[test]
    fn ignore_case_values_j1_8() {
        assert!(!ignore_case(None).unwrap());
        assert!(!ignore_case(Some(&param("ignore_case", "0"))).unwrap());
        assert!(ignore_case(Some(&param("ignorecase", "1"))).unwrap());
        let e = ignore_case(Some(&param("ignorecase", "yes"))).unwrap_err();
        assert_eq!(e.to_string(), "ignorecase must be 0 or 1; got \"yes\".");
    }
}
