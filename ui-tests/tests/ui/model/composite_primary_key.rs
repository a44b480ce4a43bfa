// A composite primary key.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { memberships (group_id, user_id) { group_id -> Integer, user_id -> Integer } }

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = memberships, primary_key(group_id, user_id))]
pub struct Membership {
    pub group_id: i32,
    pub user_id: i32,
}

fn main() {}
