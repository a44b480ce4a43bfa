//! The one error type of every association method, and the field errors it can carry.

use std::borrow::Cow;
use std::fmt;

/// Everything an association method can fail with.
///
/// Whatever the variant, the transaction the method ran in has been rolled back: the
/// database is exactly as it was before the call.
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

    /// The row the call works on is gone (the owner of a replace, the record of a destroy).
    #[error("{model} not found: the row was deleted or never saved")]
    NotFound {
        /// The type whose row is missing.
        model: &'static str,
    },
}

impl Error {
    /// The error a destroy hook returns to abort the whole destroy (and with it the
    /// enclosing replace or cascade).
    pub fn abort(reason: impl Into<String>) -> Self {
        Error::Aborted(reason.into())
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
