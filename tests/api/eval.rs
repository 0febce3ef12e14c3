//! Function evaluation (N).

use serde_json::{json, Value};

use crate::common::{error_doc, query, Params, Server, B};

#[actix_web::test]
async fn functions_in_request_order_n4_1() {
    let srv = Server::start();
    let res = srv.get("/api/eval/person?eval_functions=%5B%7B%22name%22:%22count%22,%22field%22:%22id%22%7D,%7B%22name%22:%22sum%22,%22field%22:%22age%22%7D,%7B%22name%22:%22avg%22,%22field%22:%22age%22%7D,%7B%22name%22:%22max%22,%22field%22:%22birthday%22%7D,%7B%22name%22:%22count%22,%22field%22:%22age%22%7D%5D").await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.json(),
        json!({"meta": {"results": [3, 58, 29.0, "1997-11-02", 2]},
            "links": {"self": format!("{B}/eval/person?eval_functions=%5B%7B%22name%22:%22count%22,%22field%22:%22id%22%7D,%7B%22name%22:%22sum%22,%22field%22:%22age%22%7D,%7B%22name%22:%22avg%22,%22field%22:%22age%22%7D,%7B%22name%22:%22max%22,%22field%22:%22birthday%22%7D,%7B%22name%22:%22count%22,%22field%22:%22age%22%7D%5D")},
            "jsonapi": {"version": "1.0"}})
    );
}

#[actix_web::test]
async fn results_are_typed_n4_2() {
    let srv = Server::start();
    let cases: &[(&str, Params<'_>, Value)] = &[
        (
            "person",
            &[("functions", r#"[{"name":"avg","field":"age"}]"#)],
            json!([29.0]),
        ),
        (
            "person",
            &[
                ("filter[objects]", r#"[{"name":"age","op":"<","val":30}]"#),
                ("eval_functions", r#"[{"name":"sum","field":"age"}]"#),
            ],
            json!([27]),
        ),
        (
            "person",
            &[
                ("filter[age]", "99"),
                (
                    "eval_functions",
                    r#"[{"name":"count","field":"id"},{"name":"sum","field":"age"},{"name":"avg","field":"age"},{"name":"min","field":"name"}]"#,
                ),
            ],
            json!([0, null, null, null]),
        ),
        (
            "person",
            &[(
                "eval_functions",
                r#"[{"name":"min","field":"name"},{"name":"max","field":"name"},{"name":"min","field":"created_at"}]"#,
            )],
            json!(["Alice", "bob", "2024-01-15T09:30:00"]),
        ),
        (
            "article",
            &[(
                "eval_functions",
                r#"[{"name":"sum","field":"rating"},{"name":"max","field":"published_at"},{"name":"count","field":"body"}]"#,
            )],
            json!([7.5, "2024-05-20T08:15:30.250000", 2]),
        ),
        ("tag", &[("eval_functions", "[]")], json!([])),
        (
            "comment",
            &[("eval_functions", r#"[{"name":"max","field":"id"}]"#)],
            json!([4]),
        ),
    ];
    for (type_name, params, results) in cases {
        let res = srv
            .get(&format!("/api/eval/{type_name}{}", query(params)))
            .await;
        assert_eq!(res.status, 200, "{type_name} {params:?}: {}", res.body);
        assert_eq!(
            res.json()["meta"],
            json!({"results": results}),
            "{type_name} {params:?}"
        );
    }
}

#[actix_web::test]
async fn evaluation_is_one_statement_n() {
    let srv = Server::start();
    let res = srv
        .get(&format!(
            "/api/eval/person{}",
            query(&[(
                "eval_functions",
                r#"[{"name":"count","field":"id"},{"name":"avg","field":"age"}]"#
            )])
        ))
        .await;
    assert_eq!(
        res.header("server-timing")
            .map(|h| h.ends_with("desc=\"3 statements\"")),
        Some(true),
        "BEGIN, the aggregate, COMMIT"
    );
}

fn invalid(parameter: &str, detail: &str) -> Value {
    error_doc(
        json!({"status": "400", "code": "invalid_functions", "title": "Invalid function list", "detail": detail, "source": {"parameter": parameter}}),
    )
}

#[actix_web::test]
async fn function_list_errors_n2_2() {
    let srv = Server::start();
    let many = format!(
        "[{}]",
        vec![r#"{"name":"count","field":"id"}"#; 33].join(",")
    );
    let too_many = [("eval_functions", many.as_str())];
    let cases: Vec<(Params<'_>, &str, &str)> = vec![
        (&[], "eval_functions", "The eval_functions query parameter is required."),
        (&[("eval_functions", "")], "eval_functions", "eval_functions is not valid JSON."),
        (&[("functions", "{}")], "functions", "functions must be a JSON array of function objects."),
        (&[("eval_functions", r#"[{"name":"bogus","field":"age"}]"#)], "eval_functions", "Function at [0]: unknown function \"bogus\"; expected one of count, sum, avg, min, max."),
        (&[("eval_functions", r#"[{"name":"sum","field":"bogus"}]"#)], "eval_functions", "Function at [0]: type \"person\" has no field \"bogus\"."),
        (&[("eval_functions", r#"[{"name":"sum","field":"name"}]"#)], "eval_functions", "Function at [0]: \"sum\" needs a numeric field; \"name\" is text."),
        (&[("eval_functions", r#"[{"name":"sum"}]"#)], "eval_functions", "Function at [0]: missing \"field\"."),
        (&[("eval_functions", r#"[{"name":"sum","fields":"age"}]"#)], "eval_functions", "Function at [0]: unknown member \"fields\"."),
        (&too_many, "eval_functions", "At most 32 functions per request."),
    ];
    for (params, parameter, detail) in cases {
        let res = srv
            .get(&format!(
                "/api/eval/person{}",
                if params.is_empty() {
                    String::new()
                } else {
                    query(params)
                }
            ))
            .await;
        assert_eq!(res.status, 400, "{params:?}");
        assert_eq!(res.json(), invalid(parameter, detail), "{params:?}");
    }
    // Collection parameters are not taken here (N3.1).
    let res = srv
        .get(&format!(
            "/api/eval/person{}",
            query(&[("eval_functions", "[]"), ("sort", "age")])
        ))
        .await;
    assert_eq!(
        res.json()["errors"][0]["code"],
        "unsupported_query_parameter"
    );
}

#[actix_web::test]
async fn evaluation_has_jsonp_and_methods_n1_1_n4_3() {
    let srv = Server::start();
    let res = srv
        .get(&format!(
            "/api/eval/tag{}",
            query(&[
                ("eval_functions", r#"[{"name":"count","field":"id"}]"#),
                ("callback", "f")
            ])
        ))
        .await;
    assert_eq!(res.status, 200);
    assert!(res.body.starts_with("f({"), "{}", res.body);
    assert!(
        res.body.contains(r#""meta":{"results":[3],"status":200}"#),
        "{}",
        res.body
    );
    let res = srv
        .request(actix_web::http::Method::POST, "/api/eval/tag", &[])
        .await;
    assert_eq!(res.status, 405);
    assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS"));
}

#[actix_web::test]
async fn evaluation_off_is_a_route_miss_n1_1() {
    let srv = Server::start_with_default_includes();
    for method in [actix_web::http::Method::GET, actix_web::http::Method::POST] {
        let res = srv
            .request(method, "/api/eval/person?eval_functions=%5B%5D", &[])
            .await;
        assert_eq!(res.status, 404);
        assert_eq!(res.json()["errors"][0]["code"], "route_not_found");
    }
}
