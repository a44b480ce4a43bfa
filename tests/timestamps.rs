//! Rails timestamps on the rows the association writes: an inserted row gets
//! `created_at` = `updated_at` = now (NOT NULL columns with no default, as Rails'
//! `t.timestamps` makes them, so a missing value would fail the insert); a row linked
//! (`set_`) or unlinked (replace with `nullify`, `set_(None)`) gets `updated_at` = now and
//! keeps its `created_at`; `#[model(timestamps = false)]` leaves both alone. The same
//! holds for the owner `insert_with_` inserts (its own timestamps, the instant its row
//! gets) and for the join rows a `through` writer inserts or updates (the join model's
//! timestamps). Values are UTC to the microsecond, the text ActiveRecord reads back. Every
//! body runs on SQLite, PostgreSQL and MariaDB, directly and through an r2d2 pool.

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
// insert_with_: owners with timestamps (NOT NULL) and opted out (nullable, left NULL)
diesel::table! { accounts (id) { id -> Integer, name -> Text, created_at -> Timestamp, updated_at -> Timestamp } }
diesel::table! { plain_accounts (id) { id -> Integer, name -> Text, created_at -> Nullable<Timestamp>, updated_at -> Nullable<Timestamp> } }
diesel::table! {
    badges (id) {
        id -> Integer,
        account_id -> Nullable<Integer>,
        label -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}
// through: Member → Membership (has_one, stamped join rows) → Club, Member →
// PlainMembership (timestamps = false) → Club, Comment → Post (belongs_to, stamped) → Author
diesel::table! { members (id) { id -> Integer, name -> Text } }
diesel::table! {
    memberships (id) {
        id -> Integer,
        member_id -> Nullable<Integer>,
        club_id -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}
diesel::table! {
    plain_memberships (id) {
        id -> Integer,
        member_id -> Nullable<Integer>,
        club_id -> Nullable<Integer>,
        created_at -> Nullable<Timestamp>,
        updated_at -> Nullable<Timestamp>,
    }
}
diesel::table! { clubs (id) { id -> Integer, name -> Text } }
diesel::table! { authors (id) { id -> Integer, name -> Text } }
diesel::table! {
    posts (id) {
        id -> Integer,
        author_id -> Nullable<Integer>,
        title -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}
diesel::table! { comments (id) { id -> Integer, post_id -> Nullable<Integer>, body -> Text } }
diesel::allow_tables_to_appear_in_same_query!(
    users,
    notes,
    plain_notes,
    accounts,
    plain_accounts,
    badges,
    members,
    memberships,
    plain_memberships,
    clubs,
    authors,
    posts,
    comments
);

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
// the nested form: two declarations sharing options (clippy's `duplicated_attributes`)
#[has_one(note(foreign_key = "user_id", dependent = "nullify"))]
#[has_one(plain_note(foreign_key = "user_id", dependent = "nullify"))]
// autosave: `save_with_` writes the changes of `update_row`
#[has_one(saved_note(class_name = "Note", foreign_key = "user_id", autosave = true))]
#[has_one(saved_plain_note(class_name = "PlainNote", foreign_key = "user_id", autosave = true))]
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

/// The changes `update_row` applies (autosave validates them: no rules here).
#[derive(AsChangeset)]
#[diesel(table_name = notes)]
pub struct EditNote<'a> {
    pub body: &'a str,
}

impl diesel_has_one::Validate for EditNote<'_> {
    fn validate(&self, _: &mut diesel_has_one::Errors) {}
}

/// [`EditNote`] for `plain_notes`.
#[derive(AsChangeset)]
#[diesel(table_name = plain_notes)]
pub struct EditPlainNote<'a> {
    pub body: &'a str,
}

impl diesel_has_one::Validate for EditPlainNote<'_> {
    fn validate(&self, _: &mut diesel_has_one::Errors) {}
}

#[derive(Insertable)]
#[diesel(table_name = plain_notes)]
pub struct NewPlainNote<'a> {
    pub body: &'a str,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = accounts)]
#[has_one(badge)]
pub struct Account {
    pub id: i32,
    pub name: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = plain_accounts)]
#[model(timestamps = false)]
#[has_one(badge, foreign_key = "account_id")]
pub struct PlainAccount {
    pub id: i32,
    pub name: String,
    pub created_at: Option<NaiveDateTime>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = badges)]
pub struct Badge {
    pub id: i32,
    pub account_id: Option<i32>,
    pub label: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = accounts)]
pub struct NewAccount<'a> {
    pub name: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = plain_accounts)]
pub struct NewPlainAccount<'a> {
    pub name: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = badges)]
pub struct NewBadge<'a> {
    pub label: &'a str,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = members)]
#[has_one(membership(dependent = "destroy"))]
#[has_one(club(through = "membership"))]
#[has_one(plain_membership(dependent = "destroy"))]
#[has_one(plain_club(through = "plain_membership", source = "club"))]
pub struct Member {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, Model)]
#[diesel(table_name = memberships, belongs_to(Member), belongs_to(Club))]
pub struct Membership {
    pub id: i32,
    pub member_id: Option<i32>,
    pub club_id: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, Model)]
#[diesel(table_name = plain_memberships, belongs_to(Member), belongs_to(Club))]
#[model(timestamps = false)]
pub struct PlainMembership {
    pub id: i32,
    pub member_id: Option<i32>,
    pub club_id: Option<i32>,
    pub created_at: Option<NaiveDateTime>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = clubs)]
pub struct Club {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = authors)]
pub struct Author {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, Model)]
#[diesel(table_name = posts, belongs_to(Author))]
pub struct Post {
    pub id: i32,
    pub author_id: Option<i32>,
    pub title: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, Model)]
#[diesel(table_name = comments, belongs_to(Post))]
#[has_one(author, through = "post")]
pub struct Comment {
    pub id: i32,
    pub post_id: Option<i32>,
    pub body: String,
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE users (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE notes (id {pk}, user_id INTEGER, body {text} NOT NULL, created_at {ts} NOT NULL, updated_at {ts} NOT NULL)",
    "CREATE TABLE plain_notes (id {pk}, user_id INTEGER, body {text} NOT NULL, created_at {ts} NULL, updated_at {ts} NULL)",
    "CREATE TABLE accounts (id {pk}, name {text} NOT NULL, created_at {ts} NOT NULL, updated_at {ts} NOT NULL)",
    "CREATE TABLE plain_accounts (id {pk}, name {text} NOT NULL, created_at {ts} NULL, updated_at {ts} NULL)",
    // `label` is unique: a second "taken" badge makes the row's insert fail after the owner's
    "CREATE TABLE badges (id {pk}, account_id INTEGER, label {text} NOT NULL UNIQUE, created_at {ts} NOT NULL, updated_at {ts} NOT NULL)",
    "CREATE TABLE members (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE clubs (id {pk}, name {text} NOT NULL)",
    // the foreign key to clubs makes a write through to a club that does not exist fail
    "CREATE TABLE memberships (id {pk}, member_id INTEGER UNIQUE, club_id INTEGER, created_at {ts} NOT NULL, updated_at {ts} NOT NULL, FOREIGN KEY (club_id) REFERENCES clubs (id))",
    "CREATE TABLE plain_memberships (id {pk}, member_id INTEGER UNIQUE, club_id INTEGER, created_at {ts} NULL, updated_at {ts} NULL)",
    "CREATE TABLE authors (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE posts (id {pk}, author_id INTEGER, title {text} NOT NULL, created_at {ts} NOT NULL, updated_at {ts} NOT NULL, FOREIGN KEY (author_id) REFERENCES authors (id))",
    "CREATE TABLE comments (id {pk}, post_id INTEGER, body {text} NOT NULL)",
];

fn user_named(name: &str) -> diesel::dsl::Eq<users::name, &str> {
    users::name.eq(name)
}

/// Now, truncated to the microsecond (what the columns keep).
fn now() -> NaiveDateTime {
    let t = Utc::now().naive_utc();
    t - chrono::Duration::nanoseconds(i64::from(t.and_utc().timestamp_subsec_nanos() % 1_000))
}

/// A fixed instant, for rows a test inserts itself.
fn long_ago() -> NaiveDateTime {
    chrono::DateTime::from_timestamp(1_700_000_000, 123_456_000)
        .unwrap()
        .naive_utc()
}

/// `at` is a value the library wrote: UTC (between `before` and `after`, both read from the
/// UTC clock) and whole microseconds.
fn written_between(at: NaiveDateTime, before: NaiveDateTime, after: NaiveDateTime) {
    assert!(before <= at && at <= after, "{before} <= {at} <= {after}");
    assert_eq!(
        at.and_utc().timestamp_subsec_nanos() % 1_000,
        0,
        "microseconds: {at}"
    );
}

fn is_unique_violation(err: &diesel_has_one::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    matches!(
        err,
        diesel_has_one::Error::Database(Error::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            _
        ))
    )
}

fn is_foreign_key_violation(err: &diesel_has_one::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    matches!(
        err,
        diesel_has_one::Error::Database(Error::DatabaseError(
            DatabaseErrorKind::ForeignKeyViolation,
            _
        ))
    )
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

    fn autosave_updates_stamp_updated_at_as_activerecord_save_does(conn, backend) {
        // update_row: the changed row gets updated_at = now, its created_at kept
        let anna = insert!(conn, users, User, user_named("Anna"));
        anna.create_note(NewNote { body: "first" }, conn).unwrap();
        diesel::update(notes::table).set((notes::created_at.eq(long_ago()), notes::updated_at.eq(long_ago()))).execute(conn).unwrap();
        let note = rows!(conn, notes, Note).pop().unwrap();
        let before = now();
        anna.save_with_saved_note().update_row(&note, EditNote { body: "edited" }).save(conn).unwrap();
        let after = now();
        let edited = rows!(conn, notes, Note).pop().unwrap();
        assert_eq!((edited.body.as_str(), edited.created_at), ("edited", long_ago()));
        written_between(edited.updated_at, before, after);

        // update_owner: the owner's updated_at too
        Account::insert_with_badge(NewAccount { name: "Anna" }).save(conn).unwrap();
        diesel::update(accounts::table).set((accounts::created_at.eq(long_ago()), accounts::updated_at.eq(long_ago()))).execute(conn).unwrap();
        let account = rows!(conn, accounts, Account).pop().unwrap();
        let before = now();
        account.save_with_badge().update_owner(accounts::name.eq("Anne")).save(conn).unwrap();
        let after = now();
        let renamed = rows!(conn, accounts, Account).pop().unwrap();
        assert_eq!((renamed.name.as_str(), renamed.created_at), ("Anne", long_ago()));
        written_between(renamed.updated_at, before, after);

        // timestamps = false: left alone
        let plain = anna.create_plain_note(NewPlainNote { body: "plain" }, conn).unwrap();
        anna.save_with_saved_plain_note().update_row(&plain, EditPlainNote { body: "still plain" }).save(conn).unwrap();
        let plain = rows!(conn, plain_notes, PlainNote).pop().unwrap();
        assert_eq!((plain.body.as_str(), plain.created_at, plain.updated_at), ("still plain", None, None));
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

    fn insert_with_stamps_the_owner_at_the_instant_of_its_row(conn, backend) {
        let before = now();
        let (anna, badge) = Account::insert_with_badge(NewAccount { name: "Anna" })
            .new_row(NewBadge { label: "gold" })
            .save(conn)
            .unwrap();
        let after = now();
        let badge = badge.expect("the new row");
        assert_eq!(rows!(conn, accounts, Account), std::slice::from_ref(&anna), "returned as stored");
        assert_eq!(rows!(conn, badges, Badge), std::slice::from_ref(&badge), "returned as stored");
        assert_eq!(badge.account_id, Some(anna.id));
        let at = badge.created_at;
        assert_eq!(
            (anna.created_at, anna.updated_at, badge.updated_at),
            (at, at, at),
            "one instant for the owner's and the row's created_at and updated_at"
        );
        written_between(at, before, after);

        // an owner inserted without a row is stamped too
        let before = now();
        let (bob, none) = Account::insert_with_badge(NewAccount { name: "Bob" }).save(conn).unwrap();
        let after = now();
        assert_eq!(none, None);
        assert_eq!(bob.created_at, bob.updated_at);
        written_between(bob.created_at, before, after);
        assert_eq!(rows!(conn, accounts, Account), [anna, bob]);
        assert_eq!(rows!(conn, badges, Badge), [badge]);
    }

    fn insert_with_an_owner_with_timestamps_false_leaves_its_columns_alone(conn, backend) {
        let before = now();
        let (anna, badge) = PlainAccount::insert_with_badge(NewPlainAccount { name: "Anna" })
            .new_row(NewBadge { label: "gold" })
            .save(conn)
            .unwrap();
        let after = now();
        assert_eq!((anna.created_at, anna.updated_at), (None, None));
        assert_eq!(rows!(conn, plain_accounts, PlainAccount), std::slice::from_ref(&anna));
        // the row still gets its own model's timestamps
        let badge = badge.expect("the new row");
        assert_eq!((badge.account_id, badge.created_at), (Some(anna.id), badge.updated_at));
        written_between(badge.created_at, before, after);
        assert_eq!(rows!(conn, badges, Badge), [badge]);
    }

    fn a_failed_insert_with_leaves_no_owner_and_no_row(conn, backend) {
        let taken = insert!(conn, badges, Badge, (badges::label.eq("taken"), badges::created_at.eq(long_ago()), badges::updated_at.eq(long_ago())));
        // the owner's INSERT succeeds, the row's fails (unique label): all rolled back
        let err = Account::insert_with_badge(NewAccount { name: "Anna" })
            .new_row(NewBadge { label: "taken" })
            .save(conn)
            .unwrap_err();
        assert!(is_unique_violation(&err), "{err:?}");
        assert_eq!(rows!(conn, accounts, Account), []);
        assert_eq!(rows!(conn, badges, Badge), [taken]);
    }

    fn through_a_has_one_stamps_the_join_row_it_inserts_or_updates(conn, backend) {
        let ann = insert!(conn, members, Member, members::name.eq("Ann"));
        let chess = insert!(conn, clubs, Club, clubs::name.eq("Chess"));
        let golf = insert!(conn, clubs, Club, clubs::name.eq("Golf"));

        // no membership yet: inserted with created_at = updated_at = now (NOT NULL columns)
        let before = now();
        ann.set_club(Some(&chess), conn).unwrap();
        let after = now();
        let inserted = rows!(conn, memberships, Membership);
        let [joined] = &inserted[..] else { panic!("one join row: {inserted:?}") };
        assert_eq!((joined.member_id, joined.club_id), (Some(ann.id), Some(chess.id)));
        assert_eq!(joined.created_at, joined.updated_at, "one instant for both");
        written_between(joined.created_at, before, after);

        // the membership exists: updated, updated_at = now, created_at kept
        let before = now();
        ann.set_club(Some(&golf), conn).unwrap();
        let after = now();
        let updated = rows!(conn, memberships, Membership);
        let [moved] = &updated[..] else { panic!("one join row: {updated:?}") };
        assert_eq!((moved.id, moved.club_id), (joined.id, Some(golf.id)));
        assert_eq!(moved.created_at, joined.created_at, "created_at kept");
        assert!(moved.updated_at > joined.updated_at, "{updated:?}");
        written_between(moved.updated_at, before, after);
        assert_eq!(ann.club(conn).unwrap(), Some(golf));

        // None destroys the join row, as Rails does
        ann.set_club(None, conn).unwrap();
        assert_eq!(rows!(conn, memberships, Membership), []);
    }

    fn through_a_join_model_with_timestamps_false_leaves_them_alone(conn, backend) {
        let ann = insert!(conn, members, Member, members::name.eq("Ann"));
        let chess = insert!(conn, clubs, Club, clubs::name.eq("Chess"));
        let golf = insert!(conn, clubs, Club, clubs::name.eq("Golf"));
        ann.set_plain_club(Some(&chess), conn).unwrap();
        ann.set_plain_club(Some(&golf), conn).unwrap();
        let rows = rows!(conn, plain_memberships, PlainMembership);
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].club_id, rows[0].created_at, rows[0].updated_at), (Some(golf.id), None, None));
    }

    fn a_failed_write_through_changes_no_join_row(conn, backend) {
        let ann = insert!(conn, members, Member, members::name.eq("Ann"));
        let chess = insert!(conn, clubs, Club, clubs::name.eq("Chess"));
        let ghost = Club { id: 999, name: "Ghost".into() };
        // the insert of the join row fails (no such club): nothing written
        let err = ann.set_club(Some(&ghost), conn).unwrap_err();
        assert!(is_foreign_key_violation(&err), "{err:?}");
        assert_eq!(rows!(conn, memberships, Membership), []);
        // the update of the join row fails: the row, its updated_at too, as it was
        ann.set_club(Some(&chess), conn).unwrap();
        let before = rows!(conn, memberships, Membership);
        let err = ann.set_club(Some(&ghost), conn).unwrap_err();
        assert!(is_foreign_key_violation(&err), "{err:?}");
        assert_eq!(rows!(conn, memberships, Membership), before);
    }

    fn through_a_belongs_to_stamps_the_parent_it_updates(conn, backend) {
        let ada = insert!(conn, authors, Author, authors::name.eq("Ada"));
        let bea = insert!(conn, authors, Author, authors::name.eq("Bea"));
        let post = insert!(conn, posts, Post, (posts::author_id.eq(ada.id), posts::title.eq("Hello"), posts::created_at.eq(long_ago()), posts::updated_at.eq(long_ago())));
        let comment = insert!(conn, comments, Comment, (comments::post_id.eq(post.id), comments::body.eq("hi")));

        // a failed write (no such author) leaves the post as it was
        let ghost = Author { id: 999, name: "Ghost".into() };
        let err = comment.set_author(Some(&ghost), conn).unwrap_err();
        assert!(is_foreign_key_violation(&err), "{err:?}");
        assert_eq!(rows!(conn, posts, Post), std::slice::from_ref(&post));

        let before = now();
        comment.set_author(Some(&bea), conn).unwrap();
        let after = now();
        let rows = rows!(conn, posts, Post);
        let [written] = &rows[..] else { panic!("one post: {rows:?}") };
        assert_eq!((written.author_id, written.created_at), (Some(bea.id), long_ago()), "created_at kept");
        written_between(written.updated_at, before, after);
    }
}
