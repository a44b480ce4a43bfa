//! The association methods as operation values, and the connections that run them.
//!
//! Each method that touches the database builds an operation (`Read`, `Create`, `Set`,
//! `PreloadAll`, `Destroy`, an autosave `Save`; for `through` associations
//! [`ReadThrough`](crate::through::read::ReadThrough),
//! [`PreloadThrough`](crate::through::preload::PreloadThrough) and
//! [`SetThrough`](crate::through::write::SetThrough); the
//! [`jobs`](crate::jobs) functions and the [`audit`](crate::audit)) and hands it to the connection:
//! `conn.run(op)` ([`Runs`]). Every [`Conn`] runs every operation whose statements exist
//! for its backend ([`RunOn`]); a `#[derive(diesel::MultiConnection)]` enum that also
//! derives [`MultiConn`](macro@crate::MultiConn) runs an operation by running it on the
//! connection of its current variant, so one call works whichever backend is chosen at
//! run time. This is the one place where a kind of execution plugs in, for every
//! association at once.

use diesel::QueryResult;

use crate::association::{Insert, Preload, Statements};
use crate::autosave::ValidatesValues;
use crate::connection::Conn;
use crate::error::Error;
use crate::exec::block_now;
#[cfg(feature = "async")]
use crate::exec::{Exec, NonBlocking};
use crate::model::{Model, Persist};
use crate::replace::ValidatesTarget;
#[cfg(feature = "async")]
use crate::statements::Reader;
#[cfg(feature = "async")]
use crate::transaction::Transact;
use crate::HasOne;
#[cfg(feature = "async")]
use std::future::Future;

/// What running an operation gives.
pub trait Operation {
    /// The result: the method's return type.
    type Output;
}

/// Operation `Self` run on a connection of one backend, `C`.
pub trait RunOn<C>: Operation {
    /// Runs the operation.
    fn run_on(self, conn: &mut C) -> Self::Output;
}

/// A connection that runs operation `Op`: any [`Conn`], a `MultiConnection` enum
/// deriving [`MultiConn`](macro@crate::MultiConn), and (feature `async`) diesel-async's
/// connections for the operations that have an async body (`AsyncRunOn`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a connection diesel_has_one can run on",
    note = "pass a `SqliteConnection`, `PgConnection` or `MysqlConnection`, an r2d2 `PooledConnection` of one (feature `r2d2`), a `#[derive(diesel::MultiConnection, diesel_has_one::MultiConn)]` enum of them, or (feature `async`) a diesel-async connection or a deadpool or bb8 pooled one; a model whose destroy hooks are sync fns is destroyed on blocking connections only (declare `#[model(async_hooks)]` for async ones)"
)]
pub trait Runs<'c, Op> {
    /// What [`run`](Runs::run) returns: `Op::Output` on a blocking connection; on an
    /// async one (feature `async`), a future of it that borrows the connection for `'c`.
    type Output;
    /// Runs `op` on this connection.
    fn run(&'c mut self, op: Op) -> Self::Output;
}

/// A connection that runs operation `Op` and returns its output directly: Diesel's
/// blocking connections and `MultiConnection` enums. The blocking-only functions
/// (`Worker::run`, `audit::assert_schema`) take this bound.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a connection diesel_has_one can run this method on",
    note = "pass a `SqliteConnection`, `PgConnection` or `MysqlConnection`, an r2d2 `PooledConnection` of one (feature `r2d2`), or a `#[derive(diesel::MultiConnection, diesel_has_one::MultiConn)]` enum of them; on a diesel-async connection use the async form (`Worker::run_async`; `audit(conn).await?.assert_clean()`)"
)]
/// `Out` is `Op`'s output, named here so that a method's bound does not need `Op` to be
/// a valid operation (a broken declaration is reported once, where it is written).
pub trait RunsNow<Op, Out>: for<'c> Runs<'c, Op, Output = Out> {}

impl<C, Op, Out> RunsNow<Op, Out> for C where C: for<'c> Runs<'c, Op, Output = Out> {}

impl<'c, C: Conn, Op: RunOn<C>> Runs<'c, Op> for C {
    type Output = Op::Output;
    #[inline]
    fn run(&'c mut self, op: Op) -> Op::Output {
        op.run_on(self)
    }
}

/// Operation `Self` run on an async connection `C` (feature `async`): the body's future.
#[cfg(feature = "async")]
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not run on the async connection `{C}` yet",
    note = "every method runs on diesel-async connections; a model whose destroy hooks are sync fns is destroyed on blocking connections only (declare `#[model(async_hooks)]`), and an owner's `destroy_async` jobs run there when it declares `#[model(async_jobs)]`"
)]
pub trait AsyncRunOn<C>: Operation {
    /// The operation's future.
    fn run_async(self, conn: &mut C) -> impl Future<Output = Self::Output> + Send;
}

/// The reader: the row of association `A` for `owner`.
pub struct Read<'o, A: HasOne>(pub &'o A::Owner);

impl<A: HasOne> Operation for Read<'_, A> {
    type Output = QueryResult<Option<A::Target>>;
}

impl<A: Statements<C>, C: Conn> RunOn<C> for Read<'_, A> {
    #[inline]
    fn run_on(self, conn: &mut C) -> Self::Output {
        block_now(A::first(self.0, conn))
    }
}

#[cfg(feature = "async")]
impl<A: Reader<C>, C: Exec<Kind = NonBlocking>> AsyncRunOn<C> for Read<'_, A> {
    fn run_async(self, conn: &mut C) -> impl Future<Output = Self::Output> + Send {
        <A as Reader<C>>::first(self.0, conn)
    }
}

/// `create_`: insert `values` as the owner's row, replacing the old one.
pub struct Create<'o, A: HasOne, V>(pub &'o A::Owner, pub V);

impl<A: HasOne, V> Operation for Create<'_, A, V> {
    type Output = Result<A::Target, Error>;
}

impl<A, C, V> RunOn<C> for Create<'_, A, V>
where
    C: Conn,
    A: Insert<C, V> + ValidatesValues<V>,
    A::Owner: Persist<C>,
    A::Target: Persist<C>,
{
    #[inline]
    fn run_on(self, conn: &mut C) -> Self::Output {
        block_now(crate::replace::create::<A, C, V>(self.0, self.1, conn))
    }
}

#[cfg(feature = "async")]
impl<A, C, V> AsyncRunOn<C> for Create<'_, A, V>
where
    C: Transact,
    A: Insert<C, V> + ValidatesValues<V>,
    A::Owner: Persist<C>,
    A::Target: Persist<C>,
    V: Send,
{
    fn run_async(self, conn: &mut C) -> impl Future<Output = Self::Output> + Send {
        crate::replace::create::<A, C, V>(self.0, self.1, conn)
    }
}

/// `set_`: link `target` (or nothing) as the owner's row.
pub struct Set<'o, A: HasOne>(pub &'o A::Owner, pub Option<&'o A::Target>);

impl<A: HasOne> Operation for Set<'_, A> {
    type Output = Result<(), Error>;
}

impl<A, C> RunOn<C> for Set<'_, A>
where
    C: Conn,
    A: Statements<C> + ValidatesTarget<C>,
    A::Owner: Persist<C>,
    A::Target: Persist<C>,
{
    #[inline]
    fn run_on(self, conn: &mut C) -> Self::Output {
        block_now(crate::replace::set::<A, C>(self.0, self.1, conn))
    }
}

#[cfg(feature = "async")]
impl<A, C> AsyncRunOn<C> for Set<'_, A>
where
    C: Transact,
    A: Statements<C> + ValidatesTarget<C>,
    A::Owner: Persist<C>,
    A::Target: Persist<C>,
{
    fn run_async(self, conn: &mut C) -> impl Future<Output = Self::Output> + Send {
        crate::replace::set::<A, C>(self.0, self.1, conn)
    }
}

/// `preload_`: the row of every owner, in one statement.
pub struct PreloadAll<'o, A: HasOne>(pub &'o [A::Owner]);

impl<A: HasOne> Operation for PreloadAll<'_, A> {
    type Output = QueryResult<Vec<Option<A::Target>>>;
}

impl<A: Preload<C>, C: Conn> RunOn<C> for PreloadAll<'_, A> {
    #[inline]
    fn run_on(self, conn: &mut C) -> Self::Output {
        block_now(crate::preload::preload::<A, C>(self.0, conn))
    }
}

#[cfg(feature = "async")]
impl<A: Preload<C>, C: Exec<Kind = NonBlocking>> AsyncRunOn<C> for PreloadAll<'_, A> {
    fn run_async(self, conn: &mut C) -> impl Future<Output = Self::Output> + Send {
        crate::preload::preload::<A, C>(self.0, conn)
    }
}

/// [`Model::destroy`]: the row, its hooks and its dependents, in one transaction.
pub struct Destroy<'m, T>(pub &'m T);

impl<T> Operation for Destroy<'_, T> {
    type Output = Result<(), Error>;
}

impl<T: Model + Persist<C>, C: Conn> RunOn<C> for Destroy<'_, T> {
    #[inline]
    fn run_on(self, conn: &mut C) -> Self::Output {
        block_now(crate::model::destroy(self.0, conn))
    }
}

#[cfg(feature = "async")]
impl<T: Model + Persist<C>, C: Transact> AsyncRunOn<C> for Destroy<'_, T> {
    fn run_async(self, conn: &mut C) -> impl Future<Output = Self::Output> + Send {
        crate::model::destroy(self.0, conn)
    }
}
