//! `column IN (SELECT …)` in a form whose PostgreSQL plan does not depend on statistics:
//! what a `through` chain matches each hop with.
//!
//! PostgreSQL turns `IN (SELECT …)` into a join it plans from the tables' statistics.
//! Without them (a table freshly filled, before `ANALYZE` or autovacuum) it hash-joins a
//! sequential scan of the outer table, or walks its primary key for `ORDER BY pk LIMIT
//! 1` and probes the subquery for every row: a `through` reader then reads the whole
//! target table for one owner (`tests/stale_stats.rs`). `= ANY(ARRAY(SELECT …))` runs the
//! subquery once first (an `InitPlan`, through its own indexes) and looks its values up in
//! the outer table's index on the column, whatever the statistics say. The result is the
//! same: `x = ANY(ARRAY(…))` is true, false or NULL exactly as `x IN (…)` is. SQLite and
//! MySQL keep `IN (SELECT …)`, which they plan as such a lookup already (and have no
//! arrays).

use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{self, is_nullable};
use diesel::QueryResult;

use crate::first_key::is_postgres;

/// `left IN (subselect)`, rendered `left = ANY(ARRAY(subselect))` on PostgreSQL (see the
/// [module documentation](self)).
#[derive(Debug, Clone, Copy)]
pub struct InSubselect<L, S> {
    left: L,
    subselect: S,
}

impl<L, S> InSubselect<L, S> {
    /// `left IN (subselect)`; `subselect` is Diesel's `Subselect` of a one-column query.
    pub fn new(left: L, subselect: S) -> Self {
        InSubselect { left, subselect }
    }
}

impl<L, S> Expression for InSubselect<L, S>
where
    L: Expression,
    S: Expression<SqlType = L::SqlType>,
    L::SqlType: sql_types::SqlType,
    is_nullable::IsSqlTypeNullable<L::SqlType>: sql_types::MaybeNullableType<sql_types::Bool>,
{
    type SqlType =
        is_nullable::MaybeNullable<is_nullable::IsSqlTypeNullable<L::SqlType>, sql_types::Bool>;
}

impl<L, S, QS> AppearsOnTable<QS> for InSubselect<L, S>
where
    Self: Expression,
    L: AppearsOnTable<QS>,
    S: AppearsOnTable<QS>,
{
}

impl<L, S, QS> SelectableExpression<QS> for InSubselect<L, S>
where
    Self: AppearsOnTable<QS>,
    L: SelectableExpression<QS>,
    S: SelectableExpression<QS>,
{
}

impl<L: ValidGrouping<GB>, S, GB> ValidGrouping<GB> for InSubselect<L, S> {
    type IsAggregate = L::IsAggregate;
}

impl<L: QueryId, S: QueryId> QueryId for InSubselect<L, S> {
    type QueryId = InSubselect<L::QueryId, S::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = L::HAS_STATIC_QUERY_ID && S::HAS_STATIC_QUERY_ID;
}

impl<L, S, DB> QueryFragment<DB> for InSubselect<L, S>
where
    DB: diesel::backend::Backend + 'static,
    L: QueryFragment<DB>,
    S: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        let (open, close) = if is_postgres::<DB>() {
            (" = ANY(ARRAY(", "))")
        } else {
            (" IN (", ")")
        };
        self.left.walk_ast(out.reborrow())?;
        out.push_sql(open);
        self.subselect.walk_ast(out.reborrow())?;
        out.push_sql(close);
        Ok(())
    }
}
