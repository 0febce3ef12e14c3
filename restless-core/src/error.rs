//! The one error type of restless and its rendering as JSON:API error objects.

use serde::Serialize;

/// Every error code a restless service answers with (catalog S2), with its status and title.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// 404: no route matches the path (E2).
    RouteNotFound,
    /// 404: no resource with that id (E4.1, H2.2).
    ResourceNotFound,
    /// 404: the type has no relationship of that name (H3.3).
    RelationshipNotFound,
    /// 404: the related resource is not a member of the relationship (H5.2).
    RelatedResourceNotFound,
    /// 404: a to-one relationship addressed by member id (H5.2).
    NotToMany,
    /// 404: `filter[single]=1` matched nothing (H7.3).
    SingleNotFound,
    /// 404: `filter[single]=1` matched more than one resource (H7.3).
    SingleNotUnique,
    /// 405: the method is not enabled on the route (E3).
    MethodNotAllowed,
    /// 406: the Accept header excludes the JSON:API media type (B1.2).
    NotAcceptable,
    /// 413: the request body is too large (A3.5).
    PayloadTooLarge,
    /// 415: the request Content-Type is wrong (B2).
    UnsupportedMediaType,
    /// 400: a query parameter value or name is malformed (D1.1, D2.3, H7.1, J1.8).
    InvalidQueryParameter,
    /// 400: an all-lowercase parameter restless does not know (D3.1).
    UnknownQueryParameter,
    /// 400: a known parameter this endpoint does not take (D2.2).
    UnsupportedQueryParameter,
    /// 400: a parameter given twice (D1.2, D4.1).
    RepeatedQueryParameter,
    /// 400: a bad `page[number]` or `page[size]` (I1.3, I2.1).
    InvalidPage,
    /// 400: a bad JSONP callback name (T1.2).
    InvalidCallback,
    /// 400: a bad `sort` (J1.5).
    InvalidSort,
    /// 400: a bad `group_by` (J2.2).
    InvalidGroupBy,
    /// 400: a bad `fields[TYPE]` (K1.4).
    InvalidFields,
    /// 400: a bad `include` (L1.2, L1.3, L1.8).
    InvalidInclude,
    /// 400: a bad filter (M).
    InvalidFilter,
    /// 400: a bad function list (N2.2).
    InvalidFunctions,
    /// 500: an unexpected failure (S3.1).
    InternalError,
    /// 503: the database is temporarily unavailable (S3.2).
    ServiceUnavailable,
}

impl ErrorCode {
    /// The HTTP status of this code.
    pub fn status(self) -> u16 {
        use ErrorCode::*;
        match self {
            RouteNotFound
            | ResourceNotFound
            | RelationshipNotFound
            | RelatedResourceNotFound
            | NotToMany
            | SingleNotFound
            | SingleNotUnique => 404,
            MethodNotAllowed => 405,
            NotAcceptable => 406,
            PayloadTooLarge => 413,
            UnsupportedMediaType => 415,
            InvalidQueryParameter
            | UnknownQueryParameter
            | UnsupportedQueryParameter
            | RepeatedQueryParameter
            | InvalidPage
            | InvalidCallback
            | InvalidSort
            | InvalidGroupBy
            | InvalidFields
            | InvalidInclude
            | InvalidFilter
            | InvalidFunctions => 400,
            InternalError => 500,
            ServiceUnavailable => 503,
        }
    }

    /// The code as written in error objects, e.g. `route_not_found`.
    pub fn as_str(self) -> &'static str {
        use ErrorCode::*;
        match self {
            RouteNotFound => "route_not_found",
            ResourceNotFound => "resource_not_found",
            RelationshipNotFound => "relationship_not_found",
            RelatedResourceNotFound => "related_resource_not_found",
            NotToMany => "not_to_many",
            SingleNotFound => "single_not_found",
            SingleNotUnique => "single_not_unique",
            MethodNotAllowed => "method_not_allowed",
            NotAcceptable => "not_acceptable",
            PayloadTooLarge => "payload_too_large",
            UnsupportedMediaType => "unsupported_media_type",
            InvalidQueryParameter => "invalid_query_parameter",
            UnknownQueryParameter => "unknown_query_parameter",
            UnsupportedQueryParameter => "unsupported_query_parameter",
            RepeatedQueryParameter => "repeated_query_parameter",
            InvalidPage => "invalid_page",
            InvalidCallback => "invalid_callback",
            InvalidSort => "invalid_sort",
            InvalidGroupBy => "invalid_group_by",
            InvalidFields => "invalid_fields",
            InvalidInclude => "invalid_include",
            InvalidFilter => "invalid_filter",
            InvalidFunctions => "invalid_functions",
            InternalError => "internal_error",
            ServiceUnavailable => "service_unavailable",
        }
    }

    /// The fixed title of this code (S2).
    pub fn title(self) -> &'static str {
        use ErrorCode::*;
        match self {
            RouteNotFound => "Not found",
            ResourceNotFound => "Resource not found",
            RelationshipNotFound => "Relationship not found",
            RelatedResourceNotFound => "Related resource not found",
            NotToMany => "Not a to-many relationship",
            SingleNotFound => "No matching resource",
            SingleNotUnique => "More than one matching resource",
            MethodNotAllowed => "Method not allowed",
            NotAcceptable => "Not acceptable",
            PayloadTooLarge => "Payload too large",
            UnsupportedMediaType => "Unsupported media type",
            InvalidQueryParameter => "Invalid query parameter",
            UnknownQueryParameter => "Unknown query parameter",
            UnsupportedQueryParameter => "Unsupported query parameter",
            RepeatedQueryParameter => "Repeated query parameter",
            InvalidPage => "Invalid pagination parameter",
            InvalidCallback => "Invalid JSONP callback",
            InvalidSort => "Invalid sort parameter",
            InvalidGroupBy => "Invalid group_by parameter",
            InvalidFields => "Invalid sparse fieldset",
            InvalidInclude => "Invalid include parameter",
            InvalidFilter => "Invalid filter",
            InvalidFunctions => "Invalid function list",
            InternalError => "Internal server error",
            ServiceUnavailable => "Service unavailable",
        }
    }
}

/// Where an error points (S1.2): a query parameter or a JSON pointer into the request document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorSource {
    /// `{"parameter": name}`: the query parameter as the request spelled it.
    Parameter(String),
    /// `{"pointer": "/data/attributes/title"}`: an RFC 6901 pointer.
    Pointer(String),
}

/// A JSON:API error object (S1.2). Absent members are omitted, never `null`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ErrorObject {
    /// Random id, present on 5xx errors only (S3.1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The HTTP status as a string.
    pub status: String,
    /// The restless error code.
    pub code: &'static str,
    /// The fixed title of the code.
    pub title: &'static str,
    /// The occurrence-specific sentence.
    pub detail: String,
    /// What the error points at, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<ErrorSource>,
}

/// Everything that can go wrong while answering a request.
///
/// [`Error::status`] and [`Error::to_error_object`] are the only code that turns an error into
/// JSON:API; the actix glue wraps this type and renders it as an error document.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The path matches no route (E2.1). 404 `route_not_found`.
    #[error("No endpoint matches {path}.")]
    RouteNotFound {
        /// The request path.
        path: String,
    },
    /// The route exists but the method is not enabled (E3). 405 `method_not_allowed`.
    #[error("Method {method} is not allowed on {path}; allowed: {allow}.")]
    MethodNotAllowed {
        /// The request method.
        method: String,
        /// The request path.
        path: String,
        /// The `Allow` list, e.g. `GET, HEAD, OPTIONS`.
        allow: String,
    },
    /// No resource of the type has that id, or the id does not parse (E4.1, H2.2). 404.
    #[error("No resource of type \"{type_name}\" with id \"{id}\".")]
    ResourceNotFound {
        /// The JSON:API type.
        type_name: String,
        /// The id as requested.
        id: String,
    },
    /// The type has no relationship with that name (H3.3). 404 `relationship_not_found`.
    #[error("Type \"{type_name}\" has no relationship named \"{name}\".")]
    RelationshipNotFound {
        /// The JSON:API type.
        type_name: String,
        /// The requested relationship name.
        name: String,
    },
    /// Another 404 of the catalog (H5.2, H7.3): `related_resource_not_found`, `not_to_many`,
    /// `single_not_found`, `single_not_unique`.
    #[error("{detail}")]
    Missing {
        /// One of the 404 codes of S2.
        code: ErrorCode,
        /// The sentence for the client.
        detail: String,
    },
    /// The Accept header rules out the JSON:API media type (B1.2). 406 `not_acceptable`.
    #[error("{}", if *.only_with_parameters {
        "The Accept header lists application/vnd.api+json only with media type parameters."
    } else {
        "The Accept header does not allow application/vnd.api+json."
    })]
    NotAcceptable {
        /// Rule 1 of B1.2 (every JSON:API range carries parameters) rather than rule 2.
        only_with_parameters: bool,
    },
    /// The request Content-Type is not the bare JSON:API media type (B2). 415.
    #[error("{}", if *.has_parameters {
        "Content-Type application/vnd.api+json must not have media type parameters."
    } else {
        "The request must have Content-Type: application/vnd.api+json."
    })]
    UnsupportedMediaType {
        /// The JSON:API media type was sent with parameters.
        has_parameters: bool,
    },
    /// A query parameter is wrong (D, I, T): 400 with `source.parameter` and the given code.
    #[error("{detail}")]
    BadQuery {
        /// One of the 400 codes of S2.
        code: ErrorCode,
        /// The parameter name as the request spelled it.
        parameter: String,
        /// The sentence for the client.
        detail: String,
    },
    /// A database error that is not the client's fault (S3.1). 500, cause logged, never shown.
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
    /// No database connection could be had in time (S3.2). 503.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A broken invariant or a panic in blocking work (S3.1). 500, cause logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

const INTERNAL_DETAIL: &str = "The server encountered an unexpected condition.";
const UNAVAILABLE_DETAIL: &str =
    "The server is temporarily unable to handle the request; retry later.";

impl Error {
    /// A 400 about query parameter `parameter`.
    pub fn bad_query(
        code: ErrorCode,
        parameter: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Error::BadQuery {
            code,
            parameter: parameter.into(),
            detail: detail.into(),
        }
    }

    /// The error code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::RouteNotFound { .. } => ErrorCode::RouteNotFound,
            Error::MethodNotAllowed { .. } => ErrorCode::MethodNotAllowed,
            Error::ResourceNotFound { .. } => ErrorCode::ResourceNotFound,
            Error::RelationshipNotFound { .. } => ErrorCode::RelationshipNotFound,
            Error::NotAcceptable { .. } => ErrorCode::NotAcceptable,
            Error::UnsupportedMediaType { .. } => ErrorCode::UnsupportedMediaType,
            Error::BadQuery { code, .. } | Error::Missing { code, .. } => *code,
            Error::Database(e) if is_transient(e) => ErrorCode::ServiceUnavailable,
            Error::Unavailable(_) => ErrorCode::ServiceUnavailable,
            Error::Database(_) | Error::Internal(_) => ErrorCode::InternalError,
        }
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> u16 {
        self.code().status()
    }

    /// The JSON:API error object for this error. For 5xx errors a random `id` is chosen and the
    /// cause is logged at error level with it; the object says nothing about the cause.
    pub fn to_error_object(&self) -> ErrorObject {
        let code = self.code();
        let (detail, id) = match code {
            ErrorCode::InternalError | ErrorCode::ServiceUnavailable => {
                let id = uuid::Uuid::new_v4().to_string();
                log::error!("request failed [{id}]: {self}");
                let detail = if code == ErrorCode::InternalError {
                    INTERNAL_DETAIL
                } else {
                    UNAVAILABLE_DETAIL
                };
                (detail.to_owned(), Some(id))
            }
            _ => (self.to_string(), None),
        };
        let source = match self {
            Error::BadQuery { parameter, .. } => Some(ErrorSource::Parameter(parameter.clone())),
            _ => None,
        };
        ErrorObject {
            id,
            status: code.status().to_string(),
            code: code.as_str(),
            title: code.title(),
            detail,
            source,
        }
    }

    /// The whole error document (S1.1) for this error.
    pub fn to_document(&self) -> serde_json::Value {
        serde_json::json!({
            "errors": [self.to_error_object()],
            "jsonapi": {"version": "1.0"},
        })
    }
}

/// Deadlocks and serialization failures are worth a retry: 503 rather than 500 (S3.2).
fn is_transient(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error as D};
    matches!(
        e,
        D::DatabaseError(DatabaseErrorKind::SerializationFailure, _)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn route_miss_renders_as_the_catalog_shows_e2_2() {
        let e = Error::RouteNotFound {
            path: "/api/person/".into(),
        };
        assert_eq!(e.status(), 404);
        assert_eq!(
            e.to_document(),
            json!({"errors": [{"status": "404", "code": "route_not_found", "title": "Not found",
                "detail": "No endpoint matches /api/person/."}], "jsonapi": {"version": "1.0"}})
        );
    }

    #[test]
    fn bad_query_points_at_the_parameter_s1_2() {
        let e = Error::bad_query(
            ErrorCode::InvalidPage,
            "page[number]",
            "page[number] must be a positive integer; got \"0\".",
        );
        assert_eq!(
            serde_json::to_value(e.to_error_object()).unwrap(),
            json!({"status": "400", "code": "invalid_page", "title": "Invalid pagination parameter",
                "detail": "page[number] must be a positive integer; got \"0\".",
                "source": {"parameter": "page[number]"}})
        );
    }

    #[test]
    fn database_errors_hide_their_cause_s3_1() {
        let e = Error::Database(diesel::result::Error::QueryBuilderError(
            "SELECT secret".into(),
        ));
        let o = serde_json::to_value(e.to_error_object()).unwrap();
        let id = o["id"].as_str().unwrap().to_owned();
        assert!(uuid::Uuid::parse_str(&id).is_ok());
        assert_eq!(
            o,
            json!({"id": id, "status": "500", "code": "internal_error", "title": "Internal server error",
                "detail": "The server encountered an unexpected condition."})
        );
    }

    #[test]
    fn unavailable_is_503_s3_2() {
        let e = Error::Unavailable("pool timed out".into());
        let o = serde_json::to_value(e.to_error_object()).unwrap();
        assert_eq!(o["status"], "503");
        assert_eq!(o["code"], "service_unavailable");
        assert_eq!(o["detail"], UNAVAILABLE_DETAIL);
    }

    #[test]
    fn negotiation_errors_use_the_catalog_details_b1_2_b2_1() {
        let cases = [
            (
                Error::NotAcceptable {
                    only_with_parameters: true,
                },
                406,
                "The Accept header lists application/vnd.api+json only with media type parameters.",
            ),
            (
                Error::NotAcceptable {
                    only_with_parameters: false,
                },
                406,
                "The Accept header does not allow application/vnd.api+json.",
            ),
            (
                Error::UnsupportedMediaType {
                    has_parameters: true,
                },
                415,
                "Content-Type application/vnd.api+json must not have media type parameters.",
            ),
            (
                Error::UnsupportedMediaType {
                    has_parameters: false,
                },
                415,
                "The request must have Content-Type: application/vnd.api+json.",
            ),
        ];
        for (e, status, detail) in cases {
            assert_eq!(e.status(), status);
            assert_eq!(e.to_error_object().detail, detail);
        }
    }
}
