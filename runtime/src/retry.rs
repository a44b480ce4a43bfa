//! Running a transaction again when the database gave up on it because of another one: a
//! deadlock, a serialization failure, a lock timeout, a busy SQLite database
//! ([`Error::is_retryable`]). The client-side retry loop that databases running at
//! `SERIALIZABLE` (PostgreSQL's, CockroachDB's default) expect of every client.
//!
//! ```text
//! use diesel_has_one::retry::{with_retry, RetryPolicy};
//!
//! let profile = with_retry(conn, &RetryPolicy::default(), |conn| {
//!     user.create_profile(NewProfile { bio: "Loves cats" }, conn)
//! })?;
//!
//! // several statements as one unit: the closure is the whole transaction
//! with_retry(conn, &RetryPolicy::default(), |conn| {
//!     conn.transaction(|conn| {
//!         diesel::update(users::table.find(user.id)).set(users::name.eq("Anna")).execute(conn)?;
//!         user.create_profile(NewProfile { bio: "Loves dogs" }, conn)
//!     })
//! })?;
//! ```
//!
//! Rules:
//! - The closure is run again from the start, so it must be **one transaction**: one
//!   association method (each runs in its own transaction), or the caller's own
//!   `conn.transaction(…)` around several. Work it committed before failing would be done
//!   twice.
//! - **Never inside a caller's transaction.** Called while the connection is inside a
//!   transaction, [`with_retry`] runs the closure once and returns its error: the failed
//!   statement may have ended or poisoned the caller's transaction (a PostgreSQL
//!   `REPEATABLE READ` snapshot fails the same way again; a MySQL deadlock has rolled back
//!   the whole transaction, reported as [`Error::TransactionRolledBack`]), so only the
//!   owner of the outermost transaction can retry, by running all of it again.
//! - **Bounded**: at most [`RetryPolicy::attempts`] runs, waiting a random time between
//!   zero and an exponentially growing cap between them ("full jitter"), so that the
//!   transactions that collided do not collide again in step.
//! - [`Error::CommitOutcomeUnknown`] is never retried: the work may be committed already.
//! - "Inside a transaction" means one Diesel knows of (`conn.transaction`,
//!   `begin_test_transaction`, `TransactionManager::begin_transaction`). A transaction
//!   opened with `BEGIN` as plain SQL is invisible to Diesel and to this crate: the
//!   association methods then commit with a `COMMIT` of their own and `with_retry` retries
//!   as if at top level. Open transactions through Diesel.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::time::Duration;

use crate::connection::{depth, Conn};
use crate::error::Error;

/// How often and how patiently [`with_retry`] runs a transaction again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Runs in all, the first included (at least one is always made).
    pub attempts: u32,
    /// The cap of the first wait; doubled after every failure.
    pub base_delay: Duration,
    /// The largest cap.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 5 runs; waits up to 10 ms, 20 ms, 40 ms, 80 ms (capped at 1 s).
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_secs(1),
        }
    }
}

impl RetryPolicy {
    /// No waiting between runs (tests; a caller that sleeps itself).
    pub fn immediate(attempts: u32) -> Self {
        RetryPolicy {
            attempts,
            base_delay: Duration::ZERO,
            max_delay: Duration::ZERO,
        }
    }

    /// The cap of the wait after the `failures`-th failed run: `base_delay · 2^(failures-1)`,
    /// at most `max_delay`.
    pub fn cap(&self, failures: u32) -> Duration {
        let factor = 1_u32 << failures.saturating_sub(1).min(20);
        self.base_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }
}

/// Runs `f`, and runs it again while it fails with an [`Error::is_retryable`] error, up to
/// `policy.attempts` runs in all, waiting a random time up to [`RetryPolicy::cap`] before
/// each new run. Returns the first success or the last error.
///
/// Inside a transaction the caller opened (Diesel's transaction depth > 0), `f` runs once:
/// see the [module docs](self). A run that fails while leaving a transaction open is not
/// retried either.
pub fn with_retry<C, T, F>(conn: &mut C, policy: &RetryPolicy, mut f: F) -> Result<T, Error>
where
    C: Conn,
    F: FnMut(&mut C) -> Result<T, Error>,
{
    if depth(conn)? > 0 {
        return f(conn);
    }
    let mut jitter = XorShift::new();
    let mut failures = 0;
    loop {
        match f(conn) {
            Err(e)
                if e.is_retryable()
                    && failures + 1 < policy.attempts
                    && depth(conn).is_ok_and(|open| open == 0) =>
            {
                failures += 1;
                let cap = policy.cap(failures);
                if !cap.is_zero() {
                    std::thread::sleep(cap.mul_f64(jitter.unit()));
                }
            }
            result => return result,
        }
    }
}

/// How long the library's own write transaction waits for a busy SQLite database before
/// it reports `SQLITE_BUSY` ("database is locked"): 5 s, ActiveRecord's default SQLite
/// `timeout`. Needed because a connection without `PRAGMA busy_timeout` (every pool's
/// default) fails a `BEGIN IMMEDIATE` at once while another connection writes.
pub const SQLITE_BUSY_WAIT: Duration = Duration::from_secs(5);

/// Runs `begin` (a statement that opens the outermost transaction and takes the write
/// lock, nothing else, so running it again is safe), again while it fails with
/// `SQLITE_BUSY`, waiting a jittered, doubling time (1 ms up to 50 ms) in between,
/// [`SQLITE_BUSY_WAIT`] in all at most. The wait blocks the calling thread: it is called
/// only where statements block anyway — a blocking connection, and SQLite's async
/// connection on its blocking thread (never on an async runtime's worker, where it would
/// stop the very task that holds the lock).
pub(crate) fn while_busy(
    mut begin: impl FnMut() -> Result<(), diesel::result::Error>,
) -> Result<(), diesel::result::Error> {
    let policy = RetryPolicy {
        attempts: u32::MAX,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(50),
    };
    let mut jitter = XorShift::new();
    let mut waited = Duration::ZERO;
    let mut failures = 0;
    loop {
        match begin() {
            Err(e) if crate::error::is_busy(&e) && waited < SQLITE_BUSY_WAIT => {
                failures += 1;
                let wait = policy.cap(failures).mul_f64(0.5 + jitter.unit() / 2.0);
                std::thread::sleep(wait);
                waited += wait;
            }
            result => return result,
        }
    }
}

/// xorshift64*: jitter only, no dependency; seeded from std's per-process random keys.
struct XorShift(u64);

impl XorShift {
    fn new() -> Self {
        let seed = RandomState::new().hash_one(std::time::SystemTime::now());
        XorShift(seed | 1)
    }

    /// A number in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1_u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_double_up_to_the_maximum() {
        let policy = RetryPolicy {
            attempts: 10,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
        };
        let caps: Vec<_> = (1..=5).map(|n| policy.cap(n).as_millis()).collect();
        assert_eq!(caps, [10, 20, 40, 50, 50]);
        assert_eq!(policy.cap(u32::MAX), Duration::from_millis(50));
    }

    #[test]
    fn jitter_stays_in_the_unit_interval() {
        let mut jitter = XorShift::new();
        let draws: Vec<f64> = (0..10_000).map(|_| jitter.unit()).collect();
        assert!(draws.iter().all(|u| (0.0..1.0).contains(u)));
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        assert!((0.4..0.6).contains(&mean), "{mean}");
    }
}
