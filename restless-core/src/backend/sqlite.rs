//! SQLite: dates and times are stored as text and read with Diesel's parsers.

use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sqlite::{Sqlite, SqliteConnection, SqliteValue};

use super::{bind_common, decode_common, impl_database, Dialect};
use crate::meta::ValueKind;
use crate::value::SqlValue;

type Query<'f> = BoxedSqlQuery<'f, Sqlite, SqlQuery>;

fn decode(
    kind: ValueKind,
    raw: Option<SqliteValue<'_, '_, '_>>,
) -> diesel::deserialize::Result<SqlValue> {
    decode_common!(Sqlite, kind, raw)
}

fn decode_special(
    kind: ValueKind,
    v: SqliteValue<'_, '_, '_>,
) -> diesel::deserialize::Result<SqlValue> {
    use diesel::deserialize::FromSql;
    use diesel::sql_types as st;
    match kind {
        ValueKind::TimestampTz => {
            <chrono::DateTime<chrono::Utc> as FromSql<st::TimestamptzSqlite, Sqlite>>::from_sql(v)
                .map(SqlValue::TimestampTz)
        }
        ValueKind::Uuid => {
            let s = <String as FromSql<st::Text, Sqlite>>::from_sql(v)?;
            Ok(SqlValue::Uuid(uuid::Uuid::parse_str(&s)?))
        }
        other => Err(format!("SQLite has no {other:?} type").into()),
    }
}

fn bind_special<'f>(q: Query<'f>, value: SqlValue) -> Query<'f> {
    use diesel::sql_types as st;
    match value {
        SqlValue::TimestampTz(v) => q.bind::<st::TimestamptzSqlite, _>(v),
        SqlValue::Uuid(v) => q.bind::<st::Text, _>(v.hyphenated().to_string()),
        SqlValue::TypedNull(ValueKind::TimestampTz) => {
            q.bind::<st::Nullable<st::TimestamptzSqlite>, _>(None::<chrono::DateTime<chrono::Utc>>)
        }
        SqlValue::TypedNull(_) => q.bind::<st::Nullable<st::Text>, _>(None::<String>),
        // No other value reaches SQLite: the kinds are checked at registration.
        _ => q.bind::<st::Nullable<st::Integer>, _>(None::<i32>),
    }
}

fn bind<'f>(q: Query<'f>, value: SqlValue) -> Query<'f> {
    bind_common!(Sqlite, q, value, bind_special)
}

impl_database!(SqliteConnection, Sqlite, Dialect::Sqlite, bind, read: |conn, f| {
    use diesel::Connection as _;
    conn.transaction(f)
}, write: |conn, f| {
    // Take the write lock up front: a deferred transaction that reads and then writes fails
    // at once with "database is locked" when another writer got there first, where
    // BEGIN IMMEDIATE waits for the connection's busy timeout.
    conn.immediate_transaction(f)
});
