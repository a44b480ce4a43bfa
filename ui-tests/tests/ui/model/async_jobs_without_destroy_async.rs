// `async_jobs` on a model without a `destroy_async` association: one error on the flag.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[model(async_jobs)]
pub struct User {
    pub id: i32,
    pub name: String,
}

fn main() {}
