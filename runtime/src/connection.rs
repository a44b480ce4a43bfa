//! The connections association methods accept, and the write transaction they run in.

use std::future::{ready, Future};
use std::num::NonZeroU32;

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::result::Error as DieselError;
use diesel::{Connection, QueryResult};

use crate::backend::Backend;
use crate::error::Error;
use crate::exec::{block_now, Blocking};
use crate::transaction::Transact;

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
///
/// This is [`transaction`](crate::transaction::transaction) on a blocking connection: the
/// one body of both kinds of execution, driven by one poll.
pub fn write_transaction<C, T, F>(conn: &mut C, f: F) -> Result<T, Error>
where
    C: Conn,
    F: FnOnce(&mut C) -> Result<T, Error>,
{
    block_now(crate::transaction::transaction(
        conn,
        async |conn: &mut C| f(conn),
    ))
}

impl<C: Conn> Transact<Blocking> for C {
    fn depth(&mut self) -> QueryResult<u32> {
        depth(self)
    }

    fn begin_with(&mut self, sql: &'static str) -> impl Future<Output = QueryResult<()>> + Send {
        ready(crate::retry::while_busy(|| self.begin_write(sql)))
    }

    fn begin(&mut self) -> impl Future<Output = QueryResult<()>> + Send {
        ready(Manager::<C>::begin_transaction(self))
    }

    fn commit(&mut self) -> impl Future<Output = QueryResult<()>> + Send {
        ready(Manager::<C>::commit_transaction(self))
    }

    fn rollback(&mut self) -> impl Future<Output = QueryResult<()>> + Send {
        ready(Manager::<C>::rollback_transaction(self))
    }

    fn batch(&mut self, sql: &'static str) -> impl Future<Output = QueryResult<()>> + Send {
        ready(self.batch_execute(sql))
    }
}

/// How many transactions and savepoints Diesel has open on `conn` (0: none).
pub(crate) fn depth<C: Conn>(conn: &mut C) -> Result<u32, DieselError> {
    Ok(Manager::<C>::transaction_manager_status_mut(conn)
        .transaction_depth()?
        .map_or(0, NonZeroU32::get))
}
