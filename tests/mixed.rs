//! The mixed-operations acceptance run of issue 8: 16 threads, each with its own
//! connection, × 200 operations (`MIXED_OPS=n` for more), every call through
//! `retry::with_retry` with the default policy (5 attempts), on every backend, for every
//! combination of
//!
//! - `dependent`: `destroy`, `delete`, `nullify`, `destroy_async` (its jobs run with
//!   `jobs::run_pending` at the end of the run, before the checks);
//! - owners: 4 owners shared by the 16 threads, or 16 owners, one per thread;
//! - the session isolation of every thread's connection: PostgreSQL `READ COMMITTED`,
//!   `REPEATABLE READ`, `SERIALIZABLE` (`SET SESSION CHARACTERISTICS AS TRANSACTION
//!   ISOLATION LEVEL …`); MySQL/MariaDB `REPEATABLE READ`, `READ COMMITTED`, `SERIALIZABLE`
//!   (`SET SESSION TRANSACTION ISOLATION LEVEL …`); SQLite its one mode (a WAL file, one
//!   writer at a time);
//! - the schema, one test function each: `no_unique_index_no_fk` (only the library keeps
//!   the invariants) and `unique_index_and_fk` (a unique index on `items.owner_id` and a
//!   foreign key constraint `REFERENCES owners(id)`; for `destroy_async`, which deletes the
//!   owner row first and its rows later in a job, the constraint is `ON DELETE SET NULL`,
//!   as the library's audit expects — a plain one refuses every such destroy by design).
//!
//! That is 24 runs per schema on PostgreSQL and MySQL, 8 on SQLite, of 3,200 operations
//! each (a run takes about 1–1.5 s on 2 cores: 25–40 s per schema and backend). The
//! tables are recreated for each run.
//!
//! Each thread draws its operations from a xorshift generator seeded with its index (no
//! clock, no randomness: the same sequence of operations every time; which owner row an
//! operation meets still depends on the interleaving). An operation picks an owner from
//! the run's owner set (a `Mutex<Vec<_>>`; with one owner per thread, its own) and is one
//! of: `create_item`, `set_item(None)`, `set_item(Some(&row))` of a row read from the
//! database (any owner's or unlinked), `build_item(..).save`, the reader `item`,
//! `preload_item` of the whole owner set, or the owner's `destroy` followed by inserting a
//! new owner (new id) in its place in the set. An operation on an owner destroyed
//! meanwhile must return `Error::NotFound` for the owner (checked: the owner row is gone),
//! and `set_item(Some(&row))` of a row destroyed meanwhile `Error::NotFound` for `Item`
//! (checked: the row is gone); both are expected. Every other error surfaced is a failure.
//!
//! After each run, from the tables:
//! - 0 items linked to a missing owner;
//! - 0 owners with two linked items;
//! - 0 failed calls whose writes persisted: every created item has a unique label
//!   `t{thread}-{n}`; no label of a failed `create_`/`build_…save` is in the table, and no
//!   label is there twice (a retried create never commits twice); the owners in the table
//!   are exactly the run's owner set (a failed destroy deleted nothing, a successful one
//!   was reported once);
//! - with `nullify`, nothing deleted: every successfully created label is still there;
//! - every read and preload returned rows linked to the owner asked for;
//! - a failed create that returned `CommitOutcomeUnknown` may have committed (printed, not
//!   a failure);
//! - 0 errors surfaced other than those `NotFound`s, and 0 untyped errors (a
//!   `DatabaseErrorKind::Unknown` that is not retryable);
//! - 0 deadlocks, even among the attempts `with_retry` ran again: the lock order leaves no
//!   cycle, between owners shared or not. The one exception is MySQL/MariaDB with the
//!   unique index, where InnoDB's duplicate-key check locks a neighbouring owner's index
//!   entry (README, *Lock order*): those are counted in the table, and absorbed by the
//!   retry (0 surfaced);
//! - `destroy_async`: every job succeeded and none is pending;
//! - no hang: each run's threads all finish within [`RUN_BOUND`] (joined through a channel
//!   with a timeout; no sleeps). A run that does not is reported with what each stuck thread
//!   was doing (its call and the attempts that failed) and the server's view of its session
//!   (MySQL `processlist` and `innodb_trx`, PostgreSQL `pg_stat_activity`); then the run's
//!   own sessions are killed (so that their locks go and the test database can be dropped),
//!   the rows are still checked, and the test stops there (the remaining runs are counted
//!   as not run): a failing test stays bounded.
//!
//! Every error an attempt inside `with_retry` met is recorded with `is_retryable()`: the
//! table (`--nocapture`) gives, per run, the operations, the errors surfaced (`NotFound`
//! among them), the attempts that failed with a retryable error and were run again (by
//! kind), and the wall time of the run. All violations are collected, the table printed,
//! then the test fails with the list.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::{mpsc, Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use common::{ddl, Backend, SharedDb};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::result::DatabaseErrorKind;
use diesel_has_one::retry::{with_retry, RetryPolicy};
use diesel_has_one::{Error, Model};

diesel::table! { owners (id) { id -> Integer, name -> Text } }
diesel::table! { items (id) { id -> Integer, owner_id -> Nullable<Integer>, label -> Text } }

/// Threads, each with its own connection.
const THREADS: usize = 16;
/// Operations per thread and run (`MIXED_OPS` overrides it, for a longer exploration).
fn ops() -> usize {
    std::env::var("MIXED_OPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}
/// Owners of a run whose owners the threads share.
const SHARED_OWNERS: usize = 4;
/// A run whose threads are not all done by then hangs (the test fails).
const RUN_BOUND: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = items)]
pub struct Item {
    pub id: i32,
    pub owner_id: Option<i32>,
    pub label: String,
}

#[derive(Insertable)]
#[diesel(table_name = items)]
pub struct NewItem<'a> {
    pub label: &'a str,
}

/// The operations of a run, on one owner type and connection type.
trait Mixed<C>: Model + Clone + Send + Sync + 'static {
    const DEPENDENT: &'static str;
    fn id(&self) -> i32;
    fn create(&self, c: &mut C, label: &str) -> Result<Item, Error>;
    fn build_save(&self, c: &mut C, label: &str) -> Result<Item, Error>;
    fn set(&self, c: &mut C, row: Option<&Item>) -> Result<(), Error>;
    fn read(&self, c: &mut C) -> Result<Option<Item>, Error>;
    fn preload(owners: &[Self], c: &mut C) -> Result<Vec<Option<Item>>, Error>;
    fn remove(&self, c: &mut C) -> Result<(), Error>;
    /// Inserts an owner named `name` (unless there is one: a retry) and reads it back, in
    /// autocommit statements (the test's own SQL; not a transaction at the session's
    /// isolation, which under SERIALIZABLE conflicts with every other one).
    fn insert(c: &mut C, name: &str) -> Result<Self, Error>;
}

macro_rules! mixed_impl {
    ($owner:ident, $dependent:literal, $conn:ty) => {
        impl Mixed<$conn> for $owner {
            const DEPENDENT: &'static str = $dependent;
            fn id(&self) -> i32 {
                self.id
            }
            fn create(&self, c: &mut $conn, label: &str) -> Result<Item, Error> {
                self.create_item(NewItem { label }, c)
            }
            fn build_save(&self, c: &mut $conn, label: &str) -> Result<Item, Error> {
                self.build_item(NewItem { label }).save(c)
            }
            fn set(&self, c: &mut $conn, row: Option<&Item>) -> Result<(), Error> {
                self.set_item(row, c)
            }
            fn read(&self, c: &mut $conn) -> Result<Option<Item>, Error> {
                Ok(self.item(c)?)
            }
            fn preload(owners: &[Self], c: &mut $conn) -> Result<Vec<Option<Item>>, Error> {
                Ok($owner::preload_item(owners, c)?)
            }
            fn remove(&self, c: &mut $conn) -> Result<(), Error> {
                Model::destroy(self, c)
            }
            fn insert(c: &mut $conn, name: &str) -> Result<Self, Error> {
                let find = |c: &mut $conn| {
                    owners::table
                        .filter(owners::name.eq(name))
                        .select(Self::as_select())
                        .first(c)
                        .optional()
                };
                if let Some(owner) = find(c)? {
                    return Ok(owner); // inserted by an attempt that failed after it
                }
                diesel::insert_into(owners::table)
                    .values(owners::name.eq(name))
                    .execute(c)?;
                find(c)?.ok_or(Error::NotFound { model: Self::NAME })
            }
        }
    };
}

macro_rules! owner {
    ($name:ident, $dependent:literal) => {
        #[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
        #[diesel(table_name = owners)]
        #[has_one(item, foreign_key = "owner_id", dependent = $dependent)]
        pub struct $name {
            pub id: i32,
            pub name: String,
        }

        #[cfg(feature = "sqlite")]
        mixed_impl!($name, $dependent, diesel::SqliteConnection);
        #[cfg(feature = "postgres")]
        mixed_impl!($name, $dependent, diesel::PgConnection);
        #[cfg(feature = "mysql")]
        mixed_impl!($name, $dependent, diesel::MysqlConnection);
    };
}

owner!(DestroyOwner, "destroy");
owner!(DeleteOwner, "delete");
owner!(NullifyOwner, "nullify");
owner!(AsyncOwner, "destroy_async");

/// The plain queries of a run (setup, row picks, checks), per connection type.
trait Db: diesel_has_one::Conn + SimpleConnection + Send + 'static {
    fn items(&mut self) -> QueryResult<Vec<Item>>;
    fn owner_ids(&mut self) -> QueryResult<BTreeSet<i32>>;
    fn owner_exists(&mut self, id: i32) -> QueryResult<bool>;
    fn item_exists(&mut self, id: i32) -> QueryResult<bool>;
    /// The first row with `id >= 1 + draw % max(id)`, if any row.
    fn pick_item(&mut self, draw: u64) -> QueryResult<Option<Item>>;
    fn create_jobs(&mut self) -> QueryResult<()>;
    fn run_jobs(&mut self) -> Result<diesel_has_one::jobs::Summary, Error>;
    fn pending_jobs(&mut self) -> QueryResult<usize>;
    /// The server's id of this session (none on SQLite).
    fn session_id(&mut self) -> Option<i64>;
    /// The server's view of sessions `ids` (what each runs or waits for, its transaction).
    fn activity(&mut self, ids: &[i64]) -> Vec<String>;
    /// Ends session `id` (one of the run's own), so that a hung run releases its locks.
    fn kill(&mut self, id: i64);
}

#[derive(QueryableByName)]
struct SessionId {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
}

#[derive(QueryableByName)]
struct ActivityLine {
    #[diesel(sql_type = diesel::sql_types::Text)]
    line: String,
}

macro_rules! db_impl {
    ($conn:ty, session = $session:expr, activity = [$($activity:expr),*], kill = $kill:expr) => {
        impl Db for $conn {
            fn items(&mut self) -> QueryResult<Vec<Item>> {
                items::table
                    .order(items::id)
                    .select(Item::as_select())
                    .load(self)
            }
            fn owner_ids(&mut self) -> QueryResult<BTreeSet<i32>> {
                Ok(owners::table
                    .select(owners::id)
                    .load::<i32>(self)?
                    .into_iter()
                    .collect())
            }
            fn owner_exists(&mut self, id: i32) -> QueryResult<bool> {
                Ok(owners::table
                    .filter(owners::id.eq(id))
                    .count()
                    .get_result::<i64>(self)?
                    > 0)
            }
            fn item_exists(&mut self, id: i32) -> QueryResult<bool> {
                Ok(items::table
                    .filter(items::id.eq(id))
                    .count()
                    .get_result::<i64>(self)?
                    > 0)
            }
            fn pick_item(&mut self, draw: u64) -> QueryResult<Option<Item>> {
                let max: Option<i32> = items::table
                    .select(diesel::dsl::max(items::id))
                    .first(self)?;
                let Some(max) = max.filter(|m| *m > 0) else {
                    return Ok(None);
                };
                let from = 1 + (draw % max as u64) as i32;
                items::table
                    .filter(items::id.ge(from))
                    .order(items::id)
                    .select(Item::as_select())
                    .first(self)
                    .optional()
            }
            fn create_jobs(&mut self) -> QueryResult<()> {
                diesel_has_one::jobs::create_table(self)
            }
            fn run_jobs(&mut self) -> Result<diesel_has_one::jobs::Summary, Error> {
                diesel_has_one::jobs::run_pending(10_000, self)
            }
            fn pending_jobs(&mut self) -> QueryResult<usize> {
                Ok(diesel_has_one::jobs::pending(self)?.len())
            }
            fn session_id(&mut self) -> Option<i64> {
                let sql: Option<&str> = $session;
                sql.map(|sql| {
                    diesel::sql_query(sql)
                        .get_result::<SessionId>(self)
                        .unwrap()
                        .id
                })
            }
            fn activity(&mut self, ids: &[i64]) -> Vec<String> {
                let list: Vec<String> = ids.iter().map(i64::to_string).collect();
                let queries: &[&str] = &[$($activity),*];
                let mut lines = Vec::new();
                for sql in queries {
                    let sql = sql.replace("{ids}", &list.join(", "));
                    match diesel::sql_query(&sql).load::<ActivityLine>(self) {
                        Ok(rows) => lines.extend(rows.into_iter().map(|r| r.line)),
                        Err(e) => lines.push(format!("{sql}: {e}")),
                    }
                }
                lines
            }
            fn kill(&mut self, id: i64) {
                let kill: fn(i64) -> String = $kill;
                let _ = self.batch_execute(&kill(id)); // gone already: nothing to end
            }
        }
    };
}

#[cfg(feature = "sqlite")]
db_impl!(
    diesel::SqliteConnection,
    session = None,
    activity = [],
    kill = |_| String::new()
);
#[cfg(feature = "postgres")]
db_impl!(
    diesel::PgConnection,
    session = Some("SELECT CAST(pg_backend_pid() AS BIGINT) AS id"),
    activity = [
        "SELECT 'session ' || pid || ': ' || COALESCE(state, '') || ', waiting for ' || \
         COALESCE(wait_event_type, '-') || '/' || COALESCE(wait_event, '-') || ', xact since ' || \
         COALESCE(CAST(xact_start AS TEXT), '-') || ': ' || COALESCE(LEFT(query, 200), '') AS line \
         FROM pg_stat_activity WHERE pid IN ({ids}) ORDER BY pid"
    ],
    kill = |id| format!("SELECT pg_terminate_backend({id})")
);
#[cfg(feature = "mysql")]
db_impl!(
    diesel::MysqlConnection,
    session = Some("SELECT CAST(CONNECTION_ID() AS SIGNED) AS id"),
    activity = [
        "SELECT CONCAT('session ', id, ': ', command, ' for ', time, ' s, state ', \
         COALESCE(state, '-'), ': ', COALESCE(LEFT(info, 200), '-')) AS line \
         FROM information_schema.processlist WHERE id IN ({ids}) ORDER BY id",
        "SELECT CONCAT('transaction of session ', trx_mysql_thread_id, ': ', trx_state, \
         ' since ', trx_started, ', ', trx_isolation_level, ', ', trx_rows_locked, ' rows locked') AS line \
         FROM information_schema.innodb_trx WHERE trx_mysql_thread_id IN ({ids}) \
         ORDER BY trx_mysql_thread_id"
    ],
    kill = |id| format!("KILL CONNECTION {id}")
);

/// The two schemas, one test function each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Schema {
    /// No unique index, no foreign key constraint.
    Loose,
    /// A unique index on `items.owner_id` and a foreign key constraint.
    Strict,
}

impl Schema {
    fn name(self) -> &'static str {
        match self {
            Schema::Loose => "no unique, no FK",
            Schema::Strict => "unique + FK",
        }
    }

    /// Drops and recreates `owners` and `items` (and empties the jobs table).
    fn statements(self, dependent: &str) -> Vec<&'static str> {
        let mut sql = vec![
            "DROP TABLE IF EXISTS items",
            "DROP TABLE IF EXISTS owners",
            "DELETE FROM diesel_has_one_jobs",
            "CREATE TABLE owners (id {pk}, name {text} NOT NULL)",
        ];
        match (self, dependent) {
            (Schema::Loose, _) => sql.extend([
                "CREATE TABLE items (id {pk}, owner_id INTEGER, label {text} NOT NULL)",
                "CREATE INDEX index_items_on_owner_id ON items (owner_id)",
            ]),
            (Schema::Strict, "destroy_async") => sql.extend([
                "CREATE TABLE items (id {pk}, owner_id INTEGER, label {text} NOT NULL, \
                 FOREIGN KEY (owner_id) REFERENCES owners(id) ON DELETE SET NULL)",
                "CREATE UNIQUE INDEX index_items_on_owner_id ON items (owner_id)",
            ]),
            (Schema::Strict, _) => sql.extend([
                "CREATE TABLE items (id {pk}, owner_id INTEGER, label {text} NOT NULL, \
                 FOREIGN KEY (owner_id) REFERENCES owners(id))",
                "CREATE UNIQUE INDEX index_items_on_owner_id ON items (owner_id)",
            ]),
        }
        sql
    }
}

/// The session isolations of `backend`: (name, statement run on every thread's connection).
fn isolations(backend: Backend) -> Vec<(&'static str, Option<String>)> {
    let levels: &[&str] = match backend {
        Backend::Sqlite => return vec![("(one writer)", None)],
        Backend::Postgres => &["READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE"],
        Backend::Mysql => &["REPEATABLE READ", "READ COMMITTED", "SERIALIZABLE"],
    };
    levels
        .iter()
        .map(|level| {
            let sql = match backend {
                Backend::Postgres => {
                    format!("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL {level}")
                }
                _ => format!("SET SESSION TRANSACTION ISOLATION LEVEL {level}"),
            };
            (*level, Some(sql))
        })
        .collect()
}

/// xorshift64: the operation sequence of a thread, from its index alone.
struct XorShift(u64);

impl XorShift {
    fn new(thread: usize) -> Self {
        XorShift((thread as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Create,
    SetNone,
    SetSome,
    BuildSave,
    Read,
    Preload,
    Destroy,
}

impl Op {
    /// Weights out of 16: create 4, set(None) 2, set(Some) 3, build+save 2, read 2,
    /// preload 1, destroy 2.
    fn pick(rng: &mut XorShift) -> Op {
        match rng.below(16) {
            0..=3 => Op::Create,
            4..=5 => Op::SetNone,
            6..=8 => Op::SetSome,
            9..=10 => Op::BuildSave,
            11..=12 => Op::Read,
            13 => Op::Preload,
            _ => Op::Destroy,
        }
    }
}

/// What one thread saw.
#[derive(Default)]
struct Outcome {
    ops: usize,
    /// Errors surfaced (after the retries), expected ones included.
    errors: usize,
    /// Surfaced errors that were `is_retryable()` (the retries ran out).
    errors_retryable: usize,
    /// `NotFound` of a destroyed owner or a vanished row (expected).
    not_found: usize,
    /// Untyped errors: `DatabaseErrorKind::Unknown`, not retryable.
    untyped: usize,
    /// Attempts that failed with a retryable error and were run again, by call and kind.
    retried: BTreeMap<(&'static str, &'static str), usize>,
    /// Unexpected errors and wrong results, described.
    failures: Vec<String>,
    created_ok: Vec<String>,
    /// Label and error of every failed create.
    created_failed: Vec<(String, String)>,
}

/// What a retryable error is, for the table.
fn kind(e: &Error) -> &'static str {
    let m = e.to_string().to_lowercase();
    if matches!(e, Error::RowMoved { .. }) {
        "row-moved"
    } else if m.contains("deadlock") {
        "deadlock"
    } else if m.contains("lock wait timeout") || m.contains("lock timeout") {
        "lock-timeout"
    } else if m.contains("database is locked") {
        "busy"
    } else if matches!(
        e,
        Error::Database(diesel::result::Error::DatabaseError(
            DatabaseErrorKind::SerializationFailure,
            _
        ))
    ) || m.contains("serialize")
    {
        "serialization"
    } else {
        "other"
    }
}

fn untyped(e: &Error) -> bool {
    let inner = match e {
        Error::TransactionRolledBack { source } => source.as_ref(),
        e => e,
    };
    matches!(
        inner,
        Error::Database(diesel::result::Error::DatabaseError(
            DatabaseErrorKind::Unknown,
            _
        ))
    ) && !e.is_retryable()
}

/// `f` through `with_retry` with the default policy, counting the attempts run again.
fn call<C: Db, T>(
    conn: &mut C,
    out: &mut Outcome,
    progress: &Mutex<String>,
    name: &'static str,
    mut f: impl FnMut(&mut C) -> Result<T, Error>,
) -> Result<T, Error> {
    let mut seen = Vec::new();
    let result = with_retry(conn, &RetryPolicy::default(), |c| {
        let _ = write!(progress.lock().unwrap(), "; {name}");
        let r = f(c);
        if let Err(e) = &r {
            let _ = write!(progress.lock().unwrap(), " failed: {e}");
            if e.is_retryable() {
                seen.push(kind(e));
            }
        }
        r
    });
    if let Err(e) = &result {
        if e.is_retryable() {
            seen.pop(); // surfaced, not run again
        }
    }
    for k in seen {
        *out.retried.entry((name, k)).or_default() += 1;
    }
    result
}

/// The owner set of a run and the barrier its threads start on.
struct Shared<O> {
    owners: Mutex<Vec<O>>,
    start: Barrier,
    /// Per thread: the operation under way and the attempts of it that failed (what a hang
    /// report shows).
    progress: Vec<Mutex<String>>,
}

/// Records a surfaced error: expected when it is the `NotFound` of an owner (or, for
/// `set_item(Some(row))`, a row) that really is gone.
fn settle<C: Db, O: Mixed<C>>(
    conn: &mut C,
    out: &mut Outcome,
    what: &str,
    owner: &O,
    row: Option<&Item>,
    e: Error,
) {
    out.errors += 1;
    if e.is_retryable() {
        out.errors_retryable += 1;
    }
    let expected = match &e {
        Error::NotFound { model } if *model == O::NAME => {
            !conn.owner_exists(owner.id()).unwrap_or(true)
        }
        Error::NotFound { model } if *model == Item::NAME => {
            row.is_some_and(|r| !conn.item_exists(r.id).unwrap_or(true))
        }
        _ => false,
    };
    if expected {
        out.not_found += 1;
        return;
    }
    if untyped(&e) {
        out.untyped += 1;
    }
    out.failures.push(format!(
        "{what} on owner {}: {e:?} (is_retryable: {})",
        owner.id(),
        e.is_retryable()
    ));
}

fn worker<C: Db, O: Mixed<C>>(thread: usize, conn: &mut C, shared: &Shared<O>) -> Outcome {
    let solo = shared.owners.lock().unwrap().len() == THREADS;
    let mut rng = XorShift::new(thread);
    let mut out = Outcome::default();
    let progress = &shared.progress[thread];
    shared.start.wait();
    for n in 0..ops() {
        let slot = if solo {
            thread
        } else {
            rng.below(SHARED_OWNERS)
        };
        let op = Op::pick(&mut rng);
        let draw = rng.next();
        let owner = shared.owners.lock().unwrap()[slot].clone();
        let label = format!("t{thread}-{n}");
        let what = format!("t{thread} #{n} {op:?}");
        *progress.lock().unwrap() = format!("{what} on owner {}", owner.id());
        out.ops += 1;
        match op {
            Op::Create | Op::BuildSave => {
                let name = if op == Op::Create {
                    "create"
                } else {
                    "build+save"
                };
                let result = call(conn, &mut out, progress, name, |c| match op {
                    Op::Create => owner.create(c, &label),
                    _ => owner.build_save(c, &label),
                });
                match result {
                    Ok(item) => {
                        if item.label != label || item.owner_id != Some(owner.id()) {
                            out.failures
                                .push(format!("{what} on owner {}: returned {item:?}", owner.id()));
                        }
                        out.created_ok.push(label);
                    }
                    Err(e) => {
                        out.created_failed.push((label, format!("{e:?}")));
                        settle(conn, &mut out, &what, &owner, None, e);
                    }
                }
            }
            Op::SetNone => {
                if let Err(e) = call(conn, &mut out, progress, "set(None)", |c| {
                    owner.set(c, None)
                }) {
                    settle(conn, &mut out, &what, &owner, None, e);
                }
            }
            Op::SetSome => {
                let row = match call(conn, &mut out, progress, "pick row", |c| {
                    Ok(c.pick_item(draw)?)
                }) {
                    Ok(row) => row,
                    Err(e) => {
                        settle(conn, &mut out, &format!("{what} (pick)"), &owner, None, e);
                        continue;
                    }
                };
                if let Err(e) = call(conn, &mut out, progress, "set(Some)", |c| {
                    owner.set(c, row.as_ref())
                }) {
                    settle(conn, &mut out, &what, &owner, row.as_ref(), e);
                }
            }
            Op::Read => match call(conn, &mut out, progress, "read", |c| owner.read(c)) {
                Ok(Some(item)) if item.owner_id != Some(owner.id()) => out
                    .failures
                    .push(format!("{what} on owner {}: read {item:?}", owner.id())),
                Ok(_) => {}
                Err(e) => settle(conn, &mut out, &what, &owner, None, e),
            },
            Op::Preload => {
                let all = shared.owners.lock().unwrap().clone();
                match call(conn, &mut out, progress, "preload", |c| O::preload(&all, c)) {
                    Ok(loaded) => {
                        let aligned = loaded.len() == all.len()
                            && all.iter().zip(&loaded).all(|(o, item)| {
                                item.as_ref().is_none_or(|i| i.owner_id == Some(o.id()))
                            });
                        if !aligned {
                            out.failures
                                .push(format!("{what}: preload not aligned: {loaded:?}"));
                        }
                    }
                    Err(e) => settle(conn, &mut out, &what, &owner, None, e),
                }
            }
            Op::Destroy => match call(conn, &mut out, progress, "destroy", |c| owner.remove(c)) {
                Ok(()) => {
                    let name = format!("o{thread}-{n}");
                    match call(conn, &mut out, progress, "insert owner", |c| {
                        O::insert(c, &name)
                    }) {
                        Ok(new) => {
                            let mut owners = shared.owners.lock().unwrap();
                            match owners.iter().position(|o| o.id() == owner.id()) {
                                Some(at) => owners[at] = new,
                                None => out.failures.push(format!(
                                    "{what}: owner {} destroyed twice (no longer in the set)",
                                    owner.id()
                                )),
                            }
                        }
                        Err(e) => {
                            settle(conn, &mut out, &format!("{what} (insert)"), &owner, None, e)
                        }
                    }
                }
                Err(e) => settle(conn, &mut out, &what, &owner, None, e),
            },
        }
    }
    out
}

/// What the threads of a run that did not finish were doing, and the server's view of
/// their sessions.
fn diagnose_hang<C: Db, O>(
    main: &mut C,
    shared: &Shared<O>,
    outcomes: &[(usize, Outcome)],
    sessions: &[Option<i64>],
) -> String {
    let done: BTreeSet<usize> = outcomes.iter().map(|(t, _)| *t).collect();
    let stuck: Vec<usize> = (0..THREADS).filter(|t| !done.contains(t)).collect();
    let mut report = format!("hang: threads {stuck:?} not done after {RUN_BOUND:?}");
    for t in &stuck {
        let session = sessions[*t].map_or("-".to_string(), |id| id.to_string());
        let _ = write!(
            report,
            "\n  t{t} (session {session}): {}",
            shared.progress[*t].lock().unwrap()
        );
    }
    let ids: Vec<i64> = stuck.iter().filter_map(|t| sessions[*t]).collect();
    if !ids.is_empty() {
        for line in main.activity(&ids) {
            let _ = write!(report, "\n  server: {line}");
        }
    }
    report
}

/// One line of the table.
struct Line {
    /// The run hung: its sessions were killed after [`RUN_BOUND`].
    hung: bool,
    dependent: &'static str,
    owners: usize,
    isolation: &'static str,
    schema: &'static str,
    ops: usize,
    errors: usize,
    not_found: usize,
    errors_retryable: usize,
    untyped: usize,
    retried: BTreeMap<(&'static str, &'static str), usize>,
    jobs: Option<(usize, usize)>,
    wall: Duration,
}

/// One run: fresh tables, `owners` owners, 16 threads at `isolation`; the checks. Returns
/// the line of the table and the violations.
fn run<C: Db, O: Mixed<C>>(
    db: &SharedDb<C>,
    schema: Schema,
    owners: usize,
    isolation: &(&'static str, Option<String>),
) -> (Line, Vec<String>) {
    let backend = db.db.backend;
    let mut main = db.connect();
    if backend == Backend::Postgres {
        main.batch_execute("SET client_min_messages = warning")
            .unwrap();
    }
    main.create_jobs().unwrap();
    for sql in schema.statements(O::DEPENDENT) {
        main.batch_execute(&ddl(backend, sql))
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    let set: Vec<O> = (0..owners)
        .map(|i| O::insert(&mut main, &format!("seed-{i}")).unwrap())
        .collect();
    let shared = Arc::new(Shared {
        owners: Mutex::new(set),
        start: Barrier::new(THREADS + 1),
        progress: (0..THREADS).map(|_| Mutex::default()).collect(),
    });
    let (tx, rx) = mpsc::channel();
    let mut handles = Vec::new();
    let mut sessions = Vec::new();
    for thread in 0..THREADS {
        let mut conn = db.connect();
        if let Some(sql) = &isolation.1 {
            conn.batch_execute(sql).unwrap();
        }
        sessions.push(conn.session_id());
        let (shared, tx) = (shared.clone(), tx.clone());
        handles.push(std::thread::spawn(move || {
            let out = worker(thread, &mut conn, &shared);
            let _ = tx.send((thread, out));
        }));
    }
    drop(tx);
    let run_name = format!(
        "{:?} {} {} owners {} [{}]",
        backend,
        O::DEPENDENT,
        owners,
        isolation.0,
        schema.name()
    );
    shared.start.wait();
    let started = Instant::now();
    let mut outcomes = Vec::new();
    let mut hang = None;
    while outcomes.len() < THREADS {
        let left = RUN_BOUND.saturating_sub(started.elapsed());
        match rx.recv_timeout(left) {
            Ok(done) => outcomes.push(done),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                hang = Some(diagnose_hang(&mut main, &shared, &outcomes, &sessions));
                break;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break, // a thread panicked
        }
    }
    let wall = started.elapsed();
    if let Some(hang) = &hang {
        eprintln!("{run_name}: {hang}");
        // End the run's own sessions so that their locks go, the stuck threads return
        // (with lost-connection errors) and the next runs can go on.
        for id in sessions.iter().flatten() {
            main.kill(*id);
        }
        while outcomes.len() < THREADS {
            match rx.recv_timeout(Duration::from_secs(30)) {
                Ok(done) => outcomes.push(done),
                Err(_) => panic!(
                    "{run_name}: {hang}\nand the threads did not end when their sessions were killed"
                ),
            }
        }
    }
    for handle in handles {
        if let Err(panic) = handle.join() {
            std::panic::resume_unwind(panic);
        }
    }

    let mut violations: Vec<String> = hang.iter().cloned().collect();
    let mut total = Outcome::default();
    for (_, out) in outcomes {
        total.ops += out.ops;
        total.errors += out.errors;
        total.errors_retryable += out.errors_retryable;
        total.not_found += out.not_found;
        total.untyped += out.untyped;
        for (k, n) in out.retried {
            *total.retried.entry(k).or_default() += n;
        }
        total.failures.extend(out.failures);
        total.created_ok.extend(out.created_ok);
        total.created_failed.extend(out.created_failed);
    }

    let jobs = (O::DEPENDENT == "destroy_async").then(|| {
        let summary = main.run_jobs().unwrap();
        let pending = main.pending_jobs().unwrap();
        if summary.failed > 0 || pending > 0 {
            violations.push(format!(
                "{} jobs failed, {pending} pending after run_pending",
                summary.failed
            ));
        }
        (summary.succeeded, summary.failed)
    });

    let items = main.items().unwrap();
    let owner_ids = main.owner_ids().unwrap();
    let orphans: Vec<&Item> = items
        .iter()
        .filter(|i| i.owner_id.is_some_and(|o| !owner_ids.contains(&o)))
        .collect();
    if !orphans.is_empty() {
        violations.push(format!(
            "{} items linked to a missing owner: {:?}",
            orphans.len(),
            &orphans[..orphans.len().min(5)]
        ));
    }
    let mut linked: BTreeMap<i32, Vec<i32>> = BTreeMap::new();
    for item in &items {
        if let Some(o) = item.owner_id {
            linked.entry(o).or_default().push(item.id);
        }
    }
    let doubles: Vec<_> = linked.iter().filter(|(_, rows)| rows.len() > 1).collect();
    if !doubles.is_empty() {
        violations.push(format!(
            "{} owners with two or more linked items: {doubles:?}",
            doubles.len()
        ));
    }
    let mut labels: BTreeMap<&str, usize> = BTreeMap::new();
    for item in &items {
        *labels.entry(item.label.as_str()).or_default() += 1;
    }
    let twice: Vec<_> = labels.iter().filter(|(_, n)| **n > 1).collect();
    if !twice.is_empty() {
        violations.push(format!("{} labels committed twice: {twice:?}", twice.len()));
    }
    // `CommitOutcomeUnknown` says the row may be there: in doubt, not a failure.
    let (in_doubt, persisted): (Vec<_>, Vec<_>) = total
        .created_failed
        .iter()
        .filter(|(l, _)| labels.contains_key(l.as_str()))
        .partition(|(_, e)| e.starts_with("CommitOutcomeUnknown"));
    if !in_doubt.is_empty() {
        eprintln!(
            "{run_name}: {} creates in doubt (CommitOutcomeUnknown) committed: {in_doubt:?}",
            in_doubt.len()
        );
    }
    if !persisted.is_empty() {
        violations.push(format!(
            "{} failed creates whose row persisted: {persisted:?}",
            persisted.len()
        ));
    }
    if O::DEPENDENT == "nullify" {
        let lost: Vec<&String> = total
            .created_ok
            .iter()
            .filter(|l| !labels.contains_key(l.as_str()))
            .collect();
        if !lost.is_empty() {
            violations.push(format!(
                "{} created rows deleted under nullify: {lost:?}",
                lost.len()
            ));
        }
    }
    let live: BTreeSet<i32> = shared.owners.lock().unwrap().iter().map(O::id).collect();
    // After a hang the killed sessions' calls failed with lost connections (untyped): the
    // errors and the owner set say nothing more then; the rows still must hold.
    let killed = hang.is_some();
    if live != owner_ids && !killed {
        violations.push(format!(
            "owners in the table {owner_ids:?} are not the run's owner set {live:?}"
        ));
    }
    // The lock order: no two writers wait for each other in a cycle, whether they share
    // owners or not. The one cycle no order of row locks prevents is InnoDB's
    // duplicate-key check of a unique index on the foreign key (README, *Lock order*);
    // `with_retry` absorbs those (checked above: 0 errors surfaced).
    let deadlocks: usize = total
        .retried
        .iter()
        .filter(|((_, kind), _)| *kind == "deadlock")
        .map(|(_, n)| n)
        .sum();
    let innodb_unique_index = backend == Backend::Mysql && schema == Schema::Strict;
    if deadlocks > 0 && !innodb_unique_index {
        violations.push(format!("{deadlocks} deadlocks (retried)"));
    }
    if total.untyped > 0 && !killed {
        violations.push(format!("{} untyped errors", total.untyped));
    }
    if !total.failures.is_empty() && !killed {
        violations.push(format!(
            "{} errors surfaced besides NotFound (or wrong results); first: {:#?}",
            total.failures.len(),
            &total.failures[..total.failures.len().min(5)]
        ));
    }
    let violations = violations
        .into_iter()
        .map(|v| format!("{run_name}: {v}"))
        .collect();
    let line = Line {
        hung: killed,
        dependent: O::DEPENDENT,
        owners,
        isolation: isolation.0,
        schema: schema.name(),
        ops: total.ops,
        errors: total.errors,
        not_found: total.not_found,
        errors_retryable: total.errors_retryable,
        untyped: total.untyped,
        retried: total.retried,
        jobs,
        wall,
    };
    (line, violations)
}

/// Every run of one schema on one backend; prints the table, then fails with every
/// violation found.
fn all_runs<C: Db>(db: &SharedDb<C>, schema: Schema)
where
    DestroyOwner: Mixed<C>,
    DeleteOwner: Mixed<C>,
    NullifyOwner: Mixed<C>,
    AsyncOwner: Mixed<C>,
{
    let backend = db.db.backend;
    let started = Instant::now();
    let mut lines = Vec::new();
    let mut violations = Vec::new();
    type RunFn<C> =
        fn(&SharedDb<C>, Schema, usize, &(&'static str, Option<String>)) -> (Line, Vec<String>);
    let dependents: [RunFn<C>; 4] = [
        run::<C, DestroyOwner>,
        run::<C, DeleteOwner>,
        run::<C, NullifyOwner>,
        run::<C, AsyncOwner>,
    ];
    let mut skipped = 0;
    for run in dependents {
        for owners in [SHARED_OWNERS, THREADS] {
            for isolation in &isolations(backend) {
                if lines.iter().any(|l: &Line| l.hung) {
                    skipped += 1; // bounded: the first hang ends the test
                    continue;
                }
                let (line, v) = run(db, schema, owners, isolation);
                eprintln!(
                    "mixed {backend:?} {} {} owners {} [{}]: {} ms, {} violations",
                    line.dependent,
                    line.owners,
                    line.isolation,
                    line.schema,
                    line.wall.as_millis(),
                    v.len()
                );
                lines.push(line);
                violations.extend(v);
            }
        }
    }
    let total = started.elapsed();

    let mut table = format!(
        "\nmixed {backend:?} [{}]: {THREADS} threads x {} ops per run, {} runs in {:.1} s\n",
        schema.name(),
        ops(),
        lines.len(),
        total.as_secs_f64()
    );
    let _ = writeln!(
        table,
        "| dependent | owners | isolation | schema | ops | errors | NotFound | retryable surfaced | untyped | retried | jobs ok/failed | wall ms |"
    );
    let _ = writeln!(table, "|---|---|---|---|---|---|---|---|---|---|---|---|");
    let mut by_call: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for l in &lines {
        let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
        for ((name, kind), n) in &l.retried {
            *kinds.entry(kind).or_default() += n;
            *by_call.entry((name, kind)).or_default() += n;
        }
        let retried_total: usize = kinds.values().sum();
        let retried = if kinds.is_empty() {
            "0".to_string()
        } else {
            let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
            format!("{retried_total} ({})", kinds.join(", "))
        };
        let jobs = l
            .jobs
            .map_or("-".to_string(), |(ok, failed)| format!("{ok}/{failed}"));
        let _ = writeln!(
            table,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            l.dependent,
            l.owners,
            l.isolation,
            l.schema,
            l.ops,
            l.errors,
            l.not_found,
            l.errors_retryable,
            l.untyped,
            retried,
            jobs,
            if l.hung {
                format!("HANG, killed after {}", l.wall.as_millis())
            } else {
                l.wall.as_millis().to_string()
            }
        );
    }
    let by_call: Vec<String> = by_call
        .iter()
        .map(|((name, kind), n)| format!("{name}: {kind} {n}"))
        .collect();
    if skipped > 0 {
        let _ = writeln!(
            table,
            "{skipped} runs not run: a run hung (its sessions were killed) and the test stops there"
        );
        violations.push(format!("{skipped} runs not run after a hang"));
    }
    let _ = writeln!(
        table,
        "retried attempts by call, all runs: {}",
        if by_call.is_empty() {
            "none".to_string()
        } else {
            by_call.join(", ")
        }
    );
    eprintln!("{table}");
    assert!(
        violations.is_empty(),
        "{} violations:\n{}",
        violations.len(),
        violations.join("\n")
    );
}

shared_backend_tests! {
    schema = &[];
    backends = [sqlite, postgres, mysql];

    fn no_unique_index_no_fk(db) { all_runs(&db, Schema::Loose); }
    fn unique_index_and_fk(db) { all_runs(&db, Schema::Strict); }
}
