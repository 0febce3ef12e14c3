//! The shop's example data, inserted on first start: the same rows on every backend.

use diesel::connection::SimpleConnection;

/// The rows, with explicit keys. `"order"` is quoted as each dialect quotes it.
const SEED_SQL: &str = r#"
INSERT INTO customer (id, email, tier, settings, avatar, signed_up_at) VALUES
    (1, 'ada@example.com', 'pro', '{"theme": "dark", "newsletter": true}', NULL, '2024-01-15 09:30:00'),
    (2, 'brian@example.com', 'free', NULL, NULL, '2024-02-01 12:00:00'),
    (3, 'chen@example.com', 'enterprise', '{"theme": "light"}', NULL, '2024-03-10 08:00:00');
INSERT INTO product (id, name, price, weight_grams) VALUES
    ('0b7e6a8e-1c1f-4d4e-9a2b-3c4d5e6f7a81', 'Teapot', 24.50, 950),
    ('5a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c42', 'Tea sampler', 9.99, 300),
    ('c3f1e2d4-5b6a-4c7d-8e9f-0a1b2c3d4e53', 'Gift card', 50.00, NULL);
INSERT INTO ORDER_TABLE (id, customer_id, status, placed_at) VALUES
    (1, 1, 'paid', '2024-04-01 10:00:00'),
    (2, 1, 'open', '2024-04-20 16:45:00'),
    (3, 3, 'shipped', '2024-05-02 09:15:00');
INSERT INTO order_product (order_id, product_id) VALUES
    (1, '0b7e6a8e-1c1f-4d4e-9a2b-3c4d5e6f7a81'),
    (1, '5a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c42'),
    (2, '5a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c42'),
    (3, 'c3f1e2d4-5b6a-4c7d-8e9f-0a1b2c3d4e53');
"#;

/// Which SQL dialect the seed is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    #[cfg_attr(not(feature = "postgres"), allow(dead_code, reason = "feature off"))]
    Postgres,
    /// MySQL or MariaDB.
    #[cfg_attr(not(feature = "mysql"), allow(dead_code, reason = "feature off"))]
    Mysql,
}

/// Inserts the example rows.
///
/// # Errors
/// The database's error.
pub(crate) fn seed(conn: &mut impl SimpleConnection, dialect: Dialect) -> diesel::QueryResult<()> {
    let order = if dialect == Dialect::Mysql {
        "`order`"
    } else {
        "\"order\""
    };
    conn.batch_execute(&SEED_SQL.replace("ORDER_TABLE", order))?;
    if dialect == Dialect::Postgres {
        // Explicit keys do not move PostgreSQL's sequences.
        conn.batch_execute(
            "SELECT setval(pg_get_serial_sequence('customer', 'id'), (SELECT MAX(id) FROM customer));
             SELECT setval(pg_get_serial_sequence('\"order\"', 'id'), (SELECT MAX(id) FROM \"order\"));",
        )?;
    }
    Ok(())
}
