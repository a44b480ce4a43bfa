//! Which code destroys the targets of a job: every `destroy_async` association registers a
//! handler per enabled backend at link time (the derive emits the registration through
//! [`__register_destroy_async!`](crate::__register_destroy_async)).

use std::future::Future;
use std::pin::Pin;

use diesel::QueryResult;

use super::schema::Job;
use crate::association::HasOne;
use crate::error::Error;
use crate::exec::Exec;
use crate::model::Model;

/// The statements a `destroy_async` job runs, generated for the association.
pub trait AsyncDestroy<C: Exec>: HasOne {
    /// The target rows with these primary keys that are still linked to the owner with
    /// key `owner` (a row moved to another owner since is not this job's), locked.
    fn load_targets(
        owner: &Self::Key,
        keys: Vec<<Self::Target as Model>::Key>,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Vec<Self::Target>>> + Send;

    /// `ensuring_owner_was`: whether the job may run for the owner with this key (true
    /// when the owner row is gone or its method returns true; always true without the
    /// option).
    fn owner_allows(
        key: &Self::Key,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<bool>> + Send;
}

/// What a job handler returns: the destroy of the job's targets, as a future (complete at
/// once on a blocking connection).
pub type JobFuture<'a> = Pin<Box<dyn Future<Output = Result<(), Error>> + Send + 'a>>;

/// The function a job handler runs: destroys the job's targets inside its transaction.
pub type RunJob<C> = for<'a> fn(&'a mut C, &'a Job) -> JobFuture<'a>;

/// A registered job handler for connection type `C`.
pub struct Handler<C: 'static> {
    /// `Owner.association`.
    pub association: &'static str,
    /// Destroys the job's targets (inside the job's transaction).
    pub run: RunJob<C>,
}

/// Finds the handler of a job for this connection type.
pub trait Handlers: Sized {
    /// The handler registered for `association`.
    fn handler(association: &str) -> Option<RunJob<Self>>;
}

/// A pooled connection's handler: the held connection's, run on it.
#[cfg(any(feature = "r2d2", feature = "deadpool", feature = "bb8"))]
pub(crate) fn run_held<'a, P>(conn: &'a mut P, job: &'a Job) -> JobFuture<'a>
where
    P: std::ops::DerefMut<Target: Handlers>,
{
    let run =
        <P::Target as Handlers>::handler(&job.association).expect("found by `handler` before");
    run(&mut **conn, job)
}

/// [`Handlers`] of a pool's connection type `$pooled`, whose held connection has them.
macro_rules! pooled_handlers {
    ($($(#[$cfg:meta])* [$($generics:tt)*] $pooled:ty;)*) => {$(
        $(#[$cfg])*
        impl<$($generics)*> Handlers for $pooled
        where
            <$pooled as std::ops::Deref>::Target: Handlers,
        {
            fn handler(association: &str) -> Option<RunJob<Self>> {
                <<$pooled as std::ops::Deref>::Target as Handlers>::handler(association)
                    .map(|_| run_held::<Self> as RunJob<Self>)
            }
        }
    )*};
}

pooled_handlers! {
    #[cfg(feature = "r2d2")]
    [M: crate::pooled::Pooled] diesel::r2d2::PooledConnection<M>;
    #[cfg(all(feature = "deadpool", feature = "postgres"))]
    [] diesel_async::pooled_connection::deadpool::Object<diesel_async::AsyncPgConnection>;
    #[cfg(all(feature = "deadpool", feature = "mysql"))]
    [] diesel_async::pooled_connection::deadpool::Object<diesel_async::AsyncMysqlConnection>;
    #[cfg(all(feature = "deadpool", feature = "sqlite"))]
    [] diesel_async::pooled_connection::deadpool::Object<crate::nonblocking::Wrapped>;
    #[cfg(all(feature = "bb8", feature = "postgres"))]
    ['p] diesel_async::pooled_connection::bb8::PooledConnection<'p, diesel_async::AsyncPgConnection>;
    #[cfg(all(feature = "bb8", feature = "mysql"))]
    ['p] diesel_async::pooled_connection::bb8::PooledConnection<'p, diesel_async::AsyncMysqlConnection>;
    #[cfg(all(feature = "bb8", feature = "sqlite"))]
    ['p] diesel_async::pooled_connection::bb8::PooledConnection<'p, crate::nonblocking::Wrapped>;
}

macro_rules! handlers {
    ($($feature:literal => $conn:ty, $alias:ident;)*) => {$(
        #[cfg(feature = $feature)]
        #[doc(hidden)]
        pub type $alias = Handler<$conn>;

        #[cfg(feature = $feature)]
        inventory::collect!($alias);

        #[cfg(feature = $feature)]
        impl Handlers for $conn {
            fn handler(association: &str) -> Option<RunJob<Self>> {
                inventory::iter::<$alias>
                    .into_iter()
                    .find(|h| h.association == association)
                    .map(|h| h.run)
            }
        }
    )*};
}

handlers! {
    "sqlite" => diesel::sqlite::SqliteConnection, SqliteHandler;
    "postgres" => diesel::pg::PgConnection, PgHandler;
    "mysql" => diesel::mysql::MysqlConnection, MysqlHandler;
}

#[cfg(feature = "async")]
handlers! {
    "sqlite" => crate::nonblocking::Wrapped, AsyncSqliteHandler;
    "postgres" => diesel_async::AsyncPgConnection, AsyncPgHandler;
    "mysql" => diesel_async::AsyncMysqlConnection, AsyncMysqlHandler;
}

/// Registers the job handler of `destroy_async` association `$marker` (named `$name`)
/// for every backend the runtime was built with, or only for those listed (`[postgres]`:
/// the owner's `#[diesel(check_for_backend(diesel::pg::Pg))]`, for a model whose columns
/// exist on one backend only, such as `Uuid`); with `async` (the owner's
/// `#[model(async_jobs)]`, feature `async`) for diesel-async's connections too. Used by
/// the derive's expansion.
#[doc(hidden)]
#[macro_export]
macro_rules! __register_destroy_async {
    ($marker:ty, $name:expr) => {
        $crate::__register_destroy_async!($marker, $name, [sqlite postgres mysql], sync);
    };
    ($marker:ty, $name:expr, [$($backend:ident)*]) => {
        $crate::__register_destroy_async!($marker, $name, [$($backend)*], sync);
    };
    ($marker:ty, $name:expr, [$($backend:ident)*], $kinds:ident) => {
        $($crate::__register_destroy_async!(@$backend $kinds, $marker, $name);)*
    };
    (@sqlite $kinds:ident, $marker:ty, $name:expr) => {
        $crate::__if_sqlite! {
            $crate::__register_destroy_async!(@on SqliteHandler, $crate::__private::diesel::sqlite::SqliteConnection, $marker, $name);
            $crate::__register_destroy_async!(@$kinds AsyncSqliteHandler, $crate::nonblocking::Wrapped, $marker, $name);
        }
    };
    (@postgres $kinds:ident, $marker:ty, $name:expr) => {
        $crate::__if_postgres! {
            $crate::__register_destroy_async!(@on PgHandler, $crate::__private::diesel::pg::PgConnection, $marker, $name);
            $crate::__register_destroy_async!(@$kinds AsyncPgHandler, $crate::__private::diesel_async::AsyncPgConnection, $marker, $name);
        }
    };
    (@mysql $kinds:ident, $marker:ty, $name:expr) => {
        $crate::__if_mysql! {
            $crate::__register_destroy_async!(@on MysqlHandler, $crate::__private::diesel::mysql::MysqlConnection, $marker, $name);
            $crate::__register_destroy_async!(@$kinds AsyncMysqlHandler, $crate::__private::diesel_async::AsyncMysqlConnection, $marker, $name);
        }
    };
    (@sync $handler:ident, $conn:ty, $marker:ty, $name:expr) => {};
    (@async $handler:ident, $conn:ty, $marker:ty, $name:expr) => {
        $crate::__if_async! {
            $crate::__register_destroy_async!(@on $handler, $conn, $marker, $name);
        }
    };
    (@on $handler:ident, $conn:ty, $marker:ty, $name:expr) => {
        $crate::__private::inventory::submit! {
            $crate::jobs::$handler {
                association: $name,
                run: $crate::jobs::run::<$marker, $conn>,
            }
        }
    };
}
