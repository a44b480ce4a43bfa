// `create_profile` with a tuple of column assignments and an `Option` field that is not
// the foreign key: accepted (only the link columns are refused).
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text, note -> Nullable<Text> } }

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile)]
pub struct User {
    pub id: i32,
    pub name: String,
}

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = profiles)]
pub struct Profile {
    pub id: i32,
    pub user_id: Option<i32>,
    pub bio: String,
    pub note: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = profiles)]
pub struct NewProfile<'a> {
    pub bio: &'a str,
    pub note: Option<&'a str>,
}

fn main() {
    let conn = &mut SqliteConnection::establish(":memory:").unwrap();
    let user = User { id: 1, name: "Anna".into() };
    let _ = user.create_profile(NewProfile { bio: "b", note: None }, conn);
    let _ = user.create_profile(&NewProfile { bio: "b", note: Some("n") }, conn);
    let _ = user.create_profile((profiles::bio.eq("b"), profiles::note.eq("n")), conn);
    let _ = user.build_profile(profiles::bio.eq("b")).save(conn);
}
