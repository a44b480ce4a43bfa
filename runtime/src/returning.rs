//! Reading back the row an `INSERT` wrote, by what was inserted: `INSERT … RETURNING` on
//! PostgreSQL and SQLite (≥ 3.35; the bundled one is newer), and on MySQL a plain `INSERT`
//! the caller follows with its own reselect (`LAST_INSERT_ID()` for a generated owner
//! key, the link for an associated row). `LAST_INSERT_ID()` ignores an explicit key, so
//! on MySQL owner values that set the primary key are a compile error ([`OwnerValues`]);
//! MariaDB's own `INSERT … RETURNING` is not usable here (Diesel's MySQL client gets no
//! result metadata for it from a prepared statement).

use std::future::Future;

use diesel::connection::LoadConnection;
use diesel::deserialize::FromSqlRow;
use diesel::expression::QueryMetadata;
use diesel::query_builder::{InsertStatement, Query, QueryFragment, QueryId};
use diesel::query_dsl::CompatibleType;
use diesel::{Insertable, QueryResult, Selectable, SelectableHelper, Table};

use crate::backend::Backend;
use crate::exec::Exec;
use crate::omits::SetsColumn;
use crate::write_exec::{Execute, ReturnsRow};
use diesel::expression::is_contained_in_group_by::No;

/// How a backend reads back an inserted row: [`Returning`] or [`Reselect`].
pub trait ReadBack: 'static {}

/// `INSERT … RETURNING`: the row comes back with the insert.
#[derive(Debug)]
pub struct Returning;
impl ReadBack for Returning {}

/// A plain `INSERT`; the caller selects the row afterwards.
#[derive(Debug)]
pub struct Reselect;
impl ReadBack for Reselect {}

/// Inserts `self` into `T` and reads the row back as `Out` when the backend can in the same
/// statement; `None` asks the caller to reselect.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be inserted into this table",
    note = "pass a value that is `Insertable` into the table"
)]
pub trait InsertReturning<C, T, Out>: Sized {
    /// The `INSERT` (with `RETURNING` where available).
    fn insert_returning(
        self,
        table: T,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Option<Out>>> + Send;
}

impl<V, C, T, Out> InsertReturning<C, T, Out> for V
where
    C: Exec,
    V: InsertVia<C, T, Out, <C::DB as Backend>::ReadBack>,
{
    fn insert_returning(
        self,
        table: T,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Option<Out>>> + Send {
        self.insert_via(table, conn)
    }
}

/// [`InsertReturning`] for one [`ReadBack`] mode.
pub trait InsertVia<C, T, Out, Mode>: Sized {
    /// The `INSERT`.
    fn insert_via(
        self,
        table: T,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Option<Out>>> + Send;
}

type Values<T, V> = InsertStatement<T, <V as Insertable<T>>::Values>;
type AsSelect<Out, C> = diesel::dsl::AsSelect<Out, <C as Exec>::DB>;

impl<V, C, T, Out> InsertVia<C, T, Out, Returning> for V
where
    C: Exec,
    T: Table,
    V: Insertable<T>,
    Out: Selectable<C::DB>,
    diesel::dsl::Returning<Values<T, V>, AsSelect<Out, C>>: Query + ReturnsRow<C, Out>,
{
    fn insert_via(
        self,
        table: T,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Option<Out>>> + Send {
        let insert = diesel::insert_into(table).values(self);
        let row = insert.returning(Out::as_returning()).returning_row(conn);
        async move { row.await.map(Some) }
    }
}

impl<V, C, T, Out> InsertVia<C, T, Out, Reselect> for V
where
    C: Exec,
    T: Table,
    V: Insertable<T>,
    Values<T, V>: Execute<C>,
{
    fn insert_via(
        self,
        table: T,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Option<Out>>> + Send {
        let insert = diesel::insert_into(table).values(self).execute_on(conn);
        async move { insert.await.map(|_| None) }
    }
}

/// Values an owner can be inserted from and read back on connection `C`: anything on
/// SQLite and PostgreSQL (`RETURNING`); on MySQL values that leave the primary key to
/// `AUTO_INCREMENT`, read back with `LAST_INSERT_ID()`.
pub trait OwnerValues<C, T> {}

impl<V, C, T> OwnerValues<C, T> for V
where
    C: Exec,
    <C::DB as Backend>::ReadBack: AcceptsOwnerValues<V, T>,
{
}

/// [`OwnerValues`] per [`ReadBack`] mode: which owner values `V` for table `T` the mode
/// reads back.
pub trait AcceptsOwnerValues<V, T> {}

impl<V, T> AcceptsOwnerValues<V, T> for Returning {}

impl<V, T> AcceptsOwnerValues<V, T> for Reselect
where
    T: Table,
    V: Insertable<T>,
    V::Values: GeneratedKey<T::PrimaryKey>,
{
}

/// Owner values that leave the primary key column `Pk` to `AUTO_INCREMENT` (MySQL).
///
/// On MySQL, `insert_with_…` values that set the primary key are refused at compile time
/// ("on MySQL the new owner is read back with `LAST_INSERT_ID()`, which ignores an
/// explicit `users::columns::id`", spanned on the connection argument of `save`):
///
#[cfg_attr(feature = "mysql", doc = "```compile_fail,E0277")]
#[cfg_attr(not(feature = "mysql"), doc = "```text")]
/// use diesel::prelude::*;
/// use diesel_has_one::Model;
///
/// diesel::table! { users (id) { id -> Integer, name -> Text } }
/// diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }
///
/// #[derive(Queryable, Selectable, Identifiable, Model)]
/// #[diesel(table_name = users)]
/// #[has_one(profile)]
/// pub struct User {
///     pub id: i32,
///     pub name: String,
/// }
///
/// #[derive(Queryable, Selectable, Identifiable, Model)]
/// #[diesel(table_name = profiles)]
/// pub struct Profile {
///     pub id: i32,
///     pub user_id: Option<i32>,
///     pub bio: String,
/// }
///
/// #[derive(Insertable)]
/// #[diesel(table_name = users)]
/// pub struct NewUser<'a> {
///     pub id: i32,
///     pub name: &'a str,
/// }
///
/// #[derive(Insertable)]
/// #[diesel(table_name = profiles)]
/// pub struct NewProfile<'a> {
///     pub bio: &'a str,
/// }
///
/// fn main() {
///     let conn = &mut MysqlConnection::establish("mysql://localhost/test").unwrap();
///     let _ = User::insert_with_profile(NewUser { id: 777, name: "Bob" })
///         .new_row(NewProfile { bio: "b" })
///         .save(conn);
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "on MySQL the new owner is read back with `LAST_INSERT_ID()`, which ignores an explicit `{Pk}`",
    label = "these values set `{Pk}`",
    note = "leave the primary key to AUTO_INCREMENT, or insert the owner first and then call `create_…` on it"
)]
pub trait GeneratedKey<Pk> {}

#[diagnostic::do_not_recommend]
impl<V, Pk> GeneratedKey<Pk> for V where V: SetsColumn<Pk, Sets = No> {}

/// A query that returns one row of `U`: Diesel's `get_result` for queries that borrow
/// the caller's values (`LoadQuery` in a generic bound would require them `'static`).
pub trait LoadsRow<C, U>: Sized {
    /// Runs the query; the first row, or `NotFound`.
    fn load_row(self, conn: &mut C) -> QueryResult<U>;
}

impl<Q, C, U> LoadsRow<C, U> for Q
where
    C: LoadConnection,
    Q: Query + QueryFragment<C::Backend> + QueryId,
    C::Backend: QueryMetadata<Q::SqlType>,
    Q::SqlType: CompatibleType<U, C::Backend>,
    U: FromSqlRow<<Q::SqlType as CompatibleType<U, C::Backend>>::SqlType, C::Backend>,
{
    fn load_row(self, conn: &mut C) -> QueryResult<U> {
        let row = conn
            .load(self)?
            .next()
            .ok_or(diesel::result::Error::NotFound)??;
        U::build_from_row(&row).map_err(diesel::result::Error::DeserializationError)
    }
}
