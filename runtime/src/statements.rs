//! The statements of every association, implemented once from its [`HasOne`] facts: the
//! reader, the locking reads of a replace or destroy, the removal and link by key AND
//! link, the insert, `touch`, preload and the `destroy_async` job's reads.
//!
//! Each statement is the Diesel query a user would write by hand for these tables; the
//! bounds below are the ones Diesel's query builder needs, stated for any association.
//! They are proven where an association's method is called, with concrete tables.

use std::future::Future;

use diesel::associations::HasTable;
use diesel::dsl;
use diesel::expression::array_comparison::AsInExpression;
use diesel::expression::AsExpression;
use diesel::query_builder::{AsChangeset, AsQuery, IntoUpdateTarget};
use diesel::query_dsl::methods::{FilterDsl, LimitDsl, OrderDsl, SelectDsl, ThenOrderDsl};
use diesel::query_dsl::LoadQuery;
use diesel::sql_types::SqlType;
use diesel::{
    Expression, ExpressionMethods, QueryResult, RunQueryDsl, Selectable, SelectableHelper,
};

use crate::association::{HasOne, Insert, Preload, Statements, Touch};
use crate::backend::Backend;
use crate::exec::{Exec, Fetch};
use crate::field::{FieldOf, LinkedKey};
use crate::first_key::FirstKey;
use crate::jobs::AsyncDestroy;
use crate::key::Key;
use crate::link::Link;
use crate::linked_locks::LockLinked;
use crate::lock::Locked;
use crate::model::Model;
use crate::preload_order::PreloadOrder;
use crate::scope::{AllRows, Base, FirstRow, ScopeOf, StaticBase};
use crate::timestamps::{stamped, stamped_update, Stamped, StampedUpdate};
use crate::touch::{Instant, NoTouch, TouchNow, Touches};
use crate::write_exec::Execute;

/// The target's table.
pub type Table<A> = <<A as HasOne>::Target as HasTable>::Table;
/// The target's primary key column.
pub type Pk<A> = <<A as HasOne>::Target as Model>::PrimaryKey;
/// The target's primary key value.
pub type TargetKey<A> = <<A as HasOne>::Target as Model>::Key;
/// "Linked to the owner's key".
pub type Linked<A> = <<A as HasOne>::Link as Link<A>>::Linked;
/// The linked rows (base query and link).
pub type LinkedRows<A> = dsl::Filter<Base<A>, Linked<A>>;
/// The linked rows in the reader's order: the scope's, then the primary key. What
/// `owner.profile_query()` returns.
pub type Ordered<A> = dsl::ThenOrderBy<LinkedRows<A>, dsl::Asc<Pk<A>>>;
/// The target as selected on connection `C`.
pub type Selection<A, C> = dsl::AsSelect<<A as HasOne>::Target, <C as Exec>::DB>;
/// The target as selected on a connection of either kind.
type Picked<A, C> = dsl::AsSelect<<A as HasOne>::Target, <C as Exec>::DB>;
/// The rows with these primary keys.
pub type ByKeys<A> = dsl::Filter<Table<A>, dsl::EqAny<Pk<A>, Vec<TargetKey<A>>>>;
/// The rows with these primary keys still linked to the owner.
pub type KeysLinked<A> = dsl::Filter<ByKeys<A>, Linked<A>>;
/// The row with this primary key.
pub type ByKey<A> = dsl::Filter<Table<A>, dsl::Eq<Pk<A>, TargetKey<A>>>;
/// The assignment that links a row to the owner.
pub type SetLink<A> = <<A as HasOne>::Link as Link<A>>::Set;
/// The insert values after the user's: the link, then `created_at`/`updated_at`.
pub type StampedInsert<A> = Stamped<<A as HasOne>::Target, SetLink<A>>;
/// The assignments that link a row, with `updated_at`.
pub type StampedSet<A> = StampedUpdate<<A as HasOne>::Target, SetLink<A>>;
/// The assignments that unlink a row, with `updated_at`.
type StampedUnset<A> = StampedUpdate<<A as HasOne>::Target, Unset<A>>;
type Rows<A, C> = dsl::Select<OrderedOf<A>, Selection<A, C>>;
type Keys<A> = dsl::Select<OrderedOf<A>, Pk<A>>;
/// The reader's order: the scope's, then [`FirstKey`] (the primary key, in a form whose
/// plan does not depend on statistics).
type ReaderOrdered<A> = dsl::ThenOrderBy<LinkedRows<A>, dsl::Asc<FirstKey<Pk<A>>>>;
type Picks<A, C> = dsl::Select<ReaderOrdered<A>, Picked<A, C>>;
type First<A, C> = dsl::Limit<Picks<A, C>>;

/// A query loading rows of `U` on `C` (Diesel's `load` and `get_result`, as one bound).
pub trait Loads<C, U>: Sized {
    /// Every row.
    fn load_all(self, conn: &mut C) -> QueryResult<Vec<U>>;
    /// The first row, if any (no `Vec` on the way).
    fn load_first(self, conn: &mut C) -> QueryResult<Option<U>>;
    /// Every row, handed to `each` as it is read (no `Vec` on the way).
    fn load_each(self, conn: &mut C, each: impl FnMut(U)) -> QueryResult<()>;
}

impl<Q, C, U> Loads<C, U> for Q
where
    Q: RunQueryDsl<C> + for<'q> LoadQuery<'q, C, U>,
{
    fn load_all(self, conn: &mut C) -> QueryResult<Vec<U>> {
        RunQueryDsl::load(self, conn)
    }

    fn load_first(self, conn: &mut C) -> QueryResult<Option<U>> {
        diesel::OptionalExtension::optional(RunQueryDsl::get_result(self, conn))
    }

    fn load_each(self, conn: &mut C, mut each: impl FnMut(U)) -> QueryResult<()> {
        for row in RunQueryDsl::load_iter::<U, diesel::connection::DefaultLoadingMode>(self, conn)?
        {
            each(row?);
        }
        Ok(())
    }
}

/// "Linked to `key`".
fn linked<A: HasOne>(key: A::Key) -> Linked<A> {
    <A::Link as Link<A>>::linked(key)
}

/// The reader's row, on a connection of either kind ([`Exec`]): the first of
/// the rows in [`Queries::ordered`]'s order, `… ORDER BY … LIMIT 1` (the key written as
/// [`FirstKey`]).
pub trait Reader<C: Exec>: HasOne {
    /// The query's future; a blocking connection's is complete when returned.
    fn first(
        owner: &Self::Owner,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Option<Self::Target>>> + Send;
}

impl<A, C> Reader<C> for A
where
    C: Exec,
    A: Queries,
    A::Target: Selectable<C::DB>,
    Picked<A, C>: Expression,
    Base<A>: FilterDsl<Linked<A>>,
    LinkedRows<A>: ThenOrderDsl<dsl::Asc<FirstKey<Pk<A>>>>,
    ReaderOrdered<A>: SelectDsl<Picked<A, C>>,
    Picks<A, C>: LimitDsl,
    First<A, C>: Fetch<C, A::Target>,
{
    fn first(
        owner: &A::Owner,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Option<A::Target>>> + Send {
        let linked = <A::Scope as ScopeOf<A>>::base(owner).filter(linked::<A>(A::owner_key(owner)));
        let ordered = linked.then_order_by(FirstKey::new(Pk::<A>::default()).asc());
        ordered
            .select(A::Target::as_select())
            .limit(1)
            .fetch_first(conn)
    }
}

/// The three queries every statement starts from, built from the facts.
pub trait Queries: HasOne {
    /// The owner's linked rows in the reader's order: [`Ordered`].
    type Ordered;
    /// The rows with some primary keys still linked to an owner key: [`KeysLinked`].
    type KeysLinked;
    /// The row with one primary key: [`ByKey`].
    type ByKey;

    /// The linked rows, in the reader's order (what `owner.profile_query()` returns).
    fn ordered(owner: &Self::Owner) -> Self::Ordered;
    /// The rows with primary keys `keys` that are still linked to the owner key `key`.
    fn keys_linked(key: Self::Key, keys: Vec<TargetKey<Self>>) -> Self::KeysLinked;
    /// The row with primary key `key`.
    fn by_key(key: &TargetKey<Self>) -> Self::ByKey;
}

impl<A> Queries for A
where
    A: HasOne,
    Base<A>: FilterDsl<Linked<A>>,
    LinkedRows<A>: ThenOrderDsl<dsl::Asc<Pk<A>>>,
    Table<A>: FilterDsl<dsl::EqAny<Pk<A>, Vec<TargetKey<A>>>>,
    Table<A>: FilterDsl<dsl::Eq<Pk<A>, TargetKey<A>>>,
    ByKeys<A>: FilterDsl<Linked<A>>,
    <Pk<A> as Expression>::SqlType: SqlType,
    Vec<TargetKey<A>>: AsInExpression<<Pk<A> as Expression>::SqlType>,
    TargetKey<A>: AsExpression<<Pk<A> as Expression>::SqlType>,
{
    type Ordered = Ordered<A>;
    type KeysLinked = KeysLinked<A>;
    type ByKey = ByKey<A>;

    fn ordered(owner: &A::Owner) -> Ordered<A> {
        let linked = <A::Scope as ScopeOf<A>>::base(owner).filter(linked::<A>(A::owner_key(owner)));
        linked.then_order_by(Pk::<A>::default().asc())
    }

    fn keys_linked(key: A::Key, keys: Vec<TargetKey<A>>) -> KeysLinked<A> {
        let rows = A::Target::table().filter(Pk::<A>::default().eq_any(keys));
        rows.filter(linked::<A>(key))
    }

    fn by_key(key: &TargetKey<A>) -> ByKey<A> {
        A::Target::table().filter(Pk::<A>::default().eq(key.clone()))
    }
}

type Shape<A> = <<A as HasOne>::Scope as ScopeOf<A>>::Shape;
type OrderedOf<A> = <A as Queries>::Ordered;

/// [`Queries`] as the generated `…_query` method asks for it: with the lifetime of the
/// owner borrowed, so that the bound is proven where the method is called (and a broken
/// declaration is reported once, at the declaration, not again by the method). The method
/// states it for every lifetime (`for<'x> A: QueriesFor<'x>`): rustc tries to prove a
/// bound on concrete types at the definition (the whole statement machinery of `A`, per
/// association, in every `cargo check`), but not a higher-ranked one.
pub trait QueriesFor<'q>: HasOne {
    /// [`Queries::Ordered`].
    type Ordered;
    /// [`Queries::ordered`].
    fn ordered_for(owner: &'q Self::Owner) -> Self::Ordered;
}

impl<'q, A: Queries> QueriesFor<'q> for A {
    type Ordered = A::Ordered;
    fn ordered_for(owner: &'q A::Owner) -> A::Ordered {
        A::ordered(owner)
    }
}
type KeysLinkedOf<A> = <A as Queries>::KeysLinked;
type ByKeyOf<A> = <A as Queries>::ByKey;
type Unset<A> = <<A as HasOne>::Link as Link<A>>::Unset;
/// Every row linked to the owner, scope or not (for [`removes_by_link`]).
type AllLinked<A> = dsl::Filter<Table<A>, Linked<A>>;

impl<A, C> Statements<C> for A
where
    C: Exec,
    A: Queries,
    A::Target: Selectable<C::DB>,
    Selection<A, C>: Expression,
    Shape<A>: ScopeStatements<A, C>,
    A: Reader<C>,
    KeysLinkedOf<A>: IntoUpdateTarget<Table = Table<A>>,
    dsl::delete<KeysLinkedOf<A>>: Execute<C>,
    StampedUnset<A>: AsChangeset<Target = Table<A>>,
    dsl::Update<KeysLinkedOf<A>, StampedUnset<A>>: Execute<C> + AsQuery,
    ByKeyOf<A>: SelectDsl<Pk<A>> + IntoUpdateTarget<Table = Table<A>>,
    Locked<dsl::Select<ByKeyOf<A>, Pk<A>>>: Fetch<C, TargetKey<A>>,
    StampedSet<A>: AsChangeset<Target = Table<A>>,
    dsl::Update<ByKeyOf<A>, StampedSet<A>>: Execute<C> + AsQuery,
    Table<A>: FilterDsl<Linked<A>>,
    AllLinked<A>: IntoUpdateTarget<Table = Table<A>>,
    dsl::delete<AllLinked<A>>: Execute<C>,
    dsl::Update<AllLinked<A>, StampedUnset<A>>: Execute<C> + AsQuery,
{
    fn first(
        owner: &A::Owner,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Option<A::Target>>> + Send {
        <A as Reader<C>>::first(owner, conn)
    }

    fn created(
        owner: &A::Owner,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Option<A::Target>>> + Send {
        Shape::<A>::created(owner, conn)
    }

    fn load_linked(
        owner: &A::Owner,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Vec<A::Target>>> + Send {
        Shape::<A>::load_linked(owner, conn)
    }

    fn linked_keys(
        owner: &A::Owner,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Vec<TargetKey<A>>>> + Send {
        Shape::<A>::linked_keys(owner, conn)
    }

    fn delete_keys(
        owner: &A::Owner,
        keys: Vec<TargetKey<A>>,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<usize>> + Send {
        diesel::delete(A::keys_linked(A::owner_key(owner), keys)).execute_on(conn)
    }

    fn unlink_keys(
        owner: &A::Owner,
        keys: Vec<TargetKey<A>>,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<usize>> + Send {
        let rows = A::keys_linked(A::owner_key(owner), keys);
        diesel::update(rows)
            .set(stamped_update::<A::Target, _>(<A::Link as Link<A>>::unset()))
            .execute_on(conn)
    }

    async fn delete_linked(owner: &A::Owner, conn: &mut C) -> QueryResult<Option<usize>> {
        if !removes_by_link::<A, C>() {
            return Ok(None);
        }
        let rows = A::Target::table().filter(linked::<A>(A::owner_key(owner)));
        diesel::delete(rows).execute_on(conn).await.map(Some)
    }

    async fn unlink_linked(owner: &A::Owner, conn: &mut C) -> QueryResult<Option<usize>> {
        if !removes_by_link::<A, C>() {
            return Ok(None);
        }
        let rows = A::Target::table().filter(linked::<A>(A::owner_key(owner)));
        let unset = stamped_update::<A::Target, _>(<A::Link as Link<A>>::unset());
        diesel::update(rows)
            .set(unset)
            .execute_on(conn)
            .await
            .map(Some)
    }

    async fn lock_target(target: &TargetKey<A>, conn: &mut C) -> QueryResult<bool> {
        let query = A::by_key(target).select(Pk::<A>::default());
        Ok(!Locked::new::<C>(query).fetch_all(conn).await?.is_empty())
    }

    fn link(
        owner: &A::Owner,
        target: &TargetKey<A>,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<usize>> + Send {
        let set = stamped_update::<A::Target, _>(<A::Link as Link<A>>::set(A::owner_key(owner)));
        diesel::update(A::by_key(target)).set(set).execute_on(conn)
    }
}

/// Whether [`Statements::delete_linked`] and [`Statements::unlink_linked`] run: no scope,
/// and PostgreSQL (a `DELETE`/`UPDATE` locks the rows it changes, rechecking the foreign
/// key of a row another transaction changed meanwhile) or SQLite (one writer).
const fn removes_by_link<A: HasOne, C: Exec>() -> bool {
    !<C::DB as Backend>::LOCK_LINKED_BY_KEY && !<A::Scope as ScopeOf<A>>::SCOPED
}

/// The statements that differ with a scope: without one, a replace acts on every linked
/// row and the created row is the reader's; with one, on the first row only, and the
/// created row is the linked row with the highest primary key.
pub trait ScopeStatements<A: HasOne, C> {
    /// See [`Statements::created`].
    fn created(
        owner: &A::Owner,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Option<A::Target>>> + Send;
    /// See [`Statements::load_linked`].
    fn load_linked(
        owner: &A::Owner,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Vec<A::Target>>> + Send;
    /// See [`Statements::linked_keys`].
    fn linked_keys(
        owner: &A::Owner,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Vec<TargetKey<A>>>> + Send;
}

impl<A, C> ScopeStatements<A, C> for AllRows
where
    C: Exec,
    A: Queries,
    A::Target: Selectable<C::DB>,
    Selection<A, C>: Expression,
    OrderedOf<A>: SelectDsl<Pk<A>>,
    A: Reader<C>,
    Keys<A>: Fetch<C, TargetKey<A>>,
    Locked<Keys<A>>: Fetch<C, TargetKey<A>>,
    OrderedOf<A>: SelectDsl<Selection<A, C>>,
    Locked<Rows<A, C>>: Fetch<C, A::Target>,
    A: LockLinked<C>,
{
    fn created(
        owner: &A::Owner,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Option<A::Target>>> + Send {
        <A as Reader<C>>::first(owner, conn)
    }

    async fn load_linked(owner: &A::Owner, conn: &mut C) -> QueryResult<Vec<A::Target>> {
        if !<C::DB as Backend>::LOCK_LINKED_BY_KEY {
            // one statement, as for the keys below
            let rows = A::ordered(owner).select(A::Target::as_select());
            return Locked::new::<C>(rows).fetch_all(conn).await;
        }
        let query = A::ordered(owner).select(Pk::<A>::default());
        let keys = query.fetch_all(conn).await?;
        A::lock_rows(A::owner_key(owner), keys, conn).await
    }

    async fn linked_keys(owner: &A::Owner, conn: &mut C) -> QueryResult<Vec<TargetKey<A>>> {
        let query = A::ordered(owner).select(Pk::<A>::default());
        if !<C::DB as Backend>::LOCK_LINKED_BY_KEY {
            // one statement: PostgreSQL locks the rows it returns; SQLite's write
            // transaction holds the database (its lock clause is empty)
            return Locked::new::<C>(query).fetch_all(conn).await;
        }
        let keys = query.fetch_all(conn).await?;
        A::lock_keys(A::owner_key(owner), keys, conn).await
    }
}

type Newest<A, C> = dsl::Limit<
    dsl::Select<dsl::Order<dsl::Filter<Table<A>, Linked<A>>, dsl::Desc<Pk<A>>>, Selection<A, C>>,
>;

impl<A, C> ScopeStatements<A, C> for FirstRow
where
    C: Exec,
    A: Queries,
    A::Target: Selectable<C::DB>,
    Selection<A, C>: Expression,
    OrderedOf<A>: SelectDsl<Selection<A, C>> + SelectDsl<Pk<A>>,
    Rows<A, C>: LimitDsl,
    Keys<A>: LimitDsl,
    dsl::Limit<Keys<A>>: Fetch<C, TargetKey<A>>,
    A: LockLinked<C>,
    Table<A>: FilterDsl<Linked<A>>,
    dsl::Filter<Table<A>, Linked<A>>: OrderDsl<dsl::Desc<Pk<A>>>,
    dsl::Order<dsl::Filter<Table<A>, Linked<A>>, dsl::Desc<Pk<A>>>: SelectDsl<Selection<A, C>>,
    dsl::Select<dsl::Order<dsl::Filter<Table<A>, Linked<A>>, dsl::Desc<Pk<A>>>, Selection<A, C>>:
        LimitDsl,
    Newest<A, C>: Fetch<C, A::Target>,
{
    fn created(
        owner: &A::Owner,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Option<A::Target>>> + Send {
        let linked = A::Target::table().filter(linked::<A>(A::owner_key(owner)));
        let newest = linked.order(Pk::<A>::default().desc());
        let query = newest.select(A::Target::as_select()).limit(1);
        query.fetch_first(conn)
    }

    async fn load_linked(owner: &A::Owner, conn: &mut C) -> QueryResult<Vec<A::Target>> {
        let query = A::ordered(owner).select(Pk::<A>::default()).limit(1);
        let keys = query.fetch_all(conn).await?;
        A::lock_rows(A::owner_key(owner), keys, conn).await
    }

    async fn linked_keys(owner: &A::Owner, conn: &mut C) -> QueryResult<Vec<TargetKey<A>>> {
        let query = A::ordered(owner).select(Pk::<A>::default()).limit(1);
        let keys = query.fetch_all(conn).await?;
        A::lock_keys(A::owner_key(owner), keys, conn).await
    }
}

impl<A, C, V> Insert<C, V> for A
where
    C: Exec,
    A: Statements<C>,
    V: crate::__private::InsertWithKey<C, Table<A>, StampedInsert<A>, A::Target>,
{
    fn insert(
        owner: &A::Owner,
        values: V,
        at: Instant,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Option<A::Target>>> + Send {
        let set = stamped::<A::Target, _>(<A::Link as Link<A>>::set(A::owner_key(owner)), at);
        values.insert_with_key(A::Target::table(), set, conn)
    }
}

impl<A, C> Touch<C> for A
where
    C: Exec,
    A: HasOne,
    A::Touch: TouchRows<A, C>,
{
    fn touch(owner: &A::Owner, conn: &mut C) -> impl Future<Output = QueryResult<usize>> + Send {
        A::Touch::touch(owner, conn)
    }
}

/// [`Touch`] per `touch` option: nothing, or the linked rows (locked, then updated by key
/// and link) get `Col = now`.
pub trait TouchRows<A: HasOne, C> {
    /// The `UPDATE`; the number of rows touched.
    fn touch(owner: &A::Owner, conn: &mut C) -> impl Future<Output = QueryResult<usize>> + Send;
}

impl<A: HasOne, C> TouchRows<A, C> for NoTouch {
    fn touch(_owner: &A::Owner, _conn: &mut C) -> impl Future<Output = QueryResult<usize>> + Send {
        std::future::ready(Ok(0))
    }
}

type TouchCol<Col> = dsl::Eq<Col, TouchNow>;

impl<A, C, Col> TouchRows<A, C> for Touches<Col>
where
    C: Exec,
    A: Statements<C> + Queries,
    Col: diesel::Column<Table = Table<A>, SqlType: diesel::sql_types::SingleValue> + Default,
    TouchNow: AsExpression<<Col as Expression>::SqlType>,
    TouchCol<Col>: AsChangeset<Target = Table<A>>,
    KeysLinkedOf<A>: IntoUpdateTarget<Table = Table<A>>,
    dsl::Update<KeysLinkedOf<A>, TouchCol<Col>>: Execute<C> + AsQuery,
{
    async fn touch(owner: &A::Owner, conn: &mut C) -> QueryResult<usize> {
        let keys = A::linked_keys(owner, conn).await?;
        if keys.is_empty() {
            return Ok(0);
        }
        let rows = A::keys_linked(A::owner_key(owner), keys);
        let update = diesel::update(rows).set(Col::default().eq(TouchNow));
        update.execute_on(conn).await
    }
}

type Fk<A> = <A as HasOne>::ForeignKey;
type AnyLinked<A> = dsl::Filter<Base<A>, <<A as HasOne>::Link as Link<A>>::Any>;
type PreloadRows<A, C> =
    <Shape<A> as PreloadOrder<A>>::Ordered<dsl::Select<AnyLinked<A>, Picked<A, C>>>;
type FkField<A> = <<A as HasOne>::Target as FieldOf<Fk<A>>>::Value;

impl<A, C> Preload<C> for A
where
    C: Exec,
    A: StaticBase,
    A::Target: Selectable<C::DB>,
    Picked<A, C>: Expression,
    Base<A>: FilterDsl<<A::Link as Link<A>>::Any>,
    A::Target: FieldOf<Fk<A>>,
    FkField<A>: LinkedKey<<A::Key as Key>::Repr>,
    AnyLinked<A>: SelectDsl<Picked<A, C>>,
    Shape<A>: PreloadOrder<A>,
    dsl::Select<AnyLinked<A>, Picked<A, C>>: ThenOrderDsl<dsl::Asc<Pk<A>>>,
    PreloadRows<A, C>: Fetch<C, A::Target>,
{
    fn preload<F: FnMut(A::Target) + Send>(
        keys: Vec<A::Key>,
        conn: &mut C,
        each: F,
    ) -> impl Future<Output = QueryResult<()>> + Send {
        let any = A::static_base().filter(<A::Link as Link<A>>::any(keys));
        let rows = any.select(A::Target::as_select());
        Shape::<A>::order(rows).fetch_each(conn, each)
    }

    #[inline]
    fn linked_key(row: &A::Target) -> Option<&<A::Key as Key>::Repr> {
        row.field().linked()
    }

    fn first_row_wins() -> bool {
        Shape::<A>::first_row_wins()
    }
}

type OwnerTable<A> = <<A as HasOne>::Owner as HasTable>::Table;
type OwnerRow<A, C> = dsl::Limit<
    dsl::Select<
        dsl::Filter<OwnerTable<A>, dsl::Eq<<A as HasOne>::OwnerKey, <A as HasOne>::Key>>,
        dsl::AsSelect<<A as HasOne>::Owner, <C as Exec>::DB>,
    >,
>;

/// The target as selected by the jobs' statements.
type JobSelection<A, C> = dsl::AsSelect<<A as HasOne>::Target, <C as Exec>::DB>;

impl<A, C> AsyncDestroy<C> for A
where
    C: Exec,
    A: Statements<C> + Queries,
    A::Target: Selectable<C::DB>,
    JobSelection<A, C>: Expression,
    KeysLinkedOf<A>: SelectDsl<JobSelection<A, C>>,
    Locked<dsl::Select<KeysLinkedOf<A>, JobSelection<A, C>>>: Fetch<C, A::Target>,
    A::Owner: Selectable<C::DB>,
    dsl::AsSelect<A::Owner, C::DB>: Expression,
    OwnerTable<A>: FilterDsl<dsl::Eq<A::OwnerKey, A::Key>>,
    <A::OwnerKey as Expression>::SqlType: SqlType,
    A::Key: AsExpression<<A::OwnerKey as Expression>::SqlType>,
    dsl::Filter<OwnerTable<A>, dsl::Eq<A::OwnerKey, A::Key>>:
        SelectDsl<dsl::AsSelect<A::Owner, C::DB>>,
    dsl::Select<
        dsl::Filter<OwnerTable<A>, dsl::Eq<A::OwnerKey, A::Key>>,
        dsl::AsSelect<A::Owner, C::DB>,
    >: LimitDsl,
    OwnerRow<A, C>: Fetch<C, A::Owner>,
{
    fn load_targets(
        owner: &A::Key,
        keys: Vec<TargetKey<A>>,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Vec<A::Target>>> + Send {
        let linked = A::keys_linked(owner.clone(), keys);
        Locked::new::<C>(linked.select(A::Target::as_select())).fetch_all(conn)
    }

    async fn owner_allows(key: &A::Key, conn: &mut C) -> QueryResult<bool> {
        let Some(allows) = A::ENSURING_OWNER_WAS else {
            return Ok(true);
        };
        let row = A::Owner::table().filter(A::OwnerKey::default().eq(key.clone()));
        let owner = row
            .select(A::Owner::as_select())
            .limit(1)
            .fetch_first(conn)
            .await?;
        Ok(owner.as_ref().is_none_or(allows))
    }
}
