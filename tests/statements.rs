//! The statements each operation issues (recorded with Diesel's instrumentation, transaction
//! control left out), so a change that adds a round trip shows up here.

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
#[diesel(table_name = users)]
#[has_one(profile, foreign_key = "user_id", dependent = "nullify")]
pub struct NullifyUser {
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

/// The same table with a destroy hook: a `destroy` dependent loads these rows to run it.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = profiles)]
#[model(before_destroy = keep_going)]
pub struct HookedProfile {
    pub id: i32,
    pub user_id: Option<i32>,
    pub bio: String,
}

fn keep_going<C>(_: &HookedProfile, _: &mut C) -> Result<(), diesel_has_one::Error> {
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(hooked_profile, foreign_key = "user_id", dependent = "destroy")]
pub struct HookUser {
    pub id: i32,
    pub name: String,
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

/// The first word of each statement, plus `FOR UPDATE` when the statement locks.
fn kinds(log: &common::Statements) -> Vec<String> {
    let kinds = log
        .queries()
        .iter()
        .map(|q| {
            let word = q.split_whitespace().next().unwrap_or("").to_uppercase();
            if q.contains("FOR UPDATE") {
                format!("{word} FOR UPDATE")
            } else {
                word
            }
        })
        .collect();
    log.clear();
    kinds
}

backend_tests! {
    schema = SCHEMA;

    fn statements_per_operation(conn, backend) {
        let lock = if backend == common::Backend::Sqlite { "SELECT" } else { "SELECT FOR UPDATE" };
        // Every write locks the owner, then removes the rows linked to it (`remove` below)
        // or, when a row stays (`set_(Some(row))`), locks them (`keys`) and removes them by
        // key and link. `INSERT … RETURNING` brings the new row back on SQLite and
        // PostgreSQL; MySQL reselects it.
        let reselect: &[&str] = if backend == common::Backend::Mysql { &["SELECT"] } else { &[] };
        // The linked rows' keys, locked, for a nullify, delete or unlink: one locking read
        // through the foreign key (PostgreSQL locks the rows it returns; SQLite's write
        // transaction holds the database); on MySQL the keys read, then, when there are
        // any, those rows locked by key (InnoDB: runtime/src/linked_locks.rs).
        let mysql = backend == common::Backend::Mysql;
        let keys = |linked: bool| -> Vec<&str> {
            match (mysql, linked) {
                (true, true) => vec!["SELECT", lock],
                (true, false) => vec!["SELECT"],
                (false, _) => vec![lock],
            }
        };
        // Removing every linked row (nullify, delete, unlink, or the destroy of rows that
        // have no hooks and no has_one of their own, like `Profile`): on PostgreSQL and
        // SQLite one `DELETE`/`UPDATE` through the foreign key, which locks the rows it
        // changes; on MySQL the keys read and, when there are any, those rows locked by
        // key, then removed by key and link.
        let remove = |linked: bool, statement: &'static str| -> Vec<&str> {
            match (mysql, linked) {
                (true, true) => vec!["SELECT", lock, statement],
                (true, false) => vec!["SELECT"],
                (false, _) => vec![statement],
            }
        };
        // The linked rows themselves, locked, for a `destroy` dependent whose rows have
        // hooks: the same as `keys`, with the rows loaded (on MySQL their keys, then the
        // rows locked and loaded by key); each is then destroyed by key.
        let rows = keys;
        let seq = |parts: &[&[&'static str]]| -> Vec<&'static str> { parts.concat() };
        let user = insert!(conn, users, User, users::name.eq("Anna"));
        let log = common::Statements::record(conn);

        assert_eq!(user.profile(conn).unwrap(), None);
        assert_eq!(kinds(&log), ["SELECT"], "reader");

        let _ = user.build_profile(NewProfile { bio: "a" });
        assert!(kinds(&log).is_empty(), "build");

        user.create_profile(NewProfile { bio: "a" }, conn).unwrap();
        assert_eq!(kinds(&log), seq(&[&[lock], &remove(false, "DELETE"), &["INSERT"], reselect]), "create, nothing linked");

        let old = user.profile(conn).unwrap().unwrap();
        log.clear();
        user.create_profile(NewProfile { bio: "b" }, conn).unwrap();
        assert_eq!(kinds(&log), seq(&[&[lock], &remove(true, "DELETE"), &["INSERT"], reselect]), "create, destroy the old row");
        assert!(rows!(conn, profiles, Profile).iter().all(|p| p.id != old.id));
        log.clear();

        User::preload_profile(std::slice::from_ref(&user), conn).unwrap();
        assert_eq!(kinds(&log), ["SELECT"], "preload");

        user.destroy(conn).unwrap();
        assert_eq!(kinds(&log), seq(&[&[lock], &remove(true, "DELETE"), &["DELETE"]]), "destroy: lock the owner, delete the dependents, delete the owner");

        let nuser = insert!(conn, users, NullifyUser, users::name.eq("Bob"));
        nuser.create_profile(NewProfile { bio: "c" }, conn).unwrap();
        log.clear();
        nuser.create_profile(NewProfile { bio: "d" }, conn).unwrap();
        assert_eq!(kinds(&log), seq(&[&[lock], &remove(true, "UPDATE"), &["INSERT"], reselect]), "create, nullify the old row");
        let unlinked = nuser.profile(conn).unwrap().unwrap();
        log.clear();
        nuser.set_profile(None, conn).unwrap();
        assert_eq!(kinds(&log), seq(&[&[lock], &remove(true, "UPDATE")]), "set None, nullify the linked rows");

        // Linking an unlinked row: its owner read (none), the owner locked, the row locked
        // (and its owner checked again), the linked rows' keys (none), the link.
        nuser.set_profile(Some(&unlinked), conn).unwrap();
        assert_eq!(kinds(&log), seq(&[&["SELECT", lock, lock], &keys(false), &["UPDATE"]]), "set Some, an unlinked row");
        // Moving a row from another owner: both owners locked (lower key first), the row's
        // owner read again after the locks, the row locked, this owner's row unlinked, the link.
        let other = insert!(conn, users, NullifyUser, users::name.eq("Cem"));
        other.create_profile(NewProfile { bio: "e" }, conn).unwrap();
        let moved = other.profile(conn).unwrap().unwrap();
        log.clear();
        nuser.set_profile(Some(&moved), conn).unwrap();
        assert_eq!(
            kinds(&log),
            seq(&[&["SELECT", lock, lock, "SELECT", lock], &keys(true), &["UPDATE", "UPDATE"]]),
            "set Some, a row of another owner"
        );
        nuser.destroy(conn).unwrap();
        assert_eq!(kinds(&log), seq(&[&[lock], &remove(true, "UPDATE"), &["DELETE"]]), "destroy, one row nullified");
        let huser = insert!(conn, users, HookUser, users::name.eq("Dan"));
        huser.create_hooked_profile(NewProfile { bio: "f" }, conn).unwrap();
        log.clear();
        huser.create_hooked_profile(NewProfile { bio: "g" }, conn).unwrap();
        assert_eq!(kinds(&log), seq(&[&[lock], &rows(true), &["DELETE", "INSERT"], reselect]), "create, destroy the old row with its hook");
        huser.destroy(conn).unwrap();
        assert_eq!(kinds(&log), seq(&[&[lock], &rows(true), &["DELETE", "DELETE"]]), "destroy, the dependent's hook run");
        other.destroy(conn).unwrap();
        assert_eq!(kinds(&log), seq(&[&[lock], &remove(false, "UPDATE"), &["DELETE"]]), "destroy, nothing linked");
    }
}
