//! One test body over every executor: each backend's blocking connection and its async
//! ones (feature `async`): diesel-async's connection (SQLite through
//! `SyncConnectionWrapper`), and the pooled connections of deadpool and bb8 as the pools
//! hand them out.
//!
//! `executor_tests! { schema = SCHEMA; fn name(setup, conn, backend) { … } }` generates
//! `<backend>::<executor>::name` for backend `sqlite`, `postgres`, `mysql` and executor
//! `blocking`, `direct`, `deadpool`, `bb8` (`executor_tests! { async_only; schema = …; … }`:
//! the three async executors). `setup` is a blocking connection to the test
//! database (to seed it and to read the rows left), `conn` the executor's connection to
//! the same database (a [`SharedDb`](super::SharedDb)). In the body, `run!(call)` is the
//! call's result (awaited on an async executor), `load!(query, Type, conn)` loads a
//! Diesel query with the executor's `RunQueryDsl`, and `transaction!(conn, |c| { … })` runs
//! the block in the executor's own transaction (Diesel's or diesel-async's `transaction`,
//! an async closure there), so the body imports none of them.

/// SQLite on an async executor: the blocking connection, run on tokio's blocking threads.
pub type Wrapped =
    diesel_async::sync_connection_wrapper::SyncConnectionWrapper<diesel::SqliteConnection>;

/// The URL an async connection to the test database opens: the SQLite file; the
/// PostgreSQL server with the test's schema as `search_path` (tokio-postgres reads
/// `options`); the MySQL test database.
pub fn async_url(backend: super::Backend, target: &str) -> String {
    match backend {
        super::Backend::Sqlite => target.to_string(),
        super::Backend::Postgres => {
            let url = super::pg_url();
            let sep = if url.contains('?') { '&' } else { '?' };
            format!("{url}{sep}options=-csearch_path%3D{target}")
        }
        super::Backend::Mysql => format!("{}/{target}", super::mysql_url()),
    }
}

#[macro_export]
macro_rules! executor_tests {
    (schema = $schema:expr; $($tests:tt)*) => {
        $crate::executor_tests!(@all [blocking blocking, direct awaited, deadpool awaited, bb8 awaited], $schema; { $($tests)* });
    };
    // The async executors only: for models whose hooks are `async fn`s (`async_hooks`).
    (async_only; schema = $schema:expr; $($tests:tt)*) => {
        $crate::executor_tests!(@all [direct awaited, deadpool awaited, bb8 awaited], $schema; { $($tests)* });
    };
    (@all $kinds:tt, $schema:expr; $tests:tt) => {
        $crate::executor_tests!(@backend sqlite, "sqlite", $crate::common::sqlite_shared, $crate::common::executors::Wrapped, $schema; $kinds; $tests);
        $crate::executor_tests!(@backend postgres, "postgres", $crate::common::postgres_shared, diesel_async::AsyncPgConnection, $schema; $kinds; $tests);
        $crate::executor_tests!(@backend mysql, "mysql", $crate::common::mysql_shared, diesel_async::AsyncMysqlConnection, $schema; $kinds; $tests);
    };
    (@backend $module:ident, $feature:literal, $open:path, $async:ty, $schema:expr; [$($kind:ident $style:ident),*]; $tests:tt) => {
        #[cfg(feature = $feature)]
        mod $module {
            #[allow(unused_imports)]
            use super::*;
            $( $crate::executor_tests!(@module $kind, $style, $open, $async, $schema; $tests); )*
        }
    };
    (@module $kind:ident, $style:ident, $open:path, $async:ty, $schema:expr; $tests:tt) => {
        mod $kind {
            #[allow(unused_imports)]
            use super::*;
            $crate::executor_tests!(@style $style);
            $crate::executor_tests!(@tests $kind, $open, $async, $schema; $tests);
        }
    };
    (@style blocking) => {
        #[allow(unused_macros)]
        macro_rules! run { ($e:expr) => { $e }; }
        #[allow(unused_macros)]
        macro_rules! load { ($q:expr, $t:ty, $c:expr) => { diesel::RunQueryDsl::load::<$t>($q, $c) }; }
        #[allow(unused_macros)]
        macro_rules! transaction { ($conn:expr, |$c:ident| $body:block) => { diesel::Connection::transaction($conn, |$c| $body) }; }
    };
    (@style awaited) => {
        #[allow(unused_macros)]
        macro_rules! run { ($e:expr) => { $e.await }; }
        #[allow(unused_macros)]
        macro_rules! load { ($q:expr, $t:ty, $c:expr) => { diesel_async::RunQueryDsl::load::<$t>($q, $c).await }; }
        #[allow(unused_macros)]
        macro_rules! transaction { ($conn:expr, |$c:ident| $body:block) => { diesel_async::AsyncConnection::transaction($conn, async |$c| $body).await }; }
    };
    (@tests $kind:ident, $open:path, $async:ty, $schema:expr; { $(fn $name:ident($setup:ident, $conn:ident, $backend:ident) $body:block)* }) => {
        $( $crate::executor_tests!(@test $kind, $open, $async, $schema, $name, $setup, $conn, $backend, $body); )*
    };
    (@test blocking, $open:path, $async:ty, $schema:expr, $name:ident, $setup:ident, $conn:ident, $backend:ident, $body:block) => {
        #[test]
        fn $name() {
            let mut db = $open(stringify!($name), $schema);
            let mut connection = db.connect();
            #[allow(unused_variables)]
            let $backend = db.db.backend;
            #[allow(unused_variables)]
            let $setup = db.conn();
            let $conn = &mut connection;
            $body
        }
    };
    (@test $kind:ident, $open:path, $async:ty, $schema:expr, $name:ident, $setup:ident, $conn:ident, $backend:ident, $body:block) => {
        #[tokio::test]
        async fn $name() {
            let mut db = $open(stringify!($name), $schema);
            let url = $crate::common::executors::async_url(db.db.backend, db.connector.target());
            // kept for the test: the pool owns the connection handed out
            #[allow(unused_variables)]
            let (pool, mut connection) = $crate::executor_tests!(@connect $kind, $async, url);
            #[allow(unused_variables)]
            let $backend = db.db.backend;
            #[allow(unused_variables)]
            let $setup = db.conn();
            let $conn = &mut connection;
            $body
        }
    };
    (@connect direct, $async:ty, $url:expr) => {
        ((), <$async as diesel_async::AsyncConnection>::establish(&$url).await.unwrap())
    };
    (@connect deadpool, $async:ty, $url:expr) => {{
        use diesel_async::pooled_connection::{deadpool::Pool, AsyncDieselConnectionManager};
        let pool = Pool::builder(AsyncDieselConnectionManager::<$async>::new($url)).max_size(1).build().unwrap();
        let connection = pool.get().await.unwrap();
        (pool, connection)
    }};
    (@connect bb8, $async:ty, $url:expr) => {{
        use diesel_async::pooled_connection::{bb8::Pool, AsyncDieselConnectionManager};
        let pool = Pool::builder().max_size(1).build(AsyncDieselConnectionManager::<$async>::new($url)).await.unwrap();
        // `get_owned`: a pooled connection that keeps the pool alive (`PooledConnection<'static, _>`)
        let connection = pool.get_owned().await.unwrap();
        (pool, connection)
    }};
}
