//! `#[derive(diesel::MultiConnection, diesel_has_one::MultiConn)]` (issue 13.3): one enum
//! over SQLite and PostgreSQL, the backend chosen at run time, passed as it is to every
//! association method and to `destroy`; the same body runs on each variant, asserting
//! the rows left.
#![cfg(all(feature = "sqlite", feature = "postgres"))]

mod common;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel_has_one::{Error, Model};

#[derive(diesel::MultiConnection, diesel_has_one::MultiConn)]
pub enum AnyConnection {
    Sqlite(SqliteConnection),
    Postgresql(PgConnection),
}

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }
diesel::table! { notes (id) { id -> Integer, user_id -> Integer, body -> Text } }
diesel::allow_tables_to_appear_in_same_query!(users, profiles, notes);

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile, dependent = "destroy")]
#[has_one(note, dependent = "restrict_with_exception")]
pub struct User {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = profiles)]
pub struct Profile {
    pub id: i32,
    pub user_id: Option<i32>,
    pub bio: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = notes)]
pub struct Note {
    pub id: i32,
    pub user_id: i32,
    pub body: String,
}

#[derive(Insertable)]
#[diesel(table_name = profiles)]
pub struct NewProfile<'a> {
    pub bio: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub name: &'a str,
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE users (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE profiles (id {pk}, user_id INTEGER UNIQUE, bio {text} NOT NULL)",
    "CREATE TABLE notes (id {pk}, user_id INTEGER NOT NULL, body {text} NOT NULL)",
];

fn profiles(conn: &mut AnyConnection) -> Vec<Profile> {
    profiles::table
        .order(profiles::id)
        .select(Profile::as_select())
        .load(conn)
        .unwrap()
}

/// The same calls on either backend, through the enum.
fn every_method(conn: &mut AnyConnection) {
    conn.batch_execute(
        "INSERT INTO users (name) VALUES ('ann'); INSERT INTO users (name) VALUES ('bob')",
    )
    .unwrap();
    let users: Vec<User> = users::table
        .order(users::id)
        .select(User::as_select())
        .load(conn)
        .unwrap();
    let (ann, bob) = (&users[0], &users[1]);
    assert_eq!(ann.profile(conn).unwrap(), None);
    let first = ann.create_profile(NewProfile { bio: "one" }, conn).unwrap();
    let second = ann.create_profile(NewProfile { bio: "two" }, conn).unwrap();
    assert_eq!(
        profiles(conn),
        std::slice::from_ref(&second),
        "replaced: the old row destroyed"
    );
    assert_ne!(first.id, second.id);
    assert_eq!(ann.profile(conn).unwrap().as_ref(), Some(&second));
    assert_eq!(
        User::preload_profile(&users, conn).unwrap(),
        [Some(second.clone()), None]
    );

    bob.set_profile(Some(&second), conn).unwrap();
    assert_eq!(
        profiles(conn),
        [Profile {
            user_id: Some(bob.id),
            ..second.clone()
        }],
        "moved"
    );
    assert_eq!(ann.profile(conn).unwrap(), None);

    // a failing destroy writes nothing: bob's note restricts it
    conn.batch_execute(&format!(
        "INSERT INTO notes (user_id, body) VALUES ({}, 'keep')",
        bob.id
    ))
    .unwrap();
    assert!(matches!(
        bob.destroy(conn),
        Err(Error::DeleteRestricted { .. })
    ));
    assert_eq!(profiles(conn).len(), 1, "nothing destroyed");
    assert_eq!(users::table.count().get_result::<i64>(conn).unwrap(), 2);

    ann.destroy(conn).unwrap();
    let left: Vec<String> = users::table.select(users::name).load(conn).unwrap();
    assert_eq!(left, ["bob"]);

    // build_ + save, and autosave's builders (the owner inserted with its row)
    let built = bob
        .build_profile(NewProfile { bio: "built" })
        .save(conn)
        .unwrap();
    assert_eq!(bob.profile(conn).unwrap(), Some(built));
    let (cleo, row) = User::insert_with_profile(NewUser { name: "cleo" })
        .new_row(NewProfile { bio: "with owner" })
        .save(conn)
        .unwrap();
    assert_eq!(cleo.name, "cleo");
    assert_eq!(row.as_ref().and_then(|r| r.user_id), Some(cleo.id));
    let (_, kept) = cleo.save_with_profile().save(conn).unwrap();
    assert_eq!(kept, row);
    let bios: Vec<String> = profiles::table
        .order(profiles::id)
        .select(profiles::bio)
        .load(conn)
        .unwrap();
    assert_eq!(
        bios,
        ["built", "with owner"],
        "bob's moved row replaced by the built one"
    );
}

#[test]
fn the_sqlite_variant() {
    let mut conn = AnyConnection::Sqlite(SqliteConnection::establish(":memory:").unwrap());
    for statement in SCHEMA {
        conn.batch_execute(&common::ddl(common::Backend::Sqlite, statement))
            .unwrap();
    }
    every_method(&mut conn);
}

#[test]
fn the_postgres_variant() {
    let db = common::postgres("multi_connection_pg", SCHEMA);
    let mut conn = AnyConnection::Postgresql(common::postgres_connect(&db));
    every_method(&mut conn);
}
