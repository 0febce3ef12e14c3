//! Misconfiguration is an error value from `build()`, never a panic at request time (V1.1):
//! one case per `ConfigError` the derive cannot rule out at compile time (a reserved type name
//! and an unusable key are compile errors of the derive, tests/ui).

#![allow(missing_docs, reason = "diesel's table! generates undocumented items")]

use diesel::r2d2::{ConnectionManager, Pool};
use diesel::SqliteConnection;
use restless::{ApiManager, ConfigError, CustomOperator, JsonApiResource, ResourceConfig};

use crate::models::{Article, Comment, Person, Tag};

/// A manager over a pool that never connects: configuration needs no database.
fn manager() -> ApiManager<SqliteConnection> {
    let pool =
        Pool::builder().build_unchecked(ConnectionManager::<SqliteConnection>::new(":memory:"));
    ApiManager::new(pool)
}

/// The blog's four types with `person` configured by `config`.
fn blog(config: ResourceConfig) -> ApiManager<SqliteConnection> {
    manager()
        .resource_with::<Person>(config)
        .resource::<Article>()
        .resource::<Comment>()
        .resource::<Tag>()
}

fn error(manager: ApiManager<SqliteConnection>) -> ConfigError {
    match manager.build() {
        Ok(_) => panic!("the configuration was accepted"),
        Err(e) => e,
    }
}

diesel::table! {
    priced (id) {
        id -> Integer,
        price -> Numeric,
    }
}

#[derive(JsonApiResource)]
#[diesel(table_name = priced)]
#[allow(dead_code, reason = "described to restless, never read")]
struct Priced {
    id: i32,
    price: bigdecimal::BigDecimal,
}

#[test]
fn every_misconfiguration_is_an_error_value_v1_1() {
    let cases: Vec<(ApiManager<SqliteConnection>, ConfigError)> = vec![
        (
            manager().prefix("api"),
            ConfigError::InvalidPrefix("api".into()),
        ),
        (
            blog(ResourceConfig::new().url_prefix("/v2/")),
            ConfigError::InvalidPrefix("/v2/".into()),
        ),
        (
            manager().base_url("localhost:8080"),
            ConfigError::InvalidBaseUrl("localhost:8080".into()),
        ),
        (
            blog(ResourceConfig::new()).resource::<Person>(),
            ConfigError::DuplicateType("person".into()),
        ),
        (
            manager().resource::<Article>(),
            ConfigError::UnregisteredTarget {
                type_name: "article".into(),
                relationship: "author".into(),
                target: "person".into(),
            },
        ),
        (
            blog(ResourceConfig::new().includes(["nope"])),
            ConfigError::InvalidInclude {
                type_name: "person".into(),
                detail: "Type \"person\" has no relationship \"nope\" (in include path \"nope\")."
                    .into(),
            },
        ),
        (
            blog(ResourceConfig::new().computed("name", |_, _| serde_json::Value::Null)),
            ConfigError::InvalidComputed {
                type_name: "person".into(),
                name: "name".into(),
            },
        ),
        (
            blog(ResourceConfig::new().only(["name"]).exclude(["age"])),
            ConfigError::OnlyAndExclude("person".into()),
        ),
        (
            blog(ResourceConfig::new().exclude(["nope"])),
            ConfigError::UnknownField {
                type_name: "person".into(),
                field: "nope".into(),
            },
        ),
        (
            manager().operator(CustomOperator::binary("twice", "{column} * 2")),
            ConfigError::InvalidOperator("twice".into()),
        ),
        (
            manager().resource::<Priced>(),
            ConfigError::MissingScale {
                type_name: "priced".into(),
                field: "price".into(),
            },
        ),
    ];
    for (manager, expected) in cases {
        assert_eq!(error(manager), expected);
    }
}
