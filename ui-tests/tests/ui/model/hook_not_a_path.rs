// A destroy hook that is not a path.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[model(before_destroy = "check")]
pub struct User {
    pub id: i32,
    pub name: String,
}

fn main() {}
