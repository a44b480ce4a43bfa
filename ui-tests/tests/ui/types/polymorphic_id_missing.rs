// `as = "imageable"` but the target has no `imageable_id` column (it is `owner_id`).
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! {
    pictures (id) { id -> Integer, owner_id -> Nullable<Integer>, imageable_type -> Nullable<Text>, url -> Text }
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
    pub owner_id: Option<i32>,
    pub imageable_type: Option<String>,
    pub url: String,
}

fn main() {}
