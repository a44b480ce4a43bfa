//! What differs between SQLite, PostgreSQL and MySQL, in one place.
//!
//! Everything else the crate generates is plain Diesel that runs on all three; the
//! backends differ only in how a writer serializes with other writers (row lock or
//! database write lock), in how a whole set of keys is bound, and in
//! how `touch` casts the time it binds.

use diesel::backend::Backend as DieselBackend;

/// A Diesel backend the association methods run on.
///
/// Implemented for SQLite, PostgreSQL and MySQL (each behind the cargo feature of the same
/// name). Sealed: the methods rely on the exact SQL each backend accepts.
#[diagnostic::on_unimplemented(
    message = "diesel_has_one does not support the backend `{Self}`",
    note = "enable the `sqlite`, `postgres` or `mysql` feature of diesel_has_one"
)]
pub trait Backend: DieselBackend + sealed::Sealed {
    /// The statement that opens the library's own write transaction. SQLite: `BEGIN
    /// IMMEDIATE` takes the database write lock up front, so two writers never deadlock.
    /// PostgreSQL and MySQL: READ COMMITTED whatever the session's default, because the
    /// library serializes writers itself with row locks, and every read after the owner
    /// lock must see the rows committed while it waited (under a snapshot, two writers
    /// would each see "no row" and both link one); on MySQL it also takes no gap locks, so
    /// writers of different owners never contend.
    const BEGIN_WRITE: Option<&'static str>;

    /// Run first inside a caller's transaction: fails when that transaction's isolation
    /// cannot keep the one-row invariant (PostgreSQL REPEATABLE READ: a row linked and
    /// committed after the caller's snapshot is invisible even to locking reads, and no
    /// error would tell). See [`Error::SnapshotIsolation`](crate::Error::SnapshotIsolation).
    const NESTED_CHECK: Option<&'static str>;

    /// Whether a deadlock ends the victim's whole transaction, savepoints included (MySQL:
    /// InnoDB rolls the transaction back), rather than only the failed statement, which a
    /// rollback to the savepoint undoes (PostgreSQL). Inside a caller's transaction the
    /// library then reports [`Error::TransactionRolledBack`](crate::Error::TransactionRolledBack).
    const DEADLOCK_ENDS_TRANSACTION: bool;

    /// The row-lock clause of the owner lookup (` FOR UPDATE`), or nothing where the
    /// transaction itself holds the lock.
    const ROW_LOCK: &'static str;

    /// Whether the rows linked to an owner are locked by primary key after their keys are
    /// read ([`linked_locks`](crate::linked_locks): InnoDB, where a locking read through
    /// the foreign key index can wait for other owners' rows), rather than by one locking
    /// read through the foreign key (PostgreSQL, which locks only the rows it returns).
    /// SQLite has no row locks (`ROW_LOCK` is empty): its keys are read once.
    const LOCK_LINKED_BY_KEY: bool;

    /// The clause with which a worker claims a job row no other worker holds
    /// (` FOR UPDATE SKIP LOCKED`), or nothing where the write transaction serializes
    /// workers (SQLite).
    const CLAIM_LOCK: &'static str;

    /// `CREATE TABLE IF NOT EXISTS diesel_has_one_jobs …` in this backend's dialect.
    const JOBS_DDL: &'static str;

    /// The function giving the key the connection's last `INSERT` generated.
    const LAST_INSERT_ID: &'static str;

    /// How `touch` writes the current time (the bound UTC text `YYYY-MM-DD
    /// HH:MM:SS.ffffff`) into a `Timestamp` column: `CAST(? AS <this>)`, or the bare
    /// parameter where the column stores that text as it is (SQLite, as ActiveRecord
    /// writes it). See [`touch`](crate::touch).
    const TIMESTAMP_CAST: Option<&'static str>;

    /// How an inserted row is read back: `RETURNING`, or a reselect (MySQL).
    type ReadBack: crate::returning::ReadBack;

    /// Whether the library's locking reads may be cached prepared statements on this
    /// backend's blocking connection. Not on MySQL: there a cached prepared locking read
    /// that failed while its rows were being fetched (a lock wait timeout or a deadlock on
    /// its second row) never answers when executed again — libmysqlclient/libmariadb waits
    /// in `mysql_stmt_execute` while the server sits idle with the transaction's locks held,
    /// and every writer of that owner queues behind it (`tests/cached_locking_reads.rs`
    /// reproduces it with plain Diesel). A fresh statement per locking read costs one
    /// prepare round trip and cannot be left in that state. diesel-async's MySQL client
    /// (mysql_async) answers the same statement, so async connections cache them
    /// ([`Exec::CACHE_LOCKING_READS`](crate::exec::Exec::CACHE_LOCKING_READS)).
    const CACHE_LOCKING_READS: bool;
}

mod sealed {
    pub trait Sealed {}
}

#[cfg(feature = "sqlite")]
impl sealed::Sealed for diesel::sqlite::Sqlite {}
#[cfg(feature = "sqlite")]
impl Backend for diesel::sqlite::Sqlite {
    const BEGIN_WRITE: Option<&'static str> = Some("BEGIN IMMEDIATE");
    const NESTED_CHECK: Option<&'static str> = None;
    const DEADLOCK_ENDS_TRANSACTION: bool = false;
    const ROW_LOCK: &'static str = "";
    const LOCK_LINKED_BY_KEY: bool = false;
    const CLAIM_LOCK: &'static str = "";
    const LAST_INSERT_ID: &'static str = "last_insert_rowid()";
    type ReadBack = crate::returning::Returning;
    const CACHE_LOCKING_READS: bool = true;
    const TIMESTAMP_CAST: Option<&'static str> = None;
    const JOBS_DDL: &'static str = "CREATE TABLE IF NOT EXISTS diesel_has_one_jobs (\
        id INTEGER PRIMARY KEY AUTOINCREMENT, association TEXT NOT NULL, owner_key TEXT NOT NULL, \
        target_keys TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, \
        created_at BIGINT NOT NULL, run_after BIGINT NOT NULL, done_at BIGINT)";
}

#[cfg(feature = "postgres")]
impl sealed::Sealed for diesel::pg::Pg {}
#[cfg(feature = "postgres")]
impl Backend for diesel::pg::Pg {
    const BEGIN_WRITE: Option<&'static str> = Some("BEGIN ISOLATION LEVEL READ COMMITTED");
    const NESTED_CHECK: Option<&'static str> = Some(
        "DO $$ BEGIN IF current_setting('transaction_isolation') = 'repeatable read' THEN \
         RAISE EXCEPTION 'diesel_has_one: snapshot isolation'; END IF; END $$",
    );
    const DEADLOCK_ENDS_TRANSACTION: bool = false;
    const ROW_LOCK: &'static str = " FOR UPDATE";
    const LOCK_LINKED_BY_KEY: bool = false;
    const CLAIM_LOCK: &'static str = " FOR UPDATE SKIP LOCKED";
    const LAST_INSERT_ID: &'static str = "lastval()";
    type ReadBack = crate::returning::Returning;
    const CACHE_LOCKING_READS: bool = true;
    const TIMESTAMP_CAST: Option<&'static str> = Some("TIMESTAMP");
    const JOBS_DDL: &'static str = "CREATE TABLE IF NOT EXISTS diesel_has_one_jobs (\
        id SERIAL PRIMARY KEY, association TEXT NOT NULL, owner_key TEXT NOT NULL, \
        target_keys TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, \
        created_at BIGINT NOT NULL, run_after BIGINT NOT NULL, done_at BIGINT)";
}

#[cfg(feature = "mysql")]
impl sealed::Sealed for diesel::mysql::Mysql {}
#[cfg(feature = "mysql")]
impl Backend for diesel::mysql::Mysql {
    const BEGIN_WRITE: Option<&'static str> =
        Some("SET TRANSACTION ISOLATION LEVEL READ COMMITTED; START TRANSACTION");
    // Locking reads see the latest committed rows at any isolation level.
    const NESTED_CHECK: Option<&'static str> = None;
    const DEADLOCK_ENDS_TRANSACTION: bool = true;
    const ROW_LOCK: &'static str = " FOR UPDATE";
    const LOCK_LINKED_BY_KEY: bool = true;
    const CLAIM_LOCK: &'static str = " FOR UPDATE SKIP LOCKED";
    const LAST_INSERT_ID: &'static str = "LAST_INSERT_ID()";
    type ReadBack = crate::returning::Reselect;
    const CACHE_LOCKING_READS: bool = false;
    const TIMESTAMP_CAST: Option<&'static str> = Some("DATETIME(6)");
    const JOBS_DDL: &'static str = "CREATE TABLE IF NOT EXISTS diesel_has_one_jobs (\
        id INTEGER PRIMARY KEY AUTO_INCREMENT, association VARCHAR(255) NOT NULL, \
        owner_key TEXT NOT NULL, target_keys TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, \
        last_error TEXT, created_at BIGINT NOT NULL, run_after BIGINT NOT NULL, done_at BIGINT)";
}
