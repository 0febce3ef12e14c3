//! The validation hook (V5.1): the prospective state of POST, PATCH and relationship writes,
//! refused with 400 `validation_failed` before anything is written.

use std::sync::{Arc, Mutex};

use actix_web::http::Method;
use restless::ResourceConfig;
use serde_json::{json, Value};

use crate::common::fixture::ro;
use crate::common::{ids, Server};
use crate::db::Custom;

type Seen = Arc<Mutex<Vec<Value>>>;

/// Persons' ages must be 0–150 and names not "root"; an article has at most one tag. Every
/// prospective state is recorded.
fn rules(seen: &Seen) -> Custom {
    let seen = Arc::clone(seen);
    Custom {
        types: Some(Arc::new(move |name: &str, config: ResourceConfig| {
            let seen = Arc::clone(&seen);
            match name {
                "person" => config.validate(move |_, person| {
                    seen.lock().unwrap().push(json!({
                        "id": person.id(), "attributes": person.attributes(),
                        "relationships": person.relationships()}));
                    let mut problems = Vec::new();
                    if let Some(age) = person.attribute("age").and_then(Value::as_i64) {
                        if !(0..=150).contains(&age) {
                            problems.push(("age".into(), "Must be between 0 and 150".into()));
                        }
                    }
                    if person.attribute("name") == Some(&json!("root")) {
                        problems.push(("name".into(), "Reserved".into()));
                        problems.push((String::new(), "Not a person".into()));
                    }
                    problems
                }),
                "article" => config.validate(move |_, article| {
                    seen.lock()
                        .unwrap()
                        .push(json!({"relationships": article.relationships()}));
                    match article.relationship("tags").and_then(Value::as_array) {
                        Some(tags) if tags.len() > 1 => {
                            vec![("tags".into(), "At most one tag".into())]
                        }
                        _ => Vec::new(),
                    }
                }),
                _ => config,
            }
        })),
        ..Custom::default()
    }
}

fn failed(errors: Value) -> Value {
    json!({"errors": errors, "jsonapi": {"version": "1.0"}})
}

fn problem(pointer: &str, detail: &str) -> Value {
    json!({"status": "400", "code": "validation_failed", "title": "Validation error",
        "detail": detail, "source": {"pointer": pointer}})
}

#[actix_web::test]
async fn a_create_is_validated_v5_1() {
    let seen = Seen::default();
    let srv = Server::start_custom(true, rules(&seen));
    let doc = json!({"data": {"type": "person", "attributes": {"name": "root", "age": 200}}});
    let res = srv.write(Method::POST, "/api/person", &doc).await;
    assert_eq!(res.status, 400);
    assert_eq!(
        res.json(),
        failed(json!([
            problem("/data", "Not a person"),
            problem("/data/attributes/age", "age: Must be between 0 and 150"),
            problem("/data/attributes/name", "name: Reserved"),
        ]))
    );
    assert_eq!(
        seen.lock().unwrap()[0],
        json!({"id": null, "attributes": {"name": "root", "age": 200}, "relationships": {}})
    );
    assert_eq!(ids(&srv.get("/api/person").await.json()), ["1", "2", "3"]);
    let doc = json!({"data": {"type": "person", "attributes": {"name": "Dave", "age": 40}}});
    let res = srv.write(Method::POST, "/api/person", &doc).await;
    assert_eq!(res.status, 201);
}

#[actix_web::test]
async fn an_update_is_validated_with_the_stored_values_v5_1() {
    let seen = Seen::default();
    let srv = Server::start_custom(true, rules(&seen));
    let doc = json!({"data": {"type": "person", "id": "1", "attributes": {"age": -1}}});
    let res = srv.write(Method::PATCH, "/api/person/1", &doc).await;
    assert_eq!(
        (res.status, res.json()),
        (
            400,
            failed(json!([problem(
                "/data/attributes/age",
                "age: Must be between 0 and 150"
            )]))
        )
    );
    let state = seen.lock().unwrap()[0].clone();
    assert_eq!(state["id"], "1");
    assert_eq!(
        state["attributes"],
        json!({"name": "Alice", "age": -1, "birthday": "1993-04-12",
            "created_at": "2024-01-15T09:30:00"})
    );
    assert_eq!(
        state["relationships"]["articles"],
        json!([{"type": "article", "id": "1"}, {"type": "article", "id": "2"}])
    );
    assert_eq!(
        srv.get("/api/person/1").await.json()["data"],
        ro("person", 1)
    );
}

#[actix_web::test]
async fn relationship_writes_are_validated_v5_1() {
    let seen = Seen::default();
    let srv = Server::start_custom(true, rules(&seen));
    // Article 2 has tag 2: adding tag 1 would make two.
    let link = json!({"data": [{"type": "tag", "id": "1"}]});
    let res = srv
        .write(Method::POST, "/api/article/2/relationships/tags", &link)
        .await;
    assert_eq!(
        (res.status, res.json()),
        (
            400,
            failed(json!([problem(
                "/data/relationships/tags",
                "tags: At most one tag"
            )]))
        )
    );
    assert_eq!(
        seen.lock().unwrap()[0]["relationships"]["tags"],
        json!([{"type": "tag", "id": "2"}, {"type": "tag", "id": "1"}])
    );
    let res = srv.get("/api/article/2/relationships/tags").await;
    assert_eq!(res.json()["data"], json!([{"type": "tag", "id": "2"}]));
    // Removing leaves one: accepted.
    let res = srv
        .write(Method::DELETE, "/api/article/1/relationships/tags", &link)
        .await;
    assert_eq!(res.status, 204, "{}", res.body);
    assert_eq!(
        seen.lock().unwrap()[1]["relationships"]["tags"],
        json!([{"type": "tag", "id": "2"}])
    );
}
