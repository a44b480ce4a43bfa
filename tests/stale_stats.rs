//! Issue 14, plans that do not depend on fresh statistics: the reader and the eager load
//! over tables filled without `ANALYZE` (PostgreSQL: autovacuum off, so no statistics at
//! all) read each owner's rows through the foreign key index, on every backend; on
//! PostgreSQL the executed plan's work is bounded (no row read and thrown away by a
//! filter, a few pages per owner), where `ORDER BY pk LIMIT 1` scanned the primary key
//! index for every owner without a row (`runtime/src/first_key.rs`).
//!
//! The index is a plain one, as a table with several rows per owner has: a unique index
//! tells PostgreSQL that one row matches and hides the problem.
//!
//! The `through` reader (Account → its holder, a `User` → the holder's profile) too:
//! PostgreSQL hash-joined a sequential scan of `profiles` for `IN (SELECT …)`, or walked
//! its primary key; `= ANY(ARRAY(SELECT …))` (`runtime/src/in_subselect.rs`) reads both
//! tables by their foreign key indexes.

mod common;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};
use diesel_has_one::audit::{audit_where, FindingKind};
use diesel_has_one::Model;
use serde_json::Value;

use common::Backend as Db;

diesel::table! { accounts (id) { id -> Integer, name -> Text } }
diesel::table! { users (id) { id -> Integer, account_id -> Nullable<Integer>, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }
diesel::allow_tables_to_appear_in_same_query!(accounts, users, profiles);

/// A scope that filters: the reader orders by the primary key as the unscoped one does.
#[diesel::dsl::auto_type]
fn shown(profiles: profiles::table) -> _ {
    let hidden: &'static str = "hidden";
    profiles.filter(profiles::bio.ne(hidden))
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile)]
#[has_one(
    shown_profile,
    class_name = "Profile",
    foreign_key = "user_id",
    scope = "shown"
)]
pub struct User {
    pub id: i32,
    pub name: String,
}

/// Account `k` is held by user `k`, and reaches that user's profile through it.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = accounts)]
#[has_one(holder)]
#[has_one(profile, through = "holder")]
pub struct Account {
    pub id: i32,
    pub name: String,
}

/// A user as an account's holder (the same table as [`User`]).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile, foreign_key = "user_id")]
pub struct Holder {
    pub id: i32,
    pub account_id: Option<i32>,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = profiles)]
pub struct Profile {
    pub id: i32,
    pub user_id: Option<i32>,
    pub bio: String,
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE accounts (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE users (id {pk}, account_id INTEGER, name {text} NOT NULL)",
    "CREATE TABLE profiles (id {pk}, user_id INTEGER, bio {text} NOT NULL)",
    "CREATE INDEX users_account_id ON users (account_id)",
    "CREATE INDEX profiles_user_id ON profiles (user_id)",
];

/// Owners; every odd one has a row, every third odd one two.
const OWNERS: i32 = 20_000;

/// The row the reader returns for owner `k`: odd owners have the row `OWNERS + k`, and
/// those with `k % 3 == 1` also the row `k`, inserted after it with the lower key.
fn expected(k: i32) -> Option<i32> {
    match (k % 2, k % 3) {
        (0, _) => None,
        (_, 1) => Some(k),
        _ => Some(OWNERS + k),
    }
}

/// The owners and their rows, each table written by one statement, no statistics taken.
fn seed(conn: &mut impl SimpleConnection, backend: Db) {
    let mut sql = String::new();
    match backend {
        Db::Postgres => sql.push_str(
            "ALTER TABLE accounts SET (autovacuum_enabled = false); \
             ALTER TABLE users SET (autovacuum_enabled = false); \
             ALTER TABLE profiles SET (autovacuum_enabled = false);",
        ),
        // MariaDB stops recursive CTEs after 1,000 rows by default
        Db::Mysql => sql.push_str("SET SESSION max_recursive_iterations = 10000000;"),
        Db::Sqlite => {}
    }
    let seq = format!(
        "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < {OWNERS})"
    );
    sql.push_str(&format!(
        "INSERT INTO accounts (id, name) {seq} SELECT i, 'a' FROM seq; \
         INSERT INTO users (id, account_id, name) {seq} SELECT i, i, 'u' FROM seq; \
         INSERT INTO profiles (id, user_id, bio) {seq} SELECT {OWNERS} + i, i, 'high' FROM seq WHERE i % 2 = 1; \
         INSERT INTO profiles (id, user_id, bio) {seq} SELECT i, i, 'low' FROM seq WHERE i % 2 = 1 AND i % 3 = 1;"
    ));
    conn.batch_execute(&sql).unwrap();
}

#[derive(QueryableByName)]
struct PgPlan {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    json: String,
}

#[derive(QueryableByName)]
struct SqlitePlan {
    #[diesel(sql_type = Text)]
    detail: String,
}

#[derive(QueryableByName)]
struct MysqlPlan {
    #[diesel(sql_type = Nullable<Text>)]
    table: Option<String>,
    #[diesel(sql_type = Nullable<Text>, column_name = "type")]
    access: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    key: Option<String>,
    #[diesel(sql_type = Nullable<Text>, column_name = "Extra")]
    extra: Option<String>,
}

/// A statement as the instrumentation records it (`SQL -- binds: [4, 1]`) with its binds
/// written in as literals, so that it can be explained as it ran.
fn inline_binds(backend: Db, recorded: &str) -> String {
    let (sql, binds) = recorded.split_once(" -- binds: [").unwrap();
    let binds = binds.trim_end_matches(']');
    let literals: Vec<String> = binds
        .split(", ")
        .filter(|b| !b.is_empty())
        // an `Option` bind (the through reader's start) is recorded as `Some(4)`
        .map(|b| {
            b.strip_prefix("Some(")
                .map_or(b, |v| v.trim_end_matches(')'))
        })
        .map(|b| {
            b.strip_prefix('"')
                .map_or(b.to_owned(), |t| format!("'{}'", t.trim_end_matches('"')))
        })
        .collect();
    let mut sql = sql.to_owned();
    if backend == Db::Postgres {
        for (i, literal) in literals.iter().enumerate().rev() {
            sql = sql.replace(&format!("${}", i + 1), literal);
        }
        return sql;
    }
    for literal in &literals {
        sql = sql.replacen('?', literal, 1);
    }
    sql
}

/// The plan of `recorded` (see [`inline_binds`]): PostgreSQL's executed plan as JSON,
/// SQLite's query plan lines, MySQL's `EXPLAIN` rows, one per line.
macro_rules! plan {
    ($conn:expr, $backend:expr, $recorded:expr) => {{
        let sql = inline_binds($backend, $recorded);
        match $backend {
            Db::Postgres => {
                let explain = format!("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}");
                let rows: Vec<PgPlan> = diesel::sql_query(explain).load($conn).unwrap();
                rows.into_iter().map(|r| r.json).collect::<String>()
            }
            Db::Sqlite => {
                let explain = format!("EXPLAIN QUERY PLAN {sql}");
                let rows: Vec<SqlitePlan> = diesel::sql_query(explain).load($conn).unwrap();
                rows.into_iter()
                    .map(|r| r.detail + "\n")
                    .collect::<String>()
            }
            Db::Mysql => {
                let rows: Vec<MysqlPlan> = diesel::sql_query(format!("EXPLAIN {sql}"))
                    .load($conn)
                    .unwrap();
                let line = |r: MysqlPlan| {
                    format!(
                        "{} {} {} {}\n",
                        r.table.unwrap_or_default(),
                        r.access.unwrap_or_default(),
                        r.key.unwrap_or_default(),
                        r.extra.unwrap_or_default()
                    )
                };
                rows.into_iter().map(line).collect::<String>()
            }
        }
    }};
}

/// Every node of a PostgreSQL JSON plan, depth first.
fn nodes(plan: &Value, out: &mut Vec<Value>) {
    out.push(plan.clone());
    for child in plan["Plans"].as_array().into_iter().flatten() {
        nodes(child, out);
    }
}

/// What a PostgreSQL plan (`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)`) did: it read
/// `profiles` by its foreign key index, never by the primary key index with the link as a
/// filter, threw no row away, and touched at most `pages` buffers.
fn check_pg(json: &str, index_name: &str, pages: u64) {
    let plan: Value = serde_json::from_str(json).unwrap();
    let mut all = Vec::new();
    nodes(&plan[0]["Plan"], &mut all);
    let index = |n: &Value| n["Index Name"].as_str().map(str::to_owned);
    assert!(
        all.iter().any(|n| index(n).as_deref() == Some(index_name)),
        "no read of the foreign key index: {json}"
    );
    for n in &all {
        let filter = n["Filter"].as_str().unwrap_or_default();
        assert!(
            !(index(n).as_deref() == Some("profiles_pkey") && filter.contains("user_id")),
            "primary key scan filtered on the foreign key: {json}"
        );
        let removed = n["Rows Removed by Filter"].as_f64().unwrap_or(0.0);
        assert_eq!(removed, 0.0, "rows read and thrown away: {json}");
    }
    let root = &plan[0]["Plan"];
    let touched =
        root["Shared Hit Blocks"].as_u64().unwrap() + root["Shared Read Blocks"].as_u64().unwrap();
    assert!(
        touched <= pages,
        "{touched} buffers (at most {pages}): {json}"
    );
}

/// SQLite reads `profiles` by the foreign key index (`SEARCH … INDEX profiles_user_id
/// (user_id=?)`), never a scan of it, and sorts nothing.
fn check_sqlite(plan: &str, index: &str) {
    assert!(
        plan.contains(&format!("INDEX {index} (user_id=?)")),
        "{plan}"
    );
    assert!(
        !plan
            .lines()
            .any(|l| l.starts_with("SCAN profiles") || l.contains("TEMP B-TREE")),
        "{plan}"
    );
}

/// MySQL reads `profiles` by the foreign key index, or by primary key for the joined row,
/// never a scan of a whole index or table, and sorts nothing.
fn check_mysql(plan: &str, index: &str) {
    let profiles: Vec<&str> = plan
        .lines()
        .filter(|l| l.starts_with("profiles "))
        .collect();
    assert!(
        profiles.iter().any(|l| l.contains(&format!(" {index} "))),
        "{plan}"
    );
    for l in profiles {
        assert!(
            !l.starts_with("profiles ALL ") && !l.starts_with("profiles index "),
            "{plan}"
        );
        assert!(!l.contains("filesort"), "{plan}");
    }
}

/// Checks `plan` on `backend`: `profiles` is read by `index` (PostgreSQL: at most `pages`
/// buffers).
fn check(backend: Db, plan: &str, index: &str, pages: u64) {
    match backend {
        Db::Postgres => check_pg(plan, index, pages),
        Db::Sqlite => check_sqlite(plan, index),
        Db::Mysql => check_mysql(plan, index),
    }
}

/// The through reader's plan: `users` read by `users_account_id` and `profiles` by
/// `profiles_user_id` (PostgreSQL: nothing thrown away, a few pages); the few rows found
/// may be sorted.
fn check_through(backend: Db, plan: &str) {
    match backend {
        Db::Postgres => {
            check_pg(plan, "profiles_user_id", 8);
            assert!(plan.contains("\"users_account_id\""), "{plan}");
        }
        Db::Sqlite => {
            assert!(
                plan.contains("INDEX profiles_user_id (user_id=?)"),
                "{plan}"
            );
            assert!(
                plan.contains("INDEX users_account_id (account_id=?)"),
                "{plan}"
            );
            assert!(!plan.lines().any(|l| l.starts_with("SCAN ")), "{plan}");
        }
        Db::Mysql => {
            for (table, index) in [
                ("profiles", "profiles_user_id"),
                ("users", "users_account_id"),
            ] {
                let lines: Vec<&str> = plan
                    .lines()
                    .filter(|l| l.starts_with(&format!("{table} ")))
                    .collect();
                assert!(
                    lines.iter().any(|l| l.contains(&format!(" {index} "))),
                    "{plan}"
                );
                assert!(
                    lines
                        .iter()
                        .all(|l| !l.contains(" ALL ") && !l.contains(" index ")),
                    "{plan}"
                );
            }
        }
    }
}

backend_tests! {
    schema = SCHEMA;

    fn reader_reads_the_foreign_key_index_without_statistics(conn, backend) {
        seed(conn, backend);
        for k in [1, 3, 4, 7, OWNERS] {
            let owner = User { id: k, name: "u".into() };
            assert_eq!(owner.profile(conn).unwrap().map(|p| p.id), expected(k), "owner {k}");
            assert_eq!(owner.shown_profile(conn).unwrap().map(|p| p.id), expected(k), "owner {k}");
        }
        // the readers' own statements, explained as they ran (owner 4: no row, the case
        // the primary key scan read the whole table for)
        let log = common::Statements::record(conn);
        let owner = User { id: 4, name: "u".into() };
        owner.profile(conn).unwrap();
        owner.shown_profile(conn).unwrap();
        for recorded in log.queries() {
            eprintln!("{backend:?}: {recorded}");
            let plan = plan!(conn, backend, &recorded);
            check(backend, &plan, "profiles_user_id", 4);
        }
    }

    fn through_reader_reads_the_foreign_key_indexes_without_statistics(conn, backend) {
        seed(conn, backend);
        for k in [1, 3, 4, 7, OWNERS] {
            let account = Account { id: k, name: "a".into() };
            assert_eq!(account.profile(conn).unwrap().map(|p| p.id), expected(k), "account {k}");
        }
        // accounts 4 (a holder without a profile) and 3 (a holder with one)
        let log = common::Statements::record(conn);
        for k in [4, 3] {
            Account { id: k, name: "a".into() }.profile(conn).unwrap();
        }
        for recorded in log.queries() {
            eprintln!("{backend:?}: {recorded}");
            let plan = plan!(conn, backend, &recorded);
            check_through(backend, &plan);
        }
    }

    fn eager_load_reads_the_foreign_key_index_without_statistics(conn, backend) {
        seed(conn, backend);
        let log = common::Statements::record(conn);
        let rows: Vec<(User, Option<Profile>)> =
            User::eager_load_profile(users::table.order(users::id)).load(conn).unwrap();
        let shown: Vec<(User, Option<Profile>)> =
            User::eager_load_shown_profile(users::table.order(users::id)).load(conn).unwrap();
        assert_eq!((rows.len(), shown.len()), (OWNERS as usize, OWNERS as usize));
        for (owner, profile) in rows.iter().chain(&shown) {
            assert_eq!(profile.as_ref().map(|p| p.id), expected(owner.id), "{owner:?}");
        }
        for recorded in log.queries() {
            eprintln!("{backend:?}: {recorded}");
            let plan = plan!(conn, backend, &recorded);
            // the correlated subquery runs once or twice per owner, a few pages each
            check(backend, &plan, "profiles_user_id", 12 * OWNERS as u64);
        }
    }

    fn audit_asks_for_the_index_the_reads_use(conn, backend) {
        // the only index holds the foreign key second: no read can seek by it
        let drop = match backend {
            Db::Mysql => "DROP INDEX profiles_user_id ON profiles",
            _ => "DROP INDEX profiles_user_id",
        };
        conn.batch_execute(&format!("{drop}; CREATE INDEX profiles_bio_user_id ON profiles (bio, user_id)")).unwrap();
        let report = audit_where(|d| d.owner == "User" && d.name == "shown_profile", conn).unwrap();
        // (and no foreign key constraint: not this test's concern)
        let missing: Vec<_> = report.findings.iter().filter(|f| f.kind != FindingKind::MissingForeignKey).collect();
        assert_eq!(missing.len(), 1, "{report}");
        assert_eq!((missing[0].kind, missing[0].column), (FindingKind::MissingIndex, Some("user_id")));
        assert!(missing[0].message.contains("profiles_bio_user_id on (bio, user_id) does not start with them"), "{report}");
        let fix = &missing[0].fix.statements;
        assert_eq!(fix.len(), 1, "{fix:?}");
        assert!(fix[0].starts_with("CREATE INDEX ") && fix[0].replace(['"', '`'], "").ends_with(" ON profiles (user_id)"), "{fix:?}");
        conn.batch_execute(&fix[0]).unwrap();
        let report = audit_where(|d| d.owner == "User" && d.name == "shown_profile", conn).unwrap();
        assert!(report.findings.iter().all(|f| f.kind == FindingKind::MissingForeignKey), "{report}");
        // the reader and the eager load then read by the index the fix made, without statistics
        seed(conn, backend);
        let log = common::Statements::record(conn);
        let owner = User { id: 4, name: "u".into() };
        assert_eq!(owner.shown_profile(conn).unwrap(), None);
        User::eager_load_shown_profile(users::table.order(users::id)).load::<(User, Option<Profile>)>(conn).unwrap();
        let index = "index_profiles_on_user_id";
        let queries = log.queries();
        check(backend, &plan!(conn, backend, &queries[0]), index, 4);
        check(backend, &plan!(conn, backend, &queries[1]), index, 12 * OWNERS as u64);
    }
}
