// `class_name` with generic arguments: a model is never generic.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile, class_name = "Vec<Profile>")]
pub struct User {
    pub id: i32,
    pub name: String,
}

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = profiles)]
pub struct Profile {
    pub id: i32,
    pub user_id: Option<i32>,
    pub bio: String,
}

fn main() {}
