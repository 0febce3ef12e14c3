//! The operations behind the endpoints, generic over [`Database`].

pub(crate) mod fetch;
pub(crate) mod objects;
pub(crate) mod sql;
pub(crate) mod write;

use std::time::{Duration, Instant};

use crate::backend::{Database, Row, Sql};
use crate::document::Document;
use crate::error::Error;

/// A successful operation: the document and the headers that go with it.
pub(crate) struct Output {
    pub(crate) document: Document,
    pub(crate) headers: Vec<(&'static str, String)>,
}

/// A connection inside the request's transaction, counting the statements run through it.
pub(crate) struct Db<'c, C> {
    conn: &'c mut C,
    pub(crate) statements: u32,
    pub(crate) time: Duration,
}

impl<'c, C: Database> Db<'c, C> {
    pub(crate) fn new(conn: &'c mut C) -> Self {
        Db {
            conn,
            statements: 0,
            time: Duration::ZERO,
        }
    }

    /// Runs one statement that returns no rows.
    pub(crate) fn execute(&mut self, sql: Sql) -> Result<usize, Error> {
        let start = Instant::now();
        self.statements += 1;
        let n = self.conn.execute_sql(sql);
        self.time += start.elapsed();
        n
    }

    /// Runs `f` in a savepoint, so that a failed statement leaves the request's transaction
    /// usable (PostgreSQL aborts it otherwise).
    pub(crate) fn savepoint<T>(
        &mut self,
        f: impl FnOnce(&mut Db<'_, C>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let mut statements = 0;
        let result = self.conn.savepoint(|conn| {
            let mut inner = Db::new(conn);
            let out = f(&mut inner);
            statements = inner.statements;
            out
        });
        // SAVEPOINT and RELEASE (or ROLLBACK TO) are statements too.
        self.statements += statements + 2;
        result
    }

    /// Runs one query.
    pub(crate) fn load(&mut self, sql: Sql) -> Result<Vec<Row>, Error> {
        let start = Instant::now();
        self.statements += 1;
        let rows = self.conn.load_rows(sql);
        self.time += start.elapsed();
        rows
    }
}
