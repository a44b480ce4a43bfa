//! Issue 14, "preload at the physical limit": how each backend reads a preload's key set,
//! timed at 10,000, 100,000 and 1,000,000 owners.
//!
//! One table `profiles (id PK, user_id INT, bio)` with an index on `user_id` and one row
//! per owner (`user_id = id`), reseeded for each size. Key sets: every owner (dense), every
//! other owner (sparse); at 1,000,000 also every other owner in a random order, every
//! 16th owner, and 10 to 30,000 owners spread over the table in no order. Forms:
//!
//! - MySQL/MariaDB, written by hand here: `json` (`IN (SELECT v FROM JSON_TABLE(?, …))`,
//!   the library's form before issue 14), `json_no_semijoin` (the same wrapped in
//!   `(…) IS TRUE`, which MariaDB cannot turn into a semi-join: a primary-key scan probing
//!   the materialized key set), `list` (`IN (?, ?, …)`, chunked into several statements of
//!   65,535 above that), `list_cached` (the same, kept in Diesel's prepared statement
//!   cache: what bucketed list sizes would buy), `span` (`BETWEEN ? AND ?` plus
//!   `NOT IN (?, …)` of the missing integers, when that fits in 65,535 placeholders; the
//!   `json_no_semijoin` scan is skipped where it would read 1,000,000 rows for many keys);
//! - every backend: `preload` (the library's `User::preload_profile`, whatever form it
//!   picks) and `belonging_to` (Diesel's `Profile::belonging_to(&owners)` then
//!   `grouped_by(&owners)`).
//!
//! Every form is timed as a whole preload (the library's steps written out: the owners'
//! keys deduplicated, the statement built and run, every row decoded and aligned with the
//! owners). Each is run once to warm up, then the contenders of a key set take turns,
//! `--runs` rounds (at least 3, fewer than asked once a key set has taken two minutes), so
//! the load of a shared machine falls on all of them alike; the median and the fastest run
//! of each are printed, with the plan of its statement (MariaDB: `ANALYZE FORMAT=JSON`,
//! PostgreSQL: `EXPLAIN ANALYZE`, SQLite: `EXPLAIN QUERY PLAN`).
//!
//! `bench/keyset.sh [--backends mysql,postgres,sqlite] [--sizes 10000,100000,1000000]
//! [--runs 7]`; Markdown on stdout, progress on stderr.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::time::{Duration, Instant};

use diesel::backend::Backend;
use diesel::connection::SimpleConnection;
use diesel::mysql::MysqlConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, HasSqlType, Integer, Nullable, Text, Untyped};
use diesel::sqlite::SqliteConnection;
use diesel_has_one::key_set::KeyIn;
use diesel_has_one_keyset_bench::{profiles, schema, seed_sql, Db, Profile, User};

/// MySQL's placeholder limit per statement.
const PLACEHOLDERS: usize = 65_535;

/// One piece of a hand-written statement.
enum Part {
    Sql(String),
    Int(i32),
    Long(i64),
    Text(String),
}

/// A hand-written statement, every value bound; never cached (it changes with the keys).
/// Cloned for each run without copying its parts.
#[derive(Default, Clone)]
struct Raw(Rc<Vec<Part>>, bool);

impl Raw {
    /// Lets Diesel keep the prepared statement (`list_cached`).
    fn cached(mut self) -> Self {
        self.1 = true;
        self
    }
    fn push(&mut self, part: Part) {
        Rc::get_mut(&mut self.0)
            .expect("built before it is shared")
            .push(part);
    }
    fn sql(mut self, sql: &str) -> Self {
        self.push(Part::Sql(sql.into()));
        self
    }
    fn part(mut self, part: Part) -> Self {
        self.push(part);
        self
    }
    /// `(?, ?, …)` of `values`.
    fn list(mut self, values: impl IntoIterator<Item = Part>) -> Self {
        self.push(Part::Sql("(".into()));
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(Part::Sql(", ".into()));
            }
            self.push(v);
        }
        self.push(Part::Sql(")".into()));
        self
    }
}

impl QueryId for Raw {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

/// Typed like the library's preload statement, so rows are decoded by position as there.
impl Query for Raw {
    type SqlType = (Nullable<Integer>, Integer, Nullable<Integer>, Text);
}

impl<DB> QueryFragment<DB> for Raw
where
    DB: Backend + HasSqlType<Integer> + HasSqlType<BigInt> + HasSqlType<Text>,
    i32: ToSql<Integer, DB>,
    i64: ToSql<BigInt, DB>,
    String: ToSql<Text, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        if !self.1 {
            out.unsafe_to_cache_prepared();
        }
        for part in self.0.iter() {
            match part {
                Part::Sql(s) => out.push_sql(s),
                Part::Int(v) => out.push_bind_param::<Integer, i32>(v)?,
                Part::Long(v) => out.push_bind_param::<BigInt, i64>(v)?,
                Part::Text(v) => out.push_bind_param::<Text, String>(v)?,
            }
        }
        Ok(())
    }
}

impl<C> RunQueryDsl<C> for Raw {}

/// `prefix` then the statement `Q` (`EXPLAIN …`), loaded as rows by name.
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
        out.unsafe_to_cache_prepared();
        out.push_sql(self.0);
        self.1.walk_ast(out.reborrow())
    }
}

impl<Q, C> RunQueryDsl<C> for Prefixed<Q> {}

/// A row as the library's preload selects it: the foreign key, then the target.
type Row = (Option<i32>, i32, Option<i32>, String);

/// The only column of MariaDB's `ANALYZE FORMAT=JSON`.
#[derive(QueryableByName)]
struct Analyze {
    #[diesel(sql_type = Text, column_name = "ANALYZE")]
    json: String,
}

/// A line of PostgreSQL's `EXPLAIN`.
#[derive(QueryableByName)]
struct PgPlan {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    line: String,
}

/// A line of SQLite's `EXPLAIN QUERY PLAN`.
#[derive(QueryableByName)]
struct SqlitePlan {
    #[diesel(sql_type = Text)]
    detail: String,
}

/// One key set to preload.
struct KeySet {
    name: String,
    keys: Vec<i32>,
    /// Time `json_no_semijoin` (a scan of the whole table) for it.
    scan: bool,
}

fn key_sets(size: i32) -> Vec<KeySet> {
    let mut sets = vec![
        KeySet {
            name: format!("all {size}"),
            keys: (1..=size).collect(),
            scan: size <= 100_000,
        },
        KeySet {
            name: format!("every other ({})", size / 2),
            keys: (1..=size).step_by(2).collect(),
            scan: size <= 100_000,
        },
    ];
    if size >= 1_000_000 {
        // every other owner in a random order (a fixed shuffle)
        let mut shuffled: Vec<i32> = (1..=size).step_by(2).collect();
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        sets.push(KeySet {
            name: format!("every other ({}), shuffled", size / 2),
            keys: shuffled,
            scan: false,
        });
        sets.push(KeySet {
            name: format!("every 16th ({})", size / 16),
            keys: (1..=size).step_by(16).collect(),
            scan: true,
        });
        // owners spread over the table (a prime stride), in no particular order
        for n in [10, 100, 1_000, 10_000, 30_000] {
            let mut spread: Vec<i32> = (0..n).map(|i| 1 + (i * 9_973 + 4_111) % size).collect();
            spread.reverse();
            sets.push(KeySet {
                name: format!("{n} of {size}, spread"),
                keys: spread,
                scan: n == 100,
            });
        }
    }
    sets
}

fn owners(keys: &[i32]) -> Vec<User> {
    keys.iter()
        .map(|&id| User {
            id,
            name: String::new(),
        })
        .collect()
}

/// The columns and order of the library's preload statement.
const SELECT: &str = "SELECT profiles.user_id AS fk, profiles.id, profiles.user_id, profiles.bio FROM profiles WHERE ";
const ORDER: &str = " ORDER BY profiles.id ASC";

fn json_array(keys: &[i32]) -> String {
    let mut s = String::with_capacity(keys.len() * 8 + 2);
    s.push('[');
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&k.to_string());
    }
    s.push(']');
    s
}

/// The hand-written MySQL forms: name → statements (more than one only for `list`
/// above the placeholder limit); `None` where the form cannot hold the key set.
fn mysql_form(form: &str, keys: &[i32]) -> Option<Vec<Raw>> {
    const JSON: &str = "profiles.user_id IN (SELECT __keys.v FROM JSON_TABLE(";
    const COLUMNS: &str = ", '$[*]' COLUMNS (v INT PATH '$')) AS __keys)";
    Some(match form {
        "json" => vec![Raw::default()
            .sql(SELECT)
            .sql(JSON)
            .part(Part::Text(json_array(keys)))
            .sql(COLUMNS)
            .sql(ORDER)],
        "json_no_semijoin" => vec![Raw::default()
            .sql(SELECT)
            .sql("(")
            .sql(JSON)
            .part(Part::Text(json_array(keys)))
            .sql(COLUMNS)
            .sql(") IS TRUE")
            .sql(ORDER)],
        "list_cached" if keys.len() <= PLACEHOLDERS => mysql_form("list", keys)?
            .into_iter()
            .map(Raw::cached)
            .collect(),
        "list_cached" => return None,
        "list" => keys
            .chunks(PLACEHOLDERS)
            .map(|chunk| {
                Raw::default()
                    .sql(SELECT)
                    .sql("profiles.user_id IN ")
                    .list(chunk.iter().map(|&k| Part::Int(k)))
                    .sql(ORDER)
            })
            .collect(),
        "span" => {
            let mut sorted = keys.to_vec();
            sorted.sort_unstable();
            let (lo, hi) = (*sorted.first()?, *sorted.last()?);
            let holes = (hi as usize - lo as usize + 1) - sorted.len();
            if 2 + holes > PLACEHOLDERS {
                return None;
            }
            let mut raw = Raw::default()
                .sql(SELECT)
                .sql("profiles.user_id BETWEEN ")
                .part(Part::Long(lo.into()))
                .sql(" AND ")
                .part(Part::Long(hi.into()));
            if holes > 0 {
                let missing = sorted.windows(2).flat_map(|p| p[0] + 1..p[1]);
                raw = raw
                    .sql(" AND profiles.user_id NOT IN ")
                    .list(missing.map(|k| Part::Long(k.into())));
            }
            vec![raw.sql(ORDER)]
        }
        _ => unreachable!("{form}"),
    })
}

/// One measured contender.
#[derive(Debug)]
struct Cell {
    median: Duration,
    fastest: Duration,
    runs: usize,
    statements: usize,
}

/// A contender for one key set: its label, its statements, and the whole preload, which
/// returns the number of owners it found a row for.
struct Contender<'a, C> {
    form: String,
    statements: usize,
    run: Preload<'a, C>,
}

/// A whole preload on a connection `C`: the number of owners it found a row for.
type Preload<'a, C> = Box<dyn FnMut(&mut C) -> QueryResult<usize> + 'a>;

/// One line of the results: backend, table size, key set, form, and the timing or error.
type Line = (Db, i32, String, String, Result<Cell, String>);

impl<'a, C> Contender<'a, C> {
    fn new(
        form: impl Into<String>,
        statements: usize,
        run: impl FnMut(&mut C) -> QueryResult<usize> + 'a,
    ) -> Self {
        Contender {
            form: form.into(),
            statements,
            run: Box::new(run),
        }
    }
}

/// Times the contenders in turns (see the module documentation).
fn measure<C>(
    bench: &mut Bench,
    conn: &mut C,
    db: Db,
    size: i32,
    set: &KeySet,
    contenders: Vec<Contender<'_, C>>,
) {
    let mut live = Vec::new();
    for mut c in contenders {
        match (c.run)(conn) {
            Ok(found) => {
                assert_eq!(
                    found,
                    set.keys.len(),
                    "{}: rows missing for {}",
                    c.form,
                    set.name
                );
                live.push((c, Vec::new()));
            }
            Err(e) => bench.record(db, size, set, &c.form, Err(e.to_string())),
        }
    }
    let started = Instant::now();
    for round in 0..bench.runs {
        if round >= 3 && started.elapsed() > Duration::from_secs(120) {
            break;
        }
        let n = live.len();
        for k in 0..n {
            let (c, times) = &mut live[(k + round) % n];
            let t = Instant::now();
            let found = (c.run)(conn).unwrap_or_else(|e| panic!("{}: {e}", c.form));
            times.push(t.elapsed());
            assert_eq!(found, set.keys.len());
        }
    }
    for (c, mut times) in live {
        times.sort();
        let cell = Cell {
            median: times[times.len() / 2],
            fastest: times[0],
            runs: times.len(),
            statements: c.statements,
        };
        bench.record(db, size, set, &c.form, Ok(cell));
    }
}

/// The rows of `statements` aligned with the owners `keys`, as the library does it; the
/// number of owners with a row.
fn aligned<C>(conn: &mut C, keys: &[i32], statements: Vec<Raw>) -> QueryResult<usize>
where
    C: Connection,
    Raw: diesel::query_dsl::LoadQuery<'static, C, Row>,
{
    let mut by_key: HashMap<i32, Row> = HashMap::with_capacity(keys.len());
    for statement in statements {
        for row in statement.load::<Row>(conn)? {
            if let Some(fk) = row.0 {
                by_key.entry(fk).or_insert(row);
            }
        }
    }
    let rows: Vec<Option<Row>> = keys.iter().map(|k| by_key.remove(k)).collect();
    Ok(rows.iter().flatten().count())
}

/// The owners' keys once each, in their order (the library's first step).
fn unique(keys: &[i32]) -> Vec<i32> {
    let mut seen = HashSet::with_capacity(keys.len());
    keys.iter().copied().filter(|k| seen.insert(*k)).collect()
}

fn fmt(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.2} ms")
    }
}

/// A plan line cut to 160 characters (PostgreSQL prints the whole key array).
fn short(line: &str) -> String {
    match line.char_indices().nth(160) {
        Some((end, _)) => format!("{}…", &line[..end]),
        None => line.to_string(),
    }
}

/// MariaDB's `ANALYZE FORMAT=JSON`, in a line: each table's access, key, loops and rows,
/// filesort and materialization, the optimizer's and the statement's time.
fn mariadb_summary(json: &str) -> String {
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    match k.as_str() {
                        "table" => {
                            let get = |f: &str| {
                                v.get(f)
                                    .map(|x| x.to_string().replace('"', ""))
                                    .unwrap_or_default()
                            };
                            out.push(format!(
                                "{} {}{} ×{} r_rows {}",
                                get("table_name"),
                                get("access_type"),
                                v.get("key")
                                    .map(|k| format!(" ({})", k.as_str().unwrap_or("")))
                                    .unwrap_or_default(),
                                get("r_loops"),
                                get("r_rows"),
                            ));
                        }
                        "filesort" => out.push("filesort".into()),
                        "materialized" => out.push("materialized:".into()),
                        "materialization" => out.push(format!(
                            "subquery {}:",
                            v.get("r_strategy")
                                .and_then(|s| s.as_str())
                                .unwrap_or("materialized")
                        )),
                        _ => {}
                    }
                    walk(v, out);
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    let Ok(v) = serde_json::from_str::<serde_json::Value>(json) else {
        return json.chars().take(200).collect();
    };
    let mut parts = Vec::new();
    walk(&v, &mut parts);
    let ms = |p: &str| v.pointer(p).and_then(|x| x.as_f64()).unwrap_or(f64::NAN);
    format!(
        "{}; optimizer {:.1} ms, statement {:.0} ms",
        parts.join(", "),
        ms("/query_optimization/r_total_time_ms"),
        ms("/query_block/r_total_time_ms")
    )
}

struct Bench {
    runs: usize,
    /// (backend, size, key set, form, cell or error)
    rows: Vec<Line>,
    plans: Vec<String>,
}

impl Bench {
    fn record(&mut self, db: Db, size: i32, set: &KeySet, form: &str, cell: Result<Cell, String>) {
        match &cell {
            Ok(c) => eprintln!(
                "{} {size} {} {form}: {} (fastest {}, {} runs)",
                db.label(),
                set.name,
                fmt(c.median),
                fmt(c.fastest),
                c.runs
            ),
            Err(e) => eprintln!("{} {size} {} {form}: {e}", db.label(), set.name),
        }
        self.rows
            .push((db, size, set.name.clone(), form.into(), cell));
    }

    fn plan(&mut self, db: Db, size: i32, set: &KeySet, form: &str, plan: String) {
        let line = format!("- {} {size}, {}, {form}: {plan}", db.label(), set.name);
        eprintln!("{line}");
        self.plans.push(line);
    }

    fn print(&self) {
        println!("| backend | rows in the table | owners preloaded | form | statements | median | × fastest median | fastest run | runs |");
        println!("|---|---:|---|---|---:|---:|---:|---:|---:|");
        for (db, size, set, form, cell) in &self.rows {
            let best = self
                .rows
                .iter()
                .filter(|r| r.0 == *db && r.1 == *size && r.2 == *set)
                .filter_map(|r| r.4.as_ref().ok().map(|c| c.median))
                .min();
            match cell {
                Ok(c) => println!(
                    "| {} | {size} | {set} | {form} | {} | {} | {:.2} | {} | {} |",
                    db.label(),
                    c.statements,
                    fmt(c.median),
                    c.median.as_secs_f64() / best.unwrap().as_secs_f64(),
                    fmt(c.fastest),
                    c.runs
                ),
                Err(e) => println!(
                    "| {} | {size} | {set} | {form} | — | fails: {} | — | — | — |",
                    db.label(),
                    e.lines().next().unwrap_or("").replace('|', "/")
                ),
            }
        }
        println!("\nPlans (one run each):\n");
        for plan in &self.plans {
            println!("{plan}");
        }
    }
}

/// The library's preload statement for `keys` (unscoped, integer keys: no `ORDER BY`),
/// for its plan.
macro_rules! preload_statement {
    ($keys:expr) => {
        profiles::table
            .filter(KeyIn::new(profiles::user_id, $keys.clone()))
            .select((profiles::user_id.nullable(), Profile::as_select()))
    };
}

/// The library's preload and Diesel's `belonging_to` + `grouped_by`, as contenders on
/// the connection type `$conn`.
macro_rules! library {
    ($conn:ty, $list:expr) => {{
        let list: &[User] = $list;
        vec![
            Contender::new("preload", 1, move |conn: &mut $conn| {
                let loaded = User::preload_profile(list, conn)?;
                Ok(loaded.iter().flatten().count())
            }),
            Contender::new("belonging_to", 1, move |conn: &mut $conn| {
                let rows = Profile::belonging_to(list)
                    .select(Profile::as_select())
                    .load::<Profile>(conn)?;
                let grouped = rows.grouped_by(list);
                Ok(grouped.iter().filter(|g| !g.is_empty()).count())
            }),
        ]
    }};
}

const MYSQL_FORMS: &[&str] = &["json", "json_no_semijoin", "list", "list_cached", "span"];

fn mysql(bench: &mut Bench, sizes: &[i32]) {
    let url = std::env::var("MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into());
    let mut admin = MysqlConnection::establish(&url).expect("MariaDB (scripts/services.sh)");
    admin
        .batch_execute("DROP DATABASE IF EXISTS dho_keyset_bench; CREATE DATABASE dho_keyset_bench")
        .unwrap();
    let conn = &mut MysqlConnection::establish(&format!("{url}/dho_keyset_bench")).unwrap();
    // MariaDB stops recursive CTEs at 1,000 rows by default (MySQL: cte_max_recursion_depth)
    conn.batch_execute("SET SESSION max_recursive_iterations = 100000000")
        .or_else(|_| conn.batch_execute("SET SESSION cte_max_recursion_depth = 100000000"))
        .unwrap();
    conn.batch_execute(schema(Db::Mysql)).unwrap();
    for &size in sizes {
        eprintln!("MariaDB: seeding {size}");
        conn.batch_execute(&seed_sql(Db::Mysql, size)).unwrap();
        for set in key_sets(size) {
            let list = owners(&set.keys);
            let mut contenders = Vec::new();
            let mut plans = Vec::new();
            for &form in MYSQL_FORMS {
                // the non-semi-join form scans the whole table, probing a key set
                // materialized on disk above about 16 MB (seconds at 1M)
                if form == "json_no_semijoin" && !set.scan {
                    continue;
                }
                let Some(statements) = mysql_form(form, &set.keys) else {
                    continue;
                };
                let n = statements.len();
                let label = if n > 1 {
                    format!("{form} (chunks of 65,535)")
                } else {
                    form.to_string()
                };
                plans.push((label.clone(), statements.into_iter().next().unwrap()));
                let keys = &set.keys;
                contenders.push(Contender::new(
                    label,
                    n,
                    move |conn: &mut MysqlConnection| {
                        let unique = unique(keys);
                        let statements =
                            mysql_form(form, &unique).expect("the form holds the keys");
                        aligned(conn, keys, statements)
                    },
                ));
            }
            contenders.extend(library!(MysqlConnection, &list));
            measure(bench, conn, Db::Mysql, size, &set, contenders);
            for (label, statement) in plans {
                let analyze = Prefixed("ANALYZE FORMAT=JSON ", statement);
                let plan = analyze
                    .load::<Analyze>(conn)
                    .map(|r| mariadb_summary(&r[0].json));
                bench.plan(
                    Db::Mysql,
                    size,
                    &set,
                    &label,
                    plan.unwrap_or_else(|e| e.to_string()),
                );
            }
            let q = preload_statement!(set.keys);
            let plan = Prefixed("ANALYZE FORMAT=JSON ", q)
                .load::<Analyze>(conn)
                .map(|r| mariadb_summary(&r[0].json));
            bench.plan(
                Db::Mysql,
                size,
                &set,
                "preload",
                plan.unwrap_or_else(|e| e.to_string()),
            );
        }
    }
    drop(admin.batch_execute("DROP DATABASE IF EXISTS dho_keyset_bench"));
}

fn postgres(bench: &mut Bench, sizes: &[i32]) {
    let url = std::env::var("PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let conn = &mut PgConnection::establish(&url).expect("PostgreSQL (scripts/services.sh)");
    conn.batch_execute(
        "SET client_min_messages = warning; DROP SCHEMA IF EXISTS dho_keyset_bench CASCADE;
         CREATE SCHEMA dho_keyset_bench; SET search_path TO dho_keyset_bench",
    )
    .unwrap();
    conn.batch_execute(schema(Db::Postgres)).unwrap();
    for &size in sizes {
        eprintln!("PostgreSQL: seeding {size}");
        conn.batch_execute(&seed_sql(Db::Postgres, size).replace(
            "DELETE FROM users; DELETE FROM profiles;",
            "TRUNCATE users, profiles;",
        ))
        .unwrap();
        conn.batch_execute("VACUUM ANALYZE profiles").unwrap();
        for set in key_sets(size) {
            let list = owners(&set.keys);
            measure(
                bench,
                conn,
                Db::Postgres,
                size,
                &set,
                library!(PgConnection, &list),
            );
            let q = preload_statement!(set.keys);
            let plan = Prefixed("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ", q)
                .load::<PgPlan>(conn)
                .map(|lines| {
                    lines
                        .iter()
                        .map(|l| short(l.line.trim()))
                        .collect::<Vec<_>>()
                        .join("; ")
                });
            bench.plan(
                Db::Postgres,
                size,
                &set,
                "preload",
                plan.unwrap_or_else(|e| e.to_string()),
            );
        }
    }
    drop(conn.batch_execute("DROP SCHEMA IF EXISTS dho_keyset_bench CASCADE"));
}

fn sqlite(bench: &mut Bench, sizes: &[i32]) {
    let path = std::env::temp_dir().join("dho_keyset_bench.db");
    for suffix in ["", "-wal", "-shm"] {
        drop(std::fs::remove_file(format!("{}{suffix}", path.display())));
    }
    let conn = &mut SqliteConnection::establish(&path.to_string_lossy()).unwrap();
    conn.batch_execute("PRAGMA journal_mode = WAL").unwrap();
    conn.batch_execute(schema(Db::Sqlite)).unwrap();
    for &size in sizes {
        eprintln!("SQLite: seeding {size}");
        conn.batch_execute(&seed_sql(Db::Sqlite, size)).unwrap();
        for set in key_sets(size) {
            let list = owners(&set.keys);
            measure(
                bench,
                conn,
                Db::Sqlite,
                size,
                &set,
                library!(SqliteConnection, &list),
            );
            let q = preload_statement!(set.keys);
            let plan = Prefixed("EXPLAIN QUERY PLAN ", q)
                .load::<SqlitePlan>(conn)
                .map(|lines| {
                    lines
                        .iter()
                        .map(|l| l.detail.clone())
                        .collect::<Vec<_>>()
                        .join("; ")
                });
            bench.plan(
                Db::Sqlite,
                size,
                &set,
                "preload",
                plan.unwrap_or_else(|e| e.to_string()),
            );
        }
    }
    for suffix in ["", "-wal", "-shm"] {
        drop(std::fs::remove_file(format!("{}{suffix}", path.display())));
    }
}

fn main() {
    let mut backends = vec!["mysql".to_string(), "postgres".into(), "sqlite".into()];
    let mut sizes = vec![10_000, 100_000, 1_000_000];
    let mut runs = 7;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        match arg.as_str() {
            "--backends" => backends = value.split(',').map(str::to_string).collect(),
            "--sizes" => {
                sizes = value
                    .split(',')
                    .map(|s| s.parse().expect("a size"))
                    .collect()
            }
            "--runs" => runs = value.parse().expect("a number of runs"),
            _ => panic!("unknown argument {arg}"),
        }
    }
    let mut bench = Bench {
        runs,
        rows: Vec::new(),
        plans: Vec::new(),
    };
    for backend in &backends {
        match backend.as_str() {
            "mysql" => mysql(&mut bench, &sizes),
            "postgres" => postgres(&mut bench, &sizes),
            "sqlite" => sqlite(&mut bench, &sizes),
            other => panic!("unknown backend {other}"),
        }
    }
    bench.print();
}
