//! The table, models, backends and seeding shared by the key-set bench (`main.rs`) and
//! the client measurements (`bin/client.rs`).

use diesel::prelude::*;
use diesel_has_one::Model;

pub mod raw;

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }
diesel::allow_tables_to_appear_in_same_query!(users, profiles);

/// An owner with `has_one :profile`.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile)]
pub struct User {
    /// Primary key.
    pub id: i32,
    /// Any text.
    pub name: String,
}

/// The target.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Associations, Model)]
#[diesel(table_name = profiles, belongs_to(User))]
pub struct Profile {
    /// Primary key.
    pub id: i32,
    /// The owner.
    pub user_id: Option<i32>,
    /// Any text.
    pub bio: String,
}

/// The backends measured.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Db {
    Mysql,
    Postgres,
    Sqlite,
}

impl Db {
    /// The backend's name in the tables.
    pub fn label(self) -> &'static str {
        match self {
            Db::Mysql => "MariaDB 10.11",
            Db::Postgres => "PostgreSQL 15",
            Db::Sqlite => "SQLite 3.50 (bundled, file, WAL)",
        }
    }
}

/// Deletes every row, then seeds `size` users `1..=size` and one profile each
/// (`profiles.id = user_id = i`), then refreshes the planner's statistics.
pub fn seed_sql(db: Db, size: i32) -> String {
    let seq = |col: &str| {
        format!("WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < {size}) SELECT {col} FROM seq")
    };
    let analyze = match db {
        Db::Mysql => "ANALYZE TABLE users, profiles",
        Db::Postgres => "ANALYZE users; ANALYZE profiles",
        Db::Sqlite => "ANALYZE",
    };
    format!(
        "DELETE FROM users; DELETE FROM profiles;
         INSERT INTO users (id, name) {};
         INSERT INTO profiles (id, user_id, bio) {};
         {analyze};",
        seq("i, 'u'"),
        seq("i, i, 'b'")
    )
}

/// Drops and creates the two tables with the index on `profiles.user_id`.
pub fn schema(db: Db) -> &'static str {
    match db {
        Db::Mysql => {
            "DROP TABLE IF EXISTS users, profiles;
             CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(255) NOT NULL);
             CREATE TABLE profiles (id INTEGER PRIMARY KEY AUTO_INCREMENT, user_id INTEGER, bio VARCHAR(255) NOT NULL, INDEX profiles_user_id (user_id));"
        }
        Db::Postgres => {
            "DROP TABLE IF EXISTS users, profiles;
             CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
             CREATE TABLE profiles (id SERIAL PRIMARY KEY, user_id INTEGER, bio TEXT NOT NULL);
             CREATE INDEX profiles_user_id ON profiles (user_id);"
        }
        Db::Sqlite => {
            "DROP TABLE IF EXISTS users; DROP TABLE IF EXISTS profiles;
             CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
             CREATE TABLE profiles (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER, bio TEXT NOT NULL);
             CREATE INDEX profiles_user_id ON profiles (user_id);"
        }
    }
}
