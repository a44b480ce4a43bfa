// `eager_load_<name>` without `allow_tables_to_appear_in_same_query!(users, profiles)`.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }

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
}

fn load(conn: &mut SqliteConnection) -> QueryResult<Vec<(User, Option<Profile>)>> {
    User::eager_load_profile(users::table).load(conn)
}

fn main() {}
