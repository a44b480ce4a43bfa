// `create_profile` with values that set `created_at`: the association sets the Rails
// timestamps itself (opt out with `#[model(timestamps = false)]` on the target).
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text, created_at -> Timestamp, updated_at -> Timestamp } }

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
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Insertable)]
#[diesel(table_name = profiles)]
pub struct NewProfile<'a> {
    pub bio: &'a str,
    pub created_at: &'a str,
}

fn main() {
    let conn = &mut SqliteConnection::establish(":memory:").unwrap();
    let user = User { id: 1, name: "Anna".into() };
    let _ = user.create_profile(NewProfile { bio: "b", created_at: "2024-01-01 00:00:00" }, conn);
}
