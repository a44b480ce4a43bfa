// `deprecated`: every generated method of the association warns where it is called, with
// the note when one is given (`deprecated = "…"`), for a direct and a `through`
// association; under `deny(deprecated)` each call is an error.
#![deny(deprecated)]

use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }
diesel::table! { memberships (id) { id -> Integer, user_id -> Nullable<Integer>, club_id -> Nullable<Integer> } }
diesel::table! { clubs (id) { id -> Integer, name -> Text } }
diesel::allow_tables_to_appear_in_same_query!(users, profiles, memberships, clubs);

#[derive(Clone, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile, deprecated = "use billing_address")]
#[has_one(membership)]
#[has_one(club, through = "membership", deprecated = true)]
pub struct User {
    pub id: i32,
    pub name: String,
}

#[derive(Clone, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = profiles)]
pub struct Profile {
    pub id: i32,
    pub user_id: Option<i32>,
    pub bio: String,
}

#[derive(Clone, Queryable, Selectable, Identifiable, Associations, Model)]
#[diesel(table_name = memberships, belongs_to(User), belongs_to(Club))]
pub struct Membership {
    pub id: i32,
    pub user_id: Option<i32>,
    pub club_id: Option<i32>,
}

#[derive(Clone, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = clubs)]
pub struct Club {
    pub id: i32,
    pub name: String,
}

#[derive(Insertable)]
#[diesel(table_name = profiles)]
pub struct NewProfile<'a> {
    pub bio: &'a str,
}

fn profile(user: &User, conn: &mut SqliteConnection) -> Result<(), diesel_has_one::Error> {
    let first = user.profile(conn)?;
    let _ = user.profile_query();
    user.build_profile(NewProfile { bio: "built" }).save(conn)?;
    user.create_profile(NewProfile { bio: "new" }, conn)?;
    user.set_profile(first.as_ref(), conn)?;
    user.save_with_profile().save(conn)?;
    User::insert_with_profile(users::name.eq("new")).save(conn)?;
    User::preload_profile(std::slice::from_ref(user), conn)?;
    let _ = User::eager_load_profile(users::table).load::<(User, Option<Profile>)>(conn)?;
    Ok(())
}

fn club(user: &User, conn: &mut SqliteConnection) -> Result<(), diesel_has_one::Error> {
    let first = user.club(conn)?;
    let _ = user.club_query();
    user.set_club(first.as_ref(), conn)?;
    User::preload_club(std::slice::from_ref(user), conn)?;
    let _ = User::eager_load_club(users::table).load::<(User, Option<Club>)>(conn)?;
    Ok(())
}

fn main() {
    let conn = &mut SqliteConnection::establish(":memory:").unwrap();
    let user = User { id: 1, name: "Anna".into() };
    profile(&user, conn).unwrap();
    club(&user, conn).unwrap();
}
