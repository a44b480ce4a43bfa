// A struct without fields: nothing holds the primary key.
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }

#[derive(Model)]
#[diesel(table_name = users)]
pub struct User {}

fn main() {}
