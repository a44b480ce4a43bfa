//! Which columns insert values set, known at compile time: the check that the values given
//! to `create_…`/`build_…`/`new_row` leave the columns the association sets itself (the
//! foreign key, and with `as` the type column) alone, that the values of any row the
//! library inserts (those, and the owner of `insert_with_…`) leave the model's Rails
//! timestamps alone ([`OmitsStamps`]), and whether an owner's values carry an explicit
//! primary key (how the inserted owner is read back on MySQL).
//!
//! Diesel's `table!` states, for every pair of columns of a table, whether they are the
//! same column (`IsContainedInGroupBy<Other, Output = Yes | No>`); folding that over the
//! insert values' columns answers "is this column among them" without specialization.

use diesel::associations::HasTable;
use diesel::expression::is_contained_in_group_by::{IsAny, No, Yes};
use diesel::expression::IsContainedInGroupBy;
use diesel::insertable::{ColumnInsertValue, DefaultableColumnInsertValue};
use diesel::query_builder::ValuesClause;
use diesel::Insertable;

use crate::association::HasOne;
use crate::model::Model;
use crate::timestamps::StampColumns;

/// Values for association `A`'s target table that do not set its
/// [`LinkColumns`](crate::association::LinkColumns), which the association writes itself.
///
/// Values that are not `Insertable` into the table fail on that bound first (Diesel's
/// message); values that set a link column fail naming it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be inserted as this association's row",
    note = "pass a value that is `Insertable` into the target's table and does not set the foreign key (the association sets it)"
)]
pub trait OmitsLinks<A> {}

impl<V, A> OmitsLinks<A> for V
where
    A: HasOne,
    V: OmitsColumns<<A::Target as HasTable>::Table, crate::association::LinkColumns<A>>,
    V: OmitsStamps<A::Target>,
{
}

/// Values for a new row of model `M` that do not set `M`'s Rails timestamps
/// ([`StampColumns`]), which the library sets on every row it inserts: an association's
/// row (part of [`OmitsLinks`]) and the owner `insert_with_…` inserts.
///
/// Values that set one fail naming the column; with `#[model(timestamps = false)]` on `M`
/// (or no such fields) any values pass.
pub trait OmitsStamps<M> {}

impl<V, M> OmitsStamps<M> for V
where
    M: Model,
    V: OmitsColumns<<M as HasTable>::Table, StampColumns<M>>,
{
}

/// Values for table `T` that set none of the columns `Cols` (a tuple). With no columns
/// this says nothing, not even that the values are `Insertable` (the insert's own bounds
/// say so, once).
pub trait OmitsColumns<T, Cols> {}

impl<V, T> OmitsColumns<T, ()> for V {}

impl<V, T, C0> OmitsColumns<T, (C0,)> for V
where
    V: Insertable<T>,
    V::Values: Lacks<C0>,
{
}

impl<V, T, C0, C1> OmitsColumns<T, (C0, C1)> for V
where
    V: Insertable<T>,
    V::Values: Lacks<C0> + Lacks<C1>,
{
}

/// Insert values (Diesel's values clause, its tuples and column values) without `Col`.
#[diagnostic::on_unimplemented(
    message = "these values set `{Col}`, a column this association sets itself",
    label = "these values set `{Col}`",
    note = "the association writes the foreign key (and, with `as`, the type column) from the owner, and `created_at`/`updated_at` of every row it inserts, the target's and the owner's of `insert_with_…` (unless that model has `#[model(timestamps = false)]`): remove `{Col}` from the values' struct or tuple"
)]
pub trait Lacks<Col> {}

// Without `do_not_recommend` the error is a bare type mismatch on `Sets`.
#[diagnostic::do_not_recommend]
impl<Col, V> Lacks<Col> for V where V: SetsColumn<Col, Sets = No> {}

/// Whether insert values set the column `Col`: [`Sets`](SetsColumn::Sets) is Diesel's
/// `Yes` or `No`.
pub trait SetsColumn<Col> {
    /// `Yes` when one of the values is for `Col`.
    type Sets;
}

impl<Col, Inner, T> SetsColumn<Col> for ValuesClause<Inner, T>
where
    Inner: SetsColumn<Col>,
{
    type Sets = Inner::Sets;
}

// `IsContainedInGroupBy` is `Yes` for a column and itself, and from the primary key to
// every column (grouping by the key allows them all): a column is `Col` when it is `Yes`
// both ways, so values that set the primary key do not count as setting `Col`.
impl<Col, Other, Expr> SetsColumn<Col> for ColumnInsertValue<Other, Expr>
where
    Other: IsContainedInGroupBy<Col>,
    Col: IsContainedInGroupBy<Other>,
    <Other as IsContainedInGroupBy<Col>>::Output: And<<Col as IsContainedInGroupBy<Other>>::Output>,
{
    type Sets = <<Other as IsContainedInGroupBy<Col>>::Output as And<
        <Col as IsContainedInGroupBy<Other>>::Output,
    >>::Output;
}

/// Diesel's `Yes`/`No` combined: `Yes` when both are.
pub trait And<Other> {
    /// `Yes` or `No`.
    type Output;
}

impl And<Yes> for Yes {
    type Output = Yes;
}

impl And<No> for Yes {
    type Output = No;
}

impl<Other> And<Other> for No {
    type Output = No;
}

impl<Col, Inner> SetsColumn<Col> for DefaultableColumnInsertValue<Inner>
where
    Inner: SetsColumn<Col>,
{
    type Sets = Inner::Sets;
}

macro_rules! sets_column_for_tuples {
    ($last:ident) => {
        impl<Col, $last: SetsColumn<Col>> SetsColumn<Col> for ($last,) {
            type Sets = $last::Sets;
        }
    };
    ($first:ident, $($rest:ident),+) => {
        impl<Col, $first, $($rest),+> SetsColumn<Col> for ($first, $($rest,)+)
        where
            $first: SetsColumn<Col>,
            ($($rest,)+): SetsColumn<Col>,
            $first::Sets: IsAny<<($($rest,)+) as SetsColumn<Col>>::Sets>,
        {
            type Sets = <$first::Sets as IsAny<<($($rest,)+) as SetsColumn<Col>>::Sets>>::Output;
        }
        sets_column_for_tuples!($($rest),+);
    };
}

sets_column_for_tuples!(
    A0, A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11, A12, A13, A14, A15, A16, A17, A18, A19, A20,
    A21, A22, A23, A24, A25, A26, A27, A28, A29, A30, A31
);
