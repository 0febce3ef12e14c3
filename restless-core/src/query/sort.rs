//! `sort`, `group_by` and `ignore_case` (catalog J).

use super::Param;
use crate::error::{Error, ErrorCode};
use crate::schema::Schema;

/// Most relationships in one sort or group path: each is a JOIN, and backends cap those.
const MAX_PATH: usize = 8;

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

/// Resolves `sort` from type `t` (J1.1–J1.5, J1.10).
pub(crate) fn resolve_sort(
    schema: &Schema,
    t: usize,
    param: &Param,
    max: usize,
) -> Result<Vec<SortTerm>, Error> {
    resolve(schema, t, param, ErrorCode::InvalidSort, "sort", max)
}

/// Resolves `group_by` from type `t` (J2).
pub(crate) fn resolve_group(
    schema: &Schema,
    t: usize,
    param: &Param,
    max: usize,
) -> Result<Vec<SortTerm>, Error> {
    resolve(schema, t, param, ErrorCode::InvalidGroupBy, "group", max)
}

fn resolve(
    schema: &Schema,
    t: usize,
    param: &Param,
    code: ErrorCode,
    noun: &str,
    max: usize,
) -> Result<Vec<SortTerm>, Error> {
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
        if segments.len() > MAX_PATH + 1 {
            return Err(invalid(format!(
                "Sort field \"{name}\" is too deep (limit {MAX_PATH} relationships)."
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
    use crate::config::{Registered, ResourceConfig};
    use crate::meta::{
        FieldMeta, FieldRole, RelationshipKind, RelationshipMeta, ResourceMeta, ValueKind,
    };

    /// A field whose column is its name.
    pub(crate) const fn field(name: &'static str, kind: ValueKind, role: FieldRole) -> FieldMeta {
        FieldMeta {
            name,
            column: name,
            kind,
            nullable: true,
            has_default: false,
            role,
        }
    }

    static PERSON: ResourceMeta = ResourceMeta {
        type_name: "person",
        table: "person",
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
                table: "article",
                foreign_key: "author_id",
            },
        }],
    };

    static ARTICLE: ResourceMeta = ResourceMeta {
        type_name: "article",
        table: "article",
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
        let terms = resolve_sort(&s, 1, &param("sort", "-title,author.name,id"), 16).unwrap();
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
        assert_eq!(resolve_sort(&s, 0, &param("sort", ""), 16).unwrap(), vec![]);
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
                detail(resolve_sort(&s, t, &param("sort", value), 16)),
                (ErrorCode::InvalidSort, want.to_owned()),
                "{value}"
            );
        }
        let many = vec!["name"; 17].join(",");
        assert_eq!(
            detail(resolve_sort(&s, 0, &param("sort", &many), 16)).1,
            "Too many sort fields (limit 16)."
        );
    }

    #[test]
    fn group_fields_have_no_direction_j2_2() {
        let s = schema();
        assert_eq!(
            resolve_group(&s, 1, &param("group_by", "author.age"), 16).unwrap()[0].path,
            vec![0]
        );
        assert_eq!(
            detail(resolve_group(&s, 0, &param("group", "-age"), 16)),
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
