//! The writing statements of an operation body, executed per the connection's kind
//! ([`Exec::Kind`]), as [`Fetch`](crate::exec::Fetch) executes the reading ones:
//! [`Execute`] for `INSERT`, `UPDATE` and `DELETE` (the number of rows), [`ReturnsRow`]
//! for an `INSERT … RETURNING` (the row). Blocking connections run them with Diesel's
//! `RunQueryDsl` and return a complete future; async ones (feature `async`) with
//! diesel-async's (`nonblocking`).

use std::future::{ready, Future};

use diesel::query_dsl::methods::ExecuteDsl;
use diesel::QueryResult;

use crate::connection::Conn;
use crate::exec::{Blocking, Exec};
use crate::returning::LoadsRow;

/// A statement changing rows, run on connection `C` as its kind `K` executes.
pub trait Execute<C: Exec, K = <C as Exec>::Kind>: Sized {
    /// Runs the statement; the number of rows it changed.
    fn execute_on(self, conn: &mut C) -> impl Future<Output = QueryResult<usize>> + Send;
}

impl<Q: ExecuteDsl<C>, C: Conn> Execute<C, Blocking> for Q {
    fn execute_on(self, conn: &mut C) -> impl Future<Output = QueryResult<usize>> + Send {
        ready(ExecuteDsl::execute(self, conn))
    }
}

/// A statement returning one row of `U` (an `INSERT … RETURNING`), run on connection `C`
/// as its kind `K` executes. Unlike [`Fetch`](crate::exec::Fetch) the statement may
/// borrow the caller's values (the inserted ones).
pub trait ReturnsRow<C: Exec, U, K = <C as Exec>::Kind>: Sized {
    /// Runs the statement; its first row, or `NotFound`.
    fn returning_row(self, conn: &mut C) -> impl Future<Output = QueryResult<U>> + Send;
}

impl<Q: LoadsRow<C, U>, C: Conn, U: Send> ReturnsRow<C, U, Blocking> for Q {
    fn returning_row(self, conn: &mut C) -> impl Future<Output = QueryResult<U>> + Send {
        ready(self.load_row(conn))
    }
}
