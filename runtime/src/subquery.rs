//! The eager load's join condition: the joined row is the one the reader would return,
//! picked by a correlated subquery
//! `pk = (SELECT pk FROM target [scope] WHERE fk = owner.key ORDER BY …, pk LIMIT 1)`.
//!
//! Diesel rejects a subselect over a table the outer query already joins (the table would
//! appear twice in its type-level FROM clause) and a condition on a column of another
//! table; these two nodes render both themselves. SQL resolves the inner target columns to
//! the subquery's own `FROM` and the owner column to the outer query. Every piece is a
//! typed Diesel node; no SQL text comes from outside.

use diesel::expression::{
    is_aggregate, AppearsOnTable, Expression, SelectableExpression, ValidGrouping,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Bool, SqlType};
use diesel::QueryResult;

/// `(subquery)` as a single nullable value of SQL type `ST`.
#[derive(Debug, Clone, Copy)]
pub struct Correlated<Q, ST> {
    query: Q,
    sql_type: std::marker::PhantomData<ST>,
}

impl<Q, ST> Correlated<Q, ST> {
    /// Wraps `query`, which selects one column of SQL type `ST` and at most one row.
    pub fn new(query: Q) -> Self {
        Correlated {
            query,
            sql_type: std::marker::PhantomData,
        }
    }
}

impl<Q, ST> Expression for Correlated<Q, ST>
where
    ST: SqlType + diesel::expression::TypedExpressionType,
{
    type SqlType = ST;
}

impl<Q, ST, QS> AppearsOnTable<QS> for Correlated<Q, ST> where Self: Expression {}
impl<Q, ST, QS> SelectableExpression<QS> for Correlated<Q, ST> where Self: Expression {}

impl<Q, ST, GB> ValidGrouping<GB> for Correlated<Q, ST> {
    type IsAggregate = is_aggregate::Never;
}

impl<Q, ST> QueryId for Correlated<Q, ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: QueryFragment<DB>, ST, DB: diesel::backend::Backend> QueryFragment<DB>
    for Correlated<Q, ST>
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("(");
        self.query.walk_ast(out.reborrow())?;
        out.push_sql(")");
        Ok(())
    }
}

/// `column = outer_column`, where `outer_column` belongs to the enclosing query (the
/// owner's key); usable in a query over `column`'s table only.
#[derive(Debug, Clone, Copy, Default)]
pub struct OuterEq<Col, Outer> {
    column: Col,
    outer: Outer,
}

impl<Col, Outer> OuterEq<Col, Outer> {
    /// `column = outer`.
    pub fn new(column: Col, outer: Outer) -> Self {
        OuterEq { column, outer }
    }
}

impl<Col, Outer> Expression for OuterEq<Col, Outer> {
    type SqlType = Bool;
}

impl<Col: AppearsOnTable<QS>, Outer, QS> AppearsOnTable<QS> for OuterEq<Col, Outer> {}
impl<Col: SelectableExpression<QS>, Outer, QS> SelectableExpression<QS> for OuterEq<Col, Outer> {}

impl<Col, Outer, GB> ValidGrouping<GB> for OuterEq<Col, Outer> {
    type IsAggregate = is_aggregate::Never;
}

impl<Col, Outer> QueryId for OuterEq<Col, Outer> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Col, Outer, DB> QueryFragment<DB> for OuterEq<Col, Outer>
where
    DB: diesel::backend::Backend,
    Col: QueryFragment<DB>,
    Outer: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" = ");
        self.outer.walk_ast(out.reborrow())
    }
}
