//! The statements of every model, implemented once from its [`Model`] facts: locking the
//! row, destroying it (hooks, its associations' dependents, the row), inserting it from
//! values and reading it back, updating it from a changeset. The derive states the table,
//! the primary key, the associations and the hooks; nothing here is generated per model.

use std::future::{ready, Future};

use diesel::associations::HasTable;
use diesel::dsl;
use diesel::expression::AsExpression;
use diesel::query_builder::IntoUpdateTarget;
use diesel::query_dsl::methods::{FilterDsl, LimitDsl, SelectDsl};
use diesel::{Expression, ExpressionMethods, Selectable, SelectableHelper};

use crate::autosave::{ChangeRow, InsertModel, UpdateModel};
use crate::dependent::destroy_boxed;
use crate::dependents::{Dependents, OwnDependents};
use crate::error::Error;
use crate::exec::{Exec, Fetch};
use crate::jobs::InsertsJob;
use crate::last_insert::LastInsertId;
use crate::lock::Locked;
use crate::model::{Model, Persist};
use crate::returning::{InsertReturning, OwnerValues};
use crate::timestamps::{stamped_update, StampedUpdate};
use crate::transaction::Transact;
use crate::write_exec::Execute;

/// A model's `before_destroy` / `after_destroy` hooks on connection `C` (generated: the
/// methods call the declared hook functions; without hooks they do nothing).
pub trait DestroyHooks<C> {
    /// Whether the model declares no hook (the derive says so).
    const NONE: bool = false;
    /// `#[model(before_destroy = …)]`: an `Err` aborts the destroy.
    fn before_destroy(&self, _conn: &mut C) -> impl Future<Output = Result<(), Error>> + Send {
        ready(Ok(()))
    }
    /// `#[model(after_destroy = …)]`: an `Err` rolls the destroy back.
    fn after_destroy(&self, _conn: &mut C) -> impl Future<Output = Result<(), Error>> + Send {
        ready(Ok(()))
    }
}

/// A connection the write path runs on: its transaction manager ([`Transact`]) and the
/// `destroy_async` job row ([`InsertsJob`]). Every [`Conn`](crate::Conn) and (feature `async`) every
/// diesel-async connection.
pub trait WriteConn: Transact + InsertsJob {}

impl<C: Transact + InsertsJob> WriteConn for C {}

/// The connections a model with async hooks (`#[model(async_hooks, …)]`) is destroyed on:
/// diesel-async's connections and pools (feature `async`), given to the hooks as a
/// `diesel_async::AsyncConnection`.
#[cfg(feature = "async")]
pub trait AsyncHookConn: WriteConn + diesel_async::AsyncConnection {}

#[cfg(feature = "async")]
impl<C: WriteConn + diesel_async::AsyncConnection> AsyncHookConn for C {}

type Pk<T> = <T as Model>::PrimaryKey;
type PkSql<T> = <Pk<T> as Expression>::SqlType;
type Table<T> = <T as HasTable>::Table;
/// The row with this primary key.
type ByPk<T> = dsl::Filter<Table<T>, dsl::Eq<Pk<T>, <T as Model>::Key>>;
type Row<T, C> = dsl::Limit<dsl::Select<ByPk<T>, dsl::AsSelect<T, <C as Exec>::DB>>>;
type Inserted<T, C> = dsl::Limit<
    dsl::Select<
        dsl::Filter<Table<T>, dsl::Eq<Pk<T>, LastInsertId<PkSql<T>>>>,
        dsl::AsSelect<T, <C as Exec>::DB>,
    >,
>;

/// `WHERE pk = key`.
fn by_pk<T>(key: T::Key) -> ByPk<T>
where
    T: Model,
    Table<T>: FilterDsl<dsl::Eq<Pk<T>, T::Key>>,
    T::Key: AsExpression<PkSql<T>>,
{
    T::table().filter(Pk::<T>::default().eq(key))
}

/// Reading a model's row back by primary key on `C`.
pub trait ReadsRow<C>: Model {
    /// The row with primary key `key`, or `NotFound` for the model.
    fn row(key: Self::Key, conn: &mut C) -> impl Future<Output = Result<Self, Error>> + Send;
}

impl<T, C> ReadsRow<C> for T
where
    T: Model + Selectable<C::DB>,
    C: Exec,
    Table<T>: FilterDsl<dsl::Eq<Pk<T>, T::Key>>,
    T::Key: AsExpression<PkSql<T>>,
    dsl::AsSelect<T, C::DB>: Expression,
    ByPk<T>: SelectDsl<dsl::AsSelect<T, C::DB>>,
    dsl::Select<ByPk<T>, dsl::AsSelect<T, C::DB>>: LimitDsl,
    Row<T, C>: Fetch<C, T>,
{
    async fn row(key: T::Key, conn: &mut C) -> Result<T, Error> {
        let query = by_pk::<T>(key).select(T::as_select()).limit(1);
        let found = query.fetch_first(conn).await?;
        found.ok_or(Error::NotFound { model: T::NAME })
    }
}

impl<T, C> Persist<C> for T
where
    T: Model + DestroyHooks<C>,
    C: WriteConn,
    T::Associations: Dependents<T, C>,
    T::OwnAssociations: OwnDependents<T, C>,
    Table<T>: FilterDsl<dsl::Eq<Pk<T>, T::Key>>,
    T::Key: AsExpression<PkSql<T>>,
    ByPk<T>: SelectDsl<Pk<T>> + IntoUpdateTarget,
    Locked<dsl::Select<ByPk<T>, Pk<T>>>: Fetch<C, T::Key>,
    dsl::delete<ByPk<T>>: Execute<C>,
{
    const DESTROY_IS_DELETE: bool = <T as DestroyHooks<C>>::NONE
        && <T::Associations as Dependents<T, C>>::NONE
        && <T::OwnAssociations as OwnDependents<T, C>>::NONE;

    async fn lock_row(&self, conn: &mut C) -> Result<(), Error> {
        let query = by_pk::<T>(self.primary_key_value()).select(Pk::<T>::default());
        match Locked::new::<C>(query).fetch_all(conn).await?.is_empty() {
            true => Err(Error::NotFound { model: T::NAME }),
            false => Ok(()),
        }
    }

    async fn destroy_in(&self, conn: &mut C) -> Result<(), Error> {
        self.before_destroy(conn).await?;
        T::Associations::on_destroy(self, conn).await?;
        T::OwnAssociations::on_destroy(self, conn, destroy_boxed::<T, C>).await?;
        let delete = diesel::delete(by_pk::<T>(self.primary_key_value()));
        if delete.execute_on(conn).await? == 0 {
            return Err(Error::NotFound { model: T::NAME });
        }
        self.after_destroy(conn).await
    }
}

impl<T, C, I> InsertModel<C, I> for T
where
    T: Model + Selectable<C::DB>,
    C: Exec,
    I: InsertReturning<C, Table<T>, T> + OwnerValues<C, Table<T>> + Send,
    Table<T>: FilterDsl<dsl::Eq<Pk<T>, LastInsertId<PkSql<T>>>>,
    LastInsertId<PkSql<T>>: AsExpression<PkSql<T>> + Default,
    dsl::AsSelect<T, C::DB>: Expression,
    dsl::Filter<Table<T>, dsl::Eq<Pk<T>, LastInsertId<PkSql<T>>>>:
        SelectDsl<dsl::AsSelect<T, C::DB>>,
    dsl::Select<
        dsl::Filter<Table<T>, dsl::Eq<Pk<T>, LastInsertId<PkSql<T>>>>,
        dsl::AsSelect<T, C::DB>,
    >: LimitDsl,
    Inserted<T, C>: Fetch<C, T>,
{
    async fn insert_model(values: I, conn: &mut C) -> Result<T, Error> {
        // `RETURNING` where the backend has it; MySQL reloads by `LAST_INSERT_ID()`.
        if let Some(row) = values.insert_returning(T::table(), conn).await? {
            return Ok(row);
        }
        let inserted = T::table().filter(Pk::<T>::default().eq(LastInsertId::default()));
        let query = inserted.select(T::as_select()).limit(1);
        let found = query.fetch_first(conn).await?;
        found.ok_or(Error::NotFound { model: T::NAME })
    }
}

impl<T, C, U> UpdateModel<C, U> for T
where
    T: ReadsRow<C>,
    C: Exec,
    U: Send,
    StampedUpdate<T, U>: ChangeRow<C, ByPk<T>>,
    Table<T>: FilterDsl<dsl::Eq<Pk<T>, T::Key>>,
    T::Key: AsExpression<PkSql<T>>,
{
    async fn update_model(&self, changes: U, conn: &mut C) -> Result<T, Error> {
        // as ActiveRecord's `save` of a changed record: `updated_at` = now with the changes
        let stamped = stamped_update::<T, U>(changes);
        stamped
            .change_row(by_pk::<T>(self.primary_key_value()), conn)
            .await?;
        T::row(self.primary_key_value(), conn).await
    }
}
