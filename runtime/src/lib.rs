//! Rails' `has_one` association, done right, for Diesel.
//!
//! Annotate ordinary Diesel structs with `#[derive(Model)]` and
//! `#[has_one(profile, dependent = "destroy")]`; the derive reads Diesel's own attributes
//! (`table_name`, `primary_key`, `belongs_to`) and expands at compile time into typed Diesel
//! queries for every association method, on SQLite, PostgreSQL and MySQL (features
//! `sqlite`, the default, `postgres`, `mysql`). This crate holds what cannot be generated
//! per association: the replace transaction, `dependent` handling, autosave, `destroy_async`
//! jobs ([`jobs`]), the schema [`audit`], retries ([`retry`]) and the [`Error`] type.
//!
//! Every option of `#[has_one(…)]` and `#[model(…)]` is listed, with its value and meaning,
//! in the derive's documentation: [`Model`](derive@Model).
//!
//! Generated for `#[has_one(profile, …)]` on `User` (each method's rustdoc says what SQL it
//! runs):
//!
//! | Rails | here |
//! |---|---|
//! | `user.profile` | `user.profile(conn)`: one `SELECT … LIMIT 1` |
//! | association scope | `user.profile_query()`: the typed Diesel query, to refine |
//! | `user.build_profile(attrs)` | `user.build_profile(values)`, writes nothing until `.save(conn)` |
//! | `user.create_profile(attrs)` | `user.create_profile(values, conn)`: the replace transaction |
//! | `user.profile = other` / `nil` | `user.set_profile(Some(&other), conn)` / `(None, conn)` |
//! | `User.includes(:profile)` | `User::preload_profile(&users, conn)`: one query for all owners |
//! | `User.eager_load(:profile)` | `User::eager_load_profile(users::table)`: one `LEFT JOIN` |
//! | `user.save` with `autosave` | `user.save_with_profile()…save(conn)`, `User::insert_with_profile(v)` |
//! | `user.destroy` | `user.destroy(conn)` ([`Model`](trait@Model)): hooks and dependents, one transaction |
//!
//! `values` is any `Insertable` for the target table without the foreign key: the generated
//! code adds it. There is no association cache: a reader always reads.
//!
//! ```
//! use diesel::prelude::*;
//! use diesel_has_one::Model;
//!
//! diesel::table! { users (id) { id -> Integer, name -> Text } }
//! diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }
//!
//! #[derive(Queryable, Selectable, Identifiable, Model)]
//! #[diesel(table_name = users)]
//! #[has_one(profile, dependent = "destroy", inverse_of = "user")]
//! pub struct User { pub id: i32, pub name: String }
//!
//! #[derive(Debug, Queryable, Selectable, Identifiable, Associations, Model)]
//! #[diesel(table_name = profiles, belongs_to(User))]
//! pub struct Profile { pub id: i32, pub user_id: Option<i32>, pub bio: String }
//!
//! #[derive(Insertable)]
//! #[diesel(table_name = profiles)]
//! pub struct NewProfile<'a> { pub bio: &'a str }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let conn = &mut SqliteConnection::establish(":memory:")?;
//! diesel::sql_query("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)").execute(conn)?;
//! diesel::sql_query("CREATE TABLE profiles (id INTEGER PRIMARY KEY, user_id INTEGER UNIQUE, bio TEXT NOT NULL)").execute(conn)?;
//! diesel::sql_query("INSERT INTO users (id, name) VALUES (1, 'Anna')").execute(conn)?;
//! let anna = users::table.find(1).select(User::as_select()).first(conn)?;
//!
//! assert!(anna.profile(conn)?.is_none());
//! let p = anna.create_profile(NewProfile { bio: "Loves cats" }, conn)?;
//! assert_eq!(p.user_id, Some(1));
//! anna.destroy(conn)?; // dependent = "destroy": the profile goes too
//! assert_eq!(profiles::table.count().get_result::<i64>(conn)?, 0);
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

extern crate self as diesel_has_one;

pub mod association;
pub mod audit;
pub mod autosave;
pub mod backend;
pub mod both;
pub mod build;
pub mod checks;
pub mod connection;
pub mod dependent;
pub mod dependents;
pub mod eager;
pub mod error;
pub mod exec;
pub mod field;
pub mod first_key;
pub mod in_subselect;
pub mod jobs;
pub mod key;
pub mod key_set;
pub mod last_insert;
pub mod link;
pub mod linked_locks;
pub mod lock;
pub mod model;
pub mod moving;
#[cfg(feature = "async")]
pub mod nonblocking;
mod null;
mod omits;
pub mod ops;
pub mod persist;
#[cfg(feature = "r2d2")]
pub mod pooled;
pub mod preload;
pub mod preload_order;
pub mod replace;
pub mod retry;
pub mod returning;
pub mod scope;
pub mod statements;
pub mod subquery;
pub mod through;
pub mod timestamps;
pub mod touch;
pub mod transaction;
pub mod validate;
pub mod write_exec;

#[doc(hidden)]
pub mod __private;

/// Expands its input only when the runtime is built with the `async` feature.
#[cfg(feature = "async")]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_async { ($($t:tt)*) => { $($t)* }; }
#[cfg(not(feature = "async"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_async {
    ($($t:tt)*) => {};
}

/// Expands its input only when the runtime is built with the `sqlite` feature (the
/// expansion of a derive cannot see the runtime's features).
#[cfg(feature = "sqlite")]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_sqlite { ($($t:tt)*) => { $($t)* }; }
#[cfg(not(feature = "sqlite"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_sqlite {
    ($($t:tt)*) => {};
}
/// See [`__if_sqlite!`].
#[cfg(feature = "postgres")]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_postgres { ($($t:tt)*) => { $($t)* }; }
#[cfg(not(feature = "postgres"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_postgres {
    ($($t:tt)*) => {};
}
/// See [`__if_sqlite!`].
#[cfg(feature = "mysql")]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_mysql { ($($t:tt)*) => { $($t)* }; }
#[cfg(not(feature = "mysql"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_mysql {
    ($($t:tt)*) => {};
}

/// Registers association `$marker` for [`declarations`] and the schema audit. Used by the
/// derive's expansion.
#[doc(hidden)]
#[macro_export]
macro_rules! __register {
    ($marker:ty) => {
        $crate::__private::inventory::submit! {
            $crate::__private::Registered($crate::__private::describe::<$marker>)
        }
    };
}

pub use association::{
    declarations, Declaration, Dependent, HasOne, Insert, Preload, Statements, Touch,
};
pub use build::Built;
pub use connection::Conn;
pub use error::{Error, Errors, FieldError};
pub use key::Key;
pub use model::{Model, Persist};
pub use omits::{OmitsLinks, OmitsStamps};
pub use validate::Validate;

/// Derives [`Model`] and the methods of every `#[has_one(…)]` on the struct.
///
/// Container attributes:
///
/// | attribute | meaning |
/// |---|---|
/// | `#[diesel(table_name = …, primary_key(…), belongs_to(…))]` | read from Diesel's own attributes, never repeated |
/// | `#[has_one(name, options…)]` | one association; any number of them |
/// | `#[model(before_destroy = path, after_destroy = path)]` | destroy hooks: `fn(&Self, &mut C) -> Result<(), diesel_has_one::Error>`; an `Err` aborts and rolls back |
/// | `#[model(timestamps = false)]` | the library leaves the model's `created_at`/`updated_at` alone; by default it sets both on every row of the model it inserts (as a target, an `insert_with_` owner, a `through` join row) and `updated_at` on every row it links or unlinks (see [`timestamps`]) |
///
/// `has_one` options (all optional): `class_name = "Path"` (default: the name in
/// PascalCase), `foreign_key = "column"` (default: owner name + `_id`),
/// `primary_key = "column"` (the owner's key, default its primary key),
/// `inverse_of = "name"` (checked against the target's `belongs_to`),
/// `dependent = "destroy" | "delete" | "nullify" | "restrict_with_exception" | "restrict_with_error"`.
///
/// For `#[has_one(profile)]` on `User` it generates `profile`, `profile_query`,
/// `build_profile`, `create_profile`, `set_profile` and `preload_profile`.
pub use diesel_has_one_macros::{association, Model};

/// Derives [`Key`](trait@Key) for a newtype around a key (`struct UserId(i64);`): see the
/// trait's documentation.
pub use diesel_has_one_macros::Key;

/// Derives [`Runs`](ops::Runs) for a `#[derive(diesel::MultiConnection)]` enum, so the
/// association methods accept it: see [`ops`].
pub use diesel_has_one_macros::MultiConn;
