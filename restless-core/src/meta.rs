//! Static metadata of a resource type, as `#[derive(JsonApiResource)]` generates it.

use crate::backend::Dialect;
use crate::codec::Codec;

/// A Diesel model served as a JSON:API resource type.
///
/// Implemented by `#[derive(JsonApiResource)]`; the derive and this trait share one name, as
/// serde's `Serialize` does. Everything restless needs to know about the model is the static
/// [`ResourceMeta`]: the rows themselves are read and written through SQL built from it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a JSON:API resource type",
    label = "not a model with `#[derive(JsonApiResource)]`",
    note = "resource types (a relationship's `target`, what `ApiManager::resource` registers) are Diesel models that derive `JsonApiResource`"
)]
pub trait JsonApiResource: 'static {
    /// The type's metadata: names, columns and value kinds.
    const META: &'static ResourceMeta;
}

/// Everything restless knows about one resource type.
#[derive(Debug)]
pub struct ResourceMeta {
    /// The JSON:API type name, also the collection's URL segment (F1.1).
    pub type_name: &'static str,
    /// The SQL table, named as Diesel's `table!` renders it.
    pub table: Table,
    /// Index into `fields` of the field used as the resource `id` (F1.2).
    pub primary_key: usize,
    /// Every field that is not skipped, in declaration order.
    pub fields: &'static [FieldMeta],
    /// The declared relationships, in declaration order.
    pub relationships: &'static [RelationshipMeta],
}

impl ResourceMeta {
    /// The field used as `id`.
    pub fn key(&self) -> &'static FieldMeta {
        // In range: the derive guarantees it, and registration rejects metadata where it is not
        // (`Registry::new`), so no request can reach this with a bad index.
        &self.fields[self.primary_key]
    }

    /// The fields written under `attributes` (F2.1), in declaration order.
    pub fn attributes(&self) -> impl Iterator<Item = &'static FieldMeta> {
        self.fields
            .iter()
            .filter(|f| f.role == FieldRole::Attribute)
    }

    /// The field with JSON name `name`, of any role.
    pub fn field(&self, name: &str) -> Option<&'static FieldMeta> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// What a field is to the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldRole {
    /// The key, written as the resource `id`, never as an attribute.
    Key,
    /// An attribute (F2).
    Attribute,
    /// A foreign-key column backing a to-one relationship: never an attribute (F2.1 b).
    ForeignKey,
    /// A field with `#[jsonapi(skip)]`: a column the API never shows or accepts, which only
    /// scopes (V4.3) and deserialization hooks (V6.2) name. Its kind is its SQL type's.
    Skipped,
}

/// A declared relationship (V3.1).
#[derive(Debug)]
pub struct RelationshipMeta {
    /// The relationship name.
    pub name: &'static str,
    /// The target type's metadata (a function, so that types can refer to each other).
    pub target: fn() -> &'static ResourceMeta,
    /// How the relationship is stored.
    pub kind: RelationshipKind,
}

/// How a relationship is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RelationshipKind {
    /// A foreign-key column of this table: `fields[field]` (e.g. `article.author_id`).
    ToOne {
        /// Index into the owner's `fields`.
        field: usize,
    },
    /// The inverse of a to-one: a foreign-key column of the target's table (e.g.
    /// `person.articles` through `article.author_id`).
    ToMany {
        /// The target's table (the foreign-key column's own table).
        table: Table,
        /// The column of the target's table referencing this type's key.
        foreign_key: &'static str,
    },
    /// Rows of a join table (e.g. `article.tags` through `article_tag`).
    ManyToMany {
        /// The join table (the columns' own table).
        table: Table,
        /// Its column referencing this type's key.
        local: &'static str,
        /// Its column referencing the target's key.
        remote: &'static str,
    },
}

impl RelationshipKind {
    /// Whether the relationship is to-many (F3.3).
    pub fn is_to_many(self) -> bool {
        !matches!(self, RelationshipKind::ToOne { .. })
    }
}

/// A table as Diesel's `table!` declares it: restless writes it in SQL exactly as the table's
/// own `QueryFragment` renders it for the backend, so `#[sql_name = "blog_posts"]`,
/// schema-qualified tables (`auth.users`) and each backend's quoting come from Diesel.
///
/// The derive builds it with [`Table::of`]; a hand-written `ResourceMeta` can use
/// [`Table::new`] with any function naming the table per dialect.
///
/// # Examples
///
/// ```
/// # #[cfg(feature = "sqlite")] {
/// use restless_core::backend::Dialect;
/// use restless_core::meta::Table;
///
/// diesel::table! {
///     #[sql_name = "blog_posts"]
///     posts (id) {
///         id -> Integer,
///     }
/// }
///
/// const POSTS: Table = Table::of::<posts::table>();
/// assert_eq!(POSTS.sql(Dialect::Sqlite), "`blog_posts`");
/// # }
/// ```
#[derive(Clone, Copy)]
pub struct Table {
    sql: fn(Dialect) -> &'static str,
}

impl Table {
    /// A table named by `sql` (its complete SQL text, quoted, for each dialect).
    pub const fn new(sql: fn(Dialect) -> &'static str) -> Self {
        Table { sql }
    }

    /// Diesel's table `T` (the unit struct `table` of a `table!` module): its SQL text is
    /// rendered by Diesel once per dialect, when first asked for.
    pub const fn of<T: DieselTable>() -> Self {
        Table {
            sql: <T as DieselTable>::sql,
        }
    }

    /// The table's SQL text for `dialect`, quoted, e.g. `"auth"."users"` on PostgreSQL.
    pub fn sql(self, dialect: Dialect) -> &'static str {
        (self.sql)(dialect)
    }
}

/// Two tables are equal when they are written alike on every backend.
impl PartialEq for Table {
    fn eq(&self, other: &Self) -> bool {
        [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql]
            .into_iter()
            .all(|d| self.sql(d) == other.sql(d))
    }
}

impl Eq for Table {}

impl std::fmt::Debug for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table").finish_non_exhaustive()
    }
}

/// A Diesel table restless can name on every enabled backend: the unit struct `table` that
/// `diesel::table!` generates implements it.
pub trait DieselTable: Default + backend_fragments::All + 'static {
    /// The table's SQL text for `dialect`, rendered by Diesel and kept for the process.
    fn sql(dialect: Dialect) -> &'static str;
}

impl<T: diesel::Table + Default + backend_fragments::All + 'static> DieselTable for T {
    fn sql(dialect: Dialect) -> &'static str {
        use std::any::TypeId;
        use std::collections::HashMap;
        use std::sync::{Mutex, PoisonError};
        // One rendering per table and dialect, for the life of the process: a handful of
        // short strings, looked up by the table's type.
        static NAMES: Mutex<Option<HashMap<(TypeId, Dialect), &'static str>>> = Mutex::new(None);
        let key = (TypeId::of::<T>(), dialect);
        let mut names = NAMES.lock().unwrap_or_else(PoisonError::into_inner);
        let names = names.get_or_insert_with(HashMap::new);
        names
            .entry(key)
            .or_insert_with(|| Box::leak(backend_fragments::render::<T>(dialect).into_boxed_str()))
    }
}

/// One table's rendered names, one per dialect, made when first asked for: the derive keeps
/// one per table in a `static`, so that naming a table is a lock-free read on every statement
/// ([`Table::of`] looks the name up in a process-wide map instead).
#[doc(hidden)]
pub struct TableNames([std::sync::OnceLock<String>; 3]);

impl TableNames {
    /// No names yet.
    #[allow(
        clippy::new_without_default,
        reason = "a const constructor for statics; Default is not const"
    )]
    pub const fn new() -> Self {
        TableNames([
            std::sync::OnceLock::new(),
            std::sync::OnceLock::new(),
            std::sync::OnceLock::new(),
        ])
    }

    /// Table `T`'s SQL text for `dialect`.
    pub fn get<T: DieselTable>(&'static self, dialect: Dialect) -> &'static str {
        let slot = match dialect {
            Dialect::Sqlite => &self.0[0],
            Dialect::Postgres => &self.0[1],
            Dialect::Mysql => &self.0[2],
        };
        slot.get_or_init(|| backend_fragments::render::<T>(dialect))
    }
}

/// A [`Table`] named `$name`, quoted as Diesel quotes it (unit tests).
#[cfg(test)]
macro_rules! test_table {
    ($name:literal) => {
        $crate::meta::Table::new(|d| match d {
            $crate::backend::Dialect::Mysql => concat!("`", $name, "`"),
            _ => concat!("\"", $name, "\""),
        })
    };
}
#[cfg(test)]
pub(crate) use test_table;

/// Which backends' `QueryFragment` a table must implement: those of the enabled features.
mod backend_fragments {
    use super::Dialect;

    #[cfg(feature = "sqlite")]
    pub trait Sqlite: diesel::query_builder::QueryFragment<diesel::sqlite::Sqlite> {}
    #[cfg(feature = "sqlite")]
    impl<T: diesel::query_builder::QueryFragment<diesel::sqlite::Sqlite>> Sqlite for T {}
    #[cfg(not(feature = "sqlite"))]
    pub trait Sqlite {}
    #[cfg(not(feature = "sqlite"))]
    impl<T> Sqlite for T {}

    #[cfg(feature = "postgres")]
    pub trait Pg: diesel::query_builder::QueryFragment<diesel::pg::Pg> {}
    #[cfg(feature = "postgres")]
    impl<T: diesel::query_builder::QueryFragment<diesel::pg::Pg>> Pg for T {}
    #[cfg(not(feature = "postgres"))]
    pub trait Pg {}
    #[cfg(not(feature = "postgres"))]
    impl<T> Pg for T {}

    #[cfg(feature = "mysql")]
    pub trait Mysql: diesel::query_builder::QueryFragment<diesel::mysql::Mysql> {}
    #[cfg(feature = "mysql")]
    impl<T: diesel::query_builder::QueryFragment<diesel::mysql::Mysql>> Mysql for T {}
    #[cfg(not(feature = "mysql"))]
    pub trait Mysql {}
    #[cfg(not(feature = "mysql"))]
    impl<T> Mysql for T {}

    /// `QueryFragment` for every enabled backend.
    pub trait All: Sqlite + Pg + Mysql {}
    impl<T: Sqlite + Pg + Mysql> All for T {}

    /// `T`'s SQL text as Diesel writes it for `dialect`.
    #[cfg_attr(
        not(all(feature = "sqlite", feature = "postgres", feature = "mysql")),
        allow(unused_variables, reason = "used by whichever backends are enabled")
    )]
    pub(super) fn render<T: All + Default>(dialect: Dialect) -> String {
        let table = T::default();
        let text = match dialect {
            #[cfg(feature = "sqlite")]
            Dialect::Sqlite => diesel::debug_query::<diesel::sqlite::Sqlite, _>(&table).to_string(),
            #[cfg(feature = "postgres")]
            Dialect::Postgres => diesel::debug_query::<diesel::pg::Pg, _>(&table).to_string(),
            #[cfg(feature = "mysql")]
            Dialect::Mysql => diesel::debug_query::<diesel::mysql::Mysql, _>(&table).to_string(),
            #[allow(unreachable_patterns, reason = "backends without their feature")]
            _ => String::new(),
        };
        // `debug_query` appends the (empty) list of binds.
        match text.rfind(" -- binds: ") {
            Some(end) => text[..end].to_owned(),
            None => text,
        }
    }
}

/// One column of a model.
#[derive(Debug, PartialEq, Eq)]
pub struct FieldMeta {
    /// The name the API uses (the Rust field name unless renamed).
    pub name: &'static str,
    /// The SQL column name, taken from Diesel's `table!` at compile time.
    pub column: &'static str,
    /// How values of the column are read, written and bound: see [`FieldMeta::kind`].
    pub kind: KindOf,
    /// Whether the column admits NULL (the Rust type is an `Option`).
    pub nullable: bool,
    /// Whether the database fills the column when an INSERT omits it (V3.1, O3.1).
    pub has_default: bool,
    /// The field's role.
    pub role: FieldRole,
}

impl FieldMeta {
    /// The field's value kind.
    pub fn kind(&self) -> ValueKind {
        self.kind.get()
    }
}

/// Where a field's [`ValueKind`] comes from: written out, or worked out from the field's Rust
/// and SQL types the first time it is asked for (the derive's choice between G1.1's built-in
/// types and the application's own, G1.3).
#[derive(Clone, Copy)]
pub enum KindOf {
    /// This kind.
    Fixed(ValueKind),
    /// The kind this function returns (always the same).
    Resolved(fn() -> ValueKind),
}

impl KindOf {
    /// The kind.
    pub fn get(self) -> ValueKind {
        match self {
            KindOf::Fixed(kind) => kind,
            KindOf::Resolved(f) => f(),
        }
    }
}

impl PartialEq for KindOf {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl Eq for KindOf {}

impl std::fmt::Debug for KindOf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

/// The value kinds restless reads, writes and binds (catalog G1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValueKind {
    /// `SmallInt`, `i16`.
    SmallInt,
    /// `Integer`, `i32`.
    Integer,
    /// `BigInt`, `i64`.
    BigInt,
    /// `Float`, `f32`.
    Float,
    /// `Double`, `f64`.
    Double,
    /// `Text`/`VarChar`, `String`.
    Text,
    /// `Bool`, `bool`.
    Bool,
    /// `Date`, `chrono::NaiveDate`.
    Date,
    /// `Time`, `chrono::NaiveTime`.
    Time,
    /// `Timestamp` (MySQL `Datetime` too), `chrono::NaiveDateTime`.
    Timestamp,
    /// `Timestamptz` (PostgreSQL) or `TimestampTz`, `chrono::DateTime<Utc>`.
    TimestampTz,
    /// `Uuid` (PostgreSQL), `uuid::Uuid`.
    Uuid,
    /// `Interval` (PostgreSQL), `diesel::pg::data_types::PgInterval`.
    Interval,
    /// `Numeric`, `bigdecimal::BigDecimal`, with the column's precision and scale as the
    /// model declares them (`#[jsonapi(precision = P, scale = S)]`, G1.2).
    Numeric {
        /// Most significant digits, if declared.
        precision: Option<u16>,
        /// Digits after the decimal point (required at registration).
        scale: Option<u16>,
    },
    /// `Binary`, `Vec<u8>`: base64 in documents.
    Binary,
    /// `Json`, `serde_json::Value`.
    Json,
    /// `Jsonb` (PostgreSQL, SQLite), `serde_json::Value`.
    Jsonb,
    /// `Inet` (PostgreSQL), `ipnetwork::IpNetwork`.
    Inet,
    /// `Cidr` (PostgreSQL), `ipnetwork::IpNetwork`.
    Cidr,
    /// An SQL type of the application's own, e.g. a database enum (G1.3): compared for
    /// equality, sorted and grouped by its written text.
    Enum,
    /// A Rust type of the application's own (G1.3), read and written through its codec; it is
    /// filtered and sorted as its SQL type's kind ([`Codec::base`]).
    User(&'static Codec),
}

impl ValueKind {
    /// `Numeric` without declared precision or scale (the derive adds them).
    pub const NUMERIC: ValueKind = ValueKind::Numeric {
        precision: None,
        scale: None,
    };

    /// Whether the kind is JSON (only `is_null`/`is_not_null` apply; not sortable, G1.3).
    pub fn is_json(self) -> bool {
        matches!(self.base(), ValueKind::Json | ValueKind::Jsonb)
    }

    /// The kind that decides filters, sorting and functions: a user type's SQL kind, else the
    /// kind itself.
    pub fn base(self) -> ValueKind {
        match self {
            ValueKind::User(codec) => codec.base,
            other => other,
        }
    }
}

/// A Rust field type restless can serve, with its [`ValueKind`].
///
/// The derive names `<FieldType as FieldValue>::KIND` for every field, so an unsupported type is
/// a compile error pointing at the field.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be served as a JSON:API attribute",
    label = "restless has no value kind for `{Self}`",
    note = "supported field types: i16, i32, i64, f32, f64, String, bool, chrono::NaiveDate, chrono::NaiveTime, chrono::NaiveDateTime, chrono::DateTime<Utc>, uuid::Uuid, PgInterval, and Option of these"
)]
pub trait FieldValue {
    /// The kind of the values.
    const KIND: ValueKind;
    /// Whether NULL is admitted (true for `Option<T>`).
    const NULLABLE: bool = false;
}

macro_rules! field_values {
    ($($ty:ty => $kind:ident),* $(,)?) => {
        $(impl FieldValue for $ty { const KIND: ValueKind = ValueKind::$kind; })*
    };
}

field_values! {
    i16 => SmallInt,
    i32 => Integer,
    i64 => BigInt,
    f32 => Float,
    f64 => Double,
    String => Text,
    bool => Bool,
    chrono::NaiveDate => Date,
    chrono::NaiveTime => Time,
    chrono::NaiveDateTime => Timestamp,
    chrono::DateTime<chrono::Utc> => TimestampTz,
    uuid::Uuid => Uuid,
    Vec<u8> => Binary,
    serde_json::Value => Json,
}

impl FieldValue for bigdecimal::BigDecimal {
    const KIND: ValueKind = ValueKind::NUMERIC;
}

#[cfg(feature = "postgres")]
impl FieldValue for ipnetwork::IpNetwork {
    const KIND: ValueKind = ValueKind::Inet;
}

/// `ipnet`'s type serves as well: restless reads and binds the column itself.
#[cfg(feature = "postgres")]
impl FieldValue for ipnet::IpNet {
    const KIND: ValueKind = ValueKind::Inet;
}

#[cfg(feature = "postgres")]
impl FieldValue for diesel::pg::data_types::PgInterval {
    const KIND: ValueKind = ValueKind::Interval;
}

/// Marks a Rust type as readable from and bindable to SQL type `ST`; the derive asserts it
/// for every field so that a model whose types do not fit its `table!` fails to compile.
#[diagnostic::on_unimplemented(
    message = "the field type `{Self}` does not fit its column's SQL type `{ST}`",
    label = "does not fit the column's `{ST}`",
    note = "the field's type must be the Rust type Diesel maps the column's SQL type to (`Nullable` columns need an `Option`)"
)]
pub trait ColumnType<ST> {}

/// Compile-time check emitted by the derive: a join table's two columns belong to one table.
pub fn assert_same_table<A, B>()
where
    A: diesel::Column,
    B: diesel::Column<Table = A::Table>,
{
}

macro_rules! column_types {
    ($($ty:ty => $($st:ty)|+),* $(,)?) => {
        $($(impl ColumnType<$st> for $ty {})+)*
    };
}

column_types! {
    i16 => diesel::sql_types::SmallInt,
    i32 => diesel::sql_types::Integer,
    i64 => diesel::sql_types::BigInt,
    f32 => diesel::sql_types::Float,
    f64 => diesel::sql_types::Double,
    String => diesel::sql_types::Text,
    bool => diesel::sql_types::Bool,
    chrono::NaiveDate => diesel::sql_types::Date,
    chrono::NaiveTime => diesel::sql_types::Time,
    chrono::NaiveDateTime => diesel::sql_types::Timestamp,
    bigdecimal::BigDecimal => diesel::sql_types::Numeric,
    Vec<u8> => diesel::sql_types::Binary,
    serde_json::Value => diesel::sql_types::Json | diesel::sql_types::Jsonb,
}

#[cfg(feature = "mysql")]
column_types! {
    chrono::NaiveDateTime => diesel::sql_types::Datetime,
}

#[cfg(feature = "sqlite")]
column_types! {
    chrono::DateTime<chrono::Utc> => diesel::sql_types::TimestamptzSqlite,
}

#[cfg(feature = "postgres")]
column_types! {
    chrono::DateTime<chrono::Utc> => diesel::sql_types::Timestamptz,
    uuid::Uuid => diesel::sql_types::Uuid,
    diesel::pg::data_types::PgInterval => diesel::sql_types::Interval,
    ipnetwork::IpNetwork => diesel::sql_types::Inet | diesel::sql_types::Cidr,
    ipnet::IpNet => diesel::sql_types::Inet | diesel::sql_types::Cidr,
}

impl<T: ColumnType<ST>, ST> ColumnType<diesel::sql_types::Nullable<ST>> for Option<T> {}

impl<T: FieldValue> FieldValue for Option<T> {
    const KIND: ValueKind = T::KIND;
    const NULLABLE: bool = true;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_is_nullable_with_the_inner_kind() {
        assert_eq!(<Option<i32> as FieldValue>::KIND, ValueKind::Integer);
        const { assert!(<Option<i32> as FieldValue>::NULLABLE) };
        const { assert!(!<String as FieldValue>::NULLABLE) };
    }
}
