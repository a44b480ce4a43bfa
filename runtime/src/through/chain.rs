//! A `through` chain as a type: the tables from the owner to the target, hop by hop.
//!
//! `First<M, In, V>` is the first table: rows of `M` whose column `In` holds the owner's
//! value (of type `V`). `Then<P, H>` follows hop `H` from the last table of chain `P`: the
//! rows of `H`'s table whose column `In` holds the values of a column `Out` of `P`'s last
//! table. The derive writes the chain of an association as one such type; the reader,
//! preload, eager load and writer walk it here, once for every chain.

use std::marker::PhantomData;

use diesel::associations::HasTable;
use diesel::dsl;
use diesel::expression::array_comparison::AsInExpression;
use diesel::expression::AsExpression;
use diesel::query_dsl::methods::{FilterDsl, SelectDsl};
use diesel::sql_types::SingleValue;
use diesel::{Expression, ExpressionMethods, NullableExpressionMethods};

use super::{PolymorphicSource, Source, SourceKind};
use crate::in_subselect::InSubselect;
use crate::model::Model;

/// A type-level marker for types `T` (never holds a value of them).
type Marks<T> = PhantomData<fn() -> T>;

/// The first table of a chain: rows of `M` whose column `In` holds the owner's value `V`.
pub struct First<M, In, V>(Marks<(M, In, V)>);

/// Chain `P` followed by hop `H`.
pub struct Then<P, H>(Marks<(P, H)>);

/// The hop to the model reached by association `N` of the previous table's model (the
/// join model), keeping only the join rows `F` accepts: [`AnyType`], or [`OfType`] for
/// `source_type`. `N` is a marker of the owner's derive named like the `source`
/// (`has_one::club`), which spells the name ([`Spelling`](crate::checks::Spelling)), so
/// messages about the hop name the source as the user wrote it.
pub struct Via<N, F = AnyType>(Marks<(N, F)>);

/// One hop after the first, from the join model `J`.
pub trait Hop<J> {
    /// The model reached.
    type Model: Model;
    /// Its column matched.
    type In: Default;
    /// The values matched.
    type Value;
    /// The join model's column whose values are matched.
    type Out: Default;
    /// Which join rows count ([`AnyType`] or [`TypeIs`]).
    type Filter;
    /// [`BelongsToSource`](super::BelongsToSource) or
    /// [`HasOneSource`](super::HasOneSource).
    type Kind;
}

impl<J, N, F> Hop<J> for Via<N, F>
where
    J: Source<N>,
    J::Kind: SourceKind<J::Target>,
    J::Target: Model,
    J::Out: Default,
    <J::Kind as SourceKind<J::Target>>::In: Default,
    F: FilterFor<J, N>,
{
    type Model = J::Target;
    type In = <J::Kind as SourceKind<J::Target>>::In;
    type Value = <J::Kind as SourceKind<J::Target>>::Value;
    type Out = J::Out;
    type Filter = F::Filter;
    type Kind = J::Kind;
}

/// The join rows of `J` a hop through its association `N` keeps.
pub trait FilterFor<J, N> {
    /// [`AnyType`] or [`TypeIs`].
    type Filter;
}

impl<J, N> FilterFor<J, N> for AnyType {
    type Filter = AnyType;
}

impl<J: PolymorphicSource<N>, N, A> FilterFor<J, N> for OfType<A> {
    type Filter = TypeIs<J::TypeColumn, A>;
}

/// `source_type`: the join rows whose polymorphic type column holds association `A`'s
/// [`SourceType`].
pub struct OfType<A>(Marks<A>);

/// What every chain states.
pub trait Chain {
    /// The first table's column matched against the owner's value.
    type StartIn: Default;
    /// The owner's value.
    type Start;
    /// The model reached.
    type Last: Model;
}

impl<M: Model, In: Default, V> Chain for First<M, In, V> {
    type StartIn = In;
    type Start = V;
    type Last = M;
}

impl<P: Chain, H: Hop<P::Last>> Chain for Then<P, H> {
    type StartIn = P::StartIn;
    type Start = P::Start;
    type Last = H::Model;
}

/// Every join row.
#[derive(Debug)]
pub struct AnyType;

/// The join rows whose polymorphic type column `Col` holds association `A`'s
/// `source_type`.
pub struct TypeIs<Col, A>(Marks<(Col, A)>);

/// `source_type = "…"` of a `through` association.
pub trait SourceType {
    /// The type string.
    const SOURCE_TYPE: &'static str;
}

/// Keeps the join rows a hop accepts: `query`, or `query.filter(type_column = "…")`.
pub trait RowFilter<Q> {
    /// The filtered query.
    type Output;
    /// Filters `query`.
    fn apply(query: Q) -> Self::Output;
}

impl<Q> RowFilter<Q> for AnyType {
    type Output = Q;
    fn apply(query: Q) -> Q {
        query
    }
}

impl<Q, Col, A> RowFilter<Q> for TypeIs<Col, A>
where
    A: SourceType,
    Col: Expression<SqlType: SingleValue> + Default,
    &'static str: AsExpression<Col::SqlType>,
    Q: FilterDsl<dsl::Eq<Col, &'static str>>,
{
    type Output = dsl::Filter<Q, dsl::Eq<Col, &'static str>>;
    fn apply(query: Q) -> Self::Output {
        query.filter(Col::default().eq(A::SOURCE_TYPE))
    }
}

/// The table of model `M`.
pub type TableOf<M> = <M as HasTable>::Table;
/// The primary key column of model `M`.
pub type PkOf<M> = <M as Model>::PrimaryKey;
/// Which join rows hop `H` (after chain `P`) keeps.
pub type FilterOf<P, H> = <H as Hop<<P as Chain>::Last>>::Filter;
/// The join rows (query `Q` over chain `P`'s last table) the hop `H` keeps.
pub type Accepted<P, H, Q> = <FilterOf<P, H> as RowFilter<Q>>::Output;
/// Hop `H`'s column matched.
pub type InOf<P, H> = <H as Hop<<P as Chain>::Last>>::In;
/// The join model's column hop `H` matches.
pub type OutOf<P, H> = <H as Hop<<P as Chain>::Last>>::Out;
/// The model hop `H` reaches.
pub type ModelOf<P, H> = <H as Hop<<P as Chain>::Last>>::Model;
/// The values hop `H` matches.
pub type ValueOf<P, H> = <H as Hop<<P as Chain>::Last>>::Value;
/// `SELECT prev.out FROM <prev>`: the values hop `H` matches, from query `Q`.
pub type HopValues<P, H, Q> = dsl::Select<Accepted<P, H, Q>, dsl::Nullable<OutOf<P, H>>>;
/// The SQL type hop `H` matches.
type InSql<P, H> = <dsl::Nullable<InOf<P, H>> as Expression>::SqlType;
/// `h.in IN (SELECT prev.out FROM <prev>)` ([`InSubselect`]).
pub type Matches<P, H, Q> = InSubselect<
    dsl::Nullable<InOf<P, H>>,
    <HopValues<P, H, Q> as AsInExpression<InSql<P, H>>>::InExpression,
>;

/// The chain as one query of nested subselects whose innermost matches the first table
/// with `start`: the owner's value (the reader) or the owner's column of an enclosing
/// query (the eager load).
pub trait Nested<S>: Chain {
    /// `target WHERE in IN (SELECT out FROM … WHERE start)`.
    type Query;
    /// Builds it.
    fn nested(start: S) -> Self::Query;
}

impl<M, In, V, S> Nested<S> for First<M, In, V>
where
    M: Model,
    In: Default,
    TableOf<M>: FilterDsl<S>,
{
    type Query = dsl::Filter<TableOf<M>, S>;
    fn nested(start: S) -> Self::Query {
        M::table().filter(start)
    }
}

impl<P, H, S> Nested<S> for Then<P, H>
where
    P: Nested<S>,
    H: Hop<P::Last>,
    FilterOf<P, H>: RowFilter<P::Query>,
    Accepted<P, H, P::Query>: SelectDsl<dsl::Nullable<OutOf<P, H>>>,
    OutOf<P, H>: Expression,
    dsl::Nullable<OutOf<P, H>>: Expression,
    InOf<P, H>: Expression,
    dsl::Nullable<InOf<P, H>>: Expression<SqlType: SingleValue>,
    HopValues<P, H, P::Query>: AsInExpression<InSql<P, H>>,
    TableOf<ModelOf<P, H>>: FilterDsl<Matches<P, H, P::Query>>,
{
    type Query = dsl::Filter<TableOf<ModelOf<P, H>>, Matches<P, H, P::Query>>;
    fn nested(start: S) -> Self::Query {
        let prev =
            FilterOf::<P, H>::apply(P::nested(start)).select(OutOf::<P, H>::default().nullable());
        let matches = InSubselect::new(InOf::<P, H>::default().nullable(), prev.as_in_expression());
        ModelOf::<P, H>::table().filter(matches)
    }
}
