//! Key types beyond the built-in integers and `String` (issue 12): newtypes with
//! `#[derive(diesel_has_one::Key)]` (around `i64` and around `String`, as owner keys,
//! foreign keys and the target's own primary key) on every backend, and `uuid::Uuid`
//! keys on PostgreSQL (feature `uuid`), each through every method, with the rows left in
//! the tables asserted.

mod common;

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::prelude::*;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::{BigInt, Text};
use diesel_has_one::jobs;
use diesel_has_one::Model;

/// An account's key, as a Diesel user writes a typed id.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, AsExpression, FromSqlRow, diesel_has_one::Key,
)]
#[diesel(sql_type = BigInt)]
pub struct AccountId(pub i64);

/// A vault's own primary key: a newtype too, so `destroy_async` job payloads hold it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, AsExpression, FromSqlRow, diesel_has_one::Key,
)]
#[diesel(sql_type = BigInt)]
pub struct VaultId(pub i64);

/// A member's handle: a newtype around `String` with a named field.
#[derive(Debug, Clone, PartialEq, Eq, Hash, AsExpression, FromSqlRow, diesel_has_one::Key)]
#[diesel(sql_type = Text)]
pub struct Handle {
    pub raw: String,
}

/// `FromSql`/`ToSql` by the wrapped value, for every backend (what a Diesel user writes).
macro_rules! by_inner {
    ($ty:ident, $sql:ty, $inner:ty, $wrap:expr, $get:expr) => {
        impl<DB: Backend> FromSql<$sql, DB> for $ty
        where
            $inner: FromSql<$sql, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                <$inner>::from_sql(bytes).map($wrap)
            }
        }
        impl<DB: Backend> ToSql<$sql, DB> for $ty
        where
            $inner: ToSql<$sql, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                let get: fn(&$ty) -> &$inner = $get;
                get(self).to_sql(out)
            }
        }
    };
}
by_inner!(AccountId, BigInt, i64, AccountId, |k| &k.0);
by_inner!(VaultId, BigInt, i64, VaultId, |k| &k.0);
by_inner!(Handle, Text, String, |raw| Handle { raw }, |k| &k.raw);

diesel::table! { accounts (id) { id -> BigInt, name -> Text } }
diesel::table! { settings (id) { id -> Integer, account_id -> Nullable<BigInt>, theme -> Text } }
diesel::table! { vaults (id) { id -> BigInt, account_id -> Nullable<BigInt>, label -> Text } }
diesel::table! { members (id) { id -> Integer, handle -> Text } }
diesel::table! { badges (id) { id -> Integer, member_handle -> Nullable<Text>, title -> Text } }
diesel::allow_tables_to_appear_in_same_query!(accounts, settings, vaults);
diesel::allow_tables_to_appear_in_same_query!(members, badges);

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = accounts)]
#[has_one(setting, dependent = "destroy")]
#[has_one(vault, dependent = "destroy_async")]
pub struct Account {
    pub id: AccountId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = settings)]
pub struct Setting {
    pub id: i32,
    /// The foreign key under another name and as the wrapped `i64`, not `AccountId`: the
    /// preload reads each row's owner key from this field (by its column).
    #[diesel(column_name = account_id)]
    pub owner: Option<i64>,
    pub theme: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = vaults)]
pub struct Vault {
    pub id: VaultId,
    pub account_id: Option<AccountId>,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = members)]
#[has_one(
    badge,
    primary_key = "handle",
    foreign_key = "member_handle",
    dependent = "nullify"
)]
pub struct Member {
    pub id: i32,
    pub handle: Handle,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = badges)]
pub struct Badge {
    pub id: i32,
    pub member_handle: Option<Handle>,
    pub title: String,
}

#[derive(Insertable)]
#[diesel(table_name = settings)]
pub struct NewSetting<'a> {
    pub theme: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = vaults)]
pub struct NewVault<'a> {
    pub id: VaultId,
    pub label: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = badges)]
pub struct NewBadge<'a> {
    pub title: &'a str,
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE accounts (id BIGINT PRIMARY KEY, name {text} NOT NULL)",
    "CREATE TABLE settings (id {pk}, account_id BIGINT UNIQUE, theme {text} NOT NULL)",
    "CREATE TABLE vaults (id BIGINT PRIMARY KEY, account_id BIGINT UNIQUE, label {text} NOT NULL)",
    "CREATE TABLE members (id {pk}, handle {text} NOT NULL UNIQUE)",
    "CREATE TABLE badges (id {pk}, member_handle {text} UNIQUE, title {text} NOT NULL)",
];

/// Inserts an account with key `id`.
macro_rules! account {
    ($conn:expr, $id:expr, $name:expr) => {{
        diesel::insert_into(accounts::table)
            .values((accounts::id.eq(AccountId($id)), accounts::name.eq($name)))
            .execute($conn)
            .unwrap();
        Account {
            id: AccountId($id),
            name: $name.into(),
        }
    }};
}

/// Every setting as `(id, account_id, theme)`, by id.
macro_rules! settings {
    ($conn:expr) => {
        settings::table
            .order(settings::id)
            .select((settings::id, settings::account_id, settings::theme))
            .load::<(i32, Option<AccountId>, String)>($conn)
            .unwrap()
    };
}

backend_tests! {
    schema = SCHEMA;

    fn a_newtype_key_goes_through_every_method(conn, backend) {
        // keys past i32, so a narrowing anywhere would show
        let (a, b, c) = (
            account!(conn, 5_000_000_001, "a"),
            account!(conn, 5_000_000_002, "b"),
            account!(conn, 5_000_000_003, "c"),
        );
        let first = a.create_setting(NewSetting { theme: "dark" }, conn).unwrap();
        assert_eq!(first.owner, Some(a.id.0));
        assert_eq!(a.setting(conn).unwrap().as_ref(), Some(&first));
        let second = a.create_setting(NewSetting { theme: "light" }, conn).unwrap();
        assert_eq!(settings!(conn), [(second.id, Some(a.id), "light".into())], "replaced: destroyed");
        let of_b = b.create_setting(NewSetting { theme: "blue" }, conn).unwrap();

        let preloaded = Account::preload_setting(&[c.clone(), b.clone(), a.clone()], conn).unwrap();
        assert_eq!(preloaded, [None, Some(of_b.clone()), Some(second.clone())]);
        let eager: Vec<(Account, Option<Setting>)> = Account::eager_load_setting(accounts::table.order(accounts::id))
            .load(conn)
            .unwrap();
        assert_eq!(eager, [(a.clone(), Some(second.clone())), (b.clone(), Some(of_b.clone())), (c.clone(), None)]);

        // set_: b's row moves to c; a's row is unlinked by set_(None) (dependent destroy: destroyed)
        c.set_setting(Some(&of_b), conn).unwrap();
        a.set_setting(None, conn).unwrap();
        assert_eq!(settings!(conn), [(of_b.id, Some(c.id), "blue".into())]);
        c.destroy(conn).unwrap();
        assert!(settings!(conn).is_empty());
        let left: Vec<AccountId> = accounts::table.order(accounts::id).select(accounts::id).load(conn).unwrap();
        assert_eq!(left, [a.id, b.id]);
    }

    fn a_destroy_async_job_holds_newtype_keys(conn, backend) {
        jobs::create_table(conn).unwrap();
        let a = account!(conn, 7_000_000_007, "a");
        let vault = a.create_vault(NewVault { id: VaultId(9_000_000_009), label: "gold" }, conn).unwrap();
        assert_eq!(vault.account_id, Some(a.id));
        a.destroy(conn).unwrap();
        let pending = jobs::pending(conn).unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!((pending[0].owner_key.as_str(), pending[0].target_keys.as_str()), ("[7000000007]", "[9000000009]"));
        assert_eq!(vaults::table.count().get_result::<i64>(conn).unwrap(), 1, "the job has not run");
        assert_eq!(jobs::run_pending(10, conn).unwrap().succeeded, 1);
        assert_eq!(vaults::table.count().get_result::<i64>(conn).unwrap(), 0);
    }

    fn a_string_newtype_key_with_a_named_field(conn, backend) {
        let handle = |raw: &str| Handle { raw: raw.into() };
        for raw in ["ann \"the\" \\ one 😀", "bob"] {
            diesel::insert_into(members::table).values(members::handle.eq(handle(raw))).execute(conn).unwrap();
        }
        let members: Vec<Member> = members::table.order(members::id).select(Member::as_select()).load(conn).unwrap();
        let (ann, bob) = (&members[0], &members[1]);
        let badge = ann.create_badge(NewBadge { title: "first" }, conn).unwrap();
        assert_eq!(badge.member_handle.as_ref(), Some(&ann.handle));
        assert_eq!(Member::preload_badge(&members, conn).unwrap(), [Some(badge.clone()), None]);
        bob.set_badge(Some(&badge), conn).unwrap();
        assert_eq!(ann.badge(conn).unwrap(), None);
        bob.destroy(conn).unwrap();
        let badges: Vec<Badge> = badges::table.select(Badge::as_select()).load(conn).unwrap();
        assert_eq!(badges, [Badge { member_handle: None, ..badge }], "nullified, not deleted");
    }
}

/// `uuid::Uuid` keys (feature `uuid`): PostgreSQL's `uuid` type, as Diesel maps it.
#[cfg(all(feature = "postgres", feature = "uuid"))]
mod uuid_keys {
    use super::*;
    use diesel::connection::SimpleConnection;
    use uuid::Uuid;

    diesel::table! { people (id) { id -> Uuid, name -> Text } }
    diesel::table! { cards (id) { id -> Uuid, person_id -> Nullable<Uuid>, label -> Text } }
    diesel::allow_tables_to_appear_in_same_query!(people, cards);

    // `check_for_backend`: Diesel maps `Uuid` on PostgreSQL only, so the destroy_async job
    // handler is registered for PostgreSQL only (the crate is built with every backend).
    #[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
    #[diesel(table_name = people, check_for_backend(diesel::pg::Pg))]
    #[has_one(card, dependent = "destroy_async")]
    pub struct Person {
        pub id: Uuid,
        pub name: String,
    }

    #[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
    #[diesel(table_name = cards, check_for_backend(diesel::pg::Pg))]
    pub struct Card {
        pub id: Uuid,
        pub person_id: Option<Uuid>,
        pub label: String,
    }

    #[derive(Insertable)]
    #[diesel(table_name = cards)]
    pub struct NewCard<'a> {
        pub id: Uuid,
        pub label: &'a str,
    }

    const SCHEMA: &[&str] = &[
        "CREATE TABLE people (id UUID PRIMARY KEY, name TEXT NOT NULL)",
        "CREATE TABLE cards (id UUID PRIMARY KEY, person_id UUID UNIQUE, label TEXT NOT NULL)",
    ];

    fn person(conn: &mut PgConnection, name: &str) -> Person {
        let p = Person {
            id: Uuid::new_v4(),
            name: name.into(),
        };
        diesel::insert_into(people::table)
            .values((people::id.eq(p.id), people::name.eq(name)))
            .execute(conn)
            .unwrap();
        p
    }

    fn new_card(label: &str) -> NewCard<'_> {
        NewCard {
            id: Uuid::new_v4(),
            label,
        }
    }

    #[test]
    fn uuid_keys_go_through_every_method() {
        let mut db = common::postgres("uuid_every_method", SCHEMA);
        let conn = &mut db.conn;
        jobs::create_table(conn).unwrap();
        let (a, b) = (person(conn, "a"), person(conn, "b"));
        let first = a.create_card(new_card("one"), conn).unwrap();
        assert_eq!(first.person_id, Some(a.id));
        // replace with destroy_async: the old row is unlinked now and destroyed by the job
        let second = a.create_card(new_card("two"), conn).unwrap();
        assert_eq!(a.card(conn).unwrap().as_ref(), Some(&second));
        assert_eq!(
            Person::preload_card(&[b.clone(), a.clone()], conn).unwrap(),
            [None, Some(second.clone())]
        );
        let eager: Vec<(Person, Option<Card>)> =
            Person::eager_load_card(people::table.filter(people::id.eq(a.id)))
                .load(conn)
                .unwrap();
        assert_eq!(eager, [(a.clone(), Some(second.clone()))]);
        b.set_card(Some(&second), conn).unwrap();
        assert_eq!(a.card(conn).unwrap(), None);
        b.destroy(conn).unwrap();
        let pending = jobs::pending(conn).unwrap();
        let job = pending
            .iter()
            .find(|j| j.owner_key == format!("[\"{}\"]", b.id))
            .expect("b's job");
        assert_eq!(job.target_keys, format!("[\"{}\"]", second.id));
        jobs::run_pending(10, conn).unwrap();
        let left: Vec<Uuid> = cards::table.select(cards::id).load(conn).unwrap();
        assert!(
            !left.contains(&second.id),
            "b's card destroyed by the job: {left:?}"
        );
        assert!(jobs::pending(conn).unwrap().is_empty());
    }

    /// 100,000 owners keyed by UUID preloaded in one statement (one array parameter).
    #[test]
    fn preload_of_100_000_uuid_owners() {
        let mut db = common::postgres("uuid_preload_100k", SCHEMA);
        let conn = &mut db.conn;
        conn.batch_execute(
            "INSERT INTO people (id, name) SELECT md5(i::text)::uuid, 'p' || i FROM generate_series(1, 100000) i;
             INSERT INTO cards (id, person_id, label)
               SELECT md5('c' || i)::uuid, md5(i::text)::uuid, 'c' || i FROM generate_series(1, 100000, 2) i;",
        )
        .unwrap();
        let owners: Vec<Person> = people::table
            .order(people::name)
            .select(Person::as_select())
            .load(conn)
            .unwrap();
        assert_eq!(owners.len(), 100_000);
        let log = common::Statements::record(conn);
        let loaded = Person::preload_card(&owners, conn).unwrap();
        assert_eq!(log.queries().len(), 1, "one statement for every owner");
        assert_eq!(loaded.len(), 100_000);
        assert_eq!(loaded.iter().flatten().count(), 50_000);
        for (owner, card) in owners.iter().zip(&loaded) {
            let n: u32 = owner.name[1..].parse().unwrap();
            match card {
                Some(card) => {
                    assert_eq!(card.person_id, Some(owner.id));
                    assert_eq!(card.label, format!("c{n}"));
                }
                None => assert_eq!(n % 2, 0, "{owner:?} has a card"),
            }
        }
    }
}
