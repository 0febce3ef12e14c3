//! The auth example's rules (examples/auth), as its clients meet them: bearer tokens, people
//! who see only themselves, articles only their authors change, `meta.caller`.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::access::{parse_tokens, rules};
use crate::common::fixture::ro;
use crate::common::{error_doc, ids, Response, Server, B};

fn start() -> Server {
    let tokens = parse_tokens("alice-token:1,bob-token:2").unwrap();
    Server::start_custom(true, rules(tokens))
}

const JSONAPI: &str = "application/vnd.api+json";

async fn as_(
    srv: &Server,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Response {
    let auth = format!("Bearer {token}");
    let mut headers = vec![("Accept", JSONAPI), ("Authorization", auth.as_str())];
    match body {
        Some(body) => {
            headers.push(("Content-Type", JSONAPI));
            srv.send(method, path, &headers, body.to_string().into_bytes())
                .await
        }
        None => srv.send(method, path, &headers, Vec::new()).await,
    }
}

fn unauthorized() -> Value {
    error_doc(
        json!({"status": "401", "code": "unauthorized", "title": "Unauthorized",
        "detail": "A valid bearer token is required."}),
    )
}

/// `doc` with `meta.caller`.
fn for_caller(mut doc: Value, caller: &str) -> Value {
    doc["meta"]["caller"] = json!(caller);
    doc
}

#[actix_web::test]
async fn tokens_are_required_except_for_the_root() {
    let srv = start();
    let res = srv.get("/api").await;
    assert_eq!(res.status, 200);
    assert!(
        res.json()["meta"].get("caller").is_none(),
        "no post-hooks on the root"
    );
    for path in [
        "/api/article",
        "/api/person/1",
        "/api/article/1/relationships/author",
        "/api/eval/person?eval_functions=%5B%5D",
    ] {
        let res = srv.get(path).await;
        assert_eq!(res.status, 401, "{path}");
        assert_eq!(res.header("www-authenticate"), Some("Bearer"));
        assert_eq!(res.json(), unauthorized());
        let res = as_(&srv, "mallory-token", Method::GET, path, None).await;
        assert_eq!((res.status, res.json()), (401, unauthorized()), "{path}");
    }
    let post = json!({"data": {"type": "tag", "attributes": {"name": "x"}}});
    let res = srv.write(Method::POST, "/api/tag", &post).await;
    assert_eq!((res.status, res.json()), (401, unauthorized()));
    assert_eq!(
        ids(&as_(&srv, "alice-token", Method::GET, "/api/tag", None)
            .await
            .json()),
        ["1", "2", "3"]
    );
}

#[actix_web::test]
async fn people_see_only_themselves() {
    let srv = start();
    let res = as_(&srv, "alice-token", Method::GET, "/api/person/1", None).await;
    assert_eq!(
        res.json(),
        for_caller(
            json!({"data": ro("person", 1), "links": {"self": format!("{B}/person/1")},
                "jsonapi": {"version": "1.0"}}),
            "1"
        )
    );
    let res = as_(&srv, "alice-token", Method::GET, "/api/person/2", None).await;
    assert_eq!(res.status, 404);
    assert_eq!(
        res.json(),
        error_doc(
            json!({"status": "404", "code": "resource_not_found", "title": "Resource not found",
            "detail": "No resource of type \"person\" with id \"2\"."})
        )
    );
    let res = as_(&srv, "bob-token", Method::GET, "/api/person", None).await;
    assert_eq!(ids(&res.json()), ["2"]);
    assert_eq!(res.json()["meta"], json!({"total": 1, "caller": "2"}));
    // Another person is null as a to-one target and absent from `included`.
    let res = as_(
        &srv,
        "bob-token",
        Method::GET,
        "/api/article/1?include=author",
        None,
    )
    .await;
    let doc = res.json();
    assert_eq!(doc["data"]["relationships"]["author"]["data"], Value::Null);
    assert_eq!(doc["included"], json!([]));
    let res = as_(
        &srv,
        "alice-token",
        Method::GET,
        "/api/comment/1/author",
        None,
    )
    .await;
    assert_eq!(res.json()["data"], Value::Null);
    // Linkage to another person in a write document is linkage to nobody.
    let patch = json!({"data": {"type": "comment", "id": "2",
        "relationships": {"author": {"data": {"type": "person", "id": "2"}}}}});
    let res = as_(
        &srv,
        "alice-token",
        Method::PATCH,
        "/api/comment/2",
        Some(patch),
    )
    .await;
    assert_eq!(res.status, 404);
    assert_eq!(
        res.json()["errors"][0]["source"]["pointer"],
        "/data/relationships/author/data"
    );
}

#[actix_web::test]
async fn only_authors_change_their_articles() {
    let srv = start();
    let forbidden = error_doc(
        json!({"status": "403", "code": "forbidden", "title": "Forbidden",
        "detail": "The resource of type \"article\" with id \"1\" cannot be changed by this request."}),
    );
    let patch =
        json!({"data": {"type": "article", "id": "1", "attributes": {"title": "Bob's now"}}});
    let res = as_(
        &srv,
        "bob-token",
        Method::PATCH,
        "/api/article/1",
        Some(patch.clone()),
    )
    .await;
    assert_eq!((res.status, res.json()), (403, forbidden.clone()));
    let res = as_(&srv, "bob-token", Method::DELETE, "/api/article/1", None).await;
    assert_eq!((res.status, res.json()), (403, forbidden.clone()));
    let link = json!({"data": [{"type": "tag", "id": "3"}]});
    let res = as_(
        &srv,
        "bob-token",
        Method::POST,
        "/api/article/1/relationships/tags",
        Some(link),
    )
    .await;
    assert_eq!((res.status, res.json()), (403, forbidden));
    // Unowned articles change at nobody's hands.
    let res = as_(&srv, "alice-token", Method::DELETE, "/api/article/4", None).await;
    assert_eq!(res.status, 403);
    assert_eq!(res.json()["errors"][0]["code"], "forbidden");
    let res = as_(&srv, "alice-token", Method::GET, "/api/article/1", None).await;
    assert_eq!(res.json()["data"], ro("article", 1));
    // The author may.
    let res = as_(
        &srv,
        "alice-token",
        Method::PATCH,
        "/api/article/1",
        Some(patch),
    )
    .await;
    assert_eq!(res.status, 204, "{}", res.body);
    let res = as_(&srv, "alice-token", Method::DELETE, "/api/article/2", None).await;
    assert_eq!(res.status, 204, "{}", res.body);
}

#[actix_web::test]
async fn new_articles_belong_to_their_callers() {
    let srv = start();
    let post = json!({"data": {"type": "article", "attributes": {"title": "Bob writes"}}});
    let res = as_(&srv, "bob-token", Method::POST, "/api/article", Some(post)).await;
    assert_eq!(res.status, 201, "{}", res.body);
    let doc = res.json();
    assert_eq!(
        doc["data"]["relationships"]["author"]["data"],
        json!({"type": "person", "id": "2"})
    );
    assert_eq!(doc["meta"], json!({"caller": "2"}));
    // Naming someone else as the author names nobody.
    let post = json!({"data": {"type": "article", "attributes": {"title": "Alice's?"},
        "relationships": {"author": {"data": {"type": "person", "id": "1"}}}}});
    let res = as_(&srv, "bob-token", Method::POST, "/api/article", Some(post)).await;
    assert_eq!(res.status, 404);
    assert_eq!(
        res.json()["errors"][0]["source"]["pointer"],
        "/data/relationships/author/data"
    );
}
