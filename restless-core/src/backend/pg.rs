//! PostgreSQL: native `timestamptz`, `uuid` and `interval`; key lists are arrays; reads run in a
//! repeatable-read, read-only transaction so that counts, pages and linkage agree.

use diesel::pg::{Pg, PgConnection, PgValue};
use diesel::query_builder::AstPass;
use diesel::QueryResult;

use super::{bind_common, decode_common, impl_database, Bind, Dialect, KeyArray};
use crate::meta::ValueKind;
use crate::value::SqlValue;

fn decode(kind: ValueKind, raw: Option<PgValue<'_>>) -> diesel::deserialize::Result<SqlValue> {
    decode_common!(Pg, pg, kind, raw)
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
        ValueKind::Jsonb => {
            <serde_json::Value as FromSql<st::Jsonb, Pg>>::from_sql(v).map(SqlValue::Jsonb)
        }
        ValueKind::Inet => {
            <ipnetwork::IpNetwork as FromSql<st::Inet, Pg>>::from_sql(v).map(SqlValue::Inet)
        }
        ValueKind::Cidr => {
            <ipnetwork::IpNetwork as FromSql<st::Cidr, Pg>>::from_sql(v).map(SqlValue::Cidr)
        }
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

fn bind_special<'b>(pass: &mut AstPass<'_, 'b, Pg>, b: &'b Bind) -> QueryResult<()> {
    use diesel::pg::data_types::PgInterval;
    use diesel::sql_types as st;
    match b {
        Bind::Value(SqlValue::TimestampTz(v)) => {
            pass.push_bind_param::<st::Timestamptz, chrono::DateTime<chrono::Utc>>(v)
        }
        Bind::Value(SqlValue::Uuid(v)) => pass.push_bind_param::<st::Uuid, uuid::Uuid>(v),
        Bind::Value(SqlValue::Jsonb(v)) => {
            pass.push_bind_param::<st::Jsonb, serde_json::Value>(v)
        }
        Bind::Value(SqlValue::Inet(v)) => pass.push_bind_param::<st::Inet, ipnetwork::IpNetwork>(v),
        Bind::Value(SqlValue::Cidr(v)) => pass.push_bind_param::<st::Cidr, ipnetwork::IpNetwork>(v),
        Bind::Value(SqlValue::TypedNull(ValueKind::Inet)) => {
            pass.push_bind_param::<st::Nullable<st::Inet>, Option<ipnetwork::IpNetwork>>(&None)
        }
        Bind::Value(SqlValue::TypedNull(ValueKind::Cidr)) => {
            pass.push_bind_param::<st::Nullable<st::Cidr>, Option<ipnetwork::IpNetwork>>(&None)
        }
        Bind::Value(SqlValue::TypedNull(ValueKind::Jsonb)) => {
            pass.push_bind_param::<st::Nullable<st::Jsonb>, Option<serde_json::Value>>(&None)
        }
        Bind::Interval(v) => pass.push_bind_param::<st::Interval, PgInterval>(v),
        Bind::Value(SqlValue::TypedNull(ValueKind::TimestampTz)) => pass
            .push_bind_param::<st::Nullable<st::Timestamptz>, Option<chrono::DateTime<chrono::Utc>>>(
                &None,
            ),
        Bind::Value(SqlValue::TypedNull(ValueKind::Uuid)) => {
            pass.push_bind_param::<st::Nullable<st::Uuid>, Option<uuid::Uuid>>(&None)
        }
        Bind::Value(SqlValue::TypedNull(ValueKind::Interval)) => {
            pass.push_bind_param::<st::Nullable<st::Interval>, Option<PgInterval>>(&None)
        }
        Bind::Keys(KeyArray::SmallInt(v)) => {
            pass.push_bind_param::<st::Array<st::SmallInt>, Vec<i16>>(v)
        }
        Bind::Keys(KeyArray::Integer(v)) => {
            pass.push_bind_param::<st::Array<st::Integer>, Vec<i32>>(v)
        }
        Bind::Keys(KeyArray::BigInt(v)) => {
            pass.push_bind_param::<st::Array<st::BigInt>, Vec<i64>>(v)
        }
        Bind::Keys(KeyArray::Text(v)) => pass.push_bind_param::<st::Array<st::Text>, Vec<String>>(v),
        Bind::Keys(KeyArray::Uuid(v)) => {
            pass.push_bind_param::<st::Array<st::Uuid>, Vec<uuid::Uuid>>(v)
        }
        // An interval is bound as `Bind::Interval` (`Sql::bind`).
        _ => pass.push_bind_param::<st::Nullable<st::Integer>, Option<i32>>(&None),
    }
}

fn bind<'b>(pass: &mut AstPass<'_, 'b, Pg>, b: &'b Bind) -> QueryResult<()> {
    bind_common!(Pg, pg, pass, b, bind_special)
}

impl_database!(PgConnection, Pg, Dialect::Postgres, read: |conn, f| {
    read_only(conn, f)
}, write: |conn, f| {
    use diesel::Connection as _;
    conn.transaction(f)
});

/// What `conn.build_transaction().read_only().repeatable_read().run(f)` does, with the one
/// `BEGIN` statement written once rather than built on every request.
fn read_only<T>(
    conn: &mut PgConnection,
    f: impl FnOnce(&mut PgConnection) -> Result<T, crate::error::Error>,
) -> Result<T, crate::error::Error> {
    use diesel::connection::{AnsiTransactionManager, TransactionManager as _};
    AnsiTransactionManager::begin_transaction_sql(
        conn,
        "BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY",
    )?;
    match f(conn) {
        Ok(value) => {
            AnsiTransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => match AnsiTransactionManager::rollback_transaction(conn) {
            // The request's error says more than a transaction manager that broke on it.
            Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(error),
            Err(rollback) => Err(rollback.into()),
        },
    }
}
