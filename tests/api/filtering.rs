//! Filtering (M) and filter[single] (H7).

use serde_json::{json, Value};

use crate::common::fixture::ro;
use crate::common::{error_doc, ids, query, Params, Server, B};

/// `(type, filter[objects], ids)`: every example of M6, and more for each operator and form.
const CASES: &[(&str, &str, &[&str])] = &[
    ("person", r#"[{"name":"age","op":"gt","val":28}]"#, &["1"]),
    ("person", r#"[{"name":"age","op":"<","val":"30"}]"#, &["3"]),
    (
        "person",
        r#"[{"name":"name","op":"like","val":"%o%"}]"#,
        &["2", "3"],
    ),
    (
        "person",
        r#"[{"name":"name","op":"ilike","val":"%C%"}]"#,
        &["1", "3"],
    ),
    (
        "person",
        r#"[{"name":"name","op":"not_like","val":"%o%"}]"#,
        &["1"],
    ),
    ("person", r#"[{"name":"name","op":"eq","val":"Bob"}]"#, &[]),
    ("person", r#"[{"name":"age","op":"is_null"}]"#, &["2"]),
    (
        "person",
        r#"[{"name":"id","op":"in","val":[1,3]}]"#,
        &["1", "3"],
    ),
    (
        "person",
        r#"[{"name":"id","op":"not_in","val":["1"]}]"#,
        &["2", "3"],
    ),
    (
        "person",
        r#"[{"name":"birthday","op":"gt","val":"1995-01-01"}]"#,
        &["3"],
    ),
    (
        "person",
        r#"[{"name":"created_at","op":"lt","val":"2024-02-01"}]"#,
        &["1"],
    ),
    (
        "person",
        r#"[{"name":"birthday","op":"lt","val":"CURRENT_DATE"}]"#,
        &["1", "3"],
    ),
    (
        "person",
        r#"[{"name":"age","op":"gt","field":"id"}]"#,
        &["1", "3"],
    ),
    (
        "person",
        r#"[{"or":[{"name":"age","op":"lt","val":30},{"name":"name","op":"eq","val":"bob"}]}]"#,
        &["2", "3"],
    ),
    (
        "person",
        r#"[{"not":{"name":"age","op":"lt","val":30}}]"#,
        &["1"],
    ),
    (
        "person",
        r#"[{"name":"age","op":"gt","val":20},{"name":"age","op":"lt","val":30}]"#,
        &["3"],
    ),
    (
        "person",
        r#"[{"name":"articles","op":"any","val":{"name":"title","op":"like","val":"%tips%"}}]"#,
        &["1"],
    ),
    (
        "person",
        r#"[{"name":"articles","op":"any","val":{"name":"comments","op":"any","val":{"name":"author","op":"eq","val":"3"}}}]"#,
        &["1"],
    ),
    (
        "article",
        r#"[{"name":"author","op":"has","val":{"name":"age","op":"lte","val":30}}]"#,
        &["3"],
    ),
    (
        "article",
        r#"[{"name":"tags","op":"any","val":{"name":"name","op":"eq","val":"web"}}]"#,
        &["1", "2"],
    ),
    (
        "article",
        r#"[{"name":"published_at","op":"is_null"}]"#,
        &["2", "4"],
    ),
    ("article", r#"[{"name":"author","op":"is_null"}]"#, &["4"]),
    (
        "article",
        r#"[{"name":"author","op":"eq","val":"3"}]"#,
        &["3"],
    ),
    (
        "article",
        r#"[{"name":"rating","op":"ge","val":3}]"#,
        &["1", "2"],
    ),
    (
        "comment",
        r#"[{"name":"article","op":"has","val":{"name":"author","op":"has","val":{"name":"name","op":"eq","val":"Alice"}}}]"#,
        &["1", "2", "3"],
    ),
    // Every spelling of every operator (M3.1).
    ("person", r#"[{"name":"age","op":"==","val":31}]"#, &["1"]),
    (
        "person",
        r#"[{"name":"age","op":"equals","val":31}]"#,
        &["1"],
    ),
    (
        "person",
        r#"[{"name":"age","op":"equal_to","val":31}]"#,
        &["1"],
    ),
    (
        "person",
        r#"[{"name":"age","op":"equals_to","val":31}]"#,
        &["1"],
    ),
    ("person", r#"[{"name":"age","op":"!=","val":31}]"#, &["3"]),
    ("person", r#"[{"name":"age","op":"ne","val":31}]"#, &["3"]),
    ("person", r#"[{"name":"age","op":"neq","val":31}]"#, &["3"]),
    (
        "person",
        r#"[{"name":"age","op":"not_equal_to","val":31}]"#,
        &["3"],
    ),
    (
        "person",
        r#"[{"name":"age","op":"does_not_equal","val":31}]"#,
        &["3"],
    ),
    ("person", r#"[{"name":"age","op":"<>","val":31}]"#, &["3"]),
    ("person", r#"[{"name":"age","op":">","val":27}]"#, &["1"]),
    ("person", r#"[{"name":"age","op":"lt","val":31}]"#, &["3"]),
    (
        "person",
        r#"[{"name":"age","op":">=","val":27}]"#,
        &["1", "3"],
    ),
    ("person", r#"[{"name":"age","op":"gte","val":31}]"#, &["1"]),
    ("person", r#"[{"name":"age","op":"geq","val":31}]"#, &["1"]),
    ("person", r#"[{"name":"age","op":"<=","val":27}]"#, &["3"]),
    ("person", r#"[{"name":"age","op":"le","val":27}]"#, &["3"]),
    ("person", r#"[{"name":"age","op":"leq","val":27}]"#, &["3"]),
    (
        "person",
        r#"[{"name":"age","op":"is_not_null"}]"#,
        &["1", "3"],
    ),
    (
        "person",
        r#"[{"name":"name","op":"in","val":["bob","Carol","nobody"]}]"#,
        &["2", "3"],
    ),
    (
        "person",
        r#"[{"name":"age","op":"not_in","val":[31]}]"#,
        &["3"],
    ),
    ("person", r#"[{"name":"age","op":"in","val":[]}]"#, &[]),
    (
        "person",
        r#"[{"name":"age","op":"not_in","val":[]}]"#,
        &["1", "2", "3"],
    ),
    // Text compares by code point; like is case-sensitive, escapes with a backslash (M3.4).
    (
        "person",
        r#"[{"name":"name","op":"lt","val":"a"}]"#,
        &["1", "3"],
    ),
    (
        "person",
        r#"[{"name":"name","op":"like","val":"b%"}]"#,
        &["2"],
    ),
    ("person", r#"[{"name":"name","op":"like","val":"B%"}]"#, &[]),
    (
        "person",
        r#"[{"name":"name","op":"ilike","val":"B_B"}]"#,
        &["2"],
    ),
    (
        "article",
        r#"[{"name":"title","op":"like","val":"Hello JSON\\:API"}]"#,
        &["1"],
    ),
    (
        "article",
        r#"[{"name":"title","op":"like","val":"%\\%%"}]"#,
        &[],
    ),
    (
        "person",
        r#"[{"name":"name","op":"like","field":"name"}]"#,
        &["1", "2", "3"],
    ),
    // Dates, timestamps with zones, markers (G3, G4).
    (
        "person",
        r#"[{"name":"created_at","op":"eq","val":"2024-01-15T11:30:00+02:00"}]"#,
        &["1"],
    ),
    (
        "person",
        r#"[{"name":"created_at","op":"gt","val":"2024-1-15 09:30"}]"#,
        &["2"],
    ),
    (
        "article",
        r#"[{"name":"published_at","op":"eq","val":"2024-05-20T08:15:30.25"}]"#,
        &["3"],
    ),
    (
        "person",
        r#"[{"name":"created_at","op":"lt","val":"CURRENT_TIMESTAMP"}]"#,
        &["1", "2"],
    ),
    (
        "person",
        r#"[{"name":"birthday","op":"lt","val":"LOCALTIMESTAMP"}]"#,
        &["1", "3"],
    ),
    // Three-valued logic (M2.4), empty compositions (M2.1), ids that cannot exist (M4.7).
    (
        "person",
        r#"[{"not":{"name":"age","op":"gt","val":0}}]"#,
        &[],
    ),
    ("person", r#"[{"and":[]}]"#, &["1", "2", "3"]),
    ("person", r#"[{"or":[]}]"#, &[]),
    ("person", r#"[{"name":"id","op":"eq","val":"abc"}]"#, &[]),
    (
        "person",
        r#"[{"name":"id","op":"ne","val":"abc"}]"#,
        &["1", "2", "3"],
    ),
    (
        "article",
        r#"[{"name":"author","op":"in","val":["1","x"]}]"#,
        &["1", "2"],
    ),
    (
        "article",
        r#"[{"name":"author","op":"not_in","val":[1]}]"#,
        &["3"],
    ),
    (
        "article",
        r#"[{"name":"author","op":"is_not_null"}]"#,
        &["1", "2", "3"],
    ),
    // An id that cannot exist still leaves a NULL foreign key unknown (M2.4, M4.7).
    (
        "article",
        r#"[{"name":"author","op":"ne","val":"abc"}]"#,
        &["1", "2", "3"],
    ),
    (
        "article",
        r#"[{"not":{"name":"author","op":"eq","val":"abc"}}]"#,
        &["1", "2", "3"],
    ),
    (
        "article",
        r#"[{"name":"author","op":"not_in","val":["abc"]}]"#,
        &["1", "2", "3"],
    ),
    (
        "article",
        r#"[{"name":"author","op":"eq","val":"abc"}]"#,
        &[],
    ),
    (
        "tag",
        r#"[{"name":"articles","op":"any","val":{"name":"author","op":"has","val":{"name":"name","op":"eq","val":"Alice"}}}]"#,
        &["1", "2"],
    ),
    (
        "person",
        r#"[{"name":"comments","op":"any","val":{"not":{"name":"content","op":"eq","val":"Useful"}}}]"#,
        &["1", "2"],
    ),
    ("person", r#"[]"#, &["1", "2", "3"]),
    // A registered custom operator (M10.1).
    (
        "person",
        r#"[{"name":"age","op":"my_gt","val":28}]"#,
        &["1"],
    ),
];

#[actix_web::test]
async fn filter_examples_m6() {
    let srv = Server::start();
    for (type_name, filter, want) in CASES {
        let res = srv
            .get(&format!(
                "/api/{type_name}{}",
                query(&[("filter[objects]", filter)])
            ))
            .await;
        assert_eq!(res.status, 200, "{type_name} {filter}: {}", res.body);
        let doc = res.json();
        assert_eq!(ids(&doc), *want, "{type_name} {filter}");
        assert_eq!(
            doc["meta"],
            json!({"total": want.len()}),
            "{type_name} {filter}"
        );
    }
}

#[actix_web::test]
async fn filtered_collection_document_m1_1() {
    let srv = Server::start();
    let res = srv.get("/api/person?filter%5Bobjects%5D=%5B%7B%22name%22:%22age%22,%22op%22:%22gt%22,%22val%22:28%7D%5D").await;
    assert_eq!(res.status, 200);
    let s = format!("{B}/person?filter%5Bobjects%5D=%5B%7B%22name%22:%22age%22,%22op%22:%22gt%22,%22val%22:28%7D%5D");
    let page = format!("{s}&page%5Bnumber%5D=1&page%5Bsize%5D=10");
    assert_eq!(
        res.json(),
        json!({
            "data": [ro("person", 1)],
            "links": {"self": s, "first": page, "last": page, "prev": null, "next": null},
            "meta": {"total": 1},
            "jsonapi": {"version": "1.0"}
        })
    );
}

#[actix_web::test]
async fn simple_filters_m7() {
    let srv = Server::start();
    let cases: &[(&str, Params<'_>, &[&str])] = &[
        ("/api/person", &[("filter[age]", "31")], &["1"]),
        ("/api/person", &[("filter[name]", "bob,Carol")], &["2", "3"]),
        (
            "/api/comment",
            &[("filter[article]", "1,2"), ("filter[author]", "3")],
            &["3"],
        ),
        ("/api/comment", &[("filter[article]", "1")], &["1", "2"]),
        ("/api/article", &[("filter[tags]", "2")], &["1", "2"]),
        (
            "/api/person",
            &[
                ("filter[age]", "31"),
                ("filter[objects]", r#"[{"name":"id","op":"lt","val":3}]"#),
            ],
            &["1"],
        ),
        (
            "/api/article/1/comments",
            &[("filter[author]", "2")],
            &["1"],
        ),
        ("/api/person", &[("filter[id]", "1,x,3")], &["1", "3"]),
        ("/api/person", &[("filter[name]", "")], &[]),
        (
            "/api/person/1/relationships/articles",
            &[("filter[title]", "Diesel tips")],
            &["2"],
        ),
    ];
    for (path, params, want) in cases {
        let res = srv.get(&format!("{path}{}", query(params))).await;
        assert_eq!(res.status, 200, "{path} {params:?}: {}", res.body);
        assert_eq!(ids(&res.json()), *want, "{path} {params:?}");
    }
}

#[actix_web::test]
async fn filters_combine_with_sort_page_include_and_fields() {
    let srv = Server::start();
    let res = srv
        .get(&format!(
            "/api/article{}",
            query(&[
                (
                    "filter[objects]",
                    r#"[{"name":"author","op":"is_not_null"}]"#
                ),
                ("sort", "-title"),
                ("page[size]", "2"),
                ("include", "author"),
                ("fields[article]", "title"),
                ("fields[person]", "name"),
            ])
        ))
        .await;
    assert_eq!(res.status, 200);
    let doc = res.json();
    assert_eq!(ids(&doc), ["3", "1"]);
    assert_eq!(doc["meta"], json!({"total": 3}));
    assert_eq!(
        doc["data"][0]["attributes"],
        json!({"title": "actix in practice"})
    );
    assert_eq!(
        doc["included"],
        json!([
            {"type": "person", "id": "1", "attributes": {"name": "Alice"}, "links": {"self": format!("{B}/person/1")}},
            {"type": "person", "id": "3", "attributes": {"name": "Carol"}, "links": {"self": format!("{B}/person/3")}}
        ])
    );
}

fn invalid(parameter: &str, detail: &str) -> Value {
    error_doc(
        json!({"status": "400", "code": "invalid_filter", "title": "Invalid filter", "detail": detail, "source": {"parameter": parameter}}),
    )
}

#[actix_web::test]
async fn filter_errors_m1_to_m9() {
    let srv = Server::start();
    let deep = (0..17).fold(r#"{"name":"age","op":"is_null"}"#.to_owned(), |acc, _| {
        format!(r#"{{"not":{acc}}}"#)
    });
    let many = format!(
        "[{}]",
        vec![r#"{"name":"age","op":"is_null"}"#; 101].join(",")
    );
    let long = format!(
        r#"[{{"name":"age","op":"in","val":[{}]}}]"#,
        vec!["1"; 1001].join(",")
    );
    let cases: Vec<(&str, String, &str)> = vec![
        ("person", "bogus".into(), "filter[objects] is not valid JSON."),
        ("person", r#"{"name":"age","op":"gt","val":1}"#.into(), "filter[objects] must be a JSON array of filter objects."),
        ("person", r#"[{"name":"age","op":"gt","val":1},{"name":"age","op":"gt","val":1},3]"#.into(), "Filter at [2]: expected a JSON object."),
        ("person", r#"[{"and":[],"op":"eq"}]"#.into(), "Filter at [0]: \"and\" cannot be combined with other members."),
        ("person", r#"[{"op":"eq","val":1}]"#.into(), "Filter at [0]: missing \"name\"."),
        ("person", r#"[{"name":"age","val":1}]"#.into(), "Filter at [0]: missing \"op\"."),
        ("person", r#"[{"name":"age","op":"eq","value":1}]"#.into(), "Filter at [0]: unknown member \"value\"."),
        ("person", r#"[{"name":"age","op":"eq","val":1,"field":"id"}]"#.into(), "Filter at [0]: \"val\" and \"field\" cannot both be given."),
        ("person", r#"[{"name":"foo","op":"eq","val":1}]"#.into(), "Filter at [0]: type \"person\" has no field \"foo\"."),
        ("article", r#"[{"name":"author.name","op":"eq","val":"Alice"}]"#.into(), "Filter at [0]: type \"article\" has no field \"author.name\"."),
        ("article", r#"[{"name":"author_id","op":"eq","val":1}]"#.into(), "Filter at [0]: type \"article\" has no field \"author_id\"."),
        ("person", r#"[{"name":"age","op":"bogus","val":1}]"#.into(), "Filter at [0]: unknown operator \"bogus\"."),
        ("person", r#"[{"name":"age","op":"like","val":"3%"}]"#.into(), "Filter at [0]: operator \"like\" does not apply to field \"age\" (integer)."),
        ("person", r#"[{"name":"name","op":"<<","val":"x"}]"#.into(), "Filter at [0]: operator \"<<\" does not apply to field \"name\" (text)."),
        ("article", r#"[{"name":"author","op":"gt","val":1}]"#.into(), "Filter at [0]: operator \"gt\" does not apply to field \"author\" (to-one relationship)."),
        ("person", r#"[{"name":"name","op":"my_gt","val":1}]"#.into(), "Filter at [0]: operator \"my_gt\" does not apply to field \"name\" (text)."),
        ("person", r#"[{"name":"age","op":"is_null","val":1}]"#.into(), "Filter at [0]: operator \"is_null\" takes no operand."),
        ("person", r#"[{"name":"age","op":"eq"}]"#.into(), "Filter at [0]: operator \"eq\" needs \"val\" or \"field\"."),
        ("person", r#"[{"name":"age","op":"eq","val":null}]"#.into(), "Filter at [0]: to compare with null use \"is_null\" or \"is_not_null\"."),
        ("person", r#"[{"name":"age","op":"in","val":3}]"#.into(), "Filter at [0]: operator \"in\" needs an array."),
        ("person", r#"[{"name":"age","op":"in","val":[1,null]}]"#.into(), "Filter at [0]: to compare with null use \"is_null\" or \"is_not_null\"."),
        ("person", r#"[{"name":"age","op":"in","field":"id"}]"#.into(), "Filter at [0]: operator \"in\" cannot compare with a field."),
        ("person", r#"[{"name":"age","op":"gt","field":"bogus"}]"#.into(), "Filter at [0]: type \"person\" has no field \"bogus\"."),
        ("person", r#"[{"name":"age","op":"gt","field":"name"}]"#.into(), "Filter at [0]: field \"age\" (integer) cannot be compared with field \"name\" (text)."),
        ("person", r#"[{"name":"age","op":"eq","val":"abc"}]"#.into(), "Filter at [0]: field \"age\" expects an integer; got \"abc\"."),
        ("person", r#"[{"name":"age","op":"eq","val":31.5}]"#.into(), "Filter at [0]: field \"age\" expects an integer; got 31.5."),
        ("person", r#"[{"name":"name","op":"eq","val":31}]"#.into(), "Filter at [0]: field \"name\" expects a string; got 31."),
        ("person", r#"[{"name":"birthday","op":"gt","val":"bogus"}]"#.into(), "Filter at [0]: field \"birthday\" expects a date (YYYY-MM-DD); got \"bogus\"."),
        ("person", r#"[{"name":"birthday","op":"gt","val":"1990-13-45"}]"#.into(), "Filter at [0]: field \"birthday\" expects a date (YYYY-MM-DD); got \"1990-13-45\"."),
        ("person", r#"[{"name":"articles","op":"has","val":{"name":"title","op":"eq","val":"x"}}]"#.into(), "Filter at [0]: \"has\" applies to to-one relationships; \"articles\" is to-many (use \"any\")."),
        ("article", r#"[{"name":"author","op":"any","val":{"name":"age","op":"eq","val":1}}]"#.into(), "Filter at [0]: \"any\" applies to to-many relationships; \"author\" is to-one (use \"has\")."),
        ("article", r#"[{"name":"author","op":"has","val":1}]"#.into(), "Filter at [0]: \"val\" of \"has\" must be a filter object."),
        ("article", r#"[{"name":"author","op":"has","val":{"name":"bogus","op":"eq","val":1}}]"#.into(), "Filter at [0].val: type \"person\" has no field \"bogus\"."),
        ("person", r#"[{"or":[{"name":"age","op":"eq","val":1},{"not":{"name":"x","op":"eq","val":1}}]}]"#.into(), "Filter at [0].or[1].not: type \"person\" has no field \"x\"."),
        ("person", format!("[{deep}]"), "filter[objects] exceeds the limit of 16 nesting levels."),
        ("person", many, "filter[objects] exceeds the limit of 100 filter objects."),
        ("person", format!("[{}]", (0..200).fold(r#"{"name":"age","op":"is_null"}"#.to_owned(), |acc, _| format!(r#"{{"not":{acc}}}"#))), "filter[objects] exceeds the limit of 16 nesting levels."),
        ("person", r#"[{"name":"id","op":"eq","val":1.5}]"#.into(), "Filter at [0]: field \"id\" expects an id; got 1.5."),
        ("person", r#"[{"name":"id","op":"is_null"}]"#.into(), "Filter at [0]: operator \"is_null\" does not apply to field \"id\" (integer)."),
        ("person", long, "filter[objects] exceeds the limit of 1000 list elements."),
        ("person", r#"[{"name":"name","op":"like","val":"a\\"}]"#.into(), "Filter at [0]: pattern for field \"name\" ends with an unpaired escape character."),
        ("person", r#"[{"name":"age","op":"eq","val":1e999}]"#.into(), "filter[objects] is not valid JSON."),
    ];
    for (type_name, filter, detail) in cases {
        let res = srv
            .get(&format!(
                "/api/{type_name}{}",
                query(&[("filter[objects]", &filter)])
            ))
            .await;
        assert_eq!(res.status, 400, "{filter}: {}", res.body);
        assert_eq!(res.json(), invalid("filter[objects]", detail), "{filter}");
    }
}

#[actix_web::test]
async fn simple_filter_errors_m7_3() {
    let srv = Server::start();
    let res = srv.get("/api/person?filter%5Bbogus%5D=1").await;
    assert_eq!(
        res.json(),
        invalid(
            "filter[bogus]",
            "Type \"person\" has no field \"bogus\" to filter on."
        )
    );
    let res = srv.get("/api/person?filter%5Bage%5D=x").await;
    assert_eq!(
        res.json(),
        invalid(
            "filter[age]",
            "filter[age]: field \"age\" expects an integer; got \"x\"."
        )
    );
    let res = srv.get("/api/person?filter%5Bage%5D=").await;
    assert_eq!(
        res.json(),
        invalid(
            "filter[age]",
            "filter[age]: field \"age\" expects an integer; got \"\"."
        )
    );
}

#[actix_web::test]
async fn filters_apply_only_to_collections_m8_1() {
    let srv = Server::start();
    for path in [
        "/api/person/1?filter%5Bage%5D=31",
        "/api/article/1/author?filter%5Bobjects%5D=%5B%5D",
        "/api/article/1/relationships/author?filter%5Bsingle%5D=1",
    ] {
        let res = srv.get(path).await;
        assert_eq!(res.status, 400, "{path}");
        assert_eq!(
            res.json()["errors"][0]["code"],
            "unsupported_query_parameter",
            "{path}"
        );
    }
}

#[actix_web::test]
async fn filter_single_h7() {
    let srv = Server::start();
    let f = r#"[{"name":"id","op":"eq","val":1}]"#;
    let res = srv
        .get(&format!(
            "/api/person{}",
            query(&[("filter[single]", "1"), ("filter[objects]", f)])
        ))
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("link"), None);
    assert_eq!(
        res.json(),
        json!({"data": ro("person", 1),
            "links": {"self": format!("{B}/person?filter%5Bsingle%5D=1&filter%5Bobjects%5D=%5B%7B%22name%22:%22id%22,%22op%22:%22eq%22,%22val%22:1%7D%5D")},
            "jsonapi": {"version": "1.0"}})
    );
    // Pagination parameters are validated, then ignored.
    let res = srv
        .get(&format!(
            "/api/person{}",
            query(&[
                ("filter[single]", "1"),
                ("filter[age]", "27"),
                ("page[number]", "5")
            ])
        ))
        .await;
    assert_eq!(res.json()["data"], ro("person", 3));
    let res = srv
        .get(&format!(
            "/api/person{}",
            query(&[("filter[single]", "1"), ("page[number]", "0")])
        ))
        .await;
    assert_eq!(res.status, 400);
    // To-many related and relationship URLs.
    let res = srv
        .get(&format!(
            "/api/person/1/articles{}",
            query(&[("filter[single]", "1"), ("filter[title]", "Diesel tips")])
        ))
        .await;
    assert_eq!(res.json()["data"], ro("article", 2));
    let res = srv
        .get(&format!(
            "/api/person/1/relationships/articles{}",
            query(&[("filter[single]", "1"), ("filter[id]", "2")])
        ))
        .await;
    assert_eq!(
        res.json(),
        json!({"data": {"type": "article", "id": "2"},
            "links": {"self": format!("{B}/person/1/relationships/articles?filter%5Bsingle%5D=1&filter%5Bid%5D=2"), "related": format!("{B}/person/1/articles")},
            "jsonapi": {"version": "1.0"}})
    );
    let res = srv.get("/api/person?filter%5Bsingle%5D=0").await;
    assert_eq!(ids(&res.json()), ["1", "2", "3"]);
}

#[actix_web::test]
async fn filter_single_errors_h7_1_h7_3() {
    let srv = Server::start();
    let res = srv.get("/api/person?filter%5Bsingle%5D=yes").await;
    assert_eq!(
        res.json(),
        error_doc(
            json!({"status": "400", "code": "invalid_query_parameter", "title": "Invalid query parameter",
            "detail": "filter[single] must be 0 or 1; got \"yes\".", "source": {"parameter": "filter[single]"}})
        )
    );
    let res = srv
        .get("/api/person?filter%5Bsingle%5D=1&filter%5Bage%5D=99")
        .await;
    assert_eq!(res.status, 404);
    assert_eq!(
        res.json(),
        error_doc(
            json!({"status": "404", "code": "single_not_found", "title": "No matching resource", "detail": "No resource matches the filter."})
        )
    );
    let res = srv.get("/api/person?filter%5Bsingle%5D=1").await;
    assert_eq!(res.status, 404);
    assert_eq!(
        res.json(),
        error_doc(
            json!({"status": "404", "code": "single_not_unique", "title": "More than one matching resource", "detail": "More than one resource matches the filter."})
        )
    );
}
