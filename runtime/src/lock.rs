//! `SELECT … FOR UPDATE` that also compiles for SQLite.

use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::{QueryResult, RunQueryDsl};

use crate::backend::Backend;

/// A query that locks the rows it reads until the transaction ends.
///
/// PostgreSQL and MySQL get ` FOR UPDATE`; SQLite gets the query unchanged because the
/// [write transaction](crate::connection::write_transaction) already holds the database
/// write lock. Diesel's own `.for_update()` does not exist for SQLite, so generic code
/// could not use it.
#[derive(Debug, Clone, Copy)]
pub struct Locked<Q>(pub Q);

impl<Q: Query> Query for Locked<Q> {
    type SqlType = Q::SqlType;
}

impl<Q, DB> QueryFragment<DB> for Locked<Q>
where
    DB: Backend,
    Q: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(out.reborrow())?;
        DB::walk_row_lock(&mut out)
    }
}

impl<Q: QueryId> QueryId for Locked<Q> {
    type QueryId = Locked<Q::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = Q::HAS_STATIC_QUERY_ID;
}

impl<Q, C> RunQueryDsl<C> for Locked<Q> {}

/// A query that claims rows no other transaction holds (` FOR UPDATE SKIP LOCKED` on
/// PostgreSQL and MySQL; unchanged on SQLite, whose write transaction serializes workers).
#[derive(Debug, Clone, Copy)]
pub struct Claimed<Q>(pub Q);

impl<Q: Query> Query for Claimed<Q> {
    type SqlType = Q::SqlType;
}

impl<Q, DB> QueryFragment<DB> for Claimed<Q>
where
    DB: Backend,
    Q: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(out.reborrow())?;
        DB::walk_claim_lock(&mut out)
    }
}

impl<Q: QueryId> QueryId for Claimed<Q> {
    type QueryId = Claimed<Q::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = Q::HAS_STATIC_QUERY_ID;
}

impl<Q, C> RunQueryDsl<C> for Claimed<Q> {}
