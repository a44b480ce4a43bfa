// `autosave = true` implies `validate = true`: `NewProfile` must implement `Validate`.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text, discarded -> Integer } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text, updated_at -> Nullable<Timestamp> } }

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile, autosave = true)]
pub struct User {
    pub id: i32,
    pub name: String,
    pub discarded: i32,
}

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = profiles)]
pub struct Profile {
    pub id: i32,
    pub user_id: Option<i32>,
    pub bio: String,
    pub updated_at: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub name: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = profiles)]
pub struct NewProfile<'a> {
    pub bio: &'a str,
}

fn main() {
    let conn = &mut SqliteConnection::establish(":memory:").unwrap();
    let _ = User::insert_with_profile(NewUser { name: "Anna" })
        .new_row(NewProfile { bio: "" })
        .save(conn);
}
