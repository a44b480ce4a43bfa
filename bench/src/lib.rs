//! Shared pieces of the `diesel_has_one` benchmarks: the schema and models (with the
//! generated `has_one` code), the hand-written Diesel equivalents, the SeaORM entities, the
//! seeded SQLite database every contender reads, and a statement counter.
//!
//! The benches (`benches/reads.rs`, `benches/writes.rs`) time the operations; the `report`
//! binary counts their statements and turns criterion's estimates into the results table.

pub mod hand;
pub mod seaorm;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use diesel::connection::{Instrumentation, InstrumentationEvent, SimpleConnection};
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }
diesel::joinable!(profiles -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(users, profiles);

/// Owners seeded in the database (the preload and eager-load size).
pub const OWNERS: i32 = 10_000;

/// The owner the reader and replace benchmarks use (it has a profile).
pub const READ_OWNER: i32 = 4_242;

/// An owner: `has_one :profile, dependent: :destroy` (the generated code under test).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile, dependent = "destroy", inverse_of = "user")]
pub struct User {
    /// Primary key.
    pub id: i32,
    /// Any text.
    pub name: String,
}

/// The target of `User::profile`.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, Model)]
#[diesel(table_name = profiles, belongs_to(User))]
pub struct Profile {
    /// Primary key.
    pub id: i32,
    /// Foreign key to `users.id` (unique index).
    pub user_id: Option<i32>,
    /// Any text.
    pub bio: String,
}

/// The values of a new profile, without the foreign key (the association sets it).
#[derive(Debug, Insertable)]
#[diesel(table_name = profiles)]
pub struct NewProfile<'a> {
    /// Any text.
    pub bio: &'a str,
}

/// Where a bench keeps its database file: `target/<name>.db` in the bench crate.
pub fn db_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(format!("{name}.db"))
}

/// Creates (or recreates) the database file at `path` with [`OWNERS`] users and a profile
/// for three users out of four (`id % 4 != 0`), and returns a connection to it.
///
/// The file uses WAL with `synchronous = OFF` so that the write benchmark measures the
/// statements rather than `fsync`; every contender runs on the same settings.
pub fn seed(path: &Path) -> SqliteConnection {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    std::fs::create_dir_all(path.parent().expect("a file path")).expect("create target dir");
    let mut conn = open(path);
    conn.batch_execute(&format!(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
         CREATE TABLE profiles (id INTEGER PRIMARY KEY, user_id INTEGER UNIQUE REFERENCES users(id), bio TEXT NOT NULL);
         BEGIN;
         INSERT INTO users (id, name) WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < {OWNERS}) SELECT i, 'user ' || i FROM seq;
         INSERT INTO profiles (user_id, bio) SELECT id, 'bio of ' || id FROM users WHERE id % 4 != 0 ORDER BY id;
         COMMIT;
         ANALYZE;"
    ))
    .expect("seed");
    conn
}

/// A Diesel connection to the database file at `path`, with the benchmark's pragmas.
pub fn open(path: &Path) -> SqliteConnection {
    let mut conn = SqliteConnection::establish(path.to_str().expect("utf-8 path")).expect("open");
    conn.batch_execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;")
        .expect("pragmas");
    conn
}

/// All users, by primary key (the owners of the preload benchmark).
pub fn all_users(conn: &mut SqliteConnection) -> Vec<User> {
    users::table
        .order(users::id)
        .select(User::as_select())
        .load(conn)
        .expect("users")
}

/// The owner [`READ_OWNER`].
pub fn read_owner(conn: &mut SqliteConnection) -> User {
    users::table
        .find(READ_OWNER)
        .select(User::as_select())
        .first(conn)
        .expect("read owner")
}

/// The generated eager load: `User::eager_load_profile` on all users by primary key, one
/// `LEFT JOIN` query whose correlated subquery joins each owner's lowest-key profile.
pub fn generated_eager(conn: &mut SqliteConnection) -> QueryResult<Vec<(User, Option<Profile>)>> {
    User::eager_load_profile(users::table.order(users::id)).load::<(User, Option<Profile>)>(conn)
}

/// Records the SQL text of every statement a Diesel connection starts, transaction
/// control (`BEGIN`, `COMMIT`, `ROLLBACK`, savepoints) left out.
#[derive(Clone, Default)]
pub struct Statements(Arc<Mutex<Vec<String>>>);

impl Statements {
    /// Installs a recorder on `conn` (replacing any other instrumentation).
    pub fn record(conn: &mut SqliteConnection) -> Statements {
        let log = Statements::default();
        conn.set_instrumentation(log.clone());
        log
    }

    /// The statements recorded since the last call, and clears them.
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().expect("lock"))
    }
}

impl Instrumentation for Statements {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            let sql = query.to_string();
            let first = sql.split_whitespace().next().unwrap_or("").to_uppercase();
            if !["BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "END"]
                .contains(&first.as_str())
            {
                self.0.lock().expect("lock").push(sql);
            }
        }
    }
}
