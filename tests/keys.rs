//! Custom keys: `primary_key`/`foreign_key` options (a `String` key), a Diesel primary key
//! that is not `id`, and two associations to the same target type.

// Two `has_one` attributes naming one `class_name` are two associations, not a duplicate.
#![allow(clippy::duplicated_attributes)]

mod common;

use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { people (id) { id -> Integer, handle -> Text } }
diesel::table! { passports (id) { id -> Integer, owner_handle -> Nullable<Text>, number -> Text } }
diesel::table! { teams (team_no) { team_no -> Integer, name -> Text } }
diesel::table! { mascots (id) { id -> Integer, team_no -> Nullable<Integer>, animal -> Text } }
diesel::table! { customers (id) { id -> Integer, name -> Text } }
diesel::table! { addresses (id) { id -> Integer, billing_customer_id -> Nullable<Integer>, shipping_customer_id -> Nullable<Integer>, city -> Text } }

/// The association keyed by `people.handle`, not the primary key.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = people)]
#[has_one(
    passport,
    primary_key = "handle",
    foreign_key = "owner_handle",
    dependent = "delete"
)]
pub struct Person {
    pub id: i32,
    pub handle: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = passports)]
pub struct Passport {
    pub id: i32,
    pub owner_handle: Option<String>,
    pub number: String,
}

#[derive(Insertable)]
#[diesel(table_name = passports)]
pub struct NewPassport<'a> {
    pub number: &'a str,
}

/// Diesel's `primary_key(team_no)`, read by the derive.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = teams, primary_key(team_no))]
#[has_one(mascot, foreign_key = "team_no", dependent = "destroy")]
pub struct Team {
    pub team_no: i32,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = mascots)]
pub struct Mascot {
    pub id: i32,
    pub team_no: Option<i32>,
    pub animal: String,
}

#[derive(Insertable)]
#[diesel(table_name = mascots)]
pub struct NewMascot<'a> {
    pub animal: &'a str,
}

/// Two associations to `Address`, each with its own foreign key and `dependent`.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = customers)]
#[has_one(
    billing_address,
    class_name = "Address",
    foreign_key = "billing_customer_id",
    dependent = "destroy"
)]
#[has_one(
    shipping_address,
    class_name = "Address",
    foreign_key = "shipping_customer_id",
    dependent = "nullify"
)]
pub struct Customer {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = addresses)]
pub struct Address {
    pub id: i32,
    pub billing_customer_id: Option<i32>,
    pub shipping_customer_id: Option<i32>,
    pub city: String,
}

#[derive(Insertable)]
#[diesel(table_name = addresses)]
pub struct NewAddress<'a> {
    pub city: &'a str,
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE people (id {pk}, handle {text} NOT NULL UNIQUE)",
    "CREATE TABLE passports (id {pk}, owner_handle {text} UNIQUE, number {text} NOT NULL)",
    "CREATE TABLE teams (team_no INTEGER PRIMARY KEY, name {text} NOT NULL)",
    "CREATE TABLE mascots (id {pk}, team_no INTEGER UNIQUE, animal {text} NOT NULL)",
    "CREATE TABLE customers (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE addresses (id {pk}, billing_customer_id INTEGER UNIQUE, shipping_customer_id INTEGER UNIQUE, city {text} NOT NULL)",
];

fn address(id: i32, billing: Option<i32>, shipping: Option<i32>, city: &str) -> Address {
    Address {
        id,
        billing_customer_id: billing,
        shipping_customer_id: shipping,
        city: city.into(),
    }
}

backend_tests! {
    schema = SCHEMA;

    fn owner_key_other_than_the_primary_key(conn, backend) {
        let ann = insert!(conn, people, Person, people::handle.eq("ann's \"quoted\"; handle"));
        let bob = insert!(conn, people, Person, people::handle.eq("bob"));
        assert_eq!(ann.passport(conn).unwrap(), None);
        let p = ann.create_passport(NewPassport { number: "P-1" }, conn).unwrap();
        assert_eq!(p.owner_handle.as_deref(), Some(ann.handle.as_str()));
        bob.create_passport(NewPassport { number: "P-2" }, conn).unwrap();
        let replaced = ann.create_passport(NewPassport { number: "P-3" }, conn).unwrap();
        let all = rows!(conn, passports, Passport);
        assert_eq!(all.len(), 2, "{all:?}");
        assert_eq!(all[1], replaced);
        let preloaded = Person::preload_passport(&[bob.clone(), ann.clone()], conn).unwrap();
        assert_eq!(preloaded[0].as_ref().unwrap().number, "P-2");
        assert_eq!(preloaded[1].as_ref().unwrap().number, "P-3");
        ann.destroy(conn).unwrap();
        assert_eq!(rows!(conn, passports, Passport).len(), 1);
        assert_eq!(rows!(conn, people, Person), [bob]);
    }

    fn diesel_primary_key_is_read(conn, backend) {
        diesel::insert_into(teams::table)
            .values((teams::team_no.eq(42), teams::name.eq("Owls")))
            .execute(conn)
            .unwrap();
        let team: Team = teams::table.select(Team::as_select()).first(conn).unwrap();
        let m = team.create_mascot(NewMascot { animal: "owl" }, conn).unwrap();
        assert_eq!(m.team_no, Some(42));
        assert_eq!(team.mascot(conn).unwrap(), Some(m));
        team.destroy(conn).unwrap();
        assert!(rows!(conn, mascots, Mascot).is_empty());
        assert_eq!(teams::table.count().get_result::<i64>(conn).unwrap(), 0);
    }

    fn two_associations_to_one_type_stay_apart(conn, backend) {
        let c = insert!(conn, customers, Customer, customers::name.eq("Cleo"));
        let billing = c.create_billing_address(NewAddress { city: "Bern" }, conn).unwrap();
        let shipping = c.create_shipping_address(NewAddress { city: "Oslo" }, conn).unwrap();
        assert_eq!(
            rows!(conn, addresses, Address),
            [address(billing.id, Some(c.id), None, "Bern"), address(shipping.id, None, Some(c.id), "Oslo")]
        );
        assert_eq!(c.billing_address(conn).unwrap().unwrap().city, "Bern");
        assert_eq!(c.shipping_address(conn).unwrap().unwrap().city, "Oslo");

        // replacing one leaves the other alone (billing: destroy, shipping: nullify)
        let billing2 = c.create_billing_address(NewAddress { city: "Rome" }, conn).unwrap();
        let shipping2 = c.create_shipping_address(NewAddress { city: "Lima" }, conn).unwrap();
        assert_eq!(
            rows!(conn, addresses, Address),
            [
                address(shipping.id, None, None, "Oslo"),
                address(billing2.id, Some(c.id), None, "Rome"),
                address(shipping2.id, None, Some(c.id), "Lima"),
            ]
        );

        // destroying the customer: billing destroyed, shipping nullified
        c.destroy(conn).unwrap();
        assert_eq!(
            rows!(conn, addresses, Address),
            [address(shipping.id, None, None, "Oslo"), address(shipping2.id, None, None, "Lima")]
        );
    }
}

/// Keys compare as the columns do (issue 8.10): a `String` owner key longer than 255
/// characters is found by preload exactly as by the reader (MySQL's `JSON_TABLE` used to
/// truncate the key set to `VARCHAR(255)`, and preload returned `None`). No unique index:
/// MySQL limits an index to 3,072 bytes.
const LONG_KEYS: &[&str] = &[
    "CREATE TABLE people (id {pk}, handle VARCHAR(1000) NOT NULL)",
    "CREATE TABLE passports (id {pk}, owner_handle VARCHAR(1000), number {text} NOT NULL)",
];

mod long_keys {
    use super::*;

    backend_tests! {
        schema = LONG_KEYS;

        fn preload_finds_keys_longer_than_255_characters(conn, backend) {
            let long = "k".repeat(300);
            let shorter = "k".repeat(255); // the truncated key: another owner
            let a = insert!(conn, people, Person, people::handle.eq(&long));
            let b = insert!(conn, people, Person, people::handle.eq(&shorter));
            let passport = a.create_passport(NewPassport { number: "A-1" }, conn).unwrap();
            assert_eq!(a.passport(conn).unwrap().as_ref(), Some(&passport));
            let preloaded = Person::preload_passport(&[a.clone(), b.clone()], conn).unwrap();
            assert_eq!(preloaded, [Some(passport), None], "preload agrees with the reader");
            b.destroy(conn).unwrap();
            assert!(a.passport(conn).unwrap().is_some(), "the shorter key's destroy leaves the long key's row");
        }
    }
}
