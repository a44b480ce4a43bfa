//! The key the connection's last `INSERT` generated, for reloading an owner inserted by
//! `save_with_…` without `RETURNING` (which MySQL lacks).

use diesel::expression::{
    is_aggregate, AppearsOnTable, Expression, SelectableExpression, ValidGrouping,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::SqlType;
use diesel::QueryResult;

use crate::backend::Backend;

/// `last_insert_rowid()` (SQLite), `lastval()` (PostgreSQL), `LAST_INSERT_ID()` (MySQL),
/// typed as the primary key's SQL type `ST`. Only meaningful for auto-increment integer
/// keys.
#[derive(Debug, Clone, Copy, Default)]
pub struct LastInsertId<ST>(std::marker::PhantomData<ST>);

impl<ST: SqlType + diesel::expression::TypedExpressionType> Expression for LastInsertId<ST> {
    type SqlType = ST;
}
impl<ST, QS> AppearsOnTable<QS> for LastInsertId<ST> where Self: Expression {}
impl<ST, QS> SelectableExpression<QS> for LastInsertId<ST> where Self: Expression {}
impl<ST, GB> ValidGrouping<GB> for LastInsertId<ST> {
    type IsAggregate = is_aggregate::Never;
}
impl<ST> QueryId for LastInsertId<ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}
impl<ST, DB: Backend> QueryFragment<DB> for LastInsertId<ST> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(DB::LAST_INSERT_ID);
        Ok(())
    }
}
