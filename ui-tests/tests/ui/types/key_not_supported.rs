// The owner's key is a type `has_one` cannot key on.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Binary, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Binary>, bio -> Text } }

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile)]
pub struct User {
    pub id: Vec<u8>,
    pub name: String,
}

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = profiles)]
pub struct Profile {
    pub id: i32,
    pub user_id: Option<Vec<u8>>,
    pub bio: String,
}

fn main() {}
