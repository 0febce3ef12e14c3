//! Conditional requests (RFC 9110 §13, B3.8–B3.10): every 200 answer to a read carries a
//! strong `ETag` of its exact body and content type; `If-None-Match` with it is 304, `If-Match`
//! without it is 412; writes compare their preconditions with the tag the `GET` of their path
//! answers, inside their transaction, and write nothing when one fails.

use actix_web::http::Method;
use serde_json::json;

use crate::common::{error_doc, Response, Server};

const JSONAPI: &str = "application/vnd.api+json";

fn tag(res: &Response) -> String {
    let tag = res.header("etag").expect("an ETag").to_owned();
    assert_eq!(tag.len(), 34, "{tag}");
    assert!(
        tag.starts_with('"') && tag.ends_with('"'),
        "a strong tag: {tag}"
    );
    tag
}

async fn get_with(srv: &Server, path: &str, headers: &[(&str, &str)]) -> Response {
    get_with_accept(srv, path, JSONAPI, headers).await
}

async fn get_with_accept(
    srv: &Server,
    path: &str,
    accept: &str,
    headers: &[(&str, &str)],
) -> Response {
    let mut all = vec![("Accept", accept)];
    all.extend_from_slice(headers);
    srv.request(Method::GET, path, &all).await
}

fn precondition_failed() -> serde_json::Value {
    error_doc(json!({"status": "412", "code": "precondition_failed",
        "title": "Precondition failed",
        "detail": "The resource has changed since the tag in If-Match was issued."}))
}

#[actix_web::test]
async fn reads_are_tagged_and_answer_304_b3_8() {
    let srv = Server::start();
    for path in [
        "/api/person/1",
        "/api/person?sort=-name",
        "/api/person/1/articles",
        "/api/person/1/relationships/articles",
        "/api/article/1/author",
        "/api",
    ] {
        let first = srv.get(path).await;
        assert_eq!(first.status, 200, "{path}");
        let etag = tag(&first);
        // The same answer, the same tag.
        assert_eq!(tag(&srv.get(path).await), etag, "{path}");
        for matching in [
            etag.clone(),
            format!("W/{etag}"),
            "*".to_owned(),
            format!("\"other\", {etag}"),
        ] {
            let res = get_with(&srv, path, &[("If-None-Match", &matching)]).await;
            assert_eq!(res.status, 304, "{path} {matching}");
            assert_eq!(res.header("etag"), Some(etag.as_str()));
            assert_eq!(res.header("vary"), Some("Accept"));
            assert_eq!(res.header("link"), None);
            assert!(res.body.is_empty());
            let head = srv
                .request(
                    Method::HEAD,
                    path,
                    &[("Accept", JSONAPI), ("If-None-Match", &matching)],
                )
                .await;
            assert_eq!(head.status, 304, "HEAD {path}");
        }
        // Another tag: the whole answer.
        let res = get_with(&srv, path, &[("If-None-Match", "\"0123\"")]).await;
        assert_eq!(res.status, 200);
        assert_eq!(res.body, first.body);
        // HEAD is tagged as GET is.
        let head = srv
            .request(Method::HEAD, path, &[("Accept", JSONAPI)])
            .await;
        assert_eq!(tag(&head), etag);
    }
    // Another document, another tag: the query shapes it.
    let plain = tag(&srv.get("/api/person/1").await);
    assert_ne!(tag(&srv.get("/api/person/1?include=articles").await), plain);
    assert_ne!(
        tag(&srv.get("/api/person/1?fields%5Bperson%5D=name").await),
        plain
    );
}

#[actix_web::test]
async fn if_match_on_reads_b3_10() {
    let srv = Server::start();
    let etag = tag(&srv.get("/api/person/1").await);
    for matching in [etag.clone(), "*".to_owned(), format!("\"x\",{etag}")] {
        let res = get_with(&srv, "/api/person/1", &[("If-Match", &matching)]).await;
        assert_eq!(res.status, 200, "{matching}");
    }
    // A weak tag never matches strongly; any other tag does not match.
    for failing in [format!("W/{etag}"), "\"0123\"".to_owned()] {
        let res = get_with(&srv, "/api/person/1", &[("If-Match", &failing)]).await;
        assert_eq!(res.status, 412, "{failing}");
        assert_eq!(res.json(), precondition_failed());
        assert_eq!(res.header("etag"), None);
    }
    // RFC 9110 §13.2.2: If-Match first.
    let res = get_with(
        &srv,
        "/api/person/1",
        &[("If-Match", "\"0123\""), ("If-None-Match", &etag)],
    )
    .await;
    assert_eq!(res.status, 412);
    // A missing target is 404 whatever the preconditions (B3.10).
    let res = get_with(&srv, "/api/person/99", &[("If-Match", "\"0123\"")]).await;
    assert_eq!(res.status, 404);
    assert_eq!(res.header("etag"), None);
    let res = get_with(&srv, "/api/person/99", &[("If-None-Match", "*")]).await;
    assert_eq!(res.status, 404);
}

/// JSONP answers and HTML pages have tags of their own; wrapped errors have none (B3.8, B3.9).
#[actix_web::test]
async fn every_form_of_a_document_has_its_own_tag_b3_9() {
    let api = Server::blog(crate::db::Options::served(false, false));
    let srv = Server::serve_scope(move || api.scope(), None);
    // The same resource as JSON:API, JSONP and the HTML view: three tags, each revalidated.
    let forms = [
        ("/api/person/1", JSONAPI),
        ("/api/person/1?callback=show", "*/*"),
        ("/api/person/1", "text/html"),
    ];
    let mut tags = Vec::new();
    for (path, accept) in forms {
        tags.push(tag(&get_with_accept(&srv, path, accept, &[]).await));
    }
    let distinct: std::collections::HashSet<&String> = tags.iter().collect();
    assert_eq!(distinct.len(), forms.len(), "{tags:?}");
    for ((path, accept), etag) in forms.into_iter().zip(&tags) {
        let res = get_with_accept(&srv, path, accept, &[("If-None-Match", etag)]).await;
        assert_eq!(res.status, 304, "{path} {accept}");
        assert_eq!(res.header("etag"), Some(etag.as_str()));
    }
    // A wrapped error is a 200 without a tag.
    let res = srv
        .request(
            Method::GET,
            "/api/person/99?callback=show",
            &[("Accept", "*/*")],
        )
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("etag"), None);
}

/// A write changes the representation: the old tag no longer matches.
#[actix_web::test]
async fn a_write_changes_the_tag_b3_8() {
    let srv = Server::start_writes(true, false);
    let before = tag(&srv.get("/api/person/1").await);
    let res = srv
        .write(
            Method::PATCH,
            "/api/person/1",
            &json!({"data": {"type": "person", "id": "1", "attributes": {"age": 32}}}),
        )
        .await;
    assert!(res.status == 200 || res.status == 204, "{}", res.body);
    let res = get_with(&srv, "/api/person/1", &[("If-None-Match", &before)]).await;
    assert_eq!(res.status, 200);
    assert_ne!(tag(&res), before);
    let res = get_with(&srv, "/api/person/1", &[("If-Match", &before)]).await;
    assert_eq!(res.status, 412);
}

async fn patch_with(
    srv: &Server,
    path: &str,
    body: &serde_json::Value,
    headers: &[(&str, &str)],
) -> Response {
    write_with(srv, Method::PATCH, path, body, headers).await
}

/// A write of the JSON:API document `body` with `headers` besides the media types.
async fn write_with(
    srv: &Server,
    method: Method,
    path: &str,
    body: &serde_json::Value,
    headers: &[(&str, &str)],
) -> Response {
    let mut all = vec![("Accept", JSONAPI), ("Content-Type", JSONAPI)];
    all.extend_from_slice(headers);
    srv.send(method, path, &all, body.to_string().into_bytes())
        .await
}

fn age(n: i64) -> serde_json::Value {
    json!({"data": {"type": "person", "id": "1", "attributes": {"age": n}}})
}

/// `If-Match` on writes (B3.8–B3.10): the current tag proceeds, a stale one is 412 and nothing
/// is written; a missing target is 404 first; `If-None-Match` naming the current tag is 412.
#[actix_web::test]
async fn writes_check_their_preconditions_b3_8_b3_10() {
    let srv = Server::start_writes(true, true);
    let current = tag(&srv.get("/api/person/1").await);
    let res = patch_with(&srv, "/api/person/1", &age(40), &[("If-Match", &current)]).await;
    assert!(matches!(res.status, 200 | 204), "{}", res.body);
    // The tag is now stale: refused, nothing written.
    let res = patch_with(&srv, "/api/person/1", &age(50), &[("If-Match", &current)]).await;
    assert_eq!(res.status, 412, "{}", res.body);
    assert_eq!(res.json(), precondition_failed());
    let now = srv.get("/api/person/1").await;
    assert_eq!(now.json()["data"]["attributes"]["age"], 40);
    let fresh = tag(&now);
    // A stale tag wins over the document's fields (B3.10), not over what comes before the
    // target lookup (P2.1 steps 3 and 4).
    let bad = json!({"data": {"type": "person", "id": "1", "attributes": {"age": "old"}}});
    let res = patch_with(&srv, "/api/person/1", &bad, &[("If-Match", &current)]).await;
    assert_eq!(res.status, 412, "{}", res.body);
    let alien = json!({"data": {"type": "tag", "id": "1", "attributes": {"age": 1}}});
    let res = patch_with(&srv, "/api/person/1", &alien, &[("If-Match", &current)]).await;
    assert_eq!(res.status, 409, "{}", res.body);
    assert_eq!(res.json()["errors"][0]["code"], "type_conflict");
    // `*` matches any existing resource; a missing one is 404, never 412.
    let res = patch_with(&srv, "/api/person/1", &age(41), &[("If-Match", "*")]).await;
    assert!(matches!(res.status, 200 | 204));
    let missing = json!({"data": {"type": "person", "id": "99", "attributes": {"age": 1}}});
    let res = patch_with(
        &srv,
        "/api/person/99",
        &missing,
        &[("If-Match", "\"0123\"")],
    )
    .await;
    assert_eq!(res.status, 404);
    // If-None-Match naming the current tag (or `*`) refuses a write.
    let current = tag(&srv.get("/api/person/1").await);
    assert_ne!(current, fresh);
    for list in [current.clone(), "*".to_owned()] {
        let res = patch_with(&srv, "/api/person/1", &age(42), &[("If-None-Match", &list)]).await;
        assert_eq!(res.status, 412, "{list}");
    }
    let res = patch_with(
        &srv,
        "/api/person/1",
        &age(42),
        &[("If-None-Match", &fresh)],
    )
    .await;
    assert!(
        matches!(res.status, 200 | 204),
        "an old tag does not match: {}",
        res.body
    );
    // DELETE: a stale tag keeps the resource; the current one deletes it.
    let stale = tag(&srv.get("/api/comment/4").await);
    let res = srv
        .write(
            Method::PATCH,
            "/api/comment/4",
            &json!({"data": {"type": "comment", "id": "4", "attributes": {"content": "Edited"}}}),
        )
        .await;
    assert!(matches!(res.status, 200 | 204), "{}", res.body);
    let res = srv
        .request(
            Method::DELETE,
            "/api/comment/4",
            &[("Accept", JSONAPI), ("If-Match", &stale)],
        )
        .await;
    assert_eq!(res.status, 412);
    assert_eq!(srv.get("/api/comment/4").await.status, 200);
    let comment = tag(&srv.get("/api/comment/4").await);
    let res = srv
        .request(
            Method::DELETE,
            "/api/comment/4",
            &[("Accept", JSONAPI), ("If-Match", &comment)],
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.body);
    assert_eq!(srv.get("/api/comment/4").await.status, 404);
    // Relationship writes compare with the relationship URL's document.
    let url = "/api/article/1/relationships/tags";
    let linkage = tag(&srv.get(url).await);
    let body = json!({"data": [{"type": "tag", "id": "3"}]});
    let res = write_with(&srv, Method::POST, url, &body, &[("If-Match", "\"0123\"")]).await;
    assert_eq!(res.status, 412);
    let res = write_with(&srv, Method::POST, url, &body, &[("If-Match", &linkage)]).await;
    assert_eq!(res.status, 204, "{}", res.body);
    assert_ne!(tag(&srv.get(url).await), linkage);
    // A creation with If-None-Match: * finds the collection there.
    let created = json!({"data": {"type": "tag", "attributes": {"name": "new"}}});
    let res = write_with(
        &srv,
        Method::POST,
        "/api/tag",
        &created,
        &[("If-None-Match", "*")],
    )
    .await;
    assert_eq!(res.status, 412);
}

/// Two writers with the same tag at once: exactly one wins (B3.8).
#[actix_web::test]
async fn of_two_writers_with_one_tag_one_wins_b3_8() {
    let srv = Server::start_writes(true, false);
    for round in 0..5 {
        let current = tag(&srv.get("/api/person/1").await);
        let (first, second) = (age(60 + 2 * round), age(61 + 2 * round));
        let (a, b) = futures_util::future::join(
            patch_with(&srv, "/api/person/1", &first, &[("If-Match", &current)]),
            patch_with(&srv, "/api/person/1", &second, &[("If-Match", &current)]),
        )
        .await;
        let mut statuses = [a.status, b.status];
        statuses.sort_unstable();
        assert!(
            matches!(statuses, [200 | 204, 412]),
            "round {round}: {statuses:?} {} {}",
            a.body,
            b.body
        );
        let winner = if a.status == 412 {
            61 + 2 * round
        } else {
            60 + 2 * round
        };
        let now = srv.get("/api/person/1").await.json();
        assert_eq!(now["data"]["attributes"]["age"], winner, "round {round}");
    }
    // Two creations from one tag of the collection: one of them.
    for round in 0..3 {
        let current = tag(&srv.get("/api/tag").await);
        let tag_named = |name: &str| json!({"data": {"type": "tag", "attributes": {"name": name}}});
        let (first, second) = (
            tag_named(&format!("a{round}")),
            tag_named(&format!("b{round}")),
        );
        let precondition = [("If-Match", current.as_str())];
        let (a, b) = futures_util::future::join(
            write_with(&srv, Method::POST, "/api/tag", &first, &precondition),
            write_with(&srv, Method::POST, "/api/tag", &second, &precondition),
        )
        .await;
        let mut statuses = [a.status, b.status];
        statuses.sort_unstable();
        assert_eq!(statuses, [201, 412], "round {round}: {} {}", a.body, b.body);
    }
}
