//! The two ways a connection executes statements, and the operation bodies written once
//! for both.
//!
//! A body is a function returning a future, generic over [`Exec`]: it builds its Diesel
//! queries and runs them with [`Fetch`], which a connection executes per its
//! [`Exec::Kind`]:
//! - [`Blocking`]: Diesel's own connections (`SqliteConnection`, `PgConnection`,
//!   `MysqlConnection`, r2d2's pooled ones). Each statement runs when called and its
//!   future is already complete, so a blocking method drives the body with [`block_now`]
//!   (one poll, no executor, no thread);
//! - [`NonBlocking`] (feature `async`): diesel-async's connections, whose futures the
//!   methods return to be awaited.
//!
//! So the reader's statement, say, exists once; only the last step — how a query is
//! executed — differs, and it is chosen by the connection's type.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use diesel::QueryResult;

use crate::backend::Backend;
use crate::connection::Conn;
use crate::statements::Loads;

/// Executes each statement when called: Diesel's own connections.
#[derive(Debug, Clone, Copy)]
pub struct Blocking;

/// Returns a future per statement: diesel-async's connections (feature `async`).
#[derive(Debug, Clone, Copy)]
pub struct NonBlocking;

/// A connection an operation body runs on: its backend and its kind of execution.
pub trait Exec: Send {
    /// The connection's backend.
    type DB: Backend;
    /// [`Blocking`] or [`NonBlocking`].
    type Kind;
    /// Whether the library's locking reads ([`Locked`](crate::lock::Locked)) may be cached
    /// prepared statements on this connection: [`Backend::CACHE_LOCKING_READS`] on a
    /// blocking connection (not on MySQL, whose C client hangs on them), yes on the async
    /// ones (mysql_async answers them).
    const CACHE_LOCKING_READS: bool;
}

impl<C: Conn> Exec for C {
    type DB = <C as Conn>::DB;
    type Kind = Blocking;
    const CACHE_LOCKING_READS: bool = <<C as Conn>::DB as Backend>::CACHE_LOCKING_READS;
}

/// The output of a body run on a [`Blocking`] connection, whose futures are complete when
/// created: polled once.
pub fn block_now<F: Future>(future: F) -> F::Output {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        // `Fetch` for `Blocking` returns ready futures, and bodies await nothing else
        Poll::Pending => unreachable!("a blocking connection's statement did not complete"),
    }
}

/// A query loading rows of `U`, run on connection `C` as its kind `K` executes.
pub trait Fetch<C: Exec, U, K = <C as Exec>::Kind>: Sized {
    /// Every row.
    fn fetch_all(self, conn: &mut C) -> impl Future<Output = QueryResult<Vec<U>>> + Send;

    /// The first row, if any.
    fn fetch_first(self, conn: &mut C) -> impl Future<Output = QueryResult<Option<U>>> + Send;

    /// Every row, handed to `each` as it is read (no `Vec` of every row on the way).
    fn fetch_each<F: FnMut(U) + Send>(
        self,
        conn: &mut C,
        each: F,
    ) -> impl Future<Output = QueryResult<()>> + Send;
}

impl<Q, C, U> Fetch<C, U, Blocking> for Q
where
    C: Exec<Kind = Blocking>,
    Q: Loads<C, U>,
    U: Send,
{
    fn fetch_all(self, conn: &mut C) -> impl Future<Output = QueryResult<Vec<U>>> + Send {
        std::future::ready(self.load_all(conn))
    }

    fn fetch_first(self, conn: &mut C) -> impl Future<Output = QueryResult<Option<U>>> + Send {
        std::future::ready(self.load_first(conn))
    }

    fn fetch_each<F: FnMut(U) + Send>(
        self,
        conn: &mut C,
        each: F,
    ) -> impl Future<Output = QueryResult<()>> + Send {
        std::future::ready(self.load_each(conn, each))
    }
}
