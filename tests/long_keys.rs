//! Keys compare as the columns do (issue 8.10): a `String` owner key longer than 255
//! characters is found by preload exactly as by the reader (MySQL's `JSON_TABLE` used to
//! truncate the key set to `VARCHAR(255)`, and preload returned `None`).

mod common;

use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { people (id) { id -> Integer, handle -> Text } }
diesel::table! { passports (id) { id -> Integer, owner_handle -> Nullable<Text>, number -> Text } }

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

const SCHEMA: &[&str] = &[
    "CREATE TABLE people (id {pk}, handle VARCHAR(1000) NOT NULL)",
    "CREATE TABLE passports (id {pk}, owner_handle VARCHAR(1000), number {text} NOT NULL)",
];

backend_tests! {
    schema = SCHEMA;

    fn preload_finds_keys_longer_than_255_characters(conn, backend) {
        let long = "k".repeat(300);
        let shorter = "k".repeat(255); // the truncated key: another owner
        let a = insert!(conn, people, Person, people::handle.eq(&long));
        let b = insert!(conn, people, Person, people::handle.eq(&shorter));
        let passport = a.create_passport(conn, NewPassport { number: "A-1" }).unwrap();
        assert_eq!(a.passport(conn).unwrap().as_ref(), Some(&passport));
        let preloaded = Person::preload_passport(&[a.clone(), b.clone()], conn).unwrap();
        assert_eq!(preloaded, [Some(passport), None], "preload agrees with the reader");
        b.destroy(conn).unwrap();
        assert!(a.passport(conn).unwrap().is_some(), "the shorter key's destroy leaves the long key's row");
    }
}
