//! Generated requests: query strings and documents built at random from the API's own
//! vocabulary (names, operators, values, separators) and from noise. Whatever arrives, the
//! answer is below 500 and, when it is JSON, a valid JSON:API document (A3.2, C1.1).
//!
//! The generator is seeded, so a failure names the request and repeats on every run. For a
//! longer hunt, `RESTLESS_FUZZ_SEED` and `RESTLESS_FUZZ_CASES` (cases per test) override the
//! defaults, e.g. `RESTLESS_FUZZ_SEED=7 RESTLESS_FUZZ_CASES=20000 cargo test --test api fuzz`.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::common::{assert_valid_document, Server};

/// A small xorshift generator: deterministic, no dependencies.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T: ?Sized>(&mut self, items: &[&'a T]) -> &'a T {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const FIELDS: &[&str] = &[
    "id",
    "name",
    "age",
    "birthday",
    "created_at",
    "title",
    "body",
    "author",
    "articles",
    "comments",
    "tags",
    "article",
    "author.name",
    "article.author.age",
    "bogus",
    "",
    "-name",
    "name.",
    ".",
    "ID",
    "author.articles",
];
const OPS: &[&str] = &[
    "eq",
    "==",
    "ne",
    "!=",
    "gt",
    ">",
    "ge",
    "lt",
    "le",
    "<=",
    "in",
    "not_in",
    "like",
    "ilike",
    "not_like",
    "is_null",
    "is_not_null",
    "has",
    "any",
    "my_gt",
    "<<",
    "match",
    "bogus",
    "",
];
const TEXT: &[&str] = &[
    "0",
    "1",
    "-1",
    "2",
    "31",
    "1.5",
    "1e3",
    "99999999999999999999",
    "-9223372036854775808",
    "NaN",
    "Alice",
    "%",
    "_",
    "\\",
    "'",
    "\"",
    "%25",
    "%FF",
    "%00",
    "\u{0}",
    "\u{2028}",
    "é",
    "😀",
    "1990-01-01",
    "1990-13-45",
    "2024-02-29T12:00:00+14:00",
    "CURRENT_TIMESTAMP",
    "now",
    "null",
    "true",
    "[]",
    "{}",
    "' OR 1=1 --",
    "\"; DROP TABLE person; --",
    "a,b",
    ",",
    ".",
    "-",
    "+",
    " ",
    "person",
    "article",
];
const PARAMS: &[&str] = &[
    "sort",
    "include",
    "fields[person]",
    "fields[article]",
    "fields[comment]",
    "fields[]",
    "filter[objects]",
    "filter[name]",
    "filter[age]",
    "filter[author.name]",
    "filter[single]",
    "page[number]",
    "page[size]",
    "page[offset]",
    "group_by",
    "ignore_case",
    "callback",
    "eval_functions",
    "q",
    "",
];
const PATHS: &[&str] = &[
    "/api/person",
    "/api/person/1",
    "/api/person/2/articles",
    "/api/person/1/relationships/articles",
    "/api/article",
    "/api/article/1/author",
    "/api/article/1/relationships/tags",
    "/api/comment",
    "/api/tag",
    "/api/eval/person",
    "/api/eval/article",
];

fn json_value(rng: &mut Rng, depth: u32) -> Value {
    match rng.below(if depth > 2 { 6 } else { 9 }) {
        0 => Value::Null,
        1 => json!(rng.chance(50)),
        2 => json!(rng.next() as i64 >> rng.below(64)),
        3 => json!((rng.next() as f64) / 1e9),
        4 | 5 => json!(rng.pick(TEXT)),
        6 => Value::Array(
            (0..rng.below(4))
                .map(|_| json_value(rng, depth + 1))
                .collect(),
        ),
        7 => filter(rng, depth + 1),
        _ => json!({ rng.pick(FIELDS): json_value(rng, depth + 1) }),
    }
}

/// One filter object, usually well formed, sometimes not.
fn filter(rng: &mut Rng, depth: u32) -> Value {
    if depth < 3 && rng.chance(20) {
        let key = rng.pick(&["and", "or", "not"]);
        let inner: Vec<Value> = (0..1 + rng.below(3))
            .map(|_| filter(rng, depth + 1))
            .collect();
        return if key == "not" {
            json!({ key: inner[0] })
        } else {
            json!({ key: inner })
        };
    }
    let mut f = json!({"name": rng.pick(FIELDS), "op": rng.pick(OPS)});
    match rng.below(5) {
        0 => {}
        1 => f["field"] = json!(rng.pick(FIELDS)),
        _ => f["val"] = json_value(rng, depth + 1),
    }
    if rng.chance(5) {
        f[rng.pick(FIELDS)] = json_value(rng, depth + 1);
    }
    f
}

/// A query parameter value: a filter array, an eval list, or a run of tokens.
fn param_value(rng: &mut Rng, name: &str) -> String {
    match name {
        "filter[objects]" if rng.chance(80) => {
            Value::Array((0..rng.below(4)).map(|_| filter(rng, 0)).collect()).to_string()
        }
        "eval_functions" if rng.chance(80) => {
            let f = rng.pick(&["count", "avg", "sum", "min", "max", "bogus", ""]);
            json!([{"name": f, "field": rng.pick(FIELDS)}]).to_string()
        }
        _ => {
            let mut out = String::new();
            for _ in 0..rng.below(5) {
                let token = if rng.chance(50) {
                    rng.pick(FIELDS)
                } else {
                    rng.pick(TEXT)
                };
                out.push_str(token);
                if rng.chance(40) {
                    out.push(',');
                }
            }
            out
        }
    }
}

/// Percent-encodes only what a URI cannot carry, leaving `[`, `]`, `,`, `%` and the like raw.
fn loose(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~,:[]()!*$'@/?%=&+".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The generator for one test: its own default seed unless `RESTLESS_FUZZ_SEED` is set, and
/// the number of cases.
fn setup(default_seed: u64, default_cases: usize) -> (Rng, usize) {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    let seed = env("RESTLESS_FUZZ_SEED").map_or(default_seed, |s| s ^ default_seed);
    let cases = env("RESTLESS_FUZZ_CASES").map_or(default_cases, |n| n as usize);
    // Zero is xorshift's one fixed point.
    (Rng(seed.max(1)), cases)
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[actix_web::test]
async fn generated_reads_never_fail_the_server_a3_2() {
    let srv = Server::start();
    let (mut rng, cases) = setup(0x5eed_1234_abcd_0001, 600);
    let mut statuses = std::collections::BTreeMap::new();
    for _ in 0..cases {
        let path = rng.pick(PATHS);
        let mut pairs = Vec::new();
        for _ in 0..rng.below(5) {
            let name = rng.pick(PARAMS);
            let value = param_value(&mut rng, name);
            // Now and then the raw form, unencoded, as a careless client sends it.
            pairs.push(if rng.chance(10) {
                format!("{}={}", loose(name), loose(&value))
            } else {
                format!("{}={}", encode(name), encode(&value))
            });
        }
        let url = format!("{path}?{}", pairs.join("&"));
        let res = srv.get(&url).await;
        assert!(res.status < 500, "{url}: {} {}", res.status, res.body);
        *statuses.entry(res.status).or_insert(0) += 1;
        if res.body.starts_with('{') {
            assert_valid_document(&res.json());
        }
    }
    // The generator keeps reaching the database, not only the parsers.
    let ok = statuses.range(200..300).map(|(_, n)| n).sum::<u32>();
    assert!(ok >= cases as u32 / 10, "{statuses:?}");
    assert_eq!(srv.get("/api/person/1").await.status, 200);
}

/// Mutates one member somewhere inside `doc`: replaced by a random value, or removed.
fn mutate(rng: &mut Rng, doc: &mut Value) {
    let descend = rng.chance(70);
    match doc {
        Value::Object(map) if !map.is_empty() => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = keys[rng.below(keys.len())].clone();
            let nested = map[&key].is_object() || map[&key].is_array();
            if descend && nested {
                if let Some(inner) = map.get_mut(&key) {
                    mutate(rng, inner);
                }
            } else if rng.chance(30) {
                map.remove(&key);
            } else {
                map.insert(key, json_value(rng, 1));
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let i = rng.below(items.len());
            if descend {
                mutate(rng, &mut items[i]);
            } else {
                items[i] = json_value(rng, 1);
            }
        }
        other => *other = json_value(rng, 1),
    }
}

#[actix_web::test]
async fn generated_documents_never_fail_the_server_a3_2() {
    let srv = Server::start_writes(true, true);
    let (mut rng, cases) = setup(0x5eed_1234_abcd_0002, 300);
    let mut statuses = std::collections::BTreeMap::new();
    let valid = [
        (
            Method::POST,
            "/api/person",
            json!({"data": {"type": "person", "attributes": {"name": "Zed", "age": 40, "birthday": "1984-05-06"},
                "relationships": {"articles": {"data": [{"type": "article", "id": "1"}]}}}}),
        ),
        (
            Method::PATCH,
            "/api/article/1",
            json!({"data": {"type": "article", "id": "1", "attributes": {"title": "New"},
                "relationships": {"author": {"data": {"type": "person", "id": "2"}},
                    "tags": {"data": [{"type": "tag", "id": "1"}, {"type": "tag", "id": "2"}]}}}}),
        ),
        (
            Method::PATCH,
            "/api/article/2/relationships/tags",
            json!({"data": [{"type": "tag", "id": "1"}, {"type": "tag", "id": "3"}]}),
        ),
        (
            Method::POST,
            "/api/person/1/relationships/articles",
            json!({"data": [{"type": "article", "id": "2"}]}),
        ),
        (
            Method::DELETE,
            "/api/article/1/relationships/tags",
            json!({"data": [{"type": "tag", "id": "2"}]}),
        ),
        (
            Method::PATCH,
            "/api/comment/1/relationships/article",
            json!({"data": {"type": "article", "id": "2"}}),
        ),
    ];
    let headers = [("Content-Type", "application/vnd.api+json")];
    for _ in 0..cases {
        let (method, path, doc) = &valid[rng.below(valid.len())];
        let mut doc = doc.clone();
        for _ in 0..rng.below(4) {
            mutate(&mut rng, &mut doc);
        }
        let method = if rng.chance(10) {
            [Method::POST, Method::PATCH, Method::DELETE][rng.below(3)].clone()
        } else {
            method.clone()
        };
        let body = doc.to_string();
        let res = srv
            .send(method.clone(), path, &headers, body.clone().into_bytes())
            .await;
        *statuses.entry(res.status).or_insert(0) += 1;
        assert!(
            res.status < 500,
            "{method} {path} {body}: {} {}",
            res.status,
            res.body
        );
        if res.body.starts_with('{') {
            assert_valid_document(&res.json());
        }
    }
    // The generator keeps reaching the database, not only the parsers.
    let ok = statuses.range(200..300).map(|(_, n)| n).sum::<u32>();
    assert!(ok >= cases as u32 / 10, "{statuses:?}");
    assert_eq!(srv.get("/api/person").await.status, 200);
}
