//! The reader of a `through` association: one query of nested subselects
//! (`target WHERE in IN (SELECT out FROM join WHERE in = ?)`, [`Joined`]), or with
//! `disable_joins` one query per hop, each feeding the next its values ([`Separate`]).
//! Either way the target row with the lowest primary key.

use std::future::Future;

use diesel::associations::HasTable;
use diesel::dsl;
use diesel::expression::AsExpression;
use diesel::query_dsl::methods::{FilterDsl, LimitDsl, SelectDsl, ThenOrderDsl};
use diesel::sql_types::SingleValue;
use diesel::{
    Expression, ExpressionMethods, NullableExpressionMethods, QueryResult, Selectable,
    SelectableHelper,
};

use super::chain::{
    Chain, FilterOf, First, InOf, ModelOf, Nested, OutOf, PkOf, RowFilter, TableOf, Then, ValueOf,
};
use super::{Target, Through};
use crate::connection::Conn;
#[cfg(feature = "async")]
use crate::exec::NonBlocking;
use crate::exec::{block_now, Exec, Fetch};
use crate::first_key::FirstKey;
use crate::key::Key;
use crate::key_set::KeyIn;
use crate::model::Model;
#[cfg(feature = "async")]
use crate::ops::AsyncRunOn;
use crate::ops::{Operation, RunOn};

/// The first table's column matched against the owner's value.
pub type StartIn<A> = <<A as Through>::Chain as Chain>::StartIn;
/// `first.in = <the owner's value>`.
pub type StartEq<A> = dsl::Eq<dsl::Nullable<StartIn<A>>, Option<<A as Through>::Start>>;
/// The target's primary key, ascending, as [`FirstKey`] (a plan that does not depend on
/// statistics).
type ByPk<A> = dsl::Asc<FirstKey<PkOf<Target<A>>>>;

/// The reader's order: [`ByPk`].
fn by_pk<A: Through<Chain: Chain>>() -> ByPk<A> {
    FirstKey::new(PkOf::<Target<A>>::default()).asc()
}

/// The reader's query, in the reader's order: what `owner.club_query()` returns.
pub trait ThroughQuery<'o>: Through {
    /// `target WHERE … ORDER BY target.pk`.
    type Ordered;
    /// Builds it for `owner`.
    fn ordered(owner: &'o Self::Owner) -> Self::Ordered;
}

impl<'o, A> ThroughQuery<'o> for A
where
    A: Through<Chain: Chain>,
    StartIn<A>: Expression,
    dsl::Nullable<StartIn<A>>: Expression<SqlType: SingleValue>,
    Option<A::Start>: AsExpression<<dsl::Nullable<StartIn<A>> as Expression>::SqlType>,
    A::Chain: Nested<StartEq<A>>,
    <A::Chain as Nested<StartEq<A>>>::Query: ThenOrderDsl<ByPk<A>>,
{
    type Ordered = dsl::ThenOrderBy<<A::Chain as Nested<StartEq<A>>>::Query, ByPk<A>>;

    fn ordered(owner: &'o A::Owner) -> Self::Ordered {
        let start = StartIn::<A>::default().nullable().eq(A::start(owner));
        A::Chain::nested(start).then_order_by(by_pk::<A>())
    }
}

/// The reader: the row of `through` association `A` for `owner`.
pub struct ReadThrough<'o, A: Through>(pub &'o A::Owner);

impl<A: Through<Chain: Chain>> Operation for ReadThrough<'_, A> {
    type Output = QueryResult<Option<Target<A>>>;
}

impl<A: Through<Chain: Chain>, C: Conn> RunOn<C> for ReadThrough<'_, A>
where
    A::Reads: Reader<A, C>,
{
    #[inline]
    fn run_on(self, conn: &mut C) -> Self::Output {
        block_now(A::Reads::read(self.0, conn))
    }
}

#[cfg(feature = "async")]
impl<A: Through<Chain: Chain>, C: Exec<Kind = NonBlocking>> AsyncRunOn<C> for ReadThrough<'_, A>
where
    A::Reads: Reader<A, C>,
{
    fn run_async(self, conn: &mut C) -> impl Future<Output = Self::Output> + Send {
        A::Reads::read(self.0, conn)
    }
}

/// How association `A` reads on connection `C` (of either kind, [`Exec`]).
pub trait Reader<A: Through<Chain: Chain>, C> {
    /// The target row, if any.
    fn read(
        owner: &A::Owner,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Option<Target<A>>>> + Send;
}

/// One query of nested subselects.
#[derive(Debug)]
pub struct Joined;

/// `disable_joins`: one query per hop.
#[derive(Debug)]
pub struct Separate;

impl<A, C> Reader<A, C> for Joined
where
    A: Through<Chain: Chain> + for<'o> ThroughQuery<'o>,
    C: Exec,
    for<'o> (): FirstRow<<A as ThroughQuery<'o>>::Ordered, Target<A>, C>,
{
    fn read(
        owner: &A::Owner,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Option<Target<A>>>> + Send {
        <() as FirstRow<_, _, _>>::first(A::ordered(owner), conn)
    }
}

/// The first row of a query already in the reader's order (`… LIMIT 1`): one trait, so
/// each reader states its bounds in one line.
pub trait FirstRow<Q, T, C> {
    /// The first row of `query`.
    fn first(query: Q, conn: &mut C) -> impl Future<Output = QueryResult<Option<T>>> + Send;
}

impl<Q, T, C> FirstRow<Q, T, C> for ()
where
    C: Exec,
    T: Selectable<C::DB>,
    dsl::AsSelect<T, C::DB>: Expression,
    Q: SelectDsl<dsl::AsSelect<T, C::DB>>,
    dsl::Select<Q, dsl::AsSelect<T, C::DB>>: LimitDsl,
    dsl::Limit<dsl::Select<Q, dsl::AsSelect<T, C::DB>>>: Fetch<C, T>,
{
    fn first(query: Q, conn: &mut C) -> impl Future<Output = QueryResult<Option<T>>> + Send {
        query.select(T::as_select()).limit(1).fetch_first(conn)
    }
}

impl<A, C> Reader<A, C> for Separate
where
    A: Through,
    C: Exec,
    A::Chain: Rows<C> + Chain<Start = A::Start>,
    <A::Chain as Rows<C>>::Query: ThenOrderDsl<ByPk<A>>,
    (): FirstRow<dsl::ThenOrderBy<<A::Chain as Rows<C>>::Query, ByPk<A>>, Target<A>, C>,
{
    async fn read(owner: &A::Owner, conn: &mut C) -> QueryResult<Option<Target<A>>> {
        match A::Chain::rows(A::start(owner), conn).await? {
            Some(rows) => {
                let ordered = rows.then_order_by(by_pk::<A>());
                <() as FirstRow<_, _, _>>::first(ordered, conn).await
            }
            None => Ok(None),
        }
    }
}

/// `disable_joins`: the rows of the chain's last table reached from the owner's value,
/// each hop one query; `None` as soon as a hop reaches nothing.
pub trait Rows<C>: Chain {
    /// The last table's rows.
    type Query: Send;
    /// Runs the hops before the last table.
    fn rows(
        start: Option<Self::Start>,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Option<Self::Query>>> + Send;
}

impl<C, M, In, V> Rows<C> for First<M, In, V>
where
    C: Send,
    M: Model,
    In: Expression + Default,
    dsl::Nullable<In>: Expression<SqlType: SingleValue>,
    Option<V>: AsExpression<<dsl::Nullable<In> as Expression>::SqlType>,
    TableOf<M>: FilterDsl<dsl::Eq<dsl::Nullable<In>, Option<V>>>,
    dsl::Filter<TableOf<M>, dsl::Eq<dsl::Nullable<In>, Option<V>>>: Send,
{
    type Query = dsl::Filter<TableOf<M>, dsl::Eq<dsl::Nullable<In>, Option<V>>>;

    fn rows(
        start: Option<V>,
        _: &mut C,
    ) -> impl Future<Output = QueryResult<Option<Self::Query>>> + Send {
        std::future::ready(Ok(Some(
            M::table().filter(In::default().nullable().eq(start)),
        )))
    }
}

/// The join rows of chain `P` hop `H` keeps, in primary key order, selecting `H`'s `Out`.
type OutValues<P, H, Q> = dsl::Select<
    dsl::ThenOrderBy<<FilterOf<P, H> as RowFilter<Q>>::Output, dsl::Asc<PkOf<<P as Chain>::Last>>>,
    dsl::Nullable<OutOf<P, H>>,
>;

impl<C, P, H> Rows<C> for Then<P, H>
where
    C: Exec,
    P: Rows<C, Start: Send>,
    H: super::chain::Hop<P::Last>,
    ValueOf<P, H>: Key,
    FilterOf<P, H>: RowFilter<P::Query>,
    <FilterOf<P, H> as RowFilter<P::Query>>::Output: ThenOrderDsl<dsl::Asc<PkOf<P::Last>>>,
    OutOf<P, H>: Expression,
    dsl::Nullable<OutOf<P, H>>: Expression,
    dsl::ThenOrderBy<<FilterOf<P, H> as RowFilter<P::Query>>::Output, dsl::Asc<PkOf<P::Last>>>:
        SelectDsl<dsl::Nullable<OutOf<P, H>>>,
    OutValues<P, H, P::Query>: Fetch<C, Option<ValueOf<P, H>>>,
    TableOf<ModelOf<P, H>>: FilterDsl<KeyIn<InOf<P, H>, ValueOf<P, H>>>,
    dsl::Filter<TableOf<ModelOf<P, H>>, KeyIn<InOf<P, H>, ValueOf<P, H>>>: Send,
{
    type Query = dsl::Filter<TableOf<ModelOf<P, H>>, KeyIn<InOf<P, H>, ValueOf<P, H>>>;

    async fn rows(start: Option<P::Start>, conn: &mut C) -> QueryResult<Option<Self::Query>> {
        let Some(prev) = P::rows(start, conn).await? else {
            return Ok(None);
        };
        let mut values: Vec<ValueOf<P, H>> = Vec::new();
        FilterOf::<P, H>::apply(prev)
            .then_order_by(PkOf::<P::Last>::default().asc())
            .select(OutOf::<P, H>::default().nullable())
            .fetch_each(conn, |value| values.extend(value))
            .await?;
        if values.is_empty() {
            return Ok(None);
        }
        let matched = KeyIn::new(InOf::<P, H>::default(), values);
        Ok(Some(ModelOf::<P, H>::table().filter(matched)))
    }
}
