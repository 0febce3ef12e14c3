//! The API's OpenAPI description (issue 14, E1.4): valid against the official OpenAPI 3.1
//! schema, describing the routes, methods and fields this configuration serves, and served at
//! `P/openapi.json`. Every answer the suite receives from a server that serves it is also
//! checked against the response schema it declares (`common::OpenApiCheck`).

use std::sync::OnceLock;

use restless::core::{Api, ApiConfig, Registered};
use restless::{Method, ResourceConfig};
use serde_json::{json, Value};

use crate::models::{Article, Comment, Person, Tag};

/// Checks `doc` against the OpenAPI 3.1 schema (spec.openapis.org/oas/3.1/schema/2022-10-07,
/// vendored under tests/schema/).
pub(crate) fn assert_valid_openapi(doc: &Value) {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    let validator = VALIDATOR.get_or_init(|| {
        let schema: Value =
            serde_json::from_str(include_str!("../schema/openapi-3.1-2022-10-07.json")).unwrap();
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&schema)
            .expect("the OpenAPI schema compiles")
    });
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "invalid OpenAPI document: {errors:?}");
}

fn described(person: ResourceConfig, article: ResourceConfig, config: ApiConfig) -> Value {
    let read = ResourceConfig::new();
    let types = vec![
        Registered::new::<Person>(person),
        Registered::new::<Article>(article),
        Registered::new::<Comment>(read.clone()),
        Registered::new::<Tag>(read),
    ];
    let api = Api::new::<diesel::SqliteConnection>(config, types).expect("valid configuration");
    let doc: Value = serde_json::from_str(api.openapi()).expect("JSON");
    assert_valid_openapi(&doc);
    doc
}

fn methods(doc: &Value, path: &str) -> Vec<String> {
    let mut methods: Vec<String> = doc["paths"][path]
        .as_object()
        .map(|item| item.keys().cloned().collect())
        .unwrap_or_default();
    methods.sort();
    methods
}

#[test]
fn the_description_follows_the_configuration_e1_4() {
    let writes = ResourceConfig::new()
        .methods([Method::Get, Method::Post, Method::Patch, Method::Delete])
        .allow_functions(true)
        .exclude(["age"]);
    let doc = described(
        writes,
        ResourceConfig::new().page_size(5).max_page_size(20),
        ApiConfig {
            jsonp: true,
            ..ApiConfig::default()
        },
    );
    assert_eq!(doc["openapi"], "3.1.0");
    // Every route of E1.1 the types serve, with their methods.
    assert_eq!(methods(&doc, "/api/person"), ["get", "post"]);
    assert_eq!(
        methods(&doc, "/api/person/{id}"),
        ["delete", "get", "patch"]
    );
    assert_eq!(methods(&doc, "/api/person/{id}/articles"), ["get"]);
    assert_eq!(methods(&doc, "/api/person/{id}/articles/{rid}"), ["get"]);
    assert_eq!(
        methods(&doc, "/api/person/{id}/relationships/articles"),
        ["delete", "get", "patch", "post"]
    );
    assert_eq!(methods(&doc, "/api/eval/person"), ["get"]);
    assert_eq!(methods(&doc, "/api/article"), ["get"]);
    assert_eq!(methods(&doc, "/api/article/{id}"), ["get"]);
    assert_eq!(
        methods(&doc, "/api/article/{id}/relationships/author"),
        ["get"]
    );
    assert!(
        doc["paths"]["/api/eval/article"].is_null(),
        "functions are off for articles"
    );
    assert!(
        doc["paths"]["/api/article/{id}/author/{rid}"].is_null(),
        "to-one"
    );
    // Attributes by kind; excluded ones are not described (V2).
    let person = &doc["components"]["schemas"]["person"]["properties"];
    assert_eq!(
        person["attributes"]["properties"]["name"],
        json!({"type": "string"})
    );
    assert_eq!(
        person["attributes"]["properties"]["birthday"],
        json!({"type": ["string", "null"], "format": "date"})
    );
    assert!(person["attributes"]["properties"]["age"].is_null());
    assert_eq!(
        person["type"],
        json!({"type": "string", "enum": ["person"]})
    );
    // Page sizes per type, and the JSONP callback when JSONP is on.
    let parameters = doc["paths"]["/api/article"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let size = parameters
        .iter()
        .find(|p| p["name"] == "page[size]")
        .expect("page[size]");
    assert_eq!(size["schema"]["default"], 5);
    assert_eq!(size["schema"]["maximum"], 20);
    assert!(parameters.iter().any(|p| p["name"] == "jsonp_callback"));
    // Flask-Restless's names beside the spec's (D4.1).
    let names: Vec<&str> = parameters
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    for (spec, fr) in [
        ("group_by", "group"),
        ("ignore_case", "ignorecase"),
        ("jsonp_callback", "callback"),
    ] {
        let at = names.iter().position(|n| *n == spec).expect(spec);
        assert_eq!(names.get(at + 1), Some(&fr));
    }
    let eval: Vec<&str> = doc["paths"]["/api/eval/person"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(
        eval,
        [
            "eval_functions",
            "functions",
            "filter[objects]",
            "jsonp_callback",
            "callback"
        ]
    );
    // The callback on every route and method, and its answer under 200 (T1.1, T1.4): a POST
    // answers 201, wrapped 200; a DELETE answers 204, never wrapped, yet an error is.
    for (path, method) in [
        ("/api", "get"),
        ("/api/person", "post"),
        ("/api/person/{id}", "delete"),
        ("/api/person/{id}/relationships/articles", "patch"),
    ] {
        let op = &doc["paths"][path][method];
        let names: Vec<&str> = op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        assert!(
            names.ends_with(&["jsonp_callback", "callback"]),
            "{path} {method}"
        );
        assert_eq!(
            op["responses"]["200"]["content"]["application/javascript"]["schema"]["type"], "string",
            "{method} {path}"
        );
    }
    // The statuses each route can answer (S2): reads 404 only where something may be missing,
    // 413 only where a document is read.
    let statuses = |path: &str, method: &str| -> Vec<String> {
        doc["paths"][path][method]["responses"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    assert_eq!(
        statuses("/api/eval/person", "get"),
        ["200", "304", "400", "406", "412", "415", "500", "503", "default"]
    );
    assert_eq!(
        statuses("/api/person", "get"),
        ["200", "304", "400", "404", "406", "412", "415", "500", "503", "default"]
    );
    assert_eq!(
        statuses("/api/person", "post"),
        [
            "200", "201", "400", "403", "404", "406", "409", "412", "413", "415", "500", "503",
            "default"
        ]
    );
    assert_eq!(
        statuses("/api/person/{id}", "delete"),
        ["200", "204", "400", "403", "404", "406", "409", "412", "415", "500", "503", "default"]
    );
    // The root (E5).
    assert_eq!(
        doc["paths"]["/api"]["get"]["responses"]["200"]["content"]["application/vnd.api+json"]
            ["schema"],
        json!({"$ref": "#/components/schemas/root"})
    );
    // The media type of every body, and error documents for failures.
    let get = &doc["paths"]["/api/person/{id}"]["get"]["responses"];
    assert_eq!(
        get["200"]["content"]["application/vnd.api+json"]["schema"],
        json!({"$ref": "#/components/schemas/person.document"})
    );
    assert_eq!(
        get["404"]["content"]["application/vnd.api+json"]["schema"],
        json!({"$ref": "#/components/schemas/errors"})
    );
    // A creation must set `name` (NOT NULL, no default: O3.1) and cannot name its id (no
    // client ids, O4); an update names its id (P1.1).
    let schemas = &doc["components"]["schemas"];
    let create = &schemas["person.create"]["properties"]["data"];
    assert_eq!(create["required"], json!(["type", "attributes"]));
    assert_eq!(
        create["properties"]["attributes"]["required"],
        json!(["name"])
    );
    assert!(create["properties"]["id"].is_null());
    // What a request may send is what G1.1 accepts, more than what is written: dates in G3's
    // grammar or G4's markers, a blank string for null (G3.3); identifiers with other members.
    let birthday = &create["properties"]["attributes"]["properties"]["birthday"];
    assert_eq!(birthday["type"], json!(["string", "null"]));
    let pattern = birthday["pattern"].as_str().unwrap();
    assert!(
        pattern.contains("CURRENT_DATE") && pattern.contains(r"|\s*)$"),
        "{pattern}"
    );
    assert_eq!(
        create["properties"]["relationships"]["properties"]["articles"]["properties"]["data"],
        json!({"type": "array", "items": {"$ref": "#/components/schemas/article.identifier-request"}})
    );
    assert!(schemas["article.identifier-request"]["additionalProperties"].is_null());
    assert_eq!(schemas["article.identifier"]["additionalProperties"], false);
    let update = &schemas["person.update"]["properties"]["data"];
    assert_eq!(update["required"], json!(["type", "id"]));
    assert!(update["properties"]["attributes"]["required"].is_null());
    assert_eq!(
        doc["paths"]["/api/person"]["post"]["requestBody"]["content"]["application/vnd.api+json"]
            ["schema"],
        json!({"$ref": "#/components/schemas/person.create"})
    );
    // Simple filters for each attribute and relationship (M7).
    let names: Vec<&str> = doc["paths"]["/api/person"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .filter(|n| n.starts_with("filter[") && *n != "filter[objects]")
        .collect();
    assert_eq!(
        names,
        [
            "filter[single]",
            "filter[name]",
            "filter[birthday]",
            "filter[created_at]",
            "filter[articles]",
            "filter[comments]"
        ]
    );
    let collection = &doc["paths"]["/api/person"]["get"]["responses"]["200"];
    assert_eq!(
        collection["content"]["application/vnd.api+json"]["schema"],
        json!({"$ref": "#/components/schemas/person.page"})
    );
}

#[test]
fn without_jsonp_there_is_no_callback_parameter_t1_1() {
    let read = ResourceConfig::new();
    let doc = described(read.clone(), read, ApiConfig::default());
    let parameters = doc["paths"]["/api/person"]["get"]["parameters"]
        .as_array()
        .unwrap();
    assert!(!parameters.iter().any(|p| p["name"] == "jsonp_callback"));
    assert!(!parameters.iter().any(|p| p["name"] == "callback"));
    assert!(doc["paths"]["/api/eval/person"].is_null());
    assert_eq!(methods(&doc, "/api/person"), ["get"]);
}

#[test]
fn the_official_schema_refuses_what_is_not_openapi() {
    let validator_accepts =
        |doc: Value| std::panic::catch_unwind(|| assert_valid_openapi(&doc)).is_ok();
    assert!(!validator_accepts(json!({"openapi": "3.1.0"})), "no info");
    assert!(
        !validator_accepts(
            json!({"openapi": "3.1.0", "info": {"title": "x", "version": "1"}, "paths": {"/a": {"get": {"responses": {"200": {}}}}}})
        ),
        "a response without a description"
    );
    assert!(validator_accepts(
        json!({"openapi": "3.1.0", "info": {"title": "x", "version": "1"}, "paths": {}})
    ));
}

/// The blog's and the shop's descriptions, as the examples serve them (every method, JSONP
/// and the HTML view on), valid against the official schema and written to
/// `target/openapi/{blog,shop}.json` for `.ci/run` to lint with a tool from outside Rust
/// (openapi-spec-validator).
#[actix_web::test]
async fn the_examples_descriptions_are_written_for_the_linter() {
    use actix_web::http::Method as M;
    let blog = crate::common::Server::blog(crate::db::Options::served(false, false));
    let blog = crate::common::Server::serve_scope(move || blog.scope(), None);
    let shop = crate::shop::start();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/openapi");
    std::fs::create_dir_all(&dir).expect("target/openapi");
    for (name, srv) in [("blog", &blog), ("shop", &shop)] {
        let res = srv
            .send_unchecked(M::GET, "/api/openapi.json", &[], Vec::new())
            .await;
        assert_eq!(res.status, 200, "{name}");
        let doc: Value = serde_json::from_str(&res.body).unwrap();
        assert_valid_openapi(&doc);
        let collection = if name == "blog" {
            "/api/article"
        } else {
            "/api/product"
        };
        assert!(
            !doc["paths"][collection]["get"]["responses"]["200"]["content"]["text/html"].is_null(),
            "{name}: the examples serve the HTML view"
        );
        if name == "shop" {
            // A decimal may be sent as a number or as text in any form the server reads
            // (G1.1), exponents included; other text may not.
            let mut root = json!({"$ref": "#/components/schemas/product.create"});
            root["components"] = doc["components"].clone();
            let create = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .build(&root)
                .unwrap();
            let product = |price: Value| json!({"data": {"type": "product", "attributes": {"name": "Kettle", "price": price}}});
            for price in [
                json!(31.9),
                json!("31.90"),
                json!("1.5e1"),
                json!("-2E-2"),
                json!(".5"),
            ] {
                assert!(create.is_valid(&product(price.clone())), "{price}");
            }
            for price in [json!("abc"), json!("1,5"), json!(true)] {
                assert!(!create.is_valid(&product(price.clone())), "{price}");
            }
        }
        std::fs::write(
            dir.join(format!("{name}.json")),
            serde_json::to_string_pretty(&doc).unwrap(),
        )
        .unwrap_or_else(|e| panic!("{name}.json: {e}"));
    }
}

/// E1.4: the description is served at `P/openapi.json`, as plain JSON, outside JSON:API's
/// media type rules.
#[actix_web::test]
async fn the_description_is_served_e1_4() {
    use actix_web::http::Method as M;
    let srv = crate::common::Server::start();
    // Any Accept: not a JSON:API route (B1 and B2 do not apply).
    let res = srv
        .send_unchecked(
            M::GET,
            "/api/openapi.json",
            &[("Accept", "text/html")],
            Vec::new(),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.header("content-type"), Some("application/json"));
    let doc: Value = serde_json::from_str(&res.body).unwrap();
    assert_valid_openapi(&doc);
    assert_eq!(methods(&doc, "/api/person"), ["get"]);
    // Tagged, and revalidated with If-None-Match (B3.8).
    let etag = res.header("etag").expect("an ETag").to_owned();
    let res = srv
        .send_unchecked(
            M::GET,
            "/api/openapi.json",
            &[("If-None-Match", etag.as_str())],
            Vec::new(),
        )
        .await;
    assert_eq!(res.status, 304);
    assert_eq!(res.header("etag"), Some(etag.as_str()));
    assert!(res.body.is_empty());
    let res = srv
        .send_unchecked(M::HEAD, "/api/openapi.json", &[], Vec::new())
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type"), Some("application/json"));
    assert!(res.body.is_empty());
    let res = srv
        .send_unchecked(M::OPTIONS, "/api/openapi.json", &[], Vec::new())
        .await;
    assert_eq!(res.status, 204);
    assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS"));
    assert_eq!(res.header("content-type"), None);
    assert!(res.body.is_empty());
    for method in [M::POST, M::PATCH, M::DELETE, M::PUT] {
        let res = srv
            .send_unchecked(method.clone(), "/api/openapi.json", &[], b"{}".to_vec())
            .await;
        assert_eq!(res.status, 405, "{method}");
        assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS"));
        assert_eq!(res.header("content-type"), Some("application/vnd.api+json"));
        assert_eq!(
            res.json(),
            crate::common::error_doc(json!({"status": "405", "code": "method_not_allowed",
                "title": "Method not allowed",
                "detail": format!("Method {method} is not allowed on /api/openapi.json; allowed: GET, HEAD, OPTIONS.")}))
        );
    }
}

#[test]
fn the_description_path_is_an_option_e1_4_v1_1() {
    let read = || {
        vec![
            Registered::new::<Person>(ResourceConfig::new()),
            Registered::new::<Article>(ResourceConfig::new()),
            Registered::new::<Comment>(ResourceConfig::new()),
            Registered::new::<Tag>(ResourceConfig::new()),
        ]
    };
    let build = |openapi: Option<&str>| {
        let config = ApiConfig {
            openapi: openapi.map(str::to_owned),
            ..ApiConfig::default()
        };
        Api::new::<diesel::SqliteConnection>(config, read())
    };
    for taken in ["person", "eval", "", "a/b"] {
        assert_eq!(
            build(Some(taken)).err(),
            Some(restless::ConfigError::InvalidOpenApiPath(taken.into())),
            "{taken}"
        );
    }
    let get = |api: &Api, path: &str| {
        let req = restless::core::Request {
            method: "GET",
            mount: "",
            path,
            query: "",
            accept: Some("application/vnd.api+json"),
            content_type: None,
            if_match: None,
            if_none_match: None,
            base: "http://localhost:8080",
            body: b"",
        };
        match api.prepare(&req) {
            restless::core::Prepared::Reply(reply) => reply.status,
            restless::core::Prepared::Run(_) => 0,
        }
    };
    let api = build(Some("describe")).unwrap();
    assert_eq!(get(&api, "/api/describe"), 200);
    assert_eq!(get(&api, "/api/openapi.json"), 404);
    let api = build(None).unwrap();
    assert_eq!(get(&api, "/api/openapi.json"), 404);
}

#[test]
fn strict_names_leave_out_flask_restless_names_d4_1() {
    let read = ResourceConfig::new();
    let doc = described(
        read.clone(),
        read,
        ApiConfig {
            strict_query_names: true,
            jsonp: true,
            ..ApiConfig::default()
        },
    );
    let names: Vec<&str> = doc["paths"]["/api/person"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(names.contains(&"group_by") && names.contains(&"jsonp_callback"));
    for fr in ["group", "ignorecase", "callback"] {
        assert!(!names.contains(&fr), "{fr}");
    }
}
