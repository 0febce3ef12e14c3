//! Route misses (E2), unknown relationships (H3.3) and query parameter errors (D).

use serde_json::json;

use crate::common::{error_doc, Server};

#[actix_web::test]
async fn route_misses_are_json_api_404s_e2_1() {
    let srv = Server::start();
    let paths = [
        "/api/bogus",
        "/api/person/",
        "/api/",
        "/api/person/1/",
        "/api/person/1/articles/2/x",
        "/api/Person",
        "/api//person",
    ];
    for path in paths {
        let res = srv.get(path).await;
        assert_eq!(res.status, 404, "{path}");
        assert_eq!(res.header("content-type"), Some("application/vnd.api+json"));
        assert_eq!(
            res.json(),
            error_doc(
                json!({"status": "404", "code": "route_not_found", "title": "Not found",
                "detail": format!("No endpoint matches {path}.")})
            ),
            "{path}"
        );
    }
}

#[actix_web::test]
async fn unknown_relationship_names_are_404_h3_3() {
    let srv = Server::start();
    let cases = [
        ("/api/person/1/name", "person", "name"),
        ("/api/person/1/bogus", "person", "bogus"),
        ("/api/person/9/bogus", "person", "bogus"),
        ("/api/person/1/relationships", "person", "relationships"),
        ("/api/person/1/relationships/bogus", "person", "bogus"),
        ("/api/tag/1/bogus/1", "tag", "bogus"),
    ];
    for (path, type_name, name) in cases {
        let res = srv.get(path).await;
        assert_eq!(res.status, 404, "{path}");
        assert_eq!(
            res.json(),
            error_doc(
                json!({"status": "404", "code": "relationship_not_found", "title": "Relationship not found",
                "detail": format!("Type \"{type_name}\" has no relationship named \"{name}\".")})
            ),
            "{path}"
        );
    }
}

#[actix_web::test]
async fn ids_that_are_not_utf8_name_nothing_e4_3() {
    let srv = Server::start();
    let not_found = |code: &str, title: &str, detail: &str| {
        error_doc(json!({"status": "404", "code": code, "title": title, "detail": detail}))
    };
    let resource = |id: &str| {
        not_found(
            "resource_not_found",
            "Resource not found",
            &format!("No resource of type \"person\" with id \"{id}\"."),
        )
    };
    let cases = [
        ("/api/person/%FF", resource("%FF")),
        ("/api/person/a%FFb%20c", resource("a%FFb%20c")),
        ("/api/person/%FF/articles", resource("%FF")),
        ("/api/person/%FF/relationships/articles", resource("%FF")),
        ("/api/person/%FF/articles/1", resource("%FF")),
        (
            "/api/person/1/articles/%FF",
            not_found(
                "related_resource_not_found",
                "Related resource not found",
                "Resource \"article\" \"%FF\" is not related to \"person\" \"1\" through \"articles\".",
            ),
        ),
    ];
    for (path, want) in cases {
        let res = srv.get(path).await;
        assert_eq!(res.status, 404, "{path}");
        assert_eq!(res.json(), want, "{path}");
    }
    // In a type or relationship position it is a route or relationship miss.
    let res = srv.get("/api/pers%FFon").await;
    assert_eq!(res.status, 404);
    assert_eq!(
        res.json(),
        not_found(
            "route_not_found",
            "Not found",
            "No endpoint matches /api/pers%FFon."
        )
    );
    let res = srv.get("/api/person/1/art%FFicles").await;
    assert_eq!(res.status, 404);
    assert_eq!(
        res.json(),
        not_found(
            "relationship_not_found",
            "Relationship not found",
            "Type \"person\" has no relationship named \"art\u{FFFD}icles\"."
        )
    );
    // Checks that need no database come first (B4.1).
    let res = srv
        .request(
            actix_web::http::Method::GET,
            "/api/person/%FF",
            &[("Accept", "text/html")],
        )
        .await;
    assert_eq!(res.status, 406);
}

fn query_error(code: &str, title: &str, parameter: &str, detail: &str) -> serde_json::Value {
    error_doc(
        json!({"status": "400", "code": code, "title": title, "detail": detail, "source": {"parameter": parameter}}),
    )
}

#[actix_web::test]
async fn query_parameter_errors_d() {
    let srv = Server::start();
    let unknown = ("unknown_query_parameter", "Unknown query parameter");
    let unsupported = ("unsupported_query_parameter", "Unsupported query parameter");
    let invalid = ("invalid_query_parameter", "Invalid query parameter");
    let repeated = ("repeated_query_parameter", "Repeated query parameter");
    let cases = [
        (
            "/api/person?foo=bar",
            unknown,
            "foo",
            "Unknown query parameter \"foo\".",
        ),
        (
            "/api/person?_x=1",
            unknown,
            "_x",
            "Unknown query parameter \"_x\".",
        ),
        (
            "/api/person/1?sort=name",
            unsupported,
            "sort",
            "Query parameter \"sort\" is not supported by this endpoint.",
        ),
        (
            "/api/person/1?page%5Bsize%5D=5",
            unsupported,
            "page[size]",
            "Query parameter \"page[size]\" is not supported by this endpoint.",
        ),
        (
            "/api/person?page%5Boffset%5D=1",
            unsupported,
            "page[offset]",
            "Query parameter \"page[offset]\" is not supported by this endpoint.",
        ),
        (
            "/api/person?fields%5B%5D=name",
            invalid,
            "fields[]",
            "Query parameter \"fields[]\" is malformed: expected fields[NAME].",
        ),
        (
            "/api/person?filter%5Bage=1",
            invalid,
            "filter[age",
            "Query parameter \"filter[age\" is malformed: expected filter[NAME].",
        ),
        (
            "/api/person?x%FF=1",
            invalid,
            "x\u{fffd}",
            "Query parameter is not valid UTF-8.",
        ),
        (
            "/api/person?page%5Bsize%5D=1&page%5Bsize%5D=2",
            repeated,
            "page[size]",
            "Query parameter \"page[size]\" is given more than once.",
        ),
        (
            "/api/person?group_by=name&group=name",
            repeated,
            "group",
            "Query parameter \"group\" is given more than once.",
        ),
    ];
    for (path, (code, title), parameter, detail) in cases {
        let res = srv.get(path).await;
        assert_eq!(res.status, 400, "{path}");
        assert_eq!(
            res.json(),
            query_error(code, title, parameter, detail),
            "{path}"
        );
    }
}

#[actix_web::test]
async fn each_endpoint_accepts_its_own_parameters_h1_3_h2_3_h3_4_h5_3_h6_4() {
    let srv = Server::start();
    // What a collection takes (H1.3), by the endpoints that take only include, fields and
    // JSONP (H2.3, H3.4, H5.3, H6.4 to-one).
    let list_only = [
        ("sort", "sort=name"),
        ("group_by", "group_by=name"),
        ("ignore_case", "ignore_case=1"),
        ("page[number]", "page%5Bnumber%5D=1"),
        ("filter[objects]", "filter%5Bobjects%5D=%5B%5D"),
    ];
    let single = [
        "/api/person/1",
        "/api/article/1/author",
        "/api/person/1/articles/1",
        "/api/article/1/relationships/author",
    ];
    for path in single {
        for (parameter, q) in list_only {
            let url = format!("{path}?{q}");
            let res = srv.get(&url).await;
            assert_eq!(res.status, 400, "{url}");
            assert_eq!(
                res.json(),
                query_error(
                    "unsupported_query_parameter",
                    "Unsupported query parameter",
                    parameter,
                    &format!("Query parameter \"{parameter}\" is not supported by this endpoint.")
                ),
                "{url}"
            );
        }
        for q in ["fields%5Bperson%5D=name", "callback=cb"] {
            let url = format!("{path}?{q}");
            assert_eq!(srv.get(&url).await.status, 200, "{url}");
        }
    }
    // Collections, to-many related and to-many relationship URLs take them all.
    for (path, field) in [
        ("/api/person", "name"),
        ("/api/person/1/articles", "title"),
        ("/api/person/1/relationships/articles", "title"),
    ] {
        for (_, q) in list_only {
            let q = q.replace("name", field);
            let url = format!("{path}?{q}&fields%5Bperson%5D=name&fields%5Barticle%5D=title");
            assert_eq!(srv.get(&url).await.status, 200, "{url}");
        }
    }
}
