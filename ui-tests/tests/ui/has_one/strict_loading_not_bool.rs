// `strict_loading` takes a bool, not a string.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile, strict_loading = "true")]
pub struct User {
    pub id: i32,
    pub name: String,
}

fn main() {}
