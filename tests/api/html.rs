//! The HTML view (B1.4, B1.5): a browser's `GET` gets the document it would have had as a web
//! page; every other request keeps JSON:API's answer exactly.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::common::{html_text, write_url, Response, Server, HTML_POLICY};
use crate::db::{self, Options};

/// What a browser's address bar sends.
const BROWSER: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const JSONAPI: &str = "application/vnd.api+json";

/// The blog on the read database with the HTML view on, links from the request.
fn start() -> Server {
    start_with(true)
}

fn start_with(html_view: bool) -> Server {
    let api = Server::blog(Options {
        html_view,
        ..Options::served(false, false)
    });
    Server::serve_scope(move || api.scope(), None)
}

fn assert_page(res: &Response, what: &str) {
    assert_eq!(
        res.header("content-type"),
        Some("text/html; charset=utf-8"),
        "{what}"
    );
    assert_eq!(res.header("vary"), Some("Accept"), "{what}");
    assert_eq!(res.header("content-security-policy"), Some(HTML_POLICY));
    assert_eq!(res.header("x-content-type-options"), Some("nosniff"));
}

/// Reads on every kind of route, and errors: the page shows the status, the headers and the
/// document of the JSON:API answer, whole.
#[actix_web::test]
async fn the_page_shows_the_same_answer_b1_4() {
    let srv = start();
    let paths = [
        "/api",
        "/api/article?page%5Bsize%5D=2&include=author,comments&sort=-title",
        "/api/article?filter%5Bobjects%5D=%5B%7B%22name%22%3A%22title%22%2C%22op%22%3A%22like%22%2C%22val%22%3A%22%25o%25%22%7D%5D&fields%5Barticle%5D=title",
        "/api/person/1?include=articles",
        "/api/article/1/author",
        "/api/person/1/articles?page%5Bsize%5D=1&page%5Bnumber%5D=2",
        "/api/person/1/articles/1",
        "/api/article/1/relationships/tags?include=tags",
        "/api/eval/person?functions=%5B%7B%22name%22%3A%22count%22%2C%22field%22%3A%22id%22%7D%5D",
        // Errors: a route miss, a missing resource, bad queries, an unknown relationship.
        "/api/bogus",
        "/api/person/99",
        "/api/person?sort=nope",
        "/api/person?include=nope",
        "/api/person/1/relationships/nope",
    ];
    for path in paths {
        let page = srv.request(Method::GET, path, &[("Accept", BROWSER)]).await;
        let json = srv.request(Method::GET, path, &[("Accept", JSONAPI)]).await;
        assert_page(&page, path);
        assert_eq!(json.header("content-type"), Some(JSONAPI), "{path}");
        assert_eq!(page.status, json.status, "{path}: the same status");
        assert_eq!(
            page.html_document(),
            json.json(),
            "{path}: the same document"
        );
        for header in ["link", "allow", "retry-after"] {
            assert_eq!(page.header(header), json.header(header), "{path}: {header}");
        }
        let status_line = format!(
            "<p class=\"status{}\" id=\"status\">HTTP {} ",
            if json.status >= 400 { " err" } else { "" },
            json.status
        );
        assert!(page.body.contains(&status_line), "{path}: {status_line}");
        // HEAD: the same headers, no body.
        let head = srv
            .request(Method::HEAD, path, &[("Accept", BROWSER)])
            .await;
        assert_eq!(head.status, page.status, "{path}");
        assert_page(&head, path);
        assert!(head.body.is_empty());
        assert_eq!(
            head.header("content-length"),
            Some(page.body.len().to_string().as_str()),
            "{path}: HEAD announces the page GET sends (B5.1)"
        );
    }
}

/// Who gets the page (B1.4, B1.5): a range `text/html` above 0 and no range naming JSON:API's
/// media type; reads only. Everyone else gets B1.2's answer exactly.
#[actix_web::test]
async fn only_browsers_get_the_page_b1_5() {
    let srv = start();
    let page = [
        BROWSER,
        "text/html",
        "text/html;q=0.1, application/json",
        "TEXT/HTML",
        "text/html, application/*",
    ];
    for accept in page {
        let res = srv
            .request(Method::GET, "/api/person/1", &[("Accept", accept)])
            .await;
        assert_eq!(res.status, 200, "{accept}");
        assert_page(&res, accept);
    }
    // (Accept, status of the JSON:API answer)
    let jsonapi = [
        ("text/html, application/vnd.api+json", 200),
        ("application/vnd.api+json, text/html;q=0.9", 200),
        ("*/*", 200),
        ("", 200),
        ("text/html;q=0, */*", 200),
        ("text/html;q=0", 406),
        ("text/html, application/vnd.api+json;q=0", 406),
        ("text/html, application/vnd.api+json; ext=bulk", 406),
        ("application/json", 406),
    ];
    for (accept, status) in jsonapi {
        let res = srv
            .request(Method::GET, "/api/person/1", &[("Accept", accept)])
            .await;
        assert_eq!(res.status, status, "{accept:?}");
        assert_eq!(res.header("content-type"), Some(JSONAPI), "{accept:?}");
        assert_eq!(res.header("content-security-policy"), None);
    }
    // No Accept header at all: JSON:API.
    let res = srv.request(Method::GET, "/api/person/1", &[]).await;
    assert_eq!(res.header("content-type"), Some(JSONAPI));
    // Writes never get a page: B2 and B1.2 answer as always.
    let res = srv
        .request(Method::POST, "/api/person", &[("Accept", BROWSER)])
        .await;
    assert_eq!(res.status, 415, "a POST without Content-Type (B2)");
    assert_eq!(res.header("content-type"), Some(JSONAPI));
    let res = srv
        .request(Method::DELETE, "/api/person/1", &[("Accept", "text/html")])
        .await;
    assert_eq!(res.header("content-type"), Some(JSONAPI));
    // OPTIONS keeps B5.2.
    let res = srv
        .request(Method::OPTIONS, "/api/person/1", &[("Accept", BROWSER)])
        .await;
    assert_eq!(res.status, 204);
    assert_eq!(res.header("content-type"), None);
    // The OpenAPI description is not a JSON:API route: JSON whatever the Accept (E1.4).
    let res = srv
        .send_unchecked(
            Method::GET,
            "/api/openapi.json",
            &[("Accept", BROWSER)],
            vec![],
        )
        .await;
    assert_eq!(res.header("content-type"), Some("application/json"));

    // With the option off, a browser gets JSON:API (its `*/*` allows it) and `text/html`
    // alone is 406 (B1.2).
    let off = Server::start();
    let res = off
        .request(Method::GET, "/api/person/1", &[("Accept", BROWSER)])
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type"), Some(JSONAPI));
    let res = off
        .request(Method::GET, "/api/person/1", &[("Accept", "text/html")])
        .await;
    assert_eq!(res.status, 406);
    assert_eq!(res.header("content-type"), Some(JSONAPI));
}

/// Every link of the document is an anchor to that URL, the pages are next/previous
/// controls, and the form holds the request's query (or values that ask for the same).
#[actix_web::test]
async fn links_pages_and_form_b1_4() {
    let srv = start();
    let origin = srv.origin();
    let path = "/api/article?page%5Bsize%5D=1&page%5Bnumber%5D=2&sort=-title&include=author";
    let res = srv.request(Method::GET, path, &[("Accept", BROWSER)]).await;
    assert_eq!(res.status, 200);
    let doc = res.html_document();
    let mut links = Vec::new();
    collect_links(&doc, false, &mut links);
    assert!(links.len() > 10, "{links:?}");
    for link in &links {
        let anchor = format!("<a class=\"l\" href=\"{}\">", escape(link));
        assert!(res.body.contains(&anchor), "{anchor}");
    }
    let nav = between(&res.body, "<nav id=\"pages\">", "</nav>");
    let control = |rel: &str, label: &str| match doc["links"][rel].as_str() {
        Some(href) => format!(
            "<a rel=\"{rel}\" id=\"page-{rel}\" href=\"{}\">{label}</a>",
            escape(href)
        ),
        None => format!("<span id=\"page-{rel}\">{label}</span>"),
    };
    let expected = [
        control("first", "First"),
        control("prev", "Previous"),
        control("next", "Next"),
        control("last", "Last"),
    ]
    .concat();
    assert_eq!(nav, expected);
    assert!(doc["links"]["prev"].is_string() && doc["links"]["next"].is_string());
    assert!(doc["links"]["first"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{origin}/api/article?")));

    let form = between(
        &res.body,
        "<form id=\"query\" method=\"get\" action=\"/api/article\">\n",
        "</form>",
    );
    let fields = "title,body,rating,published_at,author,comments,tags";
    let expected = format!(
        "<input type=\"hidden\" name=\"page[size]\" value=\"1\">\n\
         <label for=\"include\">include</label><input type=\"text\" id=\"include\" name=\"include\" value=\"author\">\n\
         <label for=\"fields[article]\">fields[article]</label><input type=\"text\" id=\"fields[article]\" name=\"fields[article]\" value=\"{fields}\">\n\
         <label for=\"sort\">sort</label><input type=\"text\" id=\"sort\" name=\"sort\" value=\"-title\">\n\
         <label for=\"filter[objects]\">filter[objects]</label><input type=\"text\" id=\"filter[objects]\" name=\"filter[objects]\" value=\"[]\">\n\
         <button type=\"submit\">Apply</button>\n"
    );
    assert_eq!(form, expected);
    // What the form sends as it stands asks for the same data (page 1 of the same query).
    let submitted = format!(
        "/api/article?page%5Bsize%5D=1&include=author&fields%5Barticle%5D={}&sort=-title&filter%5Bobjects%5D=%5B%5D",
        fields.replace(',', "%2C")
    );
    let first = srv.get(&submitted).await;
    let plain = srv
        .get("/api/article?page%5Bsize%5D=1&sort=-title&include=author")
        .await;
    assert_eq!(first.status, 200);
    assert_eq!(first.json()["data"], plain.json()["data"]);
    assert_eq!(first.json()["included"], plain.json()["included"]);
    assert_eq!(first.json()["meta"], plain.json()["meta"]);

    // A single resource's form has include and fields; a relationship's has no fields.
    let res = srv
        .request(Method::GET, "/api/person/1", &[("Accept", BROWSER)])
        .await;
    let form = between(
        &res.body,
        "<form id=\"query\" method=\"get\" action=\"/api/person/1\">\n",
        "</form>",
    );
    assert!(form.contains("name=\"include\""));
    assert!(form.contains("name=\"fields[person]\""));
    assert!(!form.contains("name=\"sort\""));
    let res = srv
        .request(
            Method::GET,
            "/api/article/1/relationships/tags",
            &[("Accept", BROWSER)],
        )
        .await;
    let form = between(
        &res.body,
        "action=\"/api/article/1/relationships/tags\">\n",
        "</form>",
    );
    assert!(form.contains("name=\"sort\"") && !form.contains("name=\"fields["));
    // The root, eval and errors on unknown routes have no form.
    for path in ["/api", "/api/bogus"] {
        let res = srv.request(Method::GET, path, &[("Accept", BROWSER)]).await;
        assert!(!res.body.contains("<form"), "{path}");
    }
    // The header leads to the root and the description.
    assert!(res.body.contains(
        "<p id=\"home\"><a href=\"/api\">API root</a> · <a href=\"/api/openapi.json\">OpenAPI description</a></p>"
    ));
}

/// Markup in values is shown as text: every value is escaped, nothing runs.
#[actix_web::test]
async fn markup_in_values_is_text_b1_4() {
    let lock = Server::lock_writes();
    let api = db::open(
        write_url(),
        Options {
            seed: true,
            reset: true,
            writes: true,
            html_view: true,
            ..Options::default()
        },
        2,
    )
    .expect("the write database");
    let srv = Server::serve_scope(move || api.scope(), Some(lock));
    let title = "<script>alert(\"x\")</script>";
    let body = "<img src=x onerror='alert(1)'> & </pre>";
    let res = srv
        .write(
            Method::POST,
            "/api/article",
            &json!({"data": {"type": "article", "attributes": {"title": title, "body": body},
                "relationships": {"author": {"data": {"type": "person", "id": "1"}}}}}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.body);
    let id = res.json()["data"]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/article/{id}");
    let page = srv
        .request(Method::GET, &path, &[("Accept", BROWSER)])
        .await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("<script"), "{}", page.body);
    assert!(!page.body.contains("<img"));
    assert!(page
        .body
        .contains("&lt;script&gt;alert(\\&quot;x\\&quot;)&lt;/script&gt;"));
    assert!(page
        .body
        .contains("&lt;img src=x onerror=&#39;alert(1)&#39;&gt; &amp; &lt;/pre&gt;"));
    assert_eq!(page.html_document()["data"]["attributes"]["title"], title);
    assert_eq!(page.html_document()["data"]["attributes"]["body"], body);
    // A query value in the page's heading and form is escaped too.
    let path = format!("/api/article/{id}?include=%3Cb%3E");
    let page = srv
        .request(Method::GET, &path, &[("Accept", BROWSER)])
        .await;
    assert_eq!(page.status, 400);
    assert!(!page.body.contains("<b>"));
    assert!(page.body.contains("value=\"&lt;b&gt;\""));
}

/// With JSONP on, the page shows the document itself, not wrapped and without
/// `meta.status`, with its own status.
#[actix_web::test]
async fn the_page_ignores_the_callback_b1_4_t1() {
    let srv = start();
    for (path, plain) in [
        ("/api/person/1?callback=show", "/api/person/1"),
        ("/api/person/99?jsonp_callback=show", "/api/person/99"),
    ] {
        let page = srv.request(Method::GET, path, &[("Accept", BROWSER)]).await;
        let json = srv.get(plain).await;
        assert_page(&page, path);
        assert_eq!(page.status, json.status);
        let mut expected = json.json();
        if let Some(links) = expected.get_mut("links") {
            links["self"] = json!(format!("{}{path}", srv.origin()));
        }
        assert_eq!(page.html_document(), expected, "{path}");
    }
}

/// The description names the page beside every JSON:API answer of a `GET`, and only when the
/// option is on.
#[actix_web::test]
async fn the_description_declares_the_page_e1_4() {
    let on = start();
    let off = start_with(false);
    let describe = |srv: Server| async move {
        srv.send_unchecked(Method::GET, "/api/openapi.json", &[], vec![])
            .await
            .json()
    };
    let on = describe(on).await;
    let off = describe(off).await;
    let mut pages = 0;
    for (template, item) in on["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, response) in op["responses"].as_object().unwrap() {
                let page = &response["content"]["text/html"];
                // Never under 406: a request the page answers does not name JSON:API; 304
                // has no body at all.
                assert_eq!(
                    !page.is_null(),
                    method == "get" && status != "406" && status != "304",
                    "{method} {template} {status}"
                );
                pages += usize::from(!page.is_null());
                let plain = &off["paths"][template][method]["responses"][status]["content"];
                assert!(plain["text/html"].is_null());
                // Every other answer is described as before (a write's 200 is JSONP's only).
                assert_eq!(
                    plain.as_object().map(|c| c.len()),
                    response["content"]
                        .as_object()
                        .map(|c| c.len() - usize::from(!page.is_null())),
                    "{method} {template} {status}"
                );
            }
        }
    }
    assert!(pages > 50, "{pages}");
}

fn collect_links(value: &Value, in_links: bool, out: &mut Vec<String>) {
    match value {
        Value::String(s) if in_links => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| collect_links(v, in_links, out)),
        Value::Object(members) => {
            for (name, v) in members {
                collect_links(v, in_links || name == "links", out);
            }
        }
        _ => {}
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The text between the first `start` and the next `end`.
fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let from = body
        .find(start)
        .unwrap_or_else(|| panic!("{start} not in {body}"))
        + start.len();
    let to = body[from..].find(end).expect("end") + from;
    &body[from..to]
}

#[test]
fn html_text_reads_what_the_view_writes() {
    assert_eq!(
        html_text("<span class=\"s\">&quot;&lt;b&gt; &amp;amp; &#39;&quot;</span>"),
        "\"<b> &amp; '\""
    );
}
