#![doc = include_str!("../README.md")]
//!
//! # Crates
//!
//! `restless` re-exports its members so that one dependency is enough:
//! [`JsonApiResource`] (trait and derive), [`ApiManager`] (the actix-web glue) and the
//! framework-agnostic [`core`].

pub use restless_actix::{
    ApiError, ApiManager, ApiService, Concurrency, ConnectionPool, PoolError,
};
pub use restless_core as core;
pub use restless_core::hook;
pub use restless_core::query::{FilterLimits, IncludeLimits};
pub use restless_core::{
    ConfigError, Context, Count, CustomOperator, Error, ErrorCode, HookError, JsonApiResource,
    Limits, Method, PostKind, PreKind, ResourceConfig, ValueKind,
};
/// Derives [`JsonApiResource`](trait@JsonApiResource) for a Diesel model: the resource type's static metadata.
///
/// The derive generates one impl, `JsonApiResource for Model`, whose `META` names the JSON:API
/// type, the SQL table (as Diesel's `table!` renders it: `#[sql_name = ..]` and
/// schema-qualified tables such as `auth.users` are written as Diesel writes them), the key field, and for every field that is not skipped its JSON name,
/// its column (taken from Diesel's `table!`, so a misspelt column is a compile error), its value
/// kind and its role (key, attribute, or foreign key of a to-one relationship). It also asserts
/// at compile time that the default key field `id` is the table's primary key.
///
/// # Field types
///
/// A field's Rust type is either the type Diesel maps its column's SQL type to (`i16`, `i32`,
/// `i64`, `f32`, `f64`, `String`, `bool`, chrono's `NaiveDate`, `NaiveTime`, `NaiveDateTime`,
/// `DateTime<Utc>`, `uuid::Uuid`, `bigdecimal::BigDecimal`, `Vec<u8>`, `serde_json::Value`, and
/// on PostgreSQL `PgInterval` and `ipnetwork::IpNetwork` for `Inet`/`Cidr`; written as catalog
/// G1.1 says), or any type of the
/// application's own (a newtype, an enum, with its own SQL type or not) that implements serde's
/// `Serialize` and `DeserializeOwned` and Diesel's `FromSql` and `ToSql` for the column's SQL type
/// on every enabled backend: it is written and read in its serde form (G1.3), and filtered and
/// sorted as its SQL type. A nullable column takes an `Option` of either. Any other type is a
/// compile error at the field, naming what the type lacks. restless reads and writes rows through this
/// metadata; the struct itself stays an ordinary Diesel model.
///
/// # Container attributes
///
/// - `#[diesel(table_name = path)]` (Diesel's own, read but never rejected) or
///   `#[jsonapi(table = path)]`: the `table!` module. Required.
/// - `#[jsonapi(type = "name")]`: the JSON:API type name and URL segment. Default: the name of
///   the `table!` module. Must be URL-safe (`^[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?$`) and not `eval`.
/// - `#[jsonapi(primary_key = "field")]`: the field used as `id`. Default: the field `id`,
///   which must then be the table's primary key. Integer, string and UUID keys are supported,
///   and keys of the application's own types whose serde form is a string or an integer.
/// - `#[jsonapi(to_many(name = "articles", target = Article, foreign_key = article::author_id))]`:
///   a to-many relationship stored as the target table's foreign-key column (the inverse of a
///   to-one). Repeatable.
/// - `#[jsonapi(to_many(name = "tags", target = Tag, local = article_tag::article_id,
///   remote = article_tag::tag_id))]`: a many-to-many relationship through a join table; `local`
///   references this type's key, `remote` the target's. Both must be columns of one table.
///
/// # Field attributes
///
/// - `#[jsonapi(rename = "name")]`: the attribute's name in documents. Default: the field name.
/// - `#[jsonapi(skip)]`: the field does not exist for the API: never shown, filtered, sorted or
///   accepted. It is still a column of the table (like every field of a Diesel model), recorded
///   last in the metadata with role `Skipped` and the kind of its SQL type, so that a scope may
///   name it (a tenant column) and a deserialization hook may fill it (`created_by`).
/// - `#[jsonapi(to_one = "name", target = Type)]`: the field is the foreign key of a to-one
///   relationship `name` to the resource type `Type`; it is never an attribute.
/// - `#[jsonapi(db_default)]`: the database fills the column when a POST leaves it out, so a
///   NOT NULL column need not be sent (catalog O3.1).
/// - `#[jsonapi(scale = 2)]`, `#[jsonapi(precision = 10)]`: a `Numeric` column's scale
///   (required: values are written with exactly this many decimals, G1.2) and precision
///   (optional: longer values are refused with 400 on every backend).
/// - `#[diesel(column_name = col)]` (Diesel's own): the column, when it differs from the field.
///
/// A field exposed as `id` or `type`, a relationship named `relationships`, two fields with one
/// name, an unknown or skipped key, or an unknown key word is a compile error pointing at the
/// attribute.
///
/// # Example
///
/// ```
/// use restless::JsonApiResource;
///
/// diesel::table! {
///     article (id) {
///         id -> Integer,
///         title -> Text,
///         body -> Nullable<Text>,
///         published_at -> Nullable<Timestamp>,
///         author_id -> Nullable<Integer>,
///         internal_note -> Text,
///     }
/// }
///
/// diesel::table! {
///     person (id) {
///         id -> Integer,
///         name -> Text,
///     }
/// }
///
/// #[derive(diesel::Queryable, JsonApiResource)]
/// #[diesel(table_name = person)]
/// #[jsonapi(to_many(name = "posts", target = Article, foreign_key = article::author_id))]
/// struct Person {
///     id: i32,
///     name: String,
/// }
///
/// #[derive(diesel::Queryable, JsonApiResource)]
/// #[diesel(table_name = article)]
/// #[jsonapi(type = "post")]
/// struct Article {
///     id: i32,
///     #[jsonapi(rename = "headline")]
///     title: String,
///     body: Option<String>,
///     published_at: Option<chrono::NaiveDateTime>,
///     #[jsonapi(to_one = "author", target = Person)]
///     author_id: Option<i32>,
///     #[jsonapi(skip)]
///     internal_note: String,
/// }
///
/// let meta = Article::META;
/// assert_eq!(meta.type_name, "post");
/// assert_eq!(meta.table.sql(restless::core::backend::Dialect::Sqlite), "`article`");
/// assert_eq!(meta.key().name, "id");
/// let attributes: Vec<&str> = meta.attributes().map(|f| f.name).collect();
/// assert_eq!(attributes, ["headline", "body", "published_at"]);
/// assert_eq!(meta.relationships[0].name, "author");
/// assert_eq!((meta.relationships[0].target)().type_name, "person");
/// assert_eq!(Person::META.relationships[0].name, "posts");
/// ```
pub use restless_derive::JsonApiResource;

#[doc(hidden)]
pub mod __private {
    pub use diesel;
    pub use restless_core::codec::probe;
    pub use restless_core::meta::KindOf;
    pub use restless_core::meta::TableNames;
    pub use restless_core::meta::{
        assert_same_table, FieldMeta, FieldRole, FieldValue, JsonApiResource, RelationshipKind,
        RelationshipMeta, ResourceMeta, Table,
    };
    pub use restless_core::ValueKind;
    pub use std::sync::OnceLock;

    /// A [`Table`] whose names are kept in a `static` of its own (a lock-free read per
    /// statement).
    #[macro_export]
    #[doc(hidden)]
    macro_rules! __restless_table {
        ($table:ty) => {
            $crate::__private::Table::new(|__dialect| {
                static __RESTLESS_TABLE: $crate::__private::TableNames =
                    $crate::__private::TableNames::new();
                __RESTLESS_TABLE.get::<$table>(__dialect)
            })
        };
    }
    pub use __restless_table as table;
}
