//! MySQL and MariaDB: `DATETIME` columns read as timestamps; zoned timestamps are taken as UTC;
//! uuids are text.

use diesel::mysql::{Mysql, MysqlConnection, MysqlValue};
use diesel::query_builder::AstPass;
use diesel::QueryResult;

use super::{bind_common, decode_common, impl_database, Bind, Dialect};
use crate::meta::ValueKind;
use crate::value::SqlValue;

fn decode(kind: ValueKind, raw: Option<MysqlValue<'_>>) -> diesel::deserialize::Result<SqlValue> {
    decode_common!(Mysql, mysql, kind, raw)
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

fn bind_special<'b>(pass: &mut AstPass<'_, 'b, Mysql>, b: &'b Bind) -> QueryResult<()> {
    use diesel::sql_types as st;
    match b {
        Bind::Value(SqlValue::TypedNull(ValueKind::TimestampTz)) => pass
            .push_bind_param::<st::Nullable<st::Timestamp>, Option<chrono::NaiveDateTime>>(&None),
        // Zoned timestamps and uuids are bound as `Timestamp` and text (`Sql::bind`).
        _ => pass.push_bind_param::<st::Nullable<st::Text>, Option<&str>>(&None),
    }
}

fn bind<'b>(pass: &mut AstPass<'_, 'b, Mysql>, b: &'b Bind) -> QueryResult<()> {
    bind_common!(Mysql, mysql, pass, b, bind_special)
}

impl_database!(MysqlConnection, Mysql, Dialect::Mysql, read: |conn, f| {
    use diesel::Connection as _;
    conn.transaction(f)
}, write: |conn, f| {
    use diesel::Connection as _;
    conn.transaction(f)
});
