// The mistake is on the join model (`Membership`'s hook), the owner's chain goes through
// its `belongs_to`: one error, on the hook; the chain, which needs the join model's
// impls, adds none.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { members (id) { id -> Integer, name -> Text } }
diesel::table! { memberships (id) { id -> Integer, member_id -> Nullable<Integer>, club_id -> Nullable<Integer> } }
diesel::table! { clubs (id) { id -> Integer, name -> Text } }
diesel::allow_tables_to_appear_in_same_query!(members, memberships, clubs);

#[derive(Clone, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = members)]
#[has_one(membership)]
#[has_one(club, through = "membership")]
pub struct Member {
    pub id: i32,
    pub name: String,
}

#[derive(Clone, Queryable, Selectable, Identifiable, Associations, Model)]
#[diesel(table_name = memberships, belongs_to(Member), belongs_to(Club))]
#[model(before_destroy = "check")]
pub struct Membership {
    pub id: i32,
    pub member_id: Option<i32>,
    pub club_id: Option<i32>,
}

#[derive(Clone, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = clubs)]
pub struct Club {
    pub id: i32,
    pub name: String,
}

/// The chain's reader, preload and setter, and a destroy.
fn uses(conn: &mut SqliteConnection) -> Result<(), diesel_has_one::Error> {
    let members: Vec<Member> = members::table.load(conn)?;
    let member = &members[0];
    if let Some(club) = member.club(conn)? {
        println!("{}", club.name);
        member.set_club(Some(&club), conn)?;
    }
    for club in Member::preload_club(&members, conn)?.into_iter().flatten() {
        println!("{}", club.name);
    }
    member.destroy(conn)?;
    Ok(())
}

fn main() {
    let mut conn = SqliteConnection::establish(":memory:").unwrap();
    uses(&mut conn).unwrap();
}
