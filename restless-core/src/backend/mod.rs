//! Everything that differs between SQLite, PostgreSQL and MySQL/MariaDB, in one place.
//!
//! restless builds SQL text from the derive's static metadata (table and column names that
//! Diesel's `table!` checked at compile time) and binds every value that comes from a request
//! (design 2 of the style guide, as PostgREST does). Generic code only ever sees [`Sql`] and the
//! [`Database`] trait; the per-backend modules supply identifier quoting, placeholders, value
//! binding, row decoding and the read transaction. This keeps the trait bounds out of the
//! generated code and out of every operation: one code path serves all three backends.
//!
//! Rows are read through Diesel's `sql_query` and [`QueryableByName`](diesel::deserialize::QueryableByName).
//! Each selected column is aliased with the one-letter code of its [`ValueKind`] followed by its
//! position (`"f1"`), so a row decodes itself without any side channel.

use crate::error::Error;
use crate::meta::ValueKind;
use crate::value::SqlValue;

#[cfg(feature = "mysql")]
mod mysql;
#[cfg(feature = "postgres")]
mod pg;
#[cfg(feature = "sqlite")]
mod sqlite;

/// The SQL dialect of a backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// SQLite 3.
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// MySQL and MariaDB.
    Mysql,
}

/// A statement being built: SQL text plus its bound values, in order.
#[derive(Clone, Debug)]
pub struct Sql {
    dialect: Dialect,
    text: String,
    binds: Vec<SqlValue>,
    aliases: usize,
}

impl Sql {
    /// An empty statement in `dialect`.
    pub fn new(dialect: Dialect) -> Self {
        Sql {
            dialect,
            text: String::with_capacity(256),
            binds: Vec::new(),
            aliases: 0,
        }
    }

    /// A table alias not used before in this statement, e.g. `f1`.
    pub fn next_alias(&mut self, prefix: &str) -> String {
        self.aliases += 1;
        format!("{prefix}{}", self.aliases)
    }

    /// The dialect the statement is written in.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Appends SQL text. Only ever called with text written in restless's source, never with
    /// anything taken from a request.
    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.text.push_str(sql);
        self
    }

    /// Appends a quoted identifier (a table or column name from static metadata).
    pub fn ident(&mut self, name: &str) -> &mut Self {
        let q = match self.dialect {
            Dialect::Mysql => '`',
            Dialect::Sqlite | Dialect::Postgres => '"',
        };
        self.text.push(q);
        for c in name.chars() {
            if c == q {
                self.text.push(q);
            }
            self.text.push(c);
        }
        self.text.push(q);
        self
    }

    /// Appends a table's name as Diesel renders it (schema-qualified, quoted).
    pub fn table(&mut self, table: crate::meta::Table) -> &mut Self {
        self.text.push_str(table.sql(self.dialect));
        self
    }

    /// Appends `alias.column`.
    pub fn column(&mut self, alias: &str, column: &str) -> &mut Self {
        self.ident(alias).push(".").ident(column)
    }

    /// Appends a placeholder and records `value` to be bound to it.
    pub fn bind(&mut self, value: SqlValue) -> &mut Self {
        self.binds.push(value);
        match self.dialect {
            Dialect::Postgres => {
                self.text.push('$');
                self.text.push_str(&self.binds.len().to_string());
            }
            Dialect::Sqlite | Dialect::Mysql => self.text.push('?'),
        }
        self
    }

    /// Appends ` AS <alias>` naming result column `index` of kind `kind`, so that
    /// [`Row`] can decode it.
    pub fn alias(&mut self, kind: ValueKind, index: usize) -> &mut Self {
        let mut name = String::with_capacity(4);
        name.push(kind.code());
        name.push_str(&index.to_string());
        self.push(" AS ").ident(&name)
    }

    /// The SQL text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The values to bind, in placeholder order.
    pub fn binds(&self) -> &[SqlValue] {
        &self.binds
    }

    /// Text and binds, taken apart.
    pub fn into_parts(self) -> (String, Vec<SqlValue>) {
        (self.text, self.binds)
    }
}

/// One result row: the values of the selected columns, in select order.
#[derive(Clone, Debug, PartialEq)]
pub struct Row(pub Vec<SqlValue>);

impl Row {
    /// The value at `index`, NULL when out of range.
    pub fn get(&self, index: usize) -> &SqlValue {
        self.0.get(index).unwrap_or(&SqlValue::Null)
    }
}

/// The kind coded in a result column's alias (see [`Sql::alias`]).
fn alias_kind(name: Option<&str>) -> diesel::deserialize::Result<ValueKind> {
    name.and_then(|n| n.chars().next())
        .and_then(ValueKind::from_code)
        .ok_or_else(|| format!("result column {name:?} carries no value kind").into())
}

/// A Diesel connection restless can run its SQL on: `SqliteConnection`, `PgConnection` or
/// `MysqlConnection` (with the matching cargo feature).
pub trait Database: diesel::Connection + Send + 'static {
    /// The connection's SQL dialect.
    const DIALECT: Dialect;

    /// Runs a query and decodes every row.
    ///
    /// # Errors
    /// [`Error::Database`] when the statement fails or a value does not decode.
    fn load_rows(&mut self, sql: Sql) -> Result<Vec<Row>, Error>;

    /// Runs a statement that returns no rows; the number of rows it changed.
    ///
    /// # Errors
    /// [`Error::Database`] when the statement fails.
    fn execute_sql(&mut self, sql: Sql) -> Result<usize, Error>;

    /// Runs `f` in a transaction (a savepoint when one is open): committed when `f` succeeds,
    /// rolled back otherwise (A3.1).
    ///
    /// # Errors
    /// Whatever `f` returns, or [`Error::Database`] when the transaction cannot begin or end.
    fn write_transaction<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, Error>,
    ) -> Result<T, Error>;

    /// Runs `f` in a savepoint of the open transaction: undone alone when `f` fails, so the
    /// transaction stays usable (PostgreSQL aborts it otherwise).
    ///
    /// # Errors
    /// Whatever `f` returns, or [`Error::Database`] when the savepoint cannot be made.
    fn savepoint<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T, Error>) -> Result<T, Error>;

    /// Runs `f` in one read transaction, so that every query it makes sees one snapshot
    /// (A3.1, H8.1).
    ///
    /// # Errors
    /// Whatever `f` returns, or [`Error::Database`] when the transaction cannot begin or end.
    fn read_transaction<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, Error>,
    ) -> Result<T, Error>;
}

/// Decodes the kinds every backend reads the same way, with Diesel's own `FromSql`.
macro_rules! decode_common {
    ($db:ty, $kind:expr, $raw:expr) => {{
        use diesel::deserialize::FromSql;
        use diesel::sql_types as st;
        use $crate::value::SqlValue;
        match ($kind, $raw) {
            (_, None) => Ok(SqlValue::Null),
            ($crate::meta::ValueKind::SmallInt, Some(v)) => {
                <i16 as FromSql<st::SmallInt, $db>>::from_sql(v).map(SqlValue::SmallInt)
            }
            ($crate::meta::ValueKind::Integer, Some(v)) => {
                <i32 as FromSql<st::Integer, $db>>::from_sql(v).map(SqlValue::Integer)
            }
            ($crate::meta::ValueKind::BigInt, Some(v)) => {
                <i64 as FromSql<st::BigInt, $db>>::from_sql(v).map(SqlValue::BigInt)
            }
            ($crate::meta::ValueKind::Float, Some(v)) => {
                <f32 as FromSql<st::Float, $db>>::from_sql(v).map(SqlValue::Float)
            }
            ($crate::meta::ValueKind::Double, Some(v)) => {
                <f64 as FromSql<st::Double, $db>>::from_sql(v).map(SqlValue::Double)
            }
            ($crate::meta::ValueKind::Text, Some(v)) => {
                <String as FromSql<st::Text, $db>>::from_sql(v).map(SqlValue::Text)
            }
            ($crate::meta::ValueKind::Bool, Some(v)) => {
                <bool as FromSql<st::Bool, $db>>::from_sql(v).map(SqlValue::Bool)
            }
            ($crate::meta::ValueKind::Date, Some(v)) => {
                <chrono::NaiveDate as FromSql<st::Date, $db>>::from_sql(v).map(SqlValue::Date)
            }
            ($crate::meta::ValueKind::Time, Some(v)) => {
                <chrono::NaiveTime as FromSql<st::Time, $db>>::from_sql(v).map(SqlValue::Time)
            }
            ($crate::meta::ValueKind::Timestamp, Some(v)) => {
                <chrono::NaiveDateTime as FromSql<st::Timestamp, $db>>::from_sql(v)
                    .map(SqlValue::Timestamp)
            }
            (kind, Some(v)) => decode_special(kind, v),
        }
    }};
}
#[allow(unused_imports, reason = "used by whichever backends are enabled")]
use decode_common;

/// Binds the values every backend binds the same way; `$special` handles the rest.
macro_rules! bind_common {
    ($db:ty, $query:expr, $value:expr, $special:path) => {{
        use diesel::sql_types as st;
        use $crate::value::SqlValue;
        let q = $query;
        match $value {
            SqlValue::Null => q.bind::<st::Nullable<st::Integer>, _>(None::<i32>),
            SqlValue::TypedNull(kind) => {
                use $crate::meta::ValueKind as K;
                match kind {
                    K::SmallInt => q.bind::<st::Nullable<st::SmallInt>, _>(None::<i16>),
                    K::Integer => q.bind::<st::Nullable<st::Integer>, _>(None::<i32>),
                    K::BigInt => q.bind::<st::Nullable<st::BigInt>, _>(None::<i64>),
                    K::Float => q.bind::<st::Nullable<st::Float>, _>(None::<f32>),
                    K::Double => q.bind::<st::Nullable<st::Double>, _>(None::<f64>),
                    K::Text => q.bind::<st::Nullable<st::Text>, _>(None::<String>),
                    K::Bool => q.bind::<st::Nullable<st::Bool>, _>(None::<bool>),
                    K::Date => q.bind::<st::Nullable<st::Date>, _>(None::<chrono::NaiveDate>),
                    K::Time => q.bind::<st::Nullable<st::Time>, _>(None::<chrono::NaiveTime>),
                    K::Timestamp => {
                        q.bind::<st::Nullable<st::Timestamp>, _>(None::<chrono::NaiveDateTime>)
                    }
                    other => $special(q, SqlValue::TypedNull(other)),
                }
            }
            SqlValue::SmallInt(v) => q.bind::<st::SmallInt, _>(v),
            SqlValue::Integer(v) => q.bind::<st::Integer, _>(v),
            SqlValue::BigInt(v) => q.bind::<st::BigInt, _>(v),
            SqlValue::Float(v) => q.bind::<st::Float, _>(v),
            SqlValue::Double(v) => q.bind::<st::Double, _>(v),
            SqlValue::Text(v) => q.bind::<st::Text, _>(v),
            SqlValue::Bool(v) => q.bind::<st::Bool, _>(v),
            SqlValue::Date(v) => q.bind::<st::Date, _>(v),
            SqlValue::Time(v) => q.bind::<st::Time, _>(v),
            SqlValue::Timestamp(v) => q.bind::<st::Timestamp, _>(v),
            other => $special(q, other),
        }
    }};
}
#[allow(unused_imports, reason = "used by whichever backends are enabled")]
use bind_common;

/// Implements [`Database`] for a concrete connection type.
macro_rules! impl_database {
    ($conn:ty, $db:ty, $dialect:expr, $bind:path, read: |$c:ident, $f:ident| $tx:expr, write: |$wc:ident, $wf:ident| $wtx:expr) => {
        impl diesel::deserialize::QueryableByName<$db> for $crate::backend::Row {
            fn build<'a>(
                row: &impl diesel::row::NamedRow<'a, $db>,
            ) -> diesel::deserialize::Result<Self> {
                use diesel::row::Field as _;
                let count = diesel::row::Row::field_count(row);
                let mut values = Vec::with_capacity(count);
                for i in 0..count {
                    let field = diesel::row::Row::get(row, i)
                        .ok_or_else(|| format!("result column {i} is missing"))?;
                    let kind = $crate::backend::alias_kind(field.field_name())?;
                    values.push(decode(kind, field.value())?);
                }
                Ok($crate::backend::Row(values))
            }
        }

        impl $crate::backend::Database for $conn {
            const DIALECT: $crate::backend::Dialect = $dialect;

            fn load_rows(
                &mut self,
                sql: $crate::backend::Sql,
            ) -> Result<Vec<$crate::backend::Row>, $crate::error::Error> {
                use diesel::RunQueryDsl as _;
                let (text, binds) = sql.into_parts();
                let mut q = diesel::sql_query(text).into_boxed::<$db>();
                for value in binds {
                    q = $bind(q, value);
                }
                Ok(q.load::<$crate::backend::Row>(self)?)
            }

            fn execute_sql(
                &mut self,
                sql: $crate::backend::Sql,
            ) -> Result<usize, $crate::error::Error> {
                use diesel::RunQueryDsl as _;
                let (text, binds) = sql.into_parts();
                let mut q = diesel::sql_query(text).into_boxed::<$db>();
                for value in binds {
                    q = $bind(q, value);
                }
                Ok(q.execute(self)?)
            }

            fn write_transaction<T>(
                &mut self,
                f: impl FnOnce(&mut Self) -> Result<T, $crate::error::Error>,
            ) -> Result<T, $crate::error::Error> {
                let $wc = self;
                let $wf = f;
                $wtx
            }

            fn savepoint<T>(
                &mut self,
                f: impl FnOnce(&mut Self) -> Result<T, $crate::error::Error>,
            ) -> Result<T, $crate::error::Error> {
                use diesel::Connection as _;
                self.transaction(f)
            }

            fn read_transaction<T>(
                &mut self,
                f: impl FnOnce(&mut Self) -> Result<T, $crate::error::Error>,
            ) -> Result<T, $crate::error::Error> {
                let $c = self;
                let $f = f;
                $tx
            }
        }
    };
}
#[allow(unused_imports, reason = "used by whichever backends are enabled")]
use impl_database;
