//! Issue 14, the client's side of a preload: instructions (under callgrind, by
//! `bench/client.sh`), wall time and peak memory of the library's `preload_profile`
//! against what a Diesel user writes by hand for the same result, on every backend.
//!
//! ```text
//! client seed <mysql|postgres|sqlite> <owners> <rows per owner>
//! client run  <mysql|postgres|sqlite> <contender> <owners> <repeat>
//! ```
//!
//! `seed` fills `users` with `1..=owners` and `profiles` with `rows per owner` rows for
//! each (ids in a random order of owners, so an owner's rows are not adjacent). `run`
//! builds the owner list, then preloads every owner `repeat` times and prints
//! `median ms<TAB>peak RSS KiB<TAB>owners with a row<TAB>sum of their rows' keys`: the
//! peak is the process's (`VmHWM`), so `repeat = 0` gives the baseline of everything but
//! the preload; the sum shows that contenders picked the same rows.
//!
//! Contenders, every one giving each owner its row with the lowest primary key:
//! - `preload`: `User::preload_profile(&owners, conn)`;
//! - `belonging_to`: `Profile::belonging_to(chunk)` per chunk of the backend's bind limit
//!   (SQLite 32,766, MySQL 65,535; PostgreSQL one statement: one array bind), rows
//!   appended into one `Vec`, `grouped_by(&owners)`, then the lowest key of each group;
//! - `raw_preload` (SQLite): the floor, [`raw::preload`];
//! - `eager`: `User::eager_load_profile(users::table.order(users::id)).load(conn)`, every
//!   owner of the table (`<owners>` must be the seeded number);
//! - `eager_hand`: the same `LEFT JOIN` and lowest-key subquery with Diesel's DSL
//!   (`alias!`), as `bench/src/hand.rs`;
//! - `raw_eager` (SQLite): the floor, [`raw::eager`] on the library's statement text;
//! - `reader` / `reader_hand`: `user.profile(conn)` for each owner, and the reader written
//!   with Diesel (`filter(user_id.eq(id)).order(id).limit(1).first().optional()`).

use std::time::Instant;

use diesel::connection::SimpleConnection;
use diesel::mysql::MysqlConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use diesel::sqlite::Sqlite;
use diesel_has_one_keyset_bench::{profiles, raw, schema, users, Db, Profile, User};

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

/// The eager load by hand with Diesel's DSL (see the module documentation).
macro_rules! eager_hand {
    ($conn:expr) => {{
        let inner = diesel::alias!(profiles as first_profile);
        let first = inner
            .filter(inner.field(profiles::user_id).eq(users::id.nullable()))
            .select(inner.field(profiles::id))
            .order(inner.field(profiles::id))
            .limit(1)
            .single_value();
        users::table
            .left_join(
                profiles::table.on(profiles::user_id
                    .eq(users::id.nullable())
                    .and(profiles::id.nullable().eq(first))),
            )
            .order(users::id)
            .select((User::as_select(), Option::<Profile>::as_select()))
            .load::<(User, Option<Profile>)>($conn)
            .map(|rows| rows.into_iter().map(|(_, p)| p).collect::<Vec<_>>())
    }};
}

/// The reader written with Diesel, for each owner.
macro_rules! reader_hand {
    ($owners:expr, $conn:expr) => {{
        let conn = $conn;
        $owners
            .iter()
            .map(|user: &User| {
                profiles::table
                    .filter(profiles::user_id.eq(user.id))
                    .order(profiles::id)
                    .limit(1)
                    .select(Profile::as_select())
                    .first(&mut *conn)
                    .optional()
            })
            .collect::<QueryResult<Vec<_>>>()
    }};
}

/// The library's eager load statement on SQLite, as text (for [`raw::eager`]).
fn eager_sql() -> String {
    let query = User::eager_load_profile(users::table.order(users::id));
    let text = diesel::debug_query::<Sqlite, _>(&query).to_string();
    text.split(" -- binds").next().unwrap().to_owned()
}

/// Each owner's row of one run of `$contender` on connection `$conn`.
macro_rules! contend {
    ($db:expr, $conn:expr, $contender:expr, $list:expr, $raw:expr) => {{
        let (conn, list): (_, &[User]) = ($conn, $list);
        match $contender {
            "preload" => User::preload_profile(list, &mut *conn).unwrap(),
            "belonging_to" => belonging_to!($db, list, &mut *conn).unwrap(),
            "eager" => User::eager_load_profile(users::table.order(users::id))
                .load::<(User, Option<Profile>)>(&mut *conn)
                .unwrap()
                .into_iter()
                .map(|(_, p)| p)
                .collect(),
            "eager_hand" => eager_hand!(&mut *conn).unwrap(),
            "reader" => list
                .iter()
                .map(|u| u.profile(&mut *conn))
                .collect::<QueryResult<Vec<_>>>()
                .unwrap(),
            "reader_hand" => reader_hand!(list, &mut *conn).unwrap(),
            "raw_preload" => raw::preload(list, $raw.as_mut().expect("SQLite only")),
            "raw_eager" => raw::eager($raw.as_mut().expect("SQLite only"))
                .into_iter()
                .map(|(_, p)| p)
                .collect(),
            other => panic!("unknown contender {other}"),
        }
    }};
}

/// `run`: the contender `repeat` times on connection `$conn`; prints the median, the peak
/// RSS, the owners that have a row and the sum of those rows' keys.
macro_rules! run {
    ($db:expr, $conn:expr, $contender:expr, $owners:expr, $repeat:expr) => {{
        let (db, conn, owners, contender) = ($db, $conn, $owners, $contender);
        let list: Vec<User> = (1..=owners)
            .map(|id| User {
                id,
                name: String::new(),
            })
            .collect();
        // the floor's own connection and statement, prepared once
        let raw_db = contender.starts_with("raw_").then(|| raw::Raw::open(&sqlite_path()));
        let mut raw = raw_db.as_ref().map(|r| match contender {
            "raw_preload" => r.prepare(raw::PRELOAD_SQL),
            _ => r.prepare(&eager_sql()),
        });
        let mut times = Vec::new();
        let (mut found, mut sum) = (0, 0i64);
        for _ in 0..$repeat {
            let start = Instant::now();
            let loaded: Vec<Option<Profile>> = contend!(db, &mut *conn, contender, &list, raw);
            times.push(start.elapsed().as_secs_f64() * 1e3);
            found = loaded.iter().flatten().count();
            sum = loaded.iter().flatten().map(|p| i64::from(p.id)).sum();
            drop(loaded);
        }
        drop(raw);
        times.sort_by(f64::total_cmp);
        let median = times.get(times.len() / 2).copied().unwrap_or(0.0);
        println!("{median:.3}\t{}\t{found}\t{sum}", peak_rss_kib());
    }};
}

/// The SQLite file of the bench.
fn sqlite_path() -> String {
    std::env::temp_dir()
        .join("dho_client_bench.db")
        .to_string_lossy()
        .into_owned()
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
                let $conn = &mut SqliteConnection::establish(&sqlite_path()).unwrap();
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
