//! MySQL and MariaDB: `DATETIME` columns read as timestamps; zoned timestamps are taken as UTC.

use diesel::mysql::{Mysql, MysqlConnection, MysqlValue};
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};

use super::{bind_common, decode_common, impl_database, Dialect};
use crate::meta::ValueKind;
use crate::value::SqlValue;

type Query<'f> = BoxedSqlQuery<'f, Mysql, SqlQuery>;

fn decode(kind: ValueKind, raw: Option<MysqlValue<'_>>) -> diesel::deserialize::Result<SqlValue> {
    decode_common!(Mysql, kind, raw)
}

fn decode_special(kind: ValueKind, v: MysqlValue<'_>) -> diesel::deserialize::Result<SqlValue> {
    use diesel::deserialize::FromSql;
    use diesel::sql_types as st;
    match kind {
        ValueKind::TimestampTz => {
            <chrono::NaiveDateTime as FromSql<st::Timestamp, Mysql>>::from_sql(v)
                .map(|ts| SqlValue::TimestampTz(ts.and_utc()))
        }
        ValueKind::Uuid => {
            let s = <String as FromSql<st::Text, Mysql>>::from_sql(v)?;
            Ok(SqlValue::Uuid(uuid::Uuid::parse_str(&s)?))
        }
        other => Err(format!("MySQL has no {other:?} type").into()),
    }
}

fn bind_special<'f>(q: Query<'f>, value: SqlValue) -> Query<'f> {
    use diesel::sql_types as st;
    match value {
        SqlValue::TimestampTz(v) => q.bind::<st::Timestamp, _>(v.naive_utc()),
        SqlValue::Uuid(v) => q.bind::<st::Text, _>(v.hyphenated().to_string()),
        SqlValue::TypedNull(ValueKind::TimestampTz) => {
            q.bind::<st::Nullable<st::Timestamp>, _>(None::<chrono::NaiveDateTime>)
        }
        SqlValue::TypedNull(_) => q.bind::<st::Nullable<st::Text>, _>(None::<String>),
        _ => q.bind::<st::Nullable<st::Integer>, _>(None::<i32>),
    }
}

fn bind<'f>(q: Query<'f>, value: SqlValue) -> Query<'f> {
    bind_common!(Mysql, q, value, bind_special)
}

impl_database!(MysqlConnection, Mysql, Dialect::Mysql, bind, read: |conn, f| {
    use diesel::Connection as _;
    conn.transaction(f)
}, write: |conn, f| {
    use diesel::Connection as _;
    conn.transaction(f)
});
