// `create_picture` (polymorphic `as`) with values that set the type column.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { pictures (id) { id -> Integer, imageable_id -> Nullable<Integer>, imageable_type -> Nullable<Text>, url -> Text } }

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
    pub imageable_type: Option<String>,
    pub url: String,
}

#[derive(Insertable)]
#[diesel(table_name = pictures)]
pub struct NewPicture<'a> {
    pub url: &'a str,
    pub imageable_type: &'a str,
}

fn main() {
    let conn = &mut SqliteConnection::establish(":memory:").unwrap();
    let user = User { id: 1, name: "Anna".into() };
    let _ = user.create_picture(NewPicture { url: "u", imageable_type: "Admin" }, conn);
}
