//! The application's own value types (catalog G1.3): a newtype, an enum with its own SQL type, any
//! serde type with Diesel's `FromSql`/`ToSql` for its column's SQL type.
//!
//! Such a value travels as the Rust type itself: it is decoded from a row with its `FromSql`,
//! bound to a statement with its `ToSql`, and written to and read from documents with its
//! `Serialize`/`Deserialize`. A [`Codec`] holds those functions for one Rust type, for every
//! enabled backend; the derive builds one per field whose type is not one of G1.1's built-in
//! types (see [`probe`]). For filters, sorting and function evaluation a user type has the kind
//! of its SQL type ([`Codec::base`]); an SQL type of the application's own (a database enum) is
//! [`ValueKind::Enum`]: text-like.

use std::any::{Any, TypeId};
use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::meta::ValueKind;

/// A value of a user type, shared (cloning a [`SqlValue`](crate::value::SqlValue) is cheap).
pub type AnyValue = Arc<dyn Any + Send + Sync>;

/// How one Rust type is read, written and bound (G1.3).
pub struct Codec {
    /// The kind of its SQL type, by which it is filtered, sorted and grouped.
    pub base: ValueKind,
    type_id: fn() -> TypeId,
    type_name: fn() -> &'static str,
    to_json: fn(&(dyn Any + Send + Sync)) -> Option<Value>,
    from_json: fn(&Value) -> Result<AnyValue, String>,
    #[cfg(feature = "sqlite")]
    pub(crate) sqlite: Backend<diesel::sqlite::Sqlite>,
    #[cfg(feature = "postgres")]
    pub(crate) pg: Backend<diesel::pg::Pg>,
    #[cfg(feature = "mysql")]
    pub(crate) mysql: Backend<diesel::mysql::Mysql>,
}

/// A codec's functions for one backend.
pub(crate) struct Backend<DB: diesel::backend::Backend> {
    /// Reads a non-NULL value.
    pub(crate) decode: for<'a> fn(DB::RawValue<'a>) -> diesel::deserialize::Result<AnyValue>,
    /// Binds a value (which must be of the codec's type).
    pub(crate) bind: for<'a, 'b> fn(
        &'b (dyn Any + Send + Sync),
        &mut diesel::query_builder::AstPass<'a, 'b, DB>,
    ) -> diesel::QueryResult<()>,
    /// Binds NULL typed as the codec's SQL type.
    pub(crate) bind_null:
        for<'a, 'b> fn(&mut diesel::query_builder::AstPass<'a, 'b, DB>) -> diesel::QueryResult<()>,
}

impl Codec {
    /// The codec of `T` for columns of SQL type `ST`, whose kind is `base`.
    pub fn of<T, ST>(base: ValueKind) -> Codec
    where
        T: UserType<ST>,
        ST: SqlTypeOnAll + 'static,
    {
        Codec {
            base,
            type_id: TypeId::of::<T>,
            type_name: std::any::type_name::<T>,
            to_json: to_json::<T>,
            from_json: from_json::<T>,
            #[cfg(feature = "sqlite")]
            sqlite: Backend {
                decode: decode::<T, ST, diesel::sqlite::Sqlite>,
                bind: bind::<T, ST, diesel::sqlite::Sqlite>,
                bind_null: bind_null::<T, ST, diesel::sqlite::Sqlite>,
            },
            #[cfg(feature = "postgres")]
            pg: Backend {
                decode: decode::<T, ST, diesel::pg::Pg>,
                bind: bind::<T, ST, diesel::pg::Pg>,
                bind_null: bind_null::<T, ST, diesel::pg::Pg>,
            },
            #[cfg(feature = "mysql")]
            mysql: Backend {
                decode: decode::<T, ST, diesel::mysql::Mysql>,
                bind: bind::<T, ST, diesel::mysql::Mysql>,
                bind_null: bind_null::<T, ST, diesel::mysql::Mysql>,
            },
        }
    }

    /// The Rust type's name, for messages.
    pub fn type_name(&self) -> &'static str {
        (self.type_name)()
    }

    /// A value's serde form; `None` when it cannot be serialized (or is not of this type).
    pub fn to_json(&self, value: &(dyn Any + Send + Sync)) -> Option<Value> {
        (self.to_json)(value)
    }

    /// A value from its serde form (G1.3); `Err` carries serde's reason.
    ///
    /// # Errors
    /// When `json` does not deserialize into the type.
    pub fn from_json(&self, json: &Value) -> Result<AnyValue, String> {
        (self.from_json)(json)
    }
}

/// Codecs are equal when they are of one Rust type and one base kind.
impl PartialEq for Codec {
    fn eq(&self, other: &Self) -> bool {
        (self.type_id)() == (other.type_id)() && self.base == other.base
    }
}

impl Eq for Codec {}

impl std::hash::Hash for Codec {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.type_id)().hash(state);
    }
}

impl fmt::Debug for Codec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Codec")
            .field("type", &self.type_name())
            .field("base", &self.base)
            .finish()
    }
}

fn to_json<T: Serialize + 'static>(value: &(dyn Any + Send + Sync)) -> Option<Value> {
    value
        .downcast_ref::<T>()
        .and_then(|v| serde_json::to_value(v).ok())
}

fn from_json<T: DeserializeOwned + Send + Sync + 'static>(
    json: &Value,
) -> Result<AnyValue, String> {
    T::deserialize(json)
        .map(|v| Arc::new(v) as AnyValue)
        .map_err(|e| e.to_string())
}

fn decode<T, ST, DB>(raw: DB::RawValue<'_>) -> diesel::deserialize::Result<AnyValue>
where
    DB: diesel::backend::Backend,
    T: diesel::deserialize::FromSql<ST, DB> + Send + Sync + 'static,
{
    T::from_sql(raw).map(|v| Arc::new(v) as AnyValue)
}

fn bind<'a, 'b, T, ST, DB>(
    value: &'b (dyn Any + Send + Sync),
    pass: &mut diesel::query_builder::AstPass<'a, 'b, DB>,
) -> diesel::QueryResult<()>
where
    DB: diesel::backend::Backend,
    ST: BindOn<DB>,
    T: diesel::serialize::ToSql<ST, DB> + 'static,
{
    match value.downcast_ref::<T>() {
        Some(v) => ST::push_bind(pass, v),
        None => Err(diesel::result::Error::SerializationError(
            format!("a value bound as {}", std::any::type_name::<T>()).into(),
        )),
    }
}

fn bind_null<'a, 'b, T, ST, DB>(
    pass: &mut diesel::query_builder::AstPass<'a, 'b, DB>,
) -> diesel::QueryResult<()>
where
    DB: diesel::backend::Backend,
    ST: BindOn<DB>,
    T: diesel::serialize::ToSql<ST, DB> + 'static,
{
    let none: &'static Option<T> = const { &None };
    ST::push_null(pass, none)
}

/// Binds values of SQL type `Self` on backend `DB` (which has the type).
pub trait BindOn<DB: diesel::backend::Backend>: Sized {
    /// Pushes `value` as a bind parameter of this SQL type.
    ///
    /// # Errors
    /// When the value does not serialize.
    fn push_bind<'a, 'b, T: diesel::serialize::ToSql<Self, DB>>(
        pass: &mut diesel::query_builder::AstPass<'a, 'b, DB>,
        value: &'b T,
    ) -> diesel::QueryResult<()>;

    /// Pushes NULL typed as this SQL type.
    ///
    /// # Errors
    /// When the parameter cannot be pushed.
    fn push_null<'a, 'b, T: diesel::serialize::ToSql<Self, DB>>(
        pass: &mut diesel::query_builder::AstPass<'a, 'b, DB>,
        none: &'b Option<T>,
    ) -> diesel::QueryResult<()>;
}

impl<ST, DB> BindOn<DB> for ST
where
    DB: diesel::backend::Backend + diesel::sql_types::HasSqlType<ST>,
    ST: diesel::sql_types::SqlType<IsNull = diesel::sql_types::is_nullable::NotNull>,
{
    fn push_bind<'a, 'b, T: diesel::serialize::ToSql<ST, DB>>(
        pass: &mut diesel::query_builder::AstPass<'a, 'b, DB>,
        value: &'b T,
    ) -> diesel::QueryResult<()> {
        pass.push_bind_param::<ST, T>(value)
    }

    fn push_null<'a, 'b, T: diesel::serialize::ToSql<ST, DB>>(
        pass: &mut diesel::query_builder::AstPass<'a, 'b, DB>,
        none: &'b Option<T>,
    ) -> diesel::QueryResult<()> {
        pass.push_bind_param::<diesel::sql_types::Nullable<ST>, Option<T>>(none)
    }
}

/// A Rust type restless can serve as a user type of SQL type `ST` (G1.3): serde both ways and
/// Diesel's `FromSql`/`ToSql` for `ST` on every enabled backend.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be served as a JSON:API attribute of SQL type `{ST}`",
    label = "needs serde's `Serialize` and `DeserializeOwned`, and Diesel's `FromSql<{ST}, _>` and `ToSql<{ST}, _>` for every enabled backend",
    note = "a nullable column needs an `Option` of such a type"
)]
pub trait UserType<ST>:
    Serialize
    + DeserializeOwned
    + Send
    + Sync
    + 'static
    + sql_bounds::Sqlite<ST>
    + sql_bounds::Pg<ST>
    + sql_bounds::Mysql<ST>
{
}

impl<T, ST> UserType<ST> for T where
    T: Serialize
        + DeserializeOwned
        + Send
        + Sync
        + 'static
        + sql_bounds::Sqlite<ST>
        + sql_bounds::Pg<ST>
        + sql_bounds::Mysql<ST>
{
}

/// A non-nullable SQL type every enabled backend has.
pub trait SqlTypeOnAll:
    diesel::sql_types::SqlType<IsNull = diesel::sql_types::is_nullable::NotNull>
    + sql_bounds::SqliteType
    + sql_bounds::PgType
    + sql_bounds::MysqlType
{
}

impl<ST> SqlTypeOnAll for ST where
    ST: diesel::sql_types::SqlType<IsNull = diesel::sql_types::is_nullable::NotNull>
        + sql_bounds::SqliteType
        + sql_bounds::PgType
        + sql_bounds::MysqlType
{
}

/// The bounds of each enabled backend (nothing for the others).
mod sql_bounds {
    macro_rules! backend_bounds {
        ($feature:literal, $value:ident, $ty:ident, $db:ty) => {
            #[cfg(feature = $feature)]
            pub trait $value<ST>:
                diesel::deserialize::FromSql<ST, $db> + diesel::serialize::ToSql<ST, $db>
            {
            }
            #[cfg(feature = $feature)]
            impl<T, ST> $value<ST> for T where
                T: diesel::deserialize::FromSql<ST, $db> + diesel::serialize::ToSql<ST, $db>
            {
            }
            #[cfg(not(feature = $feature))]
            pub trait $value<ST> {}
            #[cfg(not(feature = $feature))]
            impl<T, ST> $value<ST> for T {}

            #[cfg(feature = $feature)]
            pub trait $ty: super::BindOn<$db> {}
            #[cfg(feature = $feature)]
            impl<ST: super::BindOn<$db>> $ty for ST {}
            #[cfg(not(feature = $feature))]
            pub trait $ty {}
            #[cfg(not(feature = $feature))]
            impl<ST> $ty for ST {}
        };
    }

    backend_bounds!("sqlite", Sqlite, SqliteType, diesel::sqlite::Sqlite);
    backend_bounds!("postgres", Pg, PgType, diesel::pg::Pg);
    backend_bounds!("mysql", Mysql, MysqlType, diesel::mysql::Mysql);
}

/// Compile-time choice, in the derive's output, between G1.1's built-in types and user types.
///
/// The derive writes, for a field of type `T` on a column of SQL type `ST`,
/// `(&&&&Probe::<T, ST>::NEW).field_kind((&&SqlProbe::<ST>::NEW).sql_kind())` with concrete
/// types. Each method takes `&self`, so the impl for `&&&Probe` is found first (no autoderef),
/// then, one dereference at a time, the others: method resolution takes the first that applies,
/// a built-in type (`&&&Probe`), an `Option` of a user type on a nullable column (`&&Probe`), a
/// user type (`&Probe`), and last [`Unsupported`](probe::Unsupported), whose bounds make the
/// compiler say what the type lacks.
/// An SQL type restless does not know is the application's own: [`ValueKind::Enum`].
#[doc(hidden)]
pub mod probe {
    use std::marker::PhantomData;
    use std::sync::OnceLock;

    use super::{Codec, SqlTypeOnAll, UserType};
    use crate::meta::{ColumnType, FieldValue, ValueKind};

    /// A field of Rust type `T` on a column of SQL type `ST`.
    pub struct Probe<T, ST>(PhantomData<fn() -> (T, ST)>);

    impl<T, ST> Probe<T, ST> {
        /// The probe.
        pub const NEW: Self = Probe(PhantomData);
    }

    /// A built-in type of G1.1.
    pub trait Builtin {
        /// The field's kind.
        fn field_kind(&self, sql: ValueKind) -> ValueKind;
    }

    impl<T: FieldValue + ColumnType<ST>, ST> Builtin for &&&Probe<T, ST> {
        fn field_kind(&self, sql: ValueKind) -> ValueKind {
            // One Rust type serves both JSON SQL types, and both network types: the column's
            // decides.
            match T::KIND {
                ValueKind::Json | ValueKind::Inet => sql,
                kind => kind,
            }
        }
    }

    /// An `Option` of a user type on a nullable column.
    pub trait NullableUser {
        /// The field's kind.
        fn field_kind(&self, sql: ValueKind) -> ValueKind;
    }

    impl<T: UserType<ST>, ST: SqlTypeOnAll + 'static> NullableUser
        for &&Probe<Option<T>, diesel::sql_types::Nullable<ST>>
    {
        fn field_kind(&self, sql: ValueKind) -> ValueKind {
            user::<T, ST>(sql)
        }
    }

    /// A user type.
    pub trait User {
        /// The field's kind.
        fn field_kind(&self, sql: ValueKind) -> ValueKind;
    }

    impl<T: UserType<ST>, ST: SqlTypeOnAll + 'static> User for &Probe<T, ST> {
        fn field_kind(&self, sql: ValueKind) -> ValueKind {
            user::<T, ST>(sql)
        }
    }

    /// None of the above: chosen only when nothing else applies, so that the compiler names
    /// the bound the field's type misses, at the field.
    pub trait Unsupported<T, ST> {
        /// The field's kind.
        fn field_kind(&self, sql: ValueKind) -> ValueKind
        where
            T: UserType<ST>,
            ST: SqlTypeOnAll + 'static;
    }

    impl<T, ST> Unsupported<T, ST> for Probe<T, ST> {
        fn field_kind(&self, sql: ValueKind) -> ValueKind
        where
            T: UserType<ST>,
            ST: SqlTypeOnAll + 'static,
        {
            user::<T, ST>(sql)
        }
    }

    /// The codec of `T`, made once per process and type.
    fn user<T: UserType<ST>, ST: SqlTypeOnAll + 'static>(sql: ValueKind) -> ValueKind {
        use std::any::TypeId;
        use std::collections::HashMap;
        use std::sync::{Mutex, PoisonError};
        static CODECS: Mutex<Option<HashMap<(TypeId, TypeId), &'static Codec>>> = Mutex::new(None);
        let mut codecs = CODECS.lock().unwrap_or_else(PoisonError::into_inner);
        let codec = codecs
            .get_or_insert_with(HashMap::new)
            .entry((TypeId::of::<T>(), TypeId::of::<ST>()))
            .or_insert_with(|| Box::leak(Box::new(Codec::of::<T, ST>(sql))));
        ValueKind::User(codec)
    }

    /// The SQL type of a column.
    pub struct SqlProbe<ST>(PhantomData<fn() -> ST>);

    impl<ST> SqlProbe<ST> {
        /// The probe.
        pub const NEW: Self = SqlProbe(PhantomData);
    }

    /// An SQL type of G1.1.
    pub trait KnownSql {
        /// Its kind.
        fn sql_kind(&self) -> ValueKind;
    }

    impl<ST: SqlKind> KnownSql for &SqlProbe<ST> {
        fn sql_kind(&self) -> ValueKind {
            ST::KIND
        }
    }

    /// An SQL type of the application's own: text-like (G1.3).
    pub trait OwnSql {
        /// Its kind.
        fn sql_kind(&self) -> ValueKind;
    }

    impl<ST> OwnSql for SqlProbe<ST> {
        fn sql_kind(&self) -> ValueKind {
            ValueKind::Enum
        }
    }

    /// The kind of a field, worked out once: the derive keeps one cell per field.
    pub fn resolve(cell: &'static OnceLock<ValueKind>, probe: fn() -> ValueKind) -> ValueKind {
        *cell.get_or_init(probe)
    }

    /// A `Numeric` kind with the precision and scale the field declares (G1.2).
    pub fn numeric(kind: ValueKind, precision: Option<u16>, scale: Option<u16>) -> ValueKind {
        match kind {
            ValueKind::Numeric { .. } => ValueKind::Numeric { precision, scale },
            other => other,
        }
    }

    /// The kind G1.1 gives an SQL type.
    pub trait SqlKind {
        /// The kind.
        const KIND: ValueKind;
    }

    macro_rules! sql_kinds {
        ($($st:ty => $kind:ident),* $(,)?) => {
            $(impl SqlKind for $st { const KIND: ValueKind = ValueKind::$kind; })*
        };
    }

    sql_kinds! {
        diesel::sql_types::SmallInt => SmallInt,
        diesel::sql_types::Integer => Integer,
        diesel::sql_types::BigInt => BigInt,
        diesel::sql_types::Float => Float,
        diesel::sql_types::Double => Double,
        diesel::sql_types::Text => Text,
        diesel::sql_types::Bool => Bool,
        diesel::sql_types::Date => Date,
        diesel::sql_types::Time => Time,
        diesel::sql_types::Timestamp => Timestamp,
        diesel::sql_types::Binary => Binary,
        diesel::sql_types::Json => Json,
        diesel::sql_types::Jsonb => Jsonb,
    }

    impl SqlKind for diesel::sql_types::Numeric {
        const KIND: ValueKind = ValueKind::NUMERIC;
    }

    #[cfg(feature = "postgres")]
    sql_kinds! {
        diesel::sql_types::Timestamptz => TimestampTz,
        diesel::sql_types::Uuid => Uuid,
        diesel::sql_types::Interval => Interval,
        diesel::sql_types::Inet => Inet,
        diesel::sql_types::Cidr => Cidr,
    }

    #[cfg(feature = "sqlite")]
    sql_kinds! {
        diesel::sql_types::TimestamptzSqlite => TimestampTz,
    }

    #[cfg(feature = "mysql")]
    sql_kinds! {
        diesel::sql_types::Datetime => Timestamp,
    }

    impl<ST: SqlKind> SqlKind for diesel::sql_types::Nullable<ST> {
        const KIND: ValueKind = ST::KIND;
    }
}
