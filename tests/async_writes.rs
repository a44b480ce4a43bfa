//! The writing methods on every executor (feature `async`): `create_…`, `build_…` +
//! `save`, the autosave builders (`insert_with_…`, `save_with_…` with `update_owner`,
//! `new_row`, `update_row`, `destroy_row`), `set_…` and `Model::destroy`, each `dependent` (`destroy` recursively,
//! `delete`, `nullify`, `destroy_async`'s job row, `restrict_with_error`), a failing write
//! leaving the tables as they were, and a write joining the caller's transaction. Each
//! test body runs once per executor — the blocking connection, diesel-async's
//! connection, deadpool's and bb8's pooled connections — on SQLite, PostgreSQL and MySQL
//! (`common::executors`), and asserts the rows left.
#![cfg(feature = "async")]

mod common;

use diesel::connection::SimpleConnection as _;
use diesel::{QueryDsl, SelectableHelper};
use diesel_has_one::jobs::{self, diesel_has_one_jobs, Job};
use diesel_has_one::{Error, Model};

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }
diesel::table! { photos (id) { id -> Integer, profile_id -> Nullable<Integer>, url -> Text } }
diesel::table! { avatars (id) { id -> Integer, user_id -> Nullable<Integer>, url -> Text } }
diesel::table! { notes (id) { id -> Integer, user_id -> Nullable<Integer>, body -> Text } }
diesel::table! { badges (id) { id -> Integer, user_id -> Nullable<Integer>, label -> Text } }
diesel::table! { guards (id) { id -> Integer, name -> Text } }
diesel::table! { passes (id) { id -> Integer, guard_id -> Nullable<Integer>, code -> Text } }
diesel::table! { stamps (id) { id -> Integer, user_id -> Nullable<Integer>, updated_at -> Nullable<Timestamp> } }
diesel::allow_tables_to_appear_in_same_query!(users, profiles, photos, avatars, notes, badges);
diesel::allow_tables_to_appear_in_same_query!(guards, passes);
diesel::allow_tables_to_appear_in_same_query!(users, stamps);

/// One owner with every removing `dependent`.
#[derive(
    Debug, Clone, PartialEq, diesel::Queryable, diesel::Selectable, diesel::Identifiable, Model,
)]
#[diesel(table_name = users)]
#[model(async_jobs)]
#[has_one(profile, dependent = "destroy")]
#[has_one(avatar, dependent = "nullify")]
#[has_one(note, dependent = "delete", autosave = true)]
#[has_one(badge, dependent = "destroy_async")]
pub struct User {
    pub id: i32,
    pub name: String,
}

/// A target with a dependent of its own: destroying a profile destroys its photo.
#[derive(
    Debug, Clone, PartialEq, diesel::Queryable, diesel::Selectable, diesel::Identifiable, Model,
)]
#[diesel(table_name = profiles)]
#[has_one(photo, dependent = "destroy")]
pub struct Profile {
    pub id: i32,
    pub user_id: Option<i32>,
    pub bio: String,
}

macro_rules! target {
    ($name:ident, $new:ident, $table:ident, $fk:ident, $field:ident) => {
        #[derive(
            Debug,
            Clone,
            PartialEq,
            diesel::Queryable,
            diesel::Selectable,
            diesel::Identifiable,
            Model,
        )]
        #[diesel(table_name = $table)]
        pub struct $name {
            pub id: i32,
            pub $fk: Option<i32>,
            pub $field: String,
        }

        #[derive(diesel::Insertable)]
        #[diesel(table_name = $table)]
        pub struct $new<'a> {
            pub $field: &'a str,
        }
    };
}

target!(Photo, NewPhoto, photos, profile_id, url);
target!(Avatar, NewAvatar, avatars, user_id, url);
target!(Note, NewNote, notes, user_id, body);
target!(Badge, NewBadge, badges, user_id, label);
target!(Pass, NewPass, passes, guard_id, code);

#[derive(diesel::Insertable)]
#[diesel(table_name = profiles)]
pub struct NewProfile<'a> {
    pub bio: &'a str,
}

#[derive(diesel::Insertable, diesel::AsChangeset)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub name: &'a str,
}

#[derive(diesel::AsChangeset)]
#[diesel(table_name = notes)]
pub struct NoteChanges<'a> {
    pub body: &'a str,
}

/// `autosave = true` validates (Rails): notes and their changes are always valid here.
impl diesel_has_one::Validate for NewNote<'_> {
    fn validate(&self, _errors: &mut diesel_has_one::Errors) {}
}

impl diesel_has_one::Validate for NoteChanges<'_> {
    fn validate(&self, _errors: &mut diesel_has_one::Errors) {}
}

/// An owner whose destroy is refused while it has a pass.
#[derive(
    Debug, Clone, PartialEq, diesel::Queryable, diesel::Selectable, diesel::Identifiable, Model,
)]
#[diesel(table_name = guards)]
#[has_one(pass, dependent = "restrict_with_error")]
pub struct Guard {
    pub id: i32,
    pub name: String,
}

/// An owner whose `destroy_async` jobs are registered for blocking connections only (no
/// `#[model(async_jobs)]`): an async worker records them as failed, a blocking one runs
/// them.
#[derive(
    Debug, Clone, PartialEq, diesel::Queryable, diesel::Selectable, diesel::Identifiable, Model,
)]
#[diesel(table_name = guards)]
#[has_one(pass, foreign_key = "guard_id", dependent = "destroy_async")]
pub struct Keeper {
    pub id: i32,
    pub name: String,
}

/// `touch = true`, no `dependent`: saving or destroying the owner touches its stamp.
#[derive(
    Debug, Clone, PartialEq, diesel::Queryable, diesel::Selectable, diesel::Identifiable, Model,
)]
#[diesel(table_name = users)]
#[has_one(stamp, foreign_key = "user_id", touch = true)]
pub struct Toucher {
    pub id: i32,
    pub name: String,
}

/// `timestamps = false`: only `touch` writes `updated_at`.
#[derive(
    Debug, Clone, PartialEq, diesel::Queryable, diesel::Selectable, diesel::Identifiable, Model,
)]
#[diesel(table_name = stamps)]
#[model(timestamps = false)]
pub struct Stamp {
    pub id: i32,
    pub user_id: Option<i32>,
    pub updated_at: Option<chrono::NaiveDateTime>,
}

/// A profile's `bio` may not be empty: an insert of `""` fails after the replace removed
/// the old row, so the whole replace must roll back.
const SCHEMA: &[&str] = &[
    "CREATE TABLE users (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE profiles (id {pk}, user_id INTEGER, bio {text} NOT NULL CHECK (bio <> ''))",
    "CREATE UNIQUE INDEX profiles_user_id ON profiles (user_id)",
    "CREATE TABLE photos (id {pk}, profile_id INTEGER, url {text} NOT NULL)",
    "CREATE UNIQUE INDEX photos_profile_id ON photos (profile_id)",
    "CREATE TABLE avatars (id {pk}, user_id INTEGER, url {text} NOT NULL)",
    "CREATE UNIQUE INDEX avatars_user_id ON avatars (user_id)",
    "CREATE TABLE notes (id {pk}, user_id INTEGER, body {text} NOT NULL)",
    "CREATE UNIQUE INDEX notes_user_id ON notes (user_id)",
    "CREATE TABLE badges (id {pk}, user_id INTEGER, label {text} NOT NULL)",
    "CREATE UNIQUE INDEX badges_user_id ON badges (user_id)",
    "CREATE TABLE guards (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE passes (id {pk}, guard_id INTEGER, code {text} NOT NULL)",
    "CREATE UNIQUE INDEX passes_guard_id ON passes (guard_id)",
    "CREATE TABLE stamps (id {pk}, user_id INTEGER, updated_at {ts} NULL DEFAULT NULL)",
];

/// Users 1 (Anna: profile 1 with photo 1, avatar 1, note 1, badge 1) and 2 (Bob: nothing),
/// guard 1 (with pass 1), and the jobs table, through the blocking setup connection.
macro_rules! seed {
    ($setup:expr) => {{
        jobs::create_table($setup).unwrap();
        for sql in [
            "INSERT INTO users (name) VALUES ('Anna'), ('Bob')",
            "INSERT INTO profiles (user_id, bio) VALUES (1, 'anna')",
            "INSERT INTO photos (profile_id, url) VALUES (1, 'anna.png')",
            "INSERT INTO avatars (user_id, url) VALUES (1, 'a.png')",
            "INSERT INTO notes (user_id, body) VALUES (1, 'note')",
            "INSERT INTO badges (user_id, label) VALUES (1, 'gold')",
            "INSERT INTO guards (name) VALUES ('Gus')",
            "INSERT INTO passes (guard_id, code) VALUES (1, 'x1')",
        ] {
            $setup.batch_execute(sql).unwrap();
        }
    }};
}

fn user(id: i32, name: &str) -> User {
    User {
        id,
        name: name.into(),
    }
}

/// A row of a target table, `(id, foreign key, text)`.
type Row = (i32, Option<i32>, String);

/// Every table's rows, in key order: what a test compares before and after.
macro_rules! tables {
    ($setup:expr) => {{
        use diesel::RunQueryDsl;
        let rows = |t: Vec<Row>| t;
        (
            rows(profiles::table.order(profiles::id).load($setup).unwrap()),
            rows(photos::table.order(photos::id).load($setup).unwrap()),
            rows(avatars::table.order(avatars::id).load($setup).unwrap()),
            rows(notes::table.order(notes::id).load($setup).unwrap()),
            rows(badges::table.order(badges::id).load($setup).unwrap()),
            rows(passes::table.order(passes::id).load($setup).unwrap()),
            users::table
                .order(users::id)
                .select(User::as_select())
                .load::<User>($setup)
                .unwrap(),
        )
    }};
}

/// The job rows, oldest first.
macro_rules! job_rows {
    ($setup:expr) => {{
        use diesel::RunQueryDsl;
        diesel_has_one_jobs::table
            .order(diesel_has_one_jobs::id)
            .select(Job::as_select())
            .load::<Job>($setup)
            .unwrap()
    }};
}

fn row(id: i32, fk: Option<i32>, text: &str) -> Row {
    (id, fk, text.into())
}

executor_tests! {
    schema = SCHEMA;

    fn create_replaces_the_row_per_dependent(setup, conn, backend) {
        seed!(setup);
        let anna = user(1, "Anna");
        let profile = run!(anna.create_profile(NewProfile { bio: "new" }, conn)).unwrap();
        assert_eq!(profile, Profile { id: 2, user_id: Some(1), bio: "new".into() });
        let avatar = run!(anna.create_avatar(NewAvatar { url: "b.png" }, conn)).unwrap();
        let note = run!(anna.create_note(NewNote { body: "newer" }, conn)).unwrap();
        let badge = run!(anna.create_badge(NewBadge { label: "silver" }, conn)).unwrap();
        assert_eq!((avatar.id, note.id, badge.id), (2, 2, 2));
        let (profiles, photos, avatars, notes, badges, _, _) = tables!(setup);
        assert_eq!(profiles, [row(2, Some(1), "new")], "destroyed, the new one linked");
        assert!(photos.is_empty(), "the old profile's photo destroyed with it");
        assert_eq!(avatars, [row(1, None, "a.png"), row(2, Some(1), "b.png")], "nullified");
        assert_eq!(notes, [row(2, Some(1), "newer")], "deleted");
        assert_eq!(badges, [row(1, None, "gold"), row(2, Some(1), "silver")], "unlinked, as Rails does on replace");
        assert!(job_rows!(setup).is_empty(), "no job on replace");
        assert_eq!(run!(anna.profile(conn)).unwrap(), Some(profile), "the reader agrees");
    }

    fn build_and_save_is_create(setup, conn, backend) {
        seed!(setup);
        let bob = user(2, "Bob");
        let built = bob.build_profile(NewProfile { bio: "bob" });
        let saved = run!(built.save(conn)).unwrap();
        assert_eq!(saved.user_id, Some(2));
        let photo = run!(saved.create_photo(NewPhoto { url: "bob.png" }, conn)).unwrap();
        let (profiles, photos, ..) = tables!(setup);
        assert_eq!(profiles, [row(1, Some(1), "anna"), row(2, Some(2), "bob")]);
        assert_eq!(photos, [row(1, Some(1), "anna.png"), row(photo.id, Some(2), "bob.png")]);
    }

    fn autosave_writes_the_owner_and_its_row_together(setup, conn, backend) {
        seed!(setup);
        // A new owner (its key read back: RETURNING, or LAST_INSERT_ID() on MySQL) and
        // its row, in one transaction.
        let (cleo, profile) = run!(User::insert_with_profile(NewUser { name: "Cleo" }).new_row(NewProfile { bio: "cleo" }).save(conn)).unwrap();
        assert_eq!(cleo, user(3, "Cleo"));
        assert_eq!(profile.map(|p| (p.user_id, p.bio)), Some((Some(3), "cleo".into())));
        // The owner updated and its row changed (`autosave = true`).
        let anna = user(1, "Anna");
        let note = run!(anna.note(conn)).unwrap().unwrap();
        let save = anna.save_with_note().update_owner(NewUser { name: "Anna B." }).update_row(&note, NoteChanges { body: "edited" });
        let (renamed, edited) = run!(save.save(conn)).unwrap();
        assert_eq!(renamed, user(1, "Anna B."));
        assert_eq!(edited.map(|n| n.body), Some("edited".into()));
        // The row marked for destruction.
        let (_, left) = run!(anna.save_with_note().destroy_row(&note).save(conn)).unwrap();
        assert_eq!(left, None);
        let (profiles, _, _, notes, _, _, users) = tables!(setup);
        assert_eq!(users, [user(1, "Anna B."), user(2, "Bob"), user(3, "Cleo")]);
        assert_eq!(profiles, [row(1, Some(1), "anna"), row(2, Some(3), "cleo")]);
        assert!(notes.is_empty());
        // An invalid save (the owner is gone) writes nothing.
        let before = tables!(setup);
        let ghost = user(9, "Ghost");
        let err = run!(ghost.save_with_note().new_row(NewNote { body: "x" }).save(conn)).unwrap_err();
        assert!(matches!(err, Error::NotFound { model: "User" }), "{err:?}");
        assert_eq!(tables!(setup), before);
    }

    fn touch_on_save_and_destroy(setup, conn, backend) {
        seed!(setup);
        setup.batch_execute("INSERT INTO stamps (user_id) VALUES (1)").unwrap();
        macro_rules! stamp {
            ($setup:expr) => {{
                use diesel::RunQueryDsl;
                stamps::table.select(stamps::updated_at).first::<Option<chrono::NaiveDateTime>>($setup).unwrap()
            }};
        }
        let toucher = Toucher { id: 1, name: "Anna".into() };
        let (_, row) = run!(toucher.save_with_stamp().save(conn)).unwrap();
        let saved = stamp!(setup).expect("touched on save");
        assert_eq!(row.and_then(|r| r.updated_at), Some(saved), "save returns the touched row");
        run!(toucher.destroy(conn)).unwrap();
        let destroyed = stamp!(setup).expect("touched on destroy");
        assert!(destroyed >= saved);
        assert_eq!(tables!(setup).6, [user(2, "Bob")], "the owner is gone, its stamp stays");
    }

    fn set_moves_links_and_unlinks(setup, conn, backend) {
        seed!(setup);
        let (anna, bob) = (user(1, "Anna"), user(2, "Bob"));
        let avatar = run!(anna.avatar(conn)).unwrap().unwrap();
        // Anna's avatar moves to Bob (Rails): Anna has none left.
        run!(bob.set_avatar(Some(&avatar), conn)).unwrap();
        assert_eq!(tables!(setup).2, [row(1, Some(2), "a.png")]);
        assert_eq!(run!(anna.avatar(conn)).unwrap(), None);
        // Linking the row already linked changes nothing.
        let moved = run!(bob.avatar(conn)).unwrap().unwrap();
        run!(bob.set_avatar(Some(&moved), conn)).unwrap();
        assert_eq!(tables!(setup).2, [row(1, Some(2), "a.png")]);
        // `set_(None)` with `destroy`: the profile and its photo are destroyed.
        run!(anna.set_profile(None, conn)).unwrap();
        let (profiles, photos, ..) = tables!(setup);
        assert!(profiles.is_empty() && photos.is_empty());
        // `set_(None)` with `nullify`: the row stays, unlinked.
        run!(bob.set_avatar(None, conn)).unwrap();
        assert_eq!(tables!(setup).2, [row(1, None, "a.png")]);
    }

    fn destroy_runs_every_dependent(setup, conn, backend) {
        seed!(setup);
        let anna = user(1, "Anna");
        run!(anna.destroy(conn)).unwrap();
        let (profiles, photos, avatars, notes, badges, _, users) = tables!(setup);
        assert_eq!(users, [user(2, "Bob")]);
        assert!(profiles.is_empty() && photos.is_empty(), "destroyed, recursively");
        assert_eq!(avatars, [row(1, None, "a.png")], "nullified");
        assert!(notes.is_empty(), "deleted");
        assert_eq!(badges, [row(1, Some(1), "gold")], "left for the job");
        let jobs = job_rows!(setup);
        assert_eq!(jobs.len(), 1);
        assert_eq!((jobs[0].association.as_str(), jobs[0].owner_key.as_str(), jobs[0].target_keys.as_str()), ("User.badge", "[1]", "[1]"));
        // The job runs on the executor (`#[model(async_jobs)]`) and destroys the badge.
        let summary = run!(jobs::run_pending(10, conn)).unwrap();
        assert_eq!(summary, jobs::Summary { succeeded: 1, failed: 0 });
        assert!(tables!(setup).4.is_empty(), "the job destroyed the badge");
        assert!(run!(jobs::pending(conn)).unwrap().is_empty());
        assert_eq!(run!(jobs::run_pending(10, conn)).unwrap(), jobs::Summary::default(), "nothing twice");
    }

    fn a_job_claimed_elsewhere_is_skipped_and_a_failing_one_recorded(setup, conn, backend) {
        seed!(setup);
        setup.batch_execute("INSERT INTO users (name) VALUES ('Cleo'); INSERT INTO badges (user_id, label) VALUES (3, 'cleo')").unwrap();
        let (anna, cleo) = (user(1, "Anna"), user(3, "Cleo"));
        run!(anna.destroy(conn)).unwrap();
        run!(cleo.destroy(conn)).unwrap();
        let ids: Vec<i32> = job_rows!(setup).iter().map(|j| j.id).collect();
        assert_eq!(ids.len(), 2);
        if backend != common::Backend::Sqlite {
            // Another worker (the setup connection) holds Anna's job: this one runs Cleo's
            // (`FOR UPDATE SKIP LOCKED`), and Anna's stays pending.
            setup.batch_execute("BEGIN").unwrap();
            setup.batch_execute(&format!("SELECT id FROM diesel_has_one_jobs WHERE id = {} FOR UPDATE", ids[0])).unwrap();
            let summary = run!(jobs::run_pending(10, conn)).unwrap();
            setup.batch_execute("ROLLBACK").unwrap();
            assert_eq!(summary, jobs::Summary { succeeded: 1, failed: 0 });
            let pending: Vec<i32> = run!(jobs::pending(conn)).unwrap().iter().map(|j| j.id).collect();
            assert_eq!(pending, [ids[0]], "the claimed job was skipped");
        }
        // A job whose payload is corrupt fails, is recorded, and waits; the others run.
        setup.batch_execute(&format!("UPDATE diesel_has_one_jobs SET target_keys = 'nonsense' WHERE id = {}", ids[0])).unwrap();
        let summary = run!(jobs::run_pending(10, conn)).unwrap();
        assert_eq!(summary.failed, 1);
        let pending = run!(jobs::pending(conn)).unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].attempts, 1);
        assert!(pending[0].last_error.as_deref().unwrap_or("").contains("unreadable target_keys"), "{:?}", pending[0].last_error);
        assert_eq!(tables!(setup).4, [row(1, Some(1), "gold")], "Anna's badge waits for its job");
    }

    fn restrict_leaves_every_row(setup, conn, backend) {
        seed!(setup);
        let before = tables!(setup);
        let guard = Guard { id: 1, name: "Gus".into() };
        let err = run!(guard.destroy(conn)).unwrap_err();
        assert!(matches!(err, Error::Invalid(_)), "{err:?}");
        assert_eq!(tables!(setup), before, "nothing written");
    }

    fn a_failing_write_leaves_the_tables_as_they_were(setup, conn, backend) {
        seed!(setup);
        let before = tables!(setup);
        let anna = user(1, "Anna");
        // The owner is gone: the replace stops at its lock, before removing anything.
        let ghost = user(9, "Ghost");
        let err = run!(ghost.create_profile(NewProfile { bio: "x" }, conn)).unwrap_err();
        assert!(matches!(err, Error::NotFound { model: "User" }), "{err:?}");
        // A row that does not exist is not found, and nothing is unlinked.
        let missing = Avatar { id: 99, user_id: None, url: "none".into() };
        let err = run!(anna.set_avatar(Some(&missing), conn)).unwrap_err();
        assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
        // The insert fails (CHECK) after the old profile and its photo were destroyed:
        // both come back.
        let err = run!(anna.create_profile(NewProfile { bio: "" }, conn)).unwrap_err();
        assert!(matches!(err, Error::Database(_)), "{err:?}");
        assert_eq!(tables!(setup), before, "nothing written");
        assert!(job_rows!(setup).is_empty());
    }

    fn a_write_joins_the_callers_transaction(setup, conn, backend) {
        seed!(setup);
        let before = tables!(setup);
        let anna = user(1, "Anna");
        let result = transaction!(conn, |c| {
            run!(anna.create_profile(NewProfile { bio: "inner" }, c))?;
            run!(anna.destroy(c))?;
            Err::<(), _>(Error::abort("the caller changes its mind"))
        });
        assert!(matches!(result, Err(Error::Aborted(_))), "{result:?}");
        assert_eq!(tables!(setup), before, "the caller's rollback undoes both writes");
        assert!(job_rows!(setup).is_empty());
        let kept = transaction!(conn, |c| {
            let p = run!(anna.create_profile(NewProfile { bio: "kept" }, c))?;
            Ok::<_, Error>(p)
        })
        .unwrap();
        assert_eq!(tables!(setup).0, [row(kept.id, Some(1), "kept")]);
    }
}

/// `jobs::Worker::run_async`: the long-running worker on tokio.
mod worker {
    use super::*;

    executor_tests! {
        async_only;
        schema = SCHEMA;

        fn a_job_without_an_async_handler_waits_for_a_blocking_worker(setup, conn, backend) {
            seed!(setup);
            let keeper = Keeper { id: 1, name: "Gus".into() };
            run!(keeper.destroy(conn)).unwrap();
            let summary = run!(jobs::run_pending(10, conn)).unwrap();
            assert_eq!(summary, jobs::Summary { succeeded: 0, failed: 1 });
            let pending = run!(jobs::pending(conn)).unwrap();
            assert_eq!(pending.len(), 1);
            let error = pending[0].last_error.clone().unwrap_or_default();
            assert!(error.contains("no handler for `Keeper.pass`"), "{error}");
            assert_eq!(tables!(setup).5, [row(1, Some(1), "x1")], "the pass is still there");
            // The blocking worker has the handler: it runs the job once due.
            jobs::retry_now(setup).unwrap();
            assert_eq!(jobs::run_pending(10, setup).unwrap(), jobs::Summary { succeeded: 1, failed: 0 });
            assert!(tables!(setup).5.is_empty(), "destroyed by the blocking worker");
        }

        fn the_async_worker_runs_until_told_to_stop(setup, conn, backend) {
            seed!(setup);
            run!(user(1, "Anna").destroy(conn)).unwrap();
            let worker = jobs::Worker { batch: 10, idle: std::time::Duration::from_millis(1) };
            let mut polls = 0;
            let total = worker.run_async(|_| { polls += 1; polls <= 3 }, conn).await.unwrap();
            assert_eq!(total, jobs::Summary { succeeded: 1, failed: 0 });
            assert!(tables!(setup).4.is_empty(), "the job destroyed the badge");
            assert!(job_rows!(setup).iter().all(|j| j.done_at.is_some()));
        }
    }
}
