// `foreign_type` without `as`: the type column only exists on a polymorphic association.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(picture, foreign_type = "imageable_type")]
pub struct User {
    pub id: i32,
    pub name: String,
}

fn main() {}
