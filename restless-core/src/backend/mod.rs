//! Everything that differs between SQLite, PostgreSQL and MySQL/MariaDB, in one place.
//!
//! restless builds each statement from the derive's static metadata (table and column names that
//! Diesel's `table!` checked at compile time) and binds every value that comes from a request
//! (design 2 of the style guide, as PostgREST does). The statement, [`Sql`], is a Diesel query:
//! it implements `QueryFragment` for each backend, so placeholders and binding
//! (`push_bind_param`) are Diesel's; identifiers are quoted in standard SQL (double quotes,
//! backticks on MySQL, a quote inside doubled) once, into the text, as the statement is built,
//! as table names are; and it runs through Diesel's `LoadConnection`,
//! whose rows are decoded by position with the kinds the statement declared for its result
//! columns. Statements whose text depends on nothing but bound values (a resource by key, a
//! plain page, the linkage of a page) are marked safe to cache, so Diesel's prepared-statement
//! cache reuses them; statements the client shapes (filters, sorts, function lists, written
//! column sets) are not, so the cache stays bounded. Variable key lists are one array
//! parameter on PostgreSQL (`= ANY($1)`) and are padded to a power of two elsewhere, so their
//! statements are cacheable too.
//!
//! Generic code only ever sees [`Sql`] and the [`Database`] trait; the per-backend modules
//! supply value binding, row decoding and the transactions.

#![cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(unused_macros, dead_code, reason = "a build without any backend")
)]

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

/// One piece of a statement.
#[derive(Clone, Debug)]
enum Part {
    /// SQL text written in restless's source and quoted identifiers from static metadata
    /// (never request data).
    Text(String),
    /// A bound value.
    Bind(Bind),
}

/// A value bound to a placeholder.
#[derive(Clone, Debug)]
pub(crate) enum Bind {
    /// One value.
    Value(SqlValue),
    /// A list of keys as one PostgreSQL array parameter.
    #[cfg(feature = "postgres")]
    Keys(KeyArray),
    /// An interval, as PostgreSQL binds it.
    #[cfg(feature = "postgres")]
    Interval(diesel::pg::data_types::PgInterval),
}

/// Keys of one kind, bound as one array (PostgreSQL `= ANY($1)`).
#[cfg(feature = "postgres")]
#[derive(Clone, Debug)]
pub(crate) enum KeyArray {
    /// `SmallInt` keys.
    SmallInt(Vec<i16>),
    /// `Integer` keys.
    Integer(Vec<i32>),
    /// `BigInt` keys.
    BigInt(Vec<i64>),
    /// `Text` keys.
    Text(Vec<String>),
    /// `Uuid` keys.
    Uuid(Vec<uuid::Uuid>),
}

#[cfg(feature = "postgres")]
impl KeyArray {
    /// The values as one array, when they are all of one key kind.
    fn of(values: &[SqlValue]) -> Option<KeyArray> {
        fn all<T>(values: &[SqlValue], f: impl Fn(&SqlValue) -> Option<T>) -> Option<Vec<T>> {
            values.iter().map(f).collect()
        }
        Some(match values.first()? {
            SqlValue::SmallInt(_) => KeyArray::SmallInt(all(values, |v| match v {
                SqlValue::SmallInt(x) => Some(*x),
                _ => None,
            })?),
            SqlValue::Integer(_) => KeyArray::Integer(all(values, |v| match v {
                SqlValue::Integer(x) => Some(*x),
                _ => None,
            })?),
            SqlValue::BigInt(_) => KeyArray::BigInt(all(values, |v| match v {
                SqlValue::BigInt(x) => Some(*x),
                _ => None,
            })?),
            SqlValue::Text(_) => KeyArray::Text(all(values, |v| match v {
                SqlValue::Text(x) => Some(x.clone()),
                _ => None,
            })?),
            SqlValue::Uuid(_) => KeyArray::Uuid(all(values, |v| match v {
                SqlValue::Uuid(x) => Some(*x),
                _ => None,
            })?),
            _ => return None,
        })
    }
}

/// A statement being built: SQL text (identifiers quoted in it) and bound values in order, and the kinds of
/// its result columns.
#[derive(Clone, Debug)]
pub struct Sql {
    dialect: Dialect,
    parts: Vec<Part>,
    /// Text after the last part.
    tail: String,
    results: Vec<ValueKind>,
    aliases: usize,
    cacheable: bool,
    shaped: bool,
}

impl Sql {
    /// An empty statement in `dialect`, not cached unless marked [`cacheable`](Self::cacheable).
    pub fn new(dialect: Dialect) -> Self {
        Sql {
            dialect,
            parts: Vec::with_capacity(8),
            // Room for most statements' text at once.
            tail: String::with_capacity(256),
            results: Vec::new(),
            aliases: 0,
            cacheable: false,
            shaped: false,
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

    /// Marks the statement's text as depending on nothing but its bound values, so that
    /// Diesel's prepared-statement cache keeps it (unless it is also [`shaped`](Self::shaped)).
    pub fn cacheable(&mut self) -> &mut Self {
        self.cacheable = true;
        self
    }

    /// Marks the statement as shaped by the client (a filter, a sort, a list of functions):
    /// never cached, whatever else says.
    pub fn shaped(&mut self) -> &mut Self {
        self.shaped = true;
        self
    }

    /// Whether Diesel may keep the prepared statement.
    pub fn is_cacheable(&self) -> bool {
        self.cacheable && !self.shaped
    }

    /// Appends SQL text. Only ever called with text written in restless's source, never with
    /// anything taken from a request.
    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.tail.push_str(sql);
        self
    }

    /// Moves the text written since the last bound value into the parts.
    fn end_text(&mut self) {
        if !self.tail.is_empty() {
            self.parts.push(Part::Text(std::mem::take(&mut self.tail)));
        }
    }

    /// Appends an identifier (a column name or alias from static metadata), quoted in the
    /// dialect's way: in double quotes (backticks on MySQL), a quote inside doubled.
    pub fn ident(&mut self, name: &str) -> &mut Self {
        let q = match self.dialect {
            Dialect::Mysql => '`',
            Dialect::Sqlite | Dialect::Postgres => '"',
        };
        let text = &mut self.tail;
        text.push(q);
        if name.contains(q) {
            for c in name.chars() {
                if c == q {
                    text.push(q);
                }
                text.push(c);
            }
        } else {
            text.push_str(name);
        }
        text.push(q);
        self
    }

    /// Appends a table's name as Diesel renders it (schema-qualified, quoted).
    pub fn table(&mut self, table: crate::meta::Table) -> &mut Self {
        self.push(table.sql(self.dialect))
    }

    /// Appends `alias.column`.
    pub fn column(&mut self, alias: &str, column: &str) -> &mut Self {
        self.ident(alias).push(".").ident(column)
    }

    /// Appends a placeholder and records `value` to be bound to it.
    pub fn bind(&mut self, value: SqlValue) -> &mut Self {
        // Each backend binds the kinds it has no type for as the type it stores them in.
        let bind = match (self.dialect, value) {
            (Dialect::Sqlite | Dialect::Mysql, SqlValue::Uuid(u)) => {
                Bind::Value(SqlValue::Text(u.hyphenated().to_string()))
            }
            (Dialect::Mysql, SqlValue::TimestampTz(ts)) => {
                Bind::Value(SqlValue::Timestamp(ts.naive_utc()))
            }
            #[cfg(feature = "postgres")]
            (
                Dialect::Postgres,
                SqlValue::Interval {
                    microseconds,
                    days,
                    months,
                },
            ) => Bind::Interval(diesel::pg::data_types::PgInterval {
                microseconds,
                days,
                months,
            }),
            (_, value) => Bind::Value(value),
        };
        self.end_text();
        self.parts.push(Part::Bind(bind));
        self
    }

    /// Appends `column = ?` for one key; for more, `column = ANY(?)` with the keys as one
    /// array on PostgreSQL, elsewhere `column IN (?, ...)` with the list padded (repeating its
    /// last key) to a power of two, so that few statement shapes serve every list length.
    /// `push_column` writes the column. An empty list is `1 = 0`.
    pub(crate) fn key_in(
        &mut self,
        push_column: impl Fn(&mut Sql),
        values: &[SqlValue],
        text_value: impl Fn(&mut Sql, SqlValue),
    ) -> &mut Self {
        let Some(last) = values.last() else {
            return self.push("1 = 0");
        };
        if values.len() == 1 {
            push_column(self);
            self.push(" = ");
            text_value(self, last.clone());
            return self;
        }
        #[cfg(feature = "postgres")]
        if self.dialect == Dialect::Postgres {
            if let Some(array) = KeyArray::of(values) {
                push_column(self);
                self.push(" = ANY(");
                self.end_text();
                self.parts.push(Part::Bind(Bind::Keys(array)));
                return self.push(")");
            }
        }
        push_column(self);
        self.push(" IN (");
        let padded = values.len().next_power_of_two();
        for i in 0..padded {
            if i > 0 {
                self.push(", ");
            }
            text_value(self, values.get(i).unwrap_or(last).clone());
        }
        self.push(")")
    }

    /// Declares the next result column's kind, by which rows are decoded.
    pub fn alias(&mut self, kind: ValueKind, index: usize) -> &mut Self {
        debug_assert_eq!(index, self.results.len(), "result columns in order");
        self.results.push(kind);
        self
    }

    /// The kinds of the result columns, in order.
    pub fn results(&self) -> &[ValueKind] {
        &self.results
    }

    /// The statement's text with the dialect's usual quoting and placeholders (for logs and
    /// tests; the statement run is the same text with Diesel's placeholders).
    pub fn text(&self) -> String {
        let mut out = String::new();
        let mut n = 0;
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Bind(_) => {
                    n += 1;
                    match self.dialect {
                        Dialect::Postgres => out.push_str(&format!("${n}")),
                        Dialect::Sqlite | Dialect::Mysql => out.push('?'),
                    }
                }
            }
        }
        out.push_str(&self.tail);
        out
    }

    /// Walks the statement for Diesel: text and binds in order.
    fn walk<'b, DB: diesel::backend::Backend>(
        &'b self,
        mut pass: diesel::query_builder::AstPass<'_, 'b, DB>,
        mut bind: impl FnMut(
            &'b Bind,
            &mut diesel::query_builder::AstPass<'_, 'b, DB>,
        ) -> diesel::QueryResult<()>,
    ) -> diesel::QueryResult<()> {
        if !self.is_cacheable() {
            pass.unsafe_to_cache_prepared();
        }
        for part in &self.parts {
            match part {
                Part::Text(t) => pass.push_sql(t),
                Part::Bind(b) => bind(b, &mut pass)?,
            }
        }
        pass.push_sql(&self.tail);
        Ok(())
    }
}

impl diesel::query_builder::QueryId for Sql {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl diesel::query_builder::Query for Sql {
    type SqlType = diesel::sql_types::Untyped;
}

impl<Conn> diesel::RunQueryDsl<Conn> for Sql {}

/// One result row: the values of the selected columns, in select order.
#[derive(Clone, Debug, PartialEq)]
pub struct Row(pub Vec<SqlValue>);

impl Row {
    /// The value at `index`, NULL when out of range.
    pub fn get(&self, index: usize) -> &SqlValue {
        self.0.get(index).unwrap_or(&SqlValue::Null)
    }
}

/// Runs `sql` through Diesel's `LoadConnection` and decodes each row by position with
/// `decode` and the statement's result kinds, every value of every row in one vector.
pub(crate) fn load_flat_with<C, DB>(
    conn: &mut C,
    sql: Sql,
    decode: impl for<'a> Fn(
        ValueKind,
        Option<DB::RawValue<'a>>,
    ) -> diesel::deserialize::Result<SqlValue>,
) -> Result<Vec<SqlValue>, Error>
where
    DB: diesel::backend::Backend,
    C: diesel::connection::LoadConnection<Backend = DB>,
    Sql: diesel::query_builder::QueryFragment<DB>,
{
    use diesel::row::{Field as _, Row as _};
    let kinds = sql.results.clone();
    let mut values = Vec::new();
    for row in conn.load(sql)? {
        let row = row?;
        for (i, kind) in kinds.iter().enumerate() {
            let field = row.get(i).ok_or_else(|| {
                diesel::result::Error::DeserializationError(
                    format!("result column {i} is missing").into(),
                )
            })?;
            values.push(
                decode(*kind, field.value())
                    .map_err(diesel::result::Error::DeserializationError)?,
            );
        }
    }
    Ok(values)
}

/// Splits the values of [`load_flat_with`] into rows of `width`.
fn rows_of(values: Vec<SqlValue>, width: usize) -> Vec<Row> {
    if width == 0 {
        return Vec::new();
    }
    let mut rows = Vec::with_capacity(values.len() / width);
    let mut values = values.into_iter();
    loop {
        let row: Vec<SqlValue> = values.by_ref().take(width).collect();
        if row.is_empty() {
            return rows;
        }
        rows.push(Row(row));
    }
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

    /// Runs a query and decodes every row into one vector, row after row (no allocation
    /// per row, for statements of many narrow rows).
    ///
    /// # Errors
    /// [`Error::Database`] when the statement fails or a value does not decode.
    fn load_values(&mut self, sql: Sql) -> Result<Vec<SqlValue>, Error> {
        let rows = self.load_rows(sql)?;
        Ok(rows.into_iter().flat_map(|row| row.0).collect())
    }

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
    ($db:ty, $field:ident, $kind:expr, $raw:expr) => {{
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
            ($crate::meta::ValueKind::Numeric { scale, .. }, Some(v)) => {
                <bigdecimal::BigDecimal as FromSql<st::Numeric, $db>>::from_sql(v)
                    .map(|d| SqlValue::Numeric($crate::value::with_scale(d, scale)))
            }
            ($crate::meta::ValueKind::Binary, Some(v)) => {
                <Vec<u8> as FromSql<st::Binary, $db>>::from_sql(v).map(SqlValue::Binary)
            }
            ($crate::meta::ValueKind::Json, Some(v)) => {
                <serde_json::Value as FromSql<st::Json, $db>>::from_sql(v).map(SqlValue::Json)
            }
            ($crate::meta::ValueKind::User(codec), Some(v)) => (codec.$field.decode)(v)
                .map(|value| SqlValue::User($crate::value::UserValue { value, codec })),
            (kind, Some(v)) => decode_special(kind, v),
        }
    }};
}
#[allow(unused_imports, reason = "used by whichever backends are enabled")]
use decode_common;

/// Pushes the values every backend binds the same way; `$special` handles the rest.
macro_rules! bind_common {
    ($db:ty, $field:ident, $pass:expr, $bind:expr, $special:path) => {{
        use diesel::sql_types as st;
        use $crate::backend::Bind;
        use $crate::value::SqlValue;
        let pass = $pass;
        let b: &Bind = $bind;
        match b {
            Bind::Value(SqlValue::Null) => {
                pass.push_bind_param::<st::Nullable<st::Integer>, Option<i32>>(&None)
            }
            Bind::Value(SqlValue::TypedNull(kind)) => {
                use $crate::meta::ValueKind as K;
                match kind {
                    K::SmallInt => pass.push_bind_param::<st::Nullable<st::SmallInt>, Option<i16>>(&None),
                    K::Integer => pass.push_bind_param::<st::Nullable<st::Integer>, Option<i32>>(&None),
                    K::BigInt => pass.push_bind_param::<st::Nullable<st::BigInt>, Option<i64>>(&None),
                    K::Float => pass.push_bind_param::<st::Nullable<st::Float>, Option<f32>>(&None),
                    K::Double => pass.push_bind_param::<st::Nullable<st::Double>, Option<f64>>(&None),
                    K::Text => pass.push_bind_param::<st::Nullable<st::Text>, Option<&str>>(&None),
                    K::Bool => pass.push_bind_param::<st::Nullable<st::Bool>, Option<bool>>(&None),
                    K::Date => pass
                        .push_bind_param::<st::Nullable<st::Date>, Option<chrono::NaiveDate>>(&None),
                    K::Time => pass
                        .push_bind_param::<st::Nullable<st::Time>, Option<chrono::NaiveTime>>(&None),
                    K::Timestamp => pass.push_bind_param::<
                        st::Nullable<st::Timestamp>,
                        Option<chrono::NaiveDateTime>,
                    >(&None),
                    K::Numeric { .. } => pass.push_bind_param::<
                        st::Nullable<st::Numeric>,
                        Option<bigdecimal::BigDecimal>,
                    >(&None),
                    K::Binary => {
                        pass.push_bind_param::<st::Nullable<st::Binary>, Option<Vec<u8>>>(&None)
                    }
                    K::Json => pass
                        .push_bind_param::<st::Nullable<st::Json>, Option<serde_json::Value>>(&None),
                    K::User(codec) => (codec.$field.bind_null)(pass),
                    _ => $special(pass, b),
                }
            }
            Bind::Value(SqlValue::User(v)) => (v.codec.$field.bind)(&*v.value, pass),
            Bind::Value(SqlValue::Numeric(v)) => {
                pass.push_bind_param::<st::Numeric, bigdecimal::BigDecimal>(v)
            }
            Bind::Value(SqlValue::Binary(v)) => pass.push_bind_param::<st::Binary, Vec<u8>>(v),
            Bind::Value(SqlValue::Json(v)) => {
                pass.push_bind_param::<st::Json, serde_json::Value>(v)
            }
            Bind::Value(SqlValue::SmallInt(v)) => pass.push_bind_param::<st::SmallInt, i16>(v),
            Bind::Value(SqlValue::Integer(v)) => pass.push_bind_param::<st::Integer, i32>(v),
            Bind::Value(SqlValue::BigInt(v)) => pass.push_bind_param::<st::BigInt, i64>(v),
            Bind::Value(SqlValue::Float(v)) => pass.push_bind_param::<st::Float, f32>(v),
            Bind::Value(SqlValue::Double(v)) => pass.push_bind_param::<st::Double, f64>(v),
            Bind::Value(SqlValue::Text(v)) => pass.push_bind_param::<st::Text, String>(v),
            Bind::Value(SqlValue::Bool(v)) => pass.push_bind_param::<st::Bool, bool>(v),
            Bind::Value(SqlValue::Date(v)) => {
                pass.push_bind_param::<st::Date, chrono::NaiveDate>(v)
            }
            Bind::Value(SqlValue::Time(v)) => {
                pass.push_bind_param::<st::Time, chrono::NaiveTime>(v)
            }
            Bind::Value(SqlValue::Timestamp(v)) => {
                pass.push_bind_param::<st::Timestamp, chrono::NaiveDateTime>(v)
            }
            _ => $special(pass, b),
        }
    }};
}
#[allow(unused_imports, reason = "used by whichever backends are enabled")]
use bind_common;

/// Implements [`Database`] and Diesel's `QueryFragment` for a concrete connection type.
macro_rules! impl_database {
    ($conn:ty, $db:ty, $dialect:expr, read: |$c:ident, $f:ident| $tx:expr, write: |$wc:ident, $wf:ident| $wtx:expr) => {
        impl diesel::query_builder::QueryFragment<$db> for $crate::backend::Sql {
            fn walk_ast<'b>(
                &'b self,
                pass: diesel::query_builder::AstPass<'_, 'b, $db>,
            ) -> diesel::QueryResult<()> {
                self.walk(pass, |b, pass| bind(pass, b))
            }
        }

        impl $crate::backend::Database for $conn {
            const DIALECT: $crate::backend::Dialect = $dialect;

            fn load_rows(
                &mut self,
                sql: $crate::backend::Sql,
            ) -> Result<Vec<$crate::backend::Row>, $crate::error::Error> {
                let width = sql.results().len();
                $crate::backend::load_flat_with::<$conn, $db>(self, sql, decode)
                    .map(|values| $crate::backend::rows_of(values, width))
            }

            fn load_values(
                &mut self,
                sql: $crate::backend::Sql,
            ) -> Result<Vec<$crate::value::SqlValue>, $crate::error::Error> {
                $crate::backend::load_flat_with::<$conn, $db>(self, sql, decode)
            }

            fn execute_sql(
                &mut self,
                sql: $crate::backend::Sql,
            ) -> Result<usize, $crate::error::Error> {
                use diesel::RunQueryDsl as _;
                Ok(sql.execute(self)?)
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
