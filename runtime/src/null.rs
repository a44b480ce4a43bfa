//! SQL `NULL` of any column's type, and whether a column's type is nullable: what unlinking
//! (`SET fk = NULL`) is built from.

use diesel::expression::{
    is_aggregate, AppearsOnTable, Expression, SelectableExpression, ValidGrouping,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{is_nullable, SqlType};
use diesel::QueryResult;

/// Whether a SQL type is `Nullable<…>`.
pub trait NullFlag {
    /// True for `Nullable<…>`.
    const VALUE: bool;
}
impl NullFlag for is_nullable::IsNullable {
    const VALUE: bool = true;
}
impl NullFlag for is_nullable::NotNull {
    const VALUE: bool = false;
}

/// Whether the SQL type `ST` (a column's) is nullable.
pub const fn is_nullable<ST>() -> bool
where
    ST: SqlType,
    ST::IsNull: NullFlag,
{
    <ST::IsNull as NullFlag>::VALUE
}

/// SQL `NULL` typed as `ST`, so `SET fk = NULL` type-checks for every foreign key column.
/// The runtime only runs it on nullable columns (see `dependent`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Null<ST>(std::marker::PhantomData<ST>);

impl<ST> Null<ST> {
    /// `NULL`.
    pub fn new() -> Self {
        Null(std::marker::PhantomData)
    }
}

impl<ST: SqlType + diesel::expression::TypedExpressionType> Expression for Null<ST> {
    type SqlType = ST;
}
impl<ST, QS> AppearsOnTable<QS> for Null<ST> where Self: Expression {}
impl<ST, QS> SelectableExpression<QS> for Null<ST> where Self: Expression {}
impl<ST, GB> ValidGrouping<GB> for Null<ST> {
    type IsAggregate = is_aggregate::Never;
}
impl<ST: 'static> QueryId for Null<ST> {
    type QueryId = Self;
    const HAS_STATIC_QUERY_ID: bool = true;
}
impl<ST, DB: diesel::backend::Backend> QueryFragment<DB> for Null<ST> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("NULL");
        Ok(())
    }
}
