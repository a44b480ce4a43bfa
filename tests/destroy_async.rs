//! `dependent = "destroy_async"`: the job row is written in the owner's transaction, a
//! worker destroys the targets later (with their hooks and dependents), failures are kept
//! and retried, two workers never run one job twice, `ensuring_owner_was` guards soft
//! deletes. All on SQLite (a file, several connections), PostgreSQL and MySQL.

mod common;

use std::cell::RefCell;

use diesel::prelude::*;
use diesel_has_one::jobs::{self, Job};
use diesel_has_one::{Error, Model};

diesel::table! { users (id) { id -> Integer, name -> Text, discarded -> Integer } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }
diesel::table! { avatars (id) { id -> Integer, profile_id -> Nullable<Integer>, url -> Text } }

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile, dependent = "destroy_async")]
pub struct User {
    pub id: i32,
    pub name: String,
    pub discarded: i32,
}

/// Rails' soft-delete use: the job runs only if the owner is gone or discarded.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(
    profile,
    foreign_key = "user_id",
    dependent = "destroy_async",
    ensuring_owner_was = "is_discarded"
)]
pub struct SoftUser {
    pub id: i32,
    pub name: String,
    pub discarded: i32,
}

impl SoftUser {
    pub fn is_discarded(&self) -> bool {
        self.discarded != 0
    }
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = profiles)]
#[has_one(avatar, dependent = "destroy")]
#[model(before_destroy = refuse_locked)]
pub struct Profile {
    pub id: i32,
    pub user_id: Option<i32>,
    pub bio: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = avatars)]
pub struct Avatar {
    pub id: i32,
    pub profile_id: Option<i32>,
    pub url: String,
}

#[derive(Insertable)]
#[diesel(table_name = profiles)]
pub struct NewProfile<'a> {
    pub bio: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = avatars)]
pub struct NewAvatar<'a> {
    pub url: &'a str,
}

thread_local! {
    static DESTROYED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// The error message of a "poison" profile's hook: 100,000 characters, each two bytes in
/// UTF-8 (a cut must fall on a character boundary).
fn poison_message() -> String {
    "ü".repeat(100_000)
}

fn refuse_locked<C>(profile: &Profile, _conn: &mut C) -> Result<(), Error> {
    match profile.bio.as_str() {
        "locked" => return Err(Error::abort("profile is locked")),
        "poison" => return Err(Error::abort(poison_message())),
        "panic" => panic!("the profile's hook panicked"),
        _ => {}
    }
    DESTROYED.with(|d| d.borrow_mut().push(profile.bio.clone()));
    Ok(())
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE users (id {pk}, name {text} NOT NULL, discarded INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE profiles (id {pk}, user_id INTEGER UNIQUE, bio {text} NOT NULL)",
    "CREATE TABLE avatars (id {pk}, profile_id INTEGER UNIQUE, url {text} NOT NULL)",
];

/// A user of type `$ty` with a profile `$bio` that has an avatar.
macro_rules! user_with_profile {
    ($conn:expr, $ty:ty, $bio:expr) => {{
        let user = insert!($conn, users, $ty, users::name.eq("Anna"));
        let profile = user
            .create_profile(NewProfile { bio: $bio }, $conn)
            .unwrap();
        profile
            .create_avatar(NewAvatar { url: "a.png" }, $conn)
            .unwrap();
        (user, profile)
    }};
}

use diesel_has_one::jobs::diesel_has_one_jobs;

/// Every job row, done or not.
macro_rules! jobs_table {
    ($conn:expr) => {
        rows!($conn, diesel_has_one_jobs, Job)
    };
}

shared_backend_tests! {
    schema = SCHEMA;
    backends = [sqlite, postgres, mysql];

    fn the_job_is_written_with_the_owner_and_run_later(db) {
        let conn = db.conn();
        jobs::create_table(conn).unwrap();
        let (user, profile) = user_with_profile!(conn, User, "Loves cats");
        user.destroy(conn).unwrap();
        assert!(rows!(conn, users, User).is_empty(), "owner gone");
        assert_eq!(rows!(conn, profiles, Profile), std::slice::from_ref(&profile), "target still there");
        let pending = jobs_table!(conn);
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].association, "User.profile");
        assert_eq!(pending[0].target_keys, format!("[{}]", profile.id));
        assert_eq!((pending[0].attempts, pending[0].done_at), (0, None));

        let summary = jobs::run_pending(10, conn).unwrap();
        assert_eq!((summary.succeeded, summary.failed), (1, 0));
        assert!(rows!(conn, profiles, Profile).is_empty());
        assert!(rows!(conn, avatars, Avatar).is_empty(), "the target's own dependents ran");
        assert_eq!(DESTROYED.with(|d| d.borrow().clone()), ["Loves cats"], "its hooks ran");
        let done = jobs_table!(conn);
        assert!(done[0].done_at.is_some());
        assert!(jobs::pending(conn).unwrap().is_empty());
        assert_eq!(jobs::run_pending(10, conn).unwrap(), jobs::Summary::default(), "nothing twice");
    }

    fn a_dropped_connection_keeps_the_job(db) {
        jobs::create_table(db.conn()).unwrap();
        let (user, profile) = user_with_profile!(db.conn(), User, "bio");
        {
            let mut other = db.connect();
            user.destroy(&mut other).unwrap();
        } // the connection that destroyed the owner is gone before any worker ran
        let conn = db.conn();
        assert_eq!(jobs::pending(conn).unwrap().len(), 1);
        assert_eq!(rows!(conn, profiles, Profile), [profile]);
        assert_eq!(jobs::run_pending(10, conn).unwrap().succeeded, 1);
        assert!(rows!(conn, profiles, Profile).is_empty());
    }

    fn a_failing_job_is_kept_and_retried(db) {
        let conn = db.conn();
        jobs::create_table(conn).unwrap();
        let (user, profile) = user_with_profile!(conn, User, "locked");
        user.destroy(conn).unwrap();
        let summary = jobs::run_pending(10, conn).unwrap();
        assert_eq!((summary.succeeded, summary.failed), (0, 1));
        assert_eq!(rows!(conn, profiles, Profile), std::slice::from_ref(&profile), "target intact");
        assert_eq!(rows!(conn, avatars, Avatar).len(), 1, "its dependents too");
        let job = &jobs::pending(conn).unwrap()[0];
        assert_eq!(job.attempts, 1);
        assert!(job.last_error.as_deref().unwrap().contains("profile is locked"), "{job:?}");
        // not due yet: a second run does nothing
        assert_eq!(jobs::run_pending(10, conn).unwrap(), jobs::Summary::default());
        // fixed, retried: done
        diesel::update(profiles::table).set(profiles::bio.eq("unlocked")).execute(conn).unwrap();
        jobs::retry_now(conn).unwrap();
        assert_eq!(jobs::run_pending(10, conn).unwrap().succeeded, 1);
        assert!(rows!(conn, profiles, Profile).is_empty());
        assert_eq!(jobs_table!(conn)[0].attempts, 1);
    }

    fn two_workers_run_each_job_exactly_once(db) {
        jobs::create_table(db.conn()).unwrap();
        for i in 0..200 {
            let user = insert!(db.conn(), users, User, users::name.eq(format!("u{i}")));
            user.create_profile(NewProfile { bio: "b" }, db.conn()).unwrap();
            user.destroy(db.conn()).unwrap();
        }
        assert_eq!(jobs::pending(db.conn()).unwrap().len(), 200);
        let totals: Vec<jobs::Summary> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..2)
                .map(|_| {
                    let mut conn = db.connect();
                    s.spawn(move || {
                        let mut total = jobs::Summary::default();
                        loop {
                            let batch = jobs::run_pending(7, &mut conn).unwrap();
                            total.succeeded += batch.succeeded;
                            total.failed += batch.failed;
                            if batch == jobs::Summary::default() {
                                break total;
                            }
                        }
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).collect()
        });
        let conn = db.conn();
        assert_eq!(totals.iter().map(|t| t.succeeded).sum::<usize>(), 200, "{totals:?}");
        assert_eq!(totals.iter().map(|t| t.failed).sum::<usize>(), 0);
        assert!(rows!(conn, profiles, Profile).is_empty());
        let all = jobs_table!(conn);
        assert!(all.iter().all(|j| j.done_at.is_some() && j.attempts == 0), "{all:?}");
    }

    fn ensuring_owner_was(db) {
        let conn = db.conn();
        jobs::create_table(conn).unwrap();
        // owner gone: the job runs
        let (owner, _) = user_with_profile!(conn, SoftUser, "gone");
        owner.destroy(conn).unwrap();
        assert_eq!(jobs::run_pending(10, conn).unwrap().succeeded, 1);

        // owner back (a soft delete restored it) and not discarded: the job fails and stays
        let (owner, profile) = user_with_profile!(conn, SoftUser, "kept");
        owner.destroy(conn).unwrap();
        diesel::insert_into(users::table)
            .values((users::id.eq(owner.id), users::name.eq("Anna"), users::discarded.eq(0)))
            .execute(conn)
            .unwrap();
        let summary = jobs::run_pending(10, conn).unwrap();
        assert_eq!(summary.failed, 1);
        assert_eq!(rows!(conn, profiles, Profile), [profile]);
        let job = &jobs::pending(conn).unwrap()[0];
        assert!(job.last_error.as_deref().unwrap().contains("still exists"), "{job:?}");

        // discarded: the method returns true, the job runs
        diesel::update(users::table).set(users::discarded.eq(1)).execute(conn).unwrap();
        jobs::retry_now(conn).unwrap();
        assert_eq!(jobs::run_pending(10, conn).unwrap().succeeded, 1);
        assert!(rows!(conn, profiles, Profile).is_empty());
    }

    fn replace_only_nullifies(db) {
        let conn = db.conn();
        jobs::create_table(conn).unwrap();
        let (user, old) = user_with_profile!(conn, User, "old");
        let new = user.create_profile(NewProfile { bio: "new" }, conn).unwrap();
        assert_eq!(rows!(conn, profiles, Profile), [Profile { user_id: None, ..old }, new]);
        assert!(jobs::pending(conn).unwrap().is_empty(), "Rails writes no job on replace");
    }

    fn a_poison_job_is_recorded_and_the_next_job_runs(db) {
        let conn = db.conn();
        jobs::create_table(conn).unwrap();
        let (poisoned, poison) = user_with_profile!(conn, User, "poison");
        let (user, _) = user_with_profile!(conn, User, "fine");
        poisoned.destroy(conn).unwrap();
        user.destroy(conn).unwrap();

        let summary = jobs::run_pending(10, conn).unwrap();
        assert_eq!((summary.succeeded, summary.failed), (1, 1));
        assert_eq!(rows!(conn, profiles, Profile), [poison], "only the poison job's target is left");
        let all = jobs_table!(conn);
        let (failed, done) = (&all[0], &all[1]);
        assert_eq!((failed.attempts, failed.done_at), (1, None));
        let error = failed.last_error.as_deref().unwrap();
        assert_eq!(error.chars().count(), jobs::MAX_ERROR_CHARS);
        let kept = format!("destroy aborted: {}", poison_message());
        assert!(error.ends_with('…'), "{error}");
        assert!(kept.starts_with(error.trim_end_matches('…')), "{error}");
        assert!(done.done_at.is_some());

        // a worker is not stopped by it either (the poison job waits for its backoff)
        let (user, _) = user_with_profile!(conn, User, "fine too");
        user.destroy(conn).unwrap();
        let worker = jobs::Worker { batch: 10, idle: std::time::Duration::ZERO };
        let mut batches = 0;
        let total = worker
            .run(
                |_| {
                    batches += 1;
                    batches <= 1
                },
                conn,
            )
            .unwrap();
        assert_eq!((total.succeeded, total.failed), (1, 0));
        assert_eq!(jobs::pending(conn).unwrap().len(), 1);
    }

    fn a_job_failing_at_the_attempt_limit_saturates(db) {
        let conn = db.conn();
        jobs::create_table(conn).unwrap();
        diesel::insert_into(diesel_has_one_jobs::table)
            .values((
                diesel_has_one_jobs::association.eq("Gone.model"),
                diesel_has_one_jobs::owner_key.eq("[1]"),
                diesel_has_one_jobs::target_keys.eq("[1]"),
                diesel_has_one_jobs::attempts.eq(i32::MAX),
                diesel_has_one_jobs::created_at.eq(0_i64),
                diesel_has_one_jobs::run_after.eq(0_i64),
            ))
            .execute(conn)
            .unwrap();
        let summary = jobs::run_pending(10, conn).unwrap();
        assert_eq!((summary.succeeded, summary.failed), (0, 1));
        let job = &jobs::pending(conn).unwrap()[0];
        assert_eq!(job.attempts, i32::MAX);
        assert!(job.last_error.as_deref().unwrap().contains("no handler for `Gone.model`"), "{job:?}");
        assert!(job.run_after > 0);
    }

    fn a_panicking_hook_fails_only_its_job(db) {
        let conn = db.conn();
        jobs::create_table(conn).unwrap();
        let (panicking, profile) = user_with_profile!(conn, User, "panic");
        let (user, _) = user_with_profile!(conn, User, "fine");
        panicking.destroy(conn).unwrap();
        user.destroy(conn).unwrap();

        let summary = jobs::run_pending(10, conn).unwrap();
        assert_eq!((summary.succeeded, summary.failed), (1, 1));
        assert_eq!(rows!(conn, profiles, Profile), [profile], "its target is intact");
        assert_eq!(rows!(conn, avatars, Avatar).len(), 1, "and its dependents");
        let job = &jobs::pending(conn).unwrap()[0];
        assert_eq!(job.attempts, 1);
        assert!(job.last_error.as_deref().unwrap().contains("panicked: the profile's hook panicked"), "{job:?}");
    }
}

/// The same job through every executor, r2d2 pools included: the pool forwards the job
/// store and the job handlers to the connection it holds.
mod every_executor {
    use super::*;

    backend_tests! {
        schema = SCHEMA;

        fn a_job_runs_through_the_connection_as_given_pooled_or_not(conn, backend) {
            jobs::create_table(conn).unwrap();
            let (user, profile) = user_with_profile!(conn, User, "pooled");
            user.destroy(conn).unwrap();
            assert_eq!(jobs::pending(conn).unwrap().len(), 1);
            assert_eq!(rows!(conn, profiles, Profile), std::slice::from_ref(&profile), "target still there");
            let summary = jobs::run_pending(10, conn).unwrap();
            assert_eq!((summary.succeeded, summary.failed), (1, 0));
            assert!(rows!(conn, profiles, Profile).is_empty());
            assert!(rows!(conn, avatars, Avatar).is_empty(), "the target's own dependents ran");
            assert!(jobs::pending(conn).unwrap().is_empty());
        }
    }
}
