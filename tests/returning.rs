//! Rows are read back by what was inserted (issue 9.2): `INSERT … RETURNING` on SQLite
//! and PostgreSQL, `LAST_INSERT_ID()` on MySQL for generated keys and MariaDB's
//! `RETURNING` for explicit ones. Before, `insert_with_…` reloaded the owner with
//! `lastval()` / `LAST_INSERT_ID()` and linked the new row to an unrelated owner when the
//! values carried an explicit id or a trigger used another sequence.

mod common;

use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile, dependent = "destroy")]
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

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub name: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUserWithId<'a> {
    pub id: i32,
    pub name: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = profiles)]
pub struct NewProfile<'a> {
    pub bio: &'a str,
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE users (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE profiles (id {pk}, user_id INTEGER UNIQUE, bio {text} NOT NULL)",
];

backend_tests! {
    schema = SCHEMA;

    fn create_returns_the_inserted_row(conn, backend) {
        let user = insert!(conn, users, User, users::name.eq("Anna"));
        let first = user.create_profile(NewProfile { bio: "first" }, conn).unwrap();
        let second = user.create_profile(NewProfile { bio: "second" }, conn).unwrap();
        assert_eq!(second.bio, "second");
        assert_ne!(second.id, first.id);
        assert_eq!(rows!(conn, profiles, Profile), [second]);
    }
}

/// Values with an explicit owner id (`id = 777`) after a generated one: the new row is
/// linked to owner 777. SQLite and PostgreSQL read it back with `RETURNING`; on MySQL
/// such values are a compile error (ui-test `types/insert_with_explicit_id_mysql`).
macro_rules! explicit_owner_id {
    ($conn:expr) => {{
        let conn = $conn;
        // a generated id first, so "the last generated id" names another owner
        let (anna, _) = User::insert_with_profile(NewUser { name: "Anna" })
            .new_row(NewProfile { bio: "anna's" })
            .save(conn)
            .unwrap();
        let (owner, row) = User::insert_with_profile(NewUserWithId {
            id: 777,
            name: "Bob",
        })
        .new_row(NewProfile { bio: "bob's" })
        .save(conn)
        .unwrap();
        assert_eq!(
            owner,
            User {
                id: 777,
                name: "Bob".into()
            }
        );
        assert_eq!(row.unwrap().user_id, Some(777));
        let linked: Vec<(Option<i32>, String)> = profiles::table
            .order(profiles::id)
            .select((profiles::user_id, profiles::bio))
            .load(conn)
            .unwrap();
        assert_eq!(
            linked,
            [
                (Some(anna.id), "anna's".to_string()),
                (Some(777), "bob's".to_string())
            ]
        );
        assert_eq!(
            anna.profile(conn).unwrap().unwrap().bio,
            "anna's",
            "Anna keeps her row"
        );
    }};
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite_insert_with_an_explicit_owner_id_links_to_that_owner() {
    explicit_owner_id!(&mut common::sqlite("explicit_owner_id", SCHEMA).conn);
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_insert_with_an_explicit_owner_id_links_to_that_owner() {
    explicit_owner_id!(&mut common::postgres("explicit_owner_id", SCHEMA).conn);
}

/// PostgreSQL: a trigger on the owner table that writes to an audit table with its own
/// sequence moves `lastval()`; the owner must still be the one inserted.
#[cfg(feature = "postgres")]
#[test]
fn postgres_owner_trigger_with_another_sequence() {
    let mut db = common::postgres(
        "owner_trigger_sequence",
        &[
            SCHEMA[0],
            SCHEMA[1],
            "CREATE TABLE audit_log (id SERIAL, note TEXT)",
            "CREATE FUNCTION audit_users() RETURNS trigger AS $$ BEGIN INSERT INTO audit_log (note) VALUES (NEW.name); RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER users_audit AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION audit_users()",
        ],
    );
    let conn = &mut db.conn;
    let anna = insert!(conn, users, User, users::name.eq("Anna"));
    let _carl = insert!(conn, users, User, users::name.eq("Carl"));
    // the audit sequence now hands out 1 again: lastval() after the next insert is 1 (Anna)
    diesel::sql_query("SELECT setval(pg_get_serial_sequence('audit_log', 'id'), 1, false)")
        .execute(conn)
        .unwrap();
    let (bob, row) = User::insert_with_profile(NewUser { name: "Bob" })
        .new_row(NewProfile { bio: "bob's" })
        .save(conn)
        .unwrap();
    assert_eq!(bob.name, "Bob");
    assert_eq!(row.unwrap().user_id, Some(bob.id));
    assert_eq!(anna.profile(conn).unwrap(), None, "nothing linked to Anna");
    assert_eq!(bob.profile(conn).unwrap().unwrap().bio, "bob's");
}
