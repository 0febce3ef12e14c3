//! The operations behind the endpoints, generic over [`Database`].

pub(crate) mod fetch;
pub(crate) mod objects;
pub(crate) mod render;
pub(crate) mod sql;
pub(crate) mod write;

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::backend::{Database, Row, Sql};
use crate::error::Error;
use crate::query::filter::Filter;
use crate::value::SqlValue;

/// The scopes of one request (V4), resolved from its context: by type index, the condition
/// rows must meet to exist (read) and to be changed (write).
#[derive(Clone, Debug, Default)]
pub(crate) struct Scopes {
    pub(crate) read: Vec<Option<Filter>>,
    pub(crate) write: Vec<Option<Filter>>,
}

impl Scopes {
    /// The read scope of type `t` (V4.1).
    pub(crate) fn read(&self, t: usize) -> Option<&Filter> {
        self.read.get(t).and_then(Option::as_ref)
    }

    /// The write scope of type `t` (V4.4).
    pub(crate) fn write(&self, t: usize) -> Option<&Filter> {
        self.write.get(t).and_then(Option::as_ref)
    }

    /// Whether some scope compares with the database clock (G4).
    pub(crate) fn has_markers(&self) -> bool {
        self.read
            .iter()
            .chain(&self.write)
            .flatten()
            .any(Filter::has_markers)
    }
}

/// A successful operation: what it found (the document to be) and the headers that go with it.
pub(crate) struct Output {
    pub(crate) found: render::Found,
    pub(crate) headers: Vec<(&'static str, String)>,
}

impl From<render::Found> for Output {
    fn from(found: render::Found) -> Self {
        Output {
            found,
            headers: Vec::new(),
        }
    }
}

/// A connection inside the request's transaction, counting the statements run through it.
pub(crate) struct Db<'c, C> {
    conn: &'c mut C,
    pub(crate) statements: u32,
    pub(crate) time: Duration,
    /// The request's scopes: every row read or checked through this connection honours them.
    pub(crate) scopes: Arc<Scopes>,
    /// The database clock, when a filter or scope needs it.
    pub(crate) now: Option<crate::query::filter::Now>,
}

impl<'c, C: Database> Db<'c, C> {
    pub(crate) fn new(conn: &'c mut C) -> Self {
        Db {
            conn,
            statements: 0,
            time: Duration::ZERO,
            scopes: Arc::default(),
            now: None,
        }
    }

    /// This connection, honouring `scopes`.
    pub(crate) fn with_scopes(mut self, scopes: Arc<Scopes>) -> Self {
        self.scopes = scopes;
        self
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
        let scopes = Arc::clone(&self.scopes);
        let now = self.now;
        let result = self.conn.savepoint(|conn| {
            let mut inner = Db::new(conn).with_scopes(scopes);
            inner.now = now;
            let out = f(&mut inner);
            statements = inner.statements;
            out
        });
        // SAVEPOINT and RELEASE (or ROLLBACK TO) are statements too.
        self.statements += statements + 2;
        result
    }

    /// Runs one query; the values of its rows in one vector, row after row.
    pub(crate) fn load_values(&mut self, sql: Sql) -> Result<Vec<SqlValue>, Error> {
        let start = Instant::now();
        self.statements += 1;
        let values = self.conn.load_values(sql);
        self.time += start.elapsed();
        values
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
