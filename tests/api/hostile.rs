//! Hostile and odd requests: each answers a JSON:API error document (or a valid document) with
//! a 4xx or 2xx status, never a 5xx, and the server keeps serving (A3.2).

use actix_web::http::Method;

use crate::common::Server;

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

#[actix_web::test]
async fn hostile_reads_never_fail_the_server_a3_2() {
    let srv = Server::start();
    let mut seen = 0;
    for path in PATHS {
        for query in QUERIES {
            let url = if query.is_empty() {
                (*path).to_owned()
            } else {
                format!("{path}?{query}")
            };
            let res = srv.get(&url).await;
            assert!(res.status < 500, "{url}: {} {}", res.status, res.body);
            seen += 1;
        }
    }
    assert_eq!(seen, PATHS.len() * QUERIES.len());
    assert_eq!(srv.get("/api/person/1").await.status, 200);
}

#[actix_web::test]
async fn hostile_bodies_never_fail_the_server_a3_2() {
    let srv = Server::start_writes(true, true);
    let bodies: &[&[u8]] = &[
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
        b"{\"data\":{\"type\":\"person\",\"attributes\":{\"name\":\"\xF0\x9F\x98\x80\"}}}",
        &[b'['; 10_000],
    ];
    let paths = [
        "/api/person",
        "/api/person/1",
        "/api/article/1",
        "/api/person/1/relationships/articles",
        "/api/article/1/relationships/author",
    ];
    let headers = [("Content-Type", "application/vnd.api+json")];
    for body in bodies {
        for path in paths {
            for method in [Method::POST, Method::PATCH, Method::DELETE] {
                let res = srv
                    .send(method.clone(), path, &headers, body.to_vec())
                    .await;
                assert!(
                    res.status < 500,
                    "{method} {path} {}: {} {}",
                    String::from_utf8_lossy(body),
                    res.status,
                    res.body
                );
            }
        }
    }
    assert_eq!(srv.get("/api/person").await.status, 200);
}
