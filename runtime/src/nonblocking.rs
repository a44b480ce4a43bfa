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
use diesel_async::{
    AsyncConnection, AsyncConnectionCore, RunQueryDsl, SimpleAsyncConnection, TransactionManager,
};
use futures_util::TryStreamExt;

use diesel::deserialize::FromSqlRow;
use diesel::expression::QueryMetadata;
use diesel::query_builder::{Query, QueryFragment, QueryId};
use diesel::query_dsl::CompatibleType;

use crate::exec::{Exec, Fetch, NonBlocking};
use crate::transaction::Transact;
use crate::write_exec::{Execute, ReturnsRow};
#[cfg(feature = "bb8")]
use diesel_async::pooled_connection::bb8;
#[cfg(feature = "deadpool")]
use diesel_async::pooled_connection::deadpool;

/// SQLite's connection, run on tokio's blocking threads by diesel-async.
#[cfg(feature = "sqlite")]
pub type Wrapped =
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

impl<Q, C> Execute<C, NonBlocking> for Q
where
    C: Exec<Kind = NonBlocking> + AsyncConnectionCore,
    Q: diesel_async::methods::ExecuteDsl<C> + Send,
{
    async fn execute_on(self, conn: &mut C) -> QueryResult<usize> {
        diesel_async::methods::ExecuteDsl::execute(self, conn).await
    }
}

impl<Q, C, U> ReturnsRow<C, U, NonBlocking> for Q
where
    C: Exec<Kind = NonBlocking> + AsyncConnectionCore,
    Q: Query + QueryFragment<C::Backend> + QueryId + Send,
    C::Backend: QueryMetadata<Q::SqlType>,
    Q::SqlType: CompatibleType<U, C::Backend>,
    U: FromSqlRow<<Q::SqlType as CompatibleType<U, C::Backend>>::SqlType, C::Backend> + Send,
{
    async fn returning_row(self, conn: &mut C) -> QueryResult<U> {
        let rows = conn.load(self).await?;
        let row = std::pin::pin!(rows)
            .try_next()
            .await?
            .ok_or(diesel::result::Error::NotFound)?;
        U::build_from_row(&row).map_err(diesel::result::Error::DeserializationError)
    }
}

/// The transaction manager of a diesel-async connection: diesel-async's own, whose
/// `begin_transaction` opens a savepoint inside a transaction the caller opened.
type Manager<C> = <C as AsyncConnection>::TransactionManager;

impl<C> Transact<NonBlocking> for C
where
    C: Exec<Kind = NonBlocking> + AsyncConnection + BeginWith,
{
    fn depth(&mut self) -> QueryResult<u32> {
        let status = Manager::<C>::transaction_manager_status_mut(self);
        Ok(status
            .transaction_depth()?
            .map_or(0, std::num::NonZeroU32::get))
    }

    fn begin_with(&mut self, sql: &'static str) -> impl Future<Output = QueryResult<()>> + Send {
        BeginWith::begin_with(self, sql)
    }

    fn begin(&mut self) -> impl Future<Output = QueryResult<()>> + Send {
        Manager::<C>::begin_transaction(self)
    }

    fn commit(&mut self) -> impl Future<Output = QueryResult<()>> + Send {
        Manager::<C>::commit_transaction(self)
    }

    fn rollback(&mut self) -> impl Future<Output = QueryResult<()>> + Send {
        Manager::<C>::rollback_transaction(self)
    }

    fn batch(&mut self, sql: &'static str) -> impl Future<Output = QueryResult<()>> + Send {
        SimpleAsyncConnection::batch_execute(self, sql)
    }
}

/// Opening the outermost transaction with the library's own `BEGIN …`
/// ([`Transact::begin_with`]), recorded in the connection's transaction manager.
#[doc(hidden)]
pub trait BeginWith {
    /// See [`Transact::begin_with`].
    fn begin_with(&mut self, sql: &'static str) -> impl Future<Output = QueryResult<()>> + Send;
}

/// `begin_with` of a connection whose manager is diesel-async's `AnsiTransactionManager`.
#[cfg(any(feature = "postgres", feature = "mysql"))]
fn ansi<'c, C>(
    conn: &'c mut C,
    sql: &'static str,
) -> impl Future<Output = QueryResult<()>> + Send + 'c
where
    C: AsyncConnection<TransactionManager = diesel_async::AnsiTransactionManager>,
{
    diesel_async::AnsiTransactionManager::begin_transaction_sql(conn, sql)
}

/// `begin_with` of SQLite's wrapped connection: Diesel's on its blocking thread, waiting
/// there while the database is busy (`while_busy`), so the runtime's workers go on.
#[cfg(feature = "sqlite")]
fn wrapped(conn: &mut Wrapped, sql: &'static str) -> impl Future<Output = QueryResult<()>> + Send {
    conn.spawn_blocking(move |inner| {
        crate::retry::while_busy(|| {
            diesel::connection::AnsiTransactionManager::begin_transaction_sql(&mut *inner, sql)
        })
    })
}

/// `begin_with` of a pooled connection: the connection's own (a pool's transaction
/// manager is the connection's).
#[cfg(any(feature = "deadpool", feature = "bb8"))]
fn pooled<'c, P>(
    conn: &'c mut P,
    sql: &'static str,
) -> impl Future<Output = QueryResult<()>> + Send + 'c
where
    P: std::ops::DerefMut<Target: BeginWith>,
{
    std::ops::DerefMut::deref_mut(conn).begin_with(sql)
}

/// `Exec` of kind `NonBlocking`, `BeginWith` and `Runs` for each diesel-async connection
/// type.
macro_rules! async_connections {
    ($($(#[$cfg:meta])* [$($generics:tt)*] $conn:ty => $db:ty, $begin:ident;)*) => {$(
        $(#[$cfg])*
        impl<$($generics)*> Exec for $conn {
            type DB = $db;
            type Kind = NonBlocking;
            const CACHE_LOCKING_READS: bool = true;
        }

        $(#[$cfg])*
        impl<$($generics)*> BeginWith for $conn {
            fn begin_with(&mut self, sql: &'static str) -> impl Future<Output = QueryResult<()>> + Send {
                $begin(self, sql)
            }
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
    [] diesel_async::AsyncPgConnection => diesel::pg::Pg, ansi;
    #[cfg(feature = "mysql")]
    [] diesel_async::AsyncMysqlConnection => diesel::mysql::Mysql, ansi;
    #[cfg(feature = "sqlite")]
    [] Wrapped => diesel::sqlite::Sqlite, wrapped;
    #[cfg(all(feature = "deadpool", feature = "postgres"))]
    [] deadpool::Object<diesel_async::AsyncPgConnection> => diesel::pg::Pg, pooled;
    #[cfg(all(feature = "deadpool", feature = "mysql"))]
    [] deadpool::Object<diesel_async::AsyncMysqlConnection> => diesel::mysql::Mysql, pooled;
    #[cfg(all(feature = "deadpool", feature = "sqlite"))]
    [] deadpool::Object<Wrapped> => diesel::sqlite::Sqlite, pooled;
    #[cfg(all(feature = "bb8", feature = "postgres"))]
    ['p,] bb8::PooledConnection<'p, diesel_async::AsyncPgConnection> => diesel::pg::Pg, pooled;
    #[cfg(all(feature = "bb8", feature = "mysql"))]
    ['p,] bb8::PooledConnection<'p, diesel_async::AsyncMysqlConnection> => diesel::mysql::Mysql, pooled;
    #[cfg(all(feature = "bb8", feature = "sqlite"))]
    ['p,] bb8::PooledConnection<'p, Wrapped> => diesel::sqlite::Sqlite, pooled;
}
