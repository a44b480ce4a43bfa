// The mistake is on the target (`Profile`'s hook), the owner is fine: one error, on the
// hook; the owner's `has_one`, which needs the target's model impls, adds none.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile, dependent = "destroy")]
pub struct User {
    pub id: i32,
    pub name: String,
}

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = profiles)]
#[model(after_destroy = "log_destroyed")]
pub struct Profile {
    pub id: i32,
    pub user_id: Option<i32>,
    pub bio: String,
}

/// The owner's reader and `destroy`, which destroys the profile too.
fn uses(conn: &mut SqliteConnection) -> Result<(), diesel_has_one::Error> {
    let users: Vec<User> = users::table.load(conn)?;
    let user = &users[0];
    if let Some(profile) = user.profile(conn)? {
        println!("{}", profile.bio);
    }
    user.destroy(conn)?;
    Ok(())
}

fn main() {
    let mut conn = SqliteConnection::establish(":memory:").unwrap();
    uses(&mut conn).unwrap();
}
