// `async_hooks` is a flag: a value is one error on it.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[model(async_hooks = true, before_destroy = check)]
pub struct User {
    pub id: i32,
    pub name: String,
}

async fn check<C>(_: &User, _: &mut C) -> Result<(), diesel_has_one::Error> {
    Ok(())
}

fn main() {}
