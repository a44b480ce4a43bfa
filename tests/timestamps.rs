//! Rails timestamps on the rows the association writes: an inserted row gets
//! `created_at` = `updated_at` = now (NOT NULL columns with no default, as Rails'
//! `t.timestamps` makes them, so a missing value would fail the insert); a row linked
//! (`set_`) or unlinked (replace with `nullify`, `set_(None)`) gets `updated_at` = now and
//! keeps its `created_at`; `#[model(timestamps = false)]` leaves both alone. Values are
//! UTC to the microsecond, the text ActiveRecord reads back. Every body runs on SQLite,
//! PostgreSQL and MariaDB, directly and through an r2d2 pool.

mod common;

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! {
    notes (id) {
        id -> Integer,
        user_id -> Nullable<Integer>,
        body -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}
diesel::table! {
    plain_notes (id) {
        id -> Integer,
        user_id -> Nullable<Integer>,
        body -> Text,
        created_at -> Nullable<Timestamp>,
        updated_at -> Nullable<Timestamp>,
    }
}
diesel::allow_tables_to_appear_in_same_query!(users, notes, plain_notes);

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
// the nested form: two declarations sharing options (clippy's `duplicated_attributes`)
#[has_one(note(foreign_key = "user_id", dependent = "nullify"))]
#[has_one(plain_note(foreign_key = "user_id", dependent = "nullify"))]
pub struct User {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = notes)]
pub struct Note {
    pub id: i32,
    pub user_id: Option<i32>,
    pub body: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = plain_notes)]
#[model(timestamps = false)]
pub struct PlainNote {
    pub id: i32,
    pub user_id: Option<i32>,
    pub body: String,
    pub created_at: Option<NaiveDateTime>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = notes)]
pub struct NewNote<'a> {
    pub body: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = plain_notes)]
pub struct NewPlainNote<'a> {
    pub body: &'a str,
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE users (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE notes (id {pk}, user_id INTEGER, body {text} NOT NULL, created_at {ts} NOT NULL, updated_at {ts} NOT NULL)",
    "CREATE TABLE plain_notes (id {pk}, user_id INTEGER, body {text} NOT NULL, created_at {ts} NULL, updated_at {ts} NULL)",
];

fn user_named(name: &str) -> diesel::dsl::Eq<users::name, &str> {
    users::name.eq(name)
}

/// Now, truncated to the microsecond (what the columns keep).
fn now() -> NaiveDateTime {
    let t = Utc::now().naive_utc();
    t - chrono::Duration::nanoseconds(i64::from(t.and_utc().timestamp_subsec_nanos() % 1_000))
}

backend_tests! {
    schema = SCHEMA;

    fn create_sets_created_at_and_updated_at_to_one_instant(conn, backend) {
        let anna = insert!(conn, users, User, user_named("Anna"));
        let before = now();
        let note = anna.create_note(NewNote { body: "first" }, conn).unwrap();
        let after = now();
        let rows = rows!(conn, notes, Note);
        assert_eq!(rows, std::slice::from_ref(&note), "returned as stored");
        assert_eq!(note.created_at, note.updated_at, "one instant for both");
        assert!(before <= note.created_at && note.created_at <= after, "{before} <= {} <= {after}", note.created_at);
    }

    fn build_and_save_stamps_too(conn, backend) {
        let anna = insert!(conn, users, User, user_named("Anna"));
        let before = now();
        let note = anna.build_note(NewNote { body: "built" }).save(conn).unwrap();
        assert!(note.created_at >= before);
        assert_eq!(note.created_at, note.updated_at);
    }

    fn replace_with_nullify_stamps_the_unlinked_row_and_keeps_its_created_at(conn, backend) {
        let anna = insert!(conn, users, User, user_named("Anna"));
        let old = anna.create_note(NewNote { body: "old" }, conn).unwrap();
        let before = now();
        let new = anna.create_note(NewNote { body: "new" }, conn).unwrap();
        let rows = rows!(conn, notes, Note);
        let unlinked = rows.iter().find(|n| n.id == old.id).unwrap();
        assert_eq!(unlinked.user_id, None);
        assert_eq!(unlinked.created_at, old.created_at, "created_at kept");
        assert!(unlinked.updated_at >= before && unlinked.updated_at > old.updated_at, "updated_at stamped on unlink");
        assert_eq!(rows.iter().find(|n| n.id == new.id).unwrap().user_id, Some(anna.id));
    }

    fn set_stamps_the_linked_row_and_the_row_it_unlinks(conn, backend) {
        let (anna, bob) = (insert!(conn, users, User, user_named("Anna")), insert!(conn, users, User, user_named("Bob")));
        let annas = anna.create_note(NewNote { body: "anna's" }, conn).unwrap();
        let bobs = bob.create_note(NewNote { body: "bob's" }, conn).unwrap();
        let before = now();
        // moves Bob's note to Anna; Anna's old note is unlinked (nullify)
        anna.set_note(Some(&bobs), conn).unwrap();
        let rows = rows!(conn, notes, Note);
        let moved = rows.iter().find(|n| n.id == bobs.id).unwrap();
        let unlinked = rows.iter().find(|n| n.id == annas.id).unwrap();
        assert_eq!((moved.user_id, unlinked.user_id), (Some(anna.id), None));
        assert_eq!((moved.created_at, unlinked.created_at), (bobs.created_at, annas.created_at));
        assert!(moved.updated_at >= before && unlinked.updated_at >= before, "{rows:?}");

        let before = now();
        anna.set_note(None, conn).unwrap();
        let gone = rows!(conn, notes, Note).into_iter().find(|n| n.id == bobs.id).unwrap();
        assert_eq!(gone.user_id, None);
        assert!(gone.updated_at >= before, "set_(None) stamps the unlinked row");
    }

    fn a_failed_write_stamps_nothing(conn, backend) {
        let anna = insert!(conn, users, User, user_named("Anna"));
        let note = anna.create_note(NewNote { body: "kept" }, conn).unwrap();
        let ghost = Note { id: 999, ..note.clone() };
        assert!(anna.set_note(Some(&ghost), conn).is_err(), "no such row");
        assert_eq!(rows!(conn, notes, Note), [note], "the linked row untouched, its timestamps too");
    }

    fn timestamps_false_leaves_both_alone(conn, backend) {
        let anna = insert!(conn, users, User, user_named("Anna"));
        anna.create_plain_note(NewPlainNote { body: "a" }, conn).unwrap();
        anna.create_plain_note(NewPlainNote { body: "b" }, conn).unwrap();
        let rows = rows!(conn, plain_notes, PlainNote);
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|n| n.created_at.is_none() && n.updated_at.is_none()), "{rows:?}");
    }
}
