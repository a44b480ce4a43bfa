//! Retryable errors are typed, and `retry::with_retry` runs a transaction again — never
//! inside a caller's transaction.
//!
//! Every conflict is real and deterministic: two connections, and either a
//! `std::sync::Barrier` both pass while each holds one lock (then each asks for the other's:
//! the server must pick a deadlock victim), or a lock held by the test's connection while
//! another waits (lock timeouts), or statements interleaved on one thread (serialization
//! failures). Which of two deadlocked threads is the victim is up to the server; the tests
//! assert what holds for either.
//!
//! - PostgreSQL: `40P01` deadlock, `40001` under `SERIALIZABLE` (write skew, the second
//!   transaction fails), `55P03` lock timeout; `with_retry` runs a transaction whose owner
//!   lock failed with a real `40001` again, and it commits.
//! - MySQL/MariaDB: `1213` deadlock, `1205` lock wait timeout; a deadlock inside the
//!   caller's transaction is `Error::TransactionRolledBack` and the caller's earlier rows are
//!   gone (on PostgreSQL only the library's savepoint is rolled back, the caller goes on);
//!   `with_retry` around the caller's whole transaction runs the victim's again, and both
//!   callers' rows are committed.
//! - SQLite: `SQLITE_BUSY` while another connection holds the write lock.
//! - Every backend: `with_retry` is bounded, retries only retryable errors, and runs its
//!   closure once inside a caller's transaction.

mod common;

use std::sync::Barrier;

use common::{Backend, SharedDb};
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_has_one::connection::write_transaction;
use diesel_has_one::retry::{with_retry, RetryPolicy};
use diesel_has_one::{Error, Model};

diesel::table! { owners (id) { id -> Integer, name -> Text } }
diesel::table! { items (id) { id -> Integer, owner_id -> Nullable<Integer>, label -> Text } }
diesel::table! { marks (id) { id -> Integer, note -> Text } }

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

/// A row the caller writes itself, in its own transaction.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = marks)]
pub struct Mark {
    pub id: i32,
    pub note: String,
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
    "CREATE TABLE marks (id {pk}, note {text} NOT NULL)",
];

/// Diesel's transaction depth on `conn` (0: no transaction open).
fn depth<C: Connection>(conn: &mut C) -> u32 {
    C::TransactionManager::transaction_manager_status_mut(conn)
        .transaction_depth()
        .expect("transaction manager not broken")
        .map_or(0, |d| d.get())
}

/// Takes the row lock on owner `id` (the statement a caller writes itself).
fn lock_owner(conn: &mut impl SimpleConnection, id: i32) -> Result<(), Error> {
    Ok(conn.batch_execute(&format!("SELECT id FROM owners WHERE id = {id} FOR UPDATE"))?)
}

/// A new connection; on PostgreSQL with a short `deadlock_timeout`, so the deadlock is
/// found after 50 ms instead of 1 s (which one is the victim does not depend on it).
fn connect<C: Connection>(db: &SharedDb<C>) -> C {
    let mut conn = db.connect();
    if db.db.backend == Backend::Postgres {
        conn.batch_execute("SET deadlock_timeout = '50ms'").unwrap();
    }
    conn
}

/// Runs `work(conn, me, barrier)` for `me` = 0 and 1 on two new connections at once, and
/// returns both results with the connections.
fn two_at_once<C, T, W>(db: &SharedDb<C>, work: W) -> Vec<(T, C)>
where
    C: Connection + Send,
    T: Send,
    W: Fn(&mut C, usize, &Barrier) -> T + Sync,
{
    let barrier = Barrier::new(2);
    let connections: Vec<C> = (0..2).map(|_| connect(db)).collect();
    std::thread::scope(|s| {
        let threads: Vec<_> = connections
            .into_iter()
            .enumerate()
            .map(|(me, mut conn)| {
                let (work, barrier) = (&work, &barrier);
                s.spawn(move || (work(&mut conn, me, barrier), conn))
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    })
}

/// Two owners, `a` and `b`.
macro_rules! two_owners {
    ($conn:expr) => {{
        let conn = $conn;
        let a = insert!(conn, owners, Owner, owners::name.eq("a"));
        let b = insert!(conn, owners, Owner, owners::name.eq("b"));
        [a, b]
    }};
}

/// A real-looking serialization failure, for the tests of the loop itself.
fn serialization_failure() -> Error {
    Error::Database(DieselError::DatabaseError(
        DatabaseErrorKind::SerializationFailure,
        Box::new(String::from("could not serialize access")),
    ))
}

backend_tests! {
    schema = SCHEMA;

    fn with_retry_is_bounded_and_retries_only_retryable_errors(conn, backend) {
        let policy = RetryPolicy::immediate(3);
        let mut runs = 0;
        let result: Result<(), Error> = with_retry(conn, &policy, |_| {
            runs += 1;
            Err(serialization_failure())
        });
        assert!(result.unwrap_err().is_retryable());
        assert_eq!(runs, 3, "policy.attempts runs in all");

        runs = 0;
        let result: Result<(), Error> = with_retry(conn, &policy, |_| {
            runs += 1;
            Err(Error::abort("not a conflict"))
        });
        assert!(matches!(result, Err(Error::Aborted(_))));
        assert_eq!(runs, 1, "a non-retryable error is returned at once");

        runs = 0;
        let owner = insert!(conn, owners, Owner, owners::name.eq("o"));
        let item = with_retry(conn, &policy, |conn| {
            runs += 1;
            if runs == 1 {
                return Err(serialization_failure());
            }
            owner.create_item(NewItem { label: "second run" }, conn)
        })
        .unwrap();
        assert_eq!(runs, 2);
        assert_eq!(rows!(conn, items, Item), [item]);
    }

    fn with_retry_never_retries_inside_a_callers_transaction(conn, backend) {
        let mut runs = 0;
        let result = conn.transaction(|conn| {
            let inner: Result<(), Error> = with_retry(conn, &RetryPolicy::immediate(5), |_| {
                runs += 1;
                Err(serialization_failure())
            });
            assert_eq!(depth(conn), 1);
            inner
        });
        assert!(result.unwrap_err().is_retryable());
        assert_eq!(runs, 1, "run once and returned: only the caller can retry its transaction");
    }
}

/// Deadlocks and lock timeouts, on the servers.
mod conflicts {
    use super::*;

    shared_backend_tests! {
        schema = SCHEMA;
        backends = [postgres, mysql];

        fn a_deadlock_is_retryable(db) {
            let owners = two_owners!(db.conn());
            let results = two_at_once(&db, |conn, me, barrier| {
                write_transaction(conn, |conn| {
                    lock_owner(conn, owners[me].id)?;
                    barrier.wait();
                    lock_owner(conn, owners[1 - me].id)
                })
            });
            let errors: Vec<&Error> = results.iter().filter_map(|(r, _)| r.as_ref().err()).collect();
            assert_eq!(errors.len(), 1, "one deadlock victim: {results:?}", results = results.iter().map(|r| &r.0).collect::<Vec<_>>());
            eprintln!("{}: victim: {:?}", module_path!(), errors[0]);
            assert!(matches!(errors[0], Error::Database(_)), "{:?}", errors[0]);
            assert!(errors[0].is_retryable(), "{:?}", errors[0]);
            for (_, mut conn) in results {
                assert_eq!(depth(&mut conn), 0);
            }
        }

        fn a_lock_timeout_is_retryable(db) {
            let [owner, _] = two_owners!(db.conn());
            let mut waiter = db.connect();
            waiter
                .batch_execute(match db.db.backend {
                    Backend::Postgres => "SET lock_timeout = '100ms'",
                    _ => "SET innodb_lock_wait_timeout = 1",
                })
                .unwrap();
            // the test's connection holds the owner row while the waiter's replace wants it
            let holder = db.conn();
            holder.batch_execute("BEGIN").unwrap();
            lock_owner(holder, owner.id).unwrap();
            let error = owner.create_item(NewItem { label: "late" }, &mut waiter).unwrap_err();
            holder.batch_execute("ROLLBACK").unwrap();
            eprintln!("{}: {error:?}", module_path!());
            assert!(error.is_retryable(), "{error:?}");
            assert_eq!(depth(&mut waiter), 0);
            // no lock left: the same call works now
            owner.create_item(NewItem { label: "now" }, &mut waiter).unwrap();
        }

        fn a_deadlock_inside_the_callers_transaction(db) {
            let owners = two_owners!(db.conn());
            let backend = db.db.backend;
            // each caller: its own row, the lock on one owner, then a replace on the other owner
            let results = two_at_once(&db, |conn, me, barrier| {
                let mut seen_after_the_error = None;
                let outcome = conn.transaction(|conn| {
                    diesel::insert_into(marks::table)
                        .values(marks::note.eq(format!("caller {me}")))
                        .execute(conn)?;
                    lock_owner(conn, owners[me].id)?;
                    barrier.wait();
                    match owners[1 - me].create_item(NewItem { label: "by the other" }, conn) {
                        Ok(item) => Ok(item),
                        Err(e) if backend == Backend::Postgres => {
                            // only the savepoint was rolled back: the caller's row is still
                            // there and its transaction goes on (and commits)
                            seen_after_the_error = Some(rows!(conn, marks, Mark));
                            Err(e)
                        }
                        Err(e) => Err(e),
                    }
                });
                (outcome, seen_after_the_error)
            });
            let victim = results.iter().position(|((r, _), _)| r.is_err()).expect("a deadlock victim");
            let winner = 1 - victim;
            assert!(results[winner].0 .0.is_ok(), "one victim only");
            let error = results[victim].0 .0.as_ref().unwrap_err();
            eprintln!("{}: victim's error: {error:?}", module_path!());
            assert!(error.is_retryable(), "{error:?}");
            let check = &mut db.connect();
            let marks: Vec<String> = rows!(check, marks, Mark).into_iter().map(|m| m.note).collect();
            // the caller's transaction itself was rolled back in the end (its closure returned
            // the error); what differs is what was left of it when the error came back
            assert_eq!(marks, [format!("caller {winner}")]);
            match backend {
                Backend::Mysql => {
                    assert!(matches!(error, Error::TransactionRolledBack { .. }), "{error:?}");
                    assert!(error.to_string().contains("enclosing transaction was rolled back"), "{error}");
                }
                _ => {
                    assert!(matches!(error, Error::Database(_)), "{error:?}");
                    let seen = results[victim].0 .1.as_ref().unwrap();
                    assert_eq!(seen.iter().map(|m| m.note.clone()).collect::<Vec<_>>(), [format!("caller {victim}")]);
                }
            }
            // the winner's replace went through, on the owner the victim had locked
            assert_eq!(owners[victim].item(check).unwrap().unwrap().label, "by the other");
            assert_eq!(owners[winner].item(check).unwrap(), None);
            for ((_, _), mut conn) in results {
                assert_eq!(depth(&mut conn), 0);
            }
        }
    }
}

/// The caller's view of a deadlock inside its transaction, on MySQL.
mod caller_view {
    use super::*;

    shared_backend_tests! {
        schema = SCHEMA;
        backends = [mysql];

        fn a_deadlock_in_the_callers_transaction_loses_its_earlier_rows(db) {
            // the victim's view, step by step: its own row is gone the moment the error is
            // returned, before it ends its transaction
            let owners = two_owners!(db.conn());
            let results = two_at_once(&db, |conn, me, barrier| {
                // Diesel's own begin/commit (not `BEGIN` as SQL, which Diesel and the
                // library cannot see)
                AnsiTransactionManager::begin_transaction(conn).unwrap();
                diesel::insert_into(marks::table)
                    .values(marks::note.eq(format!("caller {me}")))
                    .execute(conn)
                    .unwrap();
                lock_owner(conn, owners[me].id).unwrap();
                barrier.wait();
                let result = owners[1 - me].create_item(NewItem { label: "by the other" }, conn);
                let visible = rows!(conn, marks, Mark);
                AnsiTransactionManager::commit_transaction(conn).unwrap();
                (result, visible)
            });
            let victim = results.iter().position(|((r, _), _)| r.is_err()).expect("a deadlock victim");
            let ((error, visible), _) = &results[victim];
            let error = error.as_ref().unwrap_err();
            assert!(matches!(error, Error::TransactionRolledBack { .. }), "{error:?}");
            let winner = format!("caller {}", 1 - victim);
            assert!(visible.iter().all(|m| m.note == winner), "the victim's own row is gone: {visible:?}");
            let check = &mut db.connect();
            let marks: Vec<String> = rows!(check, marks, Mark).into_iter().map(|m| m.note).collect();
            assert_eq!(marks, [winner]);
        }
    }
}

/// `with_retry` around the caller's whole transaction, on MySQL.
mod retried {
    use super::*;

    shared_backend_tests! {
        schema = SCHEMA;
        backends = [mysql];

        fn with_retry_runs_the_rolled_back_transaction_again(db) {
            let owners = two_owners!(db.conn());
            let results = two_at_once(&db, |conn, me, barrier| {
                let mut runs = 0;
                let result = with_retry(conn, &RetryPolicy::default(), |conn| {
                    runs += 1;
                    conn.transaction(|conn| {
                        diesel::insert_into(marks::table)
                            .values(marks::note.eq(format!("caller {me}")))
                            .execute(conn)?;
                        lock_owner(conn, owners[me].id)?;
                        if runs == 1 {
                            barrier.wait();
                        }
                        owners[1 - me].create_item(NewItem { label: "by the other" }, conn)
                    })
                });
                (result, runs)
            });
            let runs: Vec<usize> = results.iter().map(|((_, runs), _)| *runs).collect();
            assert!(results.iter().all(|((r, _), _)| r.is_ok()), "{results:?}", results = results.iter().map(|r| &r.0).collect::<Vec<_>>());
            let mut sorted = runs.clone();
            sorted.sort();
            assert_eq!(sorted, [1, 2], "the victim ran twice");
            let check = &mut db.connect();
            let mut marks: Vec<String> = rows!(check, marks, Mark).into_iter().map(|m| m.note).collect();
            marks.sort();
            assert_eq!(marks, ["caller 0", "caller 1"]);
            assert_eq!(rows!(check, items, Item).len(), 2);
        }
    }
}

/// PostgreSQL under `SERIALIZABLE`.
mod serializable {
    use super::*;

    shared_backend_tests! {
        schema = SCHEMA;
        backends = [postgres];

        fn a_serialization_failure_is_retryable_and_rolled_back(db) {
            // write skew under SERIALIZABLE: both read all marks, both insert one; the first
            // commits, the second's COMMIT fails (had its INSERT failed, `first` would never
            // have committed and no mark would be left)
            let mut first = db.connect();
            first.batch_execute("BEGIN ISOLATION LEVEL SERIALIZABLE").unwrap();
            rows!(&mut first, marks, Mark);
            first.batch_execute("INSERT INTO marks (note) VALUES ('first')").unwrap();

            let mut second = db.connect();
            let result = write_transaction(&mut second, |conn| {
                conn.batch_execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")?;
                rows!(conn, marks, Mark);
                conn.batch_execute("INSERT INTO marks (note) VALUES ('second')")?;
                first.batch_execute("COMMIT").unwrap();
                Ok(())
            });
            eprintln!("{}: {result:?}", module_path!());
            let error = result.unwrap_err();
            assert!(
                matches!(error, Error::Database(DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _))),
                "40001, and a COMMIT the server refused is not an unknown outcome: {error:?}"
            );
            assert!(error.is_retryable());
            assert_eq!(depth(&mut second), 0);
            let notes: Vec<String> = rows!(&mut db.connect(), marks, Mark).into_iter().map(|m| m.note).collect();
            assert_eq!(notes, ["first"]);
        }

        fn a_deadlock_is_retryable_by_its_message(db) {
            // 40P01 has no DatabaseErrorKind of its own in Diesel: it is recognised by its text
            let owners = two_owners!(db.conn());
            let results = two_at_once(&db, |conn, me, barrier| {
                write_transaction(conn, |conn| {
                    lock_owner(conn, owners[me].id)?;
                    barrier.wait();
                    lock_owner(conn, owners[1 - me].id)
                })
            });
            let error = results.iter().find_map(|(r, _)| r.as_ref().err()).unwrap();
            let Error::Database(DieselError::DatabaseError(kind, info)) = error else { panic!("{error:?}") };
            assert!(matches!(kind, DatabaseErrorKind::Unknown), "{kind:?}");
            assert_eq!(info.message(), "deadlock detected");
            assert!(error.is_retryable());
        }

        fn with_retry_runs_a_serialization_failure_again(db) {
            let [owner, _] = two_owners!(db.conn());
            let mut other = db.connect();
            let mut conn = db.connect();
            let mut errors = Vec::new();
            let mut runs = 0;
            let item = with_retry(&mut conn, &RetryPolicy::default(), |conn| {
                runs += 1;
                let result = conn.transaction(|conn| {
                    conn.batch_execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")?;
                    // the snapshot is taken here
                    let marks = rows!(conn, marks, Mark).len();
                    if runs == 1 {
                        // a concurrent commit changes the owner row after the snapshot: the
                        // replace's owner lock fails with 40001
                        other
                            .batch_execute(&format!("UPDATE owners SET name = 'renamed' WHERE id = {}", owner.id))
                            .unwrap();
                    }
                    let item = owner.create_item(NewItem { label: "retried" }, conn)?;
                    diesel::insert_into(marks::table)
                        .values(marks::note.eq(format!("{marks} marks before")))
                        .execute(conn)?;
                    Ok(item)
                });
                if let Err(e) = &result {
                    errors.push(format!("{e:?}"));
                }
                result
            })
            .unwrap();
            assert_eq!(runs, 2, "{errors:?}");
            assert!(errors[0].contains("SerializationFailure"), "{errors:?}");
            let check = &mut db.connect();
            assert_eq!(owner.item(check).unwrap(), Some(item));
            assert_eq!(rows!(check, items, Item).len(), 1);
            assert_eq!(rows!(check, marks, Mark).len(), 1, "the failed run left nothing");
            let renamed = owners::table.find(owner.id).select(owners::name).first::<String>(check).unwrap();
            assert_eq!(renamed, "renamed");
        }
    }
}

/// SQLite's write lock.
mod busy {
    use super::*;

    shared_backend_tests! {
        schema = SCHEMA;
        backends = [sqlite];

        fn a_busy_database_is_retryable(db) {
            let [owner, _] = two_owners!(db.conn());
            let mut holder = db.connect();
            let mut busy = db.connect();
            busy.batch_execute("PRAGMA busy_timeout = 0").unwrap();
            write_transaction(&mut holder, |holder| {
                // the holder has the write lock (BEGIN IMMEDIATE) until this closure returns
                diesel::insert_into(marks::table).values(marks::note.eq("holder")).execute(holder)?;
                let error = owner.create_item(NewItem { label: "busy" }, &mut busy).unwrap_err();
                assert!(error.is_retryable(), "{error:?}");
                let mut runs = 0;
                let retried: Result<Item, Error> = with_retry(&mut busy, &RetryPolicy::immediate(3), |busy| {
                    runs += 1;
                    owner.create_item(NewItem { label: "busy" }, busy)
                });
                assert!(retried.unwrap_err().is_retryable());
                assert_eq!(runs, 3, "bounded");
                Ok(())
            })
            .unwrap();
            assert_eq!(depth(&mut busy), 0);
            owner.create_item(NewItem { label: "free" }, &mut busy).unwrap();
        }
    }
}
