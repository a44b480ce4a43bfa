//! The library's write transaction, written once for both kinds of execution
//! ([`Exec::Kind`]): [`transaction`] drives the connection's own transaction manager
//! through [`Transact`] — Diesel's on a blocking connection, diesel-async's on an async
//! one — so a write joins a transaction the caller opened (as a savepoint) whichever kind
//! it is. [`write_transaction`](crate::connection::write_transaction) is this body on a
//! blocking connection, driven by one poll.

use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::{pin, Pin};
use std::task::{Context, Poll};

use diesel::result::Error as DieselError;
use diesel::QueryResult;

use crate::backend::Backend;
use crate::error::{is_connection_lost, is_deadlock, Error};
use crate::exec::Exec;

/// A connection's transaction manager, as the write transaction uses it, per kind of
/// execution `K`: implemented for every [`Conn`](crate::Conn) (Diesel's manager) and
/// (feature `async`) every diesel-async connection (diesel-async's manager).
pub trait Transact<K = <Self as Exec>::Kind>: Exec {
    /// How many transactions and savepoints the manager has open (0: none).
    fn depth(&mut self) -> QueryResult<u32>;
    /// Opens the outermost transaction with `sql` (the backend's `BEGIN …`), recorded in
    /// the manager as its own `begin_transaction` would; on SQLite again while the
    /// database is busy, for up to [`SQLITE_BUSY_WAIT`](crate::retry::SQLITE_BUSY_WAIT),
    /// waiting where the statement runs (never on an async runtime's worker thread).
    fn begin_with(&mut self, sql: &'static str) -> impl Future<Output = QueryResult<()>> + Send;
    /// The manager's `begin_transaction`: a savepoint inside an open transaction.
    fn begin(&mut self) -> impl Future<Output = QueryResult<()>> + Send;
    /// The manager's `commit_transaction` (`RELEASE SAVEPOINT` when nested).
    fn commit(&mut self) -> impl Future<Output = QueryResult<()>> + Send;
    /// The manager's `rollback_transaction` (to the savepoint when nested).
    fn rollback(&mut self) -> impl Future<Output = QueryResult<()>> + Send;
    /// Runs `sql` (statements without results).
    fn batch(&mut self, sql: &'static str) -> impl Future<Output = QueryResult<()>> + Send;
}

/// Runs `f` in the library's write transaction on `conn`, of either kind: the body of
/// [`write_transaction`](crate::connection::write_transaction), whose documentation
/// describes the semantics (the begin statement, savepoints, unwind, commit and nested
/// errors). On an async connection the future additionally may be **dropped** before it
/// completes (a timeout, a cancelled request): nothing can be awaited in a destructor, so
/// the transaction is then left open and uncommitted, as diesel-async's own
/// `transaction` leaves it — nothing it wrote is ever committed by it; a deadpool or bb8
/// pool discards the connection when it is handed back (an open transaction counts as
/// broken), and the server rolls back as the connection closes. A direct connection stays
/// inside that transaction: drop it, or roll back through its transaction manager.
pub async fn transaction<C, T, F>(conn: &mut C, f: F) -> Result<T, Error>
where
    C: Transact,
    F: AsyncFnOnce(&mut C) -> Result<T, Error>,
{
    let outer = conn.depth()?;
    begin::<C>(conn, outer).await?;
    let caught = {
        let body = pin!(f(&mut *conn));
        CatchUnwind(body).await
    };
    let result = match caught {
        Ok(result) => result,
        Err(payload) => {
            // Best effort: a rollback that fails leaves the transaction manager broken
            // (every later transaction fails), never a transaction that silently goes on.
            let _ = roll_back_to(conn, outer).await;
            panic::resume_unwind(payload);
        }
    };
    match result {
        Ok(value) => commit(conn, outer).await.map(|()| value),
        Err(e) => Err(roll_back_after(conn, outer, e).await),
    }
}

/// Opens the transaction (`outer == 0`) or the savepoint, and checks a caller's
/// isolation where the backend needs it.
async fn begin<C: Transact>(conn: &mut C, outer: u32) -> Result<(), Error> {
    match <C::DB as Backend>::BEGIN_WRITE {
        Some(sql) if outer == 0 => conn.begin_with(sql).await?,
        _ => conn.begin().await?,
    }
    if let (Some(check), true) = (<C::DB as Backend>::NESTED_CHECK, outer > 0) {
        if let Err(e) = conn.batch(check).await {
            let _ = roll_back_to(conn, outer).await;
            return Err(Error::from_nested_check(e));
        }
    }
    Ok(())
}

/// Commits the transaction or releases the savepoint.
async fn commit<C: Transact>(conn: &mut C, outer: u32) -> Result<(), Error> {
    match conn.commit().await {
        Ok(()) => Ok(()),
        Err(e) if outer == 0 => Err(if is_connection_lost(&e) {
            Error::CommitOutcomeUnknown { source: e }
        } else {
            Error::Database(e)
        }),
        // `RELEASE SAVEPOINT` failed: the manager leaves the savepoint open unless the
        // transaction was marked for rollback; end it, and say whether the caller's
        // transaction survived.
        Err(e) => match roll_back_to(conn, outer).await {
            Ok(()) if !is_connection_lost(&e) => Err(Error::Database(e)),
            _ => Err(Error::TransactionRolledBack {
                source: Box::new(Error::Database(e)),
            }),
        },
    }
}

/// Rolls back after `f` failed with `e`; the error to return.
async fn roll_back_after<C: Transact>(conn: &mut C, outer: u32, e: Error) -> Error {
    let rollback = roll_back_to(conn, outer).await;
    if outer == 0 {
        // at top level a failed rollback ends the transaction too (the server rolls back
        // a transaction whose connection is lost); the cause is `e`
        return e;
    }
    if rollback.is_err() || (<C::DB as Backend>::DEADLOCK_ENDS_TRANSACTION && is_deadlock(&e)) {
        Error::TransactionRolledBack {
            source: Box::new(e),
        }
    } else {
        e
    }
}

/// Rolls back savepoints and the transaction until `outer` levels are left open, returning
/// the first failure. The manager counts a failed savepoint rollback as done (and a failed
/// top-level rollback marks it broken), so this always ends.
async fn roll_back_to<C: Transact>(conn: &mut C, outer: u32) -> Result<(), DieselError> {
    let mut first_error = None;
    loop {
        match conn.depth() {
            Ok(open) if open > outer => {}
            Ok(_) => return first_error.map_or(Ok(()), Err),
            Err(broken) => return Err(first_error.unwrap_or(broken)),
        }
        if let Err(e) = conn.rollback().await {
            first_error.get_or_insert(e);
        }
    }
}

/// The pinned future `F`, whose panic while polled is its output (`Err(payload)`), as
/// `std::panic::catch_unwind` for a closure.
pub(crate) struct CatchUnwind<'f, F>(pub(crate) Pin<&'f mut F>);

impl<F: Future> Future for CatchUnwind<'_, F> {
    type Output = Result<F::Output, Box<dyn std::any::Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.0.as_mut();
        match panic::catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Err(payload) => Poll::Ready(Err(payload)),
        }
    }
}
