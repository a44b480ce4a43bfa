// `through` a scoped `has_one`: the chain would drop the scope.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { members (id) { id -> Integer, name -> Text } }
diesel::table! { memberships (id) { id -> Integer, member_id -> Nullable<Integer>, club_id -> Nullable<Integer>, active -> Bool } }
diesel::table! { clubs (id) { id -> Integer, name -> Text } }
diesel::allow_tables_to_appear_in_same_query!(members, memberships, clubs);

#[diesel::dsl::auto_type]
fn active(memberships: memberships::table) -> _ {
    memberships.filter(memberships::active.eq(true))
}

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = members)]
#[has_one(membership, scope = "active")]
#[has_one(club, through = "membership")]
pub struct Member {
    pub id: i32,
    pub name: String,
}

#[derive(Queryable, Selectable, Identifiable, Associations, Model)]
#[diesel(table_name = memberships, belongs_to(Member), belongs_to(Club))]
pub struct Membership {
    pub id: i32,
    pub member_id: Option<i32>,
    pub club_id: Option<i32>,
    pub active: bool,
}

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = clubs)]
pub struct Club {
    pub id: i32,
    pub name: String,
}

fn main() {}
