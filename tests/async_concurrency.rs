//! Concurrency on async connections (issue 11): 16 tokio tasks, each with its own
//! diesel-async connection, replace the `has_one` of the SAME owner 200 times each (3,200
//! `create_…(…).await` calls) on a multi-threaded runtime — tests/concurrency.rs with the
//! async executor. The replace transaction locks the owner row, so the replacements
//! serialize: no error, no deadlock, no lost row, and the unique index on the foreign key
//! never trips; at the end exactly one row is there, linked.
#![cfg(feature = "async")]

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { owners (id) { id -> Integer, name -> Text } }
diesel::table! { items (id) { id -> Integer, owner_id -> Nullable<Integer>, label -> Text } }

const TASKS: usize = 16;
const PER_TASK: usize = 200;

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
pub struct NewItem {
    pub label: String,
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE owners (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE items (id {pk}, owner_id INTEGER REFERENCES owners(id), label {text} NOT NULL)",
    "CREATE UNIQUE INDEX index_items_on_owner_id ON items (owner_id)",
];

fn label(task: usize, n: usize) -> String {
    format!("t{task}-{n}")
}

/// The 16-task run on backend `$module`, whose async connection type is `$async`.
macro_rules! same_owner_from_16_tasks {
    ($module:ident, $feature:literal, $open:path, $async:ty) => {
        #[cfg(feature = $feature)]
        mod $module {
            use super::*;
            use diesel_async::AsyncConnection;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn replace_same_owner_from_16_tasks() {
                let mut db = $open("async_same_owner", SCHEMA);
                let url = common::executors::async_url(db.db.backend, db.connector.target());
                let owner = insert!(db.conn(), owners, Owner, owners::name.eq("contended"));
                let owner = Arc::new(owner);
                let start = Arc::new(tokio::sync::Barrier::new(TASKS));
                let mut tasks = Vec::new();
                for task in 0..TASKS {
                    let (owner, start, url) = (owner.clone(), start.clone(), url.clone());
                    tasks.push(tokio::spawn(async move {
                        let mut conn = <$async>::establish(&url).await.unwrap();
                        start.wait().await;
                        let mut errors = Vec::new();
                        for n in 0..PER_TASK {
                            let values = NewItem {
                                label: label(task, n),
                            };
                            match owner.create_item(values, &mut conn).await {
                                Ok(item) if item.label == label(task, n) => {}
                                other => errors.push(format!("{}: {other:?}", label(task, n))),
                            }
                        }
                        errors
                    }));
                }
                let mut errors = Vec::new();
                for task in tasks {
                    errors.extend(task.await.unwrap());
                }
                assert!(
                    errors.is_empty(),
                    "{} failed; first: {:?}",
                    errors.len(),
                    &errors[..errors.len().min(5)]
                );

                let all = rows!(db.conn(), items, Item);
                assert_eq!(
                    all.len(),
                    1,
                    "exactly one row, no orphan: {:?}",
                    &all[..all.len().min(5)]
                );
                assert_eq!(all[0].owner_id, Some(owner.id));
                let labels: BTreeSet<String> = (0..TASKS)
                    .flat_map(|t| (0..PER_TASK).map(move |n| label(t, n)))
                    .collect();
                assert!(labels.contains(&all[0].label));
            }
        }
    };
}

same_owner_from_16_tasks!(
    sqlite,
    "sqlite",
    common::sqlite_shared,
    common::executors::Wrapped
);
same_owner_from_16_tasks!(
    postgres,
    "postgres",
    common::postgres_shared,
    diesel_async::AsyncPgConnection
);
same_owner_from_16_tasks!(
    mysql,
    "mysql",
    common::mysql_shared,
    diesel_async::AsyncMysqlConnection
);
