// A declaration that does not parse (a missing comma) on a model the crate uses: one
// error, after the name; the association is still known, so its calls add none.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile dependent = "destroy")]
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

/// Every kind of call a crate makes on its models: the reader, a create, a preload, a
/// destroy. None of them adds an error.
fn uses(conn: &mut SqliteConnection) -> Result<(), diesel_has_one::Error> {
    let users: Vec<User> = users::table.load(conn)?;
    let user = &users[0];
    if let Some(profile) = user.profile(conn)? {
        println!("{}", profile.bio);
    }
    let created = user.create_profile(profiles::bio.eq("hi"), conn)?;
    println!("{}", created.bio);
    for profile in User::preload_profile(&users, conn)?.into_iter().flatten() {
        println!("{}", profile.bio);
    }
    user.destroy(conn)?;
    Ok(())
}

fn main() {
    let mut conn = SqliteConnection::establish(":memory:").unwrap();
    uses(&mut conn).unwrap();
}
