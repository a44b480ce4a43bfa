// A struct whose only field is `#[diesel(embed)]`: an embedded struct is not a column, so
// nothing holds the primary key.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct Columns {
    pub id: i32,
    pub name: String,
}

#[derive(Queryable, Selectable, Model)]
#[diesel(table_name = users)]
pub struct User {
    #[diesel(embed)]
    pub columns: Columns,
}

fn main() {}
