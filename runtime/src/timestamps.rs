//! Rails timestamps: every row the library inserts gets `created_at` and `updated_at` set
//! to now (one instant for both), and every row it links or unlinks gets `updated_at`, as
//! ActiveRecord's `save` does — each row per its own model's columns:
//!
//! | rows | inserted by | updated by |
//! |---|---|---|
//! | the association's target | `create_`, `build_`+`save`, autosave's `new_row` | `set_`, a move, a replace or destroy with `nullify`, `set_(None)`, autosave's `update_row` |
//! | the owner | `insert_with_` (at the instant its new row gets) | autosave's `update_owner` |
//! | a `through` writer's join row (the parent, through a `belongs_to`) | `set_` through a `has_one` with no join row yet | `set_` |
//!
//! `#[derive(Model)]` states which of the two columns the model's table has (a field
//! mapped to `created_at` / `updated_at`) as [`Model::Timestamps`]:
//! a pair of [`Stamp`] or [`NoColumn`]; `#[model(timestamps = false)]` makes it
//! `(NoColumn, NoColumn)`. Every insert goes through [`stamped`], every link or unlink
//! through [`stamped_update`]. Values given for an inserted row must leave the columns to
//! the library ([`OmitsStamps`](crate::OmitsStamps), a compile error naming the column).
//! The time is the one `touch` writes: UTC to the microsecond, in the text ActiveRecord
//! reads back (see [`touch`](crate::touch)).

use std::marker::PhantomData;

use diesel::dsl;
use diesel::expression::Expression;
use diesel::sql_types::SingleValue;
use diesel::{Column, ExpressionMethods};

use crate::model::Model;
use crate::touch::{Instant, TouchColumn, TouchTime};

/// Insert values `V` for a row of model `M`, followed by `M`'s timestamps (`V` itself when
/// `M` has none): what [`stamped`] returns.
pub type Stamped<M, V> = <<M as Model>::Timestamps as Timestamps>::Insert<V>;
/// The assignments `S` of an `UPDATE` of `M`'s rows, then `updated_at` when `M` has one:
/// what [`stamped_update`] returns.
pub type StampedUpdate<M, S> = <<M as Model>::Timestamps as Timestamps>::Update<S>;
/// The timestamp columns of `M` the library sets on the rows of `M` it inserts, which the
/// values given for such a row must not set (a tuple of columns).
pub type StampColumns<M> = <<M as Model>::Timestamps as Timestamps>::Columns;

/// `values` for a new row of `M` with `M`'s `created_at`/`updated_at` `at` one instant:
/// the one function every insert the library writes goes through (an association's row,
/// the owner `insert_with_` inserts, a `through` writer's join row).
pub fn stamped<M: Model, V>(values: V, at: Instant) -> Stamped<M, V> {
    M::Timestamps::insert(values, at)
}

/// The assignments `set` of an `UPDATE` that links or unlinks rows of `M`, with `M`'s
/// `updated_at` = now.
pub fn stamped_update<M: Model, S>(set: S) -> StampedUpdate<M, S> {
    M::Timestamps::update(set)
}

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

    /// The link values (or, for an owner, the user's values), then the timestamps, both
    /// `at` the one instant.
    fn insert<L>(link: L, at: Instant) -> Self::Insert<L>;
    /// The link assignments, then `updated_at`.
    fn update<S>(set: S) -> Self::Update<S>;
}

impl Timestamps for (NoColumn, NoColumn) {
    type Insert<L> = L;
    type Update<S> = S;
    type Columns = ();

    fn insert<L>(link: L, _at: Instant) -> L {
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

    fn insert<L>(link: L, at: Instant) -> Self::Insert<L> {
        (link, now::<C>(at))
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

    fn insert<L>(link: L, at: Instant) -> Self::Insert<L> {
        (link, now::<U>(at))
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

    fn insert<L>(link: L, at: Instant) -> Self::Insert<L> {
        (link, now::<C>(at), now::<U>(at))
    }
    fn update<S>(set: S) -> Self::Update<S> {
        (set, now::<U>(Instant::now()))
    }
}
