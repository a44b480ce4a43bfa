// `inverse_of` names a `belongs_to` the target does not declare.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile, inverse_of = "owner")]
pub struct User {
    pub id: i32,
    pub name: String,
}

#[derive(Queryable, Selectable, Identifiable, Associations, Model)]
#[diesel(table_name = profiles, belongs_to(User))]
pub struct Profile {
    pub id: i32,
    pub user_id: Option<i32>,
    pub bio: String,
}

fn main() {}
