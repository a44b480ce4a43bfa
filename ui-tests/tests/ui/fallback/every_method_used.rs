// A misspelled option, and code calling every generated method the way the README shows:
// one error, on the option; the builders and queries the stub returns absorb the chained
// calls (`.save(conn)`, `.new_row(v)`, `.filter(…)`, `.load::<…>(conn)`).
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }
diesel::allow_tables_to_appear_in_same_query!(users, profiles);

#[derive(Clone, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile, dependnt = "destroy")]
pub struct User {
    pub id: i32,
    pub name: String,
}

#[derive(Clone, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = profiles)]
pub struct Profile {
    pub id: i32,
    pub user_id: Option<i32>,
    pub bio: String,
}

/// A new profile without the foreign key.
#[derive(Insertable)]
#[diesel(table_name = profiles)]
pub struct NewProfile<'a> {
    pub bio: &'a str,
}

/// Every generated method, chained as the README shows.
fn uses(conn: &mut SqliteConnection) -> Result<(), diesel_has_one::Error> {
    let users: Vec<User> = users::table.load(conn)?;
    let user = &users[0];
    let first: Option<Profile> = user
        .profile_query()
        .filter(profiles::bio.eq("x"))
        .first(conn)
        .optional()?;
    let built = user.build_profile(NewProfile { bio: "built" }).save(conn)?;
    user.set_profile(first.as_ref(), conn)?;
    user.set_profile(None, conn)?;
    let (owner, row) = user
        .save_with_profile()
        .update_owner(users::name.eq("renamed"))
        .update_row(&built, profiles::bio.eq("changed"))
        .save(conn)?;
    println!("{} {:?}", owner.name, row.map(|p| p.bio));
    user.save_with_profile().destroy_row(&built).save(conn)?;
    let (inserted, _) = User::insert_with_profile(users::name.eq("new"))
        .new_row(NewProfile { bio: "new" })
        .save(conn)?;
    println!("{}", inserted.id);
    let joined = User::eager_load_profile(users::table).load::<(User, Option<Profile>)>(conn)?;
    let annotated: Vec<(User, Option<Profile>)> =
        User::eager_load_profile(users::table.filter(users::id.gt(0))).load(conn)?;
    for (owner, profile) in joined.into_iter().chain(annotated) {
        println!("{} {:?}", owner.name, profile.map(|p| p.bio));
    }
    Ok(())
}

fn main() {
    let mut conn = SqliteConnection::establish(":memory:").unwrap();
    uses(&mut conn).unwrap();
}
