//! Rails timestamps: the rows an association inserts get `created_at` and `updated_at` set
//! to now (one instant for both), and the rows it links or unlinks (`set_`, a replace or
//! destroy with `nullify`, a move) get `updated_at`, as ActiveRecord's `save` does.
//!
//! `#[derive(Model)]` states which of the two columns the model's table has (a field
//! mapped to `created_at` / `updated_at`) as [`Model::Timestamps`](crate::Model::Timestamps):
//! a pair of [`Stamp`] or [`NoColumn`]; `#[model(timestamps = false)]` makes it
//! `(NoColumn, NoColumn)`. The time is the one `touch` writes: UTC to the microsecond, in
//! the text ActiveRecord reads back (see [`touch`](crate::touch)).

use std::marker::PhantomData;

use diesel::dsl;
use diesel::expression::Expression;
use diesel::sql_types::SingleValue;
use diesel::{Column, ExpressionMethods};

use crate::touch::{Instant, TouchColumn, TouchTime};

/// A timestamp column of the model's table.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stamp<Col>(PhantomData<Col>);

/// The table has no such column (or the model opted out).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoColumn;

type Now<Col> = dsl::Eq<Col, TouchTime<<Col as Expression>::SqlType>>;

fn now<Col>(at: Instant) -> Now<Col>
where
    Col: Column + Default,
    Col::SqlType: TouchColumn + SingleValue,
{
    Col::default().eq(at.time())
}

/// `(created_at, updated_at)` of a model's table: what the association adds to the rows
/// it writes.
#[diagnostic::on_unimplemented(
    message = "the `created_at` / `updated_at` field of this model is not a timestamp column",
    note = "the association sets `created_at` and `updated_at` of the rows it writes, as Rails does: declare them `Timestamp` (or `Nullable<Timestamp>`; PostgreSQL also `Timestamptz`, MySQL `Datetime`), or opt out with `#[model(timestamps = false)]`"
)]
pub trait Timestamps {
    /// The values an insert adds after the link: `(link, created_at = now, updated_at = now)`.
    type Insert<L>;
    /// The assignments of an `UPDATE` that links or unlinks: `(set, updated_at = now)`.
    type Update<S>;
    /// The columns the association writes, which insert values must not set.
    type Columns;

    /// The link values, then the timestamps.
    fn insert<L>(link: L) -> Self::Insert<L>;
    /// The link assignments, then `updated_at`.
    fn update<S>(set: S) -> Self::Update<S>;
}

impl Timestamps for (NoColumn, NoColumn) {
    type Insert<L> = L;
    type Update<S> = S;
    type Columns = ();

    fn insert<L>(link: L) -> L {
        link
    }
    fn update<S>(set: S) -> S {
        set
    }
}

#[diagnostic::do_not_recommend]
impl<C> Timestamps for (Stamp<C>, NoColumn)
where
    C: Column + Default,
    C::SqlType: TouchColumn + SingleValue,
{
    type Insert<L> = (L, Now<C>);
    type Update<S> = S;
    type Columns = (C,);

    fn insert<L>(link: L) -> Self::Insert<L> {
        (link, now::<C>(Instant::now()))
    }
    fn update<S>(set: S) -> S {
        set
    }
}

#[diagnostic::do_not_recommend]
impl<U> Timestamps for (NoColumn, Stamp<U>)
where
    U: Column + Default,
    U::SqlType: TouchColumn + SingleValue,
{
    type Insert<L> = (L, Now<U>);
    type Update<S> = (S, Now<U>);
    type Columns = (U,);

    fn insert<L>(link: L) -> Self::Insert<L> {
        (link, now::<U>(Instant::now()))
    }
    fn update<S>(set: S) -> Self::Update<S> {
        (set, now::<U>(Instant::now()))
    }
}

#[diagnostic::do_not_recommend]
impl<C, U> Timestamps for (Stamp<C>, Stamp<U>)
where
    C: Column + Default,
    C::SqlType: TouchColumn + SingleValue,
    U: Column + Default,
    U::SqlType: TouchColumn + SingleValue,
{
    type Insert<L> = (L, Now<C>, Now<U>);
    type Update<S> = (S, Now<U>);
    type Columns = (C, U);

    fn insert<L>(link: L) -> Self::Insert<L> {
        let at = Instant::now();
        (link, now::<C>(at), now::<U>(at))
    }
    fn update<S>(set: S) -> Self::Update<S> {
        (set, now::<U>(Instant::now()))
    }
}
