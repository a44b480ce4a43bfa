// Two associations to one target type, told apart by `class_name` + `foreign_key`, with
// every option and both hooks; `main` runs them on an in-memory SQLite database.
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
diesel::allow_tables_to_appear_in_same_query!(users, addresses);

#[derive(Debug, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(
    billing_address,
    class_name = "Address",
    foreign_key = "billing_user_id",
    primary_key = "id",
    dependent = "destroy"
)]
#[has_one(
    shipping_address,
    class_name = "crate::Address",
    foreign_key = "shipping_user_id",
    dependent = "nullify"
)]
#[model(before_destroy = before, after_destroy = after)]
pub struct User {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, PartialEq, Queryable, Selectable, Identifiable, Model)]
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

fn before<C>(_: &User, _: &mut C) -> Result<(), diesel_has_one::Error> {
    Ok(())
}

fn after<C>(_: &User, _: &mut C) -> Result<(), diesel_has_one::Error> {
    Ok(())
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

    let billing = anna.create_billing_address(NewAddress {
            street: "1 Main St",
        }, conn)?;
    let shipping = anna.create_shipping_address(NewAddress {
            street: "2 Dock Rd",
        }, conn)?;
    assert_eq!(billing.billing_user_id, Some(1));
    assert_eq!(billing.shipping_user_id, None);
    assert_eq!(shipping.shipping_user_id, Some(1));
    assert_eq!(anna.billing_address(conn)?, Some(billing));
    assert_eq!(
        anna.shipping_address(conn)?.map(|a| a.street),
        Some("2 Dock Rd".to_owned())
    );
    let preloaded = User::preload_shipping_address(std::slice::from_ref(&anna), conn)?;
    assert_eq!(preloaded.len(), 1);

    anna.destroy(conn)?;
    // `destroy` removed the billing address and kept the shipping one, unlinked.
    let left: Vec<Address> = addresses::table.select(Address::as_select()).load(conn)?;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].street, "2 Dock Rd");
    assert_eq!(left[0].shipping_user_id, None);
    Ok(())
}
