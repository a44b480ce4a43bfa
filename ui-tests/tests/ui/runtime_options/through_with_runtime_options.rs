// `autosave`, `validate`, `required`, `touch` and `ensuring_owner_was` belong to the source
// association on the join model, not to the `through` association: each is reported.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { members (id) { id -> Integer, name -> Text } }
diesel::table! { memberships (id) { id -> Integer, member_id -> Nullable<Integer>, club_id -> Nullable<Integer> } }
diesel::table! { clubs (id) { id -> Integer, name -> Text } }
diesel::allow_tables_to_appear_in_same_query!(members, memberships, clubs);

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = members)]
#[has_one(membership)]
#[has_one(
    club,
    through = "membership",
    autosave = true,
    validate = true,
    required = true,
    touch = true,
    ensuring_owner_was = "is_discarded"
)]
pub struct Member {
    pub id: i32,
    pub name: String,
}

impl Member {
    pub fn is_discarded(&self) -> bool {
        false
    }
}

#[derive(Queryable, Selectable, Identifiable, Associations, Model)]
#[diesel(table_name = memberships, belongs_to(Member), belongs_to(Club))]
pub struct Membership {
    pub id: i32,
    pub member_id: Option<i32>,
    pub club_id: Option<i32>,
}

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = clubs)]
pub struct Club {
    pub id: i32,
    pub name: String,
}

fn main() {}
