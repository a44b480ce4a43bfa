//! The methods that run on async connections (feature `async`): the reader, `preload_…`,
//! `eager_load_…` and `…_query`, each test body run once per executor — the blocking
//! connection, diesel-async's connection, and deadpool's and bb8's pooled connections as
//! the pools hand them out — on SQLite, PostgreSQL and MySQL (`common::executors`).
#![cfg(feature = "async")]

mod common;

use diesel::connection::SimpleConnection;
use diesel::{QueryDsl, SelectableHelper};
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }
diesel::allow_tables_to_appear_in_same_query!(users, profiles);

#[derive(
    Debug, Clone, PartialEq, diesel::Queryable, diesel::Selectable, diesel::Identifiable, Model,
)]
#[diesel(table_name = users)]
#[has_one(profile, dependent = "destroy")]
pub struct User {
    pub id: i32,
    pub name: String,
}

#[derive(
    Debug, Clone, PartialEq, diesel::Queryable, diesel::Selectable, diesel::Identifiable, Model,
)]
#[diesel(table_name = profiles)]
pub struct Profile {
    pub id: i32,
    pub user_id: Option<i32>,
    pub bio: String,
}

/// No unique index on `profiles.user_id`: an owner may have several rows.
const SCHEMA: &[&str] = &[
    "CREATE TABLE users (id INTEGER PRIMARY KEY, name {text} NOT NULL)",
    "CREATE TABLE profiles (id INTEGER PRIMARY KEY, user_id INTEGER, bio {text} NOT NULL)",
    "CREATE INDEX profiles_user_id ON profiles (user_id)",
];

/// Users 1 (Anna: profiles 3 "second" and 1 "first", inserted in that order), 2 (Bob:
/// none) and 3 (Cleo: profile 2), through the blocking setup connection.
fn seed(setup: &mut impl diesel::connection::SimpleConnection) {
    for sql in [
        "INSERT INTO users (id, name) VALUES (1, 'Anna'), (2, 'Bob'), (3, 'Cleo')",
        "INSERT INTO profiles (id, user_id, bio) VALUES (3, 1, 'second')",
        "INSERT INTO profiles (id, user_id, bio) VALUES (1, 1, 'first')",
        "INSERT INTO profiles (id, user_id, bio) VALUES (2, 3, 'cleo')",
    ] {
        setup.batch_execute(sql).unwrap();
    }
}

fn user(id: i32, name: &str) -> User {
    User {
        id,
        name: name.into(),
    }
}

fn profile(id: i32, user_id: i32, bio: &str) -> Profile {
    Profile {
        id,
        user_id: Some(user_id),
        bio: bio.into(),
    }
}

executor_tests! {
    schema = SCHEMA;

    fn the_reader_returns_the_lowest_key(setup, conn, backend) {
        seed(setup);
        let (anna, bob) = (user(1, "Anna"), user(2, "Bob"));
        assert_eq!(run!(anna.profile(conn)).unwrap(), Some(profile(1, 1, "first")));
        assert_eq!(run!(bob.profile(conn)).unwrap(), None);
        // the query value, loaded with the executor's own `RunQueryDsl`
        let query = anna.profile_query().select(Profile::as_select()).limit(1);
        assert_eq!(load!(query, Profile, conn).unwrap(), [profile(1, 1, "first")]);
    }

    fn preload_is_aligned_with_the_owners(setup, conn, backend) {
        seed(setup);
        let (anna, bob, cleo) = (user(1, "Anna"), user(2, "Bob"), user(3, "Cleo"));
        let owners = [cleo.clone(), bob, anna.clone(), user(9, "nobody"), anna];
        let loaded = run!(User::preload_profile(&owners, conn)).unwrap();
        assert_eq!(
            loaded,
            [Some(profile(2, 3, "cleo")), None, Some(profile(1, 1, "first")), None, None]
        );
        assert!(run!(User::preload_profile(&[], conn)).unwrap().is_empty());
    }

    fn eager_load_agrees_with_the_reader(setup, conn, backend) {
        seed(setup);
        let query = User::eager_load_profile(users::table.order(users::id));
        let loaded = load!(query, (User, Option<Profile>), conn).unwrap();
        assert_eq!(
            loaded,
            [
                (user(1, "Anna"), Some(profile(1, 1, "first"))),
                (user(2, "Bob"), None),
                (user(3, "Cleo"), Some(profile(2, 3, "cleo"))),
            ]
        );
    }

    fn a_hundred_thousand_owners_in_one_statement(setup, conn, backend) {
        if backend == common::Backend::Mysql {
            // MariaDB stops recursive CTEs after 1,000 rows by default
            setup.batch_execute("SET SESSION max_recursive_iterations = 1000000").unwrap();
        }
        setup.batch_execute(
            "INSERT INTO profiles (id, user_id, bio) WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < 100000) SELECT i, i, 'b' FROM seq WHERE i % 2 = 0",
        )
        .unwrap();
        let owners: Vec<User> = (1..=100_000).map(|id| user(id, "")).collect();
        let loaded = run!(User::preload_profile(&owners, conn)).unwrap();
        assert_eq!(loaded.len(), 100_000);
        assert!(owners.iter().zip(&loaded).all(|(o, p)| match p {
            Some(p) => p.user_id == Some(o.id) && o.id % 2 == 0,
            None => o.id % 2 == 1,
        }));
    }
}

/// The futures are `Send` (an axum handler's must be): checked by the compiler.
#[cfg(feature = "postgres")]
#[allow(dead_code)]
fn futures_are_send(owner: &User, owners: &[User], conn: &mut diesel_async::AsyncPgConnection) {
    fn send<F: Send>(_: &F) {}
    send(&owner.profile(conn));
    send(&User::preload_profile(owners, conn));
}
