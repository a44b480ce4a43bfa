// `Model` on a generic struct.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }

#[derive(Queryable, Selectable, Model)]
#[diesel(table_name = users)]
pub struct User<N> {
    pub id: i32,
    pub name: N,
}

fn main() {}
