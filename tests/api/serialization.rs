//! Serialization hooks (V6.1, S3.4): each resource of a type, wherever it is shown, through the
//! application's hook.

use std::sync::Arc;

use actix_web::http::Method;
use restless::hook::SerializeError;
use restless::ResourceConfig;
use serde_json::{json, Value};

use crate::common::fixture::ro;
use crate::common::{error_doc, Server};
use crate::db::Custom;

/// Persons show their initial, say so in `meta`, gain `nickname`, lose `comments`, and may
/// not rewrite linkage; person 2 fails (with restless's detail), person 3 with its own.
/// Articles show their stored `author_id` (no attribute) in `meta`.
fn hooked() -> Custom {
    Custom {
        types: Some(Arc::new(|name: &str, config: ResourceConfig| match name {
            "person" => config.serialize_with(|_, row, person| {
                match row["id"].as_i64() {
                    Some(2) if person.id() == "2" => return Err(SerializeError::new()),
                    Some(3) => return Err(SerializeError::detail("Carol is private.")),
                    _ => {}
                }
                let name = row["name"].as_str().unwrap_or_default();
                let initial: String = name.chars().take(1).collect();
                person.attributes.insert("name".into(), initial.into());
                person.attributes.insert("nickname".into(), json!("Al"));
                person.relationships.remove("comments");
                person.relationships["articles"]["data"] = json!([]);
                // Linkage is restless's: a relationship of the hook's own is dropped.
                person.relationships.insert(
                    "mentor".into(),
                    json!({"data": {"type": "person", "id": "9"}}),
                );
                person.meta_mut().insert("abbreviated".into(), json!(true));
                Ok(())
            }),
            "article" => config.serialize_with(|_, row, article| {
                article
                    .meta_mut()
                    .insert("author_id".into(), row["author_id"].clone());
                Ok(())
            }),
            _ => config,
        })),
        ..Custom::default()
    }
}

fn person_1() -> Value {
    let mut p = ro("person", 1);
    p["attributes"]["name"] = json!("A");
    p["attributes"]["nickname"] = json!("Al");
    p["relationships"]
        .as_object_mut()
        .unwrap()
        .remove("comments");
    p["meta"] = json!({"abbreviated": true});
    p
}

#[actix_web::test]
async fn the_hook_shapes_each_resource_v6_1() {
    let srv = Server::start_custom(false, hooked());
    let res = srv.get("/api/person/1").await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["data"], person_1());
    let res = srv.get("/api/article/1").await;
    let mut article = ro("article", 1);
    article["meta"] = json!({"author_id": 1});
    assert_eq!(res.json()["data"], article);
    // Included resources too.
    let res = srv.get("/api/article/1?include=author").await;
    assert_eq!(res.json()["included"], json!([person_1()]));
}

#[actix_web::test]
async fn sparse_fieldsets_apply_after_the_hook_v6_1() {
    let srv = Server::start_custom(false, hooked());
    let res = srv
        .get("/api/person/1?fields%5Bperson%5D=name,articles")
        .await;
    assert_eq!(res.status, 200);
    let mut expected = person_1();
    expected["attributes"] = json!({"name": "A"});
    assert_eq!(
        res.json()["data"],
        expected,
        "the added attribute is dropped"
    );
}

#[actix_web::test]
async fn a_failure_is_500_serialization_failed_s3_4() {
    let srv = Server::start_custom(false, hooked());
    let failed = |detail: &str| {
        json!({"status": "500", "code": "serialization_failed", "title": "Serialization failed",
            "detail": detail})
    };
    let res = srv.get("/api/person").await;
    assert_eq!(res.status, 500);
    assert_eq!(
        res.json(),
        json!({"errors": [
            failed("Failed to serialize resource of type \"person\" with id \"2\"."),
            failed("Carol is private."),
        ], "jsonapi": {"version": "1.0"}})
    );
    let res = srv.get("/api/comment/1?include=author").await;
    assert_eq!(res.status, 500);
    assert_eq!(
        res.json(),
        error_doc(failed(
            "Failed to serialize included resource of type \"person\" with id \"2\"."
        ))
    );
}

#[actix_web::test]
async fn write_responses_pass_through_the_hook_v6_1() {
    let srv = Server::start_custom(true, hooked());
    let doc = json!({"data": {"type": "person", "attributes": {"name": "Dave"}}});
    let res = srv.write(Method::POST, "/api/person", &doc).await;
    assert_eq!(res.status, 201, "{}", res.body);
    let data = &res.json()["data"];
    assert_eq!(data["attributes"]["name"], "D");
    assert_eq!(data["meta"], json!({"abbreviated": true}));
    // The stored value is the client's.
    let res = srv.get("/api/person?filter%5Bname%5D=Dave").await;
    assert_eq!(crate::common::ids(&res.json()), ["4"]);
}

#[actix_web::test]
async fn computed_attributes_see_the_row_and_the_request_v2() {
    let srv = Server::start_custom(
        false,
        Custom {
            types: Some(Arc::new(|name: &str, config: ResourceConfig| match name {
                "article" => config.computed("byline", |ctx, row| {
                    json!(format!(
                        "article {} by person {} for {}",
                        row["id"],
                        row["author_id"],
                        ctx.header("x-reader").unwrap_or("nobody")
                    ))
                }),
                _ => config,
            })),
            ..Custom::default()
        },
    );
    let headers = [("Accept", "application/vnd.api+json"), ("X-Reader", "Eve")];
    let res = srv
        .request(
            Method::GET,
            "/api/article/1?fields%5Barticle%5D=byline",
            &headers,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(
        res.json()["data"]["attributes"],
        json!({"byline": "article 1 by person 1 for Eve"})
    );
}
