// `touch = true` sets the target's `updated_at`, which this table does not have.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text, discarded -> Integer } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile, touch = true)]
pub struct User {
    pub id: i32,
    pub name: String,
    pub discarded: i32,
}

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = profiles)]
pub struct Profile {
    pub id: i32,
    pub user_id: Option<i32>,
    pub bio: String,
}

fn main() {}
