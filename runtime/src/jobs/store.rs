//! The statements on the jobs table, written once for every connection (their types are
//! concrete: each bound names one query).

use std::future::Future;

use diesel::prelude::*;
use diesel::QueryResult;

use super::schema::{diesel_has_one_jobs as jobs, Job};
use crate::backend::Backend;
use crate::exec::{Exec, Fetch};
use crate::lock::{Claim, Locked};
use crate::transaction::Transact;
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

/// The oldest due job no other worker holds, locked (`FOR UPDATE SKIP LOCKED` where the
/// backend has it).
pub type ClaimJob<DB> = Locked<
    diesel::dsl::Select<
        diesel::dsl::Limit<
            diesel::dsl::Order<
                diesel::dsl::Filter<
                    jobs::table,
                    diesel::dsl::And<
                        diesel::dsl::IsNull<jobs::done_at>,
                        diesel::dsl::LtEq<jobs::run_after, i64>,
                    >,
                >,
                diesel::dsl::Asc<jobs::id>,
            >,
        >,
        diesel::dsl::AsSelect<Job, DB>,
    >,
    Claim,
>;
/// The job with this id.
type ById = diesel::dsl::Filter<jobs::table, diesel::dsl::Eq<jobs::id, i32>>;
/// Marks a job done.
pub type FinishJob = diesel::dsl::Update<ById, diesel::dsl::Eq<jobs::done_at, Option<i64>>>;
/// Records a failed run.
pub type FailJob<'e> = diesel::dsl::Update<
    ById,
    (
        diesel::dsl::Eq<jobs::attempts, i32>,
        diesel::dsl::Eq<jobs::last_error, Option<&'e str>>,
        diesel::dsl::Eq<jobs::run_after, i64>,
    ),
>;
/// The pending jobs, oldest first.
pub type PendingJobs<DB> = diesel::dsl::Select<
    diesel::dsl::Order<
        diesel::dsl::Filter<jobs::table, diesel::dsl::IsNull<jobs::done_at>>,
        diesel::dsl::Asc<jobs::id>,
    >,
    diesel::dsl::AsSelect<Job, DB>,
>;
/// Makes every pending job due.
pub type MakeDue = diesel::dsl::Update<
    diesel::dsl::Filter<jobs::table, diesel::dsl::IsNull<jobs::done_at>>,
    diesel::dsl::Eq<jobs::run_after, i64>,
>;

/// A connection, of either kind, that holds durable jobs: `SqliteConnection`,
/// `PgConnection`, `MysqlConnection`, an r2d2 `PooledConnection` of one (feature `r2d2`),
/// and (feature `async`) diesel-async's connections and their deadpool and bb8 pools.
/// Each statement is written once, for every connection.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot store diesel_has_one jobs",
    note = "pass a `SqliteConnection`, `PgConnection` or `MysqlConnection`, an r2d2 `PooledConnection` of one (feature `r2d2` of diesel_has_one), or (feature `async`) a diesel-async connection or a deadpool or bb8 pooled one"
)]
pub trait JobStore: Transact + super::Handlers {
    /// The jobs table's DDL for this backend, for a migration.
    const DDL: &'static str = <Self::DB as Backend>::JOBS_DDL;

    /// Claims the oldest due job no other worker holds, locked until the transaction ends.
    fn claim_job(&mut self, now: i64) -> impl Future<Output = QueryResult<Option<Job>>> + Send;

    /// Marks a job done.
    fn finish_job(&mut self, id: i32, now: i64) -> impl Future<Output = QueryResult<()>> + Send;

    /// Records a failed run: attempts, error, next run.
    fn fail_job(
        &mut self,
        id: i32,
        attempts: i32,
        error: &str,
        run_after: i64,
    ) -> impl Future<Output = QueryResult<()>> + Send;

    /// The pending jobs, oldest first.
    fn pending_jobs(&mut self) -> impl Future<Output = QueryResult<Vec<Job>>> + Send;

    /// Makes every pending job due at `now`.
    fn make_due(&mut self, now: i64) -> impl Future<Output = QueryResult<usize>> + Send;
}

impl<C> JobStore for C
where
    C: Transact + super::Handlers,
    ClaimJob<C::DB>: Fetch<C, Job>,
    FinishJob: Execute<C>,
    for<'e> FailJob<'e>: Execute<C>,
    PendingJobs<C::DB>: Fetch<C, Job>,
    MakeDue: Execute<C>,
{
    fn claim_job(&mut self, now: i64) -> impl Future<Output = QueryResult<Option<Job>>> + Send {
        let due = jobs::done_at.is_null().and(jobs::run_after.le(now));
        let oldest = jobs::table.filter(due).order(jobs::id.asc()).limit(1);
        Locked::<_, Claim>::new::<Self>(oldest.select(Job::as_select())).fetch_first(self)
    }

    async fn finish_job(&mut self, id: i32, now: i64) -> QueryResult<()> {
        let job = jobs::table.filter(jobs::id.eq(id));
        let update = diesel::update(job).set(jobs::done_at.eq(Some(now)));
        update.execute_on(self).await.map(drop)
    }

    async fn fail_job(
        &mut self,
        id: i32,
        attempts: i32,
        error: &str,
        run_after: i64,
    ) -> QueryResult<()> {
        let job = jobs::table.filter(jobs::id.eq(id));
        let update = diesel::update(job).set((
            jobs::attempts.eq(attempts),
            jobs::last_error.eq(Some(error)),
            jobs::run_after.eq(run_after),
        ));
        update.execute_on(self).await.map(drop)
    }

    fn pending_jobs(&mut self) -> impl Future<Output = QueryResult<Vec<Job>>> + Send {
        let pending = jobs::table
            .filter(jobs::done_at.is_null())
            .order(jobs::id.asc());
        pending.select(Job::as_select()).fetch_all(self)
    }

    fn make_due(&mut self, now: i64) -> impl Future<Output = QueryResult<usize>> + Send {
        let pending = jobs::table.filter(jobs::done_at.is_null());
        diesel::update(pending)
            .set(jobs::run_after.eq(now))
            .execute_on(self)
    }
}
