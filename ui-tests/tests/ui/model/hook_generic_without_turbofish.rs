// A generic destroy hook written as a type (`check<User>`): in the expression the hook is
// pasted into, generic arguments need the turbofish.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[model(before_destroy = check<User, 3>)]
pub struct User {
    pub id: i32,
    pub name: String,
}

fn check<M, const N: usize, C>(_: &M, _: &mut C) -> Result<(), diesel_has_one::Error> {
    Ok(())
}

fn main() {}
