//! What `#[derive(Model)]` implements for every model, owner or target.

use std::future::Future;

use diesel::associations::HasTable;

use crate::error::Error;
use crate::exec::Exec;
use crate::key::Key;
use crate::ops::{Destroy, Runs};
use crate::transaction::{transaction, Transact};

/// The SQL type of a primary key column: one value, never NULL.
pub trait PrimaryKeyType:
    diesel::sql_types::SingleValue
    + diesel::sql_types::SqlType<IsNull = diesel::sql_types::is_nullable::NotNull>
{
}

impl<ST> PrimaryKeyType for ST where
    ST: diesel::sql_types::SingleValue
        + diesel::sql_types::SqlType<IsNull = diesel::sql_types::is_nullable::NotNull>
{
}

/// A Diesel struct that takes part in `has_one` associations, as owner or as target.
///
/// Implemented by `#[derive(Model)]`, which reads the table and primary key from Diesel's
/// own `#[diesel(table_name = …, primary_key(…))]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a diesel_has_one model",
    note = "add `#[derive(diesel_has_one::Model)]` to `{Self}`: association targets derive it too"
)]
pub trait Model: HasTable + Sized + Send + Sync + 'static {
    /// The primary key value.
    type Key: Key;
    /// The primary key column.
    type PrimaryKey: diesel::Column<Table = Self::Table, SqlType: PrimaryKeyType> + Default;
    /// The type's name, for errors (`"User"`).
    const NAME: &'static str;
    /// The table's name (the last segment of Diesel's `table_name`).
    const TABLE: &'static str;
    /// The type string stored in polymorphic type columns (`imageable_type`) for this
    /// model: its name, like Rails' class name, unless `#[model(polymorphic_name = "…")]`.
    const POLYMORPHIC_NAME: &'static str = Self::NAME;
    /// The model's direct `has_one`s, as a tuple of their markers (walked by
    /// [`Dependents`](crate::dependents::Dependents) when the row is destroyed), without
    /// those targeting the model itself.
    type Associations;
    /// The `has_one`s whose target is the model itself
    /// ([`OwnDependents`](crate::dependents::OwnDependents)).
    type OwnAssociations;
    /// The Rails timestamp columns of the table the association sets on the rows it writes
    /// (see [`timestamps`](crate::timestamps)): `(created_at, updated_at)`, each a
    /// [`Stamp`](crate::timestamps::Stamp) or [`NoColumn`](crate::timestamps::NoColumn).
    type Timestamps: crate::timestamps::Timestamps;

    /// This row's primary key value.
    fn primary_key_value(&self) -> Self::Key;

    /// Destroys this row in one transaction: the row locked, the `before_destroy` hook, the `dependent`
    /// of each `has_one` (recursively: a destroyed target runs its own dependents), the
    /// row itself, the `after_destroy` hook. Any error — a hook's abort, a restriction, a
    /// database error anywhere in the cascade — rolls all of it back.
    ///
    /// Rails: `record.destroy` / `destroy!`.
    fn destroy<'s, 'c, C>(&'s self, conn: &'c mut C) -> <C as Runs<'c, Destroy<'s, Self>>>::Output
    where
        Self: Sized,
        C: Runs<'c, Destroy<'s, Self>>,
    {
        conn.run(Destroy(self))
    }
}

/// The statements `#[derive(Model)]` generates for a model on connection type `C`.
///
/// The methods run inside a transaction the caller opened; use [`Model::destroy`] and the
/// generated association methods, which open it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be written through connection `{C}`",
    note = "every association target must derive `diesel_has_one::Model`, be `Selectable`, and have its queries supported by the backend"
)]
pub trait Persist<C: Exec>: Model {
    /// Whether [`destroy_in`](Persist::destroy_in) is the row's `DELETE` alone: no hook,
    /// no `has_one` of its own. A dependent's rows are then deleted by the statement that
    /// finds them ([`Statements::delete_linked`](crate::association::Statements::delete_linked)).
    const DESTROY_IS_DELETE: bool;

    /// Locks this row until the transaction ends (`SELECT … FOR UPDATE`; on SQLite the
    /// write transaction already holds the lock). [`Error::NotFound`] if the row is gone.
    fn lock_row(&self, conn: &mut C) -> impl Future<Output = Result<(), Error>> + Send;

    /// Hooks, dependents and the row itself, inside the caller's transaction.
    fn destroy_in(&self, conn: &mut C) -> impl Future<Output = Result<(), Error>> + Send;
}

/// [`Model::destroy`] on a connection of either kind.
pub(crate) async fn destroy<T, C>(row: &T, conn: &mut C) -> Result<(), Error>
where
    C: Transact,
    T: Persist<C>,
{
    transaction(conn, async |conn: &mut C| {
        // The owner row first, as a replace locks it: no row can be linked to it between
        // the dependents' read and the owner's delete.
        row.lock_row(conn).await?;
        row.destroy_in(conn).await
    })
    .await
}
