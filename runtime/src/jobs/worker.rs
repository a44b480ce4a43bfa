//! Running jobs: [`run_pending`] for a batch, [`Worker`] for a long-running loop.

use std::time::Duration;

use super::store::JobStore;
use crate::connection::write_transaction;
use crate::error::Error;

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

/// Runs up to `limit` due jobs, each in its own transaction: claim the job row (locked,
/// skipping rows other workers hold), destroy its targets in a savepoint, mark it done —
/// or, when anything fails, roll the savepoint back and record the attempt, the error and
/// the next run time. Returns early when no job is due.
pub fn run_pending<C: JobStore>(conn: &mut C, limit: usize) -> Result<Summary, Error> {
    let mut summary = Summary::default();
    while summary.succeeded + summary.failed < limit {
        let ran = write_transaction(conn, |conn| -> Result<Option<bool>, Error> {
            let now = super::now();
            let Some(job) = conn.claim_job(now)? else {
                return Ok(None);
            };
            let outcome = match C::handler(&job.association) {
                Some(run) => conn.transaction(|conn| run(conn, &job)),
                None => Err(Error::Job(format!(
                    "no handler for `{}` in this program (is the model compiled in, with `dependent = \"destroy_async\"`?)",
                    job.association
                ))),
            };
            match outcome {
                Ok(()) => {
                    conn.finish_job(job.id, now)?;
                    Ok(Some(true))
                }
                Err(e) => {
                    let attempts = job.attempts + 1;
                    conn.fail_job(job.id, attempts, &e.to_string(), now + backoff(attempts))?;
                    Ok(Some(false))
                }
            }
        })?;
        match ran {
            None => break,
            Some(true) => summary.succeeded += 1,
            Some(false) => summary.failed += 1,
        }
    }
    Ok(summary)
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
    /// totals. Database errors outside a job (a lost connection) stop the worker.
    pub fn run<C: JobStore>(
        &self,
        conn: &mut C,
        mut keep_going: impl FnMut(&Summary) -> bool,
    ) -> Result<Summary, Error> {
        let mut total = Summary::default();
        while keep_going(&total) {
            let batch = run_pending(conn, self.batch)?;
            total.succeeded += batch.succeeded;
            total.failed += batch.failed;
            if batch.succeeded + batch.failed == 0 {
                std::thread::sleep(self.idle);
            }
        }
        Ok(total)
    }
}
