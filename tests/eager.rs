//! `eager_load_…`: one `LEFT JOIN` query returning `(Owner, Option<Target>)`, on the user's
//! own filtered and ordered owner query; the joined row is the one the reader and preload
//! return when several rows match.

mod common;

use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }
diesel::allow_tables_to_appear_in_same_query!(users, profiles);

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile)]
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

/// No unique index: several rows may match one owner.
const SCHEMA: &[&str] = &[
    "CREATE TABLE users (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE profiles (id {pk}, user_id INTEGER, bio {text} NOT NULL)",
];

backend_tests! {
    schema = SCHEMA;

    fn one_left_join_on_the_users_own_query(conn, backend) {
        let ann = insert!(conn, users, User, users::name.eq("Ann"));
        let bob = insert!(conn, users, User, users::name.eq("Bob"));
        let cid = insert!(conn, users, User, users::name.eq("Cid"));
        for (user, bio) in [(&bob, "bob 1"), (&ann, "ann 1"), (&bob, "bob 2"), (&ann, "ann 2")] {
            diesel::insert_into(profiles::table)
                .values((profiles::user_id.eq(user.id), profiles::bio.eq(bio)))
                .execute(conn)
                .unwrap();
        }
        let log = common::Statements::record(conn);
        let rows: Vec<(User, Option<Profile>)> = User::eager_load_profile(
            users::table.filter(users::name.ne("nobody")).order(users::name.desc()),
        )
        .load(conn)
        .unwrap();
        assert_eq!(log.queries().len(), 1, "{:?}", log.queries());
        assert!(log.queries()[0].contains("LEFT"), "{}", log.queries()[0]);
        let summary: Vec<(&str, Option<&str>)> = rows
            .iter()
            .map(|(u, p)| (u.name.as_str(), p.as_ref().map(|p| p.bio.as_str())))
            .collect();
        // the user's order is kept, one row per owner, the lowest primary key joined
        assert_eq!(summary, [("Cid", None), ("Bob", Some("bob 1")), ("Ann", Some("ann 1"))]);

        // reader, preload and eager load agree
        let owners = [cid.clone(), bob.clone(), ann.clone()];
        let preloaded = User::preload_profile(&owners, conn).unwrap();
        let read: Vec<Option<Profile>> = owners.iter().map(|u| u.profile(conn).unwrap()).collect();
        let eager: Vec<Option<Profile>> = rows.into_iter().map(|(_, p)| p).collect();
        assert_eq!(preloaded, read);
        assert_eq!(eager, read);
    }

    fn eager_load_of_the_bare_table(conn, backend) {
        let ann = insert!(conn, users, User, users::name.eq("Ann"));
        diesel::insert_into(profiles::table)
            .values((profiles::user_id.eq(ann.id), profiles::bio.eq("hi")))
            .execute(conn)
            .unwrap();
        let rows: Vec<(User, Option<Profile>)> =
            User::eager_load_profile(users::table).load(conn).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].1.as_ref().unwrap().bio, "hi");
    }
}
