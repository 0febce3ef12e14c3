//! PostgreSQL: native `timestamptz`, `uuid` and `interval`; reads run in a repeatable-read,
//! read-only transaction so that counts, pages and linkage agree.

use diesel::pg::{Pg, PgConnection, PgValue};
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};

use super::{bind_common, decode_common, impl_database, Dialect};
use crate::meta::ValueKind;
use crate::value::SqlValue;

type Query<'f> = BoxedSqlQuery<'f, Pg, SqlQuery>;

fn decode(kind: ValueKind, raw: Option<PgValue<'_>>) -> diesel::deserialize::Result<SqlValue> {
    decode_common!(Pg, kind, raw)
}

fn decode_special(kind: ValueKind, v: PgValue<'_>) -> diesel::deserialize::Result<SqlValue> {
    use diesel::deserialize::FromSql;
    use diesel::pg::data_types::PgInterval;
    use diesel::sql_types as st;
    match kind {
        ValueKind::TimestampTz => {
            <chrono::DateTime<chrono::Utc> as FromSql<st::Timestamptz, Pg>>::from_sql(v)
                .map(SqlValue::TimestampTz)
        }
        ValueKind::Uuid => <uuid::Uuid as FromSql<st::Uuid, Pg>>::from_sql(v).map(SqlValue::Uuid),
        ValueKind::Interval => {
            let i = <PgInterval as FromSql<st::Interval, Pg>>::from_sql(v)?;
            Ok(SqlValue::Interval {
                microseconds: i.microseconds,
                days: i.days,
                months: i.months,
            })
        }
        other => Err(format!("unexpected kind {other:?}").into()),
    }
}

fn bind_special<'f>(q: Query<'f>, value: SqlValue) -> Query<'f> {
    use diesel::pg::data_types::PgInterval;
    use diesel::sql_types as st;
    match value {
        SqlValue::TimestampTz(v) => q.bind::<st::Timestamptz, _>(v),
        SqlValue::Uuid(v) => q.bind::<st::Uuid, _>(v),
        SqlValue::Interval {
            microseconds,
            days,
            months,
        } => q.bind::<st::Interval, _>(PgInterval {
            microseconds,
            days,
            months,
        }),
        SqlValue::TypedNull(ValueKind::TimestampTz) => {
            q.bind::<st::Nullable<st::Timestamptz>, _>(None::<chrono::DateTime<chrono::Utc>>)
        }
        SqlValue::TypedNull(ValueKind::Uuid) => {
            q.bind::<st::Nullable<st::Uuid>, _>(None::<uuid::Uuid>)
        }
        SqlValue::TypedNull(ValueKind::Interval) => {
            q.bind::<st::Nullable<st::Interval>, _>(None::<PgInterval>)
        }
        _ => q.bind::<st::Nullable<st::Integer>, _>(None::<i32>),
    }
}

fn bind<'f>(q: Query<'f>, value: SqlValue) -> Query<'f> {
    bind_common!(Pg, q, value, bind_special)
}

impl_database!(PgConnection, Pg, Dialect::Postgres, bind, read: |conn, f| {
    conn.build_transaction().read_only().repeatable_read().run(f)
}, write: |conn, f| {
    use diesel::Connection as _;
    conn.transaction(f)
});
