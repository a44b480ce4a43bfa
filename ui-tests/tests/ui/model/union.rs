// `Model` on a union.
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }

#[derive(Model)]
#[diesel(table_name = users)]
pub union User {
    id: i32,
}

fn main() {}
