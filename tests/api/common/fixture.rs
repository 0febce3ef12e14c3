//! Fixture F (catalog A2.2) as the API serves it: the canonical resource objects of F6.

use serde_json::{json, Value};

use super::B;

/// The attributes of each fixture resource (F6).
fn attributes(type_name: &str, id: u32) -> Value {
    match (type_name, id) {
        ("person", 1) => {
            json!({"name": "Alice", "age": 31, "birthday": "1993-04-12", "created_at": "2024-01-15T09:30:00"})
        }
        ("person", 2) => {
            json!({"name": "bob", "age": null, "birthday": null, "created_at": "2024-02-01T12:00:00"})
        }
        ("person", 3) => {
            json!({"name": "Carol", "age": 27, "birthday": "1997-11-02", "created_at": null})
        }
        ("article", 1) => {
            json!({"title": "Hello JSON:API", "body": "First post", "rating": 4.5, "published_at": "2024-03-01T10:00:00"})
        }
        ("article", 2) => {
            json!({"title": "Diesel tips", "body": null, "rating": 3.0, "published_at": null})
        }
        ("article", 3) => {
            json!({"title": "actix in practice", "body": "Handlers and extractors", "rating": null, "published_at": "2024-05-20T08:15:30.250000"})
        }
        ("article", 4) => {
            json!({"title": "Draft", "body": null, "rating": null, "published_at": null})
        }
        ("comment", 1) => json!({"content": "Great read"}),
        ("comment", 2) => json!({"content": "Thanks!"}),
        ("comment", 3) => json!({"content": "Useful"}),
        ("comment", 4) => json!({"content": "Orphan"}),
        ("tag", 1) => json!({"name": "rust"}),
        ("tag", 2) => json!({"name": "web"}),
        ("tag", 3) => json!({"name": "databases"}),
        other => panic!("no fixture resource {other:?}"),
    }
}

/// The linkage of each fixture resource (A2.2): `(relationship, target type, ids)`, where a
/// to-one relationship has at most one id and `many` tells the kinds apart.
fn linkage(type_name: &str, id: u32) -> Vec<(&'static str, &'static str, bool, Vec<u32>)> {
    match (type_name, id) {
        ("person", 1) => vec![
            ("articles", "article", true, vec![1, 2]),
            ("comments", "comment", true, vec![2]),
        ],
        ("person", 2) => vec![
            ("articles", "article", true, vec![]),
            ("comments", "comment", true, vec![1]),
        ],
        ("person", 3) => vec![
            ("articles", "article", true, vec![3]),
            ("comments", "comment", true, vec![3]),
        ],
        ("article", 1) => vec![
            ("author", "person", false, vec![1]),
            ("comments", "comment", true, vec![1, 2]),
            ("tags", "tag", true, vec![1, 2]),
        ],
        ("article", 2) => vec![
            ("author", "person", false, vec![1]),
            ("comments", "comment", true, vec![3]),
            ("tags", "tag", true, vec![2]),
        ],
        ("article", 3) => vec![
            ("author", "person", false, vec![3]),
            ("comments", "comment", true, vec![]),
            ("tags", "tag", true, vec![]),
        ],
        ("article", 4) => vec![
            ("author", "person", false, vec![]),
            ("comments", "comment", true, vec![]),
            ("tags", "tag", true, vec![]),
        ],
        ("comment", 1) => vec![
            ("article", "article", false, vec![1]),
            ("author", "person", false, vec![2]),
        ],
        ("comment", 2) => vec![
            ("article", "article", false, vec![1]),
            ("author", "person", false, vec![1]),
        ],
        ("comment", 3) => vec![
            ("article", "article", false, vec![2]),
            ("author", "person", false, vec![3]),
        ],
        ("comment", 4) => vec![
            ("article", "article", false, vec![]),
            ("author", "person", false, vec![]),
        ],
        ("tag", 1) => vec![("articles", "article", true, vec![1])],
        ("tag", 2) => vec![("articles", "article", true, vec![1, 2])],
        ("tag", 3) => vec![("articles", "article", true, vec![])],
        other => panic!("no fixture resource {other:?}"),
    }
}

/// `RI(type id)`.
pub(crate) fn ri(type_name: &str, id: u32) -> Value {
    json!({"type": type_name, "id": id.to_string()})
}

/// The relationships object of a fixture resource (F3, F6), with links based on `base`.
pub(crate) fn relationships_at(base: &str, type_name: &str, id: u32) -> Value {
    let mut map = serde_json::Map::new();
    for (name, target, many, ids) in linkage(type_name, id) {
        let data = if many {
            Value::Array(ids.iter().map(|i| ri(target, *i)).collect())
        } else {
            ids.first().map_or(Value::Null, |i| ri(target, *i))
        };
        map.insert(
            name.to_owned(),
            json!({
                "links": {
                    "self": format!("{base}/{type_name}/{id}/relationships/{name}"),
                    "related": format!("{base}/{type_name}/{id}/{name}"),
                },
                "data": data,
            }),
        );
    }
    Value::Object(map)
}

/// `RO(type id)` with links based on `base` (e.g. [`B`]).
pub(crate) fn ro_at(base: &str, type_name: &str, id: u32) -> Value {
    json!({
        "type": type_name,
        "id": id.to_string(),
        "attributes": attributes(type_name, id),
        "relationships": relationships_at(base, type_name, id),
        "links": {"self": format!("{base}/{type_name}/{id}")},
    })
}

/// `RO(type id)` as the catalog writes it (base `http://localhost:8080/api`).
pub(crate) fn ro(type_name: &str, id: u32) -> Value {
    ro_at(B, type_name, id)
}

/// `[RO(type id) for id in ids]`.
pub(crate) fn ros(type_name: &str, ids: &[u32]) -> Value {
    Value::Array(ids.iter().map(|id| ro(type_name, *id)).collect())
}
