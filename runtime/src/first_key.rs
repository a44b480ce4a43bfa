//! The primary key as the last ordering of a statement that picks one row (the reader's
//! `… ORDER BY pk LIMIT 1`, the eager load's correlated subquery), in a form whose plan
//! does not depend on the table's statistics.
//!
//! PostgreSQL can read `ORDER BY pk` from the primary key index, and with `LIMIT 1` it
//! weighs that scan, filtered on the foreign key, against the foreign key index and a sort
//! of the owner's rows. Without statistics (a table freshly filled, before `ANALYZE` or
//! autovacuum) it estimates that 0.5% of the rows match any key, so the first match looks
//! a few hundred rows away and the primary key scan wins, and for an owner without a row
//! it reads the whole table: an eager load of 50,000 fresh owners took 141 s, 4 ms after
//! `ANALYZE`. A unique index on the foreign key hides this (it tells the planner one row
//! matches); a plain one, as a scoped association or a table of several rows per owner
//! has, does not.
//!
//! On PostgreSQL the key is therefore ordered as the row value `ROW(pk)`: the same order
//! (a one-column row compares as its column, under the column's collation), which no
//! index provides, so the plan reads the owner's rows through the foreign key index
//! whatever the statistics say, and sorts those few. SQLite and MySQL keep `pk`: their
//! secondary indexes hold the primary key after the indexed columns (SQLite its rowid,
//! InnoDB the primary key), so the foreign key index is already in `(fk, pk)` order and
//! `LIMIT 1` stops at its first entry. Compared in `tests/stale_stats.rs`, with the other
//! shapes considered (`MIN(pk)`, which PostgreSQL rewrites into the same primary key scan
//! unless grouped, and which it has no aggregate for on UUIDs; `DISTINCT ON` and
//! `LATERAL`, which MariaDB or SQLite do not have; an `OFFSET 0` derived table, which
//! MariaDB cannot correlate).

use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::QueryResult;

/// The primary key column `Col` as the ordering that picks one row (see the [module
/// documentation](self)): `ROW(pk)` on PostgreSQL, `pk` elsewhere.
#[derive(Debug, Clone, Copy, Default)]
pub struct FirstKey<Col>(Col);

impl<Col> FirstKey<Col> {
    /// Orders by `column`.
    pub fn new(column: Col) -> Self {
        FirstKey(column)
    }
}

impl<Col: Expression> Expression for FirstKey<Col> {
    type SqlType = Col::SqlType;
}

impl<Col: AppearsOnTable<QS>, QS> AppearsOnTable<QS> for FirstKey<Col> where Self: Expression {}
impl<Col: SelectableExpression<QS>, QS> SelectableExpression<QS> for FirstKey<Col> where
    Self: Expression
{
}

impl<Col: ValidGrouping<GB>, GB> ValidGrouping<GB> for FirstKey<Col> {
    type IsAggregate = Col::IsAggregate;
}

impl<Col: QueryId> QueryId for FirstKey<Col> {
    type QueryId = FirstKey<Col::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = Col::HAS_STATIC_QUERY_ID;
}

/// Whether `DB` is PostgreSQL. A type test rather than a trait of the three backends, so
/// that the node renders for any backend Diesel can build (a `MultiConnection`'s too,
/// which gets the plain `pk`).
pub(crate) fn is_postgres<DB: 'static>() -> bool {
    let db = std::any::TypeId::of::<DB>();
    #[cfg(feature = "postgres")]
    let postgres = db == std::any::TypeId::of::<diesel::pg::Pg>();
    #[cfg(not(feature = "postgres"))]
    let postgres = {
        let _ = db;
        false
    };
    postgres
}

impl<Col, DB> QueryFragment<DB> for FirstKey<Col>
where
    DB: diesel::backend::Backend + 'static,
    Col: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        if !is_postgres::<DB>() {
            return self.0.walk_ast(out);
        }
        out.push_sql("ROW(");
        self.0.walk_ast(out.reborrow())?;
        out.push_sql(")");
        Ok(())
    }
}
