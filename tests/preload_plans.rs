//! Issue 14, preload at the physical limit: the key set's form on MySQL at each of its
//! boundaries (no key, one, [`MYSQL_MAX_KEY_BINDS`] − 1, itself, + 1, past MySQL's 65,535
//! placeholders; dense integer keys with and without holes), always one statement and the
//! right rows, on every backend; the plan of a small subset (100 owners of 1,000,000)
//! reading the foreign key index; and the owner counts at which Diesel's own
//! `belonging_to` stops working on each backend.

mod common;

use diesel::backend::Backend;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Nullable, Text, Untyped};
use diesel_has_one::key_set::{KeyIn, MYSQL_MAX_KEY_BINDS};
use diesel_has_one::Model;

use common::Backend as Db;

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }

/// A scope with a bound value: the statement holds one placeholder besides the key set.
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

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, Model)]
#[diesel(table_name = profiles, belongs_to(User))]
pub struct Profile {
    pub id: i32,
    pub user_id: Option<i32>,
    pub bio: String,
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE users (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE profiles (id {pk}, user_id INTEGER, bio {text} NOT NULL)",
    "CREATE INDEX profiles_user_id ON profiles (user_id)",
];

/// `n` profiles, `id = user_id = i`, every 7th one's bio `hidden` (out of `shown`'s scope),
/// written with one statement, then the statistics the planner reads.
fn seed(conn: &mut impl diesel::connection::SimpleConnection, backend: Db, n: i32) {
    if backend == Db::Mysql {
        // MariaDB stops recursive CTEs after 1,000 rows by default
        conn.batch_execute("SET SESSION max_recursive_iterations = 10000000")
            .unwrap();
    }
    conn.batch_execute(&format!(
        "INSERT INTO profiles (id, user_id, bio) WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < {n}) SELECT i, i, CASE WHEN i % 7 = 0 THEN 'hidden' ELSE 'b' END FROM seq"
    ))
    .unwrap();
    conn.batch_execute(match backend {
        Db::Sqlite => "ANALYZE",
        Db::Postgres => "ANALYZE profiles",
        Db::Mysql => "ANALYZE TABLE profiles",
    })
    .unwrap();
}

fn owners(keys: &[i32]) -> Vec<User> {
    keys.iter()
        .map(|&id| User {
            id,
            name: String::new(),
        })
        .collect()
}

/// The form of the key set in the one MySQL statement `sql` (with its binds listed).
#[derive(Debug, PartialEq, Clone, Copy)]
enum Form {
    /// `IN (?, ?, …)`
    List,
    /// `BETWEEN ? AND ?` [`NOT IN (?, …)`]
    Span,
    /// `JSON_TABLE(?, …)`
    Json,
}

fn form_of(sql: &str) -> Form {
    let sql = sql.split("-- binds").next().unwrap();
    match (
        sql.contains("JSON_TABLE"),
        sql.contains(" BETWEEN "),
        sql.contains("IN (?"),
    ) {
        (true, false, false) => Form::Json,
        (false, true, _) => Form::Span,
        (false, false, true) => Form::List,
        _ => panic!("which form? {}", &sql[..sql.len().min(300)]),
    }
}

/// The number of placeholders in a MySQL statement.
fn placeholders(sql: &str) -> usize {
    sql.split("-- binds").next().unwrap().matches('?').count()
}

/// Preloads the owners `keys` (profiles exist for `1..=seeded`) through both associations,
/// each in one statement of the form `mysql` on MySQL, and checks every row.
fn check<C: diesel_has_one::Conn + Connection>(
    conn: &mut C,
    backend: Db,
    seeded: i32,
    keys: &[i32],
    mysql: Form,
) where
    diesel_has_one::association!(User::profile): diesel_has_one::Preload<C>,
    diesel_has_one::association!(User::shown_profile): diesel_has_one::Preload<C>,
{
    let list = owners(keys);
    let log = common::Statements::record(conn);
    let loaded = User::preload_profile(&list, conn).unwrap();
    let shown = User::preload_shown_profile(&list, conn).unwrap();
    let queries = log.queries();
    assert_eq!(queries.len(), 2, "{} keys: one statement each", keys.len());
    for sql in &queries {
        let sql = sql.split("-- binds").next().unwrap();
        match backend {
            Db::Mysql => {
                assert_eq!(form_of(sql), mysql, "{} keys", keys.len());
                assert!(placeholders(sql) <= 65_535);
            }
            Db::Postgres => assert!(sql.contains("= ANY($"), "{sql}"),
            Db::Sqlite => assert!(sql.contains("json_each(?)"), "{sql}"),
        }
    }
    assert_eq!((loaded.len(), shown.len()), (keys.len(), keys.len()));
    for ((owner, profile), shown) in list.iter().zip(&loaded).zip(&shown) {
        if owner.id > seeded || owner.id < 1 {
            assert_eq!((profile, shown), (&None, &None), "{owner:?}");
            continue;
        }
        let p = profile
            .as_ref()
            .unwrap_or_else(|| panic!("no profile for {owner:?}"));
        assert_eq!((p.id, p.user_id), (owner.id, Some(owner.id)));
        match shown {
            Some(s) => assert_eq!((s, owner.id % 7 != 0), (p, true)),
            None => assert_eq!(owner.id % 7, 0, "{owner:?}"),
        }
    }
    let found = loaded.iter().flatten().count();
    let expected = keys.iter().filter(|&&k| (1..=seeded).contains(&k)).count();
    assert_eq!(found, expected);
}

/// `prefix` then a query (`EXPLAIN …`), rows read by name.
struct Prefixed<Q>(&'static str, Q);

impl<Q> QueryId for Prefixed<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q> Query for Prefixed<Q> {
    type SqlType = Untyped;
}

impl<Q: QueryFragment<DB>, DB: Backend> QueryFragment<DB> for Prefixed<Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(self.0);
        self.1.walk_ast(out.reborrow())
    }
}

impl<Q, C> RunQueryDsl<C> for Prefixed<Q> {}

#[derive(QueryableByName)]
struct PgPlan {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    line: String,
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
}

backend_tests! {
    schema = SCHEMA;

    fn the_key_set_at_every_boundary(conn, backend) {
        let t = MYSQL_MAX_KEY_BINDS as i32;
        // room for the largest key set below: 2 × (t + 1) sparse keys, and the holes case
        let seeded = 4 * t;
        seed(conn, backend, seeded);
        let sparse = |n: i32| -> Vec<i32> { (0..n).map(|i| 2 * i + 1).collect() };

        // no owners: no statement; no keys in a statement: no row
        let log = common::Statements::record(conn);
        assert!(User::preload_profile(&[], conn).unwrap().is_empty());
        assert!(log.queries().is_empty());
        let none = profiles::table
            .filter(KeyIn::new(profiles::user_id, Vec::<i32>::new()))
            .select(Profile::as_select())
            .load(conn)
            .unwrap();
        assert!(none.is_empty());

        check(conn, backend, seeded, &[5], Form::List);
        // an owner without a profile, and owners out of order
        check(conn, backend, seeded, &[seeded + 1, 9, 2, 14], Form::List);
        // every other owner: a range would need more placeholders than the list
        check(conn, backend, seeded, &sparse(t - 1), Form::List);
        check(conn, backend, seeded, &sparse(t), Form::List);
        check(conn, backend, seeded, &sparse(t + 1), Form::Json);
        check(conn, backend, seeded, &sparse(70_000), Form::Json);
        // in reverse order past the limit
        let mut reversed = sparse(70_000);
        reversed.reverse();
        check(conn, backend, seeded, &reversed, Form::Json);
        // dense keys: a range, at any size
        check(conn, backend, seeded, &(1..=70_000).collect::<Vec<_>>(), Form::Span);
        check(conn, backend, seeded, &(10..=12).collect::<Vec<_>>(), Form::Span);
        // past the table's last row and its first
        check(conn, backend, seeded, &(seeded - 10..=seeded + 10).collect::<Vec<_>>(), Form::Span);
        check(conn, backend, seeded, &(-5..=5).collect::<Vec<_>>(), Form::Span);
        // a range with holes: every third key missing, 100,000 keys (past 65,535)
        let holed: Vec<i32> = (1..=150_000).filter(|k| k % 3 != 0).collect();
        check(conn, backend, seeded, &holed, Form::Span);
        // as many holes as fit (t - 2 with the bounds), then one more
        let with_holes = |holes: i32| -> Vec<i32> {
            let odd = (0..=holes).map(|i| 2 * i + 1);
            odd.chain(2 * holes + 2..=2 * holes + 1 + t).collect()
        };
        check(conn, backend, seeded, &with_holes(t - 2), Form::Span);
        check(conn, backend, seeded, &with_holes(t - 1), Form::Json);
    }

    fn a_small_subset_reads_the_foreign_key_index(conn, backend) {
        seed(conn, backend, 1_000_000);
        // 100 owners spread over the table, in no order
        let keys: Vec<i32> = (0..100).map(|i| 1 + (i * 9_973 + 4_111) % 1_000_000).collect();
        let log = common::Statements::record(conn);
        let loaded = User::preload_profile(&owners(&keys), conn).unwrap();
        assert!(keys.iter().zip(&loaded).all(|(k, p)| p.as_ref().map(|p| p.id) == Some(*k)));
        // the statement explained is the preload's own, binds included: the row's columns
        // only (the foreign key is read from the row), no `ORDER BY`
        // (integer keys: the lowest key of an owner is picked as the rows arrive)
        let query = profiles::table
            .filter(KeyIn::new(profiles::user_id, keys.clone()))
            .select(Profile::as_select());
        assert_eq!(log.queries(), [common::sql_of(conn, &query)]);
        let plan: Vec<String> = match backend {
            Db::Sqlite => Prefixed("EXPLAIN QUERY PLAN ", query)
                .load::<SqlitePlan>(conn)
                .unwrap()
                .into_iter()
                .map(|r| r.detail)
                .collect(),
            Db::Postgres => Prefixed("EXPLAIN ", query)
                .load::<PgPlan>(conn)
                .unwrap()
                .into_iter()
                .map(|r| r.line)
                .collect(),
            Db::Mysql => Prefixed("EXPLAIN ", query)
                .load::<MysqlPlan>(conn)
                .unwrap()
                .into_iter()
                .map(|r| format!("table={} type={} key={}", r.table.unwrap_or_default(), r.access.unwrap_or_default(), r.key.unwrap_or_default()))
                .collect(),
        };
        let plan = plan.join("\n");
        eprintln!("{backend:?}: {plan}");
        match backend {
            // SEARCH profiles USING INDEX profiles_user_id (user_id=?)
            Db::Sqlite => assert!(plan.contains("SEARCH profiles USING INDEX profiles_user_id (user_id=?)"), "{plan}"),
            // an Index Scan or a Bitmap Index Scan of profiles_user_id
            Db::Postgres => assert!(
                plan.contains("Index Scan using profiles_user_id on profiles")
                    || plan.contains("Bitmap Index Scan on profiles_user_id"),
                "{plan}"
            ),
            // a range of the foreign key index over the 100 bound values
            Db::Mysql => assert!(plan.contains("table=profiles type=range key=profiles_user_id"), "{plan}"),
        }
    }

    fn diesel_belonging_to_stops_at_the_backend_s_limit(conn, backend) {
        // no rows needed: the limit is on the statement
        let list = |n: i32| owners(&(1..=n).collect::<Vec<_>>());
        let load = |conn: &mut _, n: i32| Profile::belonging_to(&list(n)).select(Profile::as_select()).load::<Profile>(conn);
        match backend {
            // one variable per owner; the bundled SQLite's SQLITE_MAX_VARIABLE_NUMBER
            Db::Sqlite => {
                assert!(load(conn, 32_766).unwrap().is_empty());
                assert!(load(conn, 32_767).unwrap_err().to_string().contains("too many SQL variables"));
            }
            // one placeholder per owner, at most 65,535 in a statement
            Db::Mysql => {
                assert!(load(conn, 65_535).unwrap().is_empty());
                assert!(load(conn, 65_536).unwrap_err().to_string().contains("too many placeholders"));
            }
            // one array parameter (`= ANY($1)`): no limit on the number of owners
            Db::Postgres => {
                assert!(load(conn, 1_000_000).unwrap().is_empty());
            }
        }
    }
}
