//! The HTML view (catalog B1.4, B1.5): the document a JSON:API client would get, shown as a web
//! page for a person at a browser's address bar.
//!
//! The page is written on the server from the JSON:API answer's text: the document
//! pretty-printed with every link clickable, the answer's status and headers, next and previous
//! controls for pages, and a form that builds `include`, `fields`, `sort` and `filter[objects]`.
//! It loads nothing and runs no script; every value is HTML-escaped, and its
//! `Content-Security-Policy` allows nothing but its own inline style.

use std::fmt::Write as _;

use serde_json::Value;

use crate::negotiate::MEDIA_TYPE;
use crate::query::Param;

/// The page's style sheet, inline; [`CONTENT_SECURITY_POLICY`] allows it by its hash.
const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem 1.5rem;color:#1b1b1b;background:#fff}\
h1{font-size:1.15rem;margin:.2rem 0 .6rem;word-break:break-all}\
.status{font-weight:600;margin:.2rem 0}.err{color:#a40e26}\
dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.4rem 0 1rem;font:13px ui-monospace,monospace}\
dt{color:#555}dd{margin:0;word-break:break-all}\
nav{display:flex;gap:.5rem;margin:.6rem 0}nav a,nav span{padding:.25rem .7rem;border:1px solid #bbb;border-radius:4px;text-decoration:none}\
nav span{color:#999;border-color:#ddd}\
form{display:grid;grid-template-columns:max-content 1fr;gap:.35rem .8rem;align-items:center;margin:.6rem 0 1rem;padding:.8rem;background:#f5f6f8;border-radius:6px}\
form input{font:13px ui-monospace,monospace;padding:.25rem}form button{grid-column:2;justify-self:start;padding:.3rem 1rem}\
pre{font:13px/1.4 ui-monospace,monospace;background:#f8f8f8;border:1px solid #e2e2e2;border-radius:6px;padding:.8rem;overflow-x:auto;white-space:pre-wrap;word-break:break-word}\
.k{color:#00627a}.s{color:#067d17}.n{color:#1750eb}.l{color:#8a3ffc}";

/// What a page may load and do: nothing from anywhere, its own inline style only, forms sent
/// to this origin only.
/// [`STYLE`] is allowed by its hash (a unit test checks it).
pub(crate) const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; style-src 'sha256-FiGH+U/5GxP8spt/LJViRKCXFHx0wMVNr0nKYAf2H2s='; \
form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// What a page shows besides the answer: the request, and the form that fits its route.
#[derive(Clone, Debug)]
pub(crate) struct View {
    /// The request path with its mount point, as sent: the form's action.
    path: String,
    /// The request's query parameters, decoded leniently.
    params: Vec<Param>,
    /// `scheme://host[:port]`: strings in the document that start with it are links.
    origin: String,
    /// The query form, on routes that take its parameters.
    form: Option<Form>,
    /// The path of the API's root (E5) and of its OpenAPI description (E1.4), if served.
    home: (String, Option<String>),
}

/// The query form of a route: which inputs it has, and what each holds when the request did
/// not give it: the default includes, every field, no sort, `[]`. The form sends every input
/// (an empty `include` asks for none: `"included": []`).
#[derive(Clone, Debug)]
pub(crate) struct Form {
    /// `include`: the default includes (L1.9), or nothing.
    pub(crate) include: String,
    /// `fields[TYPE]` for the primary data's type, and every field of it.
    pub(crate) fields: Option<(String, String)>,
    /// Whether the route answers a list: `sort` and `filter[objects]` apply.
    pub(crate) list: bool,
}

impl View {
    /// A page for the request to `path` (mount included) with `params`, on `origin`; `home`
    /// is the API root's path and the OpenAPI description's.
    pub(crate) fn new(
        path: String,
        params: Vec<Param>,
        origin: String,
        form: Option<Form>,
        home: (String, Option<String>),
    ) -> Self {
        View {
            path,
            params,
            origin,
            form,
            home,
        }
    }

    /// The page showing the JSON:API answer `document` (its text) with `status` and the
    /// `headers` it would have had.
    pub(crate) fn page(
        &self,
        status: u16,
        headers: &[(&'static str, String)],
        document: &str,
    ) -> String {
        let mut out = String::with_capacity(document.len() * 3 + 4096);
        let parsed: Option<Value> = serde_json::from_str(document).ok();
        let error = status >= 400;
        out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        out.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
        let _ = write!(out, "{status} {} · ", reason(status));
        escape_into(&mut out, &self.path);
        out.push_str("</title>\n<style>");
        out.push_str(STYLE);
        out.push_str("</style>\n</head>\n<body>\n<header>\n<p id=\"home\">");
        link_into(&mut out, &self.home.0, "API root");
        if let Some(openapi) = &self.home.1 {
            out.push_str(" · ");
            link_into(&mut out, openapi, "OpenAPI description");
        }
        out.push_str("</p>\n<h1 id=\"request\">GET ");
        escape_into(&mut out, &self.path);
        // The query as the server decoded it, which is easier to read than its encoding.
        for (i, p) in self.params.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            escape_into(&mut out, &p.name);
            out.push('=');
            escape_into(&mut out, &p.value);
        }
        out.push_str("</h1>\n");
        let _ = writeln!(
            out,
            "<p class=\"status{}\" id=\"status\">HTTP {status} {}</p>",
            if error { " err" } else { "" },
            reason(status)
        );
        out.push_str("<dl id=\"headers\">\n");
        let _ = writeln!(out, "<dt>Content-Type</dt><dd>{MEDIA_TYPE}</dd>");
        for (name, value) in headers {
            if name.eq_ignore_ascii_case("Content-Type") {
                continue;
            }
            out.push_str("<dt>");
            escape_into(&mut out, name);
            out.push_str("</dt><dd>");
            if name.eq_ignore_ascii_case("Location") && is_link(value) {
                link_into(&mut out, value, value);
            } else {
                escape_into(&mut out, value);
            }
            out.push_str("</dd>\n");
        }
        out.push_str("</dl>\n</header>\n");
        if let Some(doc) = &parsed {
            pagination(&mut out, doc);
        }
        if let Some(form) = &self.form {
            self.form_into(&mut out, form);
        }
        out.push_str("<pre id=\"document\">");
        match &parsed {
            Some(_) => pretty(&mut out, document, &self.origin),
            None => escape_into(&mut out, document),
        }
        out.push_str("</pre>\n</body>\n</html>\n");
        out
    }

    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.value.as_str())
    }

    fn form_into(&self, out: &mut String, form: &Form) {
        out.push_str("<form id=\"query\" method=\"get\" action=\"");
        escape_into(out, &self.path);
        out.push_str("\">\n");
        let mut inputs: Vec<(&str, String)> = Vec::with_capacity(4);
        inputs.push((
            "include",
            self.param("include").unwrap_or(&form.include).to_owned(),
        ));
        if let Some((name, all)) = &form.fields {
            inputs.push((name, self.param(name).unwrap_or(all).to_owned()));
        }
        if form.list {
            inputs.push(("sort", self.param("sort").unwrap_or_default().to_owned()));
            inputs.push((
                "filter[objects]",
                self.param("filter[objects]").unwrap_or("[]").to_owned(),
            ));
        }
        // Everything else the request had stays, except its page number or cursor: a new
        // query starts at its first page.
        for p in &self.params {
            let shown = inputs.iter().any(|(n, _)| *n == p.name);
            let page = crate::query::is_page_param(&p.name) && p.name != "page[size]";
            if shown || page {
                continue;
            }
            out.push_str("<input type=\"hidden\" name=\"");
            escape_into(out, &p.name);
            out.push_str("\" value=\"");
            escape_into(out, &p.value);
            out.push_str("\">\n");
        }
        for (name, value) in &inputs {
            out.push_str("<label for=\"");
            escape_into(out, name);
            out.push_str("\">");
            escape_into(out, name);
            out.push_str("</label><input type=\"text\" id=\"");
            escape_into(out, name);
            out.push_str("\" name=\"");
            escape_into(out, name);
            out.push_str("\" value=\"");
            escape_into(out, value);
            out.push_str("\">\n");
        }
        out.push_str("<button type=\"submit\">Apply</button>\n</form>\n");
    }
}

/// The next and previous controls of a paginated document (I3.2): a link for each of `first`,
/// `prev`, `next` and `last` that leads somewhere, a dimmed label for one that does not.
fn pagination(out: &mut String, doc: &Value) {
    let Some(links) = doc.get("links") else {
        return;
    };
    let controls = [
        ("first", "First"),
        ("prev", "Previous"),
        ("next", "Next"),
        ("last", "Last"),
    ];
    if !controls.iter().any(|(rel, _)| links.get(rel).is_some()) {
        return;
    }
    out.push_str("<nav id=\"pages\">");
    for (rel, label) in controls {
        let href = match links.get(rel) {
            Some(Value::String(s)) => Some(s.as_str()),
            Some(Value::Object(o)) => o.get("href").and_then(Value::as_str),
            _ => None,
        };
        match href.filter(|h| is_link(h)) {
            Some(href) => {
                let _ = write!(out, "<a rel=\"{rel}\" id=\"page-{rel}\" href=\"");
                escape_into(out, href);
                let _ = write!(out, "\">{label}</a>");
            }
            None => {
                let _ = write!(out, "<span id=\"page-{rel}\">{label}</span>");
            }
        }
    }
    out.push_str("</nav>\n");
}

/// Whether `s` may be an `href`: an absolute http(s) URL or a path.
fn is_link(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && !s.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// Whether `s` is a URL of the API's own origin: `origin` followed by a path, a query, a
/// fragment or nothing (so that `https://api.example.com.evil.net` is not).
fn is_own(s: &str, origin: &str) -> bool {
    !origin.is_empty()
        && s.strip_prefix(origin)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?', '#']))
}

fn link_into(out: &mut String, href: &str, text: &str) {
    out.push_str("<a href=\"");
    escape_into(out, href);
    out.push_str("\">");
    escape_into(out, text);
    out.push_str("</a>");
}

/// Writes `s` HTML-escaped, for text and attribute values alike.
pub(crate) fn escape_into(out: &mut String, s: &str) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(entity);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

/// The deepest indentation [`pretty`] writes, in levels.
const MAX_INDENT: usize = 32;

/// Where a container sits among JSON:API's links (C3).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// A `links` object: its string members are links.
    Links,
    /// A link object inside one: its `href` is a link.
    Link,
    /// Anywhere else.
    Other,
}

/// One open object or array of [`pretty`].
struct Frame {
    object: bool,
    place: Place,
    /// In an object: the next string is a member name.
    expect_key: bool,
    /// In an object: the member name last seen.
    key: String,
}

/// Writes the JSON text `json` indented, HTML-escaped, in its own order, with member names,
/// strings and other values marked for the style sheet. Strings inside a `links` member and
/// strings that start with `origin` are links. `json` is valid JSON (a document restless
/// wrote); the writer walks it with a stack, so depth costs no recursion.
fn pretty(out: &mut String, json: &str, origin: &str) {
    let bytes = json.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    // Indentation stops growing at some depth, so that the page grows linearly with the
    // document however deep it nests.
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth.min(MAX_INDENT) {
            out.push_str("  ");
        }
    };
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                let next = bytes[i + 1..]
                    .iter()
                    .position(|b| !b" \t\n\r".contains(b))
                    .map(|p| i + 1 + p);
                if next.is_some_and(|n| bytes[n] == close) {
                    out.push(open as char);
                    out.push(close as char);
                    i = next.map_or(bytes.len(), |n| n + 1);
                    continue;
                }
                let object = open == b'{';
                let place = match stack.last() {
                    Some(f) if object && f.object && f.key == "links" => Place::Links,
                    Some(f) if object && f.place == Place::Links => Place::Link,
                    _ => Place::Other,
                };
                out.push(open as char);
                stack.push(Frame {
                    object,
                    place,
                    expect_key: open == b'{',
                    key: String::new(),
                });
                newline(out, stack.len());
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                newline(out, stack.len());
                out.push(bytes[i] as char);
                i += 1;
            }
            b',' => {
                out.push(',');
                if let Some(f) = stack.last_mut() {
                    f.expect_key = f.object;
                }
                newline(out, stack.len());
                i += 1;
            }
            b':' => {
                out.push_str(": ");
                if let Some(f) = stack.last_mut() {
                    f.expect_key = false;
                }
                i += 1;
            }
            b'"' => {
                let end = string_end(bytes, i);
                let raw = &json[i..end];
                let text: String = serde_json::from_str(raw).unwrap_or_default();
                match stack.last_mut() {
                    Some(f) if f.expect_key => {
                        out.push_str("<span class=\"k\">");
                        escape_into(out, raw);
                        out.push_str("</span>");
                        f.key = text;
                    }
                    frame => {
                        // A link of the document (a `links` member, a link object's `href`),
                        // or a URL of the API's own.
                        let link = frame.is_some_and(|f| {
                            f.place == Place::Links || (f.place == Place::Link && f.key == "href")
                        });
                        if (link || is_own(&text, origin)) && is_link(&text) {
                            out.push_str("<a class=\"l\" href=\"");
                            escape_into(out, &text);
                            out.push_str("\">");
                            escape_into(out, raw);
                            out.push_str("</a>");
                        } else {
                            out.push_str("<span class=\"s\">");
                            escape_into(out, raw);
                            out.push_str("</span>");
                        }
                    }
                }
                i = end;
            }
            _ => {
                let start = i;
                while i < bytes.len() && !b",]}: \t\n\r".contains(&bytes[i]) {
                    i += 1;
                }
                out.push_str("<span class=\"n\">");
                escape_into(out, &json[start..i]);
                out.push_str("</span>");
                if i == start {
                    // Not JSON: show the rest as it is rather than loop.
                    escape_into(out, &json[i..]);
                    return;
                }
            }
        }
    }
}

/// The index just past the string that starts at `start` (a `"`).
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The reason phrase of the statuses restless answers.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        401 => "Unauthorized",
        402 => "Payment Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ if status >= 500 => "Server Error",
        _ if status >= 400 => "Client Error",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> View {
        View::new(
            "/api/article".into(),
            vec![Param {
                name: "page[size]".into(),
                value: "2".into(),
            }],
            "http://h".into(),
            Some(Form {
                include: String::new(),
                fields: Some(("fields[article]".into(), "title,author".into())),
                list: true,
            }),
            ("/api".into(), Some("/api/openapi.json".into())),
        )
    }

    #[test]
    fn the_policy_allows_the_style_sheet_by_its_hash() {
        use base64::Engine as _;
        use sha2::Digest as _;
        let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(STYLE));
        let source = format!("style-src 'sha256-{hash}';");
        assert!(CONTENT_SECURITY_POLICY.contains(&source), "{source}");
        assert!(CONTENT_SECURITY_POLICY.starts_with("default-src 'none';"));
    }

    #[test]
    fn escapes_every_special_character() {
        let mut out = String::new();
        escape_into(&mut out, r#"<a href="x" onclick='y'>&</a>"#);
        assert_eq!(
            out,
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn pretty_prints_in_order_with_links_and_text_escaped() {
        let json = r#"{"z":1,"a":{"links":{"self":"http://h/api/a/1","related":{"href":"http://h/api/a/1/b","meta":{"n":"http://elsewhere/y"}}},"title":"<script>alert(1)</script>","url":"http://h/api/b","other":"http://elsewhere/x","e":[],"o":{}}}"#;
        let mut out = String::new();
        pretty(&mut out, json, "http://h");
        let expected = r#"{
  <span class="k">&quot;z&quot;</span>: <span class="n">1</span>,
  <span class="k">&quot;a&quot;</span>: {
    <span class="k">&quot;links&quot;</span>: {
      <span class="k">&quot;self&quot;</span>: <a class="l" href="http://h/api/a/1">&quot;http://h/api/a/1&quot;</a>,
      <span class="k">&quot;related&quot;</span>: {
        <span class="k">&quot;href&quot;</span>: <a class="l" href="http://h/api/a/1/b">&quot;http://h/api/a/1/b&quot;</a>,
        <span class="k">&quot;meta&quot;</span>: {
          <span class="k">&quot;n&quot;</span>: <span class="s">&quot;http://elsewhere/y&quot;</span>
        }
      }
    },
    <span class="k">&quot;title&quot;</span>: <span class="s">&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;</span>,
    <span class="k">&quot;url&quot;</span>: <a class="l" href="http://h/api/b">&quot;http://h/api/b&quot;</a>,
    <span class="k">&quot;other&quot;</span>: <span class="s">&quot;http://elsewhere/x&quot;</span>,
    <span class="k">&quot;e&quot;</span>: [],
    <span class="k">&quot;o&quot;</span>: {}
  }
}"#;
        assert_eq!(out, expected);
    }

    #[test]
    fn only_links_and_the_apis_own_urls_are_anchors() {
        let cases = [
            (r#"{"links":{"self":"javascript:alert(1)"}}"#, false),
            (r#"{"links":{"self":"http://h/ok"}}"#, true),
            (r#"{"links":{"self":"https://other.example/ok"}}"#, true),
            (r#"{"links":{"self":"http://h/a b"}}"#, false),
            (r#"{"a":"http://h.evil.net/x"}"#, false),
            (r#"{"a":"http://h@evil.net/x"}"#, false),
            (r#"{"a":"http://h"}"#, true),
            (r#"{"a":"http://h?x=1"}"#, true),
            (r#"{"a":"/\evil.net"}"#, false),
            (r#"{"a":"//evil.net"}"#, false),
            (r#"{"meta":{"links":[{"self":"http://elsewhere"}]}}"#, false),
        ];
        for (json, anchor) in cases {
            let mut out = String::new();
            pretty(&mut out, json, "http://h");
            assert_eq!(out.contains("<a "), anchor, "{json}: {out}");
        }
    }

    #[test]
    fn deep_documents_need_no_recursion() {
        let depth = 100_000;
        let json = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let mut out = String::new();
        pretty(&mut out, &json, "");
        assert_eq!(out.matches('[').count(), depth);
        assert_eq!(out.matches(']').count(), depth);
        // Indentation is bounded: the page grows linearly.
        assert!(
            out.len() <= json.len() * (2 + 2 * MAX_INDENT),
            "{}",
            out.len()
        );
    }

    #[test]
    fn a_page_shows_status_headers_pages_form_and_document() {
        let doc = r#"{"data":[],"links":{"first":"http://h/api/article?page%5Bnumber%5D=1","last":"http://h/api/article?page%5Bnumber%5D=3","prev":null,"next":"http://h/api/article?page%5Bnumber%5D=2"},"meta":{"total":0}}"#;
        let headers = vec![("Vary", "Accept".to_owned())];
        let page = view().page(200, &headers, doc);
        assert!(page.starts_with("<!DOCTYPE html>\n"));
        assert!(page.contains("<title>200 OK · /api/article</title>"));
        assert!(page.contains(r#"<p id="home"><a href="/api">API root</a> · <a href="/api/openapi.json">OpenAPI description</a></p>"#));
        assert!(page.contains(r#"<h1 id="request">GET /api/article?page[size]=2</h1>"#));
        assert!(page.contains(r#"<p class="status" id="status">HTTP 200 OK</p>"#));
        assert!(page.contains("<dt>Content-Type</dt><dd>application/vnd.api+json</dd>\n<dt>Vary</dt><dd>Accept</dd>\n"));
        assert!(page.contains(concat!(
            r#"<nav id="pages"><a rel="first" id="page-first" href="http://h/api/article?page%5Bnumber%5D=1">First</a>"#,
            r#"<span id="page-prev">Previous</span>"#,
            r#"<a rel="next" id="page-next" href="http://h/api/article?page%5Bnumber%5D=2">Next</a>"#,
            r#"<a rel="last" id="page-last" href="http://h/api/article?page%5Bnumber%5D=3">Last</a></nav>"#
        )));
        assert!(page.contains(concat!(
            "<form id=\"query\" method=\"get\" action=\"/api/article\">\n",
            "<input type=\"hidden\" name=\"page[size]\" value=\"2\">\n",
            "<label for=\"include\">include</label><input type=\"text\" id=\"include\" name=\"include\" value=\"\">\n",
            "<label for=\"fields[article]\">fields[article]</label><input type=\"text\" id=\"fields[article]\" name=\"fields[article]\" value=\"title,author\">\n",
            "<label for=\"sort\">sort</label><input type=\"text\" id=\"sort\" name=\"sort\" value=\"\">\n",
            "<label for=\"filter[objects]\">filter[objects]</label><input type=\"text\" id=\"filter[objects]\" name=\"filter[objects]\" value=\"[]\">\n",
            "<button type=\"submit\">Apply</button>\n</form>\n"
        )));
        assert!(page.ends_with("</pre>\n</body>\n</html>\n"));
    }

    #[test]
    fn an_error_page_is_marked_and_keeps_its_status() {
        let doc = r#"{"errors":[{"status":"404","code":"route_not_found","title":"Route not found","detail":"No endpoint matches /api/<b>."}],"jsonapi":{"version":"1.0"}}"#;
        let page = view().page(404, &[], doc);
        assert!(page.contains("<title>404 Not Found · /api/article</title>"));
        assert!(page.contains(r#"<p class="status err" id="status">HTTP 404 Not Found</p>"#));
        assert!(page.contains("No endpoint matches /api/&lt;b&gt;."));
        assert!(!page.contains("<b>"));
        assert!(!page.contains("<nav id=\"pages\">"));
    }
}
