//! Integration tests: the blog example's API served over real HTTP, on the database named by
//! `RESTLESS_TEST_DATABASE_URL` (default: a temporary SQLite file). A database that was asked
//! for and cannot be reached fails every test; nothing is skipped.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

#[path = "../../examples/auth/access.rs"]
mod access;
#[path = "../../examples/cors/browser.rs"]
mod browser;
#[path = "../../examples/blog/db.rs"]
mod db;
#[path = "../../examples/blog/models.rs"]
mod models;
#[path = "../../examples/blog/schema.rs"]
mod schema;
#[path = "../../examples/blog/seed.rs"]
mod seed;

mod common;

mod auth;
mod bench_seed;
mod budget;
mod collation;
mod collection;
mod conditional;
mod config;
mod cors;
mod cursor;
mod deserialization;
mod errors;
mod eval;
mod faults;
mod filtering;
mod fuzz;
mod hooks;
mod hostile;
mod html;
mod jsonp;
mod mounting;
mod negotiation;
mod openapi;
mod options;
mod pagination;
mod pools;
mod prefixes;
mod prepared;
mod properties;
mod related;
mod relationships;
mod required;
mod root;
mod scope;
mod security;
mod serialization;
mod shaping;
mod shop;
mod shutdown;
mod single;
mod sorting;
mod tables;
mod user_types;
mod validation;
mod value_types;
mod writers;
mod writes;
