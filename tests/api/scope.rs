//! Scopes (V4): rows outside a type's scope do not exist for the API, and rows outside its
//! write scope cannot be changed.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::common::fixture::{ro, ros};
use crate::common::{error_doc, ids, not_found, query, types, Server, B};
use crate::db::Custom;

/// V4.2's example: persons without an age do not exist.
fn aged() -> Custom {
    types(|name, config| match name {
        "person" => config.scope(|_| Some(json!({"name": "age", "op": "is_not_null"}))),
        _ => config,
    })
}

/// Comment 2 ("Thanks!") and tag 2 ("web") do not exist.
fn hidden_members() -> Custom {
    types(|name, config| match name {
        "comment" => {
            config.scope(|_| Some(json!({"name": "content", "op": "ne", "val": "Thanks!"})))
        }
        "tag" => config.scope(|_| Some(json!([{"name": "name", "op": "ne", "val": "web"}]))),
        _ => config,
    })
}

/// `doc` with the linkage of relationship `rel` replaced.
fn with_linkage(mut doc: Value, rel: &str, data: Value) -> Value {
    doc["relationships"][rel]["data"] = data;
    doc
}

#[actix_web::test]
async fn the_catalog_example_v4_2() {
    let srv = Server::start_custom(false, aged());
    let res = srv.get("/api/person").await;
    assert_eq!(res.status, 200);
    let page = format!("{B}/person?page%5Bnumber%5D=1&page%5Bsize%5D=10");
    assert_eq!(
        res.json(),
        json!({"data": ros("person", &[1, 3]), "links": {"self": format!("{B}/person"),
            "first": page, "last": page, "prev": null, "next": null},
            "meta": {"total": 2}, "jsonapi": {"version": "1.0"}})
    );
    let res = srv.get("/api/person/2").await;
    assert_eq!((res.status, res.json()), (404, not_found("person", "2")));
    let res = srv.get("/api/comment/1").await;
    assert_eq!(
        res.json()["data"],
        with_linkage(ro("comment", 1), "author", Value::Null)
    );
}

#[actix_web::test]
async fn out_of_scope_rows_are_absent_everywhere_v4_2() {
    let srv = Server::start_custom(false, aged());
    // Related and relationship URLs of a hidden owner, and a hidden to-one target.
    for path in [
        "/api/person/2/comments",
        "/api/person/2/relationships/comments",
    ] {
        let res = srv.get(path).await;
        assert_eq!(
            (res.status, res.json()),
            (404, not_found("person", "2")),
            "{path}"
        );
    }
    let res = srv.get("/api/comment/1/author").await;
    assert_eq!(res.json()["data"], Value::Null);
    let res = srv.get("/api/comment/1/relationships/author").await;
    assert_eq!(res.json()["data"], Value::Null);
    // Included: a hidden person is neither linked nor included.
    let res = srv.get("/api/comment?include=author").await;
    let doc = res.json();
    assert_eq!(
        doc["data"][0]["relationships"]["author"]["data"],
        Value::Null
    );
    assert_eq!(doc["included"], json!([ro("person", 1), ro("person", 3)]));
    // Relationship filters count in-scope rows only.
    let q = query(&[(
        "filter[objects]",
        r#"[{"name":"author","op":"has","val":{"name":"name","op":"eq","val":"bob"}}]"#,
    )]);
    let res = srv.get(&format!("/api/comment{q}")).await;
    assert_eq!(ids(&res.json()), Vec::<String>::new());
    // A hidden person is no author: not by id, not as a sort key (nulls first, J1.7).
    for (q, expected) in [
        (
            query(&[(
                "filter[objects]",
                r#"[{"name":"author","op":"eq","val":"2"}]"#,
            )]),
            vec![],
        ),
        (query(&[("filter[author]", "2")]), vec![]),
        (
            query(&[("filter[objects]", r#"[{"name":"author","op":"is_null"}]"#)]),
            vec!["1", "4"],
        ),
        (
            query(&[(
                "filter[objects]",
                r#"[{"name":"author","op":"is_not_null"}]"#,
            )]),
            vec!["2", "3"],
        ),
        (
            query(&[("sort", "author.name,id")]),
            vec!["1", "4", "2", "3"],
        ),
        // As with a NULL foreign key, `not` of a comparison with a hidden target is unknown.
        (
            query(&[(
                "filter[objects]",
                r#"[{"not":{"name":"author","op":"eq","val":"1"}}]"#,
            )]),
            vec!["3"],
        ),
    ] {
        let res = srv.get(&format!("/api/comment{q}")).await;
        assert_eq!(res.status, 200, "{q}: {}", res.body);
        assert_eq!(ids(&res.json()), expected, "{q}");
    }
    // Function evaluation and totals.
    let q = query(&[("eval_functions", r#"[{"name":"count","field":"id"}]"#)]);
    let res = srv.get(&format!("/api/eval/person{q}")).await;
    assert_eq!(res.json()["meta"]["results"], json!([2]));
}

#[actix_web::test]
async fn out_of_scope_members_leave_to_many_linkage_v4_2() {
    let srv = Server::start_custom(false, hidden_members());
    let res = srv.get("/api/article/1").await;
    let expected = with_linkage(
        with_linkage(
            ro("article", 1),
            "comments",
            json!([{"type": "comment", "id": "1"}]),
        ),
        "tags",
        json!([{"type": "tag", "id": "1"}]),
    );
    assert_eq!(res.json()["data"], expected);
    let res = srv.get("/api/article/1/comments").await;
    assert_eq!(ids(&res.json()), ["1"]);
    assert_eq!(res.json()["meta"]["total"], 1);
    let res = srv.get("/api/article/1/relationships/tags").await;
    assert_eq!(res.json()["data"], json!([{"type": "tag", "id": "1"}]));
    let res = srv.get("/api/article/1/comments/2").await;
    assert_eq!(res.status, 404);
    assert_eq!(
        res.json()["errors"][0]["code"],
        "related_resource_not_found"
    );
    let res = srv.get("/api/article/2?include=tags,comments").await;
    let doc = res.json();
    assert_eq!(doc["data"]["relationships"]["tags"]["data"], json!([]));
    assert_eq!(doc["included"], json!([ro("comment", 3)]));
    let q = query(&[(
        "filter[objects]",
        r#"[{"name":"tags","op":"any","val":{"name":"name","op":"eq","val":"web"}}]"#,
    )]);
    let res = srv.get(&format!("/api/article{q}")).await;
    assert_eq!(ids(&res.json()), Vec::<String>::new());
}

#[actix_web::test]
async fn a_scope_may_name_hidden_and_foreign_key_fields_v4_3() {
    let srv = Server::start_custom(
        false,
        types(|name, config| match name {
            // `author_id` is no attribute; `birthday` is hidden.
            "article" => config.scope(|_| Some(json!({"name": "author_id", "op": "is_not_null"}))),
            "person" => config
                .exclude(["birthday"])
                .scope(|_| Some(json!({"name": "birthday", "op": "lt", "val": "1995-01-01"}))),
            _ => config,
        }),
    );
    let res = srv.get("/api/article").await;
    assert_eq!(ids(&res.json()), ["1", "2", "3"]);
    let res = srv.get("/api/person").await;
    assert_eq!(ids(&res.json()), ["1"]);
    // The client still cannot name them.
    let q = query(&[(
        "filter[objects]",
        r#"[{"name":"author_id","op":"eq","val":1}]"#,
    )]);
    assert_eq!(srv.get(&format!("/api/article{q}")).await.status, 400);
}

#[actix_web::test]
async fn an_invalid_scope_is_500_v4_3() {
    let srv = Server::start_custom(
        false,
        types(|name, config| match name {
            "tag" => config.scope(|_| Some(json!({"name": "nope", "op": "eq", "val": 1}))),
            _ => config,
        }),
    );
    let res = srv.get("/api/tag").await;
    assert_eq!(res.status, 500);
    assert_eq!(res.json()["errors"][0]["code"], "internal_error");
}

#[actix_web::test]
async fn writes_cannot_reach_out_of_scope_rows_v4_2() {
    let srv = Server::start_custom(true, aged());
    let patch = json!({"data": {"type": "person", "id": "2", "attributes": {"age": 5}}});
    let res = srv.write(Method::PATCH, "/api/person/2", &patch).await;
    assert_eq!((res.status, res.json()), (404, not_found("person", "2")));
    let res = srv.request(Method::DELETE, "/api/person/2", &[]).await;
    assert_eq!((res.status, res.json()), (404, not_found("person", "2")));
    let link = json!({"data": [{"type": "comment", "id": "3"}]});
    let res = srv
        .write(Method::POST, "/api/person/2/relationships/comments", &link)
        .await;
    assert_eq!((res.status, res.json()), (404, not_found("person", "2")));
    // Linkage to an out-of-scope person is linkage to nobody.
    let post = json!({"data": {"type": "article", "attributes": {"title": "t"},
        "relationships": {"author": {"data": {"type": "person", "id": "2"}}}}});
    let res = srv.write(Method::POST, "/api/article", &post).await;
    assert_eq!(
        (res.status, res.json()),
        (
            404,
            error_doc(json!({"status": "404", "code": "resource_not_found",
                "title": "Resource not found", "detail": "No resource of type \"person\" with id \"2\".",
                "source": {"pointer": "/data/relationships/author/data"}}))
        )
    );
    // Nothing was written.
    let all = unscoped();
    assert_eq!(
        all.get("/api/person/2").await.json()["data"],
        ro("person", 2)
    );
    assert_eq!(
        all.get("/api/comment/3").await.json()["data"],
        ro("comment", 3)
    );
    assert_eq!(
        ids(&all.get("/api/article").await.json()),
        ["1", "2", "3", "4"]
    );
}

/// Articles change only when `author_id` is 1; comments only when theirs is 1.
fn owned() -> Custom {
    types(|name, config| match name {
        "article" | "comment" => {
            config.write_scope(|_| Some(json!({"name": "author_id", "op": "eq", "val": 1})))
        }
        _ => config,
    })
}

fn forbidden(type_name: &str, id: &str) -> Value {
    error_doc(
        json!({"status": "403", "code": "forbidden", "title": "Forbidden",
        "detail": format!("The resource of type \"{type_name}\" with id \"{id}\" cannot be changed by this request.")}),
    )
}

#[actix_web::test]
async fn the_write_scope_forbids_changes_v4_4() {
    let srv = Server::start_custom(true, owned());
    // Readable, not writable.
    assert_eq!(srv.get("/api/article/3").await.status, 200);
    let patch = json!({"data": {"type": "article", "id": "3", "attributes": {"title": "mine"}}});
    let res = srv.write(Method::PATCH, "/api/article/3", &patch).await;
    assert_eq!((res.status, res.json()), (403, forbidden("article", "3")));
    let res = srv.request(Method::DELETE, "/api/article/3", &[]).await;
    assert_eq!((res.status, res.json()), (403, forbidden("article", "3")));
    let res = srv
        .write(
            Method::PATCH,
            "/api/article/3/relationships/author",
            &json!({"data": null}),
        )
        .await;
    assert_eq!((res.status, res.json()), (403, forbidden("article", "3")));
    // Moving comment 1 (author 2) to article 2 changes its stored foreign key.
    let link = json!({"data": [{"type": "comment", "id": "1"}]});
    let res = srv
        .write(Method::POST, "/api/article/2/relationships/comments", &link)
        .await;
    assert_eq!((res.status, res.json()), (403, forbidden("comment", "1")));
    // Nothing was written; the owner's own rows change.
    let res = srv.get("/api/article/3").await;
    assert_eq!(res.json()["data"], ro("article", 3));
    assert_eq!(
        srv.get("/api/comment/1").await.json()["data"],
        ro("comment", 1)
    );
    let patch = json!({"data": {"type": "article", "id": "1", "attributes": {"title": "mine"}}});
    let res = srv.write(Method::PATCH, "/api/article/1", &patch).await;
    assert_eq!(res.status, 204, "{}", res.body);
    let link = json!({"data": [{"type": "comment", "id": "2"}]});
    let res = srv
        .write(Method::POST, "/api/article/2/relationships/comments", &link)
        .await;
    assert_eq!(res.status, 204, "{}", res.body);
    // A member already linked keeps its foreign key: no change, no 403.
    let link = json!({"data": [{"type": "comment", "id": "3"}]});
    let res = srv
        .write(Method::POST, "/api/article/2/relationships/comments", &link)
        .await;
    assert_eq!(res.status, 204, "{}", res.body);
}

#[actix_web::test]
async fn a_scope_is_a_function_of_the_request_v4_1() {
    // Tags whose name the request's `X-Tag` header names; all tags without it.
    let srv = Server::start_custom(
        false,
        types(|name, config| match name {
            "tag" => config.scope(|ctx| {
                let tag = ctx.header("x-tag")?;
                Some(json!({"name": "name", "op": "eq", "val": tag}))
            }),
            _ => config,
        }),
    );
    let json = "application/vnd.api+json";
    let res = srv
        .request(
            Method::GET,
            "/api/tag",
            &[("Accept", json), ("X-Tag", "web")],
        )
        .await;
    assert_eq!(ids(&res.json()), ["2"]);
    let res = srv
        .request(Method::GET, "/api/tag", &[("Accept", json)])
        .await;
    assert_eq!(ids(&res.json()), ["1", "2", "3"]);
}

/// The write database as it is, without scopes (to see what scoped writes left).
fn unscoped() -> Server {
    let options = crate::db::Options {
        base_url: Some("http://localhost:8080"),
        ..crate::db::Options::default()
    };
    let api = crate::db::open(crate::common::write_url(), options, 1).expect("write database");
    Server::serve_scope(move || api.scope(), None)
}

#[actix_web::test]
async fn writes_leave_out_of_scope_members_alone_v4_2() {
    let srv = Server::start_custom(true, hidden_members());
    // Article 1's tags are 1 and 2; tag 2 does not exist for the request.
    let link = json!({"data": [{"type": "tag", "id": "3"}]});
    let res = srv
        .write(Method::PATCH, "/api/article/1/relationships/tags", &link)
        .await;
    assert_eq!(res.status, 204, "{}", res.body);
    assert_eq!(
        srv.get("/api/article/1/relationships/tags").await.json()["data"],
        json!([{"type": "tag", "id": "3"}])
    );
    // Article 1's comments are 1 and 2; comment 2 does not exist for the request.
    let link = json!({"data": []});
    let res = srv
        .write(
            Method::PATCH,
            "/api/article/1/relationships/comments",
            &link,
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.body);
    let all = unscoped();
    assert_eq!(
        all.get("/api/article/1/relationships/tags").await.json()["data"],
        json!([{"type": "tag", "id": "2"}, {"type": "tag", "id": "3"}])
    );
    assert_eq!(
        all.get("/api/article/1/relationships/comments")
            .await
            .json()["data"],
        json!([{"type": "comment", "id": "2"}])
    );
}

#[actix_web::test]
async fn writes_cannot_take_rows_out_of_the_scope_v4_2() {
    let srv = Server::start_custom(true, aged());
    let post = json!({"data": {"type": "person", "attributes": {"name": "Dave"}}});
    let res = srv.write(Method::POST, "/api/person", &post).await;
    assert_eq!(
        (res.status, res.json()),
        (
            403,
            error_doc(
                json!({"status": "403", "code": "forbidden", "title": "Forbidden",
                "detail": "The resource of type \"person\" this request creates would be outside its scope."})
            )
        )
    );
    let patch = json!({"data": {"type": "person", "id": "1", "attributes": {"age": null}}});
    let res = srv.write(Method::PATCH, "/api/person/1", &patch).await;
    assert_eq!(
        (res.status, res.json()),
        (
            403,
            error_doc(
                json!({"status": "403", "code": "forbidden", "title": "Forbidden",
                "detail": "The resource of type \"person\" with id \"1\" cannot be changed by this request."})
            )
        )
    );
    let all = unscoped();
    assert_eq!(
        all.get("/api/person/1").await.json()["data"],
        ro("person", 1)
    );
    assert_eq!(ids(&all.get("/api/person").await.json()), ["1", "2", "3"]);
    let post = json!({"data": {"type": "person", "attributes": {"name": "Dave", "age": 40}}});
    let res = srv.write(Method::POST, "/api/person", &post).await;
    assert_eq!(res.status, 201);
}

#[actix_web::test]
async fn included_resources_outside_the_scope_are_left_out_l1_10_v4_2() {
    let srv = Server::start_custom(false, aged());
    // Comment 1's author (person 2) is out of scope: linkage null, nothing included.
    let res = srv.get("/api/comment/1?include=author,article").await;
    assert_eq!(res.status, 200);
    let mut comment = ro("comment", 1);
    comment["relationships"]["author"]["data"] = Value::Null;
    assert_eq!(
        res.json(),
        json!({"data": comment, "included": [ro("article", 1)],
            "links": {"self": format!("{B}/comment/1?include=author,article")},
            "jsonapi": {"version": "1.0"}})
    );
}
