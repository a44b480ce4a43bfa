//! The Rails guide walkthrough (user Anna, profile "Loves cats" → "Loves dogs") and the
//! generated reader, query, build and preload on every backend.

mod common;

use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }
diesel::allow_tables_to_appear_in_same_query!(users, profiles);

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile, dependent = "destroy", inverse_of = "user")]
pub struct User {
    pub id: i32,
    pub name: String,
}

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, AsChangeset, Model,
)]
#[diesel(table_name = profiles, belongs_to(User))]
pub struct Profile {
    pub id: i32,
    pub user_id: Option<i32>,
    pub bio: String,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = profiles)]
pub struct NewProfile<'a> {
    pub bio: &'a str,
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE users (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE profiles (id {pk}, user_id INTEGER UNIQUE REFERENCES users(id), bio {text} NOT NULL)",
];

backend_tests! {
    schema = SCHEMA;

    fn walkthrough(conn, backend) {
        // Step 2: Anna has no profile yet.
        let anna = insert!(conn, users, User, users::name.eq("Anna"));
        assert_eq!(anna.profile(conn).unwrap(), None);
        // Step 3: a profile linked to Anna.
        let created = anna.create_profile(NewProfile { bio: "Loves cats" }, conn).unwrap();
        assert_eq!(created.user_id, Some(anna.id));
        // Step 4: reading it back.
        let mut profile = anna.profile(conn).unwrap().expect("linked");
        assert_eq!(profile, created);
        assert_eq!(profile.bio, "Loves cats");
        // Step 5: an update through it persists.
        profile.bio = "Loves dogs".into();
        profile.save_changes::<Profile>(conn).unwrap();
        assert_eq!(anna.profile(conn).unwrap().unwrap().bio, "Loves dogs");
        assert_eq!(
            rows!(conn, profiles, Profile),
            vec![Profile { id: created.id, user_id: Some(anna.id), bio: "Loves dogs".into() }]
        );
    }

    fn query_is_composable(conn, backend) {
        let anna = insert!(conn, users, User, users::name.eq("Anna"));
        anna.create_profile(NewProfile { bio: "Loves cats" }, conn).unwrap();
        let bios: Vec<String> = anna.profile_query().select(profiles::bio).load(conn).unwrap();
        assert_eq!(bios, vec!["Loves cats".to_string()]);
        let none: Vec<i32> = anna
            .profile_query()
            .filter(profiles::bio.eq("nothing"))
            .select(profiles::id)
            .load(conn)
            .unwrap();
        assert!(none.is_empty());
    }

    fn build_writes_nothing_until_save(conn, backend) {
        let anna = insert!(conn, users, User, users::name.eq("Anna"));
        let old = anna.create_profile(NewProfile { bio: "Loves cats" }, conn).unwrap();
        let before = rows!(conn, profiles, Profile);
        let log = common::Statements::record(conn);
        let built = anna.build_profile(NewProfile { bio: "Loves dogs" });
        assert_eq!(built.values().bio, "Loves dogs");
        assert!(log.queries().is_empty(), "build ran {:?}", log.queries());
        assert_eq!(rows!(conn, profiles, Profile), before);
        let saved = built.save(conn).unwrap();
        assert_eq!(saved.bio, "Loves dogs");
        // dependent = destroy: the old row is gone, the new one linked.
        assert_eq!(
            rows!(conn, profiles, Profile),
            vec![Profile { id: saved.id, user_id: Some(anna.id), bio: "Loves dogs".into() }]
        );
        assert_ne!(saved.id, old.id);
    }

    fn reader_statements(conn, backend) {
        let anna = insert!(conn, users, User, users::name.eq("Anna"));
        anna.create_profile(NewProfile { bio: "Loves cats" }, conn).unwrap();
        let log = common::Statements::record(conn);
        anna.profile(conn).unwrap();
        let queries = log.queries();
        assert_eq!(queries.len(), 1, "{queries:?}");
        assert!(queries[0].contains("LIMIT"), "{}", queries[0]);
    }
}

#[test]
fn declarations_are_registered_at_link_time() {
    let profile = diesel_has_one::declarations()
        .into_iter()
        .find(|d| d.owner == "User" && d.name == "profile")
        .expect("User.profile is registered");
    assert_eq!(
        profile,
        diesel_has_one::Declaration {
            owner: "User",
            owner_table: "users",
            owner_key: "id",
            name: "profile",
            target: "Profile",
            target_table: "profiles",
            foreign_key: "user_id",
            foreign_key_nullable: true,
            dependent: diesel_has_one::Dependent::Destroy,
            foreign_type: None,
            scoped: false,
        }
    );
}
