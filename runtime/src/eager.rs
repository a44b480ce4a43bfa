//! `eager_load_…`: the owner query `LEFT JOIN`ed with the association's table, joining
//! the row the reader would return, picked by a correlated subquery
//! `pk = (SELECT pk FROM target [scope] WHERE link ORDER BY …, pk LIMIT 1)` (see
//! [`subquery`](crate::subquery); the key is ordered as [`FirstKey`], so the plan reads
//! each owner's rows by the foreign key index whatever the statistics). Implemented once
//! for every association.

use diesel::dsl;
use diesel::query_dsl::methods::{FilterDsl, LimitDsl, SelectDsl, ThenOrderDsl};
use diesel::sql_types::Nullable;
use diesel::{Expression, ExpressionMethods, JoinOnDsl, NullableExpressionMethods};

use crate::association::HasOne;
use crate::both::Both;
use crate::first_key::FirstKey;
use crate::link::Joins;
use crate::scope::{Base, StaticBase};
use crate::statements::{Pk, Table};
use crate::subquery::{Correlated, OuterEq};
use crate::through::chain::{Nested, PkOf, TableOf};
use crate::through::read::StartIn;
use crate::through::{Target, Through, ThroughOf};
use diesel::associations::HasTable;

type Join<A> = <<A as HasOne>::Link as Joins<A>>::Join;
type Outer<A> = <<A as HasOne>::Link as Joins<A>>::Outer;
type FirstOf<A> = dsl::Limit<
    dsl::ThenOrderBy<dsl::Select<dsl::Filter<Base<A>, Outer<A>>, Pk<A>>, dsl::Asc<FirstKey<Pk<A>>>>,
>;
type PkSql<A> = Nullable<<Pk<A> as Expression>::SqlType>;
type Picked<A> = dsl::Eq<dsl::Nullable<Pk<A>>, Correlated<FirstOf<A>, PkSql<A>>>;
type JoinOn<A> = Both<Join<A>, Picked<A>>;

/// The right-hand side of an eager load: the target's table `ON` the join condition.
/// Implemented for every `has_one` marker, and for [`ThroughOf`] a `through` one.
pub trait EagerJoin {
    /// The owner model.
    type Owner;
    /// The target model.
    type Target;
    /// `target ON link AND pk = (first linked row)`.
    type Rhs;
    /// Builds it.
    fn rhs() -> Self::Rhs;
}

impl<A> EagerJoin for A
where
    A: StaticBase,
    A::Link: Joins<A>,
    Base<A>: FilterDsl<Outer<A>>,
    dsl::Filter<Base<A>, Outer<A>>: SelectDsl<Pk<A>>,
    dsl::Select<dsl::Filter<Base<A>, Outer<A>>, Pk<A>>: ThenOrderDsl<dsl::Asc<FirstKey<Pk<A>>>>,
    dsl::ThenOrderBy<dsl::Select<dsl::Filter<Base<A>, Outer<A>>, Pk<A>>, dsl::Asc<FirstKey<Pk<A>>>>:
        LimitDsl,
    Correlated<FirstOf<A>, PkSql<A>>: Expression<SqlType = PkSql<A>>,
{
    type Owner = <A as HasOne>::Owner;
    type Target = <A as HasOne>::Target;
    type Rhs = dsl::On<Table<A>, JoinOn<A>>;

    fn rhs() -> Self::Rhs {
        let outer = A::static_base().filter(<A::Link as Joins<A>>::outer());
        let pk = Pk::<A>::default;
        let first = outer
            .select(pk())
            .then_order_by(FirstKey::new(pk()).asc())
            .limit(1);
        let picked = pk().nullable().eq(Correlated::new(first));
        <A as HasOne>::Target::table().on(Both::new(<A::Link as Joins<A>>::join(), picked))
    }
}

type ThroughOuter<A> = OuterEq<StartIn<A>, <A as Through>::StartColumn>;
type ThroughPk<A> = PkOf<Target<A>>;
type ThroughFirst<A> = dsl::Limit<
    dsl::ThenOrderBy<
        dsl::Select<<<A as Through>::Chain as Nested<ThroughOuter<A>>>::Query, ThroughPk<A>>,
        dsl::Asc<FirstKey<ThroughPk<A>>>,
    >,
>;
type ThroughPkSql<A> = Nullable<<ThroughPk<A> as Expression>::SqlType>;
type ThroughOn<A> =
    dsl::Eq<dsl::Nullable<ThroughPk<A>>, Correlated<ThroughFirst<A>, ThroughPkSql<A>>>;

/// A `through` association: the target `ON pk = (SELECT pk FROM <the chain, its first
/// table matched against the owner's column> ORDER BY pk LIMIT 1)`.
impl<A> EagerJoin for ThroughOf<A>
where
    A: Through,
    A::Chain: Nested<ThroughOuter<A>>,
    <A::Chain as Nested<ThroughOuter<A>>>::Query: SelectDsl<ThroughPk<A>>,
    dsl::Select<<A::Chain as Nested<ThroughOuter<A>>>::Query, ThroughPk<A>>:
        ThenOrderDsl<dsl::Asc<FirstKey<ThroughPk<A>>>>,
    dsl::ThenOrderBy<
        dsl::Select<<A::Chain as Nested<ThroughOuter<A>>>::Query, ThroughPk<A>>,
        dsl::Asc<FirstKey<ThroughPk<A>>>,
    >: LimitDsl,
    Correlated<ThroughFirst<A>, ThroughPkSql<A>>: Expression<SqlType = ThroughPkSql<A>>,
{
    type Owner = A::Owner;
    type Target = Target<A>;
    type Rhs = dsl::On<TableOf<Target<A>>, ThroughOn<A>>;

    fn rhs() -> Self::Rhs {
        let outer = OuterEq::new(StartIn::<A>::default(), A::StartColumn::default());
        let pk = ThroughPk::<A>::default;
        let first = A::Chain::nested(outer)
            .select(pk())
            .then_order_by(FirstKey::new(pk()).asc())
            .limit(1);
        Target::<A>::table().on(pk().nullable().eq(Correlated::new(first)))
    }
}

/// What an eager load of `A` selects on backend `DB`: `(Owner, Option<Target>)`.
pub type Selection<A, DB> = (
    dsl::AsSelect<<A as EagerJoin>::Owner, DB>,
    dsl::AsSelect<Option<<A as EagerJoin>::Target>, DB>,
);

/// An owner query that can be eager loaded with association `A` on backend `DB`: what the
/// generated `eager_load_…` requires of its argument, stated on the query alone so that
/// nothing about `A` is checked before the method is called.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be `LEFT JOIN`ed with this association's table",
    label = "not a query of the owner's table that can join the association's table",
    note = "declare both tables together once: `diesel::allow_tables_to_appear_in_same_query!(owners, targets);`",
    note = "pass a query of the owner's table: `owners::table`, `owners::table.filter(…).order(…)`"
)]
pub trait EagerLoads<A, DB>: Sized {
    /// The joined, selecting query: `(Owner, Option<Target>)` rows.
    type Output;
    /// `query LEFT JOIN target ON … SELECT (owner, Option<target>)`: one query.
    fn eager_load(self) -> Self::Output;
}

#[diagnostic::do_not_recommend]
impl<Q, A, DB> EagerLoads<A, DB> for Q
where
    A: EagerJoin,
    DB: diesel::backend::Backend,
    Q: EagerLoad<A::Rhs, Selection<A, DB>>,
    A::Owner: diesel::Selectable<DB>,
    Option<A::Target>: diesel::Selectable<DB>,
{
    type Output = <Q as EagerLoad<A::Rhs, Selection<A, DB>>>::Output;

    fn eager_load(self) -> Self::Output {
        use diesel::SelectableHelper;
        let selection = (A::Owner::as_select(), <Option<A::Target>>::as_select());
        EagerLoad::eager_load(self, A::rhs(), selection)
    }
}

/// `query LEFT JOIN target ON … SELECT (owner, Option<target>)`, for the generated
/// `eager_load_…`. A runtime trait for the same reason as `InsertWithKey` (in `__private`): its bounds are
/// proven where the owner query type is known.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be `LEFT JOIN`ed with this association's table",
    label = "not a query of the owner's table that can join the association's table",
    note = "declare both tables together once: `diesel::allow_tables_to_appear_in_same_query!(owners, targets);`",
    note = "pass a query of the owner's table: `owners::table`, `owners::table.filter(…).order(…)`"
)]
pub trait EagerLoad<Rhs, Selection>: Sized {
    /// The joined, selecting query.
    type Output;

    /// Builds it.
    fn eager_load(self, rhs: Rhs, selection: Selection) -> Self::Output;
}

// Without `do_not_recommend`, rustc reports the innermost failed Diesel bound (a page of
// join types) instead of this trait's message.
#[diagnostic::do_not_recommend]
impl<Q, Rhs, Selection> EagerLoad<Rhs, Selection> for Q
where
    Selection: Expression,
    Q: diesel::query_dsl::JoinWithImplicitOnClause<Rhs, diesel::internal::table_macro::LeftOuter>,
    <Q as diesel::query_dsl::JoinWithImplicitOnClause<
        Rhs,
        diesel::internal::table_macro::LeftOuter,
    >>::Output: diesel::query_dsl::methods::SelectDsl<Selection>,
{
    type Output = diesel::dsl::Select<
        <Q as diesel::query_dsl::JoinWithImplicitOnClause<
            Rhs,
            diesel::internal::table_macro::LeftOuter,
        >>::Output,
        Selection,
    >;

    fn eager_load(self, rhs: Rhs, selection: Selection) -> Self::Output {
        let joined = diesel::query_dsl::JoinWithImplicitOnClause::join_with_implicit_on_clause(
            self,
            rhs,
            diesel::internal::table_macro::LeftOuter,
        );
        diesel::query_dsl::methods::SelectDsl::select(joined, selection)
    }
}
