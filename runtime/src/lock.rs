//! `SELECT … FOR UPDATE` (and `… SKIP LOCKED`) that also compiles for SQLite.

use std::marker::PhantomData;

use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::{QueryResult, RunQueryDsl};

use crate::backend::Backend;
use crate::exec::Exec;

/// A query that locks the rows it reads until the transaction ends, in mode `M`:
/// [`RowLock`] (the owner lookup of a write) or [`Claim`] (a worker claiming a job).
///
/// PostgreSQL and MySQL get the locking clause; SQLite gets the query unchanged because
/// the [write transaction](crate::connection::write_transaction) already holds the
/// database write lock. Diesel's own `.for_update()` does not exist for SQLite, so generic
/// code could not use it.
#[derive(Debug, Clone, Copy)]
pub struct Locked<Q, M = RowLock> {
    query: Q,
    cache: bool,
    mode: PhantomData<M>,
}

impl<Q, M> Locked<Q, M> {
    /// Locks the rows `query` reads, in mode `M`, as a statement run on connection `C`
    /// (whose client decides whether it may be a cached prepared statement:
    /// [`Exec::CACHE_LOCKING_READS`]).
    pub fn new<C: Exec>(query: Q) -> Self {
        Locked {
            query,
            cache: C::CACHE_LOCKING_READS,
            mode: PhantomData,
        }
    }
}

/// How a [`Locked`] query locks.
pub trait LockMode: 'static {
    /// The clause for backend `DB`.
    fn clause<DB: Backend>() -> &'static str;
}

/// ` FOR UPDATE`: the rows stay locked for this transaction.
#[derive(Debug, Clone, Copy)]
pub struct RowLock;
impl LockMode for RowLock {
    fn clause<DB: Backend>() -> &'static str {
        DB::ROW_LOCK
    }
}

/// ` FOR UPDATE SKIP LOCKED`: rows other transactions hold are skipped.
#[derive(Debug, Clone, Copy)]
pub struct Claim;
impl LockMode for Claim {
    fn clause<DB: Backend>() -> &'static str {
        DB::CLAIM_LOCK
    }
}

impl<Q: Query, M> Query for Locked<Q, M> {
    type SqlType = Q::SqlType;
}

impl<Q, M, DB> QueryFragment<DB> for Locked<Q, M>
where
    DB: Backend,
    Q: QueryFragment<DB>,
    M: LockMode,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.query.walk_ast(out.reborrow())?;
        out.push_sql(M::clause::<DB>());
        Ok(())
    }

    /// Where the connection's client allows it ([`Exec::CACHE_LOCKING_READS`]: not on
    /// the blocking MySQL connection).
    fn is_safe_to_cache_prepared(&self, backend: &DB) -> QueryResult<bool> {
        Ok(self.cache && self.query.is_safe_to_cache_prepared(backend)?)
    }
}

impl<Q: QueryId, M: LockMode> QueryId for Locked<Q, M> {
    type QueryId = Locked<Q::QueryId, M>;
    const HAS_STATIC_QUERY_ID: bool = Q::HAS_STATIC_QUERY_ID;
}

impl<Q, M, C> RunQueryDsl<C> for Locked<Q, M> {}
