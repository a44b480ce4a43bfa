//! Generic code over the connection calls the generated methods (issue 10): the bounds
//! name the association's marker with `diesel_has_one::association!(Owner::name)` and the
//! runtime's public traits, as Diesel users write `C: Connection` bounds. One body per
//! operation, run on SQLite, PostgreSQL and MariaDB.

mod common;

use diesel::prelude::*;
use diesel_has_one::autosave::ValidatesValues;
use diesel_has_one::replace::ValidatesTarget;
use diesel_has_one::{
    association, Conn, Error, Insert, Model, OmitsLinks, Persist, Preload, Statements,
};

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
#[diesel(table_name = profiles)]
pub struct Profile {
    pub id: i32,
    pub user_id: Option<i32>,
    pub bio: String,
}

#[derive(Insertable)]
#[diesel(table_name = profiles)]
pub struct NewProfile<'a> {
    pub bio: &'a str,
}

/// The reader and preload: the association's statements on `C`.
fn read<C>(user: &User, conn: &mut C) -> QueryResult<(Option<Profile>, Vec<Option<Profile>>)>
where
    C: Conn,
    association!(User::profile): Statements<C> + Preload<C>,
{
    let one = user.profile(conn)?;
    let many = User::preload_profile(std::slice::from_ref(user), conn)?;
    Ok((one, many))
}

/// `create_…` and `set_…`: the insert of these values, their validation, and both
/// models' own statements (lock, destroy).
fn replace<'a, C>(user: &User, bio: &'a str, conn: &mut C) -> Result<Profile, Error>
where
    C: Conn,
    User: Persist<C>,
    Profile: Persist<C>,
    NewProfile<'a>: OmitsLinks<association!(User::profile)>,
    association!(User::profile):
        Insert<C, NewProfile<'a>> + ValidatesValues<NewProfile<'a>> + ValidatesTarget<C>,
{
    let first = user.create_profile(NewProfile { bio }, conn)?;
    user.set_profile(Some(&first), conn)?; // already linked: nothing changes
    Ok(first)
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE users (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE profiles (id {pk}, user_id INTEGER UNIQUE, bio {text} NOT NULL)",
];

backend_tests! {
    schema = SCHEMA;

    fn generic_code_calls_the_generated_methods(conn, backend) {
        let user = insert!(conn, users, User, users::name.eq("Anna"));
        let created = replace(&user, "generic", conn).unwrap();
        assert_eq!(created.user_id, Some(user.id));
        let (one, many) = read(&user, conn).unwrap();
        assert_eq!(one, Some(created.clone()));
        assert_eq!(many, [Some(created.clone())]);
        assert_eq!(rows!(conn, profiles, Profile), [created]);
    }
}
