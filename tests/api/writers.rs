//! The two ways a document is written: straight from the rows (reads with no post-hook,
//! serialization hook or computed attribute) and as a `Document` (what post-hooks see). A
//! post-hook that changes nothing sends a read down the second way: every response must be
//! the same, status, headers and document.

use restless::hook::Hooks;
use restless::PostKind;
use serde_json::Value;

use crate::common::{Response, Server};
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
