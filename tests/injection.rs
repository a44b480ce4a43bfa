//! Bound parameters: owner keys and values full of quotes, semicolons, backslashes, `--`,
//! `'; DROP TABLE …`, placeholders, JSON syntax and unicode go through the reader,
//! `create_`, the replace, `set_`, preload (whose key set is bound whole: an
//! array on PostgreSQL, a JSON array on SQLite, a bound list or JSON array on MySQL) and
//! `destroy`. Every table
//! keeps its rows (a `canary` table included) and every value round-trips exactly.
//!
//! The keys are distinct under MySQL's default case- and accent-insensitive,
//! trailing-space-padding collation too (each starts with its own number), so the unique
//! indexes reflect only what the test means.

mod common;

use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { people (id) { id -> Integer, handle -> Text } }
diesel::table! { passports (id) { id -> Integer, owner_handle -> Nullable<Text>, number -> Text } }
diesel::table! { canary (id) { id -> Integer, note -> Text } }

/// Keyed by the string `people.handle`; replace and destroy go through `destroy_in`.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = people)]
#[has_one(
    passport,
    primary_key = "handle",
    foreign_key = "owner_handle",
    dependent = "destroy"
)]
pub struct Person {
    pub id: i32,
    pub handle: String,
}

/// The same rows, unlinked by `UPDATE … SET owner_handle = NULL WHERE owner_handle = ?`.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = people)]
#[has_one(
    passport,
    primary_key = "handle",
    foreign_key = "owner_handle",
    dependent = "nullify"
)]
pub struct NullifyingPerson {
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

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = canary)]
pub struct Canary {
    pub id: i32,
    pub note: String,
}

#[derive(Insertable)]
#[diesel(table_name = passports)]
pub struct NewPassport<'a> {
    pub number: &'a str,
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE people (id {pk}, handle {text} NOT NULL UNIQUE)",
    "CREATE TABLE passports (id {pk}, owner_handle {text} UNIQUE, number {text} NOT NULL)",
    "CREATE TABLE canary (id {pk}, note {text} NOT NULL)",
    "INSERT INTO canary (note) VALUES ('still here')",
];

/// Hostile text: SQL injection, escapes, placeholders, comments, JSON and unicode.
const HOSTILE: &[&str] = &[
    "'; DROP TABLE people; --",
    "\"; DROP TABLE passports; --",
    "Robert'); DROP TABLE canary;--",
    "' OR '1'='1",
    "' OR 1=1 --",
    "\\'; DELETE FROM passports; -- \\",
    "back\\slash\\\\ and \\\" quote \\n",
    "trailing backslash \\",
    "-- comment",
    "/* open comment",
    "*/ close comment",
    "semi;colon;;",
    "? $1 $2 :name @var %s %% _",
    "' || (SELECT 1) || '",
    "\"]}, {\"key\": \"x\"}, [\"",
    "{\"a\": [1, \"\\u0000\"]}",
    "tab\tnew\nline\r\ncr",
    "ünïcødé ✓ 🦀 中文 עברית",
    "e\u{301} combining, \u{202e}rtl override\u{202c}, zero\u{200b}width",
    "`backtick`; DROP TABLE `people`",
    "$$; DROP TABLE people; $$",
    "'",
    "\"",
    "\\",
];

/// Owner key `i`: unique even where the collation ignores case, accents and trailing
/// spaces.
fn handle(i: usize) -> String {
    format!("{i:02} {}", HOSTILE[i])
}

/// Value `i` of `round` (`create_` round 0, replace round 1, …).
fn number(round: usize, i: usize) -> String {
    format!("{}{round}:{i}", HOSTILE[(i + round) % HOSTILE.len()])
}

/// Rows of people, passports and canary.
macro_rules! counts {
    ($conn:expr) => {{
        let conn = &mut *$conn;
        (
            people::table.count().get_result::<i64>(&mut *conn).unwrap(),
            passports::table
                .count()
                .get_result::<i64>(&mut *conn)
                .unwrap(),
            canary::table.count().get_result::<i64>(&mut *conn).unwrap(),
        )
    }};
}

/// The canary is intact.
macro_rules! assert_canary {
    ($conn:expr) => {
        assert_eq!(
            rows!($conn, canary, Canary),
            [Canary {
                id: 1,
                note: "still here".into()
            }]
        );
    };
}

/// The passports, as `(owner_handle, number)` sorted.
macro_rules! passports {
    ($conn:expr) => {{
        let mut all: Vec<(Option<String>, String)> = rows!($conn, passports, Passport)
            .into_iter()
            .map(|p| (p.owner_handle, p.number))
            .collect();
        all.sort();
        all
    }};
}

fn sorted(mut v: Vec<(Option<String>, String)>) -> Vec<(Option<String>, String)> {
    v.sort();
    v
}

backend_tests! {
    schema = SCHEMA;

    fn hostile_keys_and_values_round_trip(conn, backend) {
        let n = HOSTILE.len();
        let people: Vec<Person> = (0..n)
            .map(|i| insert!(conn, people, Person, people::handle.eq(handle(i))))
            .collect();
        for (i, p) in people.iter().enumerate() {
            assert_eq!(p.handle, handle(i));
        }
        assert_eq!(counts!(conn), (n as i64, 0, 1));

        // reader on an owner with nothing linked
        for p in &people {
            assert_eq!(p.passport(conn).unwrap(), None, "{:?}", p.handle);
        }

        // create, then replace (the old row destroyed), then read
        for round in 0..2 {
            for (i, p) in people.iter().enumerate() {
                let number = number(round, i);
                let created = p.create_passport(NewPassport { number: &number }, conn).unwrap();
                assert_eq!((created.owner_handle.as_deref(), created.number.as_str()), (Some(p.handle.as_str()), number.as_str()));
                assert_eq!(p.passport(conn).unwrap(), Some(created));
            }
            assert_eq!(counts!(conn), (n as i64, n as i64, 1), "round {round}");
            assert_eq!(
                passports!(conn),
                sorted((0..n).map(|i| (Some(handle(i)), number(round, i))).collect())
            );
        }

        // preload: the key set bound, in any order, an owner twice
        let mut owners: Vec<Person> = people.iter().rev().cloned().collect();
        owners.push(people[0].clone());
        let preloaded = Person::preload_passport(&owners, conn).unwrap();
        for (k, (owner, passport)) in owners.iter().zip(&preloaded).enumerate() {
            if k == n {
                assert_eq!(passport, &None, "an owner listed twice: its row at the first position only");
                continue;
            }
            let passport = passport.as_ref().unwrap_or_else(|| panic!("no passport preloaded for {:?}", owner.handle));
            assert_eq!(passport.owner_handle.as_ref(), Some(&owner.handle));
            let i = people.iter().position(|p| p == owner).unwrap();
            assert_eq!(passport.number, number(1, i));
        }

        // set_: link a free row, then the owner's own row again (no change)
        let free = insert!(conn, passports, Passport, passports::number.eq(number(2, 0)));
        people[0].set_passport(Some(&free), conn).unwrap();
        let linked = people[0].passport(conn).unwrap().unwrap();
        assert_eq!((linked.id, linked.owner_handle.as_deref()), (free.id, Some(people[0].handle.as_str())));
        people[0].set_passport(Some(&linked), conn).unwrap();
        assert_eq!(people[0].passport(conn).unwrap(), Some(linked));
        assert_eq!(counts!(conn), (n as i64, n as i64, 1));

        // destroy: owner and passport go, the others stay
        for (i, p) in people.iter().enumerate() {
            p.destroy(conn).unwrap();
            assert_eq!(counts!(conn), ((n - i - 1) as i64, (n - i - 1) as i64, 1), "after destroying {:?}", p.handle);
        }
        assert_canary!(conn);
    }

    fn hostile_keys_nullify(conn, backend) {
        let n = HOSTILE.len();
        let people: Vec<NullifyingPerson> = (0..n)
            .map(|i| insert!(conn, people, NullifyingPerson, people::handle.eq(handle(i))))
            .collect();
        for round in 0..2 {
            for (i, p) in people.iter().enumerate() {
                let number = number(round, i);
                let created = p.create_passport(NewPassport { number: &number }, conn).unwrap();
                assert_eq!(created.number, number);
            }
        }
        let mut expected: Vec<(Option<String>, String)> = (0..n)
            .flat_map(|i| [(None, number(0, i)), (Some(handle(i)), number(1, i))])
            .collect();
        assert_eq!(passports!(conn), sorted(expected.clone()));

        // set_(None) unlinks; destroy nullifies the rest
        people[0].set_passport(None, conn).unwrap();
        assert_eq!(people[0].passport(conn).unwrap(), None);
        for p in &people {
            p.destroy(conn).unwrap();
        }
        for row in &mut expected {
            row.0 = None;
        }
        assert_eq!(passports!(conn), sorted(expected));
        assert_eq!(counts!(conn), (0, 2 * n as i64, 1));
        assert_canary!(conn);
    }
}
