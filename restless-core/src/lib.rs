//! The framework-agnostic core of restless.
//!
//! It owns the JSON:API document model ([`document`]), query-parameter parsing ([`query`]),
//! content negotiation ([`negotiate`]), JSONP ([`jsonp`]), the one error type ([`Error`]), the
//! static metadata the derive generates ([`meta`]), and the operations over Diesel connections
//! ([`Api`], [`backend`]). It never names a web framework: requests come in as [`Request`] (raw
//! strings) and leave as [`Reply`] (status, headers, body); `restless-actix` adapts both.
//!
//! # Backends
//!
//! SQL is assembled from static metadata (table and column names Diesel's `table!` checked at
//! compile time), and every value from a request is bound, never spliced into SQL text. All
//! backend differences live in [`backend`]; see its docs for why this design was chosen.

#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod api;
pub mod backend;
pub mod codec;
pub mod config;
pub mod document;
pub mod error;
pub mod hook;
mod html;
mod json;
pub mod jsonp;
pub mod meta;
pub mod negotiate;
mod openapi;
mod ops;
pub mod query;
mod request;
mod schema;
pub mod temporal;
pub mod url;
pub mod value;

pub use api::{Api, Operation, Prepared, Presentation, Ran, Reply, Request};
pub use backend::Database;
pub use config::{
    ApiConfig, ConfigError, Count, CustomOperator, Limits, Method, Registered, ResourceConfig,
};
pub use error::{Error, ErrorCode, ErrorObject, Problem};
pub use hook::{Context, HookError, PostKind, PreKind};
pub use meta::{
    FieldMeta, FieldRole, FieldValue, JsonApiResource, KindOf, RelationshipKind, RelationshipMeta,
    ResourceMeta, Table, ValueKind,
};
