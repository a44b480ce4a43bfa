//! The contract between one generated association and the runtime's transactions.
//!
//! `#[has_one(profile, …)]` on `User` generates a marker type implementing [`HasOne`]
//! (the facts) and [`Statements`] (the typed Diesel statements). The runtime drives them
//! (`replace`, `dependent`, `preload`), so the transaction logic exists once, not once per
//! association.

use std::future::Future;

use diesel::associations::HasTable;
use diesel::sql_types::SingleValue;
use diesel::{Column, QueryResult};

use crate::autosave::Validation;
use crate::exec::Exec;
use crate::key::Key;
use crate::link::Link;
use crate::model::Model;
use crate::scope::ScopeOf;
use crate::touch::Instant;

/// What happens to the associated row when its owner is destroyed (or, for the
/// removing variants, replaced). Rails' `dependent:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dependent {
    /// No option: destroying the owner leaves the row; replacing it nullifies the old row.
    None,
    /// `destroy`: load the row, run its hooks and its own dependents, delete it.
    Destroy,
    /// `delete`: one `DELETE`, no hooks.
    Delete,
    /// `nullify`: one `UPDATE` setting the foreign key to NULL.
    Nullify,
    /// `restrict_with_exception`: [`Error::DeleteRestricted`](crate::Error::DeleteRestricted).
    RestrictWithException,
    /// `restrict_with_error`: [`Error::Invalid`](crate::Error::Invalid) with a `base` error.
    RestrictWithError,
    /// `destroy_async`: a durable job row in the owner's transaction (see [`jobs`](crate::jobs)).
    DestroyAsync,
}

/// The declared facts of one `has_one`: what `#[has_one(…)]` says, as types and constants.
///
/// This is all the derive generates per association (plus the owner's methods, thin calls
/// into the runtime). The statements ([`Statements`], [`Insert`], [`Preload`], [`Touch`],
/// the eager load, the `destroy_async` job) are implemented once, in this crate, for every
/// association from these facts.
pub trait HasOne: Sized + 'static {
    /// The model that declares the association.
    type Owner: Model;
    /// The associated model.
    type Target: Model;
    /// The owner's key value stored in the target's foreign key.
    type Key: Key;
    /// The owner's key column (`primary_key = "…"`, default the primary key).
    type OwnerKey: Column<Table = <Self::Owner as HasTable>::Table, SqlType: SingleValue> + Default;
    /// The foreign key column on the target's table.
    type ForeignKey: Column<Table = <Self::Target as HasTable>::Table, SqlType: SingleValue>
        + Default;
    /// How a row is linked: [`Plain`](crate::link::Plain), or
    /// [`Typed`](crate::link::Typed) for a polymorphic `as`.
    type Link: Link<Self>;
    /// The query every statement starts from: [`Unscoped`](crate::scope::Unscoped) (the
    /// target's table), [`Scoped`](crate::scope::Scoped) or
    /// [`OwnerScoped`](crate::scope::OwnerScoped).
    type Scope: ScopeOf<Self>;
    /// The `touch` column: [`NoTouch`](crate::touch::NoTouch) or
    /// [`Touches`](crate::touch::Touches).
    type Touch;
    /// [`Validated`](crate::autosave::Validated) when `validate = true` or `autosave =
    /// true`, else [`NotValidated`](crate::autosave::NotValidated).
    type Validation: Validation;

    /// The association's name (`"profile"`).
    const NAME: &'static str;
    /// The declared `dependent`.
    const DEPENDENT: Dependent;
    /// `autosave`: `None` (Rails' default), `Some(true)`, `Some(false)`.
    const AUTOSAVE: Option<bool> = None;
    /// `required = true`.
    const REQUIRED: bool = false;
    /// `ensuring_owner_was`: the owner's method a `destroy_async` job asks first.
    const ENSURING_OWNER_WAS: Option<fn(&Self::Owner) -> bool> = None;
    /// Whether every link column is nullable (its SQL type is `Nullable<…>`).
    const FOREIGN_KEY_NULLABLE: bool = <Self::Link as Link<Self>>::NULLABLE;
    /// The foreign key column's name.
    const FOREIGN_KEY: &'static str = <Self::ForeignKey as Column>::NAME;
    /// The owner's key column's name.
    const OWNER_KEY: &'static str = <Self::OwnerKey as Column>::NAME;
    /// The polymorphic type column's name (`as`), if any.
    const FOREIGN_TYPE: Option<&'static str> = <Self::Link as Link<Self>>::FOREIGN_TYPE;
    /// Whether the association has a scope (several rows per owner are then expected).
    const SCOPED: bool = <Self::Scope as ScopeOf<Self>>::SCOPED;

    /// The owner's key value (primary key, or the column named by `primary_key`).
    fn owner_key(owner: &Self::Owner) -> Self::Key;
}

/// The columns association `A` writes itself when it inserts or links a row: `(fk,)`, or
/// `(fk, type_column)` with `as`. Values given to `create_…`/`build_…`/`new_row` must not
/// set them.
pub type LinkColumns<A> = <<A as HasOne>::Link as Link<A>>::Columns;

/// The typed statements of one `has_one` on connection type `C`, each one Diesel query
/// about the rows linked to `owner` (through its key, and its scope when declared).
/// Implemented for every association ([`statements`](crate::statements)).
pub trait Statements<C: Exec>: HasOne {
    /// The linked row first by the scope's order, then the lowest primary key
    /// (`… ORDER BY … LIMIT 1`).
    fn first(
        owner: &Self::Owner,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Option<Self::Target>>> + Send;
    /// The row `create_…` just inserted: [`first`](Statements::first) without a scope; with
    /// one, the linked row with the highest primary key (the new row may not match the
    /// scope, and other linked rows stay), which assumes ascending primary keys.
    fn created(
        owner: &Self::Owner,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Option<Self::Target>>> + Send;
    /// The rows a replace or destroy acts on, locked until the transaction ends (`FOR
    /// UPDATE`; the SQLite write transaction holds the database): every linked row (with
    /// a scope: the first one, the row the reader returns, as Rails acts on the loaded
    /// target).
    fn load_linked(
        owner: &Self::Owner,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Vec<Self::Target>>> + Send;
    /// The primary keys of the rows [`load_linked`](Statements::load_linked) returns, locked.
    fn linked_keys(
        owner: &Self::Owner,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Vec<<Self::Target as Model>::Key>>> + Send;
    /// `DELETE` the rows with these keys that are still linked to `owner`.
    fn delete_keys(
        owner: &Self::Owner,
        keys: Vec<<Self::Target as Model>::Key>,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<usize>> + Send;
    /// `UPDATE … SET fk = NULL` on the rows with these keys still linked to `owner`.
    fn unlink_keys(
        owner: &Self::Owner,
        keys: Vec<<Self::Target as Model>::Key>,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<usize>> + Send;
    /// `DELETE` every row linked to `owner` in one statement, which locks the rows it
    /// deletes, where that removes what [`linked_keys`](Statements::linked_keys) and
    /// [`delete_keys`](Statements::delete_keys) would: without a scope, on a backend whose
    /// locking reads lock only the rows they return (not MySQL:
    /// [`Backend::LOCK_LINKED_BY_KEY`](crate::backend::Backend::LOCK_LINKED_BY_KEY)).
    /// The rows deleted; `None` (nothing run) elsewhere.
    fn delete_linked(
        owner: &Self::Owner,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Option<usize>>> + Send;
    /// [`delete_linked`](Statements::delete_linked) for `UPDATE … SET fk = NULL`.
    fn unlink_linked(
        owner: &Self::Owner,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Option<usize>>> + Send;
    /// Locks the target row with primary key `target` (whoever it is linked to); false
    /// when it does not exist.
    fn lock_target(
        target: &<Self::Target as Model>::Key,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<bool>> + Send;
    /// `UPDATE … SET fk = key` on the target row with primary key `target`.
    fn link(
        owner: &Self::Owner,
        target: &<Self::Target as Model>::Key,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<usize>> + Send;
}

/// `touch`: sets the timestamp column of the linked row to now when the owner is saved or
/// destroyed through the library; does nothing without the option. Generated for every
/// association, apart from [`Statements`] so a wrong `touch` column is reported alone.
pub trait Touch<C: Exec>: HasOne {
    /// The `UPDATE`; the number of rows touched.
    fn touch(owner: &Self::Owner, conn: &mut C) -> impl Future<Output = QueryResult<usize>> + Send;
}

/// Loading the rows of many owners in one query (not available for a scope that takes
/// the owner: Rails raises for those too).
pub trait Preload<C: Exec>: HasOne {
    /// Every row linked to any of `keys`, handed to `each` as it is read (no `Vec` of
    /// every row on the way). With a scope, or text primary keys, the
    /// rows come in the reader's order (the scope's order, then the primary key);
    /// otherwise in no order ([`PreloadOrder`](crate::preload_order::PreloadOrder)).
    fn preload<F: FnMut(Self::Target) + Send>(
        keys: Vec<Self::Key>,
        conn: &mut C,
        each: F,
    ) -> impl Future<Output = QueryResult<()>> + Send;

    /// The owner key row `row`'s foreign key holds (read from the row's own field, not
    /// selected again), `None` when it holds none.
    fn linked_key(row: &Self::Target) -> Option<&<Self::Key as Key>::Repr>;

    /// Whether an owner's first row is the reader's row; otherwise its row with the lowest
    /// primary key is.
    fn first_row_wins() -> bool;
}

/// Inserting `V` (the target's columns without the foreign key) as the linked row.
#[diagnostic::on_unimplemented(
    message = "`{V}` cannot be inserted as this association's row",
    note = "pass a value that is `Insertable` into the target table and does not set the foreign key (the association sets it)"
)]
pub trait Insert<C: Exec, V>: Statements<C> {
    /// `INSERT INTO target (…, fk[, created_at, updated_at]) VALUES (…, key[, at, at])`,
    /// with `RETURNING` where the backend has it: `Some(row)`; `None` asks for
    /// [`created`](Statements::created). The target's Rails timestamps (see
    /// [`timestamps`](crate::timestamps)) are set to `at`.
    fn insert(
        owner: &Self::Owner,
        values: V,
        at: Instant,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Option<Self::Target>>> + Send;
}

/// One declared `has_one`, as the derive registered it: what [`declarations`]
/// returns and the schema audit checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Declaration {
    /// The owner's type name (`"User"`).
    pub owner: &'static str,
    /// The owner's table.
    pub owner_table: &'static str,
    /// The owner's key column the foreign key stores.
    pub owner_key: &'static str,
    /// The association's name (`"profile"`).
    pub name: &'static str,
    /// The target's type name.
    pub target: &'static str,
    /// The target's table.
    pub target_table: &'static str,
    /// The foreign key column on the target table.
    pub foreign_key: &'static str,
    /// Whether `table!` declares the foreign key `Nullable`.
    pub foreign_key_nullable: bool,
    /// The declared `dependent`.
    pub dependent: Dependent,
    /// The polymorphic type column (`as`), if any.
    pub foreign_type: Option<&'static str>,
    /// Whether a scope selects among several linked rows (the audit then asks for a
    /// plain index, not a unique one).
    pub scoped: bool,
}

/// Every `has_one` declared in the program (all linked crates), sorted by owner and name.
pub fn declarations() -> Vec<Declaration> {
    let mut all: Vec<Declaration> = inventory::iter::<crate::__private::Registered>
        .into_iter()
        .map(|r| (r.0)())
        .collect();
    all.sort_by_key(|d| (d.owner, d.name));
    all
}
