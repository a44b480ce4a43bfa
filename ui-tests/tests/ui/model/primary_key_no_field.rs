// The primary key column has no field (the struct calls it `uid`, without `column_name`).
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }

#[derive(Queryable, Model)]
#[diesel(table_name = users)]
pub struct User {
    pub uid: i32,
    pub name: String,
}

fn main() {}
