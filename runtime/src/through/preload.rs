//! Preloading a `through` association: one query per hop for any number of owners, each
//! matching the distinct values the previous hop reached (`KeyIn`, one bound parameter),
//! composed in memory. Per value, the row with the lowest primary key wins at each hop,
//! and targets are cloned: through a `belongs_to`, several owners share one.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::hash::Hash;

use diesel::associations::HasTable;
use diesel::dsl;
use diesel::query_dsl::methods::{FilterDsl, SelectDsl, ThenOrderDsl};
use diesel::{
    Expression, ExpressionMethods, NullableExpressionMethods, QueryResult, Selectable,
    SelectableHelper,
};

use super::chain::{Chain, FilterOf, First, Hop, OutOf, PkOf, RowFilter, TableOf, Then, ValueOf};
use super::{CloneTarget, Start, Target, Through};
use crate::connection::Conn;
#[cfg(feature = "async")]
use crate::exec::NonBlocking;
use crate::exec::{block_now, Exec, Fetch};
use crate::key::Key;
use crate::key_set::KeyIn;
use crate::model::Model;
#[cfg(feature = "async")]
use crate::ops::AsyncRunOn;
use crate::ops::{Operation, RunOn};

/// `preload_…` of a `through` association: the row of every owner.
pub struct PreloadThrough<'o, A: Through>(pub &'o [A::Owner]);

impl<A: Through<Chain: Chain>> Operation for PreloadThrough<'_, A> {
    type Output = QueryResult<Vec<Option<Target<A>>>>;
}

/// Hop `H`'s join rows: those of chain `P`'s last table matched by `KeyIn`, that `H`
/// keeps, in primary key order.
type HopRows<P, H, C> = dsl::ThenOrderBy<
    <FilterOf<P, H> as RowFilter<KeyRows<P, C>>>::Output,
    dsl::Asc<PkOf<<P as Chain>::Last>>,
>;
/// The rows of chain `P`'s last table whose matched column holds one of the values.
type KeyRows<P, C> =
    dsl::Filter<TableOf<<P as Chain>::Last>, KeyIn<<P as Reach<C>>::In, <P as Reach<C>>::Value>>;
/// `(in, selection)` of `rows`.
type Paired<Q, In, S> = dsl::Select<Q, (dsl::Nullable<In>, S)>;

/// The body of `preload_…` of a `through` association on a connection of either kind.
pub trait PreloadsThrough<C>: Through<Chain: Chain> {
    /// The row of every owner, aligned with `owners`.
    fn preload_through(
        owners: &[Self::Owner],
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Vec<Option<Target<Self>>>>> + Send;
}

impl<A, C> PreloadsThrough<C> for A
where
    A: Through,
    C: Exec + CloneTarget<Target<A>>,
    Start<A>: Key,
    A::Chain: Reach<C> + Chain<Start = A::Start>,
    Target<A>: Selectable<C::DB> + Clone,
    dsl::AsSelect<Target<A>, C::DB>: Expression,
    (
        dsl::Nullable<<A::Chain as Reach<C>>::In>,
        dsl::AsSelect<Target<A>, C::DB>,
    ): Expression,
    TableOf<Target<A>>: FilterDsl<KeyIn<<A::Chain as Reach<C>>::In, <A::Chain as Reach<C>>::Value>>,
    KeyRows<A::Chain, C>: ThenOrderDsl<dsl::Asc<PkOf<Target<A>>>>,
    dsl::ThenOrderBy<KeyRows<A::Chain, C>, dsl::Asc<PkOf<Target<A>>>>: SelectDsl<(
        dsl::Nullable<<A::Chain as Reach<C>>::In>,
        dsl::AsSelect<Target<A>, C::DB>,
    )>,
    Paired<
        dsl::ThenOrderBy<KeyRows<A::Chain, C>, dsl::Asc<PkOf<Target<A>>>>,
        <A::Chain as Reach<C>>::In,
        dsl::AsSelect<Target<A>, C::DB>,
    >: Fetch<C, (Option<<A::Chain as Reach<C>>::Value>, Target<A>)>,
{
    async fn preload_through(
        owners: &[A::Owner],
        conn: &mut C,
    ) -> QueryResult<Vec<Option<Target<A>>>> {
        let starts: Vec<Option<Start<A>>> = owners.iter().map(A::start).collect();
        let keys = distinct(starts.iter().flatten());
        if keys.is_empty() {
            return Ok(owners.iter().map(|_| None).collect());
        }
        let (map, values) = A::Chain::reach(keys, conn).await?;
        let rows =
            key_rows::<A::Chain, C>(values).then_order_by(PkOf::<Target<A>>::default().asc());
        let targets = pairs(rows, Target::<A>::as_select(), Some, conn).await?;
        let found = |k: &Start<A>| map.follow(k).and_then(|v| targets.get(&v).cloned());
        Ok(starts.iter().map(|s| s.as_ref().and_then(found)).collect())
    }
}

impl<A: PreloadsThrough<C>, C: Conn> RunOn<C> for PreloadThrough<'_, A> {
    fn run_on(self, conn: &mut C) -> Self::Output {
        block_now(A::preload_through(self.0, conn))
    }
}

#[cfg(feature = "async")]
impl<A, C> AsyncRunOn<C> for PreloadThrough<'_, A>
where
    A: PreloadsThrough<C>,
    C: Exec<Kind = NonBlocking>,
{
    fn run_async(self, conn: &mut C) -> impl Future<Output = Self::Output> + Send {
        A::preload_through(self.0, conn)
    }
}

/// The distinct values, in first-seen order.
fn distinct<'v, K: Key>(values: impl Iterator<Item = &'v K>) -> Vec<K> {
    let mut seen = HashSet::new();
    values.filter(|k| seen.insert(*k)).cloned().collect()
}

/// The rows of chain `P`'s last table whose matched column holds one of `values`.
fn key_rows<P: Reach<C>, C>(values: Vec<P::Value>) -> KeyRows<P, C>
where
    TableOf<P::Last>: FilterDsl<KeyIn<P::In, P::Value>>,
{
    <P::Last as HasTable>::table().filter(KeyIn::new(P::In::default(), values))
}

/// `SELECT in, selection FROM rows`, keeping per `in` value the first row whose
/// selection `keep` accepts: one hop.
fn pairs<'c, Q, In, S, T, U, K, C>(
    rows: Q,
    selection: S,
    keep: impl Fn(T) -> Option<U> + Send + 'c,
    conn: &'c mut C,
) -> impl Future<Output = QueryResult<HashMap<K, U>>> + Send + 'c
where
    C: Exec,
    In: Expression + Default,
    K: Key,
    T: Send + 'c,
    U: Send + 'c,
    (dsl::Nullable<In>, S): Expression,
    Q: SelectDsl<(dsl::Nullable<In>, S)>,
    Paired<Q, In, S>: Fetch<C, (Option<K>, T)> + 'c,
{
    // the statement is built and sent here; only its future is awaited
    let rows = rows
        .select((In::default().nullable(), selection))
        .fetch_all(conn);
    async move {
        let rows = rows.await?;
        let mut map = HashMap::with_capacity(rows.len());
        for (k, t) in rows {
            if let (Some(k), Some(u)) = (k, keep(t)) {
                map.entry(k).or_insert(u);
            }
        }
        Ok(map)
    }
}

/// The values a chain reaches in its last table's matched column `In`, from the owners'
/// values, and how each owner's value leads to one.
pub trait Reach<C>: Chain {
    /// The last table's column matched.
    type In: Expression + Default;
    /// The values matched.
    type Value: Key;
    /// From an owner's value to the value matched.
    type Map: Follow<Self::Start, To = Self::Value> + Send + Sync;
    /// Runs the hops before the last table.
    fn reach(
        keys: Vec<Self::Start>,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<(Self::Map, Vec<Self::Value>)>> + Send;
}

impl<C, M: Model, In: Expression + Default, V: Key> Reach<C> for First<M, In, V> {
    type In = In;
    type Value = V;
    type Map = Same;
    fn reach(keys: Vec<V>, _: &mut C) -> impl Future<Output = QueryResult<(Same, Vec<V>)>> + Send {
        std::future::ready(Ok((Same, keys)))
    }
}

impl<C, P, H> Reach<C> for Then<P, H>
where
    C: Exec,
    P: Reach<C, Start: Send>,
    H: Hop<P::Last, In: Expression>,
    ValueOf<P, H>: Key,
    OutOf<P, H>: Expression,
    (dsl::Nullable<P::In>, dsl::Nullable<OutOf<P, H>>): Expression,
    TableOf<P::Last>: FilterDsl<KeyIn<P::In, P::Value>>,
    FilterOf<P, H>: RowFilter<KeyRows<P, C>>,
    <FilterOf<P, H> as RowFilter<KeyRows<P, C>>>::Output: ThenOrderDsl<dsl::Asc<PkOf<P::Last>>>,
    HopRows<P, H, C>: SelectDsl<(dsl::Nullable<P::In>, dsl::Nullable<OutOf<P, H>>)>,
    Paired<HopRows<P, H, C>, P::In, dsl::Nullable<OutOf<P, H>>>:
        Fetch<C, (Option<P::Value>, Option<ValueOf<P, H>>)>,
{
    type In = <H as Hop<P::Last>>::In;
    type Value = ValueOf<P, H>;
    type Map = (P::Map, HashMap<P::Value, ValueOf<P, H>>);

    async fn reach(
        keys: Vec<P::Start>,
        conn: &mut C,
    ) -> QueryResult<(Self::Map, Vec<Self::Value>)> {
        let (map, values) = P::reach(keys, conn).await?;
        let rows = FilterOf::<P, H>::apply(key_rows::<P, C>(values))
            .then_order_by(PkOf::<P::Last>::default().asc());
        let hop = pairs(rows, OutOf::<P, H>::default().nullable(), |v| v, conn).await?;
        let next = distinct(hop.values());
        Ok(((map, hop), next))
    }
}

/// From an owner's value to the value a chain reached with it.
pub trait Follow<S> {
    /// The value reached.
    type To;
    /// The value `start` reached, if any.
    fn follow(&self, start: &S) -> Option<Self::To>;
}

/// The first table: the owner's value itself.
#[derive(Debug)]
pub struct Same;

impl<S: Clone> Follow<S> for Same {
    type To = S;
    fn follow(&self, start: &S) -> Option<S> {
        Some(start.clone())
    }
}

impl<S, M, V> Follow<S> for (M, HashMap<M::To, V>)
where
    M: Follow<S, To: Eq + Hash>,
    V: Clone,
{
    type To = V;
    fn follow(&self, start: &S) -> Option<V> {
        self.0.follow(start).and_then(|k| self.1.get(&k).cloned())
    }
}
