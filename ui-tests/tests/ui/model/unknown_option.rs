// An unknown `#[model(…)]` option: the error lists the valid ones.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[model(before_save = check)]
pub struct User {
    pub id: i32,
    pub name: String,
}

fn check<C>(_: &User, _: &mut C) -> Result<(), diesel_has_one::Error> {
    Ok(())
}

fn main() {}
