// A destroy hook given as a qualified path (`<T as Trait>::f`).
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[model(before_destroy = <User as Check>::check)]
pub struct User {
    pub id: i32,
    pub name: String,
}

trait Check {
    fn check<C>(&self, _: &mut C) -> Result<(), diesel_has_one::Error> {
        Ok(())
    }
}

impl Check for User {}

fn main() {}
