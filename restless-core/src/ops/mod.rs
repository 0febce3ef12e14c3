//! The operations behind the endpoints, generic over [`Database`](crate::backend::Database).

pub(crate) mod fetch;
mod select;

use crate::document::Document;

/// A successful operation: the document and the headers that go with it.
pub(crate) struct Output {
    pub(crate) document: Document,
    pub(crate) headers: Vec<(&'static str, String)>,
}
