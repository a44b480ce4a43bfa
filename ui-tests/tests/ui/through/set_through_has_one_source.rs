// Writing a chain whose source is a `has_one` of the join model (Member → membership →
// badge, where `Membership` *has one* badge): Rails raises
// HasOneThroughCantAssociateThroughHasOneOrManyReflection at run time; here there is no
// writer. Reading it is fine.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { members (id) { id -> Integer, name -> Text } }
diesel::table! { memberships (id) { id -> Integer, member_id -> Nullable<Integer> } }
diesel::table! { badges (id) { id -> Integer, membership_id -> Nullable<Integer> } }
diesel::allow_tables_to_appear_in_same_query!(members, memberships, badges);

#[derive(Clone, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = members)]
#[has_one(membership)]
#[has_one(badge, through = "membership")]
pub struct Member {
    pub id: i32,
    pub name: String,
}

#[derive(Clone, Queryable, Selectable, Identifiable, Associations, Model)]
#[diesel(table_name = memberships, belongs_to(Member))]
#[has_one(badge)]
pub struct Membership {
    pub id: i32,
    pub member_id: Option<i32>,
}

#[derive(Clone, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = badges)]
pub struct Badge {
    pub id: i32,
    pub membership_id: Option<i32>,
}

fn replace(member: &Member, badge: &Badge, conn: &mut SqliteConnection) {
    let _ = member.badge(conn);
    let _ = member.set_badge(Some(badge), conn);
}

fn main() {
    let _ = replace;
}
