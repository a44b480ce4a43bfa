//! Issue 14, the client's side of a preload: instructions (under callgrind, by
//! `bench/client.sh`), wall time and peak memory of the library's `preload_profile`
//! against what a Diesel user writes by hand for the same result, on every backend.
//!
//! ```text
//! client seed <mysql|postgres|sqlite> <owners> <rows per owner>
//! client run  <mysql|postgres|sqlite> <preload|belonging_to> <owners> <repeat>
//! ```
//!
//! `seed` fills `users` with `1..=owners` and `profiles` with `rows per owner` rows for
//! each (ids in a random order of owners, so an owner's rows are not adjacent). `run`
//! builds the owner list, then preloads every owner `repeat` times and prints
//! `median ms<TAB>peak RSS KiB<TAB>owners with a row`: the peak is the process's
//! (`VmHWM`), so `repeat = 0` gives the baseline of everything but the preload.
//!
//! Contenders, both giving each owner its row with the lowest primary key:
//! - `preload`: `User::preload_profile(&owners, conn)`;
//! - `belonging_to`: `Profile::belonging_to(chunk)` per chunk of the backend's bind limit
//!   (SQLite 32,766, MySQL 65,535; PostgreSQL one statement: one array bind), rows
//!   appended into one `Vec`, `grouped_by(&owners)`, then the lowest key of each group.

use std::time::Instant;

use diesel::connection::SimpleConnection;
use diesel::mysql::MysqlConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use diesel_has_one_keyset_bench::{schema, Db, Profile, User};

/// The most owners one `belonging_to` statement takes on `db`.
fn chunk(db: Db) -> usize {
    match db {
        Db::Sqlite => 32_766,
        Db::Mysql => 65_535,
        Db::Postgres => usize::MAX,
    }
}

/// The hand-written contender (see the module documentation), on connection `$conn`.
macro_rules! belonging_to {
    ($db:expr, $owners:expr, $conn:expr) => {{
        let (owners, conn): (&[User], _) = ($owners, $conn);
        let mut rows = Vec::new();
        let mut result = Ok(());
        for part in owners.chunks(chunk($db)) {
            let query = Profile::belonging_to(part).select(Profile::as_select());
            match query.load::<Profile>(conn) {
                Ok(found) => rows.extend(found),
                Err(e) => result = Err(e),
            }
        }
        result.map(|()| {
            let grouped = rows.grouped_by(owners);
            grouped
                .into_iter()
                .map(|group| group.into_iter().min_by_key(|p| p.id))
                .collect::<Vec<_>>()
        })
    }};
}

/// The process's peak resident set (`VmHWM`), in KiB.
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .expect("VmHWM");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// `seed`: `rows` profiles per owner, the owners' rows interleaved.
fn seed(db: Db, conn: &mut impl SimpleConnection, owners: i32, rows: i32) {
    conn.batch_execute(schema(db)).unwrap();
    let total = owners * rows;
    // owner of row i: a permutation of the owners (a small stride coprime with their
    // number, so that `(i % owners) * stride` stays an INTEGER)
    let stride = [7, 11, 13, 17, 19]
        .into_iter()
        .find(|s| gcd(*s, owners) == 1)
        .unwrap();
    let seq = format!("WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < {total}) SELECT");
    let analyze = match db {
        Db::Mysql => "ANALYZE TABLE users, profiles",
        Db::Postgres => "VACUUM ANALYZE users; VACUUM ANALYZE profiles",
        Db::Sqlite => "ANALYZE",
    };
    conn.batch_execute(&format!(
        "INSERT INTO users (id, name) {seq} i + 1, 'u' FROM seq WHERE i < {owners};
         INSERT INTO profiles (id, user_id, bio) {seq} i + 1, ((i % {owners}) * {stride}) % {owners} + 1, 'b' FROM seq;"
    ))
    .unwrap();
    // one statement at a time: PostgreSQL runs a batch in one transaction, VACUUM outside any
    for statement in analyze.split("; ") {
        conn.batch_execute(statement).unwrap();
    }
}

fn gcd(a: i32, b: i32) -> i32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// `run`: the contender `repeat` times on connection `$conn`; prints the median, the peak
/// RSS and the owners that have a row.
macro_rules! run {
    ($db:expr, $conn:expr, $contender:expr, $owners:expr, $repeat:expr) => {{
        let (db, conn, owners) = ($db, $conn, $owners);
        let list: Vec<User> = (1..=owners)
            .map(|id| User {
                id,
                name: String::new(),
            })
            .collect();
        let mut times = Vec::new();
        let mut found = 0;
        for _ in 0..$repeat {
            let start = Instant::now();
            let loaded = match $contender {
                "preload" => User::preload_profile(&list, &mut *conn),
                "belonging_to" => belonging_to!(db, &list, &mut *conn),
                other => panic!("unknown contender {other}"),
            }
            .unwrap();
            times.push(start.elapsed().as_secs_f64() * 1e3);
            found = loaded.iter().flatten().count();
            drop(loaded);
        }
        times.sort_by(f64::total_cmp);
        let median = times.get(times.len() / 2).copied().unwrap_or(0.0);
        println!("{median:.3}\t{}\t{found}", peak_rss_kib());
    }};
}

/// The bench's own database on `db`, connected.
macro_rules! with_connection {
    ($db:expr, |$conn:ident| $body:expr) => {
        match $db {
            Db::Mysql => {
                let url = std::env::var("MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into());
                let mut admin = MysqlConnection::establish(&url).expect("MariaDB (scripts/services.sh)");
                admin.batch_execute("CREATE DATABASE IF NOT EXISTS dho_client_bench").unwrap();
                let $conn = &mut MysqlConnection::establish(&format!("{url}/dho_client_bench")).unwrap();
                // MariaDB stops recursive CTEs at 1,000 rows by default
                $conn.batch_execute("SET SESSION max_recursive_iterations = 100000000").unwrap();
                $body
            }
            Db::Postgres => {
                let url = std::env::var("PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
                let $conn = &mut PgConnection::establish(&url).expect("PostgreSQL (scripts/services.sh)");
                $conn
                    .batch_execute("SET client_min_messages = warning; CREATE SCHEMA IF NOT EXISTS dho_client_bench; SET search_path TO dho_client_bench")
                    .unwrap();
                $body
            }
            Db::Sqlite => {
                let path = std::env::temp_dir().join("dho_client_bench.db");
                let $conn = &mut SqliteConnection::establish(&path.to_string_lossy()).unwrap();
                $conn.batch_execute("PRAGMA journal_mode = WAL").unwrap();
                $body
            }
        }
    };
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize| -> i32 { args[i].parse().expect("a number") };
    let db = match args.get(1).map(String::as_str) {
        Some("mysql") => Db::Mysql,
        Some("postgres") => Db::Postgres,
        Some("sqlite") => Db::Sqlite,
        other => panic!("unknown backend {other:?}"),
    };
    match args[0].as_str() {
        "seed" => with_connection!(db, |conn| seed(db, conn, number(2), number(3))),
        "run" => {
            let (contender, owners, repeat) = (args[2].as_str(), number(3), number(4));
            with_connection!(db, |conn| run!(db, conn, contender, owners, repeat))
        }
        other => panic!("unknown mode {other}"),
    }
}
