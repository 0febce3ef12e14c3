//! Fixture F, the blog's example data, inserted on first start; or the bench-scale data set
//! (`--seed bench`) the load harness measures.

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

/// The bench-scale data set's sizes (issue 12): people, articles, comments, tags.
pub(crate) const BENCH_SIZES: (u32, u32, u32, u32) = (1_000, 10_000, 50_000, 50);

/// SplitMix64: a small deterministic generator, so that every run seeds the same rows.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u32) -> u32 {
        u32::try_from(self.next() % u64::from(n)).unwrap_or(0)
    }
}

const WORDS: [&str; 16] = [
    "rust", "diesel", "actix", "json", "api", "query", "filter", "sort", "page", "include",
    "serde", "tokio", "async", "schema", "index", "cache",
];

fn words(rng: &mut Rng, n: u32) -> String {
    (0..n)
        .map(|_| WORDS[rng.below(16) as usize])
        .collect::<Vec<_>>()
        .join(" ")
}

fn timestamp(rng: &mut Rng) -> String {
    format!(
        "'2023-{:02}-{:02} {:02}:{:02}:{:02}'",
        1 + rng.below(12),
        1 + rng.below(28),
        rng.below(24),
        rng.below(60),
        rng.below(60)
    )
}

fn or_null(null: bool, value: impl FnOnce() -> String) -> String {
    if null {
        "NULL".into()
    } else {
        value()
    }
}

/// `INSERT INTO table (columns) VALUES ...` in statements of at most 500 rows.
fn inserts(table: &str, columns: &str, rows: &[String]) -> String {
    rows.chunks(500)
        .map(|chunk| {
            format!(
                "INSERT INTO {table} ({columns}) VALUES {};\n",
                chunk.join(", ")
            )
        })
        .collect()
}

/// Inserts the bench-scale data set into an empty blog schema: 1,000 people, 10,000 articles,
/// 50,000 comments, 50 tags and about 3 tags per article, with some NULL ages, birthdays,
/// bodies, ratings, dates and foreign keys. Deterministic: every run writes the same rows.
///
/// # Errors
/// Fails when a statement fails (for example on a database that already holds rows).
pub(crate) fn seed_bench<C: diesel::connection::SimpleConnection>(
    conn: &mut C,
    dialect: Dialect,
) -> diesel::QueryResult<()> {
    let (people, articles, comments, tags) = BENCH_SIZES;
    let mut rng = Rng(0x5EED);
    let mut sql = String::from("BEGIN;\n");
    let rows: Vec<String> = (1..=people)
        .map(|i| {
            let age = or_null(i % 10 == 0, || (18 + rng.below(60)).to_string());
            let birthday = or_null(i % 7 == 0, || {
                format!(
                    "'{}-{:02}-{:02}'",
                    1950 + rng.below(55),
                    1 + rng.below(12),
                    1 + rng.below(28)
                )
            });
            let created = or_null(i % 13 == 0, || timestamp(&mut rng));
            format!("({i}, 'person{i:04}', {age}, {birthday}, {created})")
        })
        .collect();
    sql += &inserts("person", "id, name, age, birthday, created_at", &rows);
    let rows: Vec<String> = (1..=tags).map(|i| format!("({i}, 'tag{i:02}')")).collect();
    sql += &inserts("tag", "id, name", &rows);
    let mut links = Vec::new();
    let rows: Vec<String> = (1..=articles)
        .map(|i| {
            let title = format!("'Article {i}: {}'", words(&mut rng, 3));
            let body = or_null(i % 4 == 0, || format!("'{}'", words(&mut rng, 16)));
            let rating = or_null(i % 6 == 0, || {
                format!("{:.1}", f64::from(rng.below(50)) / 10.0)
            });
            let published = or_null(i % 5 == 0, || timestamp(&mut rng));
            let author = or_null(i % 50 == 0, || (1 + rng.below(people)).to_string());
            let mut chosen = Vec::new();
            for _ in 0..2 + rng.below(3) {
                let tag = 1 + rng.below(tags);
                if !chosen.contains(&tag) {
                    chosen.push(tag);
                    links.push(format!("({i}, {tag})"));
                }
            }
            format!("({i}, {title}, {body}, {rating}, {published}, {author})")
        })
        .collect();
    sql += &inserts(
        "article",
        "id, title, body, rating, published_at, author_id",
        &rows,
    );
    sql += &inserts("article_tag", "article_id, tag_id", &links);
    let rows: Vec<String> = (1..=comments)
        .map(|i| {
            let content = format!("'Comment {i}: {}'", words(&mut rng, 6));
            let article = or_null(i % 100 == 0, || (1 + rng.below(articles)).to_string());
            let author = or_null(i % 97 == 0, || (1 + rng.below(people)).to_string());
            format!("({i}, {content}, {article}, {author})")
        })
        .collect();
    sql += &inserts("comment", "id, content, article_id, author_id", &rows);
    sql += "COMMIT;\n";
    conn.batch_execute(&sql)?;
    if dialect == Dialect::Postgres {
        conn.batch_execute(POSTGRES_SEQUENCES_SQL)?;
    }
    Ok(())
}
