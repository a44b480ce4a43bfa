//! Which code destroys the targets of a job: every `destroy_async` association registers a
//! handler per enabled backend at link time (the derive emits the registration through
//! [`__register_destroy_async!`](crate::__register_destroy_async)).

use diesel::QueryResult;

use super::schema::Job;
use crate::association::HasOne;
use crate::connection::Conn;
use crate::error::Error;
use crate::model::Model;

/// The statements a `destroy_async` job runs, generated for the association.
pub trait AsyncDestroy<C: Conn>: HasOne {
    /// The target rows with these primary keys that are still linked to the owner with
    /// key `owner` (a row moved to another owner since is not this job's), locked.
    fn load_targets(
        owner: &Self::Key,
        keys: Vec<<Self::Target as Model>::Key>,
        conn: &mut C,
    ) -> QueryResult<Vec<Self::Target>>;

    /// `ensuring_owner_was`: whether the job may run for the owner with this key (true
    /// when the owner row is gone or its method returns true; always true without the
    /// option).
    fn owner_allows(key: &Self::Key, conn: &mut C) -> QueryResult<bool>;
}

/// The function a job handler runs: destroys the job's targets inside its transaction.
pub type RunJob<C> = fn(&mut C, &Job) -> Result<(), Error>;

/// A registered job handler for connection type `C`.
pub struct Handler<C: 'static> {
    /// `Owner.association`.
    pub association: &'static str,
    /// Destroys the job's targets (inside the job's transaction).
    pub run: RunJob<C>,
}

/// Finds the handler of a job for this connection type.
pub trait Handlers: Sized + 'static {
    /// The handler registered for `association`.
    fn handler(association: &str) -> Option<RunJob<Self>>;
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

/// Registers the job handler of `destroy_async` association `$marker` (named `$name`)
/// for every backend the runtime was built with, or only for those listed (`[postgres]`:
/// the owner's `#[diesel(check_for_backend(diesel::pg::Pg))]`, for a model whose columns
/// exist on one backend only, such as `Uuid`). Used by the derive's expansion.
#[doc(hidden)]
#[macro_export]
macro_rules! __register_destroy_async {
    ($marker:ty, $name:expr) => {
        $crate::__register_destroy_async!($marker, $name, [sqlite postgres mysql]);
    };
    ($marker:ty, $name:expr, [$($backend:ident)*]) => {
        $($crate::__register_destroy_async!(@$backend $marker, $name);)*
    };
    (@sqlite $marker:ty, $name:expr) => {
        $crate::__if_sqlite! {
            $crate::__register_destroy_async!(@on SqliteHandler, sqlite::SqliteConnection, $marker, $name);
        }
    };
    (@postgres $marker:ty, $name:expr) => {
        $crate::__if_postgres! {
            $crate::__register_destroy_async!(@on PgHandler, pg::PgConnection, $marker, $name);
        }
    };
    (@mysql $marker:ty, $name:expr) => {
        $crate::__if_mysql! {
            $crate::__register_destroy_async!(@on MysqlHandler, mysql::MysqlConnection, $marker, $name);
        }
    };
    (@on $handler:ident, $($conn:ident)::*, $marker:ty, $name:expr) => {
        $crate::__private::inventory::submit! {
            $crate::jobs::$handler {
                association: $name,
                run: $crate::jobs::run::<$marker, $crate::__private::diesel::$($conn)::*>,
            }
        }
    };
}
