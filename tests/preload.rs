//! `preload_…`: one query for any number of owners (statement counts measured with
//! Diesel's instrumentation), results aligned with the owners, the same row as the reader
//! when several match, and 100,000 owners on every backend.

mod common;

use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }
diesel::allow_tables_to_appear_in_same_query!(users, profiles, tags);

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile)]
#[has_one(tag)]
pub struct User {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, Model)]
#[diesel(table_name = profiles, belongs_to(User))]
pub struct Profile {
    pub id: i32,
    pub user_id: Option<i32>,
    pub bio: String,
}

/// No unique index on `profiles.user_id`: several rows may match one owner.
const SCHEMA: &[&str] = &[
    "CREATE TABLE users (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE profiles (id {pk}, user_id INTEGER, bio {text} NOT NULL)",
    "CREATE INDEX profiles_user_id ON profiles (user_id)",
    "CREATE TABLE tags (code {text} PRIMARY KEY, user_id INTEGER)",
];

diesel::table! { tags (code) { code -> Text, user_id -> Nullable<Integer> } }

/// A target keyed by text.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = tags, primary_key(code))]
pub struct Tag {
    pub code: String,
    pub user_id: Option<i32>,
}

fn owners(n: i32) -> Vec<User> {
    (1..=n)
        .map(|id| User {
            id,
            name: format!("u{id}"),
        })
        .collect()
}

/// `n` users, and a profile for every other one (even ids), written with one statement each.
fn seed(conn: &mut impl diesel::connection::SimpleConnection, backend: common::Backend, n: i32) {
    if backend == common::Backend::Mysql {
        // MariaDB stops recursive CTEs after 1,000 rows by default
        conn.batch_execute("SET SESSION max_recursive_iterations = 1000000")
            .unwrap();
    }
    conn.batch_execute(&format!(
        "INSERT INTO users (id, name) WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < {n}) SELECT i, 'u' FROM seq;
         INSERT INTO profiles (user_id, bio) WITH RECURSIVE seq(i) AS (SELECT 2 UNION ALL SELECT i + 2 FROM seq WHERE i + 2 <= {n}) SELECT i, 'b' FROM seq;"
    ))
    .unwrap();
}

backend_tests! {
    schema = SCHEMA;

    fn one_query_aligned_with_the_owners(conn, backend) {
        seed(conn, backend, 10);
        let mut list = owners(10);
        list.reverse();
        list.push(User { id: 999, name: "nobody".into() });
        let log = common::Statements::record(conn);
        let loaded = User::preload_profile(&list, conn).unwrap();
        assert_eq!(log.queries().len(), 1, "{:?}", log.queries());
        assert_eq!(loaded.len(), list.len());
        for (owner, profile) in list.iter().zip(&loaded) {
            match profile {
                Some(p) => assert_eq!(p.user_id, Some(owner.id)),
                None => assert!(owner.id % 2 == 1 || owner.id == 999, "{owner:?}"),
            }
        }
        assert_eq!(loaded.iter().flatten().count(), 5);
        // no owners, no query
        log.clear();
        assert!(User::preload_profile(&[], conn).unwrap().is_empty());
        assert!(log.queries().is_empty());
    }

    fn statements_do_not_grow_with_the_owners(conn, backend) {
        seed(conn, backend, 1000);
        let log = common::Statements::record(conn);
        for n in [1, 10, 100, 1000] {
            log.clear();
            let loaded = User::preload_profile(&owners(n), conn).unwrap();
            assert_eq!(loaded.iter().flatten().count() as i32, n / 2);
            assert_eq!(log.queries().len(), 1, "N = {n}: {:?}", log.queries());
        }
    }

    fn reader_and_preload_agree_on_the_lowest_primary_key(conn, backend) {
        let anna = insert!(conn, users, User, users::name.eq("Anna"));
        // three rows for one owner (no unique index), inserted out of order of preference
        for bio in ["first", "second", "third"] {
            diesel::insert_into(profiles::table)
                .values((profiles::user_id.eq(anna.id), profiles::bio.eq(bio)))
                .execute(conn)
                .unwrap();
        }
        let read = anna.profile(conn).unwrap().unwrap();
        let preloaded = User::preload_profile(std::slice::from_ref(&anna), conn).unwrap();
        assert_eq!(read.bio, "first");
        assert_eq!(preloaded, [Some(read)]);
    }

    fn preload_picks_the_lowest_primary_key_in_whatever_order_rows_arrive(conn, backend) {
        let anna = insert!(conn, users, User, users::name.eq("Anna"));
        let bob = insert!(conn, users, User, users::name.eq("Bob"));
        for owner in [&anna, &bob] {
            for bio in ["first", "second", "third"] {
                diesel::insert_into(profiles::table)
                    .values((profiles::user_id.eq(owner.id), profiles::bio.eq(bio)))
                    .execute(conn)
                    .unwrap();
            }
        }
        // Write each owner's lowest row again, same key: PostgreSQL puts it at the end of
        // the heap and of the foreign key index's entries for that key, so a statement
        // without `ORDER BY` returns it after the others.
        let lowest: Vec<Profile> = profiles::table
            .filter(profiles::bio.eq("first"))
            .select(Profile::as_select())
            .load(conn)
            .unwrap();
        for row in &lowest {
            diesel::delete(profiles::table.find(row.id)).execute(conn).unwrap();
            diesel::insert_into(profiles::table)
                .values((profiles::id.eq(row.id), profiles::user_id.eq(row.user_id), profiles::bio.eq(&row.bio)))
                .execute(conn)
                .unwrap();
        }
        let lowest: Vec<i32> = lowest.iter().map(|row| row.id).collect();
        let arrival: Vec<i32> = profiles::table
            .filter(profiles::user_id.eq(anna.id))
            .select(profiles::id)
            .load(conn)
            .unwrap();
        if backend == common::Backend::Postgres {
            assert_eq!(arrival.last(), Some(&lowest[0]), "the lowest row arrives last");
        }
        let log = common::Statements::record(conn);
        let preloaded = User::preload_profile(&[bob.clone(), anna.clone(), bob.clone()], conn).unwrap();
        assert!(!log.queries()[0].contains("ORDER BY"), "{:?}", log.queries());
        let (read_anna, read_bob) = (anna.profile(conn).unwrap(), bob.profile(conn).unwrap());
        assert_eq!(read_anna.as_ref().unwrap().bio, "first");
        assert_eq!(read_bob.as_ref().unwrap().bio, "first");
        assert_eq!(preloaded, [read_bob, read_anna, None]);
    }

    fn text_primary_keys_keep_the_database_s_order(conn, backend) {
        let anna = insert!(conn, users, User, users::name.eq("Anna"));
        // "B" < "a" in bytes; a case-insensitive or linguistic collation (MariaDB's
        // default, PostgreSQL's en_US) puts "a" first: the reader's row is the database's
        for code in ["B", "a", "c"] {
            diesel::insert_into(tags::table)
                .values((tags::code.eq(code), tags::user_id.eq(anna.id)))
                .execute(conn)
                .unwrap();
        }
        let read = anna.tag(conn).unwrap().unwrap();
        let log = common::Statements::record(conn);
        let preloaded = User::preload_tag(std::slice::from_ref(&anna), conn).unwrap();
        assert!(log.queries()[0].contains("ORDER BY"), "{:?}", log.queries());
        assert_eq!(preloaded, [Some(read)]);
    }

    fn a_hundred_thousand_owners(conn, backend) {
        seed(conn, backend, 100_000);
        let list = owners(100_000);
        let log = common::Statements::record(conn);
        let loaded = User::preload_profile(&list, conn).unwrap();
        assert_eq!(log.queries().len(), 1);
        assert_eq!(loaded.len(), 100_000);
        assert_eq!(loaded.iter().flatten().count(), 50_000);
        assert!(list.iter().zip(&loaded).all(|(o, p)| match p {
            Some(p) => p.user_id == Some(o.id),
            None => o.id % 2 == 1,
        }));
        // The hand-written Diesel query binds one parameter per owner on SQLite and MySQL
        // and fails there; on PostgreSQL Diesel sends one array (`= ANY($1)`), as we do.
        let hand_written = Profile::belonging_to(&list).load::<Profile>(conn);
        match backend {
            common::Backend::Sqlite => assert!(hand_written.unwrap_err().to_string().contains("too many SQL variables")),
            common::Backend::Mysql => assert!(hand_written.unwrap_err().to_string().contains("too many placeholders")),
            common::Backend::Postgres => assert_eq!(hand_written.unwrap().len(), 50_000),
        }
    }
}
