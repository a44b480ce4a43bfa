//! Hand-written Diesel doing the same work as the generated methods, statement for
//! statement (the `report` binary checks that the SQL texts match where they should).

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

use crate::{profiles, users, NewProfile, Profile, User};

/// The reader: `SELECT … WHERE user_id = ? ORDER BY id LIMIT 1`, as `user.profile(conn)`.
pub fn reader(user: &User, conn: &mut SqliteConnection) -> QueryResult<Option<Profile>> {
    profiles::table
        .filter(profiles::user_id.eq(user.id))
        .order(profiles::id)
        .limit(1)
        .select(Profile::as_select())
        .first(conn)
        .optional()
}

/// Preload with Diesel's own associations API: `belonging_to` (one bind per owner, so it
/// fails past SQLite's 32,766 binds), then `grouped_by`, keeping the lowest primary key
/// row of each owner like `preload_profile` (which sends no `ORDER BY` either).
pub fn preload(owners: &[User], conn: &mut SqliteConnection) -> QueryResult<Vec<Option<Profile>>> {
    let rows = Profile::belonging_to(owners)
        .select(Profile::as_select())
        .load(conn)?;
    Ok(lowest_of_each(rows, owners))
}

/// `grouped_by`, then each owner's row with the lowest primary key.
fn lowest_of_each(rows: Vec<Profile>, owners: &[User]) -> Vec<Option<Profile>> {
    rows.grouped_by(owners)
        .into_iter()
        .map(|group| group.into_iter().min_by_key(|p| p.id))
        .collect()
}

/// Preload with the same SQL as the generated code (the key set as one JSON parameter
/// read by `json_each`), written by hand, then `grouped_by`: separates the cost of the
/// query shape from the cost of the runtime's alignment.
pub fn preload_json_each(
    owners: &[User],
    conn: &mut SqliteConnection,
) -> QueryResult<Vec<Option<Profile>>> {
    // the keys written as the runtime writes them: serde_json
    let ids: Vec<i32> = owners.iter().map(|o| o.id).collect();
    let json = serde_json::to_string(&ids).expect("integers serialize");
    let rows = profiles::table
        .filter(
            sql::<Bool>("`profiles`.`user_id` IN (SELECT value FROM json_each(")
                .bind::<Text, _>(json)
                .sql("))"),
        )
        .select(Profile::as_select())
        .load(conn)?;
    Ok(lowest_of_each(rows, owners))
}

/// Eager load by hand, the same work as `User::eager_load_profile`: `users LEFT JOIN
/// profiles` on the foreign key and on the lowest-key row of each owner, picked by a
/// correlated subquery over an alias of `profiles`.
pub fn eager(conn: &mut SqliteConnection) -> QueryResult<Vec<(User, Option<Profile>)>> {
    let inner = diesel::alias!(profiles as first_profile);
    let first = inner
        .filter(inner.field(profiles::user_id).eq(users::id.nullable()))
        .select(inner.field(profiles::id))
        .order(inner.field(profiles::id))
        .limit(1)
        .single_value();
    users::table
        .left_join(
            profiles::table.on(profiles::user_id
                .eq(users::id.nullable())
                .and(profiles::id.nullable().eq(first))),
        )
        .order(users::id)
        .select((User::as_select(), Option::<Profile>::as_select()))
        .load(conn)
}

/// The plain `users LEFT JOIN profiles ON profiles.user_id = users.id`: less work than
/// the eager load (no subquery), and one row per matching profile, so an owner with
/// several profiles comes back several times.
pub fn left_join(conn: &mut SqliteConnection) -> QueryResult<Vec<(User, Option<Profile>)>> {
    users::table
        .left_join(profiles::table)
        .order(users::id)
        .select((User::as_select(), Option::<Profile>::as_select()))
        .load(conn)
}

/// The replace transaction of `user.create_profile(NewProfile { bio }, conn)` with
/// `dependent = "destroy"` (a `Profile` has no hooks of its own), by hand: `BEGIN
/// IMMEDIATE`, read the owner row (the lock step), delete the linked rows, insert the new
/// row `RETURNING` it.
pub fn replace(user: &User, bio: &str, conn: &mut SqliteConnection) -> QueryResult<Profile> {
    conn.immediate_transaction(|conn| {
        let found: Vec<i32> = users::table
            .filter(users::id.eq(user.id))
            .select(users::id)
            .load(conn)?;
        if found.is_empty() {
            return Err(diesel::result::Error::NotFound);
        }
        diesel::delete(profiles::table.filter(profiles::user_id.eq(user.id))).execute(conn)?;
        diesel::insert_into(profiles::table)
            .values((NewProfile { bio }, profiles::user_id.eq(user.id)))
            .returning(Profile::as_returning())
            .get_result(conn)
    })
}
