// A newtype key (`#[derive(diesel_has_one::Key)]`) as owner key and foreign key: every
// method compiles, and generic code names it like any key.
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::prelude::*;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Integer;
use diesel_has_one::Model;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, AsExpression, FromSqlRow, diesel_has_one::Key)]
#[diesel(sql_type = Integer)]
pub struct UserId(pub i32);

impl<DB: Backend> FromSql<Integer, DB> for UserId
where
    i32: FromSql<Integer, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        i32::from_sql(bytes).map(UserId)
    }
}

impl<DB: Backend> ToSql<Integer, DB> for UserId
where
    i32: ToSql<Integer, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        self.0.to_sql(out)
    }
}

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }
diesel::allow_tables_to_appear_in_same_query!(users, profiles);

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile, dependent = "destroy_async")]
pub struct User {
    pub id: UserId,
    pub name: String,
}

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = profiles)]
pub struct Profile {
    pub id: i32,
    pub user_id: Option<UserId>,
    pub bio: String,
}

#[derive(Insertable)]
#[diesel(table_name = profiles)]
pub struct NewProfile<'a> {
    pub bio: &'a str,
}

fn main() {
    let mut conn = SqliteConnection::establish(":memory:").unwrap();
    let conn = &mut conn;
    let user = User { id: UserId(1), name: "a".into() };
    let _ = user.profile(conn);
    let _ = user.create_profile(NewProfile { bio: "b" }, conn);
    let _ = user.set_profile(None, conn);
    let _ = User::preload_profile(&[], conn);
    let _ = User::eager_load_profile(users::table).load::<(User, Option<Profile>)>(conn);
    let _ = user.destroy(conn);
}
