//! Saving an owner with its `has_one` in one transaction: `autosave` (default, true,
//! false), `validate`, `required`, `touch`; "validation failed: nothing written" on every
//! backend.

mod common;

use diesel::prelude::*;
use diesel_has_one::{Error, Errors, Model, Validate};

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text, updated_at -> Nullable<Timestamp> } }

macro_rules! owner {
    ($name:ident $(, $opt:ident = $value:literal)*) => {
        #[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
        #[diesel(table_name = users)]
        #[has_one(profile, foreign_key = "user_id", dependent = "destroy" $(, $opt = $value)*)]
        pub struct $name {
            pub id: i32,
            pub name: String,
        }
    };
}

owner!(DefaultUser);
owner!(AutosaveUser, autosave = true);
owner!(NoAutosaveUser, autosave = false);
owner!(ValidatingUser, validate = true);
owner!(RequiredUser, required = true);

/// `touch = true` and no `dependent`: destroying the owner leaves the row, touched.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile, foreign_key = "user_id", touch = true)]
pub struct TouchUser {
    pub id: i32,
    pub name: String,
}

// `timestamps = false`: these tests watch `touch` alone write `updated_at`
// (tests/timestamps.rs has the timestamps).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = profiles)]
#[model(timestamps = false)]
pub struct Profile {
    pub id: i32,
    pub user_id: Option<i32>,
    pub bio: String,
    pub updated_at: Option<chrono::NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub name: &'a str,
}

#[derive(AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges<'a> {
    pub name: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = profiles)]
pub struct NewProfile<'a> {
    pub bio: &'a str,
}

#[derive(AsChangeset)]
#[diesel(table_name = profiles)]
pub struct ProfileChanges<'a> {
    pub bio: &'a str,
}

fn blank(bio: &str, errors: &mut Errors) {
    if bio.is_empty() {
        errors.add("bio", "can't be blank");
    }
}

impl Validate for NewProfile<'_> {
    fn validate(&self, errors: &mut Errors) {
        blank(self.bio, errors)
    }
}

/// `set_profile(Some(&row))` on a validating association validates the linked row.
impl Validate for Profile {
    fn validate(&self, errors: &mut Errors) {
        blank(&self.bio, errors)
    }
}

impl Validate for ProfileChanges<'_> {
    fn validate(&self, errors: &mut Errors) {
        blank(self.bio, errors)
    }
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE users (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE profiles (id {pk}, user_id INTEGER UNIQUE, bio {text} NOT NULL, updated_at TIMESTAMP NULL DEFAULT NULL)",
];

fn bios(profiles: &[Profile]) -> Vec<(Option<i32>, &str)> {
    profiles
        .iter()
        .map(|p| (p.user_id, p.bio.as_str()))
        .collect()
}

/// `YYYY-MM-DD HH:MM:SS.ffffff`, exactly (what ActiveRecord writes on SQLite).
fn is_active_record_timestamp(text: &str) -> bool {
    text.len() == 26
        && text.bytes().enumerate().all(|(i, c)| match i {
            4 | 7 => c == b'-',
            10 => c == b' ',
            13 | 16 => c == b':',
            19 => c == b'.',
            _ => c.is_ascii_digit(),
        })
}

fn invalid(result: Result<impl std::fmt::Debug, Error>) -> Errors {
    match result {
        Err(Error::Invalid(errors)) => errors,
        other => panic!("expected Error::Invalid, got {other:?}"),
    }
}

/// Inserts an owner of type `$ty` with a profile "first" through `insert_with_profile`.
macro_rules! owner_with_profile {
    ($conn:expr, $ty:ty) => {{
        let (owner, profile) = <$ty>::insert_with_profile(NewUser { name: "Anna" })
            .new_row(NewProfile { bio: "first" })
            .save($conn)
            .unwrap();
        (owner, profile.expect("a new row was given"))
    }};
}

backend_tests! {
    schema = SCHEMA;

    fn default_saves_new_rows_only(conn, backend) {
        let (owner, first) = owner_with_profile!(conn, DefaultUser);
        assert_eq!(owner.name, "Anna");
        assert_eq!(bios(&rows!(conn, profiles, Profile)), [(Some(owner.id), "first")]);

        // a changed row is not written without autosave (Rails' default)
        let (_, row) = owner.save_with_profile().update_row(&first, ProfileChanges { bio: "changed" }).save(conn).unwrap();
        assert_eq!(row.unwrap().bio, "first");
        // a row marked for destruction is not destroyed
        owner.save_with_profile().destroy_row(&first).save(conn).unwrap();
        assert_eq!(bios(&rows!(conn, profiles, Profile)), [(Some(owner.id), "first")]);

        // a new row replaces the old one (dependent = destroy) with the owner's changes
        let (owner, second) = owner
            .save_with_profile()
            .update_owner(UserChanges { name: "Anna B." })
            .new_row(NewProfile { bio: "second" })
            .save(conn)
            .unwrap();
        assert_eq!(owner.name, "Anna B.");
        assert_eq!(second.unwrap().bio, "second");
        assert_eq!(bios(&rows!(conn, profiles, Profile)), [(Some(owner.id), "second")]);
        assert_eq!(rows!(conn, users, DefaultUser), [owner]);
    }

    fn autosave_true_updates_and_destroys(conn, backend) {
        let (owner, first) = owner_with_profile!(conn, AutosaveUser);
        let (_, row) = owner.save_with_profile().update_row(&first, ProfileChanges { bio: "changed" }).save(conn).unwrap();
        assert_eq!(row.unwrap().bio, "changed");
        assert_eq!(bios(&rows!(conn, profiles, Profile)), [(Some(owner.id), "changed")]);
        let (_, row) = owner.save_with_profile().destroy_row(&first).save(conn).unwrap();
        assert_eq!(row, None);
        assert!(rows!(conn, profiles, Profile).is_empty());
    }

    fn autosave_false_never_writes_the_row(conn, backend) {
        let owner = NoAutosaveUser::insert_with_profile(NewUser { name: "Anna" })
            .new_row(NewProfile { bio: "never" })
            .save(conn)
            .unwrap()
            .0;
        assert_eq!(rows!(conn, users, NoAutosaveUser), std::slice::from_ref(&owner), "the owner is saved");
        assert!(rows!(conn, profiles, Profile).is_empty(), "the new row is not");
        let existing = owner.create_profile(NewProfile { bio: "kept" }, conn).unwrap();
        owner.save_with_profile().update_row(&existing, ProfileChanges { bio: "changed" }).save(conn).unwrap();
        owner.save_with_profile().destroy_row(&existing).save(conn).unwrap();
        assert_eq!(bios(&rows!(conn, profiles, Profile)), [(Some(owner.id), "kept")]);
    }

    fn validation_failed_nothing_written(conn, backend) {
        // validate = true: the new row is validated before the owner is inserted
        let errors = invalid(ValidatingUser::insert_with_profile(NewUser { name: "Anna" }).new_row(NewProfile { bio: "" }).save(conn));
        assert_eq!(errors.on("bio").collect::<Vec<_>>(), ["can't be blank"]);
        assert!(rows!(conn, users, ValidatingUser).is_empty());
        assert!(rows!(conn, profiles, Profile).is_empty());

        // autosave = true validates too: neither the owner's changes nor the row are written
        let (owner, first) = owner_with_profile!(conn, AutosaveUser);
        let errors = invalid(
            owner.save_with_profile().update_owner(UserChanges { name: "renamed" }).update_row(&first, ProfileChanges { bio: "" }).save(conn),
        );
        assert!(!errors.is_empty());
        assert_eq!(rows!(conn, users, AutosaveUser), std::slice::from_ref(&owner));
        assert_eq!(rows!(conn, profiles, Profile), [first]);

        // validate defaults to false, like Rails: the same row is written
        let (_, row) = DefaultUser::insert_with_profile(NewUser { name: "Bob" }).new_row(NewProfile { bio: "" }).save(conn).unwrap();
        assert_eq!(row.unwrap().bio, "");
    }

    fn every_writer_validates_first(conn, backend) {
        // validate = true, autosave = true and required = true: create_, build_ + save and
        // set_ check before any read or write; the tables are byte-identical afterwards.
        macro_rules! writers_validate {
            ($ty:ty) => {{
                let owner = insert!(conn, users, $ty, users::name.eq("Anna"));
                // without a linked row
                invalid(owner.create_profile(NewProfile { bio: "" }, conn));
                invalid(owner.build_profile(NewProfile { bio: "" }).save(conn));
                assert!(rows!(conn, profiles, Profile).is_empty(), "{}: nothing inserted", stringify!($ty));
                // with a linked row, and an invalid unlinked row to link
                let linked = owner.create_profile(NewProfile { bio: "linked" }, conn).unwrap();
                let stray = insert!(conn, profiles, Profile, profiles::bio.eq(""));
                let before = (rows!(conn, users, $ty), rows!(conn, profiles, Profile));
                let errors = invalid(owner.create_profile(NewProfile { bio: "" }, conn));
                assert_eq!(errors.on("bio").collect::<Vec<_>>(), ["can't be blank"]);
                invalid(owner.build_profile(NewProfile { bio: "" }).save(conn));
                invalid(owner.set_profile(Some(&stray), conn));
                assert_eq!((rows!(conn, users, $ty), rows!(conn, profiles, Profile)), before, "{}: nothing written", stringify!($ty));
                assert_eq!(owner.profile(conn).unwrap(), Some(linked));
                diesel::delete(profiles::table).execute(conn).unwrap();
            }};
        }
        writers_validate!(ValidatingUser);
        writers_validate!(AutosaveUser);
        // validate defaults to false: the invalid values are written
        let owner = insert!(conn, users, DefaultUser, users::name.eq("Bob"));
        assert_eq!(owner.create_profile(NewProfile { bio: "" }, conn).unwrap().bio, "");
    }

    fn required_refuses_set_none(conn, backend) {
        let owner = insert!(conn, users, RequiredUser, users::name.eq("Anna"));
        let linked = owner.create_profile(NewProfile { bio: "kept" }, conn).unwrap();
        let errors = invalid(owner.set_profile(None, conn));
        assert_eq!(errors.on("profile").collect::<Vec<_>>(), ["must exist"]);
        assert_eq!(rows!(conn, profiles, Profile), [linked]);
    }

    fn required_needs_a_row(conn, backend) {
        let errors = invalid(RequiredUser::insert_with_profile(NewUser { name: "Anna" }).save(conn));
        assert_eq!(errors.on("profile").collect::<Vec<_>>(), ["must exist"]);
        assert!(rows!(conn, users, RequiredUser).is_empty());

        let owner = insert!(conn, users, RequiredUser, users::name.eq("Bob"));
        let errors = invalid(owner.save_with_profile().update_owner(UserChanges { name: "renamed" }).save(conn));
        assert_eq!(errors.on("profile").collect::<Vec<_>>(), ["must exist"]);
        assert_eq!(rows!(conn, users, RequiredUser), std::slice::from_ref(&owner), "owner changes rolled back");

        let (owner, row) = owner.save_with_profile().new_row(NewProfile { bio: "here" }).save(conn).unwrap();
        assert!(row.is_some());
        owner.save_with_profile().update_owner(UserChanges { name: "fine" }).save(conn).unwrap();
        assert_eq!(rows!(conn, users, RequiredUser)[0].name, "fine");
    }

    fn touch_on_save_and_destroy(conn, backend) {
        let owner = insert!(conn, users, TouchUser, users::name.eq("Anna"));
        owner.create_profile(NewProfile { bio: "b" }, conn).unwrap();
        assert_eq!(rows!(conn, profiles, Profile)[0].updated_at, None);
        let (_, row) = owner.save_with_profile().update_owner(UserChanges { name: "Anna B." }).save(conn).unwrap();
        assert!(rows!(conn, profiles, Profile)[0].updated_at.is_some(), "touched on save");
        assert_eq!(row.unwrap().updated_at, rows!(conn, profiles, Profile)[0].updated_at, "save returns the touched row");

        diesel::update(profiles::table).set(profiles::updated_at.eq(None::<chrono::NaiveDateTime>)).execute(conn).unwrap();
        owner.destroy(conn).unwrap();
        let left = rows!(conn, profiles, Profile);
        assert_eq!(left.len(), 1, "no dependent: the row stays");
        assert!(left[0].updated_at.is_some(), "touched on destroy");
    }

    fn touch_twice_within_a_second_never_goes_back(conn, backend) {
        if backend == common::Backend::Mysql {
            // what Rails' `t.timestamps` makes; a plain DATETIME/TIMESTAMP drops the fraction
            diesel::connection::SimpleConnection::batch_execute(conn, "ALTER TABLE profiles MODIFY updated_at DATETIME(6) NULL").unwrap();
        }
        let owner = insert!(conn, users, TouchUser, users::name.eq("Anna"));
        owner.create_profile(NewProfile { bio: "b" }, conn).unwrap();
        // a value with a fraction, as ActiveRecord (or Diesel) writes it a moment earlier
        let written = chrono::Utc::now().naive_utc();
        diesel::update(profiles::table).set(profiles::updated_at.eq(written)).execute(conn).unwrap();

        let mut last = written;
        for (i, name) in ["Anna B.", "Anna C."].into_iter().enumerate() {
            let before = chrono::Utc::now().naive_utc();
            owner.save_with_profile().update_owner(UserChanges { name }).save(conn).unwrap();
            let after = chrono::Utc::now().naive_utc();
            let touched = rows!(conn, profiles, Profile)[0].updated_at.unwrap();
            assert!(touched >= last, "touch {i} went back: {last} → {touched}");
            // UTC, to the microsecond: within the call, not rounded down to its second
            assert!(
                touched >= before - chrono::TimeDelta::microseconds(1) && touched <= after,
                "touch {i} wrote {touched}, outside {before} … {after}"
            );
            last = touched;
        }

        // the text the database holds is ActiveRecord's `YYYY-MM-DD HH:MM:SS.ffffff`
        let text_sql = match backend {
            common::Backend::Sqlite => "updated_at", // the stored text itself
            common::Backend::Postgres => "to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS.US')",
            common::Backend::Mysql => "CAST(updated_at AS CHAR)",
        };
        let text: String = profiles::table
            .select(diesel::dsl::sql::<diesel::sql_types::Text>(text_sql))
            .first(conn)
            .unwrap();
        assert!(is_active_record_timestamp(&text), "{text:?}");
        assert_eq!(text, last.format("%Y-%m-%d %H:%M:%S%.6f").to_string());

        owner.destroy(conn).unwrap();
        let destroyed = rows!(conn, profiles, Profile)[0].updated_at.unwrap();
        assert!(destroyed >= last, "touch on destroy went back: {last} → {destroyed}");
    }
}
