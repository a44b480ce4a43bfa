//! The connections association methods accept, and the write transaction they run in.

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::result::Error as DieselError;
use diesel::Connection;

use crate::backend::Backend;

/// A Diesel connection the generated methods run on: `SqliteConnection`, `PgConnection`
/// or `MysqlConnection` (a pooled connection is passed as `&mut *pooled`).
///
/// This is Diesel's `Connection` plus the knowledge of how to take a write lock on its
/// backend; nothing needs implementing.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a connection diesel_has_one can run on",
    note = "pass a `SqliteConnection`, `PgConnection` or `MysqlConnection` (for a pooled connection, `&mut *pooled`)"
)]
pub trait Conn:
    Connection<Backend = Self::DB, TransactionManager = AnsiTransactionManager>
{
    /// The connection's backend.
    type DB: Backend;
}

impl<C> Conn for C
where
    C: Connection<TransactionManager = AnsiTransactionManager>,
    C::Backend: Backend,
{
    type DB = C::Backend;
}

/// Runs `f` in a transaction in which the caller may take write locks without deadlocking
/// other writers, committing when it returns `Ok` and rolling back otherwise.
///
/// On SQLite the transaction starts with `BEGIN IMMEDIATE`, so the database write lock is
/// held from the first statement; on PostgreSQL and MySQL it is a plain transaction and the
/// caller locks the owner row with `FOR UPDATE` (see [`Locked`](crate::lock::Locked)).
/// Inside a transaction the caller already opened, `f` runs in a savepoint.
pub fn write_transaction<C, T, E, F>(conn: &mut C, f: F) -> Result<T, E>
where
    C: Conn,
    F: FnOnce(&mut C) -> Result<T, E>,
    E: From<DieselError>,
{
    let Some(begin) = <C::DB as Backend>::BEGIN_WRITE else {
        return conn.transaction(f);
    };
    match AnsiTransactionManager::begin_transaction_sql(conn, begin) {
        Ok(()) => {}
        Err(DieselError::AlreadyInTransaction) => return conn.transaction(f),
        Err(e) => return Err(e.into()),
    }
    match f(conn) {
        Ok(value) => {
            AnsiTransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            AnsiTransactionManager::rollback_transaction(conn)?;
            Err(e)
        }
    }
}
