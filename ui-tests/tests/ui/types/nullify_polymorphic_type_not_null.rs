// `dependent = "nullify"` on a polymorphic association: the id column is nullable but the
// type column is NOT NULL, and nullify clears both.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! {
    pictures (id) { id -> Integer, imageable_id -> Nullable<Integer>, imageable_type -> Text, url -> Text }
}

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(picture, as = "imageable", dependent = "nullify")]
pub struct User {
    pub id: i32,
    pub name: String,
}

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = pictures)]
pub struct Picture {
    pub id: i32,
    pub imageable_id: Option<i32>,
    pub imageable_type: String,
    pub url: String,
}

fn main() {}
