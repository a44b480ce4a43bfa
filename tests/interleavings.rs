//! Nothing lost under any interleaving (issue 8): each test stops one connection between
//! its statements — a destroy hook waiting on a barrier, or a row or owner lock held by a
//! second connection — lets another connection run into it, checks on the server that it
//! really waits (PostgreSQL `pg_stat_activity`, MySQL `processlist`: a condition polled,
//! not a sleep), then lets the first go on, and asserts the rows left.
//!
//! SQLite has one writer at a time (`BEGIN IMMEDIATE`), so the two-connection races cannot
//! happen there; the single-connection cases (a moved row, a stale job, two linked rows)
//! run on all three backends.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use common::Backend;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel_has_one::{Error, Model};

diesel::table! { owners (id) { id -> Integer, name -> Text } }
diesel::table! { items (id) { id -> Integer, owner_id -> Nullable<Integer>, label -> Text } }

macro_rules! owner {
    ($name:ident, $dependent:literal) => {
        #[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
        #[diesel(table_name = owners)]
        #[model(before_destroy = pause)]
        #[has_one(item, foreign_key = "owner_id", dependent = $dependent)]
        pub struct $name {
            pub id: i32,
            pub name: String,
        }

        impl Named for $name {
            fn name(&self) -> &str {
                &self.name
            }
        }
    };
}

owner!(DestroyOwner, "destroy");
owner!(DeleteOwner, "delete");
owner!(NullifyOwner, "nullify");
owner!(AsyncOwner, "destroy_async");

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

/// No unique index and no foreign key constraint: only the library keeps the invariants.
const SCHEMA: &[&str] = &[
    "CREATE TABLE owners (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE items (id {pk}, owner_id INTEGER, label {text} NOT NULL)",
    "CREATE INDEX index_items_on_owner_id ON items (owner_id)",
];

/// Owners whose `before_destroy` hook can be stopped by name.
pub trait Named {
    fn name(&self) -> &str;
}

/// A destroy stopped in its hook: `reached` when the hook runs, `release` to go on.
struct Gate {
    reached: Barrier,
    release: Barrier,
}

fn gates() -> &'static Mutex<HashMap<String, Arc<Gate>>> {
    static GATES: std::sync::OnceLock<Mutex<HashMap<String, Arc<Gate>>>> =
        std::sync::OnceLock::new();
    GATES.get_or_init(Default::default)
}

/// Stops the next destroy of the owner named `name` in its hook (after the owner lock).
fn stop_destroy_of(name: &str) -> Arc<Gate> {
    let gate = Arc::new(Gate {
        reached: Barrier::new(2),
        release: Barrier::new(2),
    });
    gates()
        .lock()
        .unwrap()
        .insert(name.to_string(), gate.clone());
    gate
}

fn pause<T: Named, C>(owner: &T, _conn: &mut C) -> Result<(), Error> {
    let gate = gates().lock().unwrap().remove(owner.name());
    if let Some(gate) = gate {
        gate.reached.wait();
        gate.release.wait();
    }
    Ok(())
}

/// The server-side id of `conn`'s session.
fn session_id<C: Connection>(conn: &mut C, backend: Backend) -> i64
where
    diesel::query_builder::SqlQuery: diesel::query_dsl::LoadQuery<'static, C, SessionId>,
{
    let sql = match backend {
        Backend::Postgres => "SELECT CAST(pg_backend_pid() AS BIGINT) AS id",
        Backend::Mysql => "SELECT CAST(CONNECTION_ID() AS SIGNED) AS id",
        Backend::Sqlite => unreachable!("one writer at a time"),
    };
    diesel::sql_query(sql)
        .get_result::<SessionId>(conn)
        .unwrap()
        .id
}

#[derive(QueryableByName)]
pub struct SessionId {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
}

/// Waits until session `id` waits for a lock (polling the server's own view of it) or
/// `done` (its call returned without waiting); false after 20 s. Never panics, so the
/// test can release the other session and report what was left.
fn wait_until_blocked<C: Connection>(
    observer: &mut C,
    backend: Backend,
    id: i64,
    done: impl Fn() -> bool,
) -> bool
where
    diesel::query_builder::SqlQuery: diesel::query_dsl::LoadQuery<'static, C, SessionId>,
{
    wait_until_blocked_in(observer, backend, id, "", done)
}

/// [`wait_until_blocked`], in a statement whose text contains `fragment` (a `LIKE`
/// pattern, so `%` and `_` are wildcards).
fn wait_until_blocked_in<C: Connection>(
    observer: &mut C,
    backend: Backend,
    id: i64,
    fragment: &str,
    done: impl Fn() -> bool,
) -> bool
where
    diesel::query_builder::SqlQuery: diesel::query_dsl::LoadQuery<'static, C, SessionId>,
{
    let sql = match backend {
        Backend::Postgres => format!(
            "SELECT CAST(pid AS BIGINT) AS id FROM pg_stat_activity WHERE pid = {id} AND wait_event_type = 'Lock' AND query LIKE '%{fragment}%'"
        ),
        // In a locking statement while the other session holds the lock: waiting. (InnoDB's
        // `innodb_trx` is a cache that concurrent readers keep from refreshing.)
        Backend::Mysql => format!(
            "SELECT CAST(id AS SIGNED) AS id FROM information_schema.processlist WHERE id = {id} AND info LIKE '%{fragment}%FOR UPDATE%'"
        ),
        Backend::Sqlite => unreachable!(),
    };
    poll_until_waiting(observer, &sql, Duration::from_millis(10), done)
}

/// Whether session `id` waits for a row lock before `done()` (the statement it runs holds
/// no lock of its own that counts: any lock wait is the held row's). MySQL: InnoDB's
/// transaction state `LOCK WAIT`, not the process list, in which the session's own quick
/// locking reads of the same table show as they run. InnoDB refreshes `innodb_trx` only
/// when it was not read for 100 ms, so it is polled every 150 ms, and by one test at a time
/// in this process.
fn wait_until_lock_wait<C: Connection>(
    observer: &mut C,
    backend: Backend,
    id: i64,
    done: impl Fn() -> bool,
) -> bool
where
    diesel::query_builder::SqlQuery: diesel::query_dsl::LoadQuery<'static, C, SessionId>,
{
    static POLLING_INNODB_TRX: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = POLLING_INNODB_TRX
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let (sql, every) = match backend {
        Backend::Postgres => (
            format!("SELECT CAST(pid AS BIGINT) AS id FROM pg_stat_activity WHERE pid = {id} AND wait_event_type = 'Lock'"),
            Duration::from_millis(10),
        ),
        Backend::Mysql => (
            format!("SELECT CAST(trx_mysql_thread_id AS SIGNED) AS id FROM information_schema.innodb_trx WHERE trx_mysql_thread_id = {id} AND trx_state = 'LOCK WAIT'"),
            Duration::from_millis(150),
        ),
        Backend::Sqlite => unreachable!(),
    };
    poll_until_waiting(observer, &sql, every, done)
}

/// Polls `sql` (a row while the session waits) `every` interval until it returns a row
/// (true), `done()` or 20 s pass (false).
fn poll_until_waiting<C: Connection>(
    observer: &mut C,
    sql: &str,
    every: Duration,
    done: impl Fn() -> bool,
) -> bool
where
    diesel::query_builder::SqlQuery: diesel::query_dsl::LoadQuery<'static, C, SessionId>,
{
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let waiting = diesel::sql_query(sql)
            .load::<SessionId>(observer)
            .map(|rows| !rows.is_empty())
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        if waiting || done() {
            return waiting;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(every);
    }
}

/// The condition of a statement on the `items` row with one primary key, as the server
/// shows the statement's text (`"items"."id" = $1`, `` `items`.`id` = ? ``): the locking
/// read of the row `set_item` links, not the read of an owner's linked rows.
fn by_item_key(backend: Backend) -> String {
    let q = if backend == Backend::Mysql { '`' } else { '"' };
    format!("{q}items{q}.{q}id{q} = ")
}

/// A session that holds the lock of item `id` until [`Holder::release`].
struct Holder<C: Connection>(C);

impl<C: Connection> Holder<C> {
    fn lock(mut conn: C, id: i32) -> Self {
        conn.batch_execute(&format!(
            "BEGIN; SELECT id FROM items WHERE id = {id} FOR UPDATE"
        ))
        .unwrap();
        Holder(conn)
    }

    fn release(mut self) {
        self.0.batch_execute("COMMIT").unwrap();
    }
}

/// The rows linked to owner `id`.
macro_rules! items_of {
    ($conn:expr, $owner:expr) => {
        items::table
            .filter(items::owner_id.eq($owner))
            .order(items::id)
            .select(Item::as_select())
            .load::<Item>($conn)
            .unwrap()
    };
}

macro_rules! owner_named {
    ($conn:expr, $ty:ty, $name:expr) => {
        insert!($conn, owners, $ty, owners::name.eq($name))
    };
}

/// Owner destroy racing a replace: the destroy holds the owner row from its first
/// statement, so the replace waits and then finds the owner gone (NotFound); no row is
/// ever linked to a deleted owner.
macro_rules! destroy_racing_create {
    ($db:ident, $ty:ty) => {{
        let backend = $db.db.backend;
        diesel_has_one::jobs::create_table($db.conn()).unwrap();
        let owner = owner_named!($db.conn(), $ty, stringify!($ty));
        owner
            .create_item(NewItem { label: "old" }, $db.conn())
            .unwrap();
        let gate = stop_destroy_of(stringify!($ty));
        let mut destroyer = $db.connect();
        let mut replacer = $db.connect();
        let replacer_id = session_id(&mut replacer, backend);
        std::thread::scope(|s| {
            let o = owner.clone();
            let destroy = s.spawn(move || o.destroy(&mut destroyer));
            gate.reached.wait(); // the destroy holds the owner lock, in its hook
            let o = owner.clone();
            let replace = s.spawn(move || o.create_item(NewItem { label: "new" }, &mut replacer));
            let waited =
                wait_until_blocked($db.conn(), backend, replacer_id, || replace.is_finished());
            gate.release.wait();
            destroy.join().unwrap().unwrap();
            assert!(waited, "the replace must wait for the destroy's owner lock");
            match replace.join().unwrap() {
                Err(Error::NotFound { model }) => assert_eq!(model, stringify!($ty)),
                other => panic!("the replace of a destroyed owner must be NotFound, got {other:?}"),
            }
        });
        // destroy_async: the rows linked at the destroy wait for their job, which removes
        // them; nothing else is linked
        diesel_has_one::jobs::run_pending(10, $db.conn()).unwrap();
        assert!(
            items_of!($db.conn(), owner.id).is_empty(),
            "no row linked to the deleted owner"
        );
        assert!(
            owners::table
                .filter(owners::id.eq(owner.id))
                .count()
                .get_result::<i64>($db.conn())
                .unwrap()
                == 0
        );
    }};
}

/// A row moved to owner B (B's `set_item(Some(row))`, committed while A's destroy waits
/// on the row's lock) is B's: A's destroy or replace acts on its own rows only.
macro_rules! moved_row_is_kept {
    ($db:ident, $ty:ty, $act:ident) => {
        moved_row_is_kept!($db, $ty, |owner, conn| $act(owner, conn))
    };
    // The write as a body over the owner and the actor's connection, typed where the
    // connection is (a closure's parameter could not name its type).
    ($db:ident, $ty:ty, |$owner:ident, $conn:ident| $act:expr) => {{
        let backend = $db.db.backend;
        let a = owner_named!($db.conn(), $ty, concat!(stringify!($ty), "-a"));
        let b = owner_named!($db.conn(), $ty, concat!(stringify!($ty), "-b"));
        let row = a.create_item(NewItem { label: "a's" }, $db.conn()).unwrap();
        let mut mover = $db.connect();
        let mut actor = $db.connect();
        let actor_id = session_id(&mut actor, backend);
        let moved = Barrier::new(2);
        let commit = Barrier::new(2);
        std::thread::scope(|s| {
            let (b2, row2, moved, commit) = (b.clone(), row.clone(), &moved, &commit);
            let mover = s.spawn(move || {
                mover.transaction::<_, Error, _>(|c| {
                    b2.set_item(Some(&row2), c)?;
                    moved.wait(); // linked to B, row locked until B commits
                    commit.wait();
                    Ok(())
                })
            });
            moved.wait();
            let a2 = a.clone();
            let act = s.spawn(move || {
                let ($owner, $conn) = (&a2, &mut actor);
                $act
            });
            // A's write either waits for the moved row's lock or, reading the index
            // entry B's move replaced, does not see the row at all.
            wait_until_blocked($db.conn(), backend, actor_id, || act.is_finished());
            commit.wait();
            mover.join().unwrap().unwrap();
            act.join().unwrap().unwrap();
        });
        let kept = items_of!($db.conn(), b.id);
        assert_eq!(kept.len(), 1, "B's row survives A's write");
        assert_eq!(kept[0].id, row.id);
    }};
}

/// Two replaces of an owner with no row, both waiting on its lock while the session
/// default is a snapshot level: the second sees the first's row (the library's own
/// transaction is READ COMMITTED) and replaces it: one linked row, never two.
macro_rules! two_creates_one_link {
    ($db:ident, $ty:ty, $session:expr) => {{
        let backend = $db.db.backend;
        let owner = owner_named!($db.conn(), $ty, stringify!($ty));
        let mut first = $db.connect();
        let mut second = $db.connect();
        for c in [&mut first, &mut second] {
            c.batch_execute($session).unwrap();
        }
        let (first_id, second_id) = (
            session_id(&mut first, backend),
            session_id(&mut second, backend),
        );
        // a third session holds the owner row, so both replaces queue behind it
        let mut holder = $db.connect();
        holder.batch_execute("BEGIN").unwrap();
        diesel::sql_query(format!(
            "SELECT id FROM owners WHERE id = {} FOR UPDATE",
            owner.id
        ))
        .execute(&mut holder)
        .unwrap();
        std::thread::scope(|s| {
            let o = owner.clone();
            let one = s.spawn(move || {
                o.create_item(NewItem { label: "one" }, &mut first)
                    .map(drop)
            });
            let first_waited =
                wait_until_blocked($db.conn(), backend, first_id, || one.is_finished());
            let o = owner.clone();
            let two = s.spawn(move || {
                o.create_item(NewItem { label: "two" }, &mut second)
                    .map(drop)
            });
            let second_waited =
                wait_until_blocked($db.conn(), backend, second_id, || two.is_finished());
            holder.batch_execute("COMMIT").unwrap();
            assert!(
                first_waited && second_waited,
                "both replaces wait for the owner lock"
            );
            one.join().unwrap().unwrap();
            two.join().unwrap().unwrap();
        });
        assert_eq!(
            items_of!($db.conn(), owner.id).len(),
            1,
            "exactly one linked row"
        );
    }};
}

/// Owner A moves B's row while B moves A's row (the lower key is A's). Two sessions hold
/// the two rows, so that each move is stopped between its statements where the old lock
/// order deadlocked: A's move reached B's row (the locking read of A's rows ran, then the
/// lock of B's row waited) while B's move held B's row and went for A's. Ordered, A's move
/// locks both owner rows (ascending) before any item and B's move waits for owner A:
/// both moves succeed, A's first, and no deadlock is detected. Nullify: each old row is
/// unlinked, then linked by the other move.
macro_rules! cross_moves {
    ($db:ident) => {{
        let backend = $db.db.backend;
        let a = owner_named!($db.conn(), NullifyOwner, "cross-a");
        let b = owner_named!($db.conn(), NullifyOwner, "cross-b");
        assert!(a.id < b.id);
        let a_row = a.create_item(NewItem { label: "a's" }, $db.conn()).unwrap();
        let b_row = b.create_item(NewItem { label: "b's" }, $db.conn()).unwrap();
        let (mut a_conn, mut b_conn) = ($db.connect(), $db.connect());
        let (a_id, b_id) = (
            session_id(&mut a_conn, backend),
            session_id(&mut b_conn, backend),
        );
        let holds_a_row = Holder::lock($db.connect(), a_row.id);
        let holds_b_row = Holder::lock($db.connect(), b_row.id);
        let (a_result, b_result) = std::thread::scope(|s| {
            let (a2, b_row2) = (a.clone(), b_row.clone());
            let a_moves = s.spawn(move || a2.set_item(Some(&b_row2), &mut a_conn));
            let a_waits = wait_until_blocked($db.conn(), backend, a_id, || a_moves.is_finished());
            let (b2, a_row2) = (b.clone(), a_row.clone());
            let b_moves = s.spawn(move || b2.set_item(Some(&a_row2), &mut b_conn));
            let b_waits = wait_until_blocked($db.conn(), backend, b_id, || b_moves.is_finished());
            holds_a_row.release();
            // A's move is at B's row's lock (it waited for A's row before, unordered)
            let a_at_b_row =
                wait_until_blocked_in($db.conn(), backend, a_id, &by_item_key(backend), || {
                    a_moves.is_finished()
                });
            holds_b_row.release();
            assert!(
                a_waits && b_waits && a_at_b_row,
                "each move stops where planned: {a_waits} {b_waits} {a_at_b_row}"
            );
            (a_moves.join().unwrap(), b_moves.join().unwrap())
        });
        assert!(
            a_result.is_ok() && b_result.is_ok(),
            "no deadlock between the two owners' moves: A {a_result:?}, B {b_result:?}"
        );
        assert_eq!(
            items_of!($db.conn(), a.id),
            [Item {
                owner_id: Some(a.id),
                ..b_row
            }]
        );
        assert_eq!(
            items_of!($db.conn(), b.id),
            [Item {
                owner_id: Some(b.id),
                ..a_row
            }]
        );
        assert_eq!(rows!($db.conn(), items, Item).len(), 2, "nothing destroyed");
    }};
}

/// The owner's destroy, as a function the race macros take.
fn destroy<T, C: diesel_has_one::Conn>(owner: &T, conn: &mut C) -> Result<(), Error>
where
    T: diesel_has_one::Persist<C>,
{
    owner.destroy(conn)
}

mod races {
    use super::*;

    shared_backend_tests! {
        schema = SCHEMA;
        backends = [postgres, mysql];

        fn destroy_racing_a_replace_leaves_no_orphan_destroy(db) { destroy_racing_create!(db, DestroyOwner); }
        fn destroy_racing_a_replace_leaves_no_orphan_delete(db) { destroy_racing_create!(db, DeleteOwner); }
        fn destroy_racing_a_replace_leaves_no_orphan_nullify(db) { destroy_racing_create!(db, NullifyOwner); }
        fn destroy_racing_a_replace_leaves_no_orphan_destroy_async(db) {
            destroy_racing_create!(db, AsyncOwner);
        }

        fn a_moved_row_survives_the_old_owners_destroy(db) {
            moved_row_is_kept!(db, DestroyOwner, destroy);
        }
        fn a_moved_row_survives_the_old_owners_delete(db) {
            moved_row_is_kept!(db, DeleteOwner, destroy);
        }
        fn a_moved_row_survives_the_old_owners_nullify(db) {
            moved_row_is_kept!(db, NullifyOwner, destroy);
        }
        fn a_moved_row_survives_the_old_owners_replace(db) {
            moved_row_is_kept!(db, DestroyOwner, |a, c| a.create_item(NewItem { label: "a's new" }, c).map(drop));
        }

        fn cross_moves_between_two_owners_do_not_deadlock(db) { cross_moves!(db); }

        fn two_creates_under_repeatable_read_link_one_row(db) {
            let session = match db.db.backend {
                Backend::Postgres => "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                _ => "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
            };
            two_creates_one_link!(db, DestroyOwner, session);
        }
        fn two_creates_under_serializable_link_one_row(db) {
            let session = match db.db.backend {
                Backend::Postgres => "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE",
                _ => "SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE",
            };
            two_creates_one_link!(db, NullifyOwner, session);
        }
    }
}

mod one_connection {
    use super::*;

    backend_tests! {
        schema = SCHEMA;

        fn a_stale_destroy_async_job_leaves_a_moved_row(conn, backend) {
            diesel_has_one::jobs::create_table(conn).unwrap();
            let a = owner_named!(conn, AsyncOwner, "job-a");
            let b = owner_named!(conn, AsyncOwner, "job-b");
            let row = a.create_item(NewItem { label: "a's" }, conn).unwrap();
            a.destroy(conn).unwrap(); // a job for `row`, run later
            b.set_item(Some(&row), conn).unwrap(); // meanwhile the row moves to B
            let summary = diesel_has_one::jobs::run_pending(10, conn).unwrap();
            assert_eq!(summary.succeeded, 1);
            assert_eq!(items_of!(conn, b.id).len(), 1, "the job of A does not destroy B's row");
        }

        fn set_keeps_the_given_row_among_several_linked(conn, backend) {
            let owner = owner_named!(conn, DestroyOwner, "two-rows");
            // two rows linked (no unique index), as data written before the library can be
            let rows: Vec<Item> = ["one", "two"]
                .iter()
                .map(|label| insert!(conn, items, Item, (items::owner_id.eq(owner.id), items::label.eq(*label))))
                .collect();
            owner.set_item(Some(&rows[1]), conn).unwrap();
            assert_eq!(items_of!(conn, owner.id), [rows[1].clone()], "the given row stays, the other is destroyed");
            assert_eq!(rows!(conn, items, Item).len(), 1);
        }

        fn set_moves_a_row_from_another_owner(conn, backend) {
            // Rails: `b.item = a.item` moves the row; A is left without, B's old row goes per
            // B's dependent.
            let a = owner_named!(conn, NullifyOwner, "move-a");
            let b = owner_named!(conn, NullifyOwner, "move-b");
            let a_row = a.create_item(NewItem { label: "a's" }, conn).unwrap();
            let b_row = b.create_item(NewItem { label: "b's" }, conn).unwrap();
            b.set_item(Some(&a_row), conn).unwrap();
            assert_eq!(items_of!(conn, b.id).iter().map(|i| i.id).collect::<Vec<_>>(), [a_row.id]);
            assert!(items_of!(conn, a.id).is_empty());
            let unlinked = items::table.filter(items::id.eq(b_row.id)).select(Item::as_select()).first::<Item>(conn).unwrap();
            assert_eq!(unlinked.owner_id, None, "B's old row is nullified, not destroyed");
        }
    }
}

/// Inside a caller's REPEATABLE READ transaction on PostgreSQL a row linked and committed
/// after the caller's snapshot is invisible even to `FOR UPDATE`: the write is refused
/// with a typed error before anything is written, and the caller's work is kept.
/// SERIALIZABLE and READ COMMITTED callers are served.
#[cfg(feature = "postgres")]
#[test]
fn postgres_repeatable_read_caller_is_refused_serializable_served() {
    let mut db = common::postgres("repeatable_read_caller", SCHEMA);
    let conn = &mut db.conn;
    let owner = owner_named!(conn, DestroyOwner, "rr");
    let result: Result<(), Error> = conn.build_transaction().repeatable_read().run(|c| {
        insert!(c, owners, DestroyOwner, owners::name.eq("caller's"));
        match owner.create_item(NewItem { label: "x" }, c) {
            Err(Error::SnapshotIsolation) => {}
            other => panic!("expected SnapshotIsolation, got {other:?}"),
        }
        Ok(())
    });
    result.unwrap();
    assert!(items_of!(conn, owner.id).is_empty(), "nothing written");
    assert_eq!(
        rows!(conn, owners, DestroyOwner).len(),
        2,
        "the caller's row committed"
    );
    for isolation in ["serializable", "read committed"] {
        let result: Result<(), Error> = conn.transaction(|c| {
            c.batch_execute(&format!("SET TRANSACTION ISOLATION LEVEL {isolation}"))?;
            owner.create_item(NewItem { label: isolation }, c).map(drop)
        });
        result.unwrap();
    }
    assert_eq!(items_of!(conn, owner.id).len(), 1);
}

/// 16 threads, each replacing ITS OWN owner's row 50 times, at every backend's default
/// isolation, with a dependent that unlinks (MariaDB's gap locks on the foreign key index
/// made different owners deadlock before): no error at all.
macro_rules! one_owner_per_thread {
    ($db:ident) => {{
        let owners: Vec<NullifyOwner> = (0..16)
            .map(|i| owner_named!($db.conn(), NullifyOwner, format!("solo-{i}")))
            .collect();
        let start = Barrier::new(owners.len());
        let errors = Mutex::new(Vec::new());
        std::thread::scope(|s| {
            for owner in &owners {
                let (start, errors, mut conn) = (&start, &errors, $db.connect());
                s.spawn(move || {
                    start.wait();
                    for i in 0..50 {
                        if let Err(e) = owner.create_item(
                            NewItem {
                                label: &format!("{i}"),
                            },
                            &mut conn,
                        ) {
                            errors.lock().unwrap().push(e.to_string());
                        }
                    }
                });
            }
        });
        let errors = errors.into_inner().unwrap();
        assert!(
            errors.is_empty(),
            "{} errors, first: {:?}",
            errors.len(),
            errors.first()
        );
        for owner in &owners {
            assert_eq!(items_of!($db.conn(), owner.id).len(), 1);
        }
    }};
}

mod independent_owners {
    use super::*;

    shared_backend_tests! {
        schema = SCHEMA;
        backends = [sqlite, postgres, mysql];

        fn different_owners_never_contend(db) { one_owner_per_thread!(db); }
    }
}

diesel::table! { people (id) { id -> Integer, name -> Text } }
diesel::table! { firms (id) { id -> Integer, name -> Text } }
diesel::table! { pictures (id) { id -> Integer, imageable_id -> Nullable<Integer>, imageable_type -> Nullable<Text>, url -> Text } }

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = people)]
#[has_one(picture, as = "imageable", dependent = "nullify")]
pub struct Person {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = firms)]
#[has_one(picture, as = "imageable", dependent = "nullify")]
pub struct Firm {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = pictures)]
pub struct Picture {
    pub id: i32,
    pub imageable_id: Option<i32>,
    pub imageable_type: Option<String>,
    pub url: String,
}

#[derive(Insertable)]
#[diesel(table_name = pictures)]
pub struct NewPicture<'a> {
    pub url: &'a str,
}

/// Two owner types sharing the `pictures` table (`as = "imageable"`).
const POLYMORPHIC_SCHEMA: &[&str] = &[
    "CREATE TABLE people (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE firms (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE pictures (id {pk}, imageable_id INTEGER, imageable_type {text}, url {text} NOT NULL)",
];

mod polymorphic_moves {
    use super::*;

    shared_backend_tests! {
        schema = POLYMORPHIC_SCHEMA;
        backends = [postgres, mysql];

        // A picture of firm 2 moves to person 1 without person 2's row being locked: the
        // key 2 in `imageable_id` is a firm's (the type column says so), not person 2's. A
        // session holds person 2's row throughout; the move never waits for it.
        fn a_row_of_another_owner_type_moves_without_locking_this_types_owner(db) {
            let backend = db.db.backend;
            let one = insert!(db.conn(), people, Person, people::name.eq("one"));
            let two = insert!(db.conn(), people, Person, people::name.eq("two"));
            let _ = insert!(db.conn(), firms, Firm, firms::name.eq("first"));
            let firm = insert!(db.conn(), firms, Firm, firms::name.eq("second"));
            assert_eq!(firm.id, two.id, "the firm's key is person two's too");
            let picture = firm.create_picture(NewPicture { url: "logo" }, db.conn()).unwrap();
            let mut holder = db.connect();
            holder
                .batch_execute(&format!("BEGIN; SELECT id FROM people WHERE id = {} FOR UPDATE", two.id))
                .unwrap();
            let mut mover = db.connect();
            let mover_id = session_id(&mut mover, backend);
            let (moved, waited) = std::thread::scope(|s| {
                let (one, picture) = (&one, &picture);
                let moves = s.spawn(move || one.set_picture(Some(picture), &mut mover));
                // Only the held row can make the mover wait for a lock: its own locking
                // reads of `people` (person one), `pictures` and `firms` show in MariaDB's
                // process list while they run, but never as a lock wait.
                let waited = wait_until_lock_wait(db.conn(), backend, mover_id, || moves.is_finished());
                holder.batch_execute("COMMIT").unwrap();
                (moves.join().unwrap(), waited)
            });
            assert!(!waited, "the move must not wait for person two's row");
            moved.unwrap();
            let rows = pictures::table.select(Picture::as_select()).load::<Picture>(db.conn()).unwrap();
            assert_eq!(
                rows,
                [Picture { imageable_id: Some(one.id), imageable_type: Some("Person".into()), ..picture }],
                "moved to person one; firm two is left without"
            );
        }
    }
}
