// `Model` on an enum.
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }

#[derive(Model)]
#[diesel(table_name = users)]
pub enum User {
    Anna,
}

fn main() {}
