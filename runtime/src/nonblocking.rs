//! diesel-async's connections (feature `async`): the [`NonBlocking`] kind of execution.
//!
//! Each connection type is an [`Exec`] of kind [`NonBlocking`], and [`Runs`] the
//! operations that have an async body ([`AsyncRunOn`]) by returning that body's future,
//! boxed so a method can name its type. The statements are the same Diesel queries as on
//! a blocking connection; [`Fetch`] executes them with diesel-async's `RunQueryDsl`.
//!
//! Connections: `AsyncPgConnection` (with `postgres`), `AsyncMysqlConnection` (with
//! `mysql`), `SyncConnectionWrapper<SqliteConnection>` (with `sqlite`), and the pooled
//! connections of deadpool (`deadpool`) and bb8 (`bb8`) as the pools hand them out.

use std::future::{ready, Future};
use std::pin::Pin;

use diesel::{OptionalExtension, QueryResult};
use diesel_async::methods::LoadQuery;
use diesel_async::{AsyncConnectionCore, RunQueryDsl};
use futures_util::TryStreamExt;

use crate::exec::{Exec, Fetch, NonBlocking};
#[cfg(feature = "bb8")]
use diesel_async::pooled_connection::bb8;
#[cfg(feature = "deadpool")]
use diesel_async::pooled_connection::deadpool;

/// SQLite's connection, run on tokio's blocking threads by diesel-async.
#[cfg(feature = "sqlite")]
type Wrapped =
    diesel_async::sync_connection_wrapper::SyncConnectionWrapper<diesel::SqliteConnection>;
use crate::ops::{AsyncRunOn, Runs};

impl<Q, C, U> Fetch<C, U, NonBlocking> for Q
where
    C: Exec<Kind = NonBlocking> + AsyncConnectionCore,
    Q: RunQueryDsl<C> + for<'q> LoadQuery<'q, C, U> + Send,
    U: Send + 'static,
{
    async fn fetch_all(self, conn: &mut C) -> QueryResult<Vec<U>> {
        self.load(conn).await
    }

    async fn fetch_first(self, conn: &mut C) -> QueryResult<Option<U>> {
        self.get_result(conn).await.optional()
    }

    async fn fetch_each<F: FnMut(U) + Send>(self, conn: &mut C, mut each: F) -> QueryResult<()> {
        let rows = self.load_stream(conn).await?;
        rows.try_for_each(|row| {
            each(row);
            ready(Ok(()))
        })
        .await
    }
}

/// `Exec` of kind `NonBlocking` and `Runs` for each diesel-async connection type.
macro_rules! async_connections {
    ($($(#[$cfg:meta])* [$($generics:tt)*] $conn:ty => $db:ty;)*) => {$(
        $(#[$cfg])*
        impl<$($generics)*> Exec for $conn {
            type DB = $db;
            type Kind = NonBlocking;
        }

        $(#[$cfg])*
        impl<'c, $($generics)* Op: AsyncRunOn<$conn> + 'c> Runs<'c, Op> for $conn {
            type Output = Pin<Box<dyn Future<Output = Op::Output> + Send + 'c>>;

            fn run(&'c mut self, op: Op) -> Self::Output {
                Box::pin(op.run_async(self))
            }
        }
    )*};
}

async_connections! {
    #[cfg(feature = "postgres")]
    [] diesel_async::AsyncPgConnection => diesel::pg::Pg;
    #[cfg(feature = "mysql")]
    [] diesel_async::AsyncMysqlConnection => diesel::mysql::Mysql;
    #[cfg(feature = "sqlite")]
    [] Wrapped => diesel::sqlite::Sqlite;
    #[cfg(all(feature = "deadpool", feature = "postgres"))]
    [] deadpool::Object<diesel_async::AsyncPgConnection> => diesel::pg::Pg;
    #[cfg(all(feature = "deadpool", feature = "mysql"))]
    [] deadpool::Object<diesel_async::AsyncMysqlConnection> => diesel::mysql::Mysql;
    #[cfg(all(feature = "deadpool", feature = "sqlite"))]
    [] deadpool::Object<Wrapped> => diesel::sqlite::Sqlite;
    #[cfg(all(feature = "bb8", feature = "postgres"))]
    ['p,] bb8::PooledConnection<'p, diesel_async::AsyncPgConnection> => diesel::pg::Pg;
    #[cfg(all(feature = "bb8", feature = "mysql"))]
    ['p,] bb8::PooledConnection<'p, diesel_async::AsyncMysqlConnection> => diesel::mysql::Mysql;
    #[cfg(all(feature = "bb8", feature = "sqlite"))]
    ['p,] bb8::PooledConnection<'p, Wrapped> => diesel::sqlite::Sqlite;
}
