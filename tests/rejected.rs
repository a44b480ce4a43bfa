//! A new row the database rejects leaves the old row linked and untouched (Rails has
//! already nullified or destroyed it: rails#46737, #20514).

mod common;

use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_has_one::{Error, Model};

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text, lang -> Text } }

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
    pub lang: String,
}

#[derive(Insertable)]
#[diesel(table_name = profiles)]
pub struct NewProfile<'a> {
    pub bio: &'a str,
    pub lang: &'a str,
}

/// Misses the NOT NULL `lang` column (which has no default).
#[derive(Insertable)]
#[diesel(table_name = profiles)]
pub struct BioOnly<'a> {
    pub bio: &'a str,
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE users (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE profiles (id {pk}, user_id INTEGER UNIQUE, bio {text} NOT NULL CHECK (bio <> ''), lang {text} NOT NULL)",
];

macro_rules! rejected {
    ($conn:expr, $user_ty:ty, $values:expr, $kind:pat) => {{
        let user = insert!($conn, users, $user_ty, users::name.eq("Anna"));
        let old = user
            .create_profile(
                NewProfile {
                    bio: "Loves cats",
                    lang: "en",
                },
                $conn,
            )
            .unwrap();
        let err = user.create_profile($values, $conn).unwrap_err();
        assert!(
            matches!(err, Error::Database(DieselError::DatabaseError($kind, _))),
            "{err:?}"
        );
        assert_eq!(rows!($conn, profiles, Profile), std::slice::from_ref(&old));
        assert_eq!(user.profile($conn).unwrap(), Some(old));
    }};
}

backend_tests! {
    schema = SCHEMA;

    fn not_null_column_missing_keeps_the_old_row(conn, backend) {
        let kind = |k: &DatabaseErrorKind| matches!(k, DatabaseErrorKind::NotNullViolation | DatabaseErrorKind::Unknown);
        let user = insert!(conn, users, User, users::name.eq("Anna"));
        let old = user.create_profile(NewProfile { bio: "Loves cats", lang: "en" }, conn).unwrap();
        let err = user.create_profile(BioOnly { bio: "Loves dogs" }, conn).unwrap_err();
        // MySQL reports "Field 'lang' doesn't have a default value", which Diesel does not classify
        assert!(matches!(&err, Error::Database(DieselError::DatabaseError(k, _)) if kind(k)), "{err:?}");
        assert_eq!(rows!(conn, profiles, Profile), std::slice::from_ref(&old));
        assert_eq!(user.profile(conn).unwrap(), Some(old));
    }

    fn check_constraint_keeps_the_old_row_with_destroy(conn, backend) {
        rejected!(conn, User, NewProfile { bio: "", lang: "en" }, DatabaseErrorKind::CheckViolation | DatabaseErrorKind::Unknown);
    }

    fn check_constraint_keeps_the_old_row_with_nullify(conn, backend) {
        rejected!(conn, NullifyUser, NewProfile { bio: "", lang: "en" }, DatabaseErrorKind::CheckViolation | DatabaseErrorKind::Unknown);
    }

    fn rejected_build_save_keeps_the_old_row(conn, backend) {
        let user = insert!(conn, users, User, users::name.eq("Anna"));
        let old = user.create_profile(NewProfile { bio: "Loves cats", lang: "en" }, conn).unwrap();
        let built = user.build_profile(NewProfile { bio: "", lang: "en" });
        assert_eq!(rows!(conn, profiles, Profile), std::slice::from_ref(&old));
        assert!(built.save(conn).is_err());
        assert_eq!(rows!(conn, profiles, Profile), [old]);
    }
}
