//! `left AND right` as a node generic code can name: Diesel's own `and` needs a bound on
//! its private `operators::And` to be called on expressions of unknown SQL types, which
//! the runtime's statements have. Used for the polymorphic link (`fk = key AND type =
//! 'Owner'`) and the eager load's join condition.

use diesel::backend::Backend;
use diesel::expression::{
    is_aggregate, AppearsOnTable, Expression, SelectableExpression, ValidGrouping,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Bool, Nullable};
use diesel::QueryResult;

/// `(left AND right)`, typed `Nullable<Bool>` (either side may be a nullable comparison).
#[derive(Debug, Clone, Copy, Default)]
pub struct Both<L, R>(L, R);

impl<L, R> Both<L, R> {
    /// `left AND right`.
    pub fn new(left: L, right: R) -> Self {
        Both(left, right)
    }
}

impl<L: Expression, R: Expression> Expression for Both<L, R> {
    type SqlType = Nullable<Bool>;
}

impl<L, R, QS> AppearsOnTable<QS> for Both<L, R>
where
    L: AppearsOnTable<QS>,
    R: AppearsOnTable<QS>,
    Self: Expression,
{
}

impl<L, R, QS> SelectableExpression<QS> for Both<L, R>
where
    L: SelectableExpression<QS>,
    R: SelectableExpression<QS>,
    Self: AppearsOnTable<QS>,
{
}

impl<L, R, GB> ValidGrouping<GB> for Both<L, R> {
    type IsAggregate = is_aggregate::Never;
}

impl<L: QueryId, R: QueryId> QueryId for Both<L, R> {
    type QueryId = Both<L::QueryId, R::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = L::HAS_STATIC_QUERY_ID && R::HAS_STATIC_QUERY_ID;
}

impl<L, R, DB> QueryFragment<DB> for Both<L, R>
where
    DB: Backend,
    L: QueryFragment<DB>,
    R: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("(");
        self.0.walk_ast(out.reborrow())?;
        out.push_sql(" AND ");
        self.1.walk_ast(out.reborrow())?;
        out.push_sql(")");
        Ok(())
    }
}
