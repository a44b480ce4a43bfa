//! Async destroy hooks (`#[model(async_hooks, before_destroy = …, after_destroy = …)]`):
//! `async fn`s given the diesel-async connection, awaited inside the destroy's
//! transaction, for the owner's own destroy and for a target destroyed by `dependent`
//! (on destroy and on replace). A hook's writes commit or roll back with the destroy; a
//! hook's `Err` or a panic leaves every table as it was and the connection usable. Run on
//! the three async executors × three backends (`common::executors`, `async_only`).
#![cfg(feature = "async")]

mod common;

use diesel::connection::SimpleConnection as _;
use diesel::QueryDsl;
use diesel_async::AsyncConnection;
use diesel_has_one::{Error, Model};

diesel::table! { members (id) { id -> Integer, name -> Text } }
diesel::table! { cards (id) { id -> Integer, member_id -> Nullable<Integer>, code -> Text } }
diesel::table! { archive (id) { id -> Integer, what -> Text } }
diesel::allow_tables_to_appear_in_same_query!(members, cards);

#[derive(
    Debug, Clone, PartialEq, diesel::Queryable, diesel::Selectable, diesel::Identifiable, Model,
)]
#[diesel(table_name = members)]
#[model(async_hooks, before_destroy = archive_member, after_destroy = refuse_after)]
#[has_one(card, dependent = "destroy")]
pub struct Member {
    pub id: i32,
    pub name: String,
}

#[derive(
    Debug, Clone, PartialEq, diesel::Queryable, diesel::Selectable, diesel::Identifiable, Model,
)]
#[diesel(table_name = cards)]
#[model(async_hooks, after_destroy = archive_card)]
pub struct Card {
    pub id: i32,
    pub member_id: Option<i32>,
    pub code: String,
}

#[derive(diesel::Insertable)]
#[diesel(table_name = cards)]
pub struct NewCard<'a> {
    pub code: &'a str,
}

/// Writes `what` to `archive` on the destroy's connection, in its transaction.
async fn archived<C: AsyncConnection>(what: String, conn: &mut C) -> Result<(), Error> {
    let sql = format!("INSERT INTO archive (what) VALUES ('{what}')");
    Ok(conn.batch_execute(&sql).await?)
}

/// `before_destroy`: archives the member first; "locked" members are then refused, so
/// the archive row must roll back too; "panics" panics after writing it.
async fn archive_member<C: AsyncConnection>(m: &Member, conn: &mut C) -> Result<(), Error> {
    archived(format!("member {}", m.name), conn).await?;
    match m.name.as_str() {
        "locked" => Err(Error::abort("locked members stay")),
        "panics" => panic!("the hook panicked after its write"),
        _ => Ok(()),
    }
}

/// `after_destroy`: the row is gone; "late" members are refused here, after every delete.
async fn refuse_after<C: AsyncConnection>(m: &Member, _conn: &mut C) -> Result<(), Error> {
    match m.name.as_str() {
        "late" => Err(Error::abort("refused after the delete")),
        _ => Ok(()),
    }
}

/// The card's `after_destroy`, run when its owner's `dependent = "destroy"` removes it.
async fn archive_card<C: AsyncConnection>(c: &Card, conn: &mut C) -> Result<(), Error> {
    archived(format!("card {}", c.code), conn).await
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE members (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE cards (id {pk}, member_id INTEGER, code {text} NOT NULL)",
    "CREATE UNIQUE INDEX cards_member_id ON cards (member_id)",
    "CREATE TABLE archive (id {pk}, what {text} NOT NULL)",
];

/// Only member `name` (id 1) with card "c1", through the blocking setup connection.
macro_rules! seed {
    ($setup:expr, $name:expr) => {{
        $setup
            .batch_execute(&format!(
                "DELETE FROM cards; DELETE FROM members; DELETE FROM archive; INSERT INTO members (id, name) VALUES (1, '{}'); INSERT INTO cards (member_id, code) VALUES (1, 'c1')",
                $name
            ))
            .unwrap();
        Member { id: 1, name: $name.into() }
    }};
}

/// `(members, cards, archive)`, each as its text column in key order.
macro_rules! tables {
    ($setup:expr) => {{
        use diesel::RunQueryDsl;
        let members: Vec<String> = members::table
            .order(members::id)
            .select(members::name)
            .load($setup)
            .unwrap();
        let cards: Vec<String> = cards::table
            .order(cards::id)
            .select(cards::code)
            .load($setup)
            .unwrap();
        let archive: Vec<String> = archive::table
            .order(archive::id)
            .select(archive::what)
            .load($setup)
            .unwrap();
        (members, cards, archive)
    }};
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

executor_tests! {
    async_only;
    schema = SCHEMA;

    fn destroy_awaits_every_hook_in_order(setup, conn, backend) {
        let member = seed!(setup, "anna");
        run!(member.destroy(conn)).unwrap();
        let (members, cards, archive) = tables!(setup);
        assert!(members.is_empty() && cards.is_empty());
        assert_eq!(archive, strings(&["member anna", "card c1"]), "before_destroy, then the dependent's hook");
    }

    fn a_replace_runs_the_old_rows_hook(setup, conn, backend) {
        let member = seed!(setup, "anna");
        run!(member.create_card(NewCard { code: "c2" }, conn)).unwrap();
        let (_, cards, archive) = tables!(setup);
        assert_eq!((cards, archive), (strings(&["c2"]), strings(&["card c1"])));
    }

    fn a_refusing_hook_rolls_back_its_own_writes(setup, conn, backend) {
        for name in ["locked", "late"] {
            let member = seed!(setup, name);
            let before = tables!(setup);
            let err = run!(member.destroy(conn)).unwrap_err();
            assert!(matches!(err, Error::Aborted(_)), "{name}: {err:?}");
            assert_eq!(tables!(setup), before, "{name}: nothing written, the hooks' archive rows included");
            // Later writes on the same connection commit.
            run!(member.create_card(NewCard { code: "after" }, conn)).unwrap();
            assert_eq!(tables!(setup).1, strings(&["after"]), "{name}");
        }
    }

    fn a_panicking_hook_leaves_no_open_transaction(setup, conn, backend) {
        let member = seed!(setup, "panics");
        let before = tables!(setup);
        let caught = futures_util::FutureExt::catch_unwind(std::panic::AssertUnwindSafe(member.destroy(conn))).await;
        assert!(caught.is_err(), "the panic reaches the caller");
        assert_eq!(tables!(setup), before, "the archive row rolled back");
        let anna = Member { id: 1, name: "anna".into() };
        run!(anna.create_card(NewCard { code: "c2" }, conn)).unwrap();
        assert_eq!(tables!(setup).1, strings(&["c2"]), "the next write on the connection commits");
    }
}
