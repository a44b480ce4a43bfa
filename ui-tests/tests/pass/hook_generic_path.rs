// Destroy hooks given as generic expression paths (`check::<…>`, as serde reads
// `serialize_with`); `main` destroys a row on an in-memory SQLite database and checks that
// both hooks ran.
use std::sync::atomic::{AtomicUsize, Ordering};

use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[model(before_destroy = hooks::count::<User, 1, _>, after_destroy = self::hooks::count::<User, 10, _>)]
pub struct User {
    pub id: i32,
    pub name: String,
}

static CALLS: AtomicUsize = AtomicUsize::new(0);

mod hooks {
    pub fn count<M, const N: usize, C>(_: &M, _: &mut C) -> Result<(), diesel_has_one::Error> {
        super::CALLS.fetch_add(N, super::Ordering::SeqCst);
        Ok(())
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let conn = &mut SqliteConnection::establish(":memory:")?;
    diesel::sql_query("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
        .execute(conn)?;
    diesel::sql_query("INSERT INTO users (id, name) VALUES (1, 'Anna')").execute(conn)?;
    let anna = users::table.find(1).select(User::as_select()).first(conn)?;
    anna.destroy(conn)?;
    assert_eq!(CALLS.load(Ordering::SeqCst), 11);
    assert_eq!(users::table.count().get_result::<i64>(conn)?, 0);
    Ok(())
}
