// `async_hooks` with no hook declared: one error on the flag, naming the fix.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[model(async_hooks)]
pub struct User {
    pub id: i32,
    pub name: String,
}

fn main() {}
