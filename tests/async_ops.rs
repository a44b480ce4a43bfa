//! The methods that run on async connections (feature `async`): the reader, `preload_…`,
//! `eager_load_…` and `…_query`, plain and `through` (joined, `disable_joins`, nested), each test body run once per executor — the blocking
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

mod through {
    use super::*;

    diesel::table! { members (id) { id -> Integer, name -> Text } }
    diesel::table! { memberships (id) { id -> Integer, member_id -> Nullable<Integer>, club_id -> Nullable<Integer> } }
    diesel::table! { clubs (id) { id -> Integer, name -> Text, president_id -> Nullable<Integer> } }
    diesel::table! { presidents (id) { id -> Integer, name -> Text } }
    diesel::joinable!(memberships -> members (member_id));
    diesel::joinable!(memberships -> clubs (club_id));
    diesel::joinable!(clubs -> presidents (president_id));
    diesel::allow_tables_to_appear_in_same_query!(members, memberships, clubs, presidents);

    #[derive(
        Debug, Clone, PartialEq, diesel::Queryable, diesel::Selectable, diesel::Identifiable, Model,
    )]
    #[diesel(table_name = members)]
    #[has_one(membership)]
    // the nested form (`name(options)`) keeps clippy's `duplicated_attributes` quiet
    #[has_one(club(through = "membership"))]
    #[has_one(club_without_joins(through = "membership", source = "club", disable_joins = true))]
    #[has_one(president, through = "club")]
    pub struct Member {
        pub id: i32,
        pub name: String,
    }

    #[derive(
        Debug,
        Clone,
        PartialEq,
        diesel::Queryable,
        diesel::Selectable,
        diesel::Identifiable,
        diesel::Associations,
        Model,
    )]
    #[diesel(table_name = memberships, belongs_to(Member), belongs_to(Club))]
    pub struct Membership {
        pub id: i32,
        pub member_id: Option<i32>,
        pub club_id: Option<i32>,
    }

    #[derive(
        Debug,
        Clone,
        PartialEq,
        diesel::Queryable,
        diesel::Selectable,
        diesel::Identifiable,
        diesel::Associations,
        Model,
    )]
    #[diesel(table_name = clubs, belongs_to(President))]
    pub struct Club {
        pub id: i32,
        pub name: String,
        pub president_id: Option<i32>,
    }

    #[derive(
        Debug, Clone, PartialEq, diesel::Queryable, diesel::Selectable, diesel::Identifiable, Model,
    )]
    #[diesel(table_name = presidents)]
    pub struct President {
        pub id: i32,
        pub name: String,
    }

    const SCHEMA: &[&str] = &[
        "CREATE TABLE members (id INTEGER PRIMARY KEY, name {text} NOT NULL)",
        "CREATE TABLE memberships (id {pk}, member_id INTEGER, club_id INTEGER)",
        "CREATE TABLE clubs (id INTEGER PRIMARY KEY, name {text} NOT NULL, president_id INTEGER)",
        "CREATE TABLE presidents (id INTEGER PRIMARY KEY, name {text} NOT NULL)",
    ];

    fn member(id: i32) -> Member {
        Member {
            id,
            name: format!("m{id}"),
        }
    }

    fn club(id: i32, president: Option<i32>) -> Club {
        Club {
            id,
            name: format!("c{id}"),
            president_id: president,
        }
    }

    /// Members 1 (in club 10, president 100), 2 (in club 20, no president), 3 (a
    /// membership without a club), 4 (none); club 10 has two memberships (1 and 5).
    fn seed(setup: &mut impl SimpleConnection) {
        setup
            .batch_execute(
                "INSERT INTO members (id, name) VALUES (1, 'm1'), (2, 'm2'), (3, 'm3'), (4, 'm4'), (5, 'm5');
                 INSERT INTO presidents (id, name) VALUES (100, 'p100');
                 INSERT INTO clubs (id, name, president_id) VALUES (10, 'c10', 100), (20, 'c20', NULL);
                 INSERT INTO memberships (member_id, club_id) VALUES (1, 10), (2, 20), (3, NULL), (5, 10);",
            )
            .unwrap();
    }

    executor_tests! {
        schema = SCHEMA;

        fn readers_joined_and_without_joins(setup, conn, backend) {
            seed(setup);
            let (one, two, three, four) = (member(1), member(2), member(3), member(4));
            assert_eq!(run!(one.club(conn)).unwrap(), Some(club(10, Some(100))));
            assert_eq!(run!(one.club_without_joins(conn)).unwrap(), Some(club(10, Some(100))));
            assert_eq!(run!(two.club_without_joins(conn)).unwrap(), Some(club(20, None)));
            assert_eq!(run!(three.club(conn)).unwrap(), None);
            assert_eq!(run!(three.club_without_joins(conn)).unwrap(), None);
            assert_eq!(run!(four.club_without_joins(conn)).unwrap(), None);
            let president = President { id: 100, name: "p100".into() };
            assert_eq!(run!(one.president(conn)).unwrap(), Some(president));
            assert_eq!(run!(two.president(conn)).unwrap(), None);
        }

        fn set_through_moves_inserts_and_destroys_the_join_row(setup, conn, backend) {
            seed(setup);
            let (one, two, four) = (member(1), member(2), member(4));
            run!(one.set_club(Some(&club(20, None)), conn)).unwrap();
            run!(four.set_club(Some(&club(10, Some(100))), conn)).unwrap();
            run!(two.set_club(None, conn)).unwrap();
            let rows = load!(memberships::table.order(memberships::member_id).select((memberships::member_id, memberships::club_id)), (Option<i32>, Option<i32>), conn).unwrap();
            assert_eq!(rows, [(Some(1), Some(20)), (Some(3), None), (Some(4), Some(10)), (Some(5), Some(10))], "moved, inserted, destroyed");
            assert_eq!(run!(four.club(conn)).unwrap(), Some(club(10, Some(100))));
            // A failing write leaves the join rows as they were: the owner is gone.
            let ghost = member(9);
            let err = run!(ghost.set_club(Some(&club(10, Some(100))), conn)).unwrap_err();
            assert!(matches!(err, diesel_has_one::Error::NotFound { .. }), "{err:?}");
            assert_eq!(load!(memberships::table.select(memberships::id), i32, conn).unwrap().len(), 4);
        }

        fn preload_through_every_hop(setup, conn, backend) {
            seed(setup);
            let owners: Vec<Member> = [4, 1, 3, 2, 5, 1].into_iter().map(member).collect();
            let clubs = run!(Member::preload_club(&owners, conn)).unwrap();
            let (ten, twenty) = (club(10, Some(100)), club(20, None));
            assert_eq!(clubs, [None, Some(ten.clone()), None, Some(twenty), Some(ten.clone()), Some(ten)]);
            let presidents = run!(Member::preload_president(&owners, conn)).unwrap();
            let president = President { id: 100, name: "p100".into() };
            assert_eq!(presidents, [None, Some(president.clone()), None, None, Some(president.clone()), Some(president)]);
        }
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

/// The `through` futures too, joined and `disable_joins`.
#[cfg(feature = "postgres")]
#[allow(dead_code)]
fn through_futures_are_send(
    owner: &through::Member,
    owners: &[through::Member],
    conn: &mut diesel_async::AsyncPgConnection,
) {
    fn send<F: Send>(_: &F) {}
    send(&owner.club(conn));
    send(&owner.club_without_joins(conn));
    send(&through::Member::preload_president(owners, conn));
}
