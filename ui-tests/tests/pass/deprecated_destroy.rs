// A `deprecated` association warns only where its methods are called: declaring it,
// destroying the owner (which handles its `dependent`) and using the owner's other
// associations compile under `deny(deprecated, warnings)`; `main` checks the dependent
// still ran.
#![deny(deprecated, warnings)]

use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }
diesel::table! { avatars (id) { id -> Integer, user_id -> Nullable<Integer>, url -> Text } }

#[derive(Debug, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile, dependent = "destroy", deprecated = "use avatar")]
#[has_one(legacy_profile, class_name = "Profile", dependent = "nullify", deprecated = true)]
#[has_one(avatar, dependent = "destroy")]
pub struct User {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = profiles)]
pub struct Profile {
    pub id: i32,
    pub user_id: Option<i32>,
    pub bio: String,
}

#[derive(Debug, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = avatars)]
pub struct Avatar {
    pub id: i32,
    pub user_id: Option<i32>,
    pub url: String,
}

#[derive(Insertable)]
#[diesel(table_name = avatars)]
pub struct NewAvatar<'a> {
    pub url: &'a str,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let conn = &mut SqliteConnection::establish(":memory:")?;
    diesel::sql_query("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
        .execute(conn)?;
    diesel::sql_query(
        "CREATE TABLE profiles (id INTEGER PRIMARY KEY, user_id INTEGER, bio TEXT NOT NULL)",
    )
    .execute(conn)?;
    diesel::sql_query(
        "CREATE TABLE avatars (id INTEGER PRIMARY KEY, user_id INTEGER UNIQUE, url TEXT NOT NULL)",
    )
    .execute(conn)?;
    diesel::sql_query("INSERT INTO users (id, name) VALUES (1, 'Anna')").execute(conn)?;
    diesel::sql_query("INSERT INTO profiles (id, user_id, bio) VALUES (1, 1, 'old')")
        .execute(conn)?;
    let anna = users::table.find(1).select(User::as_select()).first(conn)?;
    anna.create_avatar(NewAvatar { url: "a.png" }, conn)?;
    assert!(anna.avatar(conn)?.is_some());

    anna.destroy(conn)?;
    // The deprecated `profile`'s `dependent = "destroy"` still ran.
    assert_eq!(profiles::table.count().get_result::<i64>(conn)?, 0);
    assert_eq!(avatars::table.count().get_result::<i64>(conn)?, 0);
    Ok(())
}
