//! Cursor pagination (I6): walks forwards and backwards visit every row once, in the order
//! page numbers give, under every sort, with NULLs and ties; rows written between two requests
//! do not shift a walk; bad cursors are 400; counting can be turned off (I6.5).

use std::collections::HashSet;
use std::sync::Arc;

use actix_web::http::Method;
use restless::{Count, ResourceConfig};
use serde_json::{json, Value};

use crate::common::{error_doc, ids, query, Server};
use crate::db::Custom;

/// Where the write tests' links point.
const ORIGIN: &str = "http://localhost:8080";
/// Rows a walk pages through: fixture F's four articles and these.
const ADDED: usize = 246;
/// A page size that does not divide the rows.
const SIZE: usize = 7;

/// Titles with ties, case and non-ASCII letters (J1.6, J1.8).
const TITLES: [&str; 9] = [
    "alpha", "Alpha", "beta", "Beta", "gamma", "delta", "Zeta", "ébène", "éBÈNE",
];

/// An article of the walk's data set: ties and NULLs in every sorted field.
fn article(i: usize) -> Value {
    // Ties, and doubles that need all 17 digits to come back (1/3, 2/3, ...).
    let rating = match i % 5 {
        0 => Value::Null,
        r => json!(f64::from(u32::try_from((i * 7) % 10 + r % 2).unwrap()) / 3.0),
    };
    let published = match i % 3 {
        0 => Value::Null,
        _ => json!(format!("2024-01-{:02}T10:{:02}:00", 1 + i % 27, i % 4)),
    };
    let author = match i % 4 {
        0 => Value::Null,
        a => json!({"type": "person", "id": a.to_string()}),
    };
    json!({"data": {"type": "article", "attributes": {
        "title": TITLES[i % TITLES.len()], "rating": rating, "published_at": published},
        "relationships": {"author": {"data": author}}}})
}

async fn add_articles(srv: &Server, range: std::ops::Range<usize>) {
    for i in range {
        let res = srv.write(Method::POST, "/api/article", &article(i)).await;
        assert_eq!(res.status, 201, "{}", res.body);
    }
}

/// The path and query of one of the document's links.
fn path_of(link: &str) -> String {
    link.strip_prefix(ORIGIN)
        .unwrap_or_else(|| panic!("{link} is not under {ORIGIN}"))
        .to_owned()
}

fn with(base: &str, page: &str) -> String {
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}{page}")
}

/// The ids in the order pages by number show them.
async fn by_number(srv: &Server, base: &str) -> Vec<String> {
    let mut all = Vec::new();
    for n in 1.. {
        let res = srv
            .get(&with(
                base,
                &format!("page%5Bsize%5D=100&page%5Bnumber%5D={n}"),
            ))
            .await;
        assert_eq!(res.status, 200, "{}", res.body);
        let page = ids(&res.json());
        if page.is_empty() {
            break;
        }
        all.extend(page);
    }
    all
}

/// Every id a walk by cursor visits, in the request's order: forwards from `page[after]=`
/// along `next`, or backwards from `page[before]=` along `prev`.
async fn walk(srv: &Server, base: &str, forwards: bool) -> Vec<String> {
    let (start, onward) = match forwards {
        true => ("page%5Bafter%5D=", "next"),
        false => ("page%5Bbefore%5D=", "prev"),
    };
    let mut url = with(base, &format!("{start}&page%5Bsize%5D={SIZE}"));
    let mut pages: Vec<Vec<String>> = Vec::new();
    loop {
        let res = srv.get(&url).await;
        assert_eq!(res.status, 200, "{url}: {}", res.body);
        let doc = res.json();
        let page = ids(&doc);
        assert!(
            !page.is_empty(),
            "{url}: a walk never ends on an empty page"
        );
        assert!(page.len() <= SIZE, "{url}");
        let links = &doc["links"];
        let path = base.split('?').next().unwrap();
        for (rel, end) in [("first", "page%5Bafter%5D="), ("last", "page%5Bbefore%5D=")] {
            let link = path_of(links[rel].as_str().unwrap());
            assert!(link.starts_with(&format!("{path}?")), "{link}");
            assert!(
                link.ends_with(&format!("{end}&page%5Bsize%5D={SIZE}")),
                "{rel}: {link}"
            );
        }
        assert!(doc["meta"]["total"].is_i64(), "counted");
        // The way back from the first page of a walk leads nowhere.
        let back = if forwards { "prev" } else { "next" };
        if pages.is_empty() {
            assert!(links[back].is_null(), "{url}: {back}");
        } else {
            assert!(links[back].is_string(), "{url}: {back}");
        }
        // The `Link` header lists the same links (B3.4).
        let header: Vec<String> = ["first", "last", "prev", "next"]
            .iter()
            .filter_map(|rel| Some(format!("<{}>; rel=\"{rel}\"", links[*rel].as_str()?)))
            .collect();
        assert_eq!(res.header("link"), Some(header.join(", ").as_str()));
        pages.push(page);
        match links[onward].as_str() {
            Some(link) => url = path_of(link),
            None => break,
        }
        assert!(pages.len() < 100, "{url}: the walk does not end");
    }
    if !forwards {
        pages.reverse();
    }
    pages.concat()
}

async fn assert_walks(srv: &Server, base: &str) {
    let expected = by_number(srv, base).await;
    let forwards = walk(srv, base, true).await;
    assert_eq!(forwards, expected, "{base}: forwards");
    let backwards = walk(srv, base, false).await;
    assert_eq!(backwards, expected, "{base}: backwards");
    let unique: HashSet<&String> = forwards.iter().collect();
    assert_eq!(unique.len(), forwards.len(), "{base}: each row once");
}

#[actix_web::test]
async fn walks_visit_every_row_once_in_page_order_i6_3_i6_4() {
    let srv = Server::start_writes(true, false);
    add_articles(&srv, 0..ADDED).await;
    let all = by_number(&srv, "/api/article").await;
    assert_eq!(all.len(), 4 + ADDED);
    for sort in [
        "",
        "title",
        "-title",
        "rating",
        "-rating",
        "-published_at,title",
        "rating,-published_at",
        "author.name",
        "-author.name,rating",
        "-id",
    ] {
        let base = if sort.is_empty() {
            "/api/article".to_owned()
        } else {
            format!("/api/article{}", query(&[("sort", sort)]))
        };
        assert_walks(&srv, &base).await;
    }
    // Text folded (J1.8), a filter, grouping, and shaping parameters kept in every link.
    let folded = format!(
        "/api/article{}",
        query(&[("sort", "title"), ("ignore_case", "1")])
    );
    assert_walks(&srv, &folded).await;
    let filtered = format!(
        "/api/article{}",
        query(&[
            (
                "filter[objects]",
                r#"[{"name":"rating","op":"is_not_null"}]"#
            ),
            ("sort", "-rating"),
            ("include", "author"),
            ("fields[article]", "title,rating,author"),
        ])
    );
    assert_walks(&srv, &filtered).await;
    let grouped = format!(
        "/api/article{}",
        query(&[("group_by", "title"), ("sort", "-title")])
    );
    assert_walks(&srv, &grouped).await;
    // To-many related resources and relationship URLs page alike (I5.1).
    assert_walks(&srv, "/api/person/1/articles?sort=-rating").await;
    assert_walks(&srv, "/api/person/2/relationships/articles?sort=title").await;

    // Shaping applies to cursor pages as to any other.
    let res = srv
        .get(&with(
            &filtered,
            &format!("page%5Bafter%5D=&page%5Bsize%5D={SIZE}"),
        ))
        .await;
    let doc = res.json();
    assert_eq!(doc["data"][0]["attributes"].as_object().unwrap().len(), 2);
    assert!(doc["included"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["type"] == "person"));
}

/// Rows written between two requests of a walk do not shift it: every row that stayed is
/// visited once, rows written behind the cursor are not, rows written ahead are.
#[actix_web::test]
async fn writes_between_requests_do_not_shift_a_walk_i6_3() {
    let srv = Server::start_writes(true, false);
    add_articles(&srv, 0..40).await;
    let base = "/api/article?sort=title";
    let before: Vec<String> = by_number(&srv, base).await;
    let mut seen: Vec<String> = Vec::new();
    let mut url = with(base, "page%5Bafter%5D=&page%5Bsize%5D=5");
    let mut requests = 0;
    let (mut early, mut late) = (String::new(), String::new());
    loop {
        let doc = srv.get(&url).await.json();
        seen.extend(ids(&doc));
        requests += 1;
        if requests == 3 {
            // One row sorts before every title seen so far, one after all of them; one row
            // already seen and one not yet seen are deleted.
            let created =
                |title: &str| json!({"data": {"type": "article", "attributes": {"title": title}}});
            let res = srv
                .write(Method::POST, "/api/article", &created("AAA first"))
                .await;
            early = res.json()["data"]["id"].as_str().unwrap().to_owned();
            let res = srv
                .write(Method::POST, "/api/article", &created("zzz last"))
                .await;
            late = res.json()["data"]["id"].as_str().unwrap().to_owned();
            for gone in [&before[1], &before[30]] {
                let res = srv
                    .request(
                        Method::DELETE,
                        &format!("/api/article/{gone}"),
                        &[("Accept", "application/vnd.api+json")],
                    )
                    .await;
                assert_eq!(res.status, 204, "{}", res.body);
            }
        }
        match doc["links"]["next"].as_str() {
            Some(link) => url = path_of(link),
            None => break,
        }
        assert!(requests < 50, "{url}: the walk does not end");
    }
    // The first three pages as they were, then every row that now follows the last of them.
    let now = by_number(&srv, base).await;
    let at = now.iter().position(|id| *id == before[14]).unwrap();
    let mut expected: Vec<String> = before[..15].to_vec();
    expected.extend(now[at + 1..].iter().cloned());
    assert_eq!(seen, expected, "stayed rows once, in order");
    assert!(seen.contains(&late), "the row written ahead is visited");
    assert!(!seen.contains(&early), "the row written behind is not");
    assert!(!seen.contains(&before[30]), "the row deleted ahead is not");
}

#[actix_web::test]
async fn bad_cursors_are_400_i6_1_i6_2() {
    let srv = Server::start_writes(true, false);
    let first = srv
        .get("/api/article?sort=title&page%5Bafter%5D=&page%5Bsize%5D=2")
        .await
        .json();
    let next = path_of(first["links"]["next"].as_str().unwrap());
    // The whole first page: page 1's rows, the count, and the four links of I6.4.
    let numbered = srv
        .get("/api/article?sort=title&page%5Bsize%5D=2")
        .await
        .json();
    let base = format!("{ORIGIN}/api/article?sort=title&");
    assert_eq!(
        first,
        json!({"data": numbered["data"], "meta": {"total": 4}, "jsonapi": {"version": "1.0"},
            "links": {
                "self": format!("{base}page%5Bafter%5D=&page%5Bsize%5D=2"),
                "first": format!("{base}page%5Bafter%5D=&page%5Bsize%5D=2"),
                "last": format!("{base}page%5Bbefore%5D=&page%5Bsize%5D=2"),
                "prev": null,
                "next": format!("{ORIGIN}{next}")}})
    );
    let cursor = next
        .split('&')
        .find_map(|p| p.strip_prefix("page%5Bafter%5D="))
        .unwrap()
        .to_owned();
    let invalid = |parameter: &str, detail: &str| {
        error_doc(json!({"status": "400", "code": "invalid_page",
            "title": "Invalid pagination parameter", "detail": detail,
            "source": {"parameter": parameter}}))
    };
    let not_a_cursor = |name: &str| format!("{name} is not a valid cursor for this request.");
    let mut tampered = cursor.clone().into_bytes();
    let at = tampered.len() / 2;
    tampered[at] = if tampered[at] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    for (path, parameter) in [
        // Not a cursor, tampered with, or made for another sort, direction of it, type or route.
        (
            "/api/article?page%5Bafter%5D=bogus".to_owned(),
            "page[after]",
        ),
        (
            format!("/api/article?sort=title&page%5Bafter%5D={tampered}"),
            "page[after]",
        ),
        (
            format!("/api/article?sort=-title&page%5Bafter%5D={cursor}"),
            "page[after]",
        ),
        (
            format!("/api/article?sort=title&ignore_case=1&page%5Bbefore%5D={cursor}"),
            "page[before]",
        ),
        (
            format!("/api/article?page%5Bafter%5D={cursor}"),
            "page[after]",
        ),
        (
            format!("/api/person?sort=name&page%5Bafter%5D={cursor}"),
            "page[after]",
        ),
        (
            format!("/api/person/1/articles?sort=title&page%5Bafter%5D={cursor}"),
            "page[after]",
        ),
    ] {
        let res = srv.get(&path).await;
        assert_eq!(res.status, 400, "{path}");
        assert_eq!(
            res.json(),
            invalid(parameter, &not_a_cursor(parameter)),
            "{path}"
        );
    }
    // The cursor works where it was made.
    assert_eq!(srv.get(&next).await.status, 200);
    // A related URL's cursor is not its relationship URL's (I6.2); another owner's related
    // URL is the same route, where the cursor is a position in the same order.
    let related = srv
        .get("/api/person/1/articles?page%5Bafter%5D=&page%5Bsize%5D=1")
        .await
        .json();
    let onward = path_of(related["links"]["next"].as_str().unwrap());
    let own = onward
        .split('&')
        .find_map(|p| p.split("page%5Bafter%5D=").nth(1))
        .unwrap()
        .to_owned();
    let res = srv
        .get(&format!(
            "/api/person/1/relationships/articles?page%5Bafter%5D={own}"
        ))
        .await;
    assert_eq!(res.status, 400);
    assert_eq!(
        res.json(),
        invalid("page[after]", &not_a_cursor("page[after]"))
    );
    let res = srv
        .get(&format!("/api/person/3/articles?page%5Bafter%5D={own}"))
        .await;
    assert_eq!(res.status, 200);
    // Cursors do not combine with page numbers or with each other (I6.1).
    for (path, parameter) in [
        (
            "/api/article?page%5Bnumber%5D=2&page%5Bafter%5D=",
            "page[number]",
        ),
        (
            "/api/article?page%5Bbefore%5D=&page%5Bnumber%5D=1",
            "page[number]",
        ),
        (
            "/api/article?page%5Bafter%5D=&page%5Bbefore%5D=",
            "page[before]",
        ),
    ] {
        let res = srv.get(path).await;
        assert_eq!(res.status, 400, "{path}");
        assert_eq!(
            res.json(),
            invalid(
                parameter,
                &format!("{parameter} cannot be combined with a cursor.")
            ),
            "{path}"
        );
    }
    // `filter[single]` ignores pagination (H7.2): the cursor (after "Draft") does not hide
    // article 2 ("Diesel tips").
    let res = srv
        .get(&format!(
            "/api/article?sort=title&filter%5Bsingle%5D=1&filter%5Bid%5D=2&page%5Bafter%5D={cursor}"
        ))
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["data"]["id"], "2");
    // Where there are no pages there are no cursors (D2.2).
    let res = srv.get("/api/article/1?page%5Bafter%5D=").await;
    assert_eq!(res.status, 400);
    assert_eq!(
        res.json()["errors"][0]["code"],
        "unsupported_query_parameter"
    );
}

/// With `count: none`, cursor pages are not counted (I6.5): no `meta.total`, no `last`.
#[actix_web::test]
async fn uncounted_cursor_pages_i6_5() {
    let custom = Custom {
        types: Some(Arc::new(|name: &str, config: ResourceConfig| match name {
            "article" => config.count(Count::None),
            _ => config,
        })),
        ..Custom::default()
    };
    let srv = Server::start_custom(true, custom);
    let res = srv
        .get("/api/article?page%5Bafter%5D=&page%5Bsize%5D=3")
        .await;
    assert_eq!(res.status, 200);
    let doc = res.json();
    assert_eq!(ids(&doc), ["1", "2", "3"]);
    assert_eq!(doc.get("meta"), None, "{doc}");
    let next = format!(
        "{ORIGIN}/api/article?page%5Bafter%5D={}&page%5Bsize%5D=3",
        {
            let link = doc["links"]["next"].as_str().unwrap();
            link.split("page%5Bafter%5D=")
                .nth(1)
                .unwrap()
                .split('&')
                .next()
                .unwrap()
                .to_owned()
        }
    );
    assert_eq!(
        doc["links"],
        json!({"self": format!("{ORIGIN}/api/article?page%5Bafter%5D=&page%5Bsize%5D=3"),
            "first": format!("{ORIGIN}/api/article?page%5Bafter%5D=&page%5Bsize%5D=3"),
            "last": null, "prev": null, "next": next})
    );
    assert_eq!(
        res.header("link"),
        Some(
            format!(
                "<{ORIGIN}/api/article?page%5Bafter%5D=&page%5Bsize%5D=3>; rel=\"first\", <{next}>; rel=\"next\""
            )
            .as_str()
        )
    );
    let numbered = srv.get("/api/article?page%5Bsize%5D=3").await.json();
    assert_eq!(
        doc,
        json!({"data": numbered["data"], "links": doc["links"], "jsonapi": {"version": "1.0"}}),
        "page 1's rows, no meta"
    );
    let doc = srv.get(&path_of(&next)).await.json();
    assert_eq!(ids(&doc), ["4"]);
    assert!(doc["links"]["next"].is_null());
    let prev = doc["links"]["prev"].as_str().unwrap().to_owned();
    // After the last row: an empty page whose way back starts at its cursor.
    let last = prev
        .split("page%5Bbefore%5D=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let doc = srv
        .get(&format!(
            "/api/article?page%5Bafter%5D={last}&page%5Bsize%5D=3"
        ))
        .await
        .json();
    assert_eq!(ids(&doc), Vec::<String>::new());
    assert!(doc["links"]["next"].is_null());
    assert_eq!(
        doc["links"]["prev"],
        format!("{ORIGIN}/api/article?page%5Bbefore%5D={last}&page%5Bsize%5D=3")
    );
    assert_eq!(
        ids(&srv
            .get(&path_of(doc["links"]["prev"].as_str().unwrap()))
            .await
            .json()),
        ["1", "2", "3"]
    );
    // Pages by number still count: their `last` needs the total (I4.1).
    let doc = srv.get("/api/article?page%5Bsize%5D=3").await.json();
    assert_eq!(doc["meta"]["total"], 4);
    // Other types keep the manager's default: counted.
    let doc = srv
        .get("/api/person?page%5Bafter%5D=&page%5Bsize%5D=2")
        .await
        .json();
    assert_eq!(doc["meta"]["total"], 3);
}
