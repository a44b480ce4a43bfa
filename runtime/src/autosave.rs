//! Saving an owner together with its `has_one` in one transaction: Rails' `autosave`,
//! `validate` and `required`.
//!
//! `user.save_with_profile()` (owner kept) or `User::insert_with_profile(values)` start a
//! [`Save`]; `.update_owner(changes)`, `.new_row(values)`, `.update_row(&row, changes)` and
//! `.destroy_row(&row)` say what to write; `.save(conn)` validates first and writes
//! nothing when anything is invalid, then writes the owner, then the associated row with
//! the owner's key, all in one transaction:
//!
//! | association option | new row | changed row | row marked for destruction |
//! |---|---|---|---|
//! | (default) | inserted (replacing the old one per `dependent`) | not written | not destroyed |
//! | `autosave = true` | inserted | updated | destroyed |
//! | `autosave = false` | not written | not written | not destroyed |
//!
//! `validate = true` (default false, like Rails; implied by `autosave = true`) runs
//! [`Validate`] on the new or changed row before any write. `required = true`
//! fails the save when, after it, no associated row would exist.
//!
//! Rails timestamps ([`timestamps`](crate::timestamps)): the owner `insert_with_…` inserts
//! and the new row get their models' `created_at`/`updated_at`, all four one instant; the
//! `UPDATE`s of `update_owner` and `update_row` write the changeset given and
//! `updated_at` = now, as ActiveRecord's `save` of a changed record does (so the changeset
//! itself must leave `updated_at` out: PostgreSQL rejects a column assigned twice).

use std::future::Future;
use std::marker::PhantomData;

use diesel::QueryResult;

use crate::association::{HasOne, Insert, Statements, Touch};
use crate::connection::Conn;
use crate::dependent;
use crate::error::{Error, Errors};
use crate::exec::{block_now, Exec};
use crate::model::{Model, Persist};
#[cfg(feature = "async")]
use crate::ops::AsyncRunOn;
use crate::ops::{Operation, RunOn, Runs};
use crate::timestamps::{stamped, Stamped};
use crate::touch::Instant;
use crate::transaction::{transaction, Transact};
use crate::validate::Validate;
use crate::write_exec::Execute;

/// Inserting an owner from `values` and reloading it (generated per model: needs an
/// auto-increment integer primary key, read back with the backend's last-insert-id
/// function).
pub trait InsertModel<C: Exec, I>: Model {
    /// `INSERT` + reload.
    fn insert_model(values: I, conn: &mut C) -> impl Future<Output = Result<Self, Error>> + Send;
}

/// Updating a row with a changeset and reloading it (generated per model).
pub trait UpdateModel<C: Exec, U>: Model {
    /// `UPDATE … WHERE pk = …` + reload.
    fn update_model(
        &self,
        changes: U,
        conn: &mut C,
    ) -> impl Future<Output = Result<Self, Error>> + Send;
}

/// Whether an association validates its rows: [`Validated`] or [`NotValidated`].
pub trait Validation {
    /// Validates `value` into `errors`, or does nothing.
    fn check<V: ?Sized>(value: &V, errors: &mut Errors)
    where
        Self: ValidateWith<V>,
    {
        <Self as ValidateWith<V>>::check_with(value, errors)
    }
}

/// `validate = true` or `autosave = true`.
#[derive(Debug)]
pub struct Validated;
/// Neither.
#[derive(Debug)]
pub struct NotValidated;
impl Validation for Validated {}
impl Validation for NotValidated {}

/// Validation of a value of type `V` under a [`Validation`] mode.
pub trait ValidateWith<V: ?Sized> {
    /// Adds `value`'s errors (or none).
    fn check_with(value: &V, errors: &mut Errors);
}
impl<V: Validate + ?Sized> ValidateWith<V> for Validated {
    fn check_with(value: &V, errors: &mut Errors) {
        value.validate(errors)
    }
}
impl<V: ?Sized> ValidateWith<V> for NotValidated {
    fn check_with(_value: &V, _errors: &mut Errors) {}
}

/// The values `V` of a new row pass association `A`'s validation: `V:`
/// [`Validate`] when the association declares `validate` or `autosave`.
pub trait ValidatesValues<V>: HasOne {
    /// [`validate`](crate::replace::validate) of `values`.
    fn validate_values(values: &V) -> Result<(), Error>;
}

impl<A: HasOne, V> ValidatesValues<V> for A
where
    A::Validation: ValidateWith<V>,
{
    fn validate_values(values: &V) -> Result<(), Error> {
        crate::replace::validate::<A, V>(Some(values))
    }
}

/// The autosave options of an association: `AUTOSAVE`, `REQUIRED` and `Validation`
/// of its [`HasOne`] facts.
pub trait AutosaveOptions: HasOne {}

impl<A: HasOne> AutosaveOptions for A {}

/// What [`Save`] does with the owner.
pub trait OwnerAction<A: HasOne, C: Exec> {
    /// Whether the owner row exists before the save (an update or a kept owner).
    const EXISTS: bool;
    /// Writes (or locks) the owner and returns its row; an inserted owner's Rails
    /// timestamps are `at`.
    fn write(
        self,
        at: Instant,
        conn: &mut C,
    ) -> impl Future<Output = Result<A::Owner, Error>> + Send;
}

/// What [`Save`] does with the associated row.
pub trait RowAction<A: AutosaveOptions, C: Exec> {
    /// Adds the validation errors of the values (per the association's options).
    fn validate(&self, errors: &mut Errors);
    /// `Some(present)` when the action alone decides whether a row exists after the save;
    /// `None` when the database decides (nothing given).
    fn present_after(&self) -> Option<bool>;
    /// Writes per the association's `autosave` and returns the row linked afterwards; an
    /// inserted row's Rails timestamps are `at`.
    fn write(
        self,
        owner: &A::Owner,
        at: Instant,
        conn: &mut C,
    ) -> impl Future<Output = Result<Option<A::Target>, Error>> + Send;
}

/// The owner is kept as it is (locked for the transaction).
pub struct KeepOwner<'a, O>(&'a O);
/// The owner is inserted from these values.
pub struct InsertOwner<I>(I);
/// The owner is updated with this changeset.
pub struct UpdateOwner<'a, O, U>(&'a O, U);

/// No associated row given.
pub struct KeepRow;
/// A new associated row from these values.
pub struct NewRow<V>(V);
/// The associated row with this changeset.
pub struct UpdateRow<'a, T, U>(&'a T, U);
/// The associated row, marked for destruction.
pub struct DestroyRow<'a, T>(&'a T);

/// An owner and its `has_one` `A`, to be saved together; see the module docs.
#[must_use = "nothing is written until `.save(conn)`"]
pub struct Save<A, O, R> {
    owner: O,
    row: R,
    /// `fn() -> A`: a `Save` is `Send` whatever the marker type is.
    association: PhantomData<fn() -> A>,
}

impl<'a, A: HasOne> Save<A, KeepOwner<'a, A::Owner>, KeepRow> {
    #[doc(hidden)]
    pub fn keep(owner: &'a A::Owner) -> Self {
        Save {
            owner: KeepOwner(owner),
            row: KeepRow,
            association: PhantomData,
        }
    }

    /// Updates the owner with `changes` (an `AsChangeset`) as part of the save.
    pub fn update_owner<U>(self, changes: U) -> Save<A, UpdateOwner<'a, A::Owner, U>, KeepRow> {
        Save {
            owner: UpdateOwner(self.owner.0, changes),
            row: KeepRow,
            association: PhantomData,
        }
    }
}

impl<A: HasOne, I> Save<A, InsertOwner<I>, KeepRow> {
    #[doc(hidden)]
    pub fn insert(values: I) -> Self {
        Save {
            owner: InsertOwner(values),
            row: KeepRow,
            association: PhantomData,
        }
    }
}

impl<A: HasOne, O> Save<A, O, KeepRow> {
    /// A new associated row from `values` (without the foreign key).
    pub fn new_row<V>(self, values: V) -> Save<A, O, NewRow<V>>
    where
        V: crate::omits::OmitsLinks<A>,
    {
        Save {
            owner: self.owner,
            row: NewRow(values),
            association: PhantomData,
        }
    }

    /// Changes for the existing associated row `row`.
    pub fn update_row<U>(
        self,
        row: &A::Target,
        changes: U,
    ) -> Save<A, O, UpdateRow<'_, A::Target, U>> {
        Save {
            owner: self.owner,
            row: UpdateRow(row, changes),
            association: PhantomData,
        }
    }

    /// Marks the associated row `row` for destruction (Rails' `mark_for_destruction`).
    pub fn destroy_row(self, row: &A::Target) -> Save<A, O, DestroyRow<'_, A::Target>> {
        Save {
            owner: self.owner,
            row: DestroyRow(row),
            association: PhantomData,
        }
    }
}

impl<A: AutosaveOptions, O, R> Save<A, O, R> {
    /// Validates, then writes the owner and the associated row in one transaction.
    /// Returns the owner's row and the associated row linked afterwards (on an async
    /// connection, a future of them). Nothing is written when a validation fails
    /// ([`Error::Invalid`]).
    pub fn save<'c, C>(self, conn: &'c mut C) -> <C as Runs<'c, Self>>::Output
    where
        C: Runs<'c, Self>,
    {
        conn.run(self)
    }

    /// The validation before anything is written: the row's values, and `required`.
    fn validate<C: Exec>(&self) -> Result<(), Error>
    where
        O: OwnerAction<A, C>,
        R: RowAction<A, C>,
    {
        let mut errors = Errors::new();
        self.row.validate(&mut errors);
        if A::REQUIRED && self.row.present_after() == Some(false)
            || A::REQUIRED && !O::EXISTS && self.row.present_after().is_none()
        {
            errors.add(A::NAME, "must exist");
        }
        match errors.is_empty() {
            true => Ok(()),
            false => Err(Error::Invalid(errors)),
        }
    }
}

impl<A: AutosaveOptions, O, R> Operation for Save<A, O, R> {
    type Output = Result<(A::Owner, Option<A::Target>), Error>;
}

/// [`Save`] on a connection of either kind: validation, then the owner and the row
/// written in one write transaction.
async fn save<A, O, R, C>(save: Save<A, O, R>, conn: &mut C) -> <Save<A, O, R> as Operation>::Output
where
    C: Transact,
    O: OwnerAction<A, C> + Send,
    R: RowAction<A, C> + Send,
    A: AutosaveOptions + Statements<C> + Touch<C>,
{
    save.validate::<C>()?;
    let Save { owner, row, .. } = save;
    transaction(conn, async |conn: &mut C| {
        // One instant for every row the save inserts: the owner's and the associated
        // row's `created_at`/`updated_at` are equal.
        let at = Instant::now();
        let present_after = row.present_after();
        let owner = owner.write(at, conn).await?;
        if A::REQUIRED && present_after.is_none() && A::first(&owner, conn).await?.is_none() {
            let mut errors = Errors::new();
            errors.add(A::NAME, "must exist");
            return Err(Error::Invalid(errors));
        }
        let row = row.write(&owner, at, conn).await?;
        // `touch` changes the row just read: read it again so the caller sees the new
        // timestamp.
        let row = match A::touch(&owner, conn).await? {
            0 => row,
            _ => A::first(&owner, conn).await?,
        };
        Ok((owner, row))
    })
    .await
}

impl<A, O, R, C> RunOn<C> for Save<A, O, R>
where
    C: Conn,
    O: OwnerAction<A, C> + Send,
    R: RowAction<A, C> + Send,
    A: AutosaveOptions + Statements<C> + Touch<C>,
{
    fn run_on(self, conn: &mut C) -> Self::Output {
        block_now(save(self, conn))
    }
}

#[cfg(feature = "async")]
impl<A, O, R, C> AsyncRunOn<C> for Save<A, O, R>
where
    C: Transact,
    O: OwnerAction<A, C> + Send,
    R: RowAction<A, C> + Send,
    A: AutosaveOptions + Statements<C> + Touch<C>,
{
    fn run_async(self, conn: &mut C) -> impl Future<Output = Self::Output> + Send {
        save(self, conn)
    }
}

impl<'a, A: HasOne, C: Exec> OwnerAction<A, C> for KeepOwner<'a, A::Owner>
where
    A::Owner: Persist<C> + Clone,
{
    const EXISTS: bool = true;
    async fn write(self, _at: Instant, conn: &mut C) -> Result<A::Owner, Error> {
        self.0.lock_row(conn).await?;
        Ok(self.0.clone())
    }
}

/// The owner is inserted with its own Rails timestamps (`created_at`/`updated_at` of the
/// owner's model, as for any row the library inserts), which `insert_with_…` values must
/// not set ([`OmitsStamps`](crate::OmitsStamps)).
impl<A: HasOne, C: Exec, I: Send> OwnerAction<A, C> for InsertOwner<I>
where
    A::Owner: InsertModel<C, Stamped<A::Owner, I>>,
{
    const EXISTS: bool = false;
    async fn write(self, at: Instant, conn: &mut C) -> Result<A::Owner, Error> {
        A::Owner::insert_model(stamped::<A::Owner, I>(self.0, at), conn).await
    }
}

impl<'a, A: HasOne, C: Exec, U: Send> OwnerAction<A, C> for UpdateOwner<'a, A::Owner, U>
where
    A::Owner: UpdateModel<C, U> + Persist<C>,
{
    const EXISTS: bool = true;
    async fn write(self, _at: Instant, conn: &mut C) -> Result<A::Owner, Error> {
        self.0.lock_row(conn).await?;
        self.0.update_model(self.1, conn).await
    }
}

impl<A: AutosaveOptions + Statements<C>, C: Exec> RowAction<A, C> for KeepRow {
    fn validate(&self, _errors: &mut Errors) {}
    fn present_after(&self) -> Option<bool> {
        None
    }
    async fn write(
        self,
        owner: &A::Owner,
        _at: Instant,
        conn: &mut C,
    ) -> Result<Option<A::Target>, Error> {
        Ok(A::first(owner, conn).await?)
    }
}

impl<A, C, V> RowAction<A, C> for NewRow<V>
where
    C: Exec,
    V: Send,
    A: AutosaveOptions + Insert<C, V>,
    A::Validation: ValidateWith<V>,
    A::Owner: Persist<C>,
    A::Target: Persist<C>,
{
    fn validate(&self, errors: &mut Errors) {
        <A::Validation as ValidateWith<V>>::check_with(&self.0, errors)
    }
    fn present_after(&self) -> Option<bool> {
        (A::AUTOSAVE != Some(false)).then_some(true)
    }
    async fn write(
        self,
        owner: &A::Owner,
        at: Instant,
        conn: &mut C,
    ) -> Result<Option<A::Target>, Error> {
        if A::AUTOSAVE == Some(false) {
            return Ok(A::first(owner, conn).await?);
        }
        dependent::on_replace::<A, C>(owner, conn).await?;
        Ok(crate::replace::insert_row::<A, C, V>(owner, self.0, at, conn).await?)
    }
}

impl<'a, A, C, U> RowAction<A, C> for UpdateRow<'a, A::Target, U>
where
    C: Exec,
    U: Send,
    A: AutosaveOptions + Statements<C>,
    A::Validation: ValidateWith<U>,
    A::Target: UpdateModel<C, U>,
{
    fn validate(&self, errors: &mut Errors) {
        <A::Validation as ValidateWith<U>>::check_with(&self.1, errors)
    }
    fn present_after(&self) -> Option<bool> {
        Some(true)
    }
    async fn write(
        self,
        owner: &A::Owner,
        _at: Instant,
        conn: &mut C,
    ) -> Result<Option<A::Target>, Error> {
        if A::AUTOSAVE == Some(true) {
            self.0.update_model(self.1, conn).await?;
        }
        Ok(A::first(owner, conn).await?)
    }
}

impl<'a, A, C> RowAction<A, C> for DestroyRow<'a, A::Target>
where
    C: Exec,
    A: AutosaveOptions + Statements<C>,
    A::Target: Persist<C>,
{
    fn validate(&self, _errors: &mut Errors) {}
    fn present_after(&self) -> Option<bool> {
        Some(A::AUTOSAVE != Some(true))
    }
    async fn write(
        self,
        owner: &A::Owner,
        _at: Instant,
        conn: &mut C,
    ) -> Result<Option<A::Target>, Error> {
        if A::AUTOSAVE == Some(true) {
            self.0.destroy_in(conn).await?;
        }
        Ok(A::first(owner, conn).await?)
    }
}

/// `changes` applied to the rows of `Target` (`update_model`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a changeset for this table",
    note = "pass an `AsChangeset` value for the model's table"
)]
pub trait ChangeRow<C, Target>: Sized {
    /// Runs the `UPDATE`.
    fn change_row(
        self,
        target: Target,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<usize>> + Send;
}

impl<U, C, Target> ChangeRow<C, Target> for U
where
    C: Exec,
    Target: diesel::query_builder::IntoUpdateTarget,
    U: diesel::AsChangeset<Target = <Target as diesel::associations::HasTable>::Table>,
    diesel::dsl::Update<Target, U>: diesel::query_builder::AsQuery + Execute<C>,
{
    fn change_row(
        self,
        target: Target,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<usize>> + Send {
        diesel::update(target).set(self).execute_on(conn)
    }
}
