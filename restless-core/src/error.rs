//! The one error type of restless and its rendering as JSON:API error objects.

use std::borrow::Cow;

use serde::Serialize;

use crate::hook::HookError;

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
    /// 412: a precondition of the request failed (B3.8).
    PreconditionFailed,
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
    /// 400: the request has no body (O2.1).
    MissingBody,
    /// 400: the body is not JSON (O2.1).
    InvalidJson,
    /// 400: the document's structure is wrong (O, P, R).
    InvalidDocument,
    /// 400: an attribute or relationship the type does not have (O3.1, O5.1).
    UnknownField,
    /// 400: a computed attribute sent (O3.1).
    ReadOnlyField,
    /// 400: a value of the wrong type (G3.4, G6).
    InvalidAttributeValue,
    /// 400: a required attribute not sent (O3.1).
    MissingAttribute,
    /// 400: the database refused a NULL (S3.3).
    NotNullViolation,
    /// 400: the database refused a value by a CHECK (S3.3).
    CheckViolation,
    /// 400: the database rejected a value (S3.3).
    InvalidValue,
    /// 400: the validation hook refused the prospective state (V5.1).
    ValidationFailed,
    /// 400 (or the hook's status): the deserialization hook refused the document (V6.2).
    DeserializationFailed,
    /// 403: the write scope excludes the resource (V4.4).
    Forbidden,
    /// 403: `data.id` sent without `allow_client_generated_ids` (O2.1).
    ClientIdForbidden,
    /// 403: replacing a to-many relationship is not allowed (P2.1, R2.1).
    ToManyReplacementForbidden,
    /// 403: removing from a to-many relationship is not allowed (R4.1).
    ToManyDeletionForbidden,
    /// 409: a `type` that does not fit (O2.1, O5.4, P2.1, R).
    TypeConflict,
    /// 409: `data.id` differs from the URL's (P2.1).
    IdConflict,
    /// 409: a client-generated id already used (O2.1).
    AlreadyExists,
    /// 409: a unique constraint (S3.3).
    UniqueViolation,
    /// 409: a foreign-key constraint (S3.3, Q1.3).
    ForeignKeyViolation,
    /// 409: a NOT NULL foreign key would be cleared (P3.2, Q1.3, R4.2).
    RequiredRelationship,
    /// 500: a serialization hook failed (V6.1, S3.4).
    SerializationFailed,
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
            Forbidden
            | ClientIdForbidden
            | ToManyReplacementForbidden
            | ToManyDeletionForbidden => 403,
            TypeConflict | IdConflict | AlreadyExists | UniqueViolation | ForeignKeyViolation
            | RequiredRelationship => 409,
            MethodNotAllowed => 405,
            NotAcceptable => 406,
            PreconditionFailed => 412,
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
            | InvalidFunctions
            | MissingBody
            | InvalidJson
            | InvalidDocument
            | UnknownField
            | ReadOnlyField
            | InvalidAttributeValue
            | MissingAttribute
            | NotNullViolation
            | CheckViolation
            | InvalidValue
            | ValidationFailed
            | DeserializationFailed => 400,
            SerializationFailed | InternalError => 500,
            ServiceUnavailable => 503,
        }
    }

    /// Every code (S2).
    ///
    /// ```
    /// use restless_core::ErrorCode;
    ///
    /// assert!(ErrorCode::ALL.iter().any(|c| c.as_str() == "invalid_sort"));
    /// assert!(ErrorCode::ALL.iter().all(|c| (400..600).contains(&c.status())));
    /// ```
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::RouteNotFound,
        ErrorCode::ResourceNotFound,
        ErrorCode::RelationshipNotFound,
        ErrorCode::RelatedResourceNotFound,
        ErrorCode::NotToMany,
        ErrorCode::SingleNotFound,
        ErrorCode::SingleNotUnique,
        ErrorCode::MethodNotAllowed,
        ErrorCode::NotAcceptable,
        ErrorCode::PreconditionFailed,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::InvalidQueryParameter,
        ErrorCode::UnknownQueryParameter,
        ErrorCode::UnsupportedQueryParameter,
        ErrorCode::RepeatedQueryParameter,
        ErrorCode::InvalidPage,
        ErrorCode::InvalidCallback,
        ErrorCode::InvalidSort,
        ErrorCode::InvalidGroupBy,
        ErrorCode::InvalidFields,
        ErrorCode::InvalidInclude,
        ErrorCode::InvalidFilter,
        ErrorCode::InvalidFunctions,
        ErrorCode::MissingBody,
        ErrorCode::InvalidJson,
        ErrorCode::InvalidDocument,
        ErrorCode::UnknownField,
        ErrorCode::ReadOnlyField,
        ErrorCode::InvalidAttributeValue,
        ErrorCode::MissingAttribute,
        ErrorCode::NotNullViolation,
        ErrorCode::CheckViolation,
        ErrorCode::InvalidValue,
        ErrorCode::ValidationFailed,
        ErrorCode::DeserializationFailed,
        ErrorCode::Forbidden,
        ErrorCode::ClientIdForbidden,
        ErrorCode::ToManyReplacementForbidden,
        ErrorCode::ToManyDeletionForbidden,
        ErrorCode::TypeConflict,
        ErrorCode::IdConflict,
        ErrorCode::AlreadyExists,
        ErrorCode::UniqueViolation,
        ErrorCode::ForeignKeyViolation,
        ErrorCode::RequiredRelationship,
        ErrorCode::SerializationFailed,
        ErrorCode::InternalError,
        ErrorCode::ServiceUnavailable,
    ];

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
            PreconditionFailed => "precondition_failed",
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
            MissingBody => "missing_body",
            InvalidJson => "invalid_json",
            InvalidDocument => "invalid_document",
            UnknownField => "unknown_field",
            ReadOnlyField => "read_only_field",
            InvalidAttributeValue => "invalid_attribute_value",
            MissingAttribute => "missing_attribute",
            NotNullViolation => "not_null_violation",
            CheckViolation => "check_violation",
            InvalidValue => "invalid_value",
            ValidationFailed => "validation_failed",
            DeserializationFailed => "deserialization_failed",
            SerializationFailed => "serialization_failed",
            Forbidden => "forbidden",
            ClientIdForbidden => "client_id_forbidden",
            ToManyReplacementForbidden => "to_many_replacement_forbidden",
            ToManyDeletionForbidden => "to_many_deletion_forbidden",
            TypeConflict => "type_conflict",
            IdConflict => "id_conflict",
            AlreadyExists => "already_exists",
            UniqueViolation => "unique_violation",
            ForeignKeyViolation => "foreign_key_violation",
            RequiredRelationship => "required_relationship",
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
            PreconditionFailed => "Precondition failed",
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
            MissingBody => "Missing request body",
            InvalidJson => "Invalid JSON",
            InvalidDocument => "Invalid document",
            UnknownField => "Unknown field",
            ReadOnlyField => "Read-only field",
            InvalidAttributeValue => "Invalid attribute value",
            MissingAttribute => "Missing required attribute",
            NotNullViolation => "Missing value",
            CheckViolation => "Constraint violation",
            InvalidValue => "Value rejected",
            ValidationFailed => "Validation error",
            DeserializationFailed => "Deserialization failed",
            SerializationFailed => "Serialization failed",
            Forbidden => "Forbidden",
            ClientIdForbidden => "Client-generated id not allowed",
            ToManyReplacementForbidden => "To-many replacement not allowed",
            ToManyDeletionForbidden => "To-many deletion not allowed",
            TypeConflict => "Type conflict",
            IdConflict => "Id conflict",
            AlreadyExists => "Resource already exists",
            UniqueViolation => "Conflict with an existing resource",
            ForeignKeyViolation => "Conflict with related data",
            RequiredRelationship => "Required relationship",
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
///
/// restless's own errors always have `code`, `title` and `detail`; a hook's (U5.1) has only the
/// members the hook set, plus `status`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ErrorObject {
    /// Random id on 5xx errors (S3.1), or the one a hook set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The HTTP status as a string.
    pub status: String,
    /// The restless error code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Cow<'static, str>>,
    /// The fixed title of the code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<Cow<'static, str>>,
    /// The occurrence-specific sentence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// What the error points at, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<ErrorSource>,
    /// `{"about": url}`, set by hooks only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub links: Option<serde_json::Map<String, serde_json::Value>>,
    /// Non-standard information, set by hooks only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<serde_json::Map<String, serde_json::Value>>,
}

impl ErrorObject {
    /// An object of restless's own: `status`, `code`, `title` and `detail` of `code`.
    pub fn of(code: ErrorCode, detail: impl Into<String>) -> Self {
        ErrorObject {
            id: None,
            links: None,
            status: code.status().to_string(),
            code: Some(Cow::Borrowed(code.as_str())),
            title: Some(Cow::Borrowed(code.title())),
            detail: Some(detail.into()),
            source: None,
            meta: None,
        }
    }
}

/// One problem with a request document (O, P, R).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The error code; its status is the response's.
    pub code: ErrorCode,
    /// The JSON pointer into the request document, if any.
    pub pointer: Option<String>,
    /// The sentence for the client.
    pub detail: String,
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
    /// `If-Match` names no tag of the current representation, or `If-None-Match` one that
    /// is (B3.8, B3.10). 412 `precondition_failed`.
    #[error("The resource has changed since the tag in If-Match was issued.")]
    PreconditionFailed,
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
    /// One or more problems with the request document (O, P, R), all of one status; each
    /// becomes one error object with `source.pointer`, in pointer order (S1.4).
    #[error("{}", .0.first().map_or("", |p| p.detail.as_str()))]
    Document(Vec<Problem>),
    /// The request body is larger than the configured limit (A3.5). 413.
    #[error("The request body exceeds the limit of {limit} bytes.")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
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
    /// A hook aborted the request (U5.1): its status and members. A status outside 400–599 is
    /// a server bug and answers 500.
    #[error("{0}")]
    Hook(HookError),
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

    /// The error code of this error; `None` for a hook's error, which carries its own.
    pub fn code(&self) -> Option<ErrorCode> {
        Some(match self {
            Error::Hook(e) if e.is_valid() => return None,
            Error::Hook(_) => ErrorCode::InternalError,
            Error::RouteNotFound { .. } => ErrorCode::RouteNotFound,
            Error::MethodNotAllowed { .. } => ErrorCode::MethodNotAllowed,
            Error::PreconditionFailed => ErrorCode::PreconditionFailed,
            Error::ResourceNotFound { .. } => ErrorCode::ResourceNotFound,
            Error::RelationshipNotFound { .. } => ErrorCode::RelationshipNotFound,
            Error::NotAcceptable { .. } => ErrorCode::NotAcceptable,
            Error::UnsupportedMediaType { .. } => ErrorCode::UnsupportedMediaType,
            Error::BadQuery { code, .. } | Error::Missing { code, .. } => *code,
            Error::Document(problems) => problems
                .first()
                .map_or(ErrorCode::InvalidDocument, |p| p.code),
            Error::PayloadTooLarge { .. } => ErrorCode::PayloadTooLarge,
            Error::Database(e) if is_transient(e) => ErrorCode::ServiceUnavailable,
            Error::Unavailable(_) => ErrorCode::ServiceUnavailable,
            Error::Database(_) | Error::Internal(_) => ErrorCode::InternalError,
        })
    }

    /// Whether the database reported a deadlock or serialization failure: the same request
    /// may succeed when tried again (S3.2).
    pub fn is_transient(&self) -> bool {
        matches!(self, Error::Database(e) if is_transient(e))
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> u16 {
        match (self, self.code()) {
            (_, Some(code)) => code.status(),
            (Error::Hook(e), None) => e.status(),
            (_, None) => 500,
        }
    }

    /// The headers that go with the error: `Retry-After` on 503 (S3.2), a hook's (U5.2).
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        match self {
            Error::Hook(e) if e.is_valid() => e.headers().to_vec(),
            _ if self.status() == 503 => vec![("Retry-After", "1".into())],
            _ => Vec::new(),
        }
    }

    /// The JSON:API error object for this error. For 5xx errors a random `id` is chosen and the
    /// cause is logged at error level with it; the object says nothing about the cause.
    pub fn to_error_object(&self) -> ErrorObject {
        let code = match (self, self.code()) {
            (Error::Hook(e), None) => return e.to_error_object(),
            (_, Some(code)) => code,
            (_, None) => ErrorCode::InternalError,
        };
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
            source,
            ..ErrorObject::of(code, detail)
        }
    }

    /// Every error object of this error: one, or one per problem of [`Error::Document`].
    pub fn to_error_objects(&self) -> Vec<ErrorObject> {
        match self {
            Error::Document(problems) if !problems.is_empty() => problems
                .iter()
                .map(|p| ErrorObject {
                    source: p.pointer.clone().map(ErrorSource::Pointer),
                    ..ErrorObject::of(p.code, p.detail.clone())
                })
                .collect(),
            _ => vec![self.to_error_object()],
        }
    }

    /// One problem with the request document, as an error.
    pub fn problem(code: ErrorCode, pointer: impl Into<String>, detail: impl Into<String>) -> Self {
        Error::Document(vec![Problem {
            code,
            pointer: Some(pointer.into()),
            detail: detail.into(),
        }])
    }

    /// The whole error document (S1.1) for this error.
    pub fn to_document(&self) -> serde_json::Value {
        serde_json::json!({
            "errors": self.to_error_objects(),
            "jsonapi": {"version": "1.0"},
        })
    }
}

/// Deadlocks, lock timeouts and serialization failures are worth a retry: 503 rather than 500
/// (S3.2).
///
/// Diesel names serialization failures (SQLSTATE 40001) but reports deadlocks and busy databases
/// as unknown errors without their codes, so those are recognised by the servers' (English)
/// messages: PostgreSQL's deadlock (40P01) and lock timeout (55P03, with `lock_timeout` set),
/// MySQL/MariaDB's deadlock (1213) and lock wait timeout (1205), and SQLite's
/// `SQLITE_BUSY`/`SQLITE_LOCKED`.
fn is_transient(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error as D};
    const MESSAGES: [&str; 6] = [
        "deadlock detected",
        "canceling statement due to lock timeout",
        "Deadlock found when trying to get lock",
        "Lock wait timeout exceeded",
        "database is locked",
        "database table is locked",
    ];
    match e {
        D::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => true,
        D::DatabaseError(DatabaseErrorKind::Unknown, info) => {
            MESSAGES.iter().any(|m| info.message().starts_with(m))
        }
        _ => false,
    }
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
    fn every_code_is_listed_once_s2() {
        // A new code fails to compile here until it is handled, and then must be in ALL.
        fn listed(code: ErrorCode) -> bool {
            use ErrorCode::*;
            match code {
                RouteNotFound
                | ResourceNotFound
                | RelationshipNotFound
                | RelatedResourceNotFound
                | NotToMany
                | SingleNotFound
                | SingleNotUnique
                | MethodNotAllowed
                | NotAcceptable
                | PreconditionFailed
                | PayloadTooLarge
                | UnsupportedMediaType
                | InvalidQueryParameter
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
                | InvalidFunctions
                | MissingBody
                | InvalidJson
                | InvalidDocument
                | UnknownField
                | ReadOnlyField
                | InvalidAttributeValue
                | MissingAttribute
                | NotNullViolation
                | CheckViolation
                | InvalidValue
                | ValidationFailed
                | DeserializationFailed
                | Forbidden
                | ClientIdForbidden
                | ToManyReplacementForbidden
                | ToManyDeletionForbidden
                | TypeConflict
                | IdConflict
                | AlreadyExists
                | UniqueViolation
                | ForeignKeyViolation
                | RequiredRelationship
                | SerializationFailed
                | InternalError
                | ServiceUnavailable => ErrorCode::ALL.contains(&code),
            }
        }
        assert!(ErrorCode::ALL.iter().all(|c| listed(*c)));
        let mut names: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ErrorCode::ALL.len(), "each code once");
    }

    #[test]
    fn deadlocks_and_busy_databases_are_transient_s3_2() {
        use diesel::result::{DatabaseErrorKind as K, Error as D};
        let db = |kind, message: &str| {
            Error::Database(D::DatabaseError(kind, Box::new(message.to_owned())))
        };
        for message in [
            "deadlock detected",
            "canceling statement due to lock timeout",
            "Deadlock found when trying to get lock; try restarting transaction",
            "Lock wait timeout exceeded; try restarting transaction",
            "database is locked",
        ] {
            let e = db(K::Unknown, message);
            assert!(e.is_transient(), "{message}");
            assert_eq!(e.status(), 503, "{message}");
        }
        assert!(db(K::SerializationFailure, "could not serialize access").is_transient());
        assert!(!db(K::Unknown, "syntax error").is_transient());
        assert!(!db(K::UniqueViolation, "database is locked").is_transient());
        assert_eq!(db(K::Unknown, "syntax error").status(), 500);
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
            assert_eq!(e.to_error_object().detail.as_deref(), Some(detail));
        }
    }

    #[test]
    fn hook_errors_carry_only_their_members_u5_1() {
        let e = Error::Hook(HookError::new(403).detail("forbidden"));
        assert_eq!(e.status(), 403);
        assert_eq!(e.code(), None);
        assert_eq!(
            e.to_document(),
            json!({"errors": [{"status": "403", "detail": "forbidden"}], "jsonapi": {"version": "1.0"}})
        );
        let full = HookError::default()
            .code("c")
            .title("t")
            .detail("d")
            .parameter("sort")
            .id("x")
            .about("http://h/about")
            .meta("k", json!(1))
            .retry_after("5");
        let e = Error::Hook(full);
        assert_eq!(
            serde_json::to_value(e.to_error_object()).unwrap(),
            json!({
                "id": "x", "status": "400", "code": "c", "title": "t", "detail": "d",
                "source": {"parameter": "sort"}, "links": {"about": "http://h/about"},
                "meta": {"k": 1}
            })
        );
        assert_eq!(e.headers(), [("Retry-After", "5".to_owned())]);
    }

    #[test]
    fn hook_statuses_outside_4xx_5xx_are_server_bugs_u5_1() {
        for status in [200, 302, 600, 0] {
            let e = Error::Hook(HookError::new(status).detail("x"));
            assert_eq!(e.status(), 500);
            let object = e.to_error_object();
            assert_eq!(object.code.as_deref(), Some("internal_error"));
            assert_eq!(
                object.detail.as_deref(),
                Some("The server encountered an unexpected condition.")
            );
            assert!(object.id.is_some());
            assert!(e.headers().is_empty());
        }
    }

    #[test]
    fn new_codes_have_the_catalog_status_and_title_s2() {
        for (code, status, name, title) in [
            (
                ErrorCode::ValidationFailed,
                400,
                "validation_failed",
                "Validation error",
            ),
            (
                ErrorCode::DeserializationFailed,
                400,
                "deserialization_failed",
                "Deserialization failed",
            ),
            (
                ErrorCode::SerializationFailed,
                500,
                "serialization_failed",
                "Serialization failed",
            ),
            (ErrorCode::Forbidden, 403, "forbidden", "Forbidden"),
        ] {
            assert_eq!(
                (code.status(), code.as_str(), code.title()),
                (status, name, title)
            );
        }
    }
}
