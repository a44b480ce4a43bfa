// `as = "imageable"` but the target has no `imageable_type` column (its type column is `kind`).
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! {
    pictures (id) { id -> Integer, imageable_id -> Nullable<Integer>, kind -> Nullable<Text>, url -> Text }
}

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(picture, as = "imageable")]
pub struct User {
    pub id: i32,
    pub name: String,
}

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = pictures)]
pub struct Picture {
    pub id: i32,
    pub imageable_id: Option<i32>,
    pub kind: Option<String>,
    pub url: String,
}

fn main() {}
