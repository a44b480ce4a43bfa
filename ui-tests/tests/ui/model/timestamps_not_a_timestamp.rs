// A `created_at` field whose column is not a timestamp: the association would write the
// time into it.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { profiles (id) { id -> Integer, bio -> Text, created_at -> Integer } }

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = profiles)]
pub struct Profile {
    pub id: i32,
    pub bio: String,
    pub created_at: i32,
}

fn main() {}
