//! The shop's models and its own value types: a customer tier stored as text, a product key
//! over `uuid::Uuid` (native on PostgreSQL, text elsewhere) and an order status with an SQL enum
//! type of its own. Each is served in its serde form (catalog G1.3).

#[cfg(any(feature = "postgres", feature = "mysql"))]
use std::io::Write as _;

use bigdecimal::BigDecimal;
use chrono::NaiveDateTime;
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;
use restless::JsonApiResource;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::schema::{customer, order, order_product, product, sql_types};

/// A customer.
#[derive(JsonApiResource)]
#[diesel(table_name = customer)]
#[jsonapi(to_many(name = "orders", target = Order, foreign_key = order::customer_id))]
#[allow(
    dead_code,
    reason = "read and written by restless through its metadata"
)]
pub(crate) struct Customer {
    pub(crate) id: i64,
    pub(crate) email: String,
    pub(crate) tier: Tier,
    pub(crate) settings: Option<serde_json::Value>,
    pub(crate) avatar: Option<Vec<u8>>,
    pub(crate) signed_up_at: NaiveDateTime,
}

/// A product; its key is chosen by the client.
#[derive(JsonApiResource)]
#[diesel(table_name = product)]
#[allow(
    dead_code,
    reason = "read and written by restless through its metadata"
)]
pub(crate) struct Product {
    pub(crate) id: ProductId,
    pub(crate) name: String,
    #[jsonapi(precision = 10, scale = 2)]
    pub(crate) price: BigDecimal,
    pub(crate) weight_grams: Option<i32>,
}

/// An order of one customer, for some products.
#[derive(JsonApiResource)]
#[diesel(table_name = order)]
#[jsonapi(to_many(
    name = "products",
    target = Product,
    local = order_product::order_id,
    remote = order_product::product_id
))]
#[allow(
    dead_code,
    reason = "read and written by restless through its metadata"
)]
pub(crate) struct Order {
    pub(crate) id: i32,
    #[jsonapi(to_one = "customer", target = Customer)]
    pub(crate) customer_id: i64,
    pub(crate) status: OrderStatus,
    pub(crate) placed_at: NaiveDateTime,
}

/// A customer's plan, stored as its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Tier {
    Free,
    Pro,
    Enterprise,
}

impl Tier {
    fn name(self) -> &'static str {
        match self {
            Tier::Free => "free",
            Tier::Pro => "pro",
            Tier::Enterprise => "enterprise",
        }
    }
}

impl<DB: Backend> ToSql<Text, DB> for Tier
where
    str: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        self.name().to_sql(out)
    }
}

impl<DB: Backend> FromSql<Text, DB> for Tier
where
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        match String::from_sql(bytes)?.as_str() {
            "free" => Ok(Tier::Free),
            "pro" => Ok(Tier::Pro),
            "enterprise" => Ok(Tier::Enterprise),
            other => Err(format!("unknown tier {other:?}").into()),
        }
    }
}

/// A product key: a UUID, written lowercase and hyphenated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ProductId(pub(crate) uuid::Uuid);

impl Serialize for ProductId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.hyphenated().to_string())
    }
}

impl<'de> Deserialize<'de> for ProductId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        // Hyphenated, in any letter case (catalog G1.1's `Uuid`).
        match uuid::Uuid::parse_str(&s) {
            Ok(u) if s.len() == 36 => Ok(ProductId(u)),
            _ => Err(serde::de::Error::custom(format!("not a UUID: {s}"))),
        }
    }
}

#[cfg(feature = "postgres")]
impl ToSql<sql_types::ProductKey, diesel::pg::Pg> for ProductId {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, diesel::pg::Pg>) -> serialize::Result {
        <uuid::Uuid as ToSql<diesel::sql_types::Uuid, diesel::pg::Pg>>::to_sql(&self.0, out)
    }
}

#[cfg(feature = "postgres")]
impl FromSql<sql_types::ProductKey, diesel::pg::Pg> for ProductId {
    fn from_sql(bytes: diesel::pg::PgValue<'_>) -> deserialize::Result<Self> {
        <uuid::Uuid as FromSql<diesel::sql_types::Uuid, diesel::pg::Pg>>::from_sql(bytes)
            .map(ProductId)
    }
}

#[cfg(feature = "sqlite")]
impl ToSql<sql_types::ProductKey, diesel::sqlite::Sqlite> for ProductId {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, diesel::sqlite::Sqlite>) -> serialize::Result {
        out.set_value(self.0.hyphenated().to_string());
        Ok(IsNull::No)
    }
}

#[cfg(feature = "sqlite")]
impl FromSql<sql_types::ProductKey, diesel::sqlite::Sqlite> for ProductId {
    fn from_sql(bytes: diesel::sqlite::SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        let s = <String as FromSql<Text, diesel::sqlite::Sqlite>>::from_sql(bytes)?;
        Ok(ProductId(uuid::Uuid::parse_str(&s)?))
    }
}

#[cfg(feature = "mysql")]
impl ToSql<sql_types::ProductKey, diesel::mysql::Mysql> for ProductId {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, diesel::mysql::Mysql>) -> serialize::Result {
        out.write_all(self.0.hyphenated().to_string().as_bytes())?;
        Ok(IsNull::No)
    }
}

#[cfg(feature = "mysql")]
impl FromSql<sql_types::ProductKey, diesel::mysql::Mysql> for ProductId {
    fn from_sql(bytes: diesel::mysql::MysqlValue<'_>) -> deserialize::Result<Self> {
        let s = <String as FromSql<Text, diesel::mysql::Mysql>>::from_sql(bytes)?;
        Ok(ProductId(uuid::Uuid::parse_str(&s)?))
    }
}

/// Where an order stands, as its SQL enum type spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum OrderStatus {
    Open,
    Paid,
    Shipped,
}

impl OrderStatus {
    fn label(self) -> &'static str {
        match self {
            OrderStatus::Open => "open",
            OrderStatus::Paid => "paid",
            OrderStatus::Shipped => "shipped",
        }
    }

    fn from_label(label: &[u8]) -> deserialize::Result<Self> {
        match label {
            b"open" => Ok(OrderStatus::Open),
            b"paid" => Ok(OrderStatus::Paid),
            b"shipped" => Ok(OrderStatus::Shipped),
            other => {
                Err(format!("unknown order status {:?}", String::from_utf8_lossy(other)).into())
            }
        }
    }
}

#[cfg(feature = "postgres")]
impl ToSql<sql_types::OrderStatus, diesel::pg::Pg> for OrderStatus {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, diesel::pg::Pg>) -> serialize::Result {
        out.write_all(self.label().as_bytes())?;
        Ok(IsNull::No)
    }
}

#[cfg(feature = "postgres")]
impl FromSql<sql_types::OrderStatus, diesel::pg::Pg> for OrderStatus {
    fn from_sql(bytes: diesel::pg::PgValue<'_>) -> deserialize::Result<Self> {
        OrderStatus::from_label(bytes.as_bytes())
    }
}

#[cfg(feature = "mysql")]
impl ToSql<sql_types::OrderStatus, diesel::mysql::Mysql> for OrderStatus {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, diesel::mysql::Mysql>) -> serialize::Result {
        out.write_all(self.label().as_bytes())?;
        Ok(IsNull::No)
    }
}

#[cfg(feature = "mysql")]
impl FromSql<sql_types::OrderStatus, diesel::mysql::Mysql> for OrderStatus {
    fn from_sql(bytes: diesel::mysql::MysqlValue<'_>) -> deserialize::Result<Self> {
        OrderStatus::from_label(bytes.as_bytes())
    }
}

#[cfg(feature = "sqlite")]
impl ToSql<sql_types::OrderStatus, diesel::sqlite::Sqlite> for OrderStatus {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, diesel::sqlite::Sqlite>) -> serialize::Result {
        out.set_value(self.label());
        Ok(IsNull::No)
    }
}

#[cfg(feature = "sqlite")]
impl FromSql<sql_types::OrderStatus, diesel::sqlite::Sqlite> for OrderStatus {
    fn from_sql(bytes: diesel::sqlite::SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        let s = <String as FromSql<Text, diesel::sqlite::Sqlite>>::from_sql(bytes)?;
        OrderStatus::from_label(s.as_bytes())
    }
}
