// A type where a destroy hook's function path goes (`Vec<Profile>`).
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[model(after_destroy = Vec<String>)]
pub struct User {
    pub id: i32,
    pub name: String,
}

fn main() {}
