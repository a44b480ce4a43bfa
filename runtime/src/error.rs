//! The one error type of every association method, and the field errors it can carry.

use std::borrow::Cow;
use std::fmt;

/// Everything an association method can fail with.
///
/// Unless the variant is [`CommitOutcomeUnknown`](Error::CommitOutcomeUnknown), the
/// transaction the method ran in has been rolled back: the database is exactly as it was
/// before the call. Called inside a transaction the caller opened, the method runs in a
/// savepoint, and only the savepoint is rolled back (the caller's transaction goes on) —
/// except for [`TransactionRolledBack`](Error::TransactionRolledBack), where the server
/// rolled back the caller's whole transaction.
///
/// [`is_retryable`](Error::is_retryable) tells the errors worth running again (deadlocks,
/// serialization failures, lock timeouts, a busy SQLite database);
/// [`retry::with_retry`](crate::retry::with_retry) does so with a bounded, jittered policy.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database refused a statement (a unique index, a NOT NULL or CHECK constraint, a
    /// foreign key, a lost connection, …). Diesel's own error, untouched, so
    /// `DatabaseErrorKind::UniqueViolation` and friends can be matched as usual.
    #[error(transparent)]
    Database(#[from] diesel::result::Error),

    /// `dependent = "restrict_with_exception"`: the owner still has an associated row
    /// (Rails' `ActiveRecord::DeleteRestrictionError`).
    #[error("cannot delete {model} because of dependent {association}")]
    DeleteRestricted {
        /// The owner's type name.
        model: &'static str,
        /// The association that still has a row.
        association: &'static str,
    },

    /// The record is not valid; `restrict_with_error` reports through this variant too,
    /// with the error on `base` (Rails' `record.errors`).
    #[error("validation failed: {0}")]
    Invalid(Errors),

    /// A destroy hook aborted (Rails' `throw :abort`).
    #[error("destroy aborted: {0}")]
    Aborted(String),

    /// A replace would have to unlink the old row by setting its foreign key to NULL, but
    /// the column is NOT NULL. Declare `dependent = "destroy"` or `"delete"` so the old row
    /// is removed instead; until then nothing is written.
    #[error(
        "cannot replace {model}.{association}: the existing row cannot be unlinked because \
         its foreign key is NOT NULL; declare `dependent = \"destroy\"` or `dependent = \"delete\"`"
    )]
    CannotNullify {
        /// The owner's type name.
        model: &'static str,
        /// The association being replaced.
        association: &'static str,
    },

    /// `ensuring_owner_was`: the owner of a `destroy_async` job still exists and its method
    /// returned false, so the targets were kept; the job stays for inspection (Rails'
    /// `DestroyAssociationAsyncError`).
    #[error("owner {model} of {association} still exists and was not destroyed; the destroy_async job stays")]
    OwnerNotDestroyed {
        /// The owner's type name.
        model: &'static str,
        /// The association whose job waits.
        association: &'static str,
    },

    /// A durable job could not run (no handler for its association, unreadable keys).
    #[error("destroy_async job: {0}")]
    Job(String),

    /// The call ran inside a caller's transaction whose isolation cannot keep the one
    /// linked row per owner: PostgreSQL REPEATABLE READ, where a row another writer linked
    /// and committed after the transaction's snapshot is invisible, even to `FOR UPDATE`,
    /// so a replace would link a second row without any error. Nothing was written; the
    /// caller's transaction is intact. Call the method outside the transaction (the
    /// library's own transaction runs at READ COMMITTED with row locks), or run the
    /// transaction at READ COMMITTED or SERIALIZABLE (whose conflicts come back as
    /// retryable errors).
    #[error("diesel_has_one cannot write inside a REPEATABLE READ transaction on PostgreSQL: a concurrent link would be invisible; call it outside the transaction, or use READ COMMITTED or SERIALIZABLE")]
    SnapshotIsolation,

    /// `set_…(Some(row))`: the row was linked to another owner while the call was locking
    /// it, an owner it could not lock in the library's lock order (owner rows first, in
    /// ascending key order, then target rows: [`moving`](crate::moving)). Waiting for that
    /// owner could deadlock, so the call gave up instead: nothing was written (its
    /// transaction, or inside a caller's transaction its savepoint, was rolled back).
    /// Retryable: run the call again, which then locks the new owner in order
    /// ([`with_retry`](crate::retry::with_retry) does). Outside a caller's transaction
    /// `set_…` has already done so a few times ([`moving::RESTARTS`](crate::moving::RESTARTS)).
    #[error("the {model} row to link was linked meanwhile to another owner, which this call could not lock in order; nothing was written: run the call again")]
    RowMoved {
        /// The target's type name.
        model: &'static str,
    },

    /// The row the call works on is gone (the owner of a replace, the record of a destroy).
    #[error("{model} not found: the row was deleted or never saved")]
    NotFound {
        /// The type whose row is missing.
        model: &'static str,
    },

    /// The method ran inside a transaction the caller opened, and the database server
    /// rolled back that **whole** transaction, not just the method's savepoint: on MySQL
    /// and MariaDB a deadlock (error 1213) ends the victim's entire transaction. Everything
    /// the caller wrote in it before the call is gone too, and further statements on the
    /// connection run outside any transaction until the caller ends its own; roll it back
    /// (return the error from the caller's `transaction` closure) and run the whole
    /// transaction again. `source` is the error that ended it.
    ///
    /// Also returned when the method's savepoint could not be rolled back because the
    /// server no longer has it (the transaction was ended under it, or the connection is
    /// lost): either way nothing of the caller's transaction is left.
    #[error(
        "the enclosing transaction was rolled back by the database server, with everything \
         written in it before this call; run the whole transaction again ({source})"
    )]
    TransactionRolledBack {
        /// What ended the transaction (for a deadlock, [`is_retryable`](Error::is_retryable)).
        source: Box<Error>,
    },

    /// `COMMIT` was sent but no answer came back: the connection failed while committing
    /// (or just before), so the transaction **may or may not have been committed**. This is
    /// the one error after which the database is not known to be as before the call. Read
    /// the rows again on a new connection to learn the outcome before writing again; do not
    /// retry blindly. `source` is Diesel's error for the failed `COMMIT` (often
    /// `RollbackErrorOnCommit`, as the rollback on the same dead connection failed too).
    #[error(
        "the connection failed while committing: the transaction may or may not have been \
         committed; read the rows again to find out ({source})"
    )]
    CommitOutcomeUnknown {
        /// Diesel's error for the failed commit.
        source: diesel::result::Error,
    },
}

impl Error {
    /// The error of the backend's nested-transaction check: [`Error::SnapshotIsolation`]
    /// when it refused the isolation level, the database error otherwise.
    pub(crate) fn from_nested_check(e: diesel::result::Error) -> Self {
        match &e {
            diesel::result::Error::DatabaseError(_, info)
                if info
                    .message()
                    .contains("diesel_has_one: snapshot isolation") =>
            {
                Error::SnapshotIsolation
            }
            _ => Error::Database(e),
        }
    }

    /// The error a destroy hook returns to abort the whole destroy (and with it the
    /// enclosing replace or cascade).
    pub fn abort(reason: impl Into<String>) -> Self {
        Error::Aborted(reason.into())
    }

    /// True when running the same work again may succeed: the database gave up on the
    /// transaction because of other transactions, not because of what it does.
    ///
    /// | backend | errors |
    /// |---|---|
    /// | PostgreSQL | `40001` serialization failure (`DatabaseErrorKind::SerializationFailure`), `40P01` deadlock, `55P03` lock not available (`lock_timeout`, `NOWAIT`) |
    /// | MySQL / MariaDB | `1213` deadlock, `1205` lock wait timeout |
    /// | SQLite | `SQLITE_BUSY` ("database is locked") |
    /// | all | [`RowMoved`](Error::RowMoved) (the library's own lock order) |
    ///
    /// Diesel exposes neither PostgreSQL's SQLSTATE beyond `40001` nor MySQL's error number
    /// beyond `1213` in prepared statements, so the others are recognised by the server's
    /// message text (`deadlock detected`, `canceling statement due to lock timeout`,
    /// `could not obtain lock on row`, `Deadlock found when trying to get lock`, `Lock wait
    /// timeout exceeded`, `database is locked`): a server configured with translated
    /// messages (PostgreSQL `lc_messages`, MySQL `lc_messages`) reports those as not
    /// retryable.
    ///
    /// A [`TransactionRolledBack`](Error::TransactionRolledBack) is retryable when its
    /// source is: the caller runs its whole transaction again.
    /// [`CommitOutcomeUnknown`](Error::CommitOutcomeUnknown) never is (the work may be
    /// committed already).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Database(e) => retryable(e),
            Error::TransactionRolledBack { source } => source.is_retryable(),
            Error::RowMoved { .. } => true,
            _ => false,
        }
    }

    /// True when the database refused a statement because of a unique index.
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            Error::Database(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            ))
        )
    }
}

/// A message of the database server, for the errors Diesel does not give a kind of its own.
fn message(e: &diesel::result::Error) -> Option<&str> {
    match e {
        diesel::result::Error::DatabaseError(_, info) => Some(info.message()),
        _ => None,
    }
}

/// See [`Error::is_retryable`].
pub(crate) fn retryable(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error as DieselError};
    if matches!(
        e,
        DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _)
    ) {
        return true;
    }
    message(e).is_some_and(|m| {
        is_deadlock_message(m)
            || [
                // PostgreSQL 55P03 (lock_timeout, NOWAIT)
                "canceling statement due to lock timeout",
                "could not obtain lock on row",
                // MySQL 1205
                "Lock wait timeout exceeded",
                // SQLite SQLITE_BUSY
                "database is locked",
            ]
            .iter()
            .any(|known| m.starts_with(known))
    })
}

/// True for SQLite's `SQLITE_BUSY`: another connection holds the write lock.
pub(crate) fn is_busy(e: &diesel::result::Error) -> bool {
    message(e).is_some_and(|m| m.starts_with("database is locked"))
}

/// PostgreSQL 40P01, MySQL 1213 (also reported by Diesel as `SerializationFailure` from
/// prepared statements on MySQL).
fn is_deadlock_message(m: &str) -> bool {
    m.starts_with("deadlock detected") || m.starts_with("Deadlock found when trying to get lock")
}

/// True for a deadlock (PostgreSQL 40P01, MySQL 1213).
pub(crate) fn is_deadlock(e: &Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error as DieselError};
    let Error::Database(e) = e else {
        return false;
    };
    // MySQL reports 1213 of a prepared statement as SerializationFailure; PostgreSQL's
    // 40001 is not a deadlock, but it never reaches the caller of this (MySQL only).
    matches!(
        e,
        DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _)
    ) || message(e).is_some_and(is_deadlock_message)
}

/// True when a statement failed because the connection did (closed, killed, unreachable):
/// the server may have run it or not.
pub(crate) fn is_connection_lost(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error as DieselError};
    match e {
        // the commit failed and so did the rollback on the same connection
        DieselError::RollbackErrorOnCommit { .. } => true,
        DieselError::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _,
        ) => true,
        DieselError::DatabaseError(_, info) => {
            let m = info.message().to_ascii_lowercase();
            [
                // MySQL 2006 / 2013, MariaDB's client wording
                "server has gone away",
                "lost connection to",
                // PostgreSQL
                "server closed the connection unexpectedly",
                "terminating connection",
                "no connection to the server",
            ]
            .iter()
            .any(|known| m.contains(known))
        }
        _ => false,
    }
}

/// Errors attached to fields of a record, like ActiveModel's `errors`.
///
/// Errors about the record as a whole are on the field `base`, as in Rails.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Errors {
    entries: Vec<FieldError>,
}

/// One message about one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field (`base` for the record as a whole).
    pub field: Cow<'static, str>,
    /// The message, as Rails words it (`"can't be blank"`).
    pub message: String,
}

impl Errors {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a message about `field`.
    pub fn add(&mut self, field: impl Into<Cow<'static, str>>, message: impl Into<String>) {
        self.entries.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// True when nothing was added.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The messages in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        self.entries.iter()
    }

    /// The messages about one field.
    pub fn on<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.entries
            .iter()
            .filter(move |e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.entries.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if e.field == "base" {
                f.write_str(&e.message)?;
            } else {
                write!(f, "{} {}", e.field, e.message)?;
            }
        }
        Ok(())
    }
}
