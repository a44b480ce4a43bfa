// `inverse_of` names a `belongs_to` to another model than the owner.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { accounts (id) { id -> Integer } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, account_id -> Integer, bio -> Text } }

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile, inverse_of = "account")]
pub struct User {
    pub id: i32,
    pub name: String,
}

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = accounts)]
pub struct Account {
    pub id: i32,
}

#[derive(Queryable, Selectable, Identifiable, Associations, Model)]
#[diesel(table_name = profiles, belongs_to(Account, foreign_key = user_id))]
pub struct Profile {
    pub id: i32,
    pub user_id: Option<i32>,
    pub account_id: i32,
    pub bio: String,
}

fn main() {}
