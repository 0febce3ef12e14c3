//! The two ways a document is written: straight from the rows (reads with no post-hook,
//! serialization hook or computed attribute) and as a `Document` (what post-hooks see). A
//! post-hook that changes nothing sends a read down the second way: every response must be
//! the same, status, headers and document.

#![allow(
    clippy::await_holding_lock,
    reason = "the test holds the write database's lock while it runs"
)]
#![allow(missing_docs, reason = "diesel's table! generates undocumented items")]

use diesel::connection::SimpleConnection;
use diesel::r2d2::R2D2Connection;
use restless::core::Database;
use restless::hook::Hooks;
use restless::{JsonApiResource, PostKind};
use serde_json::{json, Value};

use crate::common::{serve_schema, test_pool, write_url, Response, Server};
use crate::db::Custom;

/// The headers a read's answer carries besides the body.
const HEADERS: [&str; 4] = ["content-type", "link", "vary", "x-content-type-options"];

fn document(res: &Response, jsonp: bool) -> Value {
    let text = if jsonp {
        res.body
            .strip_prefix("cb(")
            .and_then(|b| b.strip_suffix(')'))
            .unwrap_or_else(|| panic!("not wrapped: {}", res.body))
    } else {
        res.body.as_str()
    };
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {}", res.body))
}

#[actix_web::test]
async fn both_writers_answer_alike_b3_4_i3_1_l1_6_t1_5() {
    let mut hooks = Hooks::default();
    for kind in PostKind::ALL {
        hooks.post(kind, |_| Ok(()));
    }
    let hooked = Server::start_custom(
        false,
        Custom {
            hooks,
            ..Custom::default()
        },
    );
    let direct = Server::start_custom(false, Custom::default());
    for path in [
        "/api/person",
        "/api/person/1",
        "/api/article?include=author,comments&page%5Bsize%5D=2&page%5Bnumber%5D=2",
        "/api/person/1?include=articles.tags,comments&fields%5Barticle%5D=title,tags",
        "/api/person?fields%5Bperson%5D=&sort=-age",
        "/api/comment?include=author,article.author",
        "/api/article/1/author",
        "/api/article/1/comments?include=author",
        "/api/article/1/relationships/tags?include=tags",
        "/api/person/1/relationships/articles?page%5Bsize%5D=1",
        "/api/person/1?jsonp_callback=cb",
        "/api/article?page%5Bsize%5D=1&jsonp_callback=cb",
    ] {
        let (a, b) = (direct.get(path).await, hooked.get(path).await);
        assert_eq!(a.status, 200, "{path}: {}", a.body);
        assert_eq!(a.status, b.status, "{path}");
        for name in HEADERS {
            assert_eq!(a.header(name), b.header(name), "{path}: {name}");
        }
        let jsonp = path.contains("jsonp_callback");
        let doc = document(&a, jsonp);
        assert!(doc["data"].is_object() || doc["data"].is_array() || doc["data"].is_null());
        assert_eq!(doc, document(&b, jsonp), "{path}");
    }
}

diesel::table! {
    note (code) {
        code -> Text,
        body -> Text,
        parent -> Nullable<Text>,
    }
}

#[derive(JsonApiResource)]
#[diesel(table_name = note)]
#[jsonapi(primary_key = "code")]
#[allow(dead_code, reason = "described to restless, never read")]
struct Note {
    code: String,
    body: String,
    #[jsonapi(to_one = "parent", target = Note)]
    parent: Option<String>,
}

/// Keys and text that JSON must escape (quotes, backslashes, control characters, at every
/// offset of an eight-byte word) and URLs must percent-encode.
const NOTES: [(&str, &str, Option<&str>); 3] = [
    (
        "a\"b",
        "say \"hi\"\\ then\nnew line\ttab \u{1} \u{1f} é € 😀 </script>",
        None,
    ),
    ("c/d e", "0123456\"89abcdef\\", Some("a\"b")),
    (
        "plain",
        "no escapes at all, more than eight bytes long",
        Some("c/d e"),
    ),
];

fn serve_notes<C: Database + R2D2Connection + SimpleConnection>(
    url: &str,
    ddl: &str,
    lock: std::sync::MutexGuard<'static, ()>,
    hooked: bool,
    mysql: bool,
) -> Server {
    let mut setup = vec!["DROP TABLE IF EXISTS note".to_owned(), ddl.to_owned()];
    for (code, body, parent) in NOTES {
        // MariaDB's string literals take backslash escapes; the others' do not.
        let quote = |s: &str| match mysql {
            true => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''")),
            false => format!("'{}'", s.replace('\'', "''")),
        };
        setup.push(format!(
            "INSERT INTO note (code, body, parent) VALUES ({}, {}, {})",
            quote(code),
            quote(body),
            parent.map_or("NULL".into(), quote)
        ));
    }
    let setup: Vec<&str> = setup.iter().map(String::as_str).collect();
    serve_schema(test_pool::<C>(url), &setup, lock, |m| {
        let m = m.resource::<Note>();
        match hooked {
            true => m.post(PostKind::GetCollection, |_| Ok(())),
            false => m,
        }
    })
}

pub(crate) fn start_notes(hooked: bool) -> Server {
    let lock = Server::lock_writes();
    let url = write_url();
    #[cfg(feature = "postgres")]
    if url.starts_with("postgres") {
        let ddl = "CREATE TABLE note (code TEXT PRIMARY KEY, body TEXT NOT NULL, parent TEXT NULL)";
        return serve_notes::<diesel::PgConnection>(url, ddl, lock, hooked, false);
    }
    #[cfg(feature = "mysql")]
    if url.starts_with("mysql") {
        let ddl = "CREATE TABLE note (code VARCHAR(20) PRIMARY KEY, body TEXT NOT NULL,
            parent VARCHAR(20) NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
        return serve_notes::<diesel::MysqlConnection>(url, ddl, lock, hooked, true);
    }
    let ddl = "CREATE TABLE note (code TEXT PRIMARY KEY, body TEXT NOT NULL, parent TEXT NULL)";
    serve_notes::<diesel::SqliteConnection>(url, ddl, lock, hooked, false)
}

#[actix_web::test]
async fn escaped_text_and_keys_are_written_alike_c5_1_f1_2() {
    let path = "/api/note";
    let expected: Vec<Value> = NOTES
        .iter()
        .map(|(code, body, parent)| {
            let url = format!(
                "http://localhost:8080/api/note/{}",
                restless::core::url::encode_segment(code)
            );
            json!({
                "type": "note",
                "id": code,
                "attributes": {"body": body},
                "relationships": {"parent": {
                    "links": {"self": format!("{url}/relationships/parent"),
                        "related": format!("{url}/parent")},
                    "data": parent.map(|p| json!({"type": "note", "id": p})),
                }},
                "links": {"self": url},
            })
        })
        .collect();
    let direct = start_notes(false).get(path).await;
    assert_eq!(direct.status, 200, "{}", direct.body);
    let doc = document(&direct, false);
    assert_eq!(doc["data"], Value::Array(expected), "{}", direct.body);
    // Escaped as serde_json escapes: short escapes, other control characters as lowercase
    // `\u00xx`, nothing else (not `/`, not non-ASCII).
    assert!(
        direct.body.contains(
            r#""body":"say \"hi\"\\ then\nnew line\ttab \u0001 \u001f é € 😀 </script>""#
        ),
        "{}",
        direct.body
    );
    assert!(direct.body.contains(r#""id":"a\"b""#), "{}", direct.body);
    assert!(
        direct
            .body
            .contains("/api/note/c%2Fd%20e/relationships/parent"),
        "{}",
        direct.body
    );
    let hooked = start_notes(true).get(path).await;
    assert_eq!(hooked.status, 200, "{}", hooked.body);
    assert_eq!(doc, document(&hooked, false));
}
