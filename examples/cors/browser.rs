//! The `cors` example's CORS settings (catalog W1.3): what a browser client of a JSON:API
//! service needs, and nothing restless itself does (W1.1).

use actix_cors::Cors;
use actix_web::http::header;

/// CORS for a browser application served from `origin`, e.g. `http://localhost:3000`.
///
/// - Methods `GET, POST, PATCH, DELETE`: every JSON:API write (HEAD and OPTIONS are implied).
/// - Request headers `Accept`, `Content-Type` and `Authorization`: `application/vnd.api+json`
///   is not a CORS-safelisted content type, so every POST and PATCH is preflighted; the
///   middleware answers the preflight itself, before restless's negotiation (W1.2).
/// - Exposed headers `Location` (of created resources) and `Link` (pagination): without this
///   a script cannot read them.
/// - Preflight answers may be cached for an hour.
pub(crate) fn cors(origin: &str) -> Cors {
    Cors::default()
        .allowed_origin(origin)
        .allowed_methods(["GET", "POST", "PATCH", "DELETE"])
        .allowed_headers([header::ACCEPT, header::CONTENT_TYPE, header::AUTHORIZATION])
        .expose_headers([header::LOCATION, header::LINK])
        .max_age(3600)
}
