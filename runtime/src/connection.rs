//! The connections association methods accept, and the write transaction they run in.

use std::num::NonZeroU32;
use std::panic::{self, AssertUnwindSafe};

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::result::Error as DieselError;
use diesel::Connection;

use crate::backend::Backend;
use crate::error::{is_connection_lost, is_deadlock, Error};
use crate::retry::while_busy;

/// The transaction manager of connection `C`.
type Manager<C> = <C as Connection>::TransactionManager;

/// A Diesel connection the generated methods run on: `SqliteConnection`, `PgConnection`
/// or `MysqlConnection`, or (feature `r2d2`) an r2d2 `PooledConnection` of one, passed
/// as it is (`&mut pooled`).
///
/// This is Diesel's `Connection` plus the knowledge of how to open the library's write
/// transaction on its backend; nothing needs implementing. Transactions go through the
/// connection's own transaction manager, so one the caller opened (`conn.transaction`) is
/// joined with a savepoint whatever the manager.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a connection diesel_has_one can run on",
    note = "pass a `SqliteConnection`, `PgConnection` or `MysqlConnection`, or an r2d2 `PooledConnection` of one (feature `r2d2` of diesel_has_one), with the matching backend feature of diesel_has_one enabled"
)]
pub trait Conn: Connection<Backend = Self::DB> + Send {
    /// The connection's backend.
    type DB: Backend;

    /// Opens the outermost transaction with `sql` (the backend's `BEGIN …`), recording it
    /// in the connection's transaction manager as `begin_transaction` would.
    #[doc(hidden)]
    fn begin_write(&mut self, sql: &str) -> Result<(), DieselError>;
}

/// `Conn` for a connection of Diesel's own, whose transaction manager is
/// `AnsiTransactionManager`.
macro_rules! ansi_connection {
    ($feature:literal, $conn:ty, $db:ty) => {
        #[cfg(feature = $feature)]
        impl Conn for $conn {
            type DB = $db;

            fn begin_write(&mut self, sql: &str) -> Result<(), DieselError> {
                AnsiTransactionManager::begin_transaction_sql(self, sql)
            }
        }
    };
}

ansi_connection!("sqlite", diesel::SqliteConnection, diesel::sqlite::Sqlite);
ansi_connection!("postgres", diesel::PgConnection, diesel::pg::Pg);
ansi_connection!("mysql", diesel::MysqlConnection, diesel::mysql::Mysql);

/// Runs `f` in a transaction in which the caller may take write locks without deadlocking
/// other writers, committing when it returns `Ok` and rolling back otherwise.
///
/// On SQLite the transaction starts with `BEGIN IMMEDIATE`, so the database write lock is
/// held from the first statement; on PostgreSQL and MySQL it is a plain transaction and the
/// caller locks the owner row with `FOR UPDATE` (see [`Locked`](crate::lock::Locked)).
/// Inside a transaction the caller already opened, `f` runs in a savepoint.
///
/// - **Unwind**: if `f` panics, the transaction (inside a caller's transaction: the
///   savepoint, and any Diesel transaction `f` left open within it) is rolled back before
///   the panic goes on, so the connection is never left inside a transaction that would
///   silently never commit.
/// - **Commit**: when `COMMIT` fails because the connection did, the outcome is unknown:
///   [`Error::CommitOutcomeUnknown`]. A `COMMIT` the server refused (a deferred
///   constraint, a serialization failure) was rolled back: [`Error::Database`].
/// - **Nested**: when the server ended the caller's whole transaction under the savepoint
///   (a MySQL deadlock; a savepoint that no longer exists): [`Error::TransactionRolledBack`].
pub fn write_transaction<C, T, F>(conn: &mut C, f: F) -> Result<T, Error>
where
    C: Conn,
    F: FnOnce(&mut C) -> Result<T, Error>,
{
    let outer = depth(conn)?;
    match <C::DB as Backend>::BEGIN_WRITE {
        Some(begin) if outer == 0 => while_busy(|| conn.begin_write(begin))?,
        _ => Manager::<C>::begin_transaction(conn)?,
    }
    if let (Some(check), true) = (<C::DB as Backend>::NESTED_CHECK, outer > 0) {
        if let Err(e) = conn.batch_execute(check) {
            let _ = roll_back_to(conn, outer);
            return Err(Error::from_nested_check(e));
        }
    }
    let result = match panic::catch_unwind(AssertUnwindSafe(|| f(&mut *conn))) {
        Ok(result) => result,
        Err(payload) => {
            // Best effort: a rollback that fails leaves Diesel's transaction manager broken
            // (every later transaction fails), never a transaction that silently goes on.
            let _ = roll_back_to(conn, outer);
            panic::resume_unwind(payload);
        }
    };
    match result {
        Ok(value) => match Manager::<C>::commit_transaction(conn) {
            Ok(()) => Ok(value),
            Err(e) if outer == 0 => Err(if is_connection_lost(&e) {
                Error::CommitOutcomeUnknown { source: e }
            } else {
                Error::Database(e)
            }),
            // `RELEASE SAVEPOINT` failed: Diesel leaves the savepoint open unless the
            // transaction was marked for rollback; end it, and say whether the caller's
            // transaction survived.
            Err(e) => match roll_back_to(conn, outer) {
                Ok(()) if !is_connection_lost(&e) => Err(Error::Database(e)),
                _ => Err(Error::TransactionRolledBack {
                    source: Box::new(Error::Database(e)),
                }),
            },
        },
        Err(e) => {
            let rollback = roll_back_to(conn, outer);
            if outer == 0 {
                // at top level a failed rollback ends the transaction too (the server rolls
                // back a transaction whose connection is lost); the cause is `e`
                return Err(e);
            }
            if rollback.is_err()
                || (<C::DB as Backend>::DEADLOCK_ENDS_TRANSACTION && is_deadlock(&e))
            {
                Err(Error::TransactionRolledBack {
                    source: Box::new(e),
                })
            } else {
                Err(e)
            }
        }
    }
}

/// How many transactions and savepoints Diesel has open on `conn` (0: none).
pub(crate) fn depth<C: Conn>(conn: &mut C) -> Result<u32, DieselError> {
    Ok(Manager::<C>::transaction_manager_status_mut(conn)
        .transaction_depth()?
        .map_or(0, NonZeroU32::get))
}

/// Rolls back savepoints and the transaction until `outer` levels are left open, returning
/// the first failure. Diesel counts a failed savepoint rollback as done (and a failed
/// top-level rollback marks its transaction manager broken), so this always ends.
fn roll_back_to<C: Conn>(conn: &mut C, outer: u32) -> Result<(), DieselError> {
    let mut first_error = None;
    loop {
        match depth(conn) {
            Ok(open) if open > outer => {}
            Ok(_) => return first_error.map_or(Ok(()), Err),
            Err(broken) => return Err(first_error.unwrap_or(broken)),
        }
        if let Err(e) = Manager::<C>::rollback_transaction(conn) {
            first_error.get_or_insert(e);
        }
    }
}
