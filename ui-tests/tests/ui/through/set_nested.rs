// Writing a nested chain (Member → membership → club → president): Rails raises
// HasManyThroughNestedAssociationsAreReadonly at run time; here there is no writer.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { members (id) { id -> Integer, name -> Text } }
diesel::table! { memberships (id) { id -> Integer, member_id -> Nullable<Integer>, club_id -> Nullable<Integer> } }
diesel::table! { clubs (id) { id -> Integer, president_id -> Nullable<Integer> } }
diesel::table! { presidents (id) { id -> Integer, name -> Text } }
diesel::allow_tables_to_appear_in_same_query!(members, memberships, clubs, presidents);

#[derive(Clone, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = members)]
#[has_one(membership)]
#[has_one(club, through = "membership")]
#[has_one(president, through = "club")]
pub struct Member {
    pub id: i32,
    pub name: String,
}

#[derive(Clone, Queryable, Selectable, Identifiable, Associations, Model)]
#[diesel(table_name = memberships, belongs_to(Member), belongs_to(Club))]
pub struct Membership {
    pub id: i32,
    pub member_id: Option<i32>,
    pub club_id: Option<i32>,
}

#[derive(Clone, Queryable, Selectable, Identifiable, Associations, Model)]
#[diesel(table_name = clubs, belongs_to(President))]
pub struct Club {
    pub id: i32,
    pub president_id: Option<i32>,
}

#[derive(Clone, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = presidents)]
pub struct President {
    pub id: i32,
    pub name: String,
}

fn replace(member: &Member, president: &President, conn: &mut SqliteConnection) {
    let _ = member.president(conn);
    let _ = member.set_president(Some(president), conn);
}

fn main() {
    let _ = replace;
}
