//! Shared harness: every test body runs on SQLite, PostgreSQL and MySQL/MariaDB, each in a
//! fresh database of its own (SQLite in memory, a new PostgreSQL schema, a new MySQL
//! database), so tests run in parallel and leave nothing behind.
#![allow(dead_code)]

#[cfg(feature = "async")]
pub mod executors;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use diesel::connection::{Instrumentation, InstrumentationEvent, SimpleConnection};
use diesel::prelude::*;

/// Which backend a schema is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
    Mysql,
}

/// Rewrites the portable DDL of a test (`{pk}` for an auto-increment integer primary
/// key, `{text}` for an indexable string column) for `backend`.
pub fn ddl(backend: Backend, sql: &str) -> String {
    // `{ts}`: a timestamp column as Rails' migrations make it (microseconds on MySQL).
    let (pk, text, ts) = match backend {
        Backend::Sqlite => ("INTEGER PRIMARY KEY AUTOINCREMENT", "TEXT", "TIMESTAMP"),
        Backend::Postgres => ("SERIAL PRIMARY KEY", "TEXT", "TIMESTAMP"),
        Backend::Mysql => (
            "INTEGER PRIMARY KEY AUTO_INCREMENT",
            "VARCHAR(255)",
            "DATETIME(6)",
        ),
    };
    sql.replace("{pk}", pk)
        .replace("{text}", text)
        .replace("{ts}", ts)
}

fn unique_name(test: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let short: String = test
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(30)
        .collect();
    format!(
        "t{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        short
    )
    .to_lowercase()
}

fn apply(conn: &mut impl SimpleConnection, backend: Backend, schema: &[&str]) {
    for statement in schema {
        conn.batch_execute(&ddl(backend, statement))
            .unwrap_or_else(|e| panic!("schema statement failed on {backend:?}: {statement}: {e}"));
    }
}

/// A database for one test; dropped (schema or database removed) at the end.
pub struct TestDb<C: Connection> {
    pub conn: C,
    pub backend: Backend,
    name: String,
}

impl<C: Connection> Drop for TestDb<C> {
    fn drop(&mut self) {
        let drop = match self.backend {
            Backend::Sqlite => return,
            Backend::Postgres => format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name),
            Backend::Mysql => format!("DROP DATABASE IF EXISTS {}", self.name),
        };
        let _ = self.conn.batch_execute(&drop);
    }
}

/// PostgreSQL server URL (env `PG_URL`, default the local service).
pub fn pg_url() -> String {
    std::env::var("PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// MySQL/MariaDB server URL without a database (env `MYSQL_URL`).
pub fn mysql_url() -> String {
    std::env::var("MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into())
}

#[cfg(feature = "sqlite")]
pub fn sqlite(test: &str, schema: &[&str]) -> TestDb<SqliteConnection> {
    let mut conn = SqliteConnection::establish(":memory:").expect("in-memory SQLite");
    conn.batch_execute("PRAGMA foreign_keys = ON").unwrap();
    apply(&mut conn, Backend::Sqlite, schema);
    TestDb {
        conn,
        backend: Backend::Sqlite,
        name: test.into(),
    }
}

/// A SQLite database in a file (for tests with several connections), removed at the end.
#[cfg(feature = "sqlite")]
pub fn sqlite_file(test: &str, schema: &[&str]) -> (String, TestDb<SqliteConnection>) {
    let path = std::env::temp_dir().join(format!("{}.db", unique_name(test)));
    let path = path.to_string_lossy().into_owned();
    let mut conn = sqlite_connect(&path);
    conn.batch_execute("PRAGMA journal_mode = WAL").unwrap();
    apply(&mut conn, Backend::Sqlite, schema);
    (
        path,
        TestDb {
            conn,
            backend: Backend::Sqlite,
            name: test.into(),
        },
    )
}

/// Another connection to a SQLite file, waiting up to 60 s for the write lock.
#[cfg(feature = "sqlite")]
pub fn sqlite_connect(path: &str) -> SqliteConnection {
    let mut conn = SqliteConnection::establish(path).expect("SQLite file");
    conn.batch_execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 60000;")
        .unwrap();
    conn
}

#[cfg(feature = "postgres")]
pub fn postgres(test: &str, schema: &[&str]) -> TestDb<PgConnection> {
    let name = unique_name(test);
    let mut conn = PgConnection::establish(&pg_url())
        .unwrap_or_else(|e| panic!("PostgreSQL at {} ({e}); run scripts/services.sh", pg_url()));
    conn.batch_execute(&format!(
        "SET client_min_messages = warning; DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name}; SET search_path TO {name}"
    ))
    .unwrap();
    apply(&mut conn, Backend::Postgres, schema);
    TestDb {
        conn,
        backend: Backend::Postgres,
        name,
    }
}

/// Another connection to the schema of a PostgreSQL test database.
#[cfg(feature = "postgres")]
pub fn postgres_connect(db: &TestDb<PgConnection>) -> PgConnection {
    let mut conn = PgConnection::establish(&pg_url()).unwrap();
    conn.batch_execute(&format!("SET search_path TO {}", db.name))
        .unwrap();
    conn
}

#[cfg(feature = "mysql")]
pub fn mysql(test: &str, schema: &[&str]) -> TestDb<MysqlConnection> {
    let name = unique_name(test);
    let mut admin = MysqlConnection::establish(&mysql_url())
        .unwrap_or_else(|e| panic!("MySQL at {} ({e}); run scripts/services.sh", mysql_url()));
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    drop(admin);
    let mut conn = MysqlConnection::establish(&format!("{}/{name}", mysql_url())).unwrap();
    apply(&mut conn, Backend::Mysql, schema);
    TestDb {
        conn,
        backend: Backend::Mysql,
        name,
    }
}

/// Another connection to a MySQL test database.
#[cfg(feature = "mysql")]
pub fn mysql_connect(db: &TestDb<MysqlConnection>) -> MysqlConnection {
    MysqlConnection::establish(&format!("{}/{}", mysql_url(), db.name)).unwrap()
}

/// The statement `query` as a connection's instrumentation shows it: SQL, then its binds.
pub fn sql_of<C, Q>(_: &C, query: &Q) -> String
where
    C: Connection,
    Q: diesel::query_builder::QueryFragment<C::Backend>,
    for<'a> diesel::query_builder::DebugQuery<'a, Q, C::Backend>: std::fmt::Display,
{
    diesel::debug_query::<C::Backend, Q>(query).to_string()
}

/// The SQL of every statement a connection runs, recorded while installed.
#[derive(Clone, Default)]
pub struct Statements(Arc<Mutex<Vec<String>>>);

impl Statements {
    /// Starts recording on `conn`.
    pub fn record(conn: &mut impl Connection) -> Statements {
        let log = Statements::default();
        conn.set_instrumentation(log.clone());
        log
    }

    /// Forgets what was recorded so far.
    pub fn clear(&self) {
        self.0.lock().unwrap().clear();
    }

    /// The statements recorded so far (transaction control excluded).
    pub fn queries(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

impl Instrumentation for Statements {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            let sql = query.to_string();
            let upper = sql.trim_start().to_uppercase();
            // `SET TRANSACTION …; START TRANSACTION` is MySQL's BEGIN (one round trip)
            let control = [
                "BEGIN",
                "COMMIT",
                "ROLLBACK",
                "SAVEPOINT",
                "RELEASE",
                "SET TRANSACTION",
            ]
            .iter()
            .any(|k| upper.starts_with(k));
            if !control {
                self.0.lock().unwrap().push(sql);
            }
        }
    }
}

/// Runs a test body once per backend: `backend_tests! { schema = SCHEMA; fn name(conn) { … } }`
/// generates `sqlite::name`, `postgres::name` and `mysql::name`, each with `conn` a
/// concrete connection to a fresh database with `SCHEMA` applied, and `backend` the
/// [`Backend`].
#[macro_export]
macro_rules! backend_tests {
    (schema = $schema:expr; $($tests:tt)*) => {
        $crate::backend_tests!(@mod sqlite, (feature = "sqlite"), $crate::common::sqlite, $schema; $($tests)*);
        $crate::backend_tests!(@mod postgres, (feature = "postgres"), $crate::common::postgres, $schema; $($tests)*);
        $crate::backend_tests!(@mod mysql, (feature = "mysql"), $crate::common::mysql, $schema; $($tests)*);
        $crate::backend_tests!(@mod sqlite_r2d2, (all(feature = "sqlite", feature = "r2d2")), $crate::common::sqlite_pooled, $schema; $($tests)*);
        $crate::backend_tests!(@mod postgres_r2d2, (all(feature = "postgres", feature = "r2d2")), $crate::common::postgres_pooled, $schema; $($tests)*);
        $crate::backend_tests!(@mod mysql_r2d2, (all(feature = "mysql", feature = "r2d2")), $crate::common::mysql_pooled, $schema; $($tests)*);
    };
    (@mod $module:ident, ($($cfg:tt)*), $open:path, $schema:expr; $(fn $name:ident($conn:ident, $backend:ident) $body:block)*) => {
        #[cfg($($cfg)*)]
        mod $module {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[test]
                fn $name() {
                    let mut db = $open(stringify!($name), $schema);
                    #[allow(unused_variables)]
                    let $backend = db.backend;
                    let $conn = &mut db.conn;
                    $body
                }
            )*
        }
    };
}

/// Every row of `$table` as `$ty`, by `id`: the state a test asserts.
#[macro_export]
macro_rules! rows {
    ($conn:expr, $table:ident, $ty:ty) => {{
        use diesel::prelude::*;
        $table::table
            .order($table::id.asc())
            .select(<$ty>::as_select())
            .load::<$ty>($conn)
            .unwrap()
    }};
}

/// Inserts one row into `$table` and returns it as `$ty` (the row with the highest `id`).
#[macro_export]
macro_rules! insert {
    ($conn:expr, $table:ident, $ty:ty, $values:expr) => {{
        use diesel::prelude::*;
        diesel::insert_into($table::table)
            .values($values)
            .execute($conn)
            .unwrap();
        $table::table
            .order($table::id.desc())
            .select(<$ty>::as_select())
            .first::<$ty>($conn)
            .unwrap()
    }};
}

/// Opens another connection to a shared test database; `Send + Sync`, so every thread
/// of a test can open its own.
pub struct Connector<C> {
    target: String,
    open: fn(&str) -> C,
}

impl<C> Connector<C> {
    /// What the connections are opened to: the SQLite file's path, the PostgreSQL schema,
    /// the MySQL database.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// A new connection to the test database.
    pub fn connect(&self) -> C {
        (self.open)(&self.target)
    }
}

/// A test database several connections use at once (threads, a session that kills
/// another): [`SharedDb::connect`] opens one more. SQLite: a file in WAL mode with
/// `busy_timeout` ([`sqlite_file`]), removed with its `-wal`/`-shm` files at the end.
pub struct SharedDb<C: Connection> {
    pub db: TestDb<C>,
    pub connector: Connector<C>,
    file: Option<String>,
}

impl<C: Connection> SharedDb<C> {
    /// The connection the test was set up with.
    pub fn conn(&mut self) -> &mut C {
        &mut self.db.conn
    }

    /// A new connection to the same database.
    pub fn connect(&self) -> C {
        self.connector.connect()
    }
}

impl<C: Connection> Drop for SharedDb<C> {
    fn drop(&mut self) {
        if let Some(path) = &self.file {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
        }
    }
}

#[cfg(feature = "sqlite")]
pub fn sqlite_shared(test: &str, schema: &[&str]) -> SharedDb<SqliteConnection> {
    let (path, db) = sqlite_file(test, schema);
    SharedDb {
        db,
        connector: Connector {
            target: path.clone(),
            open: sqlite_connect,
        },
        file: Some(path),
    }
}

#[cfg(feature = "postgres")]
pub fn postgres_shared(test: &str, schema: &[&str]) -> SharedDb<PgConnection> {
    let db = postgres(test, schema);
    let connector = Connector {
        target: db.name.clone(),
        open: |schema| {
            let mut conn = PgConnection::establish(&pg_url()).unwrap();
            conn.batch_execute(&format!("SET search_path TO {schema}"))
                .unwrap();
            conn
        },
    };
    SharedDb {
        db,
        connector,
        file: None,
    }
}

#[cfg(feature = "mysql")]
pub fn mysql_shared(test: &str, schema: &[&str]) -> SharedDb<MysqlConnection> {
    let db = mysql(test, schema);
    let connector = Connector {
        target: db.name.clone(),
        open: |name| MysqlConnection::establish(&format!("{}/{name}", mysql_url())).unwrap(),
    };
    SharedDb {
        db,
        connector,
        file: None,
    }
}

/// Like [`backend_tests!`], for tests that need several connections to one database:
/// `shared_backend_tests! { schema = SCHEMA; backends = [postgres, mysql]; fn name(db) { … } }`
/// generates `postgres::name` and `mysql::name` (the backends listed, each behind its
/// feature), each with `db` a [`SharedDb`] with `SCHEMA` applied: `db.conn()` is its
/// connection, `db.connect()` opens another.
#[macro_export]
macro_rules! shared_backend_tests {
    (schema = $schema:expr; backends = [$($backend:ident),+ $(,)?]; $($tests:tt)*) => {
        $crate::shared_backend_tests!(@each [$($backend)+] $schema; { $($tests)* });
    };
    (@each [] $schema:expr; $tests:tt) => {};
    (@each [$first:ident $($rest:ident)*] $schema:expr; $tests:tt) => {
        $crate::shared_backend_tests!(@backend $first $schema; $tests);
        $crate::shared_backend_tests!(@each [$($rest)*] $schema; $tests);
    };
    (@backend sqlite $schema:expr; $tests:tt) => {
        #[cfg(feature = "sqlite")]
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $crate::shared_backend_tests!(@tests $crate::common::sqlite_shared, $schema; $tests);
        }
    };
    (@backend postgres $schema:expr; $tests:tt) => {
        #[cfg(feature = "postgres")]
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $crate::shared_backend_tests!(@tests $crate::common::postgres_shared, $schema; $tests);
        }
    };
    (@backend mysql $schema:expr; $tests:tt) => {
        #[cfg(feature = "mysql")]
        mod mysql {
            #[allow(unused_imports)]
            use super::*;
            $crate::shared_backend_tests!(@tests $crate::common::mysql_shared, $schema; $tests);
        }
    };
    (@tests $open:path, $schema:expr; { $(fn $name:ident($db:ident) $body:block)* }) => {
        $(
            #[test]
            fn $name() {
                #[allow(unused_mut)]
                let mut $db = $open(stringify!($name), $schema);
                $body
            }
        )*
    };
}

/// A test database reached through an r2d2 pool of one connection, as a service would
/// hold it: `conn` is the `PooledConnection` the pool handed out, passed to the methods as
/// it is. The database is a [`SharedDb`]'s (a SQLite file), dropped at the end.
#[cfg(feature = "r2d2")]
pub struct PooledDb<C: Connection + diesel::r2d2::R2D2Connection + 'static> {
    pub conn: diesel::r2d2::PooledConnection<diesel::r2d2::ConnectionManager<C>>,
    pub backend: Backend,
    _db: SharedDb<C>,
}

/// Runs the per-connection setup a test database needs on every connection the pool opens.
#[cfg(feature = "r2d2")]
#[derive(Debug)]
struct Setup(String);

#[cfg(feature = "r2d2")]
impl<C: SimpleConnection> diesel::r2d2::CustomizeConnection<C, diesel::r2d2::Error> for Setup {
    fn on_acquire(&self, conn: &mut C) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(&self.0)
            .map_err(diesel::r2d2::Error::QueryError)
    }
}

#[cfg(feature = "r2d2")]
fn pooled<C>(db: SharedDb<C>, url: String, setup: String) -> PooledDb<C>
where
    C: Connection + diesel::r2d2::R2D2Connection + 'static,
{
    let pool = diesel::r2d2::Pool::builder()
        .max_size(1)
        .connection_customizer(Box::new(Setup(setup)))
        .build(diesel::r2d2::ConnectionManager::<C>::new(url))
        .expect("r2d2 pool");
    PooledDb {
        conn: pool.get().expect("a pooled connection"),
        backend: db.db.backend,
        _db: db,
    }
}

#[cfg(all(feature = "sqlite", feature = "r2d2"))]
pub fn sqlite_pooled(test: &str, schema: &[&str]) -> PooledDb<SqliteConnection> {
    let db = sqlite_shared(test, schema);
    let path = db.connector.target.clone();
    pooled(
        db,
        path,
        "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 60000;".into(),
    )
}

#[cfg(all(feature = "postgres", feature = "r2d2"))]
pub fn postgres_pooled(test: &str, schema: &[&str]) -> PooledDb<PgConnection> {
    let db = postgres_shared(test, schema);
    let setup = format!("SET search_path TO {}", db.db.name);
    pooled(db, pg_url(), setup)
}

#[cfg(all(feature = "mysql", feature = "r2d2"))]
pub fn mysql_pooled(test: &str, schema: &[&str]) -> PooledDb<MysqlConnection> {
    let db = mysql_shared(test, schema);
    let url = format!("{}/{}", mysql_url(), db.db.name);
    pooled(db, url, "DO 0".into())
}
