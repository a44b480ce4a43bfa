//! Every `dependent` value, on owner destroy and on replace, with the rows left in the
//! tables; destroy hooks and their aborts inside nested cascades.
//!
//! Six owner types share the `users` table, one per `dependent`; all point at `notes`,
//! which itself `has_one :stamp, dependent: :destroy`. The foreign keys carry no database
//! constraints here, so the rows show exactly what the library did (the database-enforced
//! cases are in `thoughtbot.rs`).

mod common;

use std::cell::RefCell;

use diesel::prelude::*;
use diesel_has_one::{Error, Model};

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { notes (id) { id -> Integer, user_id -> Nullable<Integer>, body -> Text } }
diesel::table! { stamps (id) { id -> Integer, note_id -> Nullable<Integer>, label -> Text } }

macro_rules! owner {
    ($name:ident, $($dependent:literal)?) => {
        #[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
        #[diesel(table_name = users)]
        #[has_one(note, foreign_key = "user_id" $(, dependent = $dependent)?)]
        pub struct $name {
            pub id: i32,
            pub name: String,
        }
    };
}

owner!(DestroyUser, "destroy");
owner!(DeleteUser, "delete");
owner!(NullifyUser, "nullify");
owner!(RestrictUser, "restrict_with_exception");
owner!(RestrictErrorUser, "restrict_with_error");
owner!(PlainUser,);

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = notes)]
#[has_one(stamp, dependent = "destroy")]
#[model(before_destroy = note_before_destroy, after_destroy = note_after_destroy)]
pub struct Note {
    pub id: i32,
    pub user_id: Option<i32>,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = stamps)]
#[model(before_destroy = stamp_before_destroy)]
pub struct Stamp {
    pub id: i32,
    pub note_id: Option<i32>,
    pub label: String,
}

#[derive(Insertable)]
#[diesel(table_name = notes)]
pub struct NewNote<'a> {
    pub body: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = stamps)]
pub struct NewStamp<'a> {
    pub label: &'a str,
}

thread_local! {
    /// The hooks that ran on this test's thread, in order.
    static HOOKS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn hooks() -> Vec<String> {
    HOOKS.with(|h| h.borrow().clone())
}

fn note_before_destroy<C>(note: &Note, _conn: &mut C) -> Result<(), Error> {
    HOOKS.with(|h| h.borrow_mut().push(format!("before note {}", note.body)));
    if note.body == "locked" {
        return Err(Error::abort("note is locked"));
    }
    Ok(())
}

fn note_after_destroy<C>(note: &Note, _conn: &mut C) -> Result<(), Error> {
    HOOKS.with(|h| h.borrow_mut().push(format!("after note {}", note.body)));
    Ok(())
}

fn stamp_before_destroy<C>(stamp: &Stamp, _conn: &mut C) -> Result<(), Error> {
    HOOKS.with(|h| h.borrow_mut().push(format!("before stamp {}", stamp.label)));
    if stamp.label == "locked" {
        return Err(Error::abort("stamp is locked"));
    }
    Ok(())
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE users (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE notes (id {pk}, user_id INTEGER UNIQUE, body {text} NOT NULL)",
    "CREATE TABLE stamps (id {pk}, note_id INTEGER UNIQUE, label {text} NOT NULL)",
];

fn note(id: i32, user_id: Option<i32>, body: &str) -> Note {
    Note {
        id,
        user_id,
        body: body.into(),
    }
}

fn stamp(id: i32, note_id: Option<i32>, label: &str) -> Stamp {
    Stamp {
        id,
        note_id,
        label: label.into(),
    }
}

/// A user of type `$ty` with a note "first" that has a stamp labelled `$label`.
macro_rules! user_with_note {
    ($conn:expr, $ty:ty, $label:expr) => {{
        let user = insert!($conn, users, $ty, users::name.eq("Anna"));
        let note = user.create_note(NewNote { body: "first" }, $conn).unwrap();
        note.create_stamp(NewStamp { label: $label }, $conn)
            .unwrap();
        (user, note)
    }};
}

backend_tests! {
    schema = SCHEMA;

    fn destroy_runs_hooks_and_the_targets_own_dependents(conn, backend) {
        let (user, _) = user_with_note!(conn, DestroyUser, "ok");
        user.destroy(conn).unwrap();
        assert!(rows!(conn, users, DestroyUser).is_empty());
        assert!(rows!(conn, notes, Note).is_empty());
        assert!(rows!(conn, stamps, Stamp).is_empty());
        assert_eq!(hooks(), ["before note first", "before stamp ok", "after note first"]);
    }

    fn delete_skips_hooks_and_dependents(conn, backend) {
        let (user, note_row) = user_with_note!(conn, DeleteUser, "ok");
        user.destroy(conn).unwrap();
        assert!(rows!(conn, users, DeleteUser).is_empty());
        assert!(rows!(conn, notes, Note).is_empty());
        // one DELETE, no callbacks: the note's own dependent is not run (as in Rails)
        assert_eq!(rows!(conn, stamps, Stamp), [stamp(1, Some(note_row.id), "ok")]);
        assert!(hooks().is_empty());
    }

    fn nullify_unlinks(conn, backend) {
        let (user, note_row) = user_with_note!(conn, NullifyUser, "ok");
        user.destroy(conn).unwrap();
        assert!(rows!(conn, users, NullifyUser).is_empty());
        assert_eq!(rows!(conn, notes, Note), [note(note_row.id, None, "first")]);
        assert_eq!(rows!(conn, stamps, Stamp).len(), 1);
        assert!(hooks().is_empty());
    }

    fn restrict_with_exception_deletes_nothing(conn, backend) {
        let (user, note_row) = user_with_note!(conn, RestrictUser, "ok");
        let err = user.destroy(conn).unwrap_err();
        assert!(
            matches!(err, Error::DeleteRestricted { model: "RestrictUser", association: "note" }),
            "{err:?}"
        );
        assert_eq!(err.to_string(), "cannot delete RestrictUser because of dependent note");
        assert_eq!(rows!(conn, users, RestrictUser), std::slice::from_ref(&user));
        assert_eq!(rows!(conn, notes, Note), [note_row]);
        // without a note the owner goes
        user.set_note(None, conn).unwrap();
        user.destroy(conn).unwrap();
        assert!(rows!(conn, users, RestrictUser).is_empty());
    }

    fn restrict_with_error_reports_on_base(conn, backend) {
        let (user, note_row) = user_with_note!(conn, RestrictErrorUser, "ok");
        let Error::Invalid(errors) = user.destroy(conn).unwrap_err() else {
            panic!("expected Error::Invalid")
        };
        assert_eq!(
            errors.on("base").collect::<Vec<_>>(),
            ["Cannot delete record because a dependent note exists"]
        );
        assert_eq!(rows!(conn, users, RestrictErrorUser), [user]);
        assert_eq!(rows!(conn, notes, Note), [note_row]);
    }

    fn no_dependent_leaves_the_row(conn, backend) {
        let (user, note_row) = user_with_note!(conn, PlainUser, "ok");
        user.destroy(conn).unwrap();
        assert!(rows!(conn, users, PlainUser).is_empty());
        assert_eq!(rows!(conn, notes, Note), [note_row]);
    }

    fn replace_with_destroy_destroys_the_old_row(conn, backend) {
        let (user, _) = user_with_note!(conn, DestroyUser, "ok");
        let second = user.create_note(NewNote { body: "second" }, conn).unwrap();
        assert_eq!(rows!(conn, notes, Note), [note(second.id, Some(user.id), "second")]);
        assert!(rows!(conn, stamps, Stamp).is_empty(), "the old note's stamp went with it");
        assert_eq!(hooks(), ["before note first", "before stamp ok", "after note first"]);
    }

    fn replace_with_delete_deletes_the_old_row(conn, backend) {
        let (user, old) = user_with_note!(conn, DeleteUser, "ok");
        let second = user.create_note(NewNote { body: "second" }, conn).unwrap();
        assert_eq!(rows!(conn, notes, Note), [note(second.id, Some(user.id), "second")]);
        assert_eq!(rows!(conn, stamps, Stamp), [stamp(1, Some(old.id), "ok")]);
        assert!(hooks().is_empty());
    }

    fn replace_nullifies_for_every_other_dependent(conn, backend) {
        fn check(notes: Vec<Note>, user_id: i32) {
            assert_eq!(notes.len(), 2, "{notes:?}");
            assert_eq!((notes[0].user_id, notes[0].body.as_str()), (None, "first"));
            assert_eq!((notes[1].user_id, notes[1].body.as_str()), (Some(user_id), "second"));
        }
        macro_rules! case {
            ($ty:ty) => {{
                diesel::delete(notes::table).execute(conn).unwrap();
                let user = insert!(conn, users, $ty, users::name.eq("Anna"));
                user.create_note(NewNote { body: "first" }, conn).unwrap();
                user.create_note(NewNote { body: "second" }, conn).unwrap();
                check(rows!(conn, notes, Note), user.id);
                assert_eq!(user.note(conn).unwrap().unwrap().body, "second");
            }};
        }
        case!(NullifyUser);
        case!(RestrictUser);
        case!(RestrictErrorUser);
        case!(PlainUser);
        assert!(hooks().is_empty());
    }

    fn set_links_an_existing_row_and_removes_the_old_one(conn, backend) {
        let (user, _) = user_with_note!(conn, DestroyUser, "ok");
        let loose = insert!(conn, notes, Note, notes::body.eq("loose"));
        user.set_note(Some(&loose), conn).unwrap();
        assert_eq!(rows!(conn, notes, Note), [note(loose.id, Some(user.id), "loose")]);
        // linking the row that is already linked changes nothing
        user.set_note(Some(&loose), conn).unwrap();
        assert_eq!(rows!(conn, notes, Note), [note(loose.id, Some(user.id), "loose")]);
        // None removes it per dependent (destroy)
        user.set_note(None, conn).unwrap();
        assert!(rows!(conn, notes, Note).is_empty());
    }

    fn set_none_nullifies(conn, backend) {
        let (user, old) = user_with_note!(conn, NullifyUser, "ok");
        user.set_note(None, conn).unwrap();
        assert_eq!(rows!(conn, notes, Note), [note(old.id, None, "first")]);
        assert_eq!(user.note(conn).unwrap(), None);
    }

    fn set_a_row_that_is_gone_changes_nothing(conn, backend) {
        let (user, old) = user_with_note!(conn, DestroyUser, "ok");
        let ghost = note(999, None, "ghost");
        let err = user.set_note(Some(&ghost), conn).unwrap_err();
        assert!(matches!(err, Error::NotFound { model: "Note" }), "{err:?}");
        assert_eq!(rows!(conn, notes, Note), [old]);
        assert_eq!(rows!(conn, stamps, Stamp).len(), 1);
    }

    fn abort_in_a_nested_cascade_rolls_back_everything(conn, backend) {
        let (user, old) = user_with_note!(conn, DestroyUser, "locked");
        let before = (rows!(conn, users, DestroyUser), rows!(conn, notes, Note), rows!(conn, stamps, Stamp));
        let err = user.destroy(conn).unwrap_err();
        assert!(matches!(&err, Error::Aborted(reason) if reason == "stamp is locked"), "{err:?}");
        // the note's before hook ran, then the stamp aborted: nothing is deleted
        assert_eq!(hooks(), ["before note first", "before stamp locked"]);
        assert_eq!((rows!(conn, users, DestroyUser), rows!(conn, notes, Note), rows!(conn, stamps, Stamp)), before);
        // the same abort makes a replace fail and keeps the old row linked
        let err = user.create_note(NewNote { body: "second" }, conn).unwrap_err();
        assert!(matches!(err, Error::Aborted(_)), "{err:?}");
        assert_eq!(rows!(conn, notes, Note), [old]);
    }

    fn abort_in_the_targets_own_hook(conn, backend) {
        let user = insert!(conn, users, DestroyUser, users::name.eq("Anna"));
        let old = user.create_note(NewNote { body: "locked" }, conn).unwrap();
        let err = user.destroy(conn).unwrap_err();
        assert!(matches!(&err, Error::Aborted(reason) if reason == "note is locked"), "{err:?}");
        assert_eq!(rows!(conn, users, DestroyUser), [user]);
        assert_eq!(rows!(conn, notes, Note), [old]);
    }

    fn destroying_a_row_that_is_gone_is_not_found(conn, backend) {
        let user = insert!(conn, users, PlainUser, users::name.eq("Anna"));
        user.destroy(conn).unwrap();
        let err = user.destroy(conn).unwrap_err();
        assert!(matches!(err, Error::NotFound { model: "PlainUser" }), "{err:?}");
        // a replace on a deleted owner writes nothing
        let err = user.create_note(NewNote { body: "orphan" }, conn).unwrap_err();
        assert!(matches!(err, Error::NotFound { model: "PlainUser" }), "{err:?}");
        assert!(rows!(conn, notes, Note).is_empty());
    }
}
