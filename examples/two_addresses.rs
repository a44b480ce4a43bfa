//! Two `has_one`s sharing options on one model (billing and shipping addresses, both
//! `dependent = "destroy"`, one target type), declared in the form clippy's
//! `duplicated_attributes` accepts, on embedded SQLite.
//!
//! Run: `cargo run --example two_addresses`

use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! {
    addresses (id) {
        id -> Integer,
        billing_user_id -> Nullable<Integer>,
        shipping_user_id -> Nullable<Integer>,
        street -> Text,
    }
}

#[derive(Debug, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
// The nested form, `name(options)`: clippy's `duplicated_attributes` keys each option by
// the attribute's path, so `#[has_one(billing_address, dependent = "destroy")]` beside
// `#[has_one(shipping_address, dependent = "destroy")]` reads as `has_one:dependent=destroy`
// twice and fails `cargo clippy -- -D warnings`; nested, the keys are
// `has_one:billing_address:dependent=destroy` and `has_one:shipping_address:…`. CI runs
// clippy over this file.
#[has_one(billing_address(
    class_name = "Address",
    foreign_key = "billing_user_id",
    dependent = "destroy"
))]
#[has_one(shipping_address(
    class_name = "Address",
    foreign_key = "shipping_user_id",
    dependent = "destroy"
))]
pub struct User {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = addresses)]
pub struct Address {
    pub id: i32,
    pub billing_user_id: Option<i32>,
    pub shipping_user_id: Option<i32>,
    pub street: String,
}

#[derive(Insertable)]
#[diesel(table_name = addresses)]
pub struct NewAddress<'a> {
    pub street: &'a str,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let conn = &mut SqliteConnection::establish(":memory:")?;
    diesel::sql_query("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
        .execute(conn)?;
    diesel::sql_query(
        "CREATE TABLE addresses (id INTEGER PRIMARY KEY, billing_user_id INTEGER UNIQUE, \
         shipping_user_id INTEGER UNIQUE, street TEXT NOT NULL)",
    )
    .execute(conn)?;
    diesel::sql_query("INSERT INTO users (id, name) VALUES (1, 'Anna')").execute(conn)?;
    let anna = users::table.find(1).select(User::as_select()).first(conn)?;
    anna.create_billing_address(
        NewAddress {
            street: "1 Main St",
        },
        conn,
    )?;
    anna.create_shipping_address(
        NewAddress {
            street: "2 Dock Rd",
        },
        conn,
    )?;
    anna.destroy(conn)?;
    let left = addresses::table.count().get_result::<i64>(conn)?;
    println!("addresses left after destroying the user: {left}");
    assert_eq!(left, 0);
    Ok(())
}
