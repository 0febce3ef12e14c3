#![doc = include_str!("../README.md")]
//!
//! # Crates
//!
//! `restless` re-exports its members so that one dependency is enough:
//! [`JsonApiResource`] (trait and derive), [`ApiManager`] (the actix-web glue) and the
//! framework-agnostic [`core`].

pub use restless_actix::{ApiError, ApiManager, ApiService};
pub use restless_core as core;
pub use restless_core::{ConfigError, Error, ErrorCode, JsonApiResource, ResourceConfig};
/// Derives [`JsonApiResource`] for a Diesel model; see the trait's crate docs for attributes.
pub use restless_derive::JsonApiResource;

#[doc(hidden)]
pub mod __private {
    pub use diesel;
    pub use restless_core::meta::{
        assert_column_type, FieldMeta, FieldRole, FieldValue, JsonApiResource, RelationshipKind,
        RelationshipMeta, ResourceMeta,
    };
}
