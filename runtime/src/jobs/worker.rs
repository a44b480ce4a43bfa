//! Running jobs: [`run_pending`] for a batch, [`Worker`] for a long-running loop.

#[cfg(feature = "async")]
use std::future::Future;
use std::pin::pin;
use std::time::Duration;

use super::schema::Job;
use super::store::JobStore;
use crate::connection::Conn;
use crate::error::Error;
use crate::exec::block_now;
#[cfg(feature = "async")]
use crate::exec::{Exec, NonBlocking};
#[cfg(feature = "async")]
use crate::ops::AsyncRunOn;
use crate::ops::{Operation, RunOn, Runs, RunsNow};
use crate::transaction::{transaction, CatchUnwind};

/// What one [`run_pending`] call did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Jobs whose targets were destroyed.
    pub succeeded: usize,
    /// Jobs that failed and stay for a later attempt.
    pub failed: usize,
}

/// Seconds a job waits after its `attempts`-th failure: 2, 4, 8, … capped at an hour.
fn backoff(attempts: i32) -> i64 {
    1_i64 << attempts.clamp(1, 11)
}

/// The most characters of an error message a failed job's `last_error` keeps (the rest
/// is cut on a character boundary, ending in `…`), so that the record fits every
/// backend's column (MySQL's `TEXT` holds 65,535 bytes).
pub const MAX_ERROR_CHARS: usize = 1000;

/// Runs up to `limit` due jobs, each in its own transaction: claim the job row (locked,
/// skipping rows other workers hold), destroy its targets in a savepoint, mark it done —
/// or, when anything fails, roll the savepoint back and record the attempt, the error and
/// the next run time. Returns early when no job is due.
///
/// One job can never hold up the others: its failure is always recorded (the message cut
/// to [`MAX_ERROR_CHARS`], and escaped to ASCII if the column still refuses it), a panic
/// in its hooks is caught and recorded as its failure, and a failed job waits (2 s, 4 s, …
/// an hour) before it is claimed again, so the jobs behind it run first. A deadlock or
/// serialization failure that ends the claim's transaction (MySQL) counts as a failed run
/// without a record; the job is simply claimed again. Errors outside the jobs (a lost
/// connection) are returned.
///
/// On a diesel-async connection (feature `async`) it returns a future of the same.
pub fn run_pending<'c, C>(limit: usize, conn: &'c mut C) -> <C as Runs<'c, RunPending>>::Output
where
    C: Runs<'c, RunPending>,
{
    conn.run(RunPending(limit))
}

/// [`run_pending`] of up to this many jobs, as an operation a connection runs.
#[derive(Debug, Clone, Copy)]
pub struct RunPending(pub usize);

impl Operation for RunPending {
    type Output = Result<Summary, Error>;
}

impl<C: JobStore + Conn> RunOn<C> for RunPending {
    fn run_on(self, conn: &mut C) -> Result<Summary, Error> {
        block_now(run_batch(self.0, conn))
    }
}

#[cfg(feature = "async")]
impl<C: JobStore> AsyncRunOn<C> for RunPending {
    fn run_async(self, conn: &mut C) -> impl Future<Output = Self::Output> + Send {
        run_batch(self.0, conn)
    }
}

/// The body of [`run_pending`], on a connection of either kind.
async fn run_batch<C: JobStore>(limit: usize, conn: &mut C) -> Result<Summary, Error> {
    let mut summary = Summary::default();
    while summary.succeeded + summary.failed < limit {
        let ran = transaction(conn, async |conn: &mut C| -> Result<Option<bool>, Error> {
            let now = super::now();
            let Some(job) = conn.claim_job(now).await? else {
                return Ok(None);
            };
            match run_job(conn, &job).await {
                Ok(()) => {
                    conn.finish_job(job.id, now).await?;
                    Ok(Some(true))
                }
                // the claim's transaction is gone with the job's savepoint: nothing to
                // record in
                Err(e @ Error::TransactionRolledBack { .. }) => Err(e),
                Err(e) => {
                    record_failure(conn, &job, &e, now).await?;
                    Ok(Some(false))
                }
            }
        })
        .await;
        match ran {
            Ok(None) => break,
            Ok(Some(true)) => summary.succeeded += 1,
            Ok(Some(false)) => summary.failed += 1,
            Err(e) if e.is_retryable() => summary.failed += 1,
            Err(e) => return Err(e),
        }
    }
    Ok(summary)
}

/// Destroys the job's targets in a savepoint; a panic in their hooks is the job's error.
async fn run_job<C: JobStore>(conn: &mut C, job: &Job) -> Result<(), Error> {
    let Some(run) = C::handler(&job.association) else {
        return Err(Error::Job(format!(
            "no handler for `{}` in this program (is the model compiled in, with `dependent = \"destroy_async\"`?)",
            job.association
        )));
    };
    // the transaction rolls the savepoint back before the panic reaches here
    let destroy = pin!(transaction(conn, async |conn: &mut C| run(conn, job).await));
    CatchUnwind(destroy).await.unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("(no message)");
        Err(Error::Job(format!("job {} panicked: {message}", job.id)))
    })
}

/// Records a failed run of `job`: one more attempt (saturating), the error cut to
/// [`MAX_ERROR_CHARS`], the next run time. In a savepoint, so that a message the column
/// still refuses (a character its character set lacks) leaves the claim's transaction
/// usable for the same record with the message escaped to ASCII.
async fn record_failure<C: JobStore>(
    conn: &mut C,
    job: &Job,
    error: &Error,
    now: i64,
) -> Result<(), Error> {
    let attempts = job.attempts.saturating_add(1);
    let run_after = now.saturating_add(backoff(attempts));
    let message = truncate(&error.to_string(), MAX_ERROR_CHARS);
    let ascii = || {
        let escaped: String = message.chars().flat_map(char::escape_default).collect();
        truncate(&escaped, MAX_ERROR_CHARS)
    };
    let mut recorded = Err(Error::Job(String::new()));
    for message in [message.clone(), ascii()] {
        let record =
            async |conn: &mut C| Ok(conn.fail_job(job.id, attempts, &message, run_after).await?);
        recorded = transaction(conn, record).await;
        if !matches!(recorded, Err(Error::Database(_))) {
            break;
        }
    }
    recorded
}

/// `message` cut to at most `max` characters (on a character boundary), ending in `…`
/// when cut.
fn truncate(message: &str, max: usize) -> String {
    match message.char_indices().nth(max) {
        None => message.to_owned(),
        Some(_) => {
            let keep = message
                .char_indices()
                .nth(max.saturating_sub(1))
                .map_or(message.len(), |(at, _)| at);
            format!("{}…", &message[..keep])
        }
    }
}

/// A long-running worker: runs due jobs in batches, sleeping between empty polls.
#[derive(Debug, Clone)]
pub struct Worker {
    /// Jobs per batch.
    pub batch: usize,
    /// Sleep when nothing is due.
    pub idle: Duration,
}

impl Default for Worker {
    fn default() -> Self {
        Worker {
            batch: 100,
            idle: Duration::from_secs(1),
        }
    }
}

impl Worker {
    /// Runs until `keep_going` returns false (checked between batches), returning the
    /// totals. A failing job never stops the worker (see [`run_pending`]); database errors
    /// outside a job (a lost connection) do.
    pub fn run<C>(
        &self,
        mut keep_going: impl FnMut(&Summary) -> bool,
        conn: &mut C,
    ) -> Result<Summary, Error>
    where
        C: RunsNow<RunPending, Result<Summary, Error>>,
    {
        let mut total = Summary::default();
        while keep_going(&total) {
            let batch = conn.run(RunPending(self.batch))?;
            if total.add(batch) {
                std::thread::sleep(self.idle);
            }
        }
        Ok(total)
    }

    /// [`run`](Worker::run) on a diesel-async connection (feature `async`), on tokio:
    /// claims with `FOR UPDATE SKIP LOCKED` as the blocking worker does, and sleeps on
    /// tokio's timer between empty polls, so it shares the runtime with the service.
    #[cfg(feature = "async")]
    pub async fn run_async<C>(
        &self,
        mut keep_going: impl FnMut(&Summary) -> bool,
        conn: &mut C,
    ) -> Result<Summary, Error>
    where
        C: JobStore + Exec<Kind = NonBlocking>,
    {
        let mut total = Summary::default();
        while keep_going(&total) {
            let batch = run_batch(self.batch, conn).await?;
            if total.add(batch) {
                tokio::time::sleep(self.idle).await;
            }
        }
        Ok(total)
    }
}

impl Summary {
    /// Adds a batch's counts; true when the batch ran nothing (the worker then idles).
    fn add(&mut self, batch: Summary) -> bool {
        self.succeeded += batch.succeeded;
        self.failed += batch.failed;
        batch.succeeded + batch.failed == 0
    }
}
