// A destroy hook written for one connection type: hooks are generic over the connection.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[model(before_destroy = check)]
pub struct User {
    pub id: i32,
    pub name: String,
}

fn check(_: &User, _: &mut SqliteConnection) -> Result<(), diesel_has_one::Error> {
    Ok(())
}

fn main() {}
