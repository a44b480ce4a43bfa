//! Durable `dependent = "destroy_async"`: destroying an owner writes a job row in the
//! *same* transaction, in a table of the same database; a worker destroys the targets
//! later (with their hooks and dependents), one transaction per job.
//!
//! Rails enqueues the job after commit, so a crash between the two loses it; here the job
//! commits or rolls back with the owner's delete, so it is never lost and never runs for
//! an owner whose destroy rolled back. A failing job stays, with its attempt count and last
//! error, and is retried later; two workers never run the same job (PostgreSQL and MySQL
//! claim jobs with `FOR UPDATE SKIP LOCKED`; on SQLite the write transaction serializes
//! them).
//!
//! ```text
//! diesel_has_one::jobs::create_table(conn)?;          // once, e.g. in a migration
//! user.destroy(conn)?;                                // profile: a job row
//! let summary = diesel_has_one::jobs::run_pending(100, conn)?;
//! ```
//!
//! On replace Rails only nullifies the old row for `destroy_async` (no job); so does this
//! crate. `ensuring_owner_was = "method"` makes the job run only if the owner row is gone or
//! `owner.method()` returns true (soft deletes); otherwise the job fails with
//! [`Error::OwnerNotDestroyed`](crate::Error::OwnerNotDestroyed) and stays for inspection.

mod handlers;
mod run;
mod schema;
mod store;
mod worker;

pub use handlers::{AsyncDestroy, Handlers, JobFuture, RunJob};
pub use run::run;
pub use schema::{diesel_has_one_jobs, Job};
pub use store::{job_row, InsertsJob, JobRow, JobStore};
pub use worker::{run_pending, RunPending, Summary, Worker, MAX_ERROR_CHARS};

#[cfg(all(feature = "async", feature = "mysql"))]
#[doc(hidden)]
pub use handlers::AsyncMysqlHandler;
#[cfg(all(feature = "async", feature = "postgres"))]
#[doc(hidden)]
pub use handlers::AsyncPgHandler;
#[cfg(all(feature = "async", feature = "sqlite"))]
#[doc(hidden)]
pub use handlers::AsyncSqliteHandler;
#[doc(hidden)]
pub use handlers::Handler;
#[cfg(feature = "mysql")]
#[doc(hidden)]
pub use handlers::MysqlHandler;
#[cfg(feature = "postgres")]
#[doc(hidden)]
pub use handlers::PgHandler;
#[cfg(feature = "sqlite")]
#[doc(hidden)]
pub use handlers::SqliteHandler;

use diesel::QueryResult;

use crate::ops::{Operation, RunOn, Runs};

/// Creates the jobs table if it does not exist (`CREATE TABLE IF NOT EXISTS
/// diesel_has_one_jobs …` for the connection's backend; see [`JobStore::DDL`] to put it in
/// a migration instead). Like every `jobs` function, on a diesel-async connection
/// (feature `async`) it returns a future.
pub fn create_table<'c, C>(conn: &'c mut C) -> <C as Runs<'c, CreateTable>>::Output
where
    C: Runs<'c, CreateTable>,
{
    conn.run(CreateTable)
}

/// The jobs not done yet, oldest first: what an operator inspects after failures.
pub fn pending<'c, C>(conn: &'c mut C) -> <C as Runs<'c, Pending>>::Output
where
    C: Runs<'c, Pending>,
{
    conn.run(Pending)
}

/// Makes every pending job due now (after fixing what made them fail).
pub fn retry_now<'c, C>(conn: &'c mut C) -> <C as Runs<'c, RetryNow>>::Output
where
    C: Runs<'c, RetryNow>,
{
    conn.run(RetryNow)
}

/// The jobs functions as operations a connection runs (so a `MultiConnection` enum
/// deriving [`MultiConn`](macro@crate::MultiConn) runs them on its current variant):
/// [`create_table`], [`pending`], [`retry_now`], and [`run_pending`]'s [`RunPending`].
macro_rules! job_ops {
    ($($(#[$doc:meta])* $op:ident => $out:ty, |$conn:ident| $body:expr;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $op;

        impl Operation for $op {
            type Output = $out;
        }

        impl<C: JobStore + crate::Conn> RunOn<C> for $op {
            fn run_on(self, $conn: &mut C) -> $out {
                crate::exec::block_now($body)
            }
        }

        #[cfg(feature = "async")]
        impl<C: JobStore> crate::ops::AsyncRunOn<C> for $op {
            fn run_async(self, $conn: &mut C) -> impl std::future::Future<Output = $out> + Send {
                $body
            }
        }
    )*};
}

job_ops! {
    /// [`create_table`].
    CreateTable => QueryResult<()>, |conn| conn.batch(<C as JobStore>::DDL);
    /// [`pending`].
    Pending => QueryResult<Vec<Job>>, |conn| conn.pending_jobs();
    /// [`retry_now`].
    RetryNow => QueryResult<usize>, |conn| conn.make_due(now());
}

/// Seconds since the Unix epoch: the jobs table's clock.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
