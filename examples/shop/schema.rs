//! The shop's tables, as Diesel's `table!` declares them. One schema serves every backend: the
//! two SQL types of the shop's own map to each backend's column type.

#![allow(missing_docs, reason = "diesel's table! generates undocumented items")]

/// SQL types of the shop's own.
pub(crate) mod sql_types {
    /// A product key: PostgreSQL's native `uuid`, text (`CHAR(36)`) elsewhere.
    #[derive(diesel::sql_types::SqlType, diesel::query_builder::QueryId)]
    #[diesel(postgres_type(oid = 2950, array_oid = 2951))]
    #[diesel(sqlite_type(name = "Text"))]
    #[diesel(mysql_type(name = "String"))]
    pub struct ProductKey;

    /// An order's status: the `order_status` enum on PostgreSQL, an `ENUM` column on
    /// MariaDB, checked text on SQLite.
    #[derive(diesel::sql_types::SqlType, diesel::query_builder::QueryId)]
    #[diesel(postgres_type(name = "order_status"))]
    #[diesel(sqlite_type(name = "Text"))]
    #[diesel(mysql_type(name = "Enum"))]
    pub struct OrderStatus;
}

diesel::table! {
    customer (id) {
        id -> BigInt,
        email -> Text,
        tier -> Text,
        settings -> Nullable<Json>,
        avatar -> Nullable<Binary>,
        signed_up_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::ProductKey;

    product (id) {
        id -> ProductKey,
        name -> Text,
        price -> Numeric,
        weight_grams -> Nullable<Integer>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::OrderStatus;

    order (id) {
        id -> Integer,
        customer_id -> BigInt,
        status -> OrderStatus,
        placed_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::ProductKey;

    order_product (order_id, product_id) {
        order_id -> Integer,
        product_id -> ProductKey,
    }
}
