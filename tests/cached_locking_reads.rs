//! A cached prepared locking read that failed while its rows were being fetched, executed
//! again on MySQL/MariaDB (issue 8 item 8, issue 11's replace ratio).
//!
//! The failure is made deterministic: a second connection holds the lock on the SECOND of
//! the two rows the read locks, the reading session waits `innodb_lock_wait_timeout = 1`
//! second and fails with the first row already read. Then the lock is released and the
//! same statement runs again:
//!
//! - on the blocking `MysqlConnection` (libmysqlclient/libmariadb) plain Diesel's cached
//!   `.for_update()` statement never answers (the client waits in `mysql_stmt_execute`);
//!   this is why the library does not cache its locking reads there
//!   (`Backend::CACHE_LOCKING_READS`). If a client release fixes it, this test fails and
//!   says the library may cache them there too;
//! - on diesel-async's `AsyncMysqlConnection` (mysql_async) the same statement answers, so
//!   the library caches its locking reads there (`Exec::CACHE_LOCKING_READS`);
//! - the library's own replace on the async connection, whose locked read of the linked
//!   rows fails the same way, returns a retryable error, writes nothing, and answers when
//!   called again (three rounds), leaving the rows as a replace should. (The library's
//!   cached locking reads on MySQL read one row by key; the read of several rows by key,
//!   `IN (…)`, is one Diesel does not cache.)
#![cfg(feature = "mysql")]

mod common;

use std::sync::mpsc;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::{
    Identifiable, Insertable, MysqlConnection, QueryDsl, QueryResult, Queryable, Selectable,
};
use diesel_has_one::Model;

diesel::table! { owners (id) { id -> Integer, name -> Text } }
diesel::table! { items (id) { id -> Integer, owner_id -> Nullable<Integer>, label -> Text } }

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = owners)]
#[has_one(item, foreign_key = "owner_id")]
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
pub struct NewItem {
    pub label: String,
}

/// Two rows linked to owner 1 (no unique index on the foreign key, as a legacy table may
/// have): the replace locks both.
const SCHEMA: &[&str] = &[
    "CREATE TABLE owners (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE items (id {pk}, owner_id INTEGER, label {text} NOT NULL)",
    "INSERT INTO owners (id, name) VALUES (1, 'one')",
    "INSERT INTO items (id, owner_id, label) VALUES (10, 1, 'first'), (11, 1, 'second')",
];

/// How long a statement that should answer may take before the test calls it a hang.
const ANSWER_BOUND: Duration = Duration::from_secs(15);

/// Holds the lock on row 11 (the second row every read here locks) until dropped.
fn hold_second_row(db: &common::SharedDb<MysqlConnection>) -> MysqlConnection {
    let mut holder = db.connect();
    holder
        .batch_execute("BEGIN; SELECT id FROM items WHERE id = 11 FOR UPDATE")
        .unwrap();
    holder
}

/// The rows `(id, owner_id, label)`, in key order.
fn rows(conn: &mut MysqlConnection) -> Vec<(i32, Option<i32>, String)> {
    diesel::RunQueryDsl::load(items::table.order(items::id), conn).unwrap()
}

fn seeded() -> Vec<(i32, Option<i32>, String)> {
    vec![
        (10, Some(1), "first".into()),
        (11, Some(1), "second".into()),
    ]
}

/// Plain Diesel's cached locking read of rows 10 and 11.
fn lock_both(conn: &mut MysqlConnection) -> QueryResult<Vec<(i32, Option<i32>, String)>> {
    diesel::RunQueryDsl::load(items::table.order(items::id).for_update(), conn)
}

#[test]
fn blocking_client_never_answers_a_cached_locking_read_that_failed() {
    let mut db = common::mysql_shared("cached_lock_blocking", SCHEMA);
    let mut victim = db.connect();
    victim
        .batch_execute("SET SESSION innodb_lock_wait_timeout = 1; BEGIN")
        .unwrap();
    assert_eq!(
        lock_both(&mut victim).unwrap(),
        seeded(),
        "cached, answered"
    );
    victim.batch_execute("COMMIT; BEGIN").unwrap();
    let holder = hold_second_row(&db);
    let failed = lock_both(&mut victim).unwrap_err();
    assert!(failed.to_string().contains("Lock wait timeout"), "{failed}");
    victim.batch_execute("ROLLBACK; BEGIN").unwrap();
    drop(holder);

    let session: i64 = diesel::RunQueryDsl::get_result(
        diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "CONNECTION_ID()",
        )),
        &mut victim,
    )
    .unwrap();
    let (sent, answer) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let _ = sent.send(lock_both(&mut victim).map_err(|e| e.to_string()));
    });
    let outcome = answer.recv_timeout(Duration::from_secs(5));
    // End the waiting session so the thread returns either way.
    db.conn().batch_execute(&format!("KILL {session}")).unwrap();
    reader.join().unwrap();
    assert!(
        outcome.is_err(),
        "the client answered the cached statement ({outcome:?}): libmysqlclient no longer \
         hangs on it, and Backend::CACHE_LOCKING_READS may be true for MySQL"
    );
    assert_eq!(rows(db.conn()), seeded());
}

#[cfg(feature = "async")]
mod nonblocking {
    use super::*;
    use diesel_async::{AsyncConnection, AsyncMysqlConnection, SimpleAsyncConnection};

    async fn connect(db: &common::SharedDb<MysqlConnection>) -> AsyncMysqlConnection {
        let url = common::executors::async_url(db.db.backend, db.connector.target());
        AsyncMysqlConnection::establish(&url).await.unwrap()
    }

    async fn lock_both(
        conn: &mut AsyncMysqlConnection,
    ) -> QueryResult<Vec<(i32, Option<i32>, String)>> {
        diesel_async::RunQueryDsl::load(items::table.order(items::id).for_update(), conn).await
    }

    #[tokio::test]
    async fn async_client_answers_a_cached_locking_read_that_failed() {
        let mut db = common::mysql_shared("cached_lock_async", SCHEMA);
        let mut victim = connect(&db).await;
        victim
            .batch_execute("SET SESSION innodb_lock_wait_timeout = 1; BEGIN")
            .await
            .unwrap();
        assert_eq!(lock_both(&mut victim).await.unwrap(), seeded());
        victim.batch_execute("COMMIT").await.unwrap();
        for round in 0..3 {
            victim.batch_execute("BEGIN").await.unwrap();
            let holder = hold_second_row(&db);
            let failed = lock_both(&mut victim).await.unwrap_err();
            assert!(failed.to_string().contains("Lock wait timeout"), "{failed}");
            victim.batch_execute("ROLLBACK; BEGIN").await.unwrap();
            drop(holder);
            let again = tokio::time::timeout(ANSWER_BOUND, lock_both(&mut victim)).await;
            assert_eq!(again.expect("answered").unwrap(), seeded(), "round {round}");
            victim.batch_execute("COMMIT").await.unwrap();
        }
        assert_eq!(rows(db.conn()), seeded());
    }

    #[tokio::test]
    async fn library_replace_answers_after_its_locked_read_failed() {
        let mut db = common::mysql_shared("cached_lock_replace_async", SCHEMA);
        let owner = Owner {
            id: 1,
            name: "one".into(),
        };
        let mut conn = connect(&db).await;
        conn.batch_execute("SET SESSION innodb_lock_wait_timeout = 1")
            .await
            .unwrap();
        let new = |label: &str| NewItem {
            label: label.into(),
        };
        // Cached by a first replace (rows 10 and 11 unlinked, "warm" linked), relinked.
        owner.create_item(new("warm"), &mut conn).await.unwrap();
        db.conn()
            .batch_execute("DELETE FROM items WHERE label = 'warm'; UPDATE items SET owner_id = 1")
            .unwrap();
        for round in 0..3 {
            let holder = hold_second_row(&db);
            let failed = owner.create_item(new("blocked"), &mut conn).await;
            assert!(
                failed.as_ref().is_err_and(|e| e.is_retryable()),
                "{failed:?}"
            );
            drop(holder);
            assert_eq!(rows(db.conn()), seeded(), "round {round}: nothing written");
            let label = format!("after {round}");
            let done =
                tokio::time::timeout(ANSWER_BOUND, owner.create_item(new(&label), &mut conn));
            let item = done.await.expect("answered").unwrap();
            assert_eq!(
                (item.owner_id, item.label.as_str()),
                (Some(1), label.as_str())
            );
            let left = rows(db.conn());
            assert_eq!(
                left[..2],
                [(10, None, "first".into()), (11, None, "second".into())]
            );
            assert_eq!(left.len(), 3, "{left:?}");
            db.conn()
                .batch_execute("DELETE FROM items WHERE id > 11; UPDATE items SET owner_id = 1")
                .unwrap();
        }
    }
}
