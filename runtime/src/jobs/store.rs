//! The statements on the jobs table, for each connection type (one body, instantiated per
//! backend by a macro: the types are concrete, so no bounds are needed).

use std::future::Future;

use diesel::prelude::*;
use diesel::QueryResult;

use super::schema::{diesel_has_one_jobs as jobs, Job};
use crate::connection::Conn;
use crate::exec::Exec;
use crate::write_exec::Execute;

/// The `INSERT` of one job row: [`job_row`].
pub type JobRow = diesel::dsl::Values<
    diesel::dsl::insert_into<jobs::table>,
    (
        diesel::dsl::Eq<jobs::association, String>,
        diesel::dsl::Eq<jobs::owner_key, String>,
        diesel::dsl::Eq<jobs::target_keys, String>,
        diesel::dsl::Eq<jobs::attempts, i32>,
        diesel::dsl::Eq<jobs::created_at, i64>,
        diesel::dsl::Eq<jobs::run_after, i64>,
    ),
>;

/// The job row of association `Owner.name` (`association`) for the owner with key
/// `owner_key` and its targets (both JSON arrays), due at `now`.
pub fn job_row(association: String, owner_key: String, target_keys: String, now: i64) -> JobRow {
    diesel::insert_into(jobs::table).values((
        jobs::association.eq(association),
        jobs::owner_key.eq(owner_key),
        jobs::target_keys.eq(target_keys),
        jobs::attempts.eq(0),
        jobs::created_at.eq(now),
        jobs::run_after.eq(now),
    ))
}

/// A connection, of either kind, that writes a `destroy_async` job row inside the owner's
/// transaction: any connection running the jobs table's `INSERT`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot store diesel_has_one jobs",
    note = "pass a `SqliteConnection`, `PgConnection` or `MysqlConnection`, an r2d2 `PooledConnection` of one (feature `r2d2` of diesel_has_one), or (feature `async`) a diesel-async connection"
)]
pub trait InsertsJob: Exec {
    /// Writes the job row.
    fn insert_job_row(&mut self, job: JobRow) -> impl Future<Output = QueryResult<()>> + Send;
}

impl<C: Exec> InsertsJob for C
where
    JobRow: Execute<C>,
{
    async fn insert_job_row(&mut self, job: JobRow) -> QueryResult<()> {
        job.execute_on(self).await.map(drop)
    }
}

/// A connection that can hold durable jobs: `SqliteConnection`, `PgConnection`,
/// `MysqlConnection`, or an r2d2 `PooledConnection` of one (feature `r2d2`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot store diesel_has_one jobs",
    note = "pass a `SqliteConnection`, `PgConnection` or `MysqlConnection`, or an r2d2 `PooledConnection` of one (feature `r2d2` of diesel_has_one)"
)]
pub trait JobStore: Conn + diesel::connection::SimpleConnection + super::Handlers {
    /// The jobs table's DDL for this backend, for a migration.
    const DDL: &'static str;

    /// Claims the oldest due job no other worker holds, locked until the transaction ends.
    fn claim_job(&mut self, now: i64) -> QueryResult<Option<Job>>;

    /// Marks a job done.
    fn finish_job(&mut self, id: i32, now: i64) -> QueryResult<()>;

    /// Records a failed run: attempts, error, next run.
    fn fail_job(&mut self, id: i32, attempts: i32, error: &str, run_after: i64) -> QueryResult<()>;

    /// The pending jobs, oldest first.
    fn pending_jobs(&mut self) -> QueryResult<Vec<Job>>;

    /// Makes every pending job due at `now`.
    fn make_due(&mut self, now: i64) -> QueryResult<usize>;
}

macro_rules! job_store {
    ($($feature:literal => $conn:ty, $db:ty;)*) => {$(
        #[cfg(feature = $feature)]
        impl JobStore for $conn {
            const DDL: &'static str = <$db as crate::backend::Backend>::JOBS_DDL;

            fn claim_job(&mut self, now: i64) -> QueryResult<Option<Job>> {
                crate::lock::Locked::<_, crate::lock::Claim>::new(
                    jobs::table
                        .filter(jobs::done_at.is_null().and(jobs::run_after.le(now)))
                        .order(jobs::id.asc())
                        .limit(1)
                        .select(Job::as_select()),
                )
                .get_result(self)
                .optional()
            }

            fn finish_job(&mut self, id: i32, now: i64) -> QueryResult<()> {
                diesel::update(jobs::table.filter(jobs::id.eq(id)))
                    .set(jobs::done_at.eq(Some(now)))
                    .execute(self)
                    .map(drop)
            }

            fn fail_job(&mut self, id: i32, attempts: i32, error: &str, run_after: i64) -> QueryResult<()> {
                diesel::update(jobs::table.filter(jobs::id.eq(id)))
                    .set((
                        jobs::attempts.eq(attempts),
                        jobs::last_error.eq(Some(error)),
                        jobs::run_after.eq(run_after),
                    ))
                    .execute(self)
                    .map(drop)
            }

            fn pending_jobs(&mut self) -> QueryResult<Vec<Job>> {
                jobs::table
                    .filter(jobs::done_at.is_null())
                    .order(jobs::id.asc())
                    .select(Job::as_select())
                    .load(self)
            }

            fn make_due(&mut self, now: i64) -> QueryResult<usize> {
                diesel::update(jobs::table.filter(jobs::done_at.is_null()))
                    .set(jobs::run_after.eq(now))
                    .execute(self)
            }
        }
    )*};
}

job_store! {
    "sqlite" => diesel::sqlite::SqliteConnection, diesel::sqlite::Sqlite;
    "postgres" => diesel::pg::PgConnection, diesel::pg::Pg;
    "mysql" => diesel::mysql::MysqlConnection, diesel::mysql::Mysql;
}
