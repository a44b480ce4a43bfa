// `insert_with_profile` with owner values that set `created_at`: the library sets the
// owner's Rails timestamps itself, as it does the target's (opt out with
// `#[model(timestamps = false)]` on the owner).
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text, created_at -> Timestamp, updated_at -> Timestamp } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile)]
pub struct User {
    pub id: i32,
    pub name: String,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = profiles)]
pub struct Profile {
    pub id: i32,
    pub user_id: Option<i32>,
    pub bio: String,
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub name: &'a str,
    pub created_at: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = profiles)]
pub struct NewProfile<'a> {
    pub bio: &'a str,
}

fn main() {
    let conn = &mut SqliteConnection::establish(":memory:").unwrap();
    let _ = User::insert_with_profile(NewUser { name: "Anna", created_at: "2024-01-01 00:00:00" })
        .new_row(NewProfile { bio: "b" })
        .save(conn);
}
