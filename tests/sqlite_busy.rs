//! SQLite through a pool whose connections have no `busy_timeout` (r2d2's and Diesel's
//! default): the library's write transaction waits for the write lock itself
//! (`retry::SQLITE_BUSY_WAIT`, 5 s, jittered backoff) instead of failing at once with
//! "database is locked".
//!
//! - 2 threads × 200 replaces of the same owner's row: 0 errors, exactly one row linked,
//!   every other row destroyed (`dependent = "destroy"`).
//! - a connection that holds the write lock (`BEGIN IMMEDIATE`) past the bound: the
//!   replace gives up with the retryable `SQLITE_BUSY` error after waiting, and wrote
//!   nothing; released within the bound: the replace goes through.

#![cfg(all(feature = "sqlite", feature = "r2d2"))]

mod common;

use std::sync::Barrier;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool};
use diesel_has_one::retry::SQLITE_BUSY_WAIT;
use diesel_has_one::Model;

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
];

const THREADS: usize = 2;
const PER_THREAD: usize = 200;

/// A WAL file database with one owner, and a pool of plain connections to it (no
/// customizer: no `busy_timeout`).
fn setup(
    test: &str,
) -> (
    common::SharedDb<SqliteConnection>,
    Pool<ConnectionManager<SqliteConnection>>,
    Owner,
) {
    let mut db = common::sqlite_shared(test, SCHEMA);
    diesel::insert_into(owners::table)
        .values((owners::id.eq(1), owners::name.eq("o")))
        .execute(db.conn())
        .unwrap();
    let pool = Pool::builder()
        .max_size(THREADS as u32 + 1)
        .build(ConnectionManager::<SqliteConnection>::new(
            db.connector.target(),
        ))
        .unwrap();
    let owner = Owner {
        id: 1,
        name: "o".into(),
    };
    (db, pool, owner)
}

#[test]
fn two_threads_replacing_without_busy_timeout_never_see_a_locked_database() {
    let (mut db, pool, owner) = setup("busy_two_threads");
    let start = Barrier::new(THREADS);
    let errors: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (pool, owner, start) = (&pool, &owner, &start);
                s.spawn(move || {
                    let mut conn = pool.get().unwrap();
                    start.wait();
                    (0..PER_THREAD)
                        .filter_map(|n| {
                            let label = format!("t{t}-{n}");
                            owner
                                .create_item(NewItem { label: &label }, &mut conn)
                                .err()
                                .map(|e| format!("{label}: {e}"))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(
        errors.is_empty(),
        "{} errors; first: {:?}",
        errors.len(),
        &errors[..errors.len().min(5)]
    );
    let rows = rows!(db.conn(), items, Item);
    assert_eq!(
        rows.len(),
        1,
        "dependent destroy leaves only the linked row: {rows:?}"
    );
    assert_eq!(rows[0].owner_id, Some(1));
}

#[test]
fn a_lock_held_past_the_bound_is_a_retryable_busy_error_and_nothing_is_written() {
    let (mut db, pool, owner) = setup("busy_past_bound");
    let mut holder = pool.get().unwrap();
    holder.batch_execute("BEGIN IMMEDIATE").unwrap();
    let mut conn = pool.get().unwrap();
    let started = std::time::Instant::now();
    let err = owner
        .create_item(NewItem { label: "late" }, &mut conn)
        .expect_err("the write lock is held");
    assert!(
        started.elapsed() >= SQLITE_BUSY_WAIT,
        "gave up before the bound: {:?}",
        started.elapsed()
    );
    assert!(err.is_retryable(), "{err:?}");
    assert!(err.to_string().contains("database is locked"), "{err}");
    holder.batch_execute("ROLLBACK").unwrap();
    assert!(rows!(db.conn(), items, Item).is_empty());
}

#[test]
fn a_lock_released_within_the_bound_lets_the_replace_through() {
    let (mut db, pool, owner) = setup("busy_within_bound");
    let locked = Barrier::new(2);
    std::thread::scope(|s| {
        let (pool, locked) = (&pool, &locked);
        s.spawn(move || {
            let mut holder = pool.get().unwrap();
            holder.batch_execute("BEGIN IMMEDIATE").unwrap();
            locked.wait();
            // released well within the bound, after the replace has started
            std::thread::sleep(SQLITE_BUSY_WAIT / 20);
            holder.batch_execute("COMMIT").unwrap();
        });
        locked.wait();
        let mut conn = pool.get().unwrap();
        owner
            .create_item(NewItem { label: "waited" }, &mut conn)
            .unwrap();
    });
    let rows = rows!(db.conn(), items, Item);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].label, "waited");
}
