// `timestamps` takes a bool.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { profiles (id) { id -> Integer, bio -> Text } }

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = profiles)]
#[model(timestamps = "no")]
pub struct Profile {
    pub id: i32,
    pub bio: String,
}

fn main() {}
