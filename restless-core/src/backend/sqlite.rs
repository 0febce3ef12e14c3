//! SQLite: dates and times are stored as text and read with Diesel's parsers; uuids are text.

use diesel::query_builder::AstPass;
use diesel::sqlite::{Sqlite, SqliteConnection, SqliteValue};
use diesel::QueryResult;

use super::{bind_common, decode_common, impl_database, Bind, Dialect};
use crate::meta::ValueKind;
use crate::value::SqlValue;

fn decode(
    kind: ValueKind,
    raw: Option<SqliteValue<'_, '_, '_>>,
) -> diesel::deserialize::Result<SqlValue> {
    decode_common!(Sqlite, sqlite, kind, raw)
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
        ValueKind::Jsonb => {
            <serde_json::Value as FromSql<st::Jsonb, Sqlite>>::from_sql(v).map(SqlValue::Jsonb)
        }
        other => Err(format!("SQLite has no {other:?} type").into()),
    }
}

fn bind_special<'b>(pass: &mut AstPass<'_, 'b, Sqlite>, b: &'b Bind) -> QueryResult<()> {
    use diesel::sql_types as st;
    match b {
        Bind::Value(SqlValue::TimestampTz(v)) => {
            pass.push_bind_param::<st::TimestamptzSqlite, chrono::DateTime<chrono::Utc>>(v)
        }
        Bind::Value(SqlValue::Jsonb(v)) => {
            pass.push_bind_param::<st::Jsonb, serde_json::Value>(v)
        }
        Bind::Value(SqlValue::TypedNull(ValueKind::Jsonb)) => {
            pass.push_bind_param::<st::Nullable<st::Jsonb>, Option<serde_json::Value>>(&None)
        }
        Bind::Value(SqlValue::TypedNull(ValueKind::TimestampTz)) => pass.push_bind_param::<
            st::Nullable<st::TimestamptzSqlite>,
            Option<chrono::DateTime<chrono::Utc>>,
        >(&None),
        // Uuids are text here (`Sql::bind`); nothing else reaches SQLite: the kinds are
        // checked at registration.
        _ => pass.push_bind_param::<st::Nullable<st::Text>, Option<&str>>(&None),
    }
}

fn bind<'b>(pass: &mut AstPass<'_, 'b, Sqlite>, b: &'b Bind) -> QueryResult<()> {
    bind_common!(Sqlite, sqlite, pass, b, bind_special)
}

impl_database!(SqliteConnection, Sqlite, Dialect::Sqlite, read: |conn, f| {
    use diesel::Connection as _;
    conn.transaction(f)
}, write: |conn, f| {
    // Take the write lock up front: a deferred transaction that reads and then writes fails
    // at once with "database is locked" when another writer got there first, where
    // BEGIN IMMEDIATE waits for the connection's busy timeout.
    conn.immediate_transaction(f)
});
