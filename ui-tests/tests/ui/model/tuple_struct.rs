// `Model` on a tuple struct.
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }

#[derive(Model)]
#[diesel(table_name = users)]
pub struct User(i32, String);

fn main() {}
