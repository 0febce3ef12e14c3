//! Assembling SELECT statements over one type: conditions, to-one joins for sort and group
//! paths, ordering with the catalog's collation and NULL rules (J1.6, J1.7), pagination.
//!
//! Identifiers come only from static metadata; every value is bound.

use crate::backend::{Dialect, Sql};
use crate::meta::{FieldMeta, ValueKind};
use crate::query::eval::{Func, Function};
use crate::query::filter::{Filter, Now};
use crate::query::sort::SortTerm;
use crate::query::Page;
use crate::schema::Schema;
use crate::value::SqlValue;

mod filter;

pub(crate) use filter::push_filter;

/// The alias of the primary type's table.
pub(crate) const T0: &str = "t0";

/// Most values bound in one `IN (...)` list; larger sets take several statements (every backend
/// caps the parameters of one statement).
pub(crate) const IN_CHUNK: usize = 500;

/// A condition on the rows of the primary type.
#[derive(Clone, Debug)]
pub(crate) enum Cond {
    /// `t0.column = value`.
    Eq(&'static str, SqlValue),
    /// `t0.column IN (values)`; always false when `values` is empty.
    In(&'static str, Vec<SqlValue>),
    /// `t0.key IN (SELECT remote FROM join WHERE local = owner)`: members of a many-to-many.
    InJoin {
        key: &'static str,
        table: crate::meta::Table,
        local: &'static str,
        remote: &'static str,
        owner: SqlValue,
    },
    /// A client filter (M) on `t0`.
    Filter(Filter),
}

/// What to select from, in which order.
pub(crate) struct Query<'a> {
    pub(crate) schema: &'a Schema,
    pub(crate) t: usize,
    pub(crate) conds: Vec<Cond>,
    pub(crate) sort: &'a [SortTerm],
    pub(crate) group: &'a [SortTerm],
    pub(crate) ignore_case: bool,
    /// The database clock, when a filter uses current-time markers.
    pub(crate) now: Option<Now>,
    /// Read scopes by type index: a sort or group join to an out-of-scope row finds nothing
    /// (V4.2). Empty when no type has one.
    pub(crate) scopes: &'a [Option<Filter>],
    /// A cursor page (I6.3): the rows after or before a row, in that direction.
    pub(crate) keyset: Option<Keyset<'a>>,
}

/// Where a cursor page starts (I6.3).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Keyset<'a> {
    /// The rows before the cursor's: the statement reads them in reverse order.
    pub(crate) before: bool,
    /// The cursor row's order values ([`order_terms`]); `None` reads from the first (or last) row.
    pub(crate) values: Option<&'a [SqlValue]>,
}

impl<'a> Keyset<'a> {
    pub(crate) fn of(page: &'a crate::ops::fetch::CursorPage) -> Self {
        Keyset {
            before: page.before,
            values: page.values.as_deref(),
        }
    }
}

/// The terms a query of type `t` sorted by `sort` orders by: `sort`, then the key as the final
/// tie-breaker unless `sort` names it (J1.4), or names it folded (`ignore_case`, J1.8) while
/// folding can make two keys tie.
pub(crate) fn order_terms(
    schema: &Schema,
    t: usize,
    sort: &[SortTerm],
    ignore_case: bool,
) -> Vec<SortTerm> {
    let key = schema.meta(t).primary_key;
    let mut terms = sort.to_vec();
    let folded_key = ignore_case
        && matches!(
            schema.meta(t).fields[key].kind().base(),
            ValueKind::Text | ValueKind::Enum
        );
    if folded_key || !sort.iter().any(|s| s.path.is_empty() && s.field == key) {
        terms.push(SortTerm {
            path: Vec::new(),
            at: t,
            field: key,
            desc: false,
        });
    }
    terms
}

/// One LEFT JOIN along a to-one path.
struct Join {
    path: Vec<usize>,
    alias: String,
}

impl Query<'_> {
    /// Joins needed by the sort and group paths, one per distinct path prefix.
    fn joins(&self, terms: &[&SortTerm]) -> Vec<Join> {
        let mut joins: Vec<Join> = Vec::new();
        for term in terms {
            for n in 1..=term.path.len() {
                let prefix = &term.path[..n];
                if !joins.iter().any(|j| j.path == prefix) {
                    let alias = format!("t{}", joins.len() + 1);
                    joins.push(Join {
                        path: prefix.to_vec(),
                        alias,
                    });
                }
            }
        }
        joins
    }

    fn push_joins(&self, sql: &mut Sql, joins: &[Join]) {
        for j in joins {
            let (parent_path, last) = j.path.split_at(j.path.len() - 1);
            let parent_alias = joins
                .iter()
                .find(|p| p.path == parent_path)
                .map_or(T0, |p| p.alias.as_str());
            let parent_type = self.type_at(parent_path);
            let rel = self.schema.rel(parent_type, last[0]);
            let target = self.schema.meta(rel.target);
            let Some(fk) = self.schema.fk_field(parent_type, last[0]) else {
                continue;
            };
            sql.push(" LEFT JOIN ")
                .table(target.table)
                .push(" AS ")
                .ident(&j.alias)
                .push(" ON ");
            sql.column(&j.alias, target.key().column)
                .push(" = ")
                .column(parent_alias, fk.column);
            if let Some(scope) = self.scopes.get(rel.target).and_then(Option::as_ref) {
                sql.push(" AND ");
                push_filter(sql, scope, &j.alias, self.now.as_ref());
            }
        }
    }

    fn type_at(&self, path: &[usize]) -> usize {
        path.iter()
            .fold(self.t, |at, r| self.schema.rel(at, *r).target)
    }

    fn alias_of<'j>(joins: &'j [Join], path: &[usize]) -> &'j str {
        joins
            .iter()
            .find(|j| j.path == path)
            .map_or(T0, |j| j.alias.as_str())
    }

    /// ` WHERE ...` for the conditions and grouping (nothing when there are none); whether it
    /// wrote a `WHERE`.
    fn push_where(&self, sql: &mut Sql) -> bool {
        let meta = self.schema.meta(self.t);
        let mut first = true;
        let mut and = |sql: &mut Sql| {
            sql.push(if first { " WHERE " } else { " AND " });
            first = false;
        };
        for cond in &self.conds {
            and(sql);
            push_cond(sql, cond, self.now.as_ref());
        }
        if !self.group.is_empty() {
            // One representative per group: the member with the smallest key (J2.1).
            and(sql);
            let terms: Vec<&SortTerm> = self.group.iter().collect();
            let joins = self.joins(&terms);
            // PostgreSQL has no MIN over uuid; its text form orders the same way.
            // Nor over a key type of the application's own (G1.3); text orders it everywhere.
            let as_text = matches!(meta.key().kind().base(), ValueKind::Uuid | ValueKind::Enum)
                && sql.dialect() == Dialect::Postgres;
            let key = |sql: &mut Sql| {
                if as_text {
                    sql.push("CAST(")
                        .column(T0, meta.key().column)
                        .push(" AS text)");
                } else {
                    sql.column(T0, meta.key().column);
                }
            };
            key(sql);
            sql.push(" IN (SELECT MIN(");
            key(sql);
            sql.push(")");
            sql.push(" FROM ").table(meta.table).push(" AS ").ident(T0);
            self.push_joins(sql, &joins);
            let mut inner_first = true;
            for cond in &self.conds {
                sql.push(if inner_first { " WHERE " } else { " AND " });
                inner_first = false;
                push_cond(sql, cond, self.now.as_ref());
            }
            sql.push(" GROUP BY ");
            for (i, g) in self.group.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                // Text groups by its bytes: "Web" and "web" are two groups everywhere.
                let field = &self.schema.meta(g.at).fields[g.field];
                push_sort_value(
                    sql,
                    Self::alias_of(&joins, &g.path),
                    field.column,
                    field.kind(),
                    false,
                );
            }
            sql.push(")");
        }
        !first
    }

    /// Whether a term's value may be null: its column is nullable, or a null anywhere along
    /// its path makes it so (J1.9).
    fn nullable(schema: &Schema, term: &SortTerm) -> bool {
        schema.meta(term.at).fields[term.field].nullable || !term.path.is_empty()
    }

    /// The keyset condition of a cursor page (I6.3): the rows that follow the row whose order
    /// values are `values` in the order of `terms` (reversed when `backwards`), with NULL
    /// smallest as ORDER BY has it (J1.7) and text compared as it sorts (J1.6, J1.8). For terms
    /// `a, b, key`: `a > va OR (a = va AND (b > vb OR (b = vb AND key > vkey)))`, each `>`
    /// turned for descending terms and written out for NULLs. Every value is bound.
    fn push_keyset(
        &self,
        sql: &mut Sql,
        joins: &[Join],
        terms: &[SortTerm],
        values: &[SqlValue],
        backwards: bool,
    ) {
        sql.push("(");
        let mut open = 1;
        for (i, (term, value)) in terms.iter().zip(values).enumerate() {
            let field = &self.schema.meta(term.at).fields[term.field];
            let alias = Self::alias_of(joins, &term.path);
            let nullable = Self::nullable(self.schema, term);
            let ignore_case = self.ignore_case && i < self.sort.len();
            let desc = term.desc != backwards;
            let null = matches!(value, SqlValue::Null | SqlValue::TypedNull(_));
            let column = |sql: &mut Sql| {
                push_sort_value(sql, alias, field.column, field.kind(), ignore_case);
            };
            let bound = |sql: &mut Sql| {
                push_sort_operand(sql, field.kind(), ignore_case, &mut |sql: &mut Sql| {
                    sql.bind(value.clone());
                });
            };
            let last = i + 1 == terms.len();
            // The rows after this term's value; NULL is the smallest value (J1.7).
            match (desc, null) {
                // Ascending after NULL: every value that is not NULL.
                (false, true) => {
                    sql.column(alias, field.column).push(" IS NOT NULL");
                }
                (false, false) => {
                    column(sql);
                    sql.push(" > ");
                    bound(sql);
                }
                // Descending, NULLs come last: nothing follows NULL but its ties.
                (true, true) => {
                    sql.push("1 = 0");
                }
                (true, false) => {
                    sql.push("(");
                    column(sql);
                    sql.push(" < ");
                    bound(sql);
                    if nullable {
                        sql.push(" OR ")
                            .column(alias, field.column)
                            .push(" IS NULL");
                    }
                    sql.push(")");
                }
            }
            if last {
                break;
            }
            // Or a tie on this term, and what follows on the next ones.
            sql.push(" OR (");
            if null {
                sql.column(alias, field.column).push(" IS NULL");
            } else {
                column(sql);
                sql.push(" = ");
                bound(sql);
            }
            sql.push(" AND (");
            open += 2;
        }
        for _ in 0..open {
            sql.push(")");
        }
    }

    /// `SELECT key, order values... FROM ... WHERE key IN (keys)`: the order values
    /// ([`order_terms`]) of the rows with `keys`, for the cursors of a page's first and last
    /// rows (I6.4). The key comes first, each value aliased with its kind.
    pub(crate) fn order_values(&self, dialect: Dialect, keys: &[SqlValue]) -> Sql {
        let meta = self.schema.meta(self.t);
        let terms = order_terms(self.schema, self.t, self.sort, self.ignore_case);
        let mut sql = Sql::new(dialect);
        sql.push("SELECT ");
        sql.column(T0, meta.key().column)
            .alias(meta.key().kind(), 0);
        let refs: Vec<&SortTerm> = self.sort.iter().collect();
        let joins = self.joins(&refs);
        for (i, term) in terms.iter().enumerate() {
            let field = &self.schema.meta(term.at).fields[term.field];
            sql.push(", ")
                .column(Self::alias_of(&joins, &term.path), field.column)
                .alias(field.kind(), i + 1);
        }
        sql.push(" FROM ").table(meta.table).push(" AS ").ident(T0);
        self.push_joins(&mut sql, &joins);
        sql.push(" WHERE ");
        push_key_in(&mut sql, meta.key().column, keys);
        sql
    }

    /// `SELECT COUNT(*)` of the rows (or groups) the query matches.
    pub(crate) fn count(&self, dialect: Dialect) -> Sql {
        let meta = self.schema.meta(self.t);
        let mut sql = Sql::new(dialect);
        sql.push("SELECT COUNT(*)").alias(ValueKind::BigInt, 0);
        sql.push(" FROM ").table(meta.table).push(" AS ").ident(T0);
        self.push_where(&mut sql);
        if self.fixed_shape() {
            sql.cacheable();
        }
        sql
    }

    /// Whether the statement's text depends on nothing the client chose but bound values: no
    /// filter, sort or grouping.
    fn fixed_shape(&self) -> bool {
        self.sort.is_empty()
            && self.group.is_empty()
            && !self.conds.iter().any(|c| matches!(c, Cond::Filter(_)))
    }

    /// `SELECT f1(t0.a), f2(t0.b), ... FROM ... WHERE ...`: function evaluation in one
    /// statement (N), with results cast to one type on every backend; returns the result kinds.
    pub(crate) fn aggregate(
        &self,
        dialect: Dialect,
        functions: &[Function],
    ) -> (Sql, Vec<ValueKind>) {
        let meta = self.schema.meta(self.t);
        let mut sql = Sql::new(dialect);
        let mut kinds = Vec::with_capacity(functions.len());
        let (bigint, double) = match dialect {
            Dialect::Sqlite => ("INTEGER", "REAL"),
            Dialect::Postgres => ("BIGINT", "DOUBLE PRECISION"),
            Dialect::Mysql => ("SIGNED", "DOUBLE"),
        };
        sql.push("SELECT ");
        for (i, f) in functions.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            let integral = matches!(
                f.field.kind().base(),
                ValueKind::SmallInt | ValueKind::Integer | ValueKind::BigInt
            );
            let kind = match f.func {
                Func::Count => {
                    sql.push("COUNT(").column(T0, f.field.column).push(")");
                    ValueKind::BigInt
                }
                Func::Sum => {
                    sql.push("CAST(SUM(")
                        .column(T0, f.field.column)
                        .push(") AS ");
                    sql.push(if integral { bigint } else { double }).push(")");
                    if integral {
                        ValueKind::BigInt
                    } else {
                        ValueKind::Double
                    }
                }
                Func::Avg => {
                    sql.push("CAST(AVG(")
                        .column(T0, f.field.column)
                        .push(") AS ")
                        .push(double)
                        .push(")");
                    ValueKind::Double
                }
                Func::Min | Func::Max => {
                    sql.push(if f.func == Func::Min { "MIN(" } else { "MAX(" });
                    // Text by code point, as sorting does; MariaDB's result must stay text, so it
                    // takes utf8mb4's binary collation (after converting the column, whatever its
                    // charset: M3.5) rather than a cast to bytes.
                    match (f.field.kind().base(), dialect) {
                        (ValueKind::Text, Dialect::Postgres) => {
                            sql.column(T0, f.field.column).push(" COLLATE \"C\"");
                        }
                        (ValueKind::Text, Dialect::Mysql) => {
                            filter::utf8_column(&mut sql, T0, f.field.column);
                            sql.push(" COLLATE utf8mb4_nopad_bin");
                        }
                        (ValueKind::Text, Dialect::Sqlite) => {
                            sql.column(T0, f.field.column).push(" COLLATE BINARY");
                        }
                        _ => {
                            sql.column(T0, f.field.column);
                        }
                    }
                    sql.push(")");
                    f.field.kind()
                }
            };
            sql.alias(kind, i);
            kinds.push(kind);
        }
        sql.push(" FROM ").table(meta.table).push(" AS ").ident(T0);
        self.push_where(&mut sql);
        (sql, kinds)
    }

    /// `SELECT columns ... ORDER BY ... LIMIT ...`.
    pub(crate) fn select(
        &self,
        dialect: Dialect,
        columns: &[&'static FieldMeta],
        page: Page,
    ) -> Sql {
        let meta = self.schema.meta(self.t);
        let mut sql = Sql::new(dialect);
        sql.push("SELECT ");
        for (i, f) in columns.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.column(T0, f.column).alias(f.kind(), i);
        }
        sql.push(" FROM ").table(meta.table).push(" AS ").ident(T0);
        let terms: Vec<&SortTerm> = self.sort.iter().collect();
        let joins = self.joins(&terms);
        self.push_joins(&mut sql, &joins);
        let filtered = self.push_where(&mut sql);
        let order = order_terms(self.schema, self.t, self.sort, self.ignore_case);
        // A `before` page reads backwards from its cursor (the caller turns the rows round).
        let backwards = self.keyset.is_some_and(|k| k.before);
        if let Some(values) = self.keyset.and_then(|k| k.values) {
            sql.push(if filtered { " AND " } else { " WHERE " });
            self.push_keyset(&mut sql, &joins, &order, values, backwards);
        }
        sql.push(" ORDER BY ");
        for (i, term) in order.iter().enumerate() {
            let field = &self.schema.meta(term.at).fields[term.field];
            if i > 0 {
                sql.push(", ");
            }
            push_order(
                &mut sql,
                Self::alias_of(&joins, &term.path),
                field,
                Self::nullable(self.schema, term),
                term.desc != backwards,
                // `ignore_case` folds the client's sort fields, not the tie-breaker.
                self.ignore_case && i < self.sort.len(),
            );
        }
        if let Some((limit, offset)) = page.limit_offset() {
            sql.push(" LIMIT ").bind(SqlValue::BigInt(limit));
            if offset > 0 || self.keyset.is_none() {
                sql.push(" OFFSET ").bind(SqlValue::BigInt(offset));
            }
        }
        if self.fixed_shape() {
            sql.cacheable();
        }
        sql
    }
}

/// `SELECT key FROM table WHERE key = ? FOR UPDATE`: whether one row of type `t` exists,
/// locked until the transaction ends (PostgreSQL, MariaDB) so that a concurrent write of it
/// waits.
pub(crate) fn lock_row(schema: &Schema, t: usize, key: SqlValue, dialect: Dialect) -> Sql {
    let meta = schema.meta(t);
    let mut sql = Sql::new(dialect);
    sql.push("SELECT ")
        .column(T0, meta.key().column)
        .alias(meta.key().kind(), 0);
    sql.push(" FROM ").table(meta.table).push(" AS ").ident(T0);
    sql.push(" WHERE ");
    push_key_in(&mut sql, meta.key().column, std::slice::from_ref(&key));
    // SQLite's writers take turns anyway (and it has no FOR UPDATE).
    if dialect != Dialect::Sqlite {
        sql.push(" FOR UPDATE");
    }
    sql
}

/// Appends one condition.
pub(crate) fn push_cond(sql: &mut Sql, cond: &Cond, now: Option<&Now>) {
    match cond {
        Cond::Filter(f) => push_filter(sql, f, T0, now),
        Cond::Eq(column, value) => push_key_in(sql, column, std::slice::from_ref(value)),
        Cond::In(column, values) => push_key_in(sql, column, values),
        Cond::InJoin {
            key,
            table,
            local,
            remote,
            owner,
        } => {
            sql.column(T0, key)
                .push(" IN (SELECT ")
                .column("j", remote)
                .push(" FROM ")
                .table(*table);
            sql.push(" AS ")
                .ident("j")
                .push(" WHERE ")
                .column("j", local)
                .push(" = ")
                .bind(owner.clone())
                .push(")");
        }
    }
}

/// Appends one ORDER BY term: NULL smallest (J1.7), text by code point (J1.6), optionally
/// case-folded (J1.8).
pub(crate) fn push_order(
    sql: &mut Sql,
    alias: &str,
    field: &FieldMeta,
    nullable: bool,
    desc: bool,
    ignore_case: bool,
) {
    if nullable {
        sql.push("(").column(alias, field.column).push(if desc {
            " IS NULL) ASC, "
        } else {
            " IS NULL) DESC, "
        });
    }
    push_sort_value(sql, alias, field.column, field.kind(), ignore_case);
    sql.push(if desc { " DESC" } else { " ASC" });
}

/// A column as a sort value: text compares by code point on every backend.
pub(crate) fn push_sort_value(
    sql: &mut Sql,
    alias: &str,
    column: &str,
    kind: ValueKind,
    ignore_case: bool,
) {
    push_sort_operand(sql, kind, ignore_case, &mut |sql: &mut Sql| {
        sql.column(alias, column);
    });
}

/// An operand (a column, or a bound value compared with one) as a sort value of `kind`: the
/// same expression around either, so that they compare as they sort.
pub(crate) fn push_sort_operand(
    sql: &mut Sql,
    kind: ValueKind,
    ignore_case: bool,
    operand: &mut dyn FnMut(&mut Sql),
) {
    match kind.base() {
        ValueKind::Text => {}
        // An SQL type of the application's own sorts by its written text (G1.3).
        ValueKind::Enum => {
            match sql.dialect() {
                Dialect::Postgres => {
                    sql.push("CAST(");
                    operand(sql);
                    sql.push(" AS TEXT) COLLATE \"C\"");
                }
                Dialect::Mysql => {
                    sql.push("CAST(CONVERT(CAST(");
                    operand(sql);
                    sql.push(" AS CHAR) USING utf8mb4) AS BINARY)");
                }
                Dialect::Sqlite => {
                    operand(sql);
                    sql.push(" COLLATE BINARY");
                }
            }
            return;
        }
        _ => {
            operand(sql);
            return;
        }
    }
    let dialect = sql.dialect();
    if dialect == Dialect::Mysql {
        sql.push("CAST(");
    }
    if ignore_case {
        sql.push("LOWER(");
    }
    // Text in the connection's character set on MariaDB (M3.5).
    if dialect == Dialect::Mysql {
        sql.push("CONVERT(");
        operand(sql);
        sql.push(" USING utf8mb4)");
    } else {
        operand(sql);
    }
    if ignore_case {
        sql.push(")");
    }
    match dialect {
        Dialect::Postgres => {
            sql.push(" COLLATE \"C\"");
        }
        Dialect::Mysql => {
            sql.push(" AS BINARY)");
        }
        Dialect::Sqlite => {
            sql.push(" COLLATE BINARY");
        }
    }
}

/// `t0.column IN (values)` (`= value` for one): keys and foreign keys compare exactly. On MySQL
/// text keys are also compared as bytes, since PAD SPACE collations find "web" for "web "; the
/// plain comparison stays first so that an index still serves it.
fn push_key_in(sql: &mut Sql, column: &str, values: &[SqlValue]) {
    sql.key_in(
        |sql| {
            sql.column(T0, column);
        },
        values,
        |sql, v| {
            sql.bind(v);
        },
    );
    let text = |v: &SqlValue| match v {
        SqlValue::Text(_) => true,
        SqlValue::User(u) => u.codec.base == ValueKind::Text,
        _ => false,
    };
    if sql.dialect() == Dialect::Mysql && values.iter().any(text) {
        sql.push(" AND ");
        sql.key_in(|sql| text_column(sql, T0, column), values, text_value);
    }
}

/// Appends a text operand so that comparisons are by code point (J1.6, M3.4).
pub(super) fn text_column(sql: &mut Sql, alias: &str, column: &str) {
    match sql.dialect() {
        Dialect::Postgres => {
            sql.column(alias, column).push(" COLLATE \"C\"");
        }
        Dialect::Mysql => {
            // Its text converted to utf8mb4 first, whatever its charset (M3.5): operands are
            // utf8mb4, and UTF-8 bytes order as code points do.
            sql.push("CAST(");
            filter::utf8_column(sql, alias, column);
            sql.push(" AS BINARY)");
        }
        Dialect::Sqlite => {
            // A column declared COLLATE NOCASE would fold case otherwise.
            sql.column(alias, column).push(" COLLATE BINARY");
        }
    }
}

pub(super) fn text_value(sql: &mut Sql, value: SqlValue) {
    if sql.dialect() == Dialect::Mysql {
        sql.push("CAST(").bind(value).push(" AS BINARY)");
    } else {
        sql.bind(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Registered, ResourceConfig};
    use crate::meta::{FieldRole, ResourceMeta};
    use crate::query::sort::tests::field;

    static DEVICE: ResourceMeta = ResourceMeta {
        type_name: "device",
        table: crate::meta::test_table!("device"),
        primary_key: 0,
        fields: &[
            field("id", ValueKind::Uuid, FieldRole::Key),
            field("model", ValueKind::Text, FieldRole::Attribute),
        ],
        relationships: &[],
    };

    fn grouped_count(dialect: Dialect) -> String {
        let schema = Schema::new(vec![Registered {
            meta: &DEVICE,
            config: ResourceConfig::default(),
        }])
        .unwrap();
        let group = [SortTerm {
            path: vec![],
            at: 0,
            field: 1,
            desc: false,
        }];
        let query = Query {
            scopes: &[],
            schema: &schema,
            t: 0,
            conds: Vec::new(),
            sort: &[],
            group: &group,
            ignore_case: false,
            keyset: None,
            now: None,
        };
        query.count(dialect).text().to_owned()
    }

    fn by_keys(dialect: Dialect, keys: &[i32]) -> Sql {
        let values: Vec<SqlValue> = keys.iter().map(|k| SqlValue::Integer(*k)).collect();
        let mut sql = Sql::new(dialect);
        push_key_in(&mut sql, "id", &values);
        sql
    }

    #[test]
    fn key_lists_take_few_statement_shapes() {
        #[cfg(feature = "postgres")]
        assert_eq!(
            by_keys(Dialect::Postgres, &[1, 2, 3]).text(),
            "\"t0\".\"id\" = ANY($1)"
        );
        assert_eq!(by_keys(Dialect::Sqlite, &[7]).text(), "\"t0\".\"id\" = ?");
        // Padded to a power of two with the last key: 3 keys take the shape of 4.
        assert_eq!(
            by_keys(Dialect::Sqlite, &[1, 2, 3]).text(),
            by_keys(Dialect::Sqlite, &[1, 2, 3, 4]).text()
        );
        assert_eq!(
            by_keys(Dialect::Mysql, &[1, 2, 3]).text(),
            "`t0`.`id` IN (?, ?, ?, ?)"
        );
        assert_eq!(by_keys(Dialect::Sqlite, &[]).text(), "1 = 0");
    }

    #[test]
    fn only_fixed_statements_are_cached() {
        let schema = Schema::new(vec![Registered {
            meta: &DEVICE,
            config: ResourceConfig::default(),
        }])
        .unwrap();
        let sort = [SortTerm {
            path: vec![],
            at: 0,
            field: 1,
            desc: true,
        }];
        let query = |sort: &'static [SortTerm]| Query {
            scopes: &[],
            schema: &schema,
            t: 0,
            conds: vec![Cond::Eq("id", SqlValue::Integer(1))],
            sort,
            group: &[],
            ignore_case: false,
            keyset: None,
            now: None,
        };
        assert!(query(&[]).count(Dialect::Sqlite).is_cacheable());
        let sort: &'static [SortTerm] = Box::leak(Box::new(sort));
        assert!(!query(sort).count(Dialect::Sqlite).is_cacheable());
        let mut filtered = Sql::new(Dialect::Sqlite);
        filtered.cacheable();
        push_filter(&mut filtered, &Filter::Const(true), T0, None);
        assert!(!filtered.is_cacheable(), "a filter shapes the statement");
    }

    #[test]
    fn uuid_keys_group_by_their_text_on_postgres_j2_1() {
        assert_eq!(
            grouped_count(Dialect::Postgres),
            "SELECT COUNT(*) FROM \"device\" AS \"t0\" WHERE CAST(\"t0\".\"id\" AS text) \
             IN (SELECT MIN(CAST(\"t0\".\"id\" AS text)) FROM \"device\" AS \"t0\" GROUP BY \"t0\".\"model\" COLLATE \"C\")"
        );
        assert_eq!(
            grouped_count(Dialect::Sqlite),
            "SELECT COUNT(*) FROM \"device\" AS \"t0\" WHERE \"t0\".\"id\" \
             IN (SELECT MIN(\"t0\".\"id\") FROM \"device\" AS \"t0\" GROUP BY \"t0\".\"model\" COLLATE BINARY)"
        );
    }
}
