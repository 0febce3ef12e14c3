//! The API's description as an OpenAPI 3.1 document (E1.4): every route this configuration
//! serves, with its methods, parameters, request bodies and responses, and JSON Schemas of the
//! resource objects and documents, all worked out from the registered types and options.
//! Built with utoipa's OpenAPI model, once, when the API is built.

use utoipa::openapi::path::{OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{AdditionalProperties, SchemaType};
use utoipa::openapi::{
    ArrayBuilder, ComponentsBuilder, ContentBuilder, HttpMethod, InfoBuilder, KnownFormat,
    ObjectBuilder, OneOfBuilder, OpenApi, OpenApiBuilder, PathItem, PathsBuilder, Ref, RefOr,
    Required, ResponseBuilder, Schema, SchemaFormat, Type,
};

use crate::config::{ApiConfig, Method};
use crate::meta::ValueKind;
use crate::schema::Schema as Types;

/// JSON:API's media type, for every request and response body (B1).
const MEDIA: &str = "application/vnd.api+json";

/// The error statuses of a read (S2): a bad query (400), a resource, relationship or
/// `filter[single]` match that does not exist (404), the media types (406, 415, B1, B2) and
/// the server's (500, 503). Application hooks may answer others (U5): the `default` response.
const READ: &[&str] = &["400", "404", "406", "412", "415", "500", "503"];
/// A read that names nothing that could be missing: function evaluation (N). A read's
/// `If-Match` without the answer's tag is 412 (B3.8).
const READ_ALL: &[&str] = &["400", "406", "412", "415", "500", "503"];
/// A write that carries a document: besides a read's, refused by options or scopes (403),
/// conflicting (409) and too large (413).
/// A precondition that fails is 412 (B3.8, B3.10).
const WRITE: &[&str] = &[
    "400", "403", "404", "406", "409", "412", "413", "415", "500", "503",
];
/// Deleting a resource: a write without a document, so never 413.
const DELETE: &[&str] = &[
    "400", "403", "404", "406", "409", "412", "415", "500", "503",
];

/// A cursor (I6.2): opaque URL-safe text.
fn cursor() -> ObjectBuilder {
    string().pattern(Some("^[A-Za-z0-9_-]*$"))
}

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

fn any() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::AnyValue)
}

/// A string with exactly one value.
fn constant(value: &str) -> ObjectBuilder {
    string().enum_values(Some([value.to_owned()]))
}

fn reference(name: &str) -> RefOr<Schema> {
    RefOr::Ref(Ref::from_schema_name(name))
}

/// `schema` or `null` (a type union, OpenAPI 3.1).
fn or_null(schema: impl Into<RefOr<Schema>>) -> RefOr<Schema> {
    OneOfBuilder::new()
        .item(schema)
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .into()
}

/// How a value of `kind` is written (G1, G2); a nullable one is a type union with `null`.
fn value_schema(kind: ValueKind, nullable: bool) -> ObjectBuilder {
    let typed = |t: Type| {
        let union = match nullable {
            true => SchemaType::from_iter([t, Type::Null]),
            false => SchemaType::Type(t),
        };
        ObjectBuilder::new().schema_type(union)
    };
    let integer = |min: i64, max: i64| {
        typed(Type::Integer)
            .minimum(Some(min as f64))
            .maximum(Some(max as f64))
    };
    let text = || typed(Type::String);
    let format = |known: KnownFormat| text().format(Some(SchemaFormat::KnownFormat(known)));
    let pattern = |pattern: &str| text().pattern(Some(pattern));
    match kind {
        ValueKind::SmallInt => integer(i16::MIN.into(), i16::MAX.into()),
        ValueKind::Integer => integer(i32::MIN.into(), i32::MAX.into()),
        ValueKind::BigInt => integer(i64::MIN, i64::MAX),
        // Interval: seconds (G5.1).
        ValueKind::Float | ValueKind::Double | ValueKind::Interval => typed(Type::Number),
        ValueKind::Text | ValueKind::Inet | ValueKind::Cidr | ValueKind::Enum => text(),
        ValueKind::Bool => typed(Type::Boolean),
        ValueKind::Date => format(KnownFormat::Date),
        // Without an offset: not RFC 3339's `time` and `date-time` (G2.1).
        ValueKind::Time => pattern(r"^\d{2}:\d{2}:\d{2}(\.\d{6})?$"),
        ValueKind::Timestamp => pattern(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$"),
        ValueKind::TimestampTz => format(KnownFormat::DateTime),
        ValueKind::Uuid => format(KnownFormat::Uuid),
        // Exact decimals travel as strings (G1.2).
        ValueKind::Numeric { .. } => pattern(r"^-?\d+(\.\d+)?$"),
        ValueKind::Binary => text().format(Some(SchemaFormat::Custom("byte".into()))),
        // Any JSON value, `null` included.
        ValueKind::Json | ValueKind::Jsonb | ValueKind::User(_) => any(),
    }
}

/// What a request document may send for a value of `kind` (G1.1 "accepts"): integers in
/// range, any number where a float, interval (G5.2) or decimal (G1.2) goes, decimals also as
/// strings, dates and times in G3's grammar or as G4's markers, UUIDs in either case; a
/// nullable one also `null`, and for dates, times and intervals an empty string (G3.3).
fn input_schema(kind: ValueKind, nullable: bool) -> ObjectBuilder {
    let union = |types: &[Type]| {
        let mut all: Vec<Type> = types.to_vec();
        if nullable {
            all.push(Type::Null);
        }
        match all.as_slice() {
            [one] => ObjectBuilder::new().schema_type(SchemaType::Type(one.clone())),
            _ => ObjectBuilder::new().schema_type(SchemaType::from_iter(all)),
        }
    };
    // An empty or blank string means null (G3.3): only where null is allowed.
    let blank = if nullable { r"|\s*" } else { "" };
    const DATE: &str = r"\d{4}-\d{1,2}-\d{1,2}";
    const TIME: &str = r"\d{1,2}:\d{2}(:\d{2}(\.\d{1,9})?)?";
    const OFFSET: &str = r"([Zz]|[+-]\d{2}(:?\d{2})?)";
    const MARKERS: &str = "CURRENT_TIMESTAMP|CURRENT_DATE|LOCALTIMESTAMP";
    let temporal = |grammar: String| {
        union(&[Type::String]).pattern(Some(format!("^({grammar}|{MARKERS}{blank})$")))
    };
    let datetime = format!("{DATE}([Tt ]{TIME}{OFFSET}?)?");
    match kind {
        ValueKind::Numeric { .. } => {
            // `pattern` applies to strings only: a JSON number passes as it is.
            union(&[Type::String, Type::Number])
                .pattern(Some(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$"))
        }
        ValueKind::Date | ValueKind::Timestamp | ValueKind::TimestampTz => temporal(datetime),
        ValueKind::Time => temporal(format!("{TIME}|{DATE}[Tt ]{TIME}{OFFSET}?")),
        ValueKind::Interval => match nullable {
            true => union(&[Type::Number, Type::String]).pattern(Some(r"^\s*$")),
            false => union(&[Type::Number]),
        },
        ValueKind::Uuid => union(&[Type::String]).pattern(Some(
            "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$",
        )),
        _ => value_schema(kind, nullable),
    }
}

/// A relationship's linkage in a request document (F3, O, P): identifiers of its target, an
/// array for a to-many, one or `null` for a to-one.
fn linkage_data(types: &Types, t: usize, r: usize) -> RefOr<Schema> {
    let rel = types.rel(t, r);
    let identifier = reference(&format!(
        "{}.identifier-request",
        types.meta(rel.target).type_name
    ));
    match rel.is_to_many() {
        true => ArrayBuilder::new().items(identifier).into(),
        false => or_null(identifier),
    }
}

/// `{"schema": {"$ref": …}}` under JSON:API's media type.
fn content(schema: &str) -> utoipa::openapi::Content {
    ContentBuilder::new()
        .schema(Some(reference(schema)))
        .build()
}

/// The JSON text of the API's OpenAPI document.
pub(crate) fn document(
    config: &ApiConfig,
    types: &Types,
    prefix_of: impl Fn(usize) -> String,
) -> String {
    let doc = build(config, types, prefix_of);
    doc.to_json().unwrap_or_default()
}

fn build(config: &ApiConfig, types: &Types, prefix_of: impl Fn(usize) -> String) -> OpenApi {
    let mut components = ComponentsBuilder::new()
        .schema("errors", errors_schema())
        .schema(
            "evaluation",
            ObjectBuilder::new()
                .property("meta", ObjectBuilder::new())
                .property("jsonapi", jsonapi())
                .required("meta"),
        );
    components = components.schema("root", root_schema());
    // The root (E5): the manager's prefix, `/` when it is empty.
    let root = match config.prefix.as_str() {
        "" => "/",
        prefix => prefix,
    };
    let get = operation(
        "The API's root: every type's primary key and collection URL (E5).".to_owned(),
        "200",
        Some("root".to_owned()),
        READ_ALL,
        Vec::new(),
        None,
    );
    let mut paths = PathsBuilder::new().path(root, PathItem::new(HttpMethod::Get, get));
    let all: Vec<&str> = (0..types.types.len())
        .map(|t| types.meta(t).type_name)
        .collect();
    for t in 0..types.types.len() {
        for (schema_name, schema) in type_schemas(types, t, &all) {
            components = components.schema(schema_name, schema);
        }
        paths = type_paths(paths, config, types, t, &prefix_of(t), &all);
    }
    let mut paths = paths.build();
    not_modified(&mut paths);
    if config.jsonp {
        jsonp(config, &mut paths);
    }
    if config.html_view {
        html_view(&mut paths);
    }
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("restless JSON:API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Generated by restless from the registered types and options (E1.4).",
                )),
        )
        .paths(paths)
        .components(Some(components.build()))
        .build()
}

/// Every `GET` answers `If-None-Match` with its tag 304, without a body (B3.8).
fn not_modified(paths: &mut utoipa::openapi::Paths) {
    let response = ResponseBuilder::new()
        .description("Not modified: `If-None-Match` names the answer's `ETag` (B3.8).")
        .build();
    for item in paths.paths.values_mut() {
        if let Some(get) = item.get.as_mut() {
            get.responses
                .responses
                .insert("304".to_owned(), RefOr::T(response.clone()));
        }
    }
}

/// With JSONP on (T1), every operation takes the callback, and answers a wrapped document with
/// 200 whatever the document's status (T1.4): `application/javascript` under 200.
fn jsonp(config: &ApiConfig, paths: &mut utoipa::openapi::Paths) {
    let wrapped = ContentBuilder::new()
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .description(Some(
                    "With a callback: `callback(document)`, the document this operation answers \
                     for its own status, with that status in `meta.status` (T1.4, T1.5).",
                )),
        ))
        .build();
    let callback = query_parameter(
        "jsonp_callback",
        "Wrap the answer in this JavaScript function call (T).",
        string(),
    );
    let parameters: Vec<_> = with_fr_names(config, vec![callback])
        .into_iter()
        .map(ParameterBuilder::build)
        .collect();
    for item in paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.post,
            &mut item.patch,
            &mut item.delete,
        ];
        for op in operations.into_iter().flatten() {
            op.parameters
                .get_or_insert_with(Vec::new)
                .extend(parameters.iter().cloned());
            let ok = op
                .responses
                .responses
                .entry("200".to_owned())
                .or_insert_with(|| {
                    RefOr::T(
                        ResponseBuilder::new()
                            .description("Any answer, wrapped in the callback (T1.4).")
                            .build(),
                    )
                });
            if let RefOr::T(ok) = ok {
                ok.content
                    .insert("application/javascript".into(), wrapped.clone());
            }
        }
    }
}

/// Every answer to a `GET` may also be the HTML view of its document (B1.4): `text/html`
/// beside JSON:API's media type.
fn html_view(paths: &mut utoipa::openapi::Paths) {
    let page = ContentBuilder::new()
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .description(Some(
                    "The HTML view of the same document, for a browser (B1.4): sent when \
                     Accept names text/html and does not name application/vnd.api+json.",
                )),
        ))
        .build();
    for item in paths.paths.values_mut() {
        let Some(get) = item.get.as_mut() else {
            continue;
        };
        for (status, response) in get.responses.responses.iter_mut() {
            // The page is for a request that does not name JSON:API's media type: never 406.
            if status == "406" {
                continue;
            }
            if let RefOr::T(response) = response {
                if response.content.contains_key(MEDIA) {
                    response.content.insert("text/html".into(), page.clone());
                }
            }
        }
    }
}

/// S's error document.
fn errors_schema() -> ObjectBuilder {
    let error = ObjectBuilder::new()
        .property("id", string())
        .property("status", string())
        .property("code", string())
        .property("title", string())
        .property("detail", string())
        .property(
            "source",
            ObjectBuilder::new()
                .property("pointer", string())
                .property("parameter", string()),
        )
        // Every member is optional (an application's hook may set only a status, U5).
        .property("meta", ObjectBuilder::new());
    ObjectBuilder::new()
        .property(
            "errors",
            ArrayBuilder::new().items(error).min_items(Some(1)),
        )
        .property("meta", ObjectBuilder::new())
        .property("jsonapi", jsonapi())
        .required("errors")
}

/// The root document (E5): no data, a `self` link, and `meta.modelinfo` by type.
fn root_schema() -> ObjectBuilder {
    let info = ObjectBuilder::new()
        .property("primarykey", string())
        .property(
            "url",
            string().format(Some(SchemaFormat::Custom("uri".into()))),
        )
        .required("primarykey")
        .required("url");
    let modelinfo = ObjectBuilder::new().additional_properties(Some(info));
    ObjectBuilder::new()
        .property("data", ObjectBuilder::new().schema_type(Type::Null))
        .property("links", links(&["self"], false).required("self"))
        .property(
            "meta",
            ObjectBuilder::new()
                .property("modelinfo", modelinfo)
                .required("modelinfo"),
        )
        .property("jsonapi", jsonapi())
        .required("data")
        .required("links")
        .required("meta")
}

fn jsonapi() -> ObjectBuilder {
    ObjectBuilder::new().property("version", constant("1.0"))
}

fn links(names: &[&str], nullable: bool) -> ObjectBuilder {
    let mut links = ObjectBuilder::new();
    for name in names {
        let url = string().format(Some(SchemaFormat::Custom("uri".into())));
        // `last` is null on uncounted cursor pages (I6.5).
        links = match nullable && *name != "self" && *name != "first" {
            true => links.property(*name, or_null(url)),
            false => links.property(*name, url),
        };
    }
    links
}

/// Any resource object of the API: what `included` holds (L).
fn any_resource(all: &[&str]) -> RefOr<Schema> {
    let mut one_of = OneOfBuilder::new();
    for name in all {
        one_of = one_of.item(reference(name));
    }
    one_of.into()
}

/// The component schemas of type `t`: its resource object, its identifier, and the documents
/// of one resource, of a page of them, and of linkage.
fn type_schemas(types: &Types, t: usize, all: &[&str]) -> Vec<(String, RefOr<Schema>)> {
    let meta = types.meta(t);
    let name = meta.type_name;
    let set = types.full_set(t);
    // A serialization hook shapes the object as it likes (V6.1).
    let hooked = types.types[t].config.serialization.is_some();
    let mut attributes = ObjectBuilder::new()
        .additional_properties(Some(AdditionalProperties::<Schema>::FreeForm(hooked)));
    for &i in &set.attributes {
        let field = &meta.fields[i];
        attributes = attributes.property(field.name, value_schema(field.kind(), field.nullable));
    }
    for c in types.computed(t) {
        attributes = attributes.property(c.name, any().read_only(Some(true)));
    }
    let mut relationships = ObjectBuilder::new();
    for &r in &set.relationships {
        relationships = relationships.property(
            types.rel(t, r).name,
            ObjectBuilder::new()
                .property("links", links(&["self", "related"], false))
                .property("data", linkage_data(types, t, r)),
        );
    }
    let resource = ObjectBuilder::new()
        .property("type", constant(name))
        .property("id", string())
        .property("attributes", attributes)
        .property("relationships", relationships)
        .property("links", links(&["self"], false))
        .property("meta", ObjectBuilder::new())
        .required("type")
        .required("id");
    let identifier = ObjectBuilder::new()
        .property("type", constant(name))
        .property("id", string())
        .property("meta", ObjectBuilder::new())
        .required("type")
        .required("id")
        .additional_properties(Some(AdditionalProperties::<Schema>::FreeForm(false)));
    let included = || ArrayBuilder::new().items(any_resource(all));
    let one = ObjectBuilder::new()
        .property("data", or_null(reference(name)))
        .property("links", links(&["self", "related"], false))
        .property("included", included())
        .property("meta", ObjectBuilder::new())
        .property("jsonapi", jsonapi())
        .required("data");
    let many = ObjectBuilder::new()
        .property("data", ArrayBuilder::new().items(reference(name)))
        .property(
            "links",
            links(&["self", "related", "first", "last", "prev", "next"], true),
        )
        .property("included", included())
        .property(
            "meta",
            ObjectBuilder::new().property(
                "total",
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(0.0)),
            ),
        )
        .property("jsonapi", jsonapi())
        .required("data");
    let identifiers = |data: RefOr<Schema>| {
        ObjectBuilder::new()
            .property("data", data)
            .property(
                "links",
                links(&["self", "related", "first", "last", "prev", "next"], true),
            )
            .property("meta", ObjectBuilder::new())
            .property("jsonapi", jsonapi())
            .required("data")
    };
    let id_ref = reference(&format!("{name}.identifier"));
    // What a request may send: an identifier whose other members are ignored.
    let sent = ObjectBuilder::new()
        .property("type", constant(name))
        .property("id", string())
        .property("meta", ObjectBuilder::new())
        .required("type")
        .required("id");
    let sent_ref = reference(&format!("{name}.identifier-request"));
    let linkage_request = |data: RefOr<Schema>| {
        ObjectBuilder::new()
            .property("data", data)
            .property("meta", ObjectBuilder::new())
            .property("jsonapi", jsonapi())
            .required("data")
    };
    vec![
        (name.to_owned(), resource.into()),
        (format!("{name}.identifier"), identifier.into()),
        (format!("{name}.document"), one.into()),
        (format!("{name}.collection"), many.into()),
        (
            format!("{name}.linkage-page"),
            OneOfBuilder::new()
                .item(reference(&format!("{name}.to-many")))
                .item(reference(&format!("{name}.to-one")))
                .into(),
        ),
        // A page, or with `filter[single]` one resource (H7).
        (
            format!("{name}.page"),
            OneOfBuilder::new()
                .item(reference(&format!("{name}.collection")))
                .item(reference(&format!("{name}.document")))
                .into(),
        ),
        (
            format!("{name}.to-one"),
            identifiers(or_null(id_ref.clone())).into(),
        ),
        (
            format!("{name}.to-many"),
            identifiers(ArrayBuilder::new().items(id_ref).into()).into(),
        ),
        (format!("{name}.identifier-request"), sent.into()),
        (
            format!("{name}.to-one-request"),
            linkage_request(or_null(sent_ref.clone())).into(),
        ),
        (
            format!("{name}.to-many-request"),
            linkage_request(ArrayBuilder::new().items(sent_ref).into()).into(),
        ),
        (
            format!("{name}.create"),
            request_schema(types, t, true).into(),
        ),
        (
            format!("{name}.update"),
            request_schema(types, t, false).into(),
        ),
    ]
}

/// A document a client sends to create (`create`) or update a resource of type `t` (O, P):
/// the type fixed, attributes by kind, relationships as linkage to their targets. A creation
/// must set every NOT NULL attribute without a database default (O3.1), and may name its id
/// only where client ids are allowed (O4); an update names its id (P1.1).
fn request_schema(types: &Types, t: usize, create: bool) -> ObjectBuilder {
    let meta = types.meta(t);
    let set = types.full_set(t);
    let mut attributes = ObjectBuilder::new();
    let mut required = 0;
    for &i in &set.attributes {
        let field = &meta.fields[i];
        attributes = attributes.property(field.name, input_schema(field.kind(), field.nullable));
        if create && !field.nullable && !field.has_default {
            attributes = attributes.required(field.name);
            required += 1;
        }
    }
    let mut relationships = ObjectBuilder::new();
    for &r in &set.relationships {
        relationships = relationships.property(
            types.rel(t, r).name,
            ObjectBuilder::new()
                .property("data", linkage_data(types, t, r))
                .required("data"),
        );
    }
    let mut resource = ObjectBuilder::new()
        .property("type", constant(meta.type_name))
        .required("type");
    if !create || types.types[t].config.allow_client_generated_ids {
        resource = resource.property("id", string());
    }
    if !create {
        resource = resource.required("id");
    }
    resource = resource
        .property("attributes", attributes)
        .property("relationships", relationships);
    if required > 0 {
        resource = resource.required("attributes");
    }
    ObjectBuilder::new()
        .property("data", resource)
        .required("data")
}

fn path_parameter(name: &str) -> ParameterBuilder {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .schema(Some(string()))
}

fn query_parameter(name: &str, description: &str, schema: ObjectBuilder) -> ParameterBuilder {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(schema))
}

/// The operation of `method` answering `ok` with `content` (a component's name; none for
/// 204), and the error documents `errors` may name.
fn operation(
    summary: String,
    ok: &str,
    content_schema: Option<String>,
    errors: &[&str],
    parameters: Vec<ParameterBuilder>,
    body: Option<String>,
) -> OperationBuilder {
    let mut op = OperationBuilder::new().summary(Some(summary));
    for p in parameters {
        op = op.parameter(p);
    }
    let response = ResponseBuilder::new().description("Success.");
    let response = match content_schema {
        Some(schema) => response.content(MEDIA, content(&schema)),
        None => response,
    };
    op = op.response(ok, response.build());
    let error = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content(MEDIA, content("errors"))
            .build()
    };
    for status in errors {
        op = op.response(*status, error("An error document (S)."));
    }
    // What an application's hook answers (U5): any status, an error document.
    op = op.response(
        "default",
        error("An error document from the application's hooks (U5)."),
    );
    if let Some(schema) = body {
        op = op.request_body(Some(
            RequestBodyBuilder::new()
                .required(Some(Required::True))
                .content(MEDIA, content(&schema))
                .build(),
        ));
    }
    op
}

/// The query parameters of a read of `t`'s resources (D, H1.3): `include`, `fields[…]`, and
/// for collections sorting, filtering, grouping and pages.
fn read_parameters(
    config: &ApiConfig,
    types: &Types,
    t: usize,
    collection: bool,
    all: &[&str],
) -> Vec<ParameterBuilder> {
    let mut params = vec![query_parameter(
        "include",
        "Relationship paths to include, comma-separated (L).",
        string(),
    )];
    for name in all {
        params.push(query_parameter(
            &format!("fields[{name}]"),
            "The fields to show of this type, comma-separated (K).",
            string(),
        ));
    }
    if collection {
        let c = &types.types[t].config;
        let mut size = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(1.0))
            .default(Some(c.page_size.into()));
        if c.max_page_size > 0 {
            size = size.maximum(Some(f64::from(c.max_page_size)));
        }
        params.extend([
            query_parameter(
                "sort",
                "Sort fields, comma-separated; `-` descends (J).",
                string(),
            ),
            query_parameter("group_by", "Group fields, comma-separated (J2).", string()),
            query_parameter(
                "filter[objects]",
                "A JSON array of filter objects (M).",
                string(),
            ),
            query_parameter(
                "page[number]",
                "The page, from 1 (I).",
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(1.0)),
            ),
            query_parameter("page[size]", "Resources per page (I).", size),
            query_parameter(
                "page[after]",
                "The page after this cursor, from a `next` link; empty for the first page \
                 (I6). Not with `page[number]` or `page[before]`.",
                cursor(),
            ),
            query_parameter(
                "page[before]",
                "The page before this cursor, from a `prev` link; empty for the last page \
                 (I6). Not with `page[number]` or `page[after]`.",
                cursor(),
            ),
            query_parameter(
                "filter[single]",
                "1: the one matching resource instead of a page (H7).",
                string().enum_values(Some(["0", "1"])),
            ),
            query_parameter(
                "ignore_case",
                "1: sort text without regard to case (J1.8).",
                string().enum_values(Some(["0", "1"])),
            ),
        ]);
        // Simple filters: a field, or a relationship's ids, among comma-separated values (M7).
        let meta = types.meta(t);
        let set = types.full_set(t);
        let names = set
            .attributes
            .iter()
            .map(|&i| meta.fields[i].name)
            .chain(set.relationships.iter().map(|&r| types.rel(t, r).name));
        for name in names {
            params.push(query_parameter(
                &format!("filter[{name}]"),
                "Comma-separated values the field (or a related id) must be one of (M7).",
                string(),
            ));
        }
    }
    with_fr_names(config, params)
}

/// Flask-Restless's names of four parameters, accepted beside the spec's unless
/// `strict_query_names` (D4.1): each described after its spec-conforming twin.
fn with_fr_names(config: &ApiConfig, params: Vec<ParameterBuilder>) -> Vec<ParameterBuilder> {
    const FR: [(&str, &str); 4] = [
        ("group_by", "group"),
        ("ignore_case", "ignorecase"),
        ("jsonp_callback", "callback"),
        ("eval_functions", "functions"),
    ];
    if config.strict_query_names {
        return params;
    }
    let mut all = Vec::with_capacity(params.len() + FR.len());
    for p in params {
        let built = p.build();
        let twin = FR
            .iter()
            .find(|(spec, _)| *spec == built.name)
            .map(|(_, fr)| *fr);
        let schema = built.schema.clone();
        all.push(ParameterBuilder::from(built));
        if let Some(fr) = twin {
            let mut alias = ParameterBuilder::new()
                .name(fr)
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(
                    "Flask-Restless's name of the parameter before it; never both (D4.1).",
                ));
            alias = alias.schema(schema);
            all.push(alias);
        }
    }
    all
}

fn type_paths(
    mut paths: PathsBuilder,
    config: &ApiConfig,
    types: &Types,
    t: usize,
    prefix: &str,
    all: &[&str],
) -> PathsBuilder {
    let c = &types.types[t].config;
    let name = types.meta(t).type_name;
    let base = format!("{prefix}/{name}");
    let id = || path_parameter("id");
    if c.allows(Method::Get) {
        let get = operation(
            format!("The {name} collection (H1)."),
            "200",
            Some(format!("{name}.page")),
            READ,
            read_parameters(config, types, t, true, all),
            None,
        );
        paths = paths.path(&base, PathItem::new(HttpMethod::Get, get));
        let mut params = vec![id()];
        params.extend(read_parameters(config, types, t, false, all));
        let get = operation(
            format!("One {name} (H2)."),
            "200",
            Some(format!("{name}.document")),
            READ,
            params,
            None,
        );
        paths = paths.path(
            format!("{base}/{{id}}"),
            PathItem::new(HttpMethod::Get, get),
        );
    }
    if c.allows(Method::Post) {
        let post = operation(
            format!("Creates a {name} (O)."),
            "201",
            Some(format!("{name}.document")),
            WRITE,
            Vec::new(),
            Some(format!("{name}.create")),
        );
        paths = paths.path(&base, PathItem::new(HttpMethod::Post, post));
    }
    if c.allows(Method::Patch) {
        let patch = operation(
            format!("Updates a {name} (P)."),
            "200",
            Some(format!("{name}.document")),
            WRITE,
            vec![id()],
            Some(format!("{name}.update")),
        )
        .response(
            "204",
            ResponseBuilder::new()
                .description("Updated as sent.")
                .build(),
        );
        paths = paths.path(
            format!("{base}/{{id}}"),
            PathItem::new(HttpMethod::Patch, patch),
        );
    }
    if c.allows(Method::Delete) {
        let delete = operation(
            format!("Deletes a {name} (Q)."),
            "204",
            None,
            DELETE,
            vec![id()],
            None,
        );
        paths = paths.path(
            format!("{base}/{{id}}"),
            PathItem::new(HttpMethod::Delete, delete),
        );
    }
    let set = types.full_set(t);
    for &r in &set.relationships {
        let rel = types.rel(t, r);
        let target = types.meta(rel.target).type_name;
        let related = format!("{base}/{{id}}/{}", rel.name);
        let relationship = format!("{base}/{{id}}/relationships/{}", rel.name);
        if c.allows(Method::Get) {
            let (content, collection) = match rel.is_to_many() {
                true => (format!("{target}.page"), true),
                false => (format!("{target}.document"), false),
            };
            let mut params = vec![id()];
            params.extend(read_parameters(config, types, rel.target, collection, all));
            let get = operation(
                format!(
                    "The {target} related to a {name} through {} (H3).",
                    rel.name
                ),
                "200",
                Some(content),
                READ,
                params,
                None,
            );
            paths = paths.path(&related, PathItem::new(HttpMethod::Get, get));
            if rel.is_to_many() {
                let mut params = vec![id(), path_parameter("rid")];
                params.extend(read_parameters(config, types, rel.target, false, all));
                let get = operation(
                    format!("One {target} of a {name}'s {} (H5).", rel.name),
                    "200",
                    Some(format!("{target}.document")),
                    READ,
                    params,
                    None,
                );
                paths = paths.path(
                    format!("{related}/{{rid}}"),
                    PathItem::new(HttpMethod::Get, get),
                );
            }
            // With `filter[single]`, one identifier (H7).
            let linkage = match rel.is_to_many() {
                true => format!("{target}.linkage-page"),
                false => format!("{target}.to-one"),
            };
            let mut params = vec![id()];
            params.extend(read_parameters(
                config,
                types,
                rel.target,
                rel.is_to_many(),
                all,
            ));
            let get = operation(
                format!("The linkage of a {name}'s {} (H6).", rel.name),
                "200",
                Some(linkage.clone()),
                READ,
                params,
                None,
            );
            paths = paths.path(&relationship, PathItem::new(HttpMethod::Get, get));
        }
        if c.allows(Method::Patch) {
            let linkage = match rel.is_to_many() {
                true => format!("{target}.to-many-request"),
                false => format!("{target}.to-one-request"),
            };
            // Served whenever the owner takes PATCH (R0.1); options refuse with 403 (R2.1, R4.1).
            let mut methods = vec![(HttpMethod::Patch, "Replaces")];
            if rel.is_to_many() {
                methods.push((HttpMethod::Post, "Adds to"));
                methods.push((HttpMethod::Delete, "Removes from"));
            }
            for (method, verb) in methods {
                let op = operation(
                    format!("{verb} a {name}'s {} (R).", rel.name),
                    "204",
                    None,
                    WRITE,
                    vec![id()],
                    Some(linkage.clone()),
                );
                paths = paths.path(&relationship, PathItem::new(method, op));
            }
        }
    }
    if c.allow_functions && c.allows(Method::Get) {
        let mut params = vec![query_parameter(
            "eval_functions",
            "A JSON array of functions to evaluate (N); this or `functions` is required.",
            string(),
        )];
        params.push(query_parameter(
            "filter[objects]",
            "A JSON array of filter objects (M).",
            string(),
        ));
        let params = with_fr_names(config, params);
        let get = operation(
            format!("Evaluates functions over the {name} collection (N)."),
            "200",
            Some("evaluation".to_owned()),
            READ_ALL,
            params,
            None,
        );
        paths = paths.path(
            format!("{prefix}/eval/{name}"),
            PathItem::new(HttpMethod::Get, get),
        );
    }
    paths
}
