// A destroy hook written as a call: the hook is the function itself.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[model(before_destroy = hooks::check(), after_destroy = hooks::check)]
pub struct User {
    pub id: i32,
    pub name: String,
}

mod hooks {
    pub fn check<C>(_: &super::User, _: &mut C) -> Result<(), diesel_has_one::Error> {
        Ok(())
    }
}

fn main() {}
