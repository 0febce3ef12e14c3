//! Fixture F: the blog's example data, inserted on first start.

/// The fixture rows, with explicit ids; the same SQL runs on every dialect.
///
/// Timestamps are written as Diesel writes them on SQLite (`YYYY-MM-DD HH:MM:SS`, plus a
/// fraction of 3, 6 or 9 digits when not zero) and dates as `YYYY-MM-DD`: SQLite stores them as
/// text and compares them as text, so rows must share Diesel's format for filters to compare
/// them with bound values. PostgreSQL and MariaDB parse them into their native types.
const SEED_SQL: &str = r"
INSERT INTO person (id, name, age, birthday, created_at) VALUES
    (1, 'Alice', 31, '1993-04-12', '2024-01-15 09:30:00'),
    (2, 'bob', NULL, NULL, '2024-02-01 12:00:00'),
    (3, 'Carol', 27, '1997-11-02', NULL);
INSERT INTO article (id, title, body, rating, published_at, author_id) VALUES
    (1, 'Hello JSON:API', 'First post', 4.5, '2024-03-01 10:00:00', 1),
    (2, 'Diesel tips', NULL, 3.0, NULL, 1),
    (3, 'actix in practice', 'Handlers and extractors', NULL, '2024-05-20 08:15:30.250', 3),
    (4, 'Draft', NULL, NULL, NULL, NULL);
INSERT INTO comment (id, content, article_id, author_id) VALUES
    (1, 'Great read', 1, 2),
    (2, 'Thanks!', 1, 1),
    (3, 'Useful', 2, 3),
    (4, 'Orphan', NULL, NULL);
INSERT INTO tag (id, name) VALUES
    (1, 'rust'),
    (2, 'web'),
    (3, 'databases');
INSERT INTO article_tag (article_id, tag_id) VALUES
    (1, 1),
    (1, 2),
    (2, 2);
";

/// Moves PostgreSQL's serial sequences past the explicit ids of [`SEED_SQL`].
///
/// Explicit ids do not advance a PostgreSQL sequence, so without this the next
/// generated id would collide with a fixture row. SQLite (`AUTOINCREMENT`) and
/// MariaDB (`AUTO_INCREMENT`) advance their counters on explicit ids already.
const POSTGRES_SEQUENCES_SQL: &str = r"
SELECT setval(pg_get_serial_sequence('person', 'id'), (SELECT MAX(id) FROM person));
SELECT setval(pg_get_serial_sequence('article', 'id'), (SELECT MAX(id) FROM article));
SELECT setval(pg_get_serial_sequence('comment', 'id'), (SELECT MAX(id) FROM comment));
SELECT setval(pg_get_serial_sequence('tag', 'id'), (SELECT MAX(id) FROM tag));
";

/// Which SQL dialect a connection speaks; decides the few statements that differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    #[cfg_attr(
        not(feature = "postgres"),
        allow(dead_code, reason = "constructed only with the postgres feature")
    )]
    Postgres,
    /// MySQL or MariaDB.
    #[cfg_attr(
        not(feature = "mysql"),
        allow(dead_code, reason = "constructed only with the mysql feature")
    )]
    Mysql,
}

/// Inserts fixture F into an empty blog schema.
///
/// # Errors
/// Fails when a statement fails (for example on a database that already holds rows).
pub(crate) fn seed<C: diesel::connection::SimpleConnection>(
    conn: &mut C,
    dialect: Dialect,
) -> diesel::QueryResult<()> {
    conn.batch_execute(SEED_SQL)?;
    if dialect == Dialect::Postgres {
        conn.batch_execute(POSTGRES_SEQUENCES_SQL)?;
    }
    Ok(())
}
