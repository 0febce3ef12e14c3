//! Creating (O), updating (P), deleting (Q) and relationship writes (R), each test on a fresh
//! copy of fixture F, with follow-up GETs proving what was and was not written.

#![allow(
    clippy::await_holding_lock,
    reason = "write tests hold the write database's lock while they run"
)]

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::common::fixture::{ri, ro};
use crate::common::{assert_valid_request, error_doc, ids, RequestKind, Response, Server, B};

impl Server {
    async fn post(&self, path: &str, body: Value) -> Response {
        self.write(Method::POST, path, &body).await
    }

    async fn patch(&self, path: &str, body: Value) -> Response {
        self.write(Method::PATCH, path, &body).await
    }

    async fn data(&self, path: &str) -> Value {
        let res = self.get(path).await;
        assert_eq!(res.status, 200, "GET {path}: {}", res.body);
        res.json()["data"].clone()
    }
}

fn problem(status: u16, code: &str, title: &str, pointer: Option<&str>, detail: &str) -> Value {
    let mut e =
        json!({"status": status.to_string(), "code": code, "title": title, "detail": detail});
    if let Some(p) = pointer {
        e["source"] = json!({"pointer": p});
    }
    e
}

fn one(status: u16, code: &str, title: &str, pointer: Option<&str>, detail: &str) -> Value {
    error_doc(problem(status, code, title, pointer, detail))
}

#[actix_web::test]
async fn create_o4_1() {
    let srv = Server::start_writes(true, true);
    let body = json!({"data": {"type": "person", "attributes": {"name": "Dave", "age": 40}}});
    assert_valid_request(RequestKind::Create, &body);
    let res = srv.post("/api/person", body).await;
    assert_eq!(res.status, 201, "{}", res.body);
    assert_eq!(
        res.header("location"),
        Some("http://localhost:8080/api/person/4")
    );
    let created = json!({
        "type": "person",
        "id": "4",
        "attributes": {"name": "Dave", "age": 40, "birthday": null, "created_at": null},
        "relationships": {
            "articles": {"links": {"self": format!("{B}/person/4/relationships/articles"), "related": format!("{B}/person/4/articles")}, "data": []},
            "comments": {"links": {"self": format!("{B}/person/4/relationships/comments"), "related": format!("{B}/person/4/comments")}, "data": []}
        },
        "links": {"self": format!("{B}/person/4")}
    });
    assert_eq!(
        res.json(),
        json!({"data": created, "jsonapi": {"version": "1.0"}})
    );
    assert_eq!(srv.data("/api/person/4").await, created);
}

#[actix_web::test]
async fn create_with_relationships_o5_5() {
    let srv = Server::start_writes(true, true);
    let body = json!({"data": {"type": "article", "attributes": {"title": "New"},
        "relationships": {"author": {"data": {"type": "person", "id": "3"}},
                          "tags": {"data": [{"type": "tag", "id": "1"}, {"type": "tag", "id": "3"}, {"type": "tag", "id": "1"}]}}}});
    assert_valid_request(RequestKind::Create, &body);
    let res = srv.post("/api/article", body).await;
    assert_eq!(res.status, 201, "{}", res.body);
    let data = &res.json()["data"];
    assert_eq!(data["id"], "5");
    assert_eq!(
        data["attributes"],
        json!({"title": "New", "body": null, "rating": null, "published_at": null})
    );
    assert_eq!(data["relationships"]["author"]["data"], ri("person", 3));
    assert_eq!(data["relationships"]["comments"]["data"], json!([]));
    assert_eq!(
        data["relationships"]["tags"]["data"],
        json!([ri("tag", 1), ri("tag", 3)])
    );
    assert_eq!(
        srv.data("/api/person/3/relationships/articles").await,
        json!([ri("article", 3), ri("article", 5)])
    );
    assert_eq!(
        srv.data("/api/tag/3/relationships/articles").await,
        json!([ri("article", 5)])
    );
}

#[actix_web::test]
async fn create_takes_to_many_members_and_shapes_the_answer_o4_4() {
    let srv = Server::start_writes(true, true);
    let body = json!({"data": {"type": "person", "attributes": {"name": "Eve"},
        "relationships": {"comments": {"data": [{"type": "comment", "id": "4"}]}}}});
    let res = srv
        .post(
            "/api/person?include=comments&fields%5Bperson%5D=name,comments",
            body,
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.body);
    let doc = res.json();
    assert_eq!(doc["data"]["attributes"], json!({"name": "Eve"}));
    assert_eq!(
        doc["data"]["relationships"]["comments"]["data"],
        json!([ri("comment", 4)])
    );
    let mut comment = ro("comment", 4);
    comment["relationships"]["author"]["data"] = ri("person", 4);
    assert_eq!(doc["included"], json!([comment]));
    assert!(
        doc.get("links").is_none(),
        "C1.1: no top-level links on 201"
    );
}

#[actix_web::test]
async fn dates_times_and_markers_g3_g4() {
    let srv = Server::start_writes(true, true);
    let res = srv
        .post(
            "/api/person",
            json!({"data": {"type": "person", "attributes": {
        "name": "Zed", "birthday": "1990-1-1", "created_at": "2024-01-15T11:30:00+02:00"}}}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.body);
    assert_eq!(
        res.json()["data"]["attributes"],
        json!({"name": "Zed", "age": null, "birthday": "1990-01-01", "created_at": "2024-01-15T09:30:00"})
    );
    let res = srv
        .post(
            "/api/person",
            json!({"data": {"type": "person", "attributes": {
        "name": "Now", "birthday": "CURRENT_DATE", "created_at": "CURRENT_TIMESTAMP"}}}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.body);
    let attrs = &res.json()["data"]["attributes"];
    let today = chrono::Utc::now().date_naive();
    let birthday =
        chrono::NaiveDate::parse_from_str(attrs["birthday"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    assert!((today - birthday).num_days().abs() <= 1, "{attrs}");
    // A timestamp of G2.1's form, within a day of now (the database's clock and time zone).
    let created = attrs["created_at"].as_str().unwrap();
    let created = chrono::NaiveDateTime::parse_from_str(created, "%Y-%m-%dT%H:%M:%S%.f")
        .unwrap_or_else(|e| panic!("{e}: {attrs}"));
    let now = chrono::Utc::now().naive_utc();
    assert!((now - created).num_hours().abs() <= 24, "{attrs}");
    // An empty string is null for dates (G3.3).
    let res = srv
        .patch(
            "/api/person/1",
            json!({"data": {"type": "person", "id": "1", "attributes": {"birthday": ""}}}),
        )
        .await;
    assert_eq!(res.status, 200, "normalised: sent \"\", stored null");
    assert_eq!(res.json()["data"]["attributes"]["birthday"], Value::Null);
}

#[actix_web::test]
async fn create_errors_in_order_o2_1() {
    let srv = Server::start_writes(true, true);
    let person = |attrs: Value| json!({"data": {"type": "person", "attributes": attrs}});
    let invalid = |pointer: &str, detail: &str| {
        one(
            400,
            "invalid_document",
            "Invalid document",
            Some(pointer),
            detail,
        )
    };
    let value = |name: &str, detail: &str| {
        problem(
            400,
            "invalid_attribute_value",
            "Invalid attribute value",
            Some(&format!("/data/attributes/{name}")),
            detail,
        )
    };
    let cases: Vec<(&str, Vec<u8>, u16, Value)> = vec![
        (
            "/api/person",
            Vec::new(),
            400,
            error_doc(
                json!({"status": "400", "code": "missing_body", "title": "Missing request body", "detail": "The request body must contain a JSON:API document."}),
            ),
        ),
        (
            "/api/person",
            b"[]".to_vec(),
            400,
            invalid("", "The request document must be a JSON object."),
        ),
        (
            "/api/person",
            b"{}".to_vec(),
            400,
            invalid("", "The document has no \"data\" member."),
        ),
        (
            "/api/person",
            br#"{"data": []}"#.to_vec(),
            400,
            invalid(
                "/data",
                "\"data\" must be a single resource object; bulk creation is not supported.",
            ),
        ),
        (
            "/api/person",
            br#"{"data": "x"}"#.to_vec(),
            400,
            invalid("/data", "\"data\" must be a resource object."),
        ),
        (
            "/api/person",
            br#"{"data": {}}"#.to_vec(),
            400,
            invalid("/data", "The resource object has no \"type\" member."),
        ),
        (
            "/api/person",
            br#"{"data": {"type": 1}}"#.to_vec(),
            400,
            invalid("/data/type", "\"type\" must be a string."),
        ),
        (
            "/api/person",
            br#"{"data": {"type": "person", "id": 4}}"#.to_vec(),
            400,
            invalid("/data/id", "\"id\" must be a string."),
        ),
        (
            "/api/person",
            br#"{"data": {"type": "person", "attributes": []}}"#.to_vec(),
            400,
            invalid("/data/attributes", "\"attributes\" must be an object."),
        ),
        (
            "/api/person",
            br#"{"data": {"type": "bogus", "id": "9"}}"#.to_vec(),
            409,
            one(
                409,
                "type_conflict",
                "Type conflict",
                Some("/data/type"),
                "Expected type \"person\"; got \"bogus\".",
            ),
        ),
        (
            "/api/person",
            br#"{"data": {"type": "person", "id": "9", "attributes": {"name": "X"}}}"#.to_vec(),
            403,
            one(
                403,
                "client_id_forbidden",
                "Client-generated id not allowed",
                Some("/data/id"),
                "Client-generated ids are not allowed for type \"person\".",
            ),
        ),
        (
            "/api/person",
            person(
                json!({"name": "X", "age": "31", "bogus": 1, "id": 5, "birthday": "2nd Jan 1900"}),
            )
            .to_string()
            .into_bytes(),
            400,
            error_doc(json!([])),
        ),
        (
            "/api/person",
            person(json!({"age": 3})).to_string().into_bytes(),
            400,
            one(
                400,
                "missing_attribute",
                "Missing required attribute",
                Some("/data/attributes"),
                "Attribute \"name\" is required to create a \"person\".",
            ),
        ),
        (
            "/api/person",
            json!({"data": {"type": "person"}}).to_string().into_bytes(),
            400,
            one(
                400,
                "missing_attribute",
                "Missing required attribute",
                Some("/data"),
                "Attribute \"name\" is required to create a \"person\".",
            ),
        ),
        (
            "/api/person",
            person(json!({"name": null})).to_string().into_bytes(),
            400,
            error_doc(value(
                "name",
                "Attribute \"name\" of type \"person\" must not be null.",
            )),
        ),
        (
            "/api/person",
            person(json!({"name": "Big", "age": 2_147_483_648_u64}))
                .to_string()
                .into_bytes(),
            400,
            error_doc(value(
                "age",
                "Attribute \"age\" of type \"person\" expects an integer from -2147483648 to 2147483647; got 2147483648.",
            )),
        ),
        (
            "/api/person",
            person(json!({"name": "Alice"})).to_string().into_bytes(),
            409,
            one(
                409,
                "unique_violation",
                "Conflict with an existing resource",
                Some("/data/attributes/name"),
                "The value of attribute \"name\" is already used by another \"person\".",
            ),
        ),
    ];
    for (path, body, status, want) in cases {
        let res = srv
            .send(
                Method::POST,
                path,
                &[("Content-Type", "application/vnd.api+json")],
                body.clone(),
            )
            .await;
        assert_eq!(
            res.status,
            status,
            "{}: {}",
            String::from_utf8_lossy(&body),
            res.body
        );
        if want == error_doc(json!([])) {
            // Collected: every problem, sorted by pointer (O2.1 step 13).
            assert_eq!(
                res.json(),
                json!({"errors": [
                    value("age", "Attribute \"age\" of type \"person\" expects an integer; got a string."),
                    value("birthday", "Attribute \"birthday\" of type \"person\" expects a date (YYYY-MM-DD); got \"2nd Jan 1900\"."),
                    problem(400, "unknown_field", "Unknown field", Some("/data/attributes/bogus"), "Type \"person\" has no attribute \"bogus\"."),
                    problem(400, "invalid_document", "Invalid document", Some("/data/attributes/id"), "\"id\" cannot be an attribute."),
                ], "jsonapi": {"version": "1.0"}})
            );
        } else {
            assert_eq!(res.json(), want, "{}", String::from_utf8_lossy(&body));
        }
    }
    let res = srv
        .send(
            Method::POST,
            "/api/person",
            &[("Content-Type", "application/vnd.api+json")],
            b"Invalid JSON".to_vec(),
        )
        .await;
    assert_eq!(res.status, 400);
    let e = &res.json()["errors"][0];
    assert_eq!(e["code"], "invalid_json");
    assert!(e["detail"]
        .as_str()
        .unwrap()
        .starts_with("The request body is not valid JSON"));
    // Nothing was written.
    assert_eq!(
        srv.get("/api/person").await.json()["meta"],
        json!({"total": 3})
    );
}

#[actix_web::test]
async fn relationship_problems_at_creation_o5() {
    let srv = Server::start_writes(true, true);
    let article = |rels: Value| json!({"data": {"type": "article", "attributes": {"title": "T"}, "relationships": rels}});
    let invalid = |pointer: &str, detail: &str| {
        problem(
            400,
            "invalid_document",
            "Invalid document",
            Some(pointer),
            detail,
        )
    };
    let cases = [
        (article(json!({"bogus": {"data": null}})), 400, json!([problem(400, "unknown_field", "Unknown field", Some("/data/relationships/bogus"), "Type \"article\" has no relationship \"bogus\".")])),
        (article(json!({"author": null})), 400, json!([invalid("/data/relationships/author", "Relationship \"author\" must be an object with a \"data\" member.")])),
        (article(json!({"author": {"data": []}})), 400, json!([invalid("/data/relationships/author/data", "Relationship \"author\" is to-one; \"data\" must be a resource identifier or null.")])),
        (article(json!({"tags": {"data": {"type": "tag", "id": "1"}}})), 400, json!([invalid("/data/relationships/tags/data", "Relationship \"tags\" is to-many; \"data\" must be an array.")])),
        (article(json!({"tags": {"data": [{"type": "tag"}, {"id": "1"}, {"type": "tag", "id": 1}]}})), 400, json!([
            invalid("/data/relationships/tags/data/0", "The resource identifier has no \"id\" member."),
            invalid("/data/relationships/tags/data/1", "The resource identifier has no \"type\" member."),
            invalid("/data/relationships/tags/data/2/id", "\"id\" must be a string."),
        ])),
        (article(json!({"author": {"data": {"type": "article", "id": "1"}}})), 409, json!([problem(409, "type_conflict", "Type conflict", Some("/data/relationships/author/data/type"), "Expected type \"person\"; got \"article\".")])),
        (article(json!({"author": {"data": {"type": "person", "id": "99"}}, "tags": {"data": [{"type": "tag", "id": "1"}, {"type": "tag", "id": "x"}]}})), 404, json!([
            problem(404, "resource_not_found", "Resource not found", Some("/data/relationships/author/data"), "No resource of type \"person\" with id \"99\"."),
            problem(404, "resource_not_found", "Resource not found", Some("/data/relationships/tags/data/1"), "No resource of type \"tag\" with id \"x\"."),
        ])),
    ];
    for (body, status, errors) in cases {
        let res = srv.post("/api/article", body.clone()).await;
        assert_eq!(res.status, status, "{body}: {}", res.body);
        assert_eq!(
            res.json(),
            json!({"errors": errors, "jsonapi": {"version": "1.0"}}),
            "{body}"
        );
    }
    // A valid attribute with an invalid relationship leaves no row (A3.1).
    assert_eq!(
        srv.get("/api/article").await.json()["meta"],
        json!({"total": 4})
    );
    // Unknown members are ignored (C5.4, O5.6).
    let res = srv.post("/api/tag", json!({"data": {"type": "tag", "attributes": {"name": "sql"}, "meta": {"x": 1}}, "bogus": true})).await;
    assert_eq!(res.status, 201);
}

#[actix_web::test]
async fn client_generated_ids_o4_3() {
    let srv = Server::start_writes_with(true, true, true, false);
    let body = json!({"data": {"type": "tag", "id": "7", "attributes": {"name": "sql"}}});
    assert_valid_request(RequestKind::Create, &body);
    let res = srv.post("/api/tag", body.clone()).await;
    assert_eq!(res.status, 201, "{}", res.body);
    assert_eq!(
        res.header("location"),
        Some("http://localhost:8080/api/tag/7")
    );
    assert_eq!(
        res.json(),
        json!({"data": {"type": "tag", "id": "7", "attributes": {"name": "sql"},
            "relationships": {"articles": {"links": {"self": format!("{B}/tag/7/relationships/articles"), "related": format!("{B}/tag/7/articles")}, "data": []}},
            "links": {"self": format!("{B}/tag/7")}}, "jsonapi": {"version": "1.0"}})
    );
    let res = srv.post("/api/tag", body).await;
    assert_eq!(res.status, 409);
    assert_eq!(
        res.json(),
        one(
            409,
            "already_exists",
            "Resource already exists",
            Some("/data/id"),
            "A resource of type \"tag\" with id \"7\" already exists."
        )
    );
    let res = srv
        .post(
            "/api/tag",
            json!({"data": {"type": "tag", "id": "07", "attributes": {"name": "x"}}}),
        )
        .await;
    assert_eq!(
        res.json(),
        one(
            400,
            "invalid_document",
            "Invalid document",
            Some("/data/id"),
            "\"07\" is not a valid id for type \"tag\"."
        )
    );
    // The type conflict comes before the id checks (O2.1 steps 9-11).
    let res = srv
        .post("/api/tag", json!({"data": {"type": "person", "id": "x"}}))
        .await;
    assert_eq!(res.status, 409);
    // The next generated id continues after the largest one.
    let res = srv
        .post(
            "/api/tag",
            json!({"data": {"type": "tag", "attributes": {"name": "next"}}}),
        )
        .await;
    assert_eq!(res.json()["data"]["id"], "8");
}

#[actix_web::test]
async fn statement_count_is_the_same_for_1_10_and_100_articles_h8_2() {
    let srv = Server::start_writes_with(true, true, false, true);
    for i in 5..=100 {
        let body = json!({"data": {"type": "article", "attributes": {"title": format!("Article {i}")},
            "relationships": {"author": {"data": {"type": "person", "id": ((i % 3) + 1).to_string()}},
                              "tags": {"data": [{"type": "tag", "id": ((i % 3) + 1).to_string()}]}}}});
        assert_eq!(srv.post("/api/article", body).await.status, 201);
    }
    let mut counts = Vec::new();
    for size in [1, 10, 100] {
        let res = srv
            .get(&format!(
                "/api/article?include=author,comments.author,tags&page%5Bsize%5D={size}"
            ))
            .await;
        assert_eq!(res.status, 200);
        assert_eq!(res.json()["data"].as_array().map(Vec::len), Some(size));
        counts.push(
            res.header("server-timing")
                .and_then(|h| h.split_once("desc="))
                .map(|(_, d)| d.to_owned()),
        );
    }
    assert_eq!(counts, vec![Some("\"15 statements\"".to_owned()); 3]);
}

#[actix_web::test]
async fn update_answers_204_or_200_p4_1() {
    let srv = Server::start_writes(true, true);
    let body = json!({"data": {"type": "person", "id": "2", "attributes": {"age": 45}}});
    assert_valid_request(RequestKind::Update, &body);
    let res = srv.patch("/api/person/2", body).await;
    assert_eq!(res.status, 204, "{}", res.body);
    assert_eq!(res.header("content-type"), None);
    assert_eq!(srv.data("/api/person/2").await["attributes"]["age"], 45);
    // The stored value differs from the one sent: 200 with the resource.
    let res = srv.patch("/api/person/1", json!({"data": {"type": "person", "id": "1", "attributes": {"created_at": "2024-01-15T11:30:00+02:00"}}})).await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.json(),
        json!({"data": ro("person", 1), "links": {"self": format!("{B}/person/1")}, "jsonapi": {"version": "1.0"}})
    );
    // Nothing to change (P3.3).
    let res = srv
        .patch(
            "/api/person/1",
            json!({"data": {"type": "person", "id": "1"}}),
        )
        .await;
    assert_eq!(res.status, 204);
    let res = srv
        .patch(
            "/api/article/1",
            json!({"data": {"type": "article", "id": "1", "attributes": {"rating": 4}}}),
        )
        .await;
    assert_eq!(
        res.status, 204,
        "4 equals 4.5? no: 4 is stored and read back as 4.0, equal by value"
    );
    assert_eq!(
        srv.data("/api/article/1").await["attributes"]["rating"],
        4.0
    );
}

#[actix_web::test]
async fn update_examples_p5() {
    let srv = Server::start_writes(true, false);
    let res = srv.patch("/api/article/4", json!({"data": {"type": "article", "id": "4", "relationships": {"author": {"data": {"type": "person", "id": "2"}}}}})).await;
    assert_eq!(res.status, 204, "{}", res.body);
    assert_eq!(
        srv.data("/api/article/4/relationships/author").await,
        ri("person", 2)
    );
    let res = srv.patch("/api/article/1", json!({"data": {"type": "article", "id": "1", "relationships": {"author": {"data": null}}}})).await;
    assert_eq!(res.status, 204);
    assert_eq!(
        srv.data("/api/article/1/relationships/author").await,
        Value::Null
    );
    let before = srv.data("/api/person/2").await;
    let invalid = |pointer: &str, detail: &str| {
        one(
            400,
            "invalid_document",
            "Invalid document",
            Some(pointer),
            detail,
        )
    };
    let cases = [
        ("/api/person/1", json!({"data": {"type": "person", "id": "1", "relationships": {"articles": {"data": []}}}}), 403,
            one(403, "to_many_replacement_forbidden", "To-many replacement not allowed", Some("/data/relationships/articles"), "Replacing the to-many relationship \"articles\" of type \"person\" is not allowed.")),
        ("/api/person/2", json!({"data": {"type": "person", "id": "2", "attributes": {"name": "Alice"}}}), 409,
            one(409, "unique_violation", "Conflict with an existing resource", Some("/data/attributes/name"), "The value of attribute \"name\" is already used by another \"person\".")),
        ("/api/person/2", json!({"data": {"type": "person", "id": "2", "attributes": {"name": null}}}), 400,
            one(400, "invalid_attribute_value", "Invalid attribute value", Some("/data/attributes/name"), "Attribute \"name\" of type \"person\" must not be null.")),
        ("/api/person/2", json!({"data": {"type": "person", "id": "2", "attributes": {"bogus": 0}}}), 400,
            one(400, "unknown_field", "Unknown field", Some("/data/attributes/bogus"), "Type \"person\" has no attribute \"bogus\".")),
        ("/api/person/2", json!({"data": {"type": "person", "id": "2", "attributes": {"id": 5}}}), 400, invalid("/data/attributes/id", "\"id\" cannot be an attribute.")),
        ("/api/person/1", json!({"data": {"type": "bogus", "id": "1"}}), 409, one(409, "type_conflict", "Type conflict", Some("/data/type"), "Expected type \"person\"; got \"bogus\".")),
        ("/api/person/1", json!({"data": {"type": "person", "id": "2"}}), 409, one(409, "id_conflict", "Id conflict", Some("/data/id"), "The id \"2\" in the document does not match the id \"1\" in the URL.")),
        ("/api/person/1", json!({"data": {"type": "person", "id": 1}}), 400, invalid("/data/id", "\"id\" must be a string.")),
        ("/api/person/1", json!({"data": {"type": "person"}}), 400, invalid("/data", "The resource object has no \"id\" member.")),
        ("/api/person/9", json!({"data": {"type": "person", "id": "9"}}), 404, one(404, "resource_not_found", "Resource not found", None, "No resource of type \"person\" with id \"9\".")),
        ("/api/article/1", json!({"data": {"type": "article", "id": "1", "relationships": {"author": {"data": {"type": "person", "id": "9"}}}}}), 404,
            one(404, "resource_not_found", "Resource not found", Some("/data/relationships/author/data"), "No resource of type \"person\" with id \"9\".")),
        ("/api/article/1", json!({"data": {"type": "article", "id": "1", "relationships": {"author": {"data": {"type": "bogus", "id": "1"}}}}}), 409,
            one(409, "type_conflict", "Type conflict", Some("/data/relationships/author/data/type"), "Expected type \"person\"; got \"bogus\".")),
        ("/api/article/1", json!({"data": {"type": "article", "id": "1", "relationships": {"author": null}}}), 400,
            invalid("/data/relationships/author", "Relationship \"author\" must be an object with a \"data\" member.")),
    ];
    for (path, body, status, want) in cases {
        let res = srv.patch(path, body.clone()).await;
        assert_eq!(res.status, status, "{body}: {}", res.body);
        assert_eq!(res.json(), want, "{body}");
    }
    assert_eq!(
        srv.data("/api/person/2").await,
        before,
        "nothing half-written"
    );
}

#[actix_web::test]
async fn to_many_replacement_p5() {
    let srv = Server::start_writes(true, true);
    let res = srv.patch("/api/person/1", json!({"data": {"type": "person", "id": "1", "relationships": {"articles": {"data": [{"type": "article", "id": "3"}]}}}})).await;
    assert_eq!(res.status, 204, "{}", res.body);
    assert_eq!(
        srv.data("/api/article/1/relationships/author").await,
        Value::Null
    );
    assert_eq!(
        srv.data("/api/article/2/relationships/author").await,
        Value::Null
    );
    assert_eq!(
        srv.data("/api/article/3/relationships/author").await,
        ri("person", 1)
    );
    assert_eq!(
        srv.data("/api/person/3/relationships/articles").await,
        json!([])
    );
    let res = srv.patch("/api/article/1", json!({"data": {"type": "article", "id": "1", "relationships": {"tags": {"data": [{"type": "tag", "id": "3"}]}}}})).await;
    assert_eq!(res.status, 204);
    assert_eq!(
        srv.data("/api/article/1/relationships/tags").await,
        json!([ri("tag", 3)])
    );
    assert_eq!(
        srv.data("/api/tag/1/relationships/articles").await,
        json!([])
    );
    assert_eq!(
        srv.data("/api/tag/2/relationships/articles").await,
        json!([ri("article", 2)])
    );
    let res = srv.patch("/api/person/1", json!({"data": {"type": "person", "id": "1", "relationships": {"articles": {"data": null}}}})).await;
    assert_eq!(
        res.json()["errors"][0]["detail"],
        "Relationship \"articles\" is to-many; \"data\" must be an array (use [] to empty it)."
    );
}

#[actix_web::test]
async fn a_failed_write_leaves_the_old_set_a3_1() {
    let srv = Server::start_writes(true, true);
    // The to-many replacement runs, then the attribute update hits the unique index: the
    // whole transaction rolls back.
    let res = srv.patch("/api/person/2", json!({"data": {"type": "person", "id": "2", "attributes": {"name": "Alice"},
        "relationships": {"articles": {"data": [{"type": "article", "id": "4"}]}, "comments": {"data": []}}}})).await;
    assert_eq!(res.status, 409, "{}", res.body);
    assert_eq!(srv.data("/api/person/2").await, ro("person", 2));
    assert_eq!(srv.data("/api/article/4").await, ro("article", 4));
    assert_eq!(srv.data("/api/comment/1").await, ro("comment", 1));
    // The server keeps serving; the next valid write succeeds (S3.3).
    let res = srv
        .patch(
            "/api/person/2",
            json!({"data": {"type": "person", "id": "2", "attributes": {"name": "Bob"}}}),
        )
        .await;
    assert_eq!(res.status, 204);
}

#[actix_web::test]
async fn delete_q1() {
    let srv = Server::start_writes(true, true);
    let res = srv.request(Method::DELETE, "/api/person/1", &[]).await;
    assert_eq!(res.status, 204, "{}", res.body);
    assert_eq!(srv.get("/api/person/1").await.status, 404);
    assert_eq!(
        srv.data("/api/article/1/relationships/author").await,
        Value::Null
    );
    assert_eq!(
        srv.data("/api/article/2/relationships/author").await,
        Value::Null
    );
    assert_eq!(
        srv.data("/api/comment/2/relationships/author").await,
        Value::Null
    );
    let res = srv.request(Method::DELETE, "/api/article/1", &[]).await;
    assert_eq!(res.status, 204);
    assert_eq!(
        srv.data("/api/comment/1/relationships/article").await,
        Value::Null
    );
    assert_eq!(
        srv.data("/api/tag/1/relationships/articles").await,
        json!([])
    );
    assert_eq!(
        srv.data("/api/tag/2/relationships/articles").await,
        json!([ri("article", 2)])
    );
    assert_eq!(ids(&srv.get("/api/tag").await.json()), ["1", "2", "3"]);
    let res = srv.request(Method::DELETE, "/api/person/9", &[]).await;
    assert_eq!(res.status, 404);
    assert_eq!(
        res.json(),
        one(
            404,
            "resource_not_found",
            "Resource not found",
            None,
            "No resource of type \"person\" with id \"9\"."
        )
    );
    let res = srv.request(Method::DELETE, "/api/person", &[]).await;
    assert_eq!(res.status, 405);
    assert_eq!(res.header("allow"), Some("GET, HEAD, POST, OPTIONS"));
}

#[actix_web::test]
async fn to_one_relationship_writes_r1() {
    let srv = Server::start_writes(true, false);
    let body = json!({"data": {"type": "person", "id": "2"}});
    assert_valid_request(RequestKind::Relationship, &body);
    let res = srv.patch("/api/article/4/relationships/author", body).await;
    assert_eq!(res.status, 204, "{}", res.body);
    assert_eq!(
        srv.data("/api/article/4/relationships/author").await,
        ri("person", 2)
    );
    let res = srv
        .patch("/api/article/4/relationships/author", json!({"data": null}))
        .await;
    assert_eq!(res.status, 204);
    assert_eq!(
        srv.data("/api/article/4/relationships/author").await,
        Value::Null
    );
    let cases = [
        (json!({"data": [{"type": "person", "id": "2"}]}), 400, one(400, "invalid_document", "Invalid document", Some("/data"), "Relationship \"author\" is to-one; \"data\" must be a resource identifier or null.")),
        (json!({"data": {"type": "tag", "id": "2"}}), 409, one(409, "type_conflict", "Type conflict", Some("/data/type"), "Expected type \"person\"; got \"tag\".")),
        (json!({"data": {"type": "person", "id": "bogus"}}), 404, one(404, "resource_not_found", "Resource not found", Some("/data"), "No resource of type \"person\" with id \"bogus\".")),
        (json!({}), 400, one(400, "invalid_document", "Invalid document", Some(""), "The document has no \"data\" member.")),
    ];
    for (body, status, want) in cases {
        let res = srv
            .patch("/api/article/1/relationships/author", body.clone())
            .await;
        assert_eq!(res.status, status, "{body}");
        assert_eq!(res.json(), want, "{body}");
    }
    for method in [Method::POST, Method::DELETE] {
        let res = srv
            .write(
                method,
                "/api/article/1/relationships/author",
                &json!({"data": null}),
            )
            .await;
        assert_eq!(res.status, 405);
        assert_eq!(res.header("allow"), Some("GET, HEAD, PATCH, OPTIONS"));
    }
}

#[actix_web::test]
async fn to_many_relationship_writes_r2_r3_r4() {
    let srv = Server::start_writes(true, true);
    let res = srv
        .patch(
            "/api/article/1/relationships/tags",
            json!({"data": [{"type": "tag", "id": "2"}, {"type": "tag", "id": "3"}]}),
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.body);
    assert_eq!(
        srv.data("/api/article/1/relationships/tags").await,
        json!([ri("tag", 2), ri("tag", 3)])
    );
    let res = srv
        .patch("/api/article/1/relationships/tags", json!({"data": []}))
        .await;
    assert_eq!(res.status, 204);
    assert_eq!(
        srv.data("/api/article/1/relationships/tags").await,
        json!([])
    );
    // Add (R3.1): taken from the previous owner; members already present stay.
    let body = json!({"data": [{"type": "article", "id": "4"}, {"type": "article", "id": "1"}]});
    assert_valid_request(RequestKind::Relationship, &body);
    let res = srv.post("/api/person/2/relationships/articles", body).await;
    assert_eq!(res.status, 204);
    assert_eq!(
        srv.data("/api/person/2/relationships/articles").await,
        json!([ri("article", 1), ri("article", 4)])
    );
    assert_eq!(
        srv.data("/api/person/1/relationships/articles").await,
        json!([ri("article", 2)])
    );
    let res = srv
        .post(
            "/api/person/2/relationships/articles",
            json!({"data": [{"type": "article", "id": "1"}]}),
        )
        .await;
    assert_eq!(res.status, 204);
    assert_eq!(
        srv.data("/api/person/2/relationships/articles").await,
        json!([ri("article", 1), ri("article", 4)])
    );
    let res = srv
        .post(
            "/api/tag/3/relationships/articles",
            json!({"data": [{"type": "article", "id": "2"}, {"type": "article", "id": "2"}]}),
        )
        .await;
    assert_eq!(res.status, 204);
    assert_eq!(
        srv.data("/api/tag/3/relationships/articles").await,
        json!([ri("article", 2)])
    );
    // Remove (R4.2): members go; non-members are ignored.
    let res = srv
        .write(
            Method::DELETE,
            "/api/person/2/relationships/articles",
            &json!({"data": [{"type": "article", "id": "4"}, {"type": "article", "id": "3"}]}),
        )
        .await;
    assert_eq!(res.status, 204);
    assert_eq!(
        srv.data("/api/article/4/relationships/author").await,
        Value::Null
    );
    assert_eq!(
        srv.data("/api/article/3/relationships/author").await,
        ri("person", 3)
    );
    let res = srv
        .write(
            Method::DELETE,
            "/api/tag/2/relationships/articles",
            &json!({"data": [{"type": "article", "id": "2"}]}),
        )
        .await;
    assert_eq!(res.status, 204);
    assert_eq!(
        srv.data("/api/tag/2/relationships/articles").await,
        json!([])
    );
    let res = srv
        .write(
            Method::DELETE,
            "/api/tag/2/relationships/articles",
            &json!({"data": []}),
        )
        .await;
    assert_eq!(res.status, 204, "already missing is a success");
}

#[actix_web::test]
async fn to_many_permissions_are_403_r2_1_r4_1() {
    let srv = Server::start_writes(true, false);
    let res = srv
        .patch(
            "/api/person/1/relationships/articles",
            json!({"data": "not even checked"}),
        )
        .await;
    assert_eq!(res.status, 403);
    assert_eq!(
        res.json(),
        one(
            403,
            "to_many_replacement_forbidden",
            "To-many replacement not allowed",
            None,
            "Replacing the to-many relationship \"articles\" of type \"person\" is not allowed."
        )
    );
    let res = srv
        .write(
            Method::DELETE,
            "/api/person/1/relationships/articles",
            &json!({"data": []}),
        )
        .await;
    assert_eq!(res.status, 403);
    assert_eq!(res.json(), one(403, "to_many_deletion_forbidden", "To-many deletion not allowed", None, "Removing members from the to-many relationship \"articles\" of type \"person\" is not allowed."));
    // Adding is always allowed with PATCH enabled.
    let res = srv
        .post(
            "/api/person/1/relationships/articles",
            json!({"data": [{"type": "article", "id": "4"}]}),
        )
        .await;
    assert_eq!(res.status, 204);
    assert_eq!(
        srv.data("/api/person/1/relationships/articles").await,
        json!([ri("article", 1), ri("article", 2), ri("article", 4)])
    );
}

#[actix_web::test]
async fn relationship_write_errors_r5() {
    let srv = Server::start_writes(true, true);
    let invalid = |pointer: &str, detail: &str| {
        one(
            400,
            "invalid_document",
            "Invalid document",
            Some(pointer),
            detail,
        )
    };
    let cases = [
        (
            "/api/person/9/relationships/articles",
            json!({"data": []}),
            404,
            one(
                404,
                "resource_not_found",
                "Resource not found",
                None,
                "No resource of type \"person\" with id \"9\".",
            ),
        ),
        (
            "/api/person/1/relationships/bogus",
            json!({"data": []}),
            404,
            one(
                404,
                "relationship_not_found",
                "Relationship not found",
                None,
                "Type \"person\" has no relationship named \"bogus\".",
            ),
        ),
        (
            "/api/person/1/relationships/articles",
            json!({"data": [{"type": "article"}]}),
            400,
            invalid("/data/0", "The resource identifier has no \"id\" member."),
        ),
        (
            "/api/person/1/relationships/articles",
            json!({"data": [{"id": "1"}]}),
            400,
            invalid("/data/0", "The resource identifier has no \"type\" member."),
        ),
        (
            "/api/person/1/relationships/articles",
            json!({"data": [{"type": "article", "id": 1}]}),
            400,
            invalid("/data/0/id", "\"id\" must be a string."),
        ),
        (
            "/api/person/1/relationships/articles",
            json!({"data": [{"type": "bogus", "id": "1"}]}),
            409,
            one(
                409,
                "type_conflict",
                "Type conflict",
                Some("/data/0/type"),
                "Expected type \"article\"; got \"bogus\".",
            ),
        ),
        (
            "/api/person/1/relationships/articles",
            json!({"data": [{"type": "article", "id": "bogus"}]}),
            404,
            one(
                404,
                "resource_not_found",
                "Resource not found",
                Some("/data/0"),
                "No resource of type \"article\" with id \"bogus\".",
            ),
        ),
        (
            "/api/person/1/relationships/articles",
            json!({"data": {"type": "article", "id": "1"}}),
            400,
            invalid(
                "/data",
                "Relationship \"articles\" is to-many; \"data\" must be an array.",
            ),
        ),
    ];
    for (path, body, status, want) in cases {
        let res = srv.post(path, body.clone()).await;
        assert_eq!(res.status, status, "{path} {body}: {}", res.body);
        assert_eq!(res.json(), want, "{path} {body}");
    }
    for body in [&b""[..], b"\"\"", b"Invalid JSON"] {
        let res = srv
            .send(
                Method::POST,
                "/api/person/1/relationships/articles",
                &[("Content-Type", "application/vnd.api+json")],
                body.to_vec(),
            )
            .await;
        assert_eq!(res.status, 400, "{}", String::from_utf8_lossy(body));
    }
    let res = srv
        .send(
            Method::DELETE,
            "/api/person/1/relationships/articles",
            &[],
            b"{\"data\": []}".to_vec(),
        )
        .await;
    assert_eq!(res.status, 415);
    let res = srv
        .send(
            Method::POST,
            "/api/person",
            &[("Content-Type", "application/json")],
            b"{}".to_vec(),
        )
        .await;
    assert_eq!(res.status, 415);
    assert_eq!(
        srv.data("/api/person/1/relationships/articles").await,
        json!([ri("article", 1), ri("article", 2)]),
        "nothing changed"
    );
}

#[actix_web::test]
async fn oversized_bodies_are_413_a3_5() {
    let srv = Server::start_writes(true, true);
    let big = format!(
        "{{\"data\": {{\"type\": \"tag\", \"attributes\": {{\"name\": \"{}\"}}}}}}",
        "x".repeat(1 << 20)
    );
    let res = srv
        .send(
            Method::POST,
            "/api/tag",
            &[("Content-Type", "application/vnd.api+json")],
            big.into_bytes(),
        )
        .await;
    assert_eq!(res.status, 413);
    assert_eq!(
        res.json(),
        error_doc(
            json!({"status": "413", "code": "payload_too_large", "title": "Payload too large", "detail": "The request body exceeds the limit of 1048576 bytes."})
        )
    );
}

#[actix_web::test]
async fn an_empty_blog_is_filled_through_the_api() {
    let srv = Server::start_writes(false, true);
    assert_eq!(
        srv.get("/api/person").await.json()["meta"],
        json!({"total": 0})
    );
    for (path, body) in [
        (
            "/api/person",
            json!({"data": {"type": "person", "attributes": {"name": "Alice", "age": 31, "birthday": "1993-04-12"}}}),
        ),
        (
            "/api/person",
            json!({"data": {"type": "person", "attributes": {"name": "bob"}}}),
        ),
        (
            "/api/tag",
            json!({"data": {"type": "tag", "attributes": {"name": "rust"}}}),
        ),
        (
            "/api/tag",
            json!({"data": {"type": "tag", "attributes": {"name": "web"}}}),
        ),
        (
            "/api/article",
            json!({"data": {"type": "article", "attributes": {"title": "Hello JSON:API", "rating": 4.5},
            "relationships": {"author": {"data": {"type": "person", "id": "1"}}, "tags": {"data": [{"type": "tag", "id": "1"}, {"type": "tag", "id": "2"}]}}}}),
        ),
        (
            "/api/comment",
            json!({"data": {"type": "comment", "attributes": {"content": "Great read"},
            "relationships": {"article": {"data": {"type": "article", "id": "1"}}, "author": {"data": {"type": "person", "id": "2"}}}}}),
        ),
    ] {
        assert_valid_request(RequestKind::Create, &body);
        let res = srv.post(path, body).await;
        assert_eq!(res.status, 201, "{path}: {}", res.body);
    }
    let article = srv.data("/api/article/1").await;
    assert_eq!(article["relationships"]["author"]["data"], ri("person", 1));
    assert_eq!(
        article["relationships"]["comments"]["data"],
        json!([ri("comment", 1)])
    );
    assert_eq!(
        article["relationships"]["tags"]["data"],
        json!([ri("tag", 1), ri("tag", 2)])
    );
    let res = srv
        .patch(
            "/api/article/1",
            json!({"data": {"type": "article", "id": "1", "attributes": {"body": "First post"}}}),
        )
        .await;
    assert_eq!(res.status, 204);
    assert_eq!(
        srv.request(Method::DELETE, "/api/comment/1", &[])
            .await
            .status,
        204
    );
    assert_eq!(
        srv.data("/api/article/1/relationships/comments").await,
        json!([])
    );
}

#[actix_web::test]
async fn concurrent_writes_are_serialised_a3_1() {
    let srv = Server::start_writes(true, true);
    let posts = (0..20).map(|i| {
        let body = json!({"data": {"type": "tag", "attributes": {"name": format!("t{i}")},
            "relationships": {"articles": {"data": [{"type": "article", "id": "1"}, {"type": "article", "id": "2"}]}}}});
        let srv = &srv;
        async move { srv.post("/api/tag", body).await.status }
    });
    let statuses = futures_util::future::join_all(posts).await;
    assert_eq!(statuses, vec![201; 20]);
    assert_eq!(
        srv.get("/api/tag").await.json()["meta"],
        json!({"total": 23})
    );
    assert_eq!(
        srv.get("/api/article/1/relationships/tags").await.json()["meta"],
        json!({"total": 22})
    );
}

/// What one client of [`many_clients_lose_and_invent_nothing_a3_1`] saw acknowledged.
#[derive(Default)]
struct Acknowledged {
    /// Tags created: (name, id).
    created: Vec<(String, String)>,
    /// Tag names whose creation failed.
    not_created: Vec<String>,
    /// Tags added to article 1, and removed from it.
    added: Vec<String>,
    removed: Vec<String>,
    /// Ages person 1 was given, and ages it was not.
    ages: Vec<i64>,
    not_ages: Vec<i64>,
}

/// A write's answer: acknowledged (2xx), or refused as the catalog allows under contention
/// (503 after the retries, S3.2); anything else fails the test.
fn acknowledged(res: &Response, what: &str) -> bool {
    match res.status {
        200..=299 => true,
        503 => false,
        other => panic!("{what}: {other} {}", res.body),
    }
}

#[actix_web::test]
async fn many_clients_lose_and_invent_nothing_a3_1() {
    const CLIENTS: usize = 8;
    const ROUNDS: usize = 125; // four writes each: 500 writes per client.
    let srv = Server::start_writes(true, true);
    let writing = std::sync::atomic::AtomicUsize::new(CLIENTS);
    let client = |c: usize| {
        let (srv, writing) = (&srv, &writing);
        async move {
            let mut ack = Acknowledged::default();
            for r in 0..ROUNDS {
                let name = format!("c{c}r{r}");
                let res = srv
                    .post(
                        "/api/tag",
                        json!({"data": {"type": "tag", "attributes": {"name": name}}}),
                    )
                    .await;
                if !acknowledged(&res, "create") {
                    ack.not_created.push(name);
                    continue;
                }
                let id = res.json()["data"]["id"].as_str().unwrap().to_owned();
                ack.created.push((name, id.clone()));
                let linkage = json!({"data": [{"type": "tag", "id": id}]});
                let path = "/api/article/1/relationships/tags";
                let added = acknowledged(&srv.post(path, linkage.clone()).await, "add");
                if added {
                    ack.added.push(id.clone());
                }
                let age = (c * 1000 + r) as i64;
                let res = srv
                    .patch(
                        "/api/person/1",
                        json!({"data": {"type": "person", "id": "1", "attributes": {"age": age}}}),
                    )
                    .await;
                match acknowledged(&res, "update") {
                    true => ack.ages.push(age),
                    false => ack.not_ages.push(age),
                }
                if added && acknowledged(&srv.write(Method::DELETE, path, &linkage).await, "remove")
                {
                    ack.removed.push(id);
                }
            }
            writing.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
            ack
        }
    };
    // Meanwhile, one page of the relationship at a time: always as many identifiers as its
    // total (each read sees one state, A3.1).
    let reader = async {
        let mut reads = 0;
        while writing.load(std::sync::atomic::Ordering::SeqCst) > 0 {
            let res = srv
                .get("/api/article/1/relationships/tags?page%5Bsize%5D=100")
                .await;
            assert_eq!(res.status, 200, "{}", res.body);
            let doc = res.json();
            let shown = doc["data"].as_array().unwrap().len();
            assert_eq!(json!(shown), doc["meta"]["total"], "{}", res.body);
            reads += 1;
        }
        reads
    };
    let (acks, reads) = futures_util::future::join(
        futures_util::future::join_all((0..CLIENTS).map(client)),
        reader,
    )
    .await;
    assert!(reads > 0);
    // Contention may refuse a few writes (503 after the retries); most must go through.
    let floor = CLIENTS * ROUNDS * 9 / 10;
    let count = |f: fn(&Acknowledged) -> usize| acks.iter().map(f).sum::<usize>();
    assert!(
        count(|a| a.created.len()) >= floor,
        "creations acknowledged"
    );
    assert!(count(|a| a.added.len()) >= floor, "additions acknowledged");
    assert!(count(|a| a.ages.len()) >= floor, "updates acknowledged");
    assert!(count(|a| a.removed.len()) >= floor, "removals acknowledged");

    // Every acknowledged creation is there, with its name; no refused one is.
    let created: Vec<&(String, String)> = acks.iter().flat_map(|a| &a.created).collect();
    let total = srv.get("/api/tag").await.json()["meta"]["total"].clone();
    assert_eq!(total, json!(3 + created.len()));
    for (name, id) in &created {
        let res = srv.get(&format!("/api/tag/{id}")).await;
        assert_eq!(res.json()["data"]["attributes"]["name"], json!(name));
    }
    for name in acks.iter().flat_map(|a| &a.not_created) {
        let path = format!("/api/tag?filter%5Bname%5D={name}");
        assert_eq!(
            srv.get(&path).await.json()["meta"]["total"],
            json!(0),
            "{name}"
        );
    }
    // Article 1 has its two tags and what was added and not removed.
    let mut expected: Vec<String> = vec!["1".into(), "2".into()];
    for a in &acks {
        expected.extend(a.added.iter().filter(|id| !a.removed.contains(id)).cloned());
    }
    expected.sort_by_key(|id| id.parse::<u64>().unwrap());
    let res = srv
        .get("/api/article/1/relationships/tags?page%5Bsize%5D=100")
        .await;
    assert_eq!(ids(&res.json()), expected);
    // Person 1's age is one an acknowledged update gave it, never a refused one.
    let age = srv.get("/api/person/1").await.json()["data"]["attributes"]["age"].as_i64();
    let age = age.expect("an age");
    assert!(acks.iter().any(|a| a.ages.contains(&age)), "{age}");
    assert!(!acks.iter().any(|a| a.not_ages.contains(&age)), "{age}");
}

/// Creates `n` resources of `type_name` with `attributes(i)` and returns their ids.
async fn create_many(
    srv: &Server,
    type_name: &str,
    n: usize,
    attributes: impl Fn(usize) -> Value,
) -> Vec<Value> {
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let res = srv
            .post(
                &format!("/api/{type_name}"),
                json!({"data": {"type": type_name, "attributes": attributes(i)}}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.body);
        ids.push(json!({"type": type_name, "id": res.json()["data"]["id"]}));
    }
    ids
}

#[actix_web::test]
async fn to_many_writes_larger_than_one_statement_r2_r3_r4() {
    // 600 members: more than one statement's list (500 values), on both kinds of to-many.
    let srv = Server::start_writes(true, true);
    let tags = create_many(&srv, "tag", 600, |i| json!({"name": format!("bulk{i}")})).await;
    let linkage = |path: &'static str, rel: &'static str| {
        let srv = &srv;
        async move { srv.data(path).await["relationships"][rel]["data"].clone() }
    };
    let res = srv
        .patch("/api/article/1/relationships/tags", json!({"data": tags}))
        .await;
    assert_eq!(res.status, 204, "{}", res.body);
    assert_eq!(linkage("/api/article/1", "tags").await, json!(tags));
    let res = srv
        .write(
            Method::DELETE,
            "/api/article/1/relationships/tags",
            &json!({"data": tags[..550]}),
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.body);
    assert_eq!(linkage("/api/article/1", "tags").await, json!(tags[550..]));
    let res = srv
        .post("/api/article/1/relationships/tags", json!({"data": tags}))
        .await;
    assert_eq!(res.status, 204, "{}", res.body);
    assert_eq!(linkage("/api/article/1", "tags").await, json!(tags));

    let articles = create_many(
        &srv,
        "article",
        600,
        |i| json!({"title": format!("Bulk {i}")}),
    )
    .await;
    let res = srv
        .patch(
            "/api/person/3/relationships/articles",
            json!({"data": articles}),
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.body);
    // Person 3 wrote article 3 before; replacing let it go.
    assert_eq!(linkage("/api/person/3", "articles").await, json!(articles));
    let res = srv
        .patch(
            "/api/person/3/relationships/articles",
            json!({"data": articles[..10]}),
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.body);
    assert_eq!(
        linkage("/api/person/3", "articles").await,
        json!(articles[..10])
    );
    let released = format!("/api/article/{}", articles[599]["id"].as_str().unwrap());
    assert_eq!(
        srv.data(&released).await["relationships"]["author"]["data"],
        Value::Null
    );
}
