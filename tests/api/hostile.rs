//! Hostile and odd requests (A3.2, issue 13): every case states the status (and error code) it
//! must answer; every answer is a valid JSON:API document; a refused write changes no table;
//! and the server keeps serving.

use actix_web::http::Method;
use serde_json::Value;

use std::io::{Read as _, Write as _};

use crate::common::{assert_valid_document, Response, Server};

const PATHS: &[&str] = &[
    "/api/person",
    "/api/person/1",
    "/api/person/1/articles",
    "/api/person/1/articles/1",
    "/api/person/1/relationships/articles",
    "/api/article/1/author",
    "/api/article/1/relationships/author",
    "/api/eval/person",
    "/api/person/%FF",
    "/api/person/%00",
    "/api/person/-9223372036854775809",
    "/api/person/99999999999999999999999",
    "/api/person/1%2F2",
    "/api/%2e%2e/person",
    "/api/person/1/articles/%FF",
];

const QUERIES: &[&str] = &[
    "",
    "page%5Bsize%5D=18446744073709551616",
    "page%5Bnumber%5D=99999999999999999999999999",
    "page%5Bsize%5D=%00",
    "sort=%FF",
    "sort=-,-,-",
    "sort=author.author.author.name",
    "include=comments.article.comments.article.comments.article.comments.article",
    "include=%2C%2C%2C",
    "fields%5Bperson%5D=%00",
    "fields%5B%5Bperson%5D%5D=name",
    "filter%5Bobjects%5D=%5B%5B%5B%5B%5D%5D%5D%5D",
    "filter%5Bobjects%5D=%5B%7B%22name%22:%22age%22,%22op%22:%22in%22,%22val%22:%5B%7B%7D%5D%7D%5D",
    "filter%5Bobjects%5D=%5B%7B%22name%22:%22birthday%22,%22op%22:%22gt%22,%22val%22:%229999999-01-01%22%7D%5D",
    "filter%5Bobjects%5D=%5B%7B%22name%22:%22age%22,%22op%22:%22gt%22,%22val%22:1e999%7D%5D",
    "filter%5Bobjects%5D=%5B%7B%22name%22:%22name%22,%22op%22:%22like%22,%22val%22:%22%5C%5C%5C%22%7D%5D",
    "filter%5Bage%5D=1,2,3,,,,",
    "filter%5Bsingle%5D=1&filter%5Bsingle%5D=1",
    "eval_functions=%5B%7B%22name%22:%22avg%22,%22field%22:%22name%22%7D%5D",
    "callback=%E2%80%A8",
    "jsonp_callback=a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h.i",
    "%5B%5D=1",
    "=1",
    "a=%",
    "group_by=id,id,id&ignore_case=1&sort=-id",
    "filter%5Bname%5D=a%00b",
    "filter%5Bobjects%5D=%5B%7B%22name%22:%22name%22,%22op%22:%22like%22,%22val%22:%22%5Cu0000%22%7D%5D",
    "filter%5Bobjects%5D=%5B%7B%22name%22:%22name%22,%22op%22:%22eq%22,%22val%22:%22a%5Cu0000%22%7D%5D",
];

/// `EXPECTED[q]` lists, for each of [`PATHS`] in order, the answer to `GET PATHS[p]?QUERIES[q]`:
/// `200`, or `status:code`. The query is checked before the resource is looked up (B4.1), so
/// a bad query on a missing resource is 400; parameters a route does not take are 400
/// `unsupported_query_parameter` (H1.3); the path that leaves the prefix is no route (E2).
const EXPECTED: [&str; 28] = [
    "200 200 200 200 200 200 200 400:invalid_functions 404:resource_not_found 404:resource_not_found 404:resource_not_found 404:resource_not_found 404:resource_not_found 404:route_not_found 404:related_resource_not_found",
    "400:invalid_page 400:unsupported_query_parameter 400:invalid_page 400:unsupported_query_parameter 400:invalid_page 400:invalid_page 400:invalid_page 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 404:route_not_found 400:unsupported_query_parameter",
    "400:invalid_page 400:unsupported_query_parameter 400:invalid_page 400:unsupported_query_parameter 400:invalid_page 400:invalid_page 400:invalid_page 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 404:route_not_found 400:unsupported_query_parameter",
    "400:invalid_page 400:unsupported_query_parameter 400:invalid_page 400:unsupported_query_parameter 400:invalid_page 400:invalid_page 400:invalid_page 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 404:route_not_found 400:unsupported_query_parameter",
    "400:invalid_query_parameter 400:invalid_query_parameter 400:invalid_query_parameter 400:invalid_query_parameter 400:invalid_query_parameter 400:invalid_query_parameter 400:invalid_query_parameter 400:invalid_query_parameter 400:invalid_query_parameter 400:invalid_query_parameter 400:invalid_query_parameter 400:invalid_query_parameter 400:invalid_query_parameter 404:route_not_found 400:invalid_query_parameter",
    "400:invalid_sort 400:unsupported_query_parameter 400:invalid_sort 400:unsupported_query_parameter 400:invalid_sort 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 404:route_not_found 400:unsupported_query_parameter",
    "400:invalid_sort 400:unsupported_query_parameter 400:invalid_sort 400:unsupported_query_parameter 400:invalid_sort 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 404:route_not_found 400:unsupported_query_parameter",
    "200 200 200 200 400:invalid_include 200 400:invalid_include 400:unsupported_query_parameter 404:resource_not_found 404:resource_not_found 404:resource_not_found 404:resource_not_found 404:resource_not_found 404:route_not_found 404:related_resource_not_found",
    "400:invalid_include 400:invalid_include 400:invalid_include 400:invalid_include 400:invalid_include 400:invalid_include 400:invalid_include 400:unsupported_query_parameter 400:invalid_include 400:invalid_include 400:invalid_include 400:invalid_include 400:invalid_include 404:route_not_found 400:invalid_include",
    "400:invalid_fields 400:invalid_fields 400:invalid_fields 400:invalid_fields 400:invalid_fields 400:invalid_fields 400:invalid_fields 400:unsupported_query_parameter 400:invalid_fields 400:invalid_fields 400:invalid_fields 400:invalid_fields 400:invalid_fields 404:route_not_found 400:invalid_fields",
    "400:invalid_query_parameter 400:invalid_query_parameter 400:invalid_query_parameter 400:invalid_query_parameter 400:invalid_query_parameter 400:invalid_query_parameter 400:invalid_query_parameter 400:invalid_query_parameter 400:invalid_query_parameter 400:invalid_query_parameter 400:invalid_query_parameter 400:invalid_query_parameter 400:invalid_query_parameter 404:route_not_found 400:invalid_query_parameter",
    "400:invalid_filter 400:unsupported_query_parameter 400:invalid_filter 400:unsupported_query_parameter 400:invalid_filter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:invalid_filter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 404:route_not_found 400:unsupported_query_parameter",
    "400:invalid_filter 400:unsupported_query_parameter 400:invalid_filter 400:unsupported_query_parameter 400:invalid_filter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:invalid_filter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 404:route_not_found 400:unsupported_query_parameter",
    "400:invalid_filter 400:unsupported_query_parameter 400:invalid_filter 400:unsupported_query_parameter 400:invalid_filter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:invalid_filter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 404:route_not_found 400:unsupported_query_parameter",
    "400:invalid_filter 400:unsupported_query_parameter 400:invalid_filter 400:unsupported_query_parameter 400:invalid_filter 400:invalid_filter 400:invalid_filter 400:invalid_filter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 404:route_not_found 400:unsupported_query_parameter",
    "400:invalid_filter 400:unsupported_query_parameter 400:invalid_filter 400:unsupported_query_parameter 400:invalid_filter 400:invalid_filter 400:invalid_filter 400:invalid_filter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 404:route_not_found 400:unsupported_query_parameter",
    "400:invalid_filter 400:unsupported_query_parameter 400:invalid_filter 400:unsupported_query_parameter 400:invalid_filter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:invalid_filter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 404:route_not_found 400:unsupported_query_parameter",
    "400:repeated_query_parameter 400:unsupported_query_parameter 400:repeated_query_parameter 400:unsupported_query_parameter 400:repeated_query_parameter 400:repeated_query_parameter 400:repeated_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 404:route_not_found 400:unsupported_query_parameter",
    "400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:invalid_functions 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 404:route_not_found 400:unsupported_query_parameter",
    "400:invalid_callback 400:invalid_callback 400:invalid_callback 400:invalid_callback 400:invalid_callback 400:invalid_callback 400:invalid_callback 400:invalid_callback 400:invalid_callback 400:invalid_callback 400:invalid_callback 400:invalid_callback 400:invalid_callback 404:route_not_found 400:invalid_callback",
    "400:invalid_callback 400:invalid_callback 400:invalid_callback 400:invalid_callback 400:invalid_callback 400:invalid_callback 400:invalid_callback 400:invalid_callback 400:invalid_callback 400:invalid_callback 400:invalid_callback 400:invalid_callback 400:invalid_callback 404:route_not_found 400:invalid_callback",
    "400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 404:route_not_found 400:unknown_query_parameter",
    "400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 404:route_not_found 400:unknown_query_parameter",
    "400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 400:unknown_query_parameter 404:route_not_found 400:unknown_query_parameter",
    "200 400:unsupported_query_parameter 200 400:unsupported_query_parameter 200 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 404:route_not_found 400:unsupported_query_parameter",
    "400:invalid_filter 400:unsupported_query_parameter 400:invalid_filter 400:unsupported_query_parameter 400:invalid_filter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:invalid_filter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 404:route_not_found 400:unsupported_query_parameter",
    "400:invalid_filter 400:unsupported_query_parameter 400:invalid_filter 400:unsupported_query_parameter 400:invalid_filter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:invalid_filter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 404:route_not_found 400:unsupported_query_parameter",
    "400:invalid_filter 400:unsupported_query_parameter 400:invalid_filter 400:unsupported_query_parameter 400:invalid_filter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:invalid_filter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 400:unsupported_query_parameter 404:route_not_found 400:unsupported_query_parameter",
];

/// Checks an answer against `want` (`status` or `status:code`) and the JSON:API schema; a
/// JSONP answer (always 200, T1.4) is checked inside its callback.
fn check(res: &Response, want: &str, what: &str) {
    let (status, code) = match want.split_once(':') {
        Some((status, code)) => (status, Some(code)),
        None => (want, None),
    };
    assert_eq!(res.status.to_string(), status, "{what}: {}", res.body);
    if res.body.is_empty() {
        assert!(
            res.status == 204 || what.starts_with("HEAD"),
            "{what}: an empty {}",
            res.status
        );
        return;
    }
    let text = match res.body.strip_prefix("cb(") {
        Some(wrapped) => wrapped.strip_suffix(')').unwrap_or(wrapped),
        None => res.body.as_str(),
    };
    let doc: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_valid_document(&doc);
    if let Some(code) = code {
        let codes: Vec<&str> = doc["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("{what}: no errors: {}", res.body))
            .iter()
            .map(|e| e["code"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(codes[0], code, "{what}: {}", res.body);
    }
}

#[actix_web::test]
async fn hostile_reads_answer_as_stated_a3_2() {
    let srv = Server::start();
    let mut seen = 0;
    for (query, row) in QUERIES.iter().zip(EXPECTED) {
        let wants: Vec<&str> = row.split(' ').collect();
        assert_eq!(wants.len(), PATHS.len(), "{query}");
        for (path, want) in PATHS.iter().zip(wants) {
            let url = if query.is_empty() {
                (*path).to_owned()
            } else {
                format!("{path}?{query}")
            };
            check(&srv.get(&url).await, want, &url);
            seen += 1;
        }
    }
    assert_eq!(seen, PATHS.len() * QUERIES.len());
    assert_eq!(srv.get("/api/person/1").await.status, 200);
}

/// Write bodies, odd and hostile.
const BODIES: [&[u8]; 14] = [
    b"",
    b"null",
    b"\"data\"",
    b"{\"data\":{\"type\":\"person\",\"attributes\":{\"name\":\"\\u0000\",\"age\":9223372036854775807}}}",
    b"{\"data\":{\"type\":\"person\",\"attributes\":{\"name\":\"x\",\"birthday\":\"0000-00-00\"}}}",
    b"{\"data\":{\"type\":\"person\",\"attributes\":{\"name\":\"y\",\"created_at\":\"9999-12-31T23:59:59.999999999-23:59\"}}}",
    b"{\"data\":{\"type\":\"person\",\"attributes\":{\"name\":\"z\"},\"relationships\":{\"articles\":{\"data\":[{\"type\":\"article\",\"id\":\"\"}]}}}}",
    b"{\"data\":{\"type\":\"person\",\"id\":\"1\",\"attributes\":{\"name\":[1,2,3]}}}",
    b"{\"data\":{\"type\":\"article\",\"id\":\"1\",\"relationships\":{\"tags\":{\"data\":[{\"type\":\"tag\",\"id\":\"1\"},{\"type\":\"tag\",\"id\":\"1\"}]}}}}",
    b"{\"data\":[{\"type\":\"tag\",\"id\":\"1\"}]}",
    b"\xEF\xBB\xBF{}",
    b"{\"data\":{\"type\":\"person\",\"attributes\":{\"name\":\"a\\u0000b\"}}}",
    b"{\"data\":[{\"type\":\"article\",\"id\":\"99\"},{\"type\":\"article\",\"id\":\"x\"}]}",
    &[b'['; 10_000],
];

/// `WRITES[b]` lists, for each of these endpoints in order, the answer to body `BODIES[b]`:
/// `POST /api/person`, `PATCH /api/person/1`, then `POST`, `PATCH` and `DELETE` of
/// `/api/person/1/relationships/articles`, and `PATCH /api/article/1/relationships/author`.
const WRITE_ENDPOINTS: [(Method, &str); 6] = [
    (Method::POST, "/api/person"),
    (Method::PATCH, "/api/person/1"),
    (Method::POST, "/api/person/1/relationships/articles"),
    (Method::PATCH, "/api/person/1/relationships/articles"),
    (Method::DELETE, "/api/person/1/relationships/articles"),
    (Method::PATCH, "/api/article/1/relationships/author"),
];

const WRITES: [&str; 14] = [
    // No body (O1.1), `null` and a string (O1.2).
    "400:missing_body 400:missing_body 400:missing_body 400:missing_body 400:missing_body 400:missing_body",
    "400:invalid_document 400:invalid_document 400:invalid_document 400:invalid_document 400:invalid_document 400:invalid_document",
    "400:invalid_document 400:invalid_document 400:invalid_document 400:invalid_document 400:invalid_document 400:invalid_document",
    // Bad attribute values are checked on creation (G); the update names no id (P1.1).
    "400:invalid_attribute_value 400:invalid_document 400:invalid_document 400:invalid_document 400:invalid_document 400:invalid_document",
    "400:invalid_attribute_value 400:invalid_document 400:invalid_document 400:invalid_document 400:invalid_document 400:invalid_document",
    "400:invalid_attribute_value 400:invalid_document 400:invalid_document 400:invalid_document 400:invalid_document 400:invalid_document",
    // Linkage to an empty id: no such article (O5).
    "404:resource_not_found 400:invalid_document 400:invalid_document 400:invalid_document 400:invalid_document 400:invalid_document",
    // A client id without the option (O4); a list as a name; a to-one set to the author it
    // already has.
    "403:client_id_forbidden 400:invalid_attribute_value 400:invalid_document 400:invalid_document 400:invalid_document 204",
    // An article where a person is expected (O5.4).
    "409:type_conflict 409:type_conflict 400:invalid_document 400:invalid_document 400:invalid_document 409:type_conflict",
    // An array of tags: no resource object; tags where articles are expected.
    "400:invalid_document 400:invalid_document 409:type_conflict 409:type_conflict 409:type_conflict 400:invalid_document",
    // A byte order mark before the JSON (B4.1 step 6).
    "400:invalid_json 400:invalid_json 400:invalid_json 400:invalid_json 400:invalid_json 400:invalid_json",
    // NUL inside a text value.
    "400:invalid_attribute_value 400:invalid_document 400:invalid_document 400:invalid_document 400:invalid_document 400:invalid_document",
    // Unknown and malformed article ids.
    "400:invalid_document 400:invalid_document 404:resource_not_found 404:resource_not_found 404:resource_not_found 400:invalid_document",
    // 10,000 nested arrays.
    "400:invalid_json 400:invalid_json 400:invalid_json 400:invalid_json 400:invalid_json 400:invalid_json",
];

/// Every type's resources with their linkage: what a write can change.
async fn snapshot(srv: &Server) -> Vec<Value> {
    let mut all = Vec::new();
    for t in ["person", "article", "comment", "tag"] {
        let res = srv.get(&format!("/api/{t}?page%5Bsize%5D=100")).await;
        assert_eq!(res.status, 200, "{}", res.body);
        all.push(res.json()["data"].clone());
    }
    all
}

#[actix_web::test]
async fn hostile_writes_answer_as_stated_and_refused_ones_change_nothing_a3_1() {
    let srv = Server::start_writes(true, true);
    let headers = [
        ("Content-Type", "application/vnd.api+json"),
        ("Accept", "application/vnd.api+json"),
    ];
    let mut before = snapshot(&srv).await;
    for (body, row) in BODIES.iter().zip(WRITES) {
        let wants: Vec<&str> = row.split(' ').collect();
        assert_eq!(wants.len(), WRITE_ENDPOINTS.len());
        for ((method, path), want) in WRITE_ENDPOINTS.iter().zip(wants) {
            let what = format!(
                "{method} {path} {}",
                String::from_utf8_lossy(&body[..body.len().min(80)])
            );
            let res = srv
                .send(method.clone(), path, &headers, body.to_vec())
                .await;
            check(&res, want, &what);
            let after = snapshot(&srv).await;
            if res.status >= 400 {
                assert_eq!(after, before, "{what}: a refused write changed a table");
            }
            before = after;
        }
    }
}

/// Every route kind of E1.1 with every method, on the read-only catalog (GET only, V2): GET and
/// HEAD answer, OPTIONS says what is allowed, anything else is 405 (E3); outside the routes,
/// 404 whatever the method (E2).
#[actix_web::test]
async fn every_route_kind_and_method_e1_1() {
    let srv = Server::start();
    let routes = [
        ("/api", true),
        ("/api/person", true),
        ("/api/person/1", true),
        ("/api/article/1/author", true),
        ("/api/person/1/articles", true),
        ("/api/person/1/articles/1", true),
        ("/api/article/1/relationships/author", true),
        ("/api/person/1/relationships/articles", true),
        ("/api/eval/person?functions=%5B%7B%22name%22%3A%22count%22%2C%22field%22%3A%22id%22%7D%5D", true),
        ("/api/", false),
        ("/api/person/1/articles/1/x", false),
        ("/api/%zz", false),
    ];
    let methods = [
        "GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE", "TRACE", "CONNECT",
    ];
    for (route, exists) in routes {
        for m in methods {
            let method = Method::from_bytes(m.as_bytes()).unwrap();
            let res = srv
                .send(
                    method,
                    route,
                    &[("Accept", "application/vnd.api+json")],
                    Vec::new(),
                )
                .await;
            let want = match (exists, m) {
                (false, "HEAD") => "404",
                (false, _) => "404:route_not_found",
                (true, "GET" | "HEAD") => "200",
                (true, "OPTIONS") => "204",
                (true, _) => "405:method_not_allowed",
            };
            check(&res, want, &format!("{m} {route}"));
            if m == "HEAD" {
                assert!(res.body.is_empty(), "HEAD {route}: a body");
            }
            // What is allowed, on OPTIONS and on 405 (E3).
            if exists && (m == "OPTIONS" || res.status == 405) {
                let allow = res
                    .header("allow")
                    .unwrap_or_else(|| panic!("{m} {route}: no Allow"));
                assert!(
                    allow.contains("GET") && !allow.contains("POST"),
                    "{m} {route}: {allow}"
                );
            }
        }
    }
}

/// FR's and the spec's names of one parameter (D4.1): either alone, never both.
#[actix_web::test]
async fn both_parameter_spellings_d4_1() {
    let srv = Server::start();
    let count = "%5B%7B%22name%22%3A%22count%22%2C%22field%22%3A%22id%22%7D%5D";
    let cases = [
        ("/api/person?group=age".to_owned(), "200"),
        ("/api/person?group_by=age".to_owned(), "200"),
        (
            "/api/person?group=age&group_by=age".to_owned(),
            "400:repeated_query_parameter",
        ),
        ("/api/person?ignorecase=1".to_owned(), "200"),
        ("/api/person?ignore_case=1".to_owned(), "200"),
        (
            "/api/person?ignorecase=1&ignore_case=0".to_owned(),
            "400:repeated_query_parameter",
        ),
        (format!("/api/eval/person?functions={count}"), "200"),
        (format!("/api/eval/person?eval_functions={count}"), "200"),
        (
            format!("/api/eval/person?functions={count}&eval_functions={count}"),
            "400:repeated_query_parameter",
        ),
        ("/api/person?callback=cb".to_owned(), "200"),
        ("/api/person?jsonp_callback=cb".to_owned(), "200"),
        // The error, wrapped like any answer (T1.4).
        (
            "/api/person?callback=cb&jsonp_callback=cb".to_owned(),
            "200:repeated_query_parameter",
        ),
    ];
    for (path, want) in cases {
        check(&srv.get(&path).await, want, &path);
    }
}

/// Text and UUID keys (E4.1): one canonical id each; anything else is no resource.
#[actix_web::test]
async fn text_and_uuid_keys_e4_1() {
    let cases = [
        ("/api/product/0b7e6a8e-1c1f-4d4e-9a2b-3c4d5e6f7a81", "200"),
        (
            "/api/product/0B7E6A8E-1C1F-4D4E-9A2B-3C4D5E6F7A81",
            "404:resource_not_found",
        ),
        (
            "/api/product/0b7e6a8e1c1f4d4e9a2b3c4d5e6f7a81",
            "404:resource_not_found",
        ),
        ("/api/product/not-a-uuid", "404:resource_not_found"),
        ("/api/product/%FF", "404:resource_not_found"),
        (
            "/api/product/0b7e6a8e-1c1f-4d4e-9a2b-3c4d5e6f7a81%00",
            "404:resource_not_found",
        ),
    ];
    let srv = crate::shop::start();
    for (path, want) in cases {
        check(&srv.get(path).await, want, path);
    }
    drop(srv);
    let cases = [
        ("/api/note/a%22b", "200"),
        ("/api/note/A%22B", "404:resource_not_found"),
        ("/api/note/c%2Fd%20e", "200"),
        // An id, then a relationship name (E1.1).
        ("/api/note/c/d%20e", "404:relationship_not_found"),
        ("/api/note/%FF", "404:resource_not_found"),
        ("/api/note/plain%00", "404:resource_not_found"),
        ("/api/note/", "404:route_not_found"),
    ];
    let srv = crate::writers::start_notes(false);
    for (path, want) in cases {
        check(&srv.get(path).await, want, path);
    }
}

/// A raw HTTP/1.1 exchange with the server (for what a client library will not send).
fn raw(srv: &Server, request: &[u8]) -> (u16, String) {
    let origin = srv.origin();
    let address = origin.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).expect("the server");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    // The server may answer and close before it has read everything.
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {answer}"));
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// Bodies beyond the limit, chunked or not, are 413 with nothing written (A3.5); a chunked
/// body within it is read like any other; what the HTTP server itself refuses (a huge head, a
/// path that is not UTF-8) is a 4xx, and the server goes on.
#[actix_web::test]
async fn oversized_chunked_and_refused_requests_a3_2_a3_5() {
    let srv = Server::start_writes(true, true);
    let before = snapshot(&srv).await;
    let name = "x".repeat((1 << 20) + 1);
    let big = format!(r#"{{"data":{{"type":"person","attributes":{{"name":"{name}"}}}}}}"#);
    let res = srv
        .send(
            Method::POST,
            "/api/person",
            &[("Content-Type", "application/vnd.api+json")],
            big.clone().into_bytes(),
        )
        .await;
    check(&res, "413:payload_too_large", "POST 1 MiB + 1");
    let chunked = |body: &str| {
        let mut request = b"POST /api/person HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/vnd.api+json\r\nAccept: application/vnd.api+json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
        for piece in body.as_bytes().chunks(4096) {
            request.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
            request.extend_from_slice(piece);
            request.extend_from_slice(b"\r\n");
        }
        request.extend_from_slice(b"0\r\n\r\n");
        request
    };
    let (status, body) = raw(&srv, &chunked(&big));
    assert_eq!(status, 413, "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["errors"][0]["code"],
        "payload_too_large"
    );
    assert_eq!(
        snapshot(&srv).await,
        before,
        "an oversized body wrote something"
    );
    let (status, body) = raw(
        &srv,
        &chunked(r#"{"data":{"type":"person","attributes":{"name":"Chunky"}}}"#),
    );
    assert_eq!(status, 201, "{body}");
    let doc: Value = serde_json::from_str(&body).unwrap();
    assert_valid_document(&doc);
    assert_eq!(doc["data"]["attributes"]["name"], "Chunky");
    // Refused by the HTTP server before restless sees them: only the status is restless's
    // concern to leave alone.
    let huge_head = format!(
        "GET /api/person HTTP/1.1\r\nHost: localhost\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
        "y".repeat(128 << 10)
    );
    let (status, _) = raw(&srv, huge_head.as_bytes());
    assert!((400..500).contains(&status), "a huge head: {status}");
    let (status, _) = raw(
        &srv,
        b"GET /api/person/\xff\xfe HTTP/1.1\r\nHost: localhost\r\nAccept: application/vnd.api+json\r\nConnection: close\r\n\r\n",
    );
    assert!(
        (400..500).contains(&status),
        "a path that is not UTF-8: {status}"
    );
    assert_eq!(srv.get("/api/person/1").await.status, 200);
}
