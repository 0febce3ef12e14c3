//! Compound documents (L), sparse fieldsets (K) and statement counts (H8.2).

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::common::fixture::{relationships_at, ro, ros};
use crate::common::{error_doc, Server, B};

fn invalid(code: &str, title: &str, parameter: &str, detail: &str) -> Value {
    error_doc(
        json!({"status": "400", "code": code, "title": title, "detail": detail, "source": {"parameter": parameter}}),
    )
}

#[actix_web::test]
async fn included_is_unique_and_ordered_l1_5_l1_6() {
    let srv = Server::start();
    let cases = [
        (
            "/api/article/1?include=comments.author",
            vec![
                ro("comment", 1),
                ro("comment", 2),
                ro("person", 1),
                ro("person", 2),
            ],
        ),
        (
            "/api/comment/1?include=article.comments",
            vec![ro("article", 1), ro("comment", 2)],
        ),
        (
            "/api/article/1?include=author,author",
            vec![ro("person", 1)],
        ),
        ("/api/article/4?include=author,comments,tags", vec![]),
        (
            "/api/tag/2?include=articles.author,articles",
            vec![ro("article", 1), ro("article", 2), ro("person", 1)],
        ),
    ];
    for (path, included) in cases {
        let res = srv.get(path).await;
        assert_eq!(res.status, 200, "{path}");
        assert_eq!(res.json()["included"], Value::Array(included), "{path}");
    }
}

#[actix_web::test]
async fn inclusion_follows_the_page_l1_4() {
    let srv = Server::start();
    let res = srv
        .get("/api/person?include=articles&page%5Bsize%5D=2")
        .await;
    assert_eq!(res.status, 200);
    let doc = res.json();
    assert_eq!(doc["data"], ros("person", &[1, 2]));
    assert_eq!(doc["included"], ros("article", &[1, 2]));
}

#[actix_web::test]
async fn included_appears_only_when_asked_l1_1_l1_7() {
    let srv = Server::start();
    let doc = srv.get("/api/person/1").await.json();
    assert!(doc.get("included").is_none());
    let res = srv.get("/api/person/1?include=").await;
    assert_eq!(
        res.json(),
        json!({"data": ro("person", 1), "included": [], "links": {"self": format!("{B}/person/1?include=")}, "jsonapi": {"version": "1.0"}})
    );
    let res = srv.get("/api/article/4/author?include=comments").await;
    assert_eq!(
        res.json(),
        json!({"data": null, "included": [], "links": {"self": format!("{B}/article/4/author?include=comments")}, "jsonapi": {"version": "1.0"}})
    );
}

#[actix_web::test]
async fn bad_include_paths_l1_2_l1_8() {
    let srv = Server::start();
    let title = "Invalid include parameter";
    let cases = [
        (
            "articles.bogus",
            "Type \"article\" has no relationship \"bogus\" (in include path \"articles.bogus\").",
        ),
        (
            "bogus",
            "Type \"person\" has no relationship \"bogus\" (in include path \"bogus\").",
        ),
        (
            "name",
            "Type \"person\" has no relationship \"name\" (in include path \"name\").",
        ),
        (
            "articles.",
            "Empty relationship name in include path \"articles.\".",
        ),
        (
            "articles,,comments",
            "Empty relationship name in include path \"\".",
        ),
        (
            "a.b.c.d.e.f.g.h.i",
            "Include path \"a.b.c.d.e.f.g.h.i\" is too deep (limit 8).",
        ),
    ];
    for (include, detail) in cases {
        let res = srv.get(&format!("/api/person/1?include={include}")).await;
        assert_eq!(res.status, 400, "{include}");
        assert_eq!(
            res.json(),
            invalid("invalid_include", title, "include", detail),
            "{include}"
        );
    }
    let many = vec!["articles"; 17].join(",");
    let res = srv.get(&format!("/api/person?include={many}")).await;
    assert_eq!(
        res.json(),
        invalid(
            "invalid_include",
            title,
            "include",
            "Too many include paths (limit 16)."
        )
    );
    // Valid: the root takes no include at all (D2.2), checked before names.
    assert_eq!(
        srv.get("/api?include=bogus").await.json()["errors"][0]["code"],
        "unsupported_query_parameter"
    );
}

#[actix_web::test]
async fn sparse_fieldset_k1_1() {
    let srv = Server::start();
    let res = srv.get("/api/person/1?fields%5Bperson%5D=name").await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.json(),
        json!({"data": {"type": "person", "id": "1", "attributes": {"name": "Alice"}, "links": {"self": format!("{B}/person/1")}},
            "links": {"self": format!("{B}/person/1?fields%5Bperson%5D=name")},
            "jsonapi": {"version": "1.0"}})
    );
    // id and type are ignored, repeats are harmless (K1.3); empty keeps nothing (K1.2).
    let same = srv
        .get("/api/person/1?fields%5Bperson%5D=id,name,type,name")
        .await
        .json();
    assert_eq!(same["data"], res.json()["data"]);
    let bare = srv.get("/api/person?fields%5Bperson%5D=").await.json();
    assert_eq!(
        bare["data"][2],
        json!({"type": "person", "id": "3", "links": {"self": format!("{B}/person/3")}})
    );
    // Relationships only.
    let rels = srv
        .get("/api/article/2?fields%5Barticle%5D=author,tags")
        .await
        .json();
    let mut relationships = relationships_at(B, "article", 2);
    relationships.as_object_mut().unwrap().remove("comments");
    assert_eq!(
        rels["data"],
        json!({"type": "article", "id": "2", "relationships": relationships, "links": {"self": format!("{B}/article/2")}})
    );
}

#[actix_web::test]
async fn sparse_fieldsets_with_inclusion_k1_6() {
    let srv = Server::start();
    let res = srv.get("/api/person/1?include=articles&fields%5Bperson%5D=name,articles&fields%5Barticle%5D=title").await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.json(),
        json!({
            "data": {"type": "person", "id": "1", "attributes": {"name": "Alice"},
                     "relationships": {"articles": {"links": {"self": format!("{B}/person/1/relationships/articles"),
                                                               "related": format!("{B}/person/1/articles")},
                                                     "data": [{"type": "article", "id": "1"}, {"type": "article", "id": "2"}]}},
                     "links": {"self": format!("{B}/person/1")}},
            "included": [
                {"type": "article", "id": "1", "attributes": {"title": "Hello JSON:API"}, "links": {"self": format!("{B}/article/1")}},
                {"type": "article", "id": "2", "attributes": {"title": "Diesel tips"}, "links": {"self": format!("{B}/article/2")}}
            ],
            "links": {"self": format!("{B}/person/1?include=articles&fields%5Bperson%5D=name,articles&fields%5Barticle%5D=title")},
            "jsonapi": {"version": "1.0"}
        })
    );
    // A relationship left out can still be included.
    let doc = srv
        .get("/api/person/1?include=articles&fields%5Bperson%5D=name")
        .await
        .json();
    assert_eq!(doc["data"]["relationships"], Value::Null);
    assert_eq!(doc["included"], ros("article", &[1, 2]));
}

#[actix_web::test]
async fn bad_fieldsets_k1_4() {
    let srv = Server::start();
    let title = "Invalid sparse fieldset";
    let res = srv.get("/api/person?fields%5Bpersn%5D=name").await;
    assert_eq!(
        res.json(),
        invalid(
            "invalid_fields",
            title,
            "fields[persn]",
            "Unknown type \"persn\" in fields[persn]."
        )
    );
    let res = srv.get("/api/person?fields%5Bperson%5D=nmae").await;
    assert_eq!(
        res.json(),
        invalid(
            "invalid_fields",
            title,
            "fields[person]",
            "Type \"person\" has no field \"nmae\" (in fields[person])."
        )
    );
    let res = srv.get("/api/article?fields%5Barticle%5D=author_id").await;
    assert_eq!(res.status, 400, "foreign keys are not fields (F2.1)");
}

fn statements(res: &crate::common::Response) -> String {
    let timing = res.header("server-timing").expect("Server-Timing header");
    let (dur, desc) = timing.split_once(";desc=").expect("desc");
    let ms: f64 = dur
        .strip_prefix("db;dur=")
        .expect("db;dur=")
        .parse()
        .expect("milliseconds");
    assert!(ms >= 0.0);
    desc.to_owned()
}

#[actix_web::test]
async fn statement_count_does_not_grow_with_the_page_h8_2() {
    let srv = Server::start();
    // COUNT, page, comments and tags linkage, then per include level one fetch plus the
    // to-many linkage of what it fetched: author (+2), comments (+0), comments.author (+2),
    // tags (+1); with BEGIN and COMMIT, 15.
    for size in [1, 10, 100] {
        let res = srv
            .get(&format!(
                "/api/article?include=author,comments.author,tags&page%5Bsize%5D={size}"
            ))
            .await;
        assert_eq!(res.status, 200);
        assert_eq!(statements(&res), "\"15 statements\"", "page size {size}");
    }
    // The issue's example: person linkage is not shown, so not loaded.
    for size in [1, 100] {
        let res = srv.get(&format!("/api/article?include=author,comments.author,tags&fields%5Bperson%5D=name&sort=-rating,title&page%5Bsize%5D={size}")).await;
        assert_eq!(res.status, 200);
        assert_eq!(statements(&res), "\"11 statements\"", "page size {size}");
    }
    let res = srv.get("/api/person/1").await;
    assert_eq!(
        statements(&res),
        "\"5 statements\"",
        "resource, two to-many linkages, BEGIN, COMMIT"
    );
    assert_eq!(
        srv.get("/api").await.header("server-timing"),
        None,
        "the root needs no database"
    );
}

#[actix_web::test]
async fn the_done_example_is_a_valid_compound_document() {
    let srv = Server::start();
    let res = srv.get("/api/article?include=author,comments.author,tags&fields%5Bperson%5D=name&sort=-rating,title").await;
    assert_eq!(res.status, 200);
    let doc = res.json();
    let ids: Vec<&str> = doc["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["1", "2", "4", "3"]);
    let person = |id: u32, name: &str| json!({"type": "person", "id": id.to_string(), "attributes": {"name": name}, "links": {"self": format!("{B}/person/{id}")}});
    let mut included = vec![ro("comment", 1), ro("comment", 2), ro("comment", 3)];
    included.extend([person(1, "Alice"), person(2, "bob"), person(3, "Carol")]);
    included.extend([ro("tag", 1), ro("tag", 2)]);
    assert_eq!(doc["included"], Value::Array(included));
}

#[actix_web::test]
async fn default_includes_apply_to_the_primary_type_l1_9() {
    let srv = Server::start_with_default_includes();
    let cases = [
        ("/api/article/1", Some(vec![ro("person", 1)])),
        ("/api/article?page%5Bsize%5D=2", Some(vec![ro("person", 1)])),
        ("/api/person/1/articles", Some(vec![ro("person", 1)])),
        ("/api/comment/3/article", Some(vec![ro("person", 1)])),
        ("/api/article/4", Some(vec![])),
        (
            "/api/article/1?include=tags",
            Some(vec![ro("tag", 1), ro("tag", 2)]),
        ),
        ("/api/article/1?include=", Some(vec![])),
        ("/api/person/1/relationships/articles", None),
        ("/api/comment/1", None),
    ];
    for (path, included) in cases {
        let res = srv.get(path).await;
        assert_eq!(res.status, 200, "{path}");
        assert_eq!(
            res.json().get("included").cloned(),
            included.map(Value::Array),
            "{path}"
        );
    }
}

#[actix_web::test]
async fn hidden_fields_do_not_exist_for_the_api_v2() {
    let srv = Server::start_with_hidden_fields();
    let mut person = ro("person", 1);
    person["attributes"]
        .as_object_mut()
        .unwrap()
        .remove("birthday");
    person["relationships"]
        .as_object_mut()
        .unwrap()
        .remove("comments");
    assert_eq!(srv.get("/api/person/1").await.json()["data"], person);
    let cases = [
        ("/api/person?sort=birthday", "invalid_sort"),
        ("/api/person?fields%5Bperson%5D=birthday", "invalid_fields"),
        ("/api/person?include=comments", "invalid_include"),
        ("/api/person?filter%5Bbirthday%5D=1993-04-12", "invalid_filter"),
        ("/api/person?filter%5Bobjects%5D=%5B%7B%22name%22:%22comments%22,%22op%22:%22any%22,%22val%22:%7B%22name%22:%22id%22,%22op%22:%22eq%22,%22val%22:1%7D%7D%5D", "invalid_filter"),
    ];
    for (path, code) in cases {
        let res = srv.get(path).await;
        assert_eq!(res.status, 400, "{path}");
        assert_eq!(res.json()["errors"][0]["code"], code, "{path}");
    }
    assert_eq!(
        srv.get("/api/person/1/comments").await.json()["errors"][0]["code"],
        "relationship_not_found"
    );
    // The other side of the relationship is still served.
    assert_eq!(
        srv.get("/api/comment/2").await.json()["data"],
        ro("comment", 2)
    );
}

#[actix_web::test]
async fn hidden_fields_cannot_be_written_or_evaluated_v2() {
    let hidden = crate::db::Custom {
        types: Some(std::sync::Arc::new(
            |name: &str, config: restless::ResourceConfig| match name {
                "person" => config.exclude(["birthday", "comments"]),
                _ => config,
            },
        )),
        ..crate::db::Custom::default()
    };
    let srv = Server::start_custom(true, hidden);
    let unknown = |pointer: &str, detail: &str| {
        error_doc(
            json!({"status": "400", "code": "unknown_field", "title": "Unknown field",
            "detail": detail, "source": {"pointer": pointer}}),
        )
    };
    let post = json!({"data": {"type": "person", "attributes": {"name": "Dave", "birthday": "2000-01-01"}}});
    let res = srv.write(Method::POST, "/api/person", &post).await;
    assert_eq!(
        (res.status, res.json()),
        (
            400,
            unknown(
                "/data/attributes/birthday",
                "Type \"person\" has no attribute \"birthday\"."
            )
        )
    );
    let patch = json!({"data": {"type": "person", "id": "1",
        "relationships": {"comments": {"data": []}}}});
    let res = srv.write(Method::PATCH, "/api/person/1", &patch).await;
    assert_eq!(res.status, 400, "{}", res.body);
    assert_eq!(res.json()["errors"][0]["code"], "unknown_field");
    assert_eq!(
        res.json()["errors"][0]["source"]["pointer"],
        "/data/relationships/comments"
    );
    let link = json!({"data": [{"type": "comment", "id": "4"}]});
    let res = srv
        .write(Method::POST, "/api/person/1/relationships/comments", &link)
        .await;
    assert_eq!(res.status, 404);
    assert_eq!(res.json()["errors"][0]["code"], "relationship_not_found");
    let q = crate::common::query(&[("eval_functions", r#"[{"name":"min","field":"birthday"}]"#)]);
    let res = srv.get(&format!("/api/eval/person{q}")).await;
    assert_eq!(res.status, 400);
    assert_eq!(res.json()["errors"][0]["code"], "invalid_functions");
    // Nothing was written.
    let res = srv.get("/api/person/1").await;
    assert_eq!(res.json()["data"]["attributes"]["name"], "Alice");
    assert_eq!(
        crate::common::ids(&srv.get("/api/person").await.json()),
        ["1", "2", "3"]
    );
}

#[actix_web::test]
async fn an_empty_include_includes_nothing_on_relationship_urls_l1_7() {
    let srv = Server::start();
    for path in [
        "/api/person/1/relationships/articles?include=",
        "/api/article/1/relationships/author?include=",
    ] {
        let res = srv.get(path).await;
        assert_eq!(res.status, 200, "{path}");
        assert_eq!(res.json()["included"], json!([]), "{path}");
    }
}

#[actix_web::test]
async fn values_are_checked_before_relationship_names_b4_1() {
    let srv = Server::start();
    for path in [
        "/api/person/1/bogus?page%5Bsize%5D=abc",
        "/api/article/1/author?page%5Bsize%5D=abc",
        "/api/person/1/relationships/bogus?page%5Bnumber%5D=0",
    ] {
        let res = srv.get(path).await;
        assert_eq!(res.status, 400, "{path}");
        assert_eq!(res.json()["errors"][0]["code"], "invalid_page", "{path}");
    }
    let res = srv
        .get("/api/person/1/bogus?filter%5Bobjects%5D=bogus")
        .await;
    assert_eq!(res.json()["errors"][0]["code"], "invalid_filter");
    let res = srv.get("/api/person/1/bogus?ignore_case=yes").await;
    assert_eq!(res.json()["errors"][0]["code"], "invalid_query_parameter");
}
