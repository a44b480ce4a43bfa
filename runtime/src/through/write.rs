//! `set_…` of a `through` association, where Rails allows it: a chain of one join table
//! whose source is a `belongs_to`. The owner row is locked; the join row's source column
//! (and with `source_type` its type column) is updated, a missing join row is inserted as
//! the owner's `has_one` row (through a `belongs_to` there is nothing to insert it for:
//! `NotFound`), and `None` destroys the join row, as Rails does. Each write sets the
//! join model's timestamps as the association's own rows get them.

use diesel::dsl;
use diesel::expression::AsExpression;
use diesel::query_builder::{AsChangeset, AsQuery, IntoUpdateTarget};
use std::future::Future;

use diesel::query_dsl::methods::FilterDsl;
use diesel::sql_types::SingleValue;
use diesel::{Expression, ExpressionMethods};

use super::chain::SourceType;
use super::chain::{AnyType, Chain, First, Hop, PkOf, TableOf, Then, TypeIs};
use super::read::{FirstRow, Rows};
use super::{Target, Through, WritableThrough};
use crate::association::{HasOne, Insert, Statements};
use crate::connection::Conn;
use crate::error::Error;
use crate::exec::{block_now, Exec};
use crate::model::{Model, Persist};
#[cfg(feature = "async")]
use crate::ops::AsyncRunOn;
use crate::ops::{Operation, RunOn};
use crate::timestamps::{stamped_update, StampedUpdate};
use crate::touch::Instant;
use crate::transaction::{transaction, Transact};
use crate::write_exec::Execute;

/// `set_…`: link `target` through the join row, or destroy the join row (`None`).
pub struct SetThrough<'o, A: Through<Chain: Chain>>(pub &'o A::Owner, pub Option<&'o Target<A>>);

impl<A: Through<Chain: Chain>> Operation for SetThrough<'_, A> {
    type Output = Result<(), Error>;
}

impl<A: Through<Chain: Chain>, C: Conn> RunOn<C> for SetThrough<'_, A>
where
    A::Chain: Writable<A, C>,
{
    #[inline]
    fn run_on(self, conn: &mut C) -> Self::Output {
        block_now(A::Chain::set(self.0, self.1, conn))
    }
}

#[cfg(feature = "async")]
impl<A: Through<Chain: Chain>, C: Transact> AsyncRunOn<C> for SetThrough<'_, A>
where
    A::Chain: Writable<A, C>,
{
    fn run_async(self, conn: &mut C) -> impl Future<Output = Self::Output> + Send {
        A::Chain::set(self.0, self.1, conn)
    }
}

/// A chain that can be written through: one join table ([`JoinTable`]).
pub trait Writable<A: Through<Chain: Chain>, C> {
    /// The write, in one transaction.
    fn set(
        owner: &A::Owner,
        target: Option<&Target<A>>,
        conn: &mut C,
    ) -> impl Future<Output = Result<(), Error>> + Send;
}

/// The assignments that make a join row point at a target: its source column (`Out`)
/// set to the target's key `K`, and with `source_type` its type column.
pub trait LinkValues<Out, K> {
    /// The assignments.
    type Values;
    /// Builds them.
    fn link(key: K) -> Self::Values;
}

impl<Out, K> LinkValues<Out, K> for AnyType
where
    Out: Expression<SqlType: SingleValue> + Default,
    K: AsExpression<Out::SqlType>,
{
    type Values = dsl::Eq<Out, K>;
    fn link(key: K) -> Self::Values {
        Out::default().eq(key)
    }
}

impl<Out, K, Col, A> LinkValues<Out, K> for TypeIs<Col, A>
where
    A: SourceType,
    Out: Expression<SqlType: SingleValue> + Default,
    K: AsExpression<Out::SqlType>,
    Col: Expression<SqlType: SingleValue> + Default,
    &'static str: AsExpression<Col::SqlType>,
{
    type Values = (dsl::Eq<Out, K>, dsl::Eq<Col, &'static str>);
    fn link(key: K) -> Self::Values {
        (Out::default().eq(key), Col::default().eq(A::SOURCE_TYPE))
    }
}

/// Hop `H` from join model `J`.
type HopFrom<J, H> = <H as Hop<J>>::Filter;
/// The assignments that link a join row of `J` to the target hop `H` reaches.
type LinkOf<J, H> =
    <HopFrom<J, H> as LinkValues<<H as Hop<J>>::Out, <<H as Hop<J>>::Model as Model>::Key>>::Values;
/// The join row's `UPDATE`.
type UpdateJoin<J, H> = dsl::Update<
    dsl::Filter<TableOf<J>, dsl::Eq<PkOf<J>, <J as Model>::Key>>,
    StampedUpdate<J, LinkOf<J, H>>,
>;

impl<A, C, P, H> Writable<A, C> for Then<P, H>
where
    A: Through<Chain = Self>,
    P: JoinTable<A, C, H>,
    H: Hop<P::Last>,
{
    fn set(
        owner: &A::Owner,
        target: Option<&Target<A>>,
        conn: &mut C,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        P::set(owner, target, conn)
    }
}

/// The first table of a chain when it is the only join table ([`First`]), followed by
/// hop `H` whose source is a `belongs_to`: the writer. A nested chain's first part is a
/// [`Then`], which has none.
#[diagnostic::on_unimplemented(
    message = "this nested `through` association is read-only",
    label = "no writer for a nested chain",
    note = "Rails raises HasManyThroughNestedAssociationsAreReadonly for this write at run time; write the associations of the chain one by one"
)]
pub trait JoinTable<A: Through, C, H: Hop<Self::Last>>: Chain {
    /// The write, in one transaction.
    fn set(
        owner: &A::Owner,
        target: Option<&H::Model>,
        conn: &mut C,
    ) -> impl Future<Output = Result<(), Error>> + Send;
}

impl<A, C, J, In, V, H> JoinTable<A, C, H> for First<J, In, V>
where
    A: Through<Start = V>,
    C: Transact,
    J: Model + Persist<C>,
    In: Default,
    A::Owner: Persist<C>,
    H: Hop<J>,
    H::Kind: WritableThrough<C>,
    HopFrom<J, H>: LinkValues<H::Out, <H::Model as Model>::Key>,
    A::Leaves: JoinRow<A, C, Self, LinkOf<J, H>>,
    TableOf<J>: FilterDsl<dsl::Eq<PkOf<J>, J::Key>>,
    dsl::Filter<TableOf<J>, dsl::Eq<PkOf<J>, J::Key>>: IntoUpdateTarget<Table = TableOf<J>>,
    J::Key: AsExpression<<PkOf<J> as Expression>::SqlType>,
    StampedUpdate<J, LinkOf<J, H>>: AsChangeset<Target = TableOf<J>>,
    UpdateJoin<J, H>: Execute<C> + AsQuery,
{
    async fn set(owner: &A::Owner, target: Option<&H::Model>, conn: &mut C) -> Result<(), Error> {
        transaction(conn, async |conn: &mut C| {
            owner.lock_row(conn).await?;
            let existing = A::Leaves::existing(owner, A::start(owner), conn).await?;
            match (existing, target) {
                (Some(row), Some(target)) => {
                    let by_pk = PkOf::<J>::default().eq(row.primary_key_value());
                    let link = HopFrom::<J, H>::link(target.primary_key_value());
                    let update = diesel::update(J::table().filter(by_pk));
                    update
                        .set(stamped_update::<J, _>(link))
                        .execute_on(conn)
                        .await?;
                    Ok(())
                }
                (None, Some(target)) => {
                    let link = HopFrom::<J, H>::link(target.primary_key_value());
                    A::Leaves::insert(owner, link, conn).await
                }
                (Some(row), None) => row.destroy_in(conn).await,
                (None, None) => Ok(()),
            }
        })
        .await
    }
}

/// Where the join row of a chain whose first table is `P` comes from.
pub trait JoinRow<A: Through, C, P: Chain, V> {
    /// The owner's join row; `start` is the owner's value the chain starts from.
    fn existing(
        owner: &A::Owner,
        start: Option<P::Start>,
        conn: &mut C,
    ) -> impl Future<Output = diesel::QueryResult<Option<P::Last>>> + Send;
    /// Inserts the join row with `values`, for an owner that has none.
    fn insert(
        owner: &A::Owner,
        values: V,
        conn: &mut C,
    ) -> impl Future<Output = Result<(), Error>> + Send;
}

/// The first join row is the owner's plain `has_one` `M`.
pub struct ViaHasOne<M>(std::marker::PhantomData<M>);

/// The first join row is the parent the owner's `belongs_to` points at.
#[derive(Debug)]
pub struct ViaBelongsTo;

impl<A, C, P, M, V> JoinRow<A, C, P, V> for ViaHasOne<M>
where
    A: Through,
    C: Exec,
    V: Send,
    P: Chain<Last = M::Target>,
    M: HasOne<Owner = A::Owner> + Statements<C> + Insert<C, V>,
{
    fn existing(
        owner: &A::Owner,
        _: Option<P::Start>,
        conn: &mut C,
    ) -> impl Future<Output = diesel::QueryResult<Option<M::Target>>> + Send {
        M::first(owner, conn)
    }

    async fn insert(owner: &A::Owner, values: V, conn: &mut C) -> Result<(), Error> {
        M::insert(owner, values, Instant::now(), conn).await?;
        Ok(())
    }
}

impl<A, C, P, V> JoinRow<A, C, P, V> for ViaBelongsTo
where
    A: Through,
    C: Exec,
    V: Send,
    P: Rows<C, Start: Send>,
    (): FirstRow<P::Query, P::Last, C>,
{
    async fn existing(
        _: &A::Owner,
        start: Option<P::Start>,
        conn: &mut C,
    ) -> diesel::QueryResult<Option<P::Last>> {
        match P::rows(start, conn).await? {
            Some(rows) => <() as FirstRow<_, _, _>>::first(rows, conn).await,
            None => Ok(None),
        }
    }

    fn insert(_: &A::Owner, _: V, _: &mut C) -> impl Future<Output = Result<(), Error>> + Send {
        std::future::ready(Err(Error::NotFound {
            model: <P::Last as Model>::NAME,
        }))
    }
}
