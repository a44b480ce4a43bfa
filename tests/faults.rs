//! Faults: a connection killed in the middle of a replace leaves the database as before;
//! a panic inside a library transaction rolls it back; a connection killed just before
//! `COMMIT` is reported as an unknown outcome.
//!
//! PostgreSQL and MySQL: connection A runs `create_item` on a thread of its own while
//! connection B holds a row lock A is about to need; once the server reports A waiting for
//! that lock, B kills A's session (`pg_terminate_backend` / `KILL`). Two places:
//!
//! - at the owner lock (B holds `SELECT … FOR UPDATE` on the owner row): nothing written yet;
//! - after the old row was destroyed (B holds the `gate` row; the target's `after_destroy`
//!   hook, which runs after the old row's `DELETE`, locks it): the transaction has
//!   already removed the old row when it dies.
//!
//! Every time: A's call failed, and every table is exactly as before, with the old row
//! still linked; a replace afterwards works (no lock left behind).
//!
//! Panics (all three backends): the `after_destroy` hook panics in the middle of a replace,
//! the caller catches the panic; the transaction was rolled back (Diesel's transaction
//! depth is 0 again, a new connection sees the tables as before), and the same connection's
//! next `create_item` is committed (a second connection sees it). Inside the caller's own
//! transaction only the library's savepoint is rolled back.
//!
//! In-doubt commit (PostgreSQL, MySQL): inside `write_transaction`, after the last
//! statement, B kills A's session and waits until the server lists it no more; A's
//! `COMMIT` then fails on the dead connection: [`Error::CommitOutcomeUnknown`]. (Here the
//! kill came before `COMMIT`, so nothing was committed; a kill *during* `COMMIT` looks the
//! same to A, which is why the outcome is reported as unknown.) SQLite has no such test: an
//! embedded database has no server session that can die apart from the process, so a
//! `COMMIT` either returns its result or the caller is gone with it.
mod common;

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::SharedDb;
use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::prelude::*;
use diesel::query_builder::SqlQuery;
use diesel::query_dsl::LoadQuery;
use diesel::sql_types::BigInt;
use diesel_has_one::connection::write_transaction;
use diesel_has_one::{Error, Model};

diesel::table! { owners (id) { id -> Integer, name -> Text } }
diesel::table! { items (id) { id -> Integer, owner_id -> Nullable<Integer>, label -> Text } }

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = owners)]
#[has_one(item, foreign_key = "owner_id", dependent = "destroy")]
pub struct Owner {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = items)]
#[model(after_destroy = park)]
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

const SCHEMA: &[&str] = &[
    "CREATE TABLE owners (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE items (id {pk}, owner_id INTEGER REFERENCES owners(id), label {text} NOT NULL)",
    "CREATE UNIQUE INDEX index_items_on_owner_id ON items (owner_id)",
    "CREATE TABLE gate (id INTEGER PRIMARY KEY)",
    "INSERT INTO gate (id) VALUES (1)",
];

/// What the `after_destroy` hook of `Item` does on the current thread.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Park {
    /// Nothing (every thread but the victim's).
    Pass,
    /// Locks the `gate` row, waiting for whoever holds it.
    AtGate,
    /// Panics: the process dies in the middle of the replace.
    Panic,
}

thread_local! {
    static PARK: Cell<Park> = const { Cell::new(Park::Pass) };
}

/// B's lock that parks A in the `after_destroy` hook, after the old row's `DELETE`.
const GATE: &str = "SELECT id FROM gate WHERE id = 1 FOR UPDATE";

/// `Item`'s `after_destroy` hook: see [`Park`].
fn park<C: Connection>(_item: &Item, conn: &mut C) -> Result<(), Error> {
    match PARK.get() {
        Park::Pass => Ok(()),
        Park::AtGate => Ok(conn.batch_execute(GATE)?),
        Park::Panic => {
            panic!("simulated crash: the old row is destroyed, the new one not inserted")
        }
    }
}

/// Every table but `gate`: the state compared before and after.
type Snapshot = (Vec<Owner>, Vec<Item>);

/// A number the server computes, as `n` (`BIGINT`).
#[derive(QueryableByName)]
struct N {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn scalar<C>(conn: &mut C, sql: &str) -> i64
where
    C: Connection,
    SqlQuery: LoadQuery<'static, C, N>,
{
    diesel::sql_query(sql)
        .get_result::<N>(conn)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .n
}

/// A server session that another session can kill.
trait Session: Connection {
    /// This session's id, as `n`.
    const ID: &'static str;
    /// How many lock waits session `id` is in, as `n`.
    fn waiting(id: i64) -> String;
    /// Kills session `id`.
    fn kill(id: i64) -> String;
    /// How many sessions with id `id` the server lists, as `n`.
    fn alive(id: i64) -> String;
}

#[cfg(feature = "postgres")]
impl Session for PgConnection {
    const ID: &'static str = "SELECT CAST(pg_backend_pid() AS BIGINT) AS n";
    fn waiting(id: i64) -> String {
        format!("SELECT COUNT(*) AS n FROM pg_stat_activity WHERE pid = {id} AND wait_event_type = 'Lock'")
    }
    fn kill(id: i64) -> String {
        format!("SELECT pg_terminate_backend({id})")
    }
    fn alive(id: i64) -> String {
        format!("SELECT COUNT(*) AS n FROM pg_stat_activity WHERE pid = {id}")
    }
}

#[cfg(feature = "mysql")]
impl Session for MysqlConnection {
    const ID: &'static str = "SELECT CAST(CONNECTION_ID() AS SIGNED) AS n";
    fn waiting(id: i64) -> String {
        format!("SELECT COUNT(*) AS n FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = {id} AND trx_state = 'LOCK WAIT'")
    }
    fn kill(id: i64) -> String {
        format!("KILL {id}")
    }
    fn alive(id: i64) -> String {
        format!("SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID = {id}")
    }
}

/// Runs `replace` on a new connection A (its own thread, hook set to `park`) while the
/// test's connection B holds the lock `hold` takes in an open transaction; once the
/// server reports A waiting for a lock, kills A's session from B, ends B's transaction and
/// returns what `replace` returned.
fn kill_while_blocked<C, T, F>(
    db: &mut SharedDb<C>,
    hold: &str,
    park: Park,
    replace: F,
) -> Result<T, Error>
where
    C: Session,
    SqlQuery: LoadQuery<'static, C, N>,
    T: Send,
    F: FnOnce(&mut C) -> Result<T, Error> + Send,
{
    let connector = &db.connector;
    kill_blocked_session(&mut db.db.conn, hold, move |session| {
        let mut a = connector.connect();
        session.send(scalar(&mut a, C::ID)).unwrap();
        PARK.set(park);
        replace(&mut a)
    })
}

/// [`kill_while_blocked`]'s steps with A's work given whole: `a` runs on a thread of its
/// own, opens connection A (of any kind), sends A's session id and runs the replace. B
/// holds the lock `hold` takes, waits for the server to report A waiting for a lock, kills
/// A's session, ends its transaction and returns what `a` returned.
fn kill_blocked_session<C, T, F>(b: &mut C, hold: &str, a: F) -> Result<T, Error>
where
    C: Session,
    SqlQuery: LoadQuery<'static, C, N>,
    T: Send,
    F: FnOnce(mpsc::Sender<i64>) -> Result<T, Error> + Send,
{
    // One at a time in this process: InnoDB refreshes INNODB_TRX only when nobody read it
    // for 100 ms, so two tests polling it in turn kept each other's view stale forever.
    static POLLING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = POLLING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    b.batch_execute("BEGIN").unwrap();
    b.batch_execute(hold).unwrap();
    let (send_id, id) = mpsc::channel();
    std::thread::scope(|s| {
        let a = s.spawn(move || a(send_id));
        let id = id.recv().unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while scalar(b, &C::waiting(id)) == 0 {
            // kill anyway on timeout, or the scope would wait for A forever
            if Instant::now() > deadline || a.is_finished() {
                break;
            }
            // not faster: InnoDB refreshes INNODB_TRX only when it was not read for 100 ms
            std::thread::sleep(Duration::from_millis(150));
        }
        let was_waiting = scalar(b, &C::waiting(id)) > 0;
        b.batch_execute(&C::kill(id)).unwrap();
        b.batch_execute("ROLLBACK").unwrap();
        let result = a.join().unwrap();
        assert!(
            was_waiting,
            "connection A never waited for the lock `{hold}`"
        );
        result
    })
}

/// Runs `work` in `write_transaction` on a new connection A; after it returned, and before
/// `COMMIT`, the test's connection B kills A's session and waits until the server no longer
/// lists it. Returns what `write_transaction` returned.
fn kill_before_commit<C, T, F>(db: &mut SharedDb<C>, work: F) -> Result<T, Error>
where
    C: Session + diesel_has_one::Conn,
    SqlQuery: LoadQuery<'static, C, N>,
    F: FnOnce(&mut C) -> Result<T, Error>,
{
    let mut a = db.connect();
    let id = scalar(&mut a, C::ID);
    let b = &mut db.db.conn;
    write_transaction(&mut a, |a| {
        let value = work(a)?;
        b.batch_execute(&C::kill(id)).unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while scalar(b, &C::alive(id)) > 0 {
            assert!(Instant::now() < deadline, "session {id} was not killed");
            std::thread::sleep(Duration::from_millis(10));
        }
        Ok(value)
    })
}

/// Diesel's transaction depth on `conn` (0: no transaction open).
fn depth<C: Connection<TransactionManager = AnsiTransactionManager>>(conn: &mut C) -> u32 {
    AnsiTransactionManager::transaction_manager_status_mut(conn)
        .transaction_depth()
        .expect("transaction manager not broken")
        .map_or(0, |d| d.get())
}

/// The snapshot read by a connection of its own.
macro_rules! snapshot {
    ($conn:expr) => {{
        let conn = $conn;
        (rows!(conn, owners, Owner), rows!(conn, items, Item))
    }};
}

/// An owner with a linked item `old`, and a bystander owner with its own item.
macro_rules! setup {
    ($conn:expr) => {{
        let conn = $conn;
        let owner = insert!(conn, owners, Owner, owners::name.eq("victim"));
        owner.create_item(NewItem { label: "old" }, conn).unwrap();
        let bystander = insert!(conn, owners, Owner, owners::name.eq("bystander"));
        bystander
            .create_item(NewItem { label: "kept" }, conn)
            .unwrap();
        owner
    }};
}

/// After the fault: the old row is still linked and a replace works (no lock left).
macro_rules! assert_usable {
    ($conn:expr, $owner:expr, $before:expr) => {{
        let conn = $conn;
        let (owner, before): (&Owner, &Snapshot) = (&$owner, &$before);
        let old = before
            .1
            .iter()
            .find(|i| i.owner_id == Some(owner.id))
            .unwrap();
        assert_eq!(owner.item(conn).unwrap().as_ref(), Some(old));
        let new = owner.create_item(NewItem { label: "after" }, conn).unwrap();
        assert_eq!(owner.item(conn).unwrap(), Some(new));
        assert_eq!(rows!(conn, items, Item).len(), before.1.len());
    }};
}

shared_backend_tests! {
    schema = SCHEMA;
    backends = [postgres, mysql];

    fn killed_while_waiting_for_the_owner_lock(db) {
        let owner = setup!(db.conn());
        let before: Snapshot = snapshot!(db.conn());
        let hold = format!("SELECT id FROM owners WHERE id = {} FOR UPDATE", owner.id);
        let result = kill_while_blocked(&mut db, &hold, Park::Pass, |a| {
            owner.create_item(NewItem { label: "new" }, a)
        });
        eprintln!("{}: A's call returned {result:?}", module_path!());
        assert!(result.is_err(), "{result:?}");
        assert_eq!(snapshot!(&mut db.connect()), before);
        assert_eq!(snapshot!(db.conn()), before);
        assert_usable!(db.conn(), owner, before);
    }

    fn killed_after_the_old_row_was_destroyed(db) {
        let owner = setup!(db.conn());
        let before: Snapshot = snapshot!(db.conn());
        let result = kill_while_blocked(&mut db, GATE, Park::AtGate, |a| {
            owner.create_item(NewItem { label: "new" }, a)
        });
        eprintln!("{}: A's call returned {result:?}", module_path!());
        assert!(result.is_err(), "{result:?}");
        assert_eq!(snapshot!(&mut db.connect()), before);
        assert_eq!(snapshot!(db.conn()), before);
        assert_usable!(db.conn(), owner, before);
    }

    fn killed_before_commit_is_an_unknown_outcome(db) {
        let owner = setup!(db.conn());
        let before: Snapshot = snapshot!(db.conn());
        let result = kill_before_commit(&mut db, |a| owner.create_item(NewItem { label: "new" }, a));
        eprintln!("{}: A's call returned {result:?}", module_path!());
        let Err(error) = result else { panic!("the commit succeeded: {result:?}") };
        assert!(matches!(error, Error::CommitOutcomeUnknown { .. }), "{error:?}");
        assert!(!error.is_retryable());
        assert!(error.to_string().contains("may or may not have been committed"), "{error}");
        // the kill came before COMMIT: nothing was committed (A could not know)
        assert_eq!(snapshot!(&mut db.connect()), before);
        assert_usable!(db.conn(), owner, before);
    }
}

/// Panics, on every backend.
mod unwind {
    use super::*;

    shared_backend_tests! {
        schema = SCHEMA;
        backends = [sqlite, postgres, mysql];

        fn a_panic_rolls_the_transaction_back(db) {
            let owner = setup!(db.conn());
            let before: Snapshot = snapshot!(db.conn());

            let mut a = db.connect();
            PARK.set(Park::Panic);
            let result = catch_unwind(AssertUnwindSafe(|| {
                owner.create_item(NewItem { label: "new" }, &mut a)
            }));
            PARK.set(Park::Pass);
            assert!(result.is_err(), "the hook did not panic: {result:?}");
            assert_eq!(depth(&mut a), 0, "a transaction was left open");
            assert_eq!(snapshot!(&mut db.connect()), before);

            // the same connection goes on, and what it writes is committed: a second
            // connection sees it
            let new = owner.create_item(NewItem { label: "after" }, &mut a).unwrap();
            assert_eq!(depth(&mut a), 0);
            let b = &mut db.connect();
            assert_eq!(owner.item(b).unwrap(), Some(new));
            assert_eq!(rows!(b, items, Item).len(), before.1.len());
            drop(a);
            assert_usable!(b, owner, snapshot!(&mut db.connect()));
        }

        fn a_panic_inside_the_callers_transaction_rolls_back_only_the_savepoint(db) {
            let owner = setup!(db.conn());
            let mut a = db.connect();
            let (marker, new) = a
                .transaction(|a| {
                    let marker = insert!(a, owners, Owner, owners::name.eq("the caller's row"));
                    PARK.set(Park::Panic);
                    let result = catch_unwind(AssertUnwindSafe(|| {
                        owner.create_item(NewItem { label: "new" }, a)
                    }));
                    PARK.set(Park::Pass);
                    assert!(result.is_err(), "the hook did not panic: {result:?}");
                    assert_eq!(depth(a), 1, "only the caller's transaction is open");
                    assert_eq!(owner.item(a).unwrap().unwrap().label, "old", "the savepoint was rolled back");
                    assert!(rows!(a, owners, Owner).contains(&marker), "the caller's row stays");
                    let new = owner.create_item(NewItem { label: "after" }, a)?;
                    Ok::<_, Error>((marker, new))
                })
                .unwrap();
            assert_eq!(depth(&mut a), 0);
            let b = &mut db.connect();
            assert!(rows!(b, owners, Owner).contains(&marker));
            assert_eq!(owner.item(b).unwrap(), Some(new));
        }
    }
}

/// The two kills of A in the middle of a replace, with A a diesel-async connection
/// (feature `async`): its own thread runs a current-thread tokio runtime, so `PARK` (a
/// thread local) reaches [`park_async`], the async `after_destroy` of [`AsyncItem`] (the
/// `items` rows, as the async owner [`AsyncOwner`] sees them).
#[cfg(feature = "async")]
mod killed_async {
    use super::*;
    use diesel_async::AsyncConnection;

    #[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
    #[diesel(table_name = owners)]
    #[has_one(
        item,
        class_name = "AsyncItem",
        foreign_key = "owner_id",
        dependent = "destroy"
    )]
    pub struct AsyncOwner {
        pub id: i32,
        pub name: String,
    }

    #[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
    #[diesel(table_name = items)]
    #[model(async_hooks, after_destroy = park_async)]
    pub struct AsyncItem {
        pub id: i32,
        pub owner_id: Option<i32>,
        pub label: String,
    }

    /// `AsyncItem`'s `after_destroy`: [`park`] on an async connection.
    async fn park_async<C: AsyncConnection>(_item: &AsyncItem, conn: &mut C) -> Result<(), Error> {
        match PARK.get() {
            Park::Pass => Ok(()),
            Park::AtGate => Ok(conn.batch_execute(GATE).await?),
            Park::Panic => {
                panic!("simulated crash: the old row is destroyed, the new one not inserted")
            }
        }
    }

    /// `create_item` on a new async connection `A` to `url` (type `$async`), on a thread of
    /// its own; B kills it while it waits for `hold`.
    macro_rules! async_replace_killed {
        ($db:ident, $async:ty, $sync:ty, $hold:expr, $park:expr, $owner:expr) => {{
            let url = common::executors::async_url($db.db.backend, $db.connector.target());
            let owner = AsyncOwner {
                id: $owner.id,
                name: $owner.name.clone(),
            };
            kill_blocked_session(&mut $db.db.conn, $hold, move |session| {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async {
                    let mut a = <$async>::establish(&url).await.unwrap();
                    let id: N = diesel_async::RunQueryDsl::get_result(
                        diesel::sql_query(<$sync as Session>::ID),
                        &mut a,
                    )
                    .await
                    .unwrap();
                    session.send(id.n).unwrap();
                    PARK.set($park);
                    let result = owner.create_item(NewItem { label: "new" }, &mut a).await;
                    PARK.set(Park::Pass);
                    result
                })
            })
        }};
    }

    macro_rules! killed_async_tests {
        ($module:ident, $feature:literal, $open:path, $async:ty, $sync:ty) => {
            #[cfg(feature = $feature)]
            mod $module {
                use super::*;

                #[test]
                fn killed_while_waiting_for_the_owner_lock() {
                    let mut db = $open("killed_async_owner_lock", SCHEMA);
                    let owner = setup!(db.conn());
                    let before: Snapshot = snapshot!(db.conn());
                    let hold = format!("SELECT id FROM owners WHERE id = {} FOR UPDATE", owner.id);
                    let result = async_replace_killed!(db, $async, $sync, &hold, Park::Pass, owner);
                    eprintln!("{}: A's call returned {result:?}", module_path!());
                    assert!(result.is_err(), "{result:?}");
                    assert_eq!(snapshot!(&mut db.connect()), before);
                    assert_usable!(db.conn(), owner, before);
                }

                #[test]
                fn killed_after_the_old_row_was_destroyed() {
                    let mut db = $open("killed_async_after_destroy", SCHEMA);
                    let owner = setup!(db.conn());
                    let before: Snapshot = snapshot!(db.conn());
                    let result =
                        async_replace_killed!(db, $async, $sync, GATE, Park::AtGate, owner);
                    eprintln!("{}: A's call returned {result:?}", module_path!());
                    assert!(result.is_err(), "{result:?}");
                    assert_eq!(snapshot!(&mut db.connect()), before);
                    assert_usable!(db.conn(), owner, before);
                }
            }
        };
    }

    killed_async_tests!(
        postgres,
        "postgres",
        common::postgres_shared,
        diesel_async::AsyncPgConnection,
        PgConnection
    );
    killed_async_tests!(
        mysql,
        "mysql",
        common::mysql_shared,
        diesel_async::AsyncMysqlConnection,
        MysqlConnection
    );
}
