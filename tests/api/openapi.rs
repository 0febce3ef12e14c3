//! The API's OpenAPI description (issue 14, E1.4; served from a later step): valid against the
//! official OpenAPI 3.1 schema, and describing exactly the routes, methods and fields this
//! configuration serves.

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
}

#[test]
fn without_jsonp_there_is_no_callback_parameter_t1_1() {
    let read = ResourceConfig::new();
    let doc = described(read.clone(), read, ApiConfig::default());
    let parameters = doc["paths"]["/api/person"]["get"]["parameters"]
        .as_array()
        .unwrap();
    assert!(!parameters.iter().any(|p| p["name"] == "jsonp_callback"));
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

/// The blog's description, as the example serves it, written to `target/openapi/blog.json`
/// for `.ci/run` to lint with a tool from outside Rust (openapi-spec-validator).
#[test]
fn the_blog_description_is_written_for_the_linter() {
    let config = ResourceConfig::new()
        .methods([Method::Get, Method::Post, Method::Patch, Method::Delete])
        .allow_functions(true)
        .allow_to_many_replacement(true)
        .allow_delete_from_to_many_relationships(true);
    let doc = described(
        config.clone(),
        config,
        ApiConfig {
            jsonp: true,
            ..ApiConfig::default()
        },
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/openapi");
    std::fs::create_dir_all(&dir).expect("target/openapi");
    std::fs::write(
        dir.join("blog.json"),
        serde_json::to_string_pretty(&doc).unwrap(),
    )
    .expect("blog.json");
}
