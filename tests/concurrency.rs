//! Concurrency: 16 threads, each with its own connection, replace the `has_one` of the
//! SAME owner 200 times each (3,200 `create_…` calls). The replace transaction locks the
//! owner row (`SELECT … FOR UPDATE` on PostgreSQL/MySQL, `BEGIN IMMEDIATE` on SQLite), so
//! the replacements serialize: no error, no deadlock, no lost row, and the unique index on
//! the foreign key never trips. At the end exactly one row is linked; with
//! `dependent = "destroy"` it is the only row, with `dependent = "nullify"` the 3,199
//! others are still there, unlinked, and every inserted row is accounted for.
//!
//! SQLite runs the same count on a file database in WAL mode with `busy_timeout`: its
//! writers queue on the database write lock taken by `BEGIN IMMEDIATE`, and the whole
//! run takes a few seconds, so nothing is scaled down there.
//!
//! Wall time and replacements per second are printed (`--nocapture`); nothing asserts on
//! them.

mod common;

use std::collections::BTreeSet;
use std::sync::{Barrier, Mutex};
use std::time::{Duration, Instant};

use common::Connector;
use diesel::prelude::*;
use diesel_has_one::{Error, Model};

diesel::table! { owners (id) { id -> Integer, name -> Text } }
diesel::table! { items (id) { id -> Integer, owner_id -> Nullable<Integer>, label -> Text } }

/// Threads, each with its own connection.
const THREADS: usize = 16;
/// Replacements per thread.
const PER_THREAD: usize = 200;
const TOTAL: usize = THREADS * PER_THREAD;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = owners)]
#[has_one(item, foreign_key = "owner_id", dependent = "destroy")]
pub struct DestroyingOwner {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = owners)]
#[has_one(item, foreign_key = "owner_id", dependent = "nullify")]
pub struct NullifyingOwner {
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

/// A nullable foreign key with a foreign key constraint and a unique index: two linked
/// rows at any moment would be a unique violation.
const SCHEMA: &[&str] = &[
    "CREATE TABLE owners (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE items (id {pk}, owner_id INTEGER REFERENCES owners(id), label {text} NOT NULL)",
    "CREATE UNIQUE INDEX index_items_on_owner_id ON items (owner_id)",
];

/// What a run of [`hammer`] did.
struct Run {
    elapsed: Duration,
    /// Every error, as `thread/replacement: error`.
    errors: Vec<String>,
}

/// Runs `replace(conn, label)` `PER_THREAD` times on each of `THREADS` threads, each with
/// its own connection (opened before the clock starts), and prints the figures. Every
/// call gets a unique label (`t<thread>-<n>`); a failed call is recorded, not retried.
fn hammer<C, F>(what: &str, connector: &Connector<C>, replace: F) -> Run
where
    F: Fn(&mut C, &str) -> Result<Item, Error> + Sync,
{
    let errors = Mutex::new(Vec::new());
    let start = Barrier::new(THREADS + 1);
    let elapsed = std::thread::scope(|s| {
        for thread in 0..THREADS {
            let (errors, start, replace) = (&errors, &start, &replace);
            s.spawn(move || {
                let mut conn = connector.connect();
                start.wait();
                for n in 0..PER_THREAD {
                    let label = label(thread, n);
                    match replace(&mut conn, &label) {
                        Ok(item) if item.label == label => {}
                        Ok(item) => errors
                            .lock()
                            .unwrap()
                            .push(format!("{label}: returned another row: {item:?}")),
                        Err(e) => errors.lock().unwrap().push(format!("{label}: {e:?}")),
                    }
                }
            });
        }
        start.wait();
        Instant::now()
    })
    .elapsed();
    let errors = errors.into_inner().unwrap();
    eprintln!(
        "{what}: {THREADS} threads x {PER_THREAD} replacements = {TOTAL} in {:.2} s, {:.0} replacements/s, {} errors",
        elapsed.as_secs_f64(),
        TOTAL as f64 / elapsed.as_secs_f64(),
        errors.len()
    );
    Run { elapsed, errors }
}

fn label(thread: usize, n: usize) -> String {
    format!("t{thread}-{n}")
}

fn assert_no_errors(run: &Run) {
    assert!(
        run.errors.is_empty(),
        "{} of {TOTAL} replacements failed in {:?}; first: {:#?}",
        run.errors.len(),
        run.elapsed,
        &run.errors[..run.errors.len().min(5)]
    );
}

/// The label of every call `hammer` made.
fn all_labels() -> BTreeSet<String> {
    (0..THREADS)
        .flat_map(|t| (0..PER_THREAD).map(move |n| label(t, n)))
        .collect()
}

/// The module path of the test (`concurrency::postgres::…`) names the backend.
macro_rules! what {
    ($dependent:literal) => {
        concat!(module_path!(), " ", $dependent)
    };
}

shared_backend_tests! {
    schema = SCHEMA;
    backends = [sqlite, postgres, mysql];

    fn destroy_same_owner_from_16_threads(db) {
        let owner = insert!(db.conn(), owners, DestroyingOwner, owners::name.eq("contended"));
        let run = hammer(what!("destroy"), &db.connector, |conn, label| {
            owner.create_item(NewItem { label }, conn)
        });
        assert_no_errors(&run);

        let all = rows!(db.conn(), items, Item);
        assert_eq!(all.len(), 1, "exactly one row in total, no orphan: {:?}", &all[..all.len().min(5)]);
        assert_eq!(all[0].owner_id, Some(owner.id));
        assert!(all_labels().contains(&all[0].label), "{all:?}");
        assert_eq!(owner.item(db.conn()).unwrap().as_ref(), Some(&all[0]));
    }

    fn nullify_same_owner_from_16_threads(db) {
        let owner = insert!(db.conn(), owners, NullifyingOwner, owners::name.eq("contended"));
        let run = hammer(what!("nullify"), &db.connector, |conn, label| {
            owner.create_item(NewItem { label }, conn)
        });
        assert_no_errors(&run);

        let all = rows!(db.conn(), items, Item);
        let linked: Vec<&Item> = all.iter().filter(|i| i.owner_id.is_some()).collect();
        assert_eq!(linked.len(), 1, "exactly one linked row: {linked:?}");
        assert_eq!(linked[0].owner_id, Some(owner.id));
        assert_eq!(all.len() - linked.len(), TOTAL - 1, "unlinked rows");
        assert_eq!(all.len(), TOTAL);
        // every row inserted is there, once
        let labels: BTreeSet<String> = all.iter().map(|i| i.label.clone()).collect();
        assert_eq!(labels, all_labels());
        assert_eq!(owner.item(db.conn()).unwrap().as_ref(), Some(linked[0]));
    }
}
