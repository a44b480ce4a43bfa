//! What the expansion of `#[derive(Model)]` names. Not a public API.

pub use diesel;
#[cfg(feature = "async")]
pub use diesel_async;
pub use inventory;

// Every name the expansion uses, in one flat namespace: the derive reaches the runtime
// through `use ::diesel_has_one::__private as _rt;` only.
pub use crate::association::{Dependent, HasOne, Insert, Preload, Statements, Touch};
pub use crate::autosave::{
    ChangeRow, InsertModel, InsertOwner, KeepOwner, KeepRow, NotValidated, Save, UpdateModel,
    ValidateWith, Validated, ValidatesValues,
};
pub use crate::build::Built;
pub use crate::checks::{
    async_destroy_hook, check_inverse_foreign_key, check_inverse_parent, check_key_fits,
    check_model, check_nullable, sync_destroy_hook, BelongsTo, Ch, Column, DestroyHook,
    StrictLoading,
};
pub use crate::checks::{
    ForeignKeyColumn, ForeignTypeColumn, InverseOf, Name, Spelled, Spelling, TouchedColumn,
};
pub use crate::connection::{write_transaction, Conn};
pub use crate::dependent::{on_destroy, on_destroy_with};
pub use crate::dependents::Dependents;
pub use crate::eager::EagerLoad;
pub use crate::eager::EagerLoads;
pub use crate::error::Error;
pub use crate::field::FieldOf;
pub use crate::jobs::JobStore;
pub use crate::key::{Key, KeyFits};
pub use crate::key_set::KeyIn;
pub use crate::last_insert::LastInsertId;
pub use crate::link::LinkOf;
pub use crate::link::{Plain, Typed};
pub use crate::lock::{Locked, RowLock};
pub use crate::model::{Model, Persist};
pub use crate::null::{is_nullable, Null, NullFlag};
pub use crate::omits::{OmitsLinks, OmitsStamps};
pub use crate::ops::{Create, Operation, PreloadAll, Read, RunOn, Runs, RunsNow, Set};
#[cfg(feature = "async")]
pub use crate::persist::AsyncHookConn;
pub use crate::persist::{DestroyHooks, WriteConn};
pub use crate::preload::preload;
pub use crate::replace::{create, set, ValidatesTarget};
pub use crate::returning::{InsertReturning, OwnerValues};
pub use crate::scope::{
    InstanceDependentScope, OwnerScope, OwnerScoped, Scoped, TableScope, Unscoped,
};
pub use crate::statements::{Ordered, Queries, QueriesFor};
pub use crate::subquery::{Correlated, OuterEq};
pub use crate::through::chain::{AnyType, OfType, SourceType, Then, Via};
pub use crate::through::preload::PreloadThrough;
pub use crate::through::read::{Joined, ReadThrough, Separate, ThroughQuery};
pub use crate::through::write::{SetThrough, ViaBelongsTo, ViaHasOne};
pub use crate::through::{
    Association, BelongsToSource, CloneTarget, FromBelongsTo, FromHasOne, HasOneSource, IntoStart,
    SourceKind, SpelledPolymorphicSource, SpelledSource, Start, Target, Through, ThroughOf,
    WritableThrough,
};
pub use crate::timestamps::{stamped, stamped_update, NoColumn, Stamp, Stamped, StampedUpdate};
pub use crate::touch::{Instant, NoTouch, TouchNow, Touches};
pub use crate::{__register, __register_destroy_async};
pub use diesel::QueryResult;
pub use std::future::Future;
pub use std::marker::Send;
pub use std::option::Option;
pub use std::vec::Vec;

/// The generated writers' result.
pub type Result<T> = std::result::Result<T, crate::Error>;

/// Inserts the user's values together with the foreign key the association sets
/// (`INSERT … (…, fk) VALUES (…, key)`), reading the new row back as `Out` where the
/// backend returns it (see [`returning`](crate::returning)).
///
/// Implemented for every `V` whose tuple with the key is insertable; the generated code
/// states this one bound, which is proven where `V` is known.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be inserted as this association's row",
    note = "pass a value that is `Insertable` into the target's table and does not set the foreign key (the association sets it)"
)]
pub trait InsertWithKey<C, T, K, Out>: Sized {
    /// Runs the `INSERT`; `None` when the caller must reselect the row.
    fn insert_with_key(
        self,
        table: T,
        key: K,
        conn: &mut C,
    ) -> impl std::future::Future<Output = QueryResult<Option<Out>>> + Send;
}

impl<V, C, T, K, Out> InsertWithKey<C, T, K, Out> for V
where
    (V, K): crate::returning::InsertReturning<C, T, Out>,
{
    fn insert_with_key(
        self,
        table: T,
        key: K,
        conn: &mut C,
    ) -> impl std::future::Future<Output = QueryResult<Option<Out>>> + Send {
        crate::returning::InsertReturning::insert_returning((self, key), table, conn)
    }
}

/// A declared `has_one`, registered at link time by the expansion (see
/// [`declarations`](crate::declarations)).
pub struct Registered(pub fn() -> crate::association::Declaration);

inventory::collect!(Registered);

/// The facts of association `A`, for the registry.
pub fn describe<A: crate::association::HasOne>() -> crate::association::Declaration {
    use crate::model::Model;
    crate::association::Declaration {
        owner: <A::Owner as Model>::NAME,
        owner_table: <A::Owner as Model>::TABLE,
        owner_key: A::OWNER_KEY,
        name: A::NAME,
        target: <A::Target as Model>::NAME,
        target_table: <A::Target as Model>::TABLE,
        foreign_key: A::FOREIGN_KEY,
        foreign_key_nullable: A::FOREIGN_KEY_NULLABLE,
        dependent: A::DEPENDENT,
        foreign_type: A::FOREIGN_TYPE,
        scoped: A::SCOPED,
    }
}
