// `polymorphic_name` takes a string literal (the value stored in the type column).
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[model(polymorphic_name = User)]
pub struct User {
    pub id: i32,
    pub name: String,
}

fn main() {}
