//! The jobs table, the same on every backend (its DDL per backend is
//! [`Backend::JOBS_DDL`](crate::backend::Backend::JOBS_DDL)).

diesel::table! {
    /// Durable `destroy_async` jobs.
    diesel_has_one_jobs (id) {
        /// The job's id.
        id -> Integer,
        /// `Owner.association` (`"User.profile"`).
        association -> Text,
        /// The owner's key, as a one-element JSON array.
        owner_key -> Text,
        /// The primary keys of the rows to destroy, as a JSON array.
        target_keys -> Text,
        /// Failed runs so far.
        attempts -> Integer,
        /// The error of the last failed run.
        last_error -> Nullable<Text>,
        /// When the owner was destroyed (Unix seconds).
        created_at -> BigInt,
        /// Not run before (Unix seconds): failed jobs back off.
        run_after -> BigInt,
        /// When the job succeeded; `NULL` while pending.
        done_at -> Nullable<BigInt>,
    }
}

/// One row of the jobs table.
#[derive(Debug, Clone, PartialEq, Eq, diesel::Queryable, diesel::Selectable)]
#[diesel(table_name = diesel_has_one_jobs)]
pub struct Job {
    /// The job's id.
    pub id: i32,
    /// `Owner.association` (`"User.profile"`).
    pub association: String,
    /// The owner's key, as a one-element JSON array.
    pub owner_key: String,
    /// The primary keys of the rows to destroy, as a JSON array.
    pub target_keys: String,
    /// Failed runs so far.
    pub attempts: i32,
    /// The error of the last failed run.
    pub last_error: Option<String>,
    /// When the owner was destroyed (Unix seconds).
    pub created_at: i64,
    /// Not run before (Unix seconds).
    pub run_after: i64,
    /// When the job succeeded.
    pub done_at: Option<i64>,
}
