// `destroy_async` with `ensuring_owner_was` and `autosave`, `validate`, `required`, `touch`
// on one association, lint-clean under `deny(warnings, unused_qualifications)` with the
// derives in a module that imports no Diesel traits; `main` saves, validates, destroys and
// runs the job on an in-memory SQLite database.
#![deny(warnings, unused_qualifications)]

diesel::table! { users (id) { id -> Integer, name -> Text, discarded -> Integer } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text, updated_at -> Nullable<Timestamp> } }

mod models {
    use diesel::{AsChangeset, Identifiable, Insertable, Queryable, Selectable};
    use diesel_has_one::{Errors, Model, Validate};

    #[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
    #[diesel(table_name = crate::users)]
    #[has_one(
        profile,
        dependent = "destroy_async",
        ensuring_owner_was = "is_discarded",
        autosave = true,
        validate = true,
        required = true,
        touch = true
    )]
    pub struct User {
        pub id: i32,
        pub name: String,
        pub discarded: i32,
    }

    impl User {
        pub fn is_discarded(&self) -> bool {
            self.discarded != 0
        }
    }

    #[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
    #[diesel(table_name = crate::profiles)]
    pub struct Profile {
        pub id: i32,
        pub user_id: Option<i32>,
        pub bio: String,
        pub updated_at: Option<String>,
    }

    #[derive(Insertable)]
    #[diesel(table_name = crate::users)]
    pub struct NewUser<'a> {
        pub name: &'a str,
    }

    #[derive(AsChangeset)]
    #[diesel(table_name = crate::users)]
    pub struct UserChanges<'a> {
        pub name: &'a str,
    }

    #[derive(Insertable)]
    #[diesel(table_name = crate::profiles)]
    pub struct NewProfile<'a> {
        pub bio: &'a str,
    }

    #[derive(AsChangeset)]
    #[diesel(table_name = crate::profiles)]
    pub struct ProfileChanges<'a> {
        pub bio: &'a str,
    }

    impl Validate for NewProfile<'_> {
        fn validate(&self, errors: &mut Errors) {
            if self.bio.is_empty() {
                errors.add("bio", "can't be blank");
            }
        }
    }

    impl Validate for ProfileChanges<'_> {
        fn validate(&self, errors: &mut Errors) {
            if self.bio.is_empty() {
                errors.add("bio", "can't be blank");
            }
        }
    }
}

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel_has_one::{jobs, Error, Model as _};
use models::{NewProfile, NewUser, Profile, ProfileChanges, User, UserChanges};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let conn = &mut SqliteConnection::establish(":memory:")?;
    conn.batch_execute(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, discarded INTEGER NOT NULL DEFAULT 0);
         CREATE TABLE profiles (id INTEGER PRIMARY KEY, user_id INTEGER UNIQUE, bio TEXT NOT NULL, updated_at TIMESTAMP);",
    )?;
    jobs::create_table(conn)?;

    // `validate`: nothing is written when the new row is invalid.
    let invalid = User::insert_with_profile(NewUser { name: "Anna" })
        .new_row(NewProfile { bio: "" })
        .save(conn);
    assert!(matches!(invalid, Err(Error::Invalid(_))));
    // `required`: an owner without a profile is invalid.
    let missing = User::insert_with_profile(NewUser { name: "Anna" }).save(conn);
    assert!(matches!(missing, Err(Error::Invalid(_))));
    assert_eq!(users::table.count().get_result::<i64>(conn)?, 0);

    let (user, profile) = User::insert_with_profile(NewUser { name: "Anna" })
        .new_row(NewProfile { bio: "first" })
        .save(conn)?;
    let profile = profile.ok_or("a new row was given")?;
    // `touch`: saving the owner stamps the profile's `updated_at` (in the database; the
    // returned row was read before the touch).
    let stamped: Option<String> = profiles::table.select(profiles::updated_at).first(conn)?;
    assert!(stamped.is_some());

    // `autosave`: the changed row is updated with the owner.
    let (user, profile) = user
        .save_with_profile()
        .update_owner(UserChanges { name: "Ann" })
        .update_row(&profile, ProfileChanges { bio: "second" })
        .save(conn)?;
    assert_eq!(user.name, "Ann");
    assert_eq!(profile.map(|p| p.bio).as_deref(), Some("second"));

    // `destroy_async` + `ensuring_owner_was`: the job runs once the owner is gone.
    user.destroy(conn)?;
    assert_eq!(jobs::run_pending(10, conn)?.succeeded, 1);
    let left: Vec<Profile> = profiles::table.select(Profile::as_select()).load(conn)?;
    assert!(left.is_empty());
    Ok(())
}
