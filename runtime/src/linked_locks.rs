//! Locking the rows linked to an owner **by primary key** (MySQL): the keys are read
//! first without locking, then exactly those rows are locked by primary key alone (`…
//! WHERE pk IN (…) FOR UPDATE`, selecting the link columns too), and the rows still
//! linked to the owner are kept.
//!
//! One locking read through the foreign key (`… WHERE fk = key FOR UPDATE`) is what a
//! user would write, and PostgreSQL locks only the rows it returns, so there the keys are
//! read that way, in one statement (SQLite, without row locks, reads them once too:
//! [`Backend::LOCK_LINKED_BY_KEY`](crate::backend::Backend::LOCK_LINKED_BY_KEY)). InnoDB (MySQL,
//! MariaDB) may lock, and wait for, clustered records of rows that do not match: in
//! `tests/mixed.rs` (16 owners, one per thread, rows moving between them) MariaDB's
//! locking read of owner A's rows, using the foreign key index, waited for a row of owner
//! B held by B's transaction, while B's read of B's rows waited for a row of A (seen in
//! `SHOW ENGINE INNODB STATUS`; the rows had been linked to the other owner before, so
//! the index entries left behind by a move are the likely way in). A deadlock between
//! unrelated owners, at every isolation level; a lookup by primary key locks only the
//! rows asked for, and these deadlocks are gone.
//!
//! Nothing is missed by reading the keys first: the caller holds the owner row's lock,
//! and every writer that links a row to an owner, unlinks it or moves it away holds that
//! owner's lock (see [`moving`](crate::moving)), so the rows linked to the owner cannot
//! change between the read and the lock. The link is still checked on the locked rows, so
//! a row changed by a statement outside the library is left out rather than taken from
//! another owner. The condition of the locking read is the primary key alone: with
//! `AND fk = key` as well, MySQL may read the row through a unique index on the foreign
//! key instead, and lock that index's entry, which InnoDB's duplicate checks of other
//! owners' inserts lock too.

use std::future::Future;

use diesel::associations::HasTable;
use diesel::expression::array_comparison::AsInExpression;
use diesel::query_dsl::methods::{FilterDsl, SelectDsl};
use diesel::sql_types::SqlType;
use diesel::{dsl, Expression, ExpressionMethods, QueryResult, Selectable, SelectableHelper};

use crate::association::HasOne;
use crate::exec::{Exec, Fetch};
use crate::lock::{Locked, RowLock};
use crate::model::Model;
use crate::moving::ReadsOwner;
use crate::statements::{ByKeys, Pk, Selection, TargetKey};

/// The locks of association `A`'s linked rows by primary key, on connection type `C`:
/// implemented for every association (a blanket impl over its [`HasOne`] facts).
pub trait LockLinked<C: Exec>: HasOne {
    /// Locks the rows with primary keys `keys`; the keys of those linked to owner key
    /// `owner`, in the order of `keys`.
    fn lock_keys(
        owner: Self::Key,
        keys: Vec<TargetKey<Self>>,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Vec<TargetKey<Self>>>> + Send;
    /// Locks and loads the rows with primary keys `keys`; those linked to owner key
    /// `owner`, in the order of `keys`.
    fn lock_rows(
        owner: Self::Key,
        keys: Vec<TargetKey<Self>>,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Vec<Self::Target>>> + Send;
}

type OwnerColumns<A> = <<A as HasOne>::Link as ReadsOwner<A>>::Columns;
type LinkRow<A> = <<A as HasOne>::Link as ReadsOwner<A>>::Row;
type LockedKeys<A> = Locked<dsl::Select<ByKeys<A>, (Pk<A>, OwnerColumns<A>)>, RowLock>;
type LockedRows<A, C> = Locked<dsl::Select<ByKeys<A>, (Selection<A, C>, OwnerColumns<A>)>, RowLock>;

/// The rows with primary keys `keys`.
fn by_keys<A>(keys: Vec<TargetKey<A>>) -> ByKeys<A>
where
    A: HasOne,
    crate::statements::Table<A>: FilterDsl<dsl::EqAny<Pk<A>, Vec<TargetKey<A>>>>,
    <Pk<A> as Expression>::SqlType: SqlType,
    Vec<TargetKey<A>>: AsInExpression<<Pk<A> as Expression>::SqlType>,
{
    A::Target::table().filter(Pk::<A>::default().eq_any(keys))
}

/// The locked `found` rows linked to `owner`, in the order of `keys` (a locking read by
/// key returns the index's order); `key` gives a row's primary key.
fn linked_in_order<A: HasOne, T>(
    owner: &A::Key,
    keys: &[TargetKey<A>],
    found: Vec<(T, LinkRow<A>)>,
    key: impl Fn(&T) -> TargetKey<A>,
) -> Vec<T>
where
    A::Link: ReadsOwner<A>,
{
    let still_linked = |link| <A::Link as ReadsOwner<A>>::owner(link).as_ref() == Some(owner);
    let mut linked: Vec<T> = found
        .into_iter()
        .filter_map(|(row, link)| still_linked(link).then_some(row))
        .collect();
    linked.sort_by_key(|row| keys.iter().position(|k| *k == key(row)));
    linked
}

impl<A, C> LockLinked<C> for A
where
    C: Exec,
    A: HasOne,
    A::Link: ReadsOwner<A>,
    A::Target: Selectable<C::DB>,
    Selection<A, C>: Expression,
    crate::statements::Table<A>: FilterDsl<dsl::EqAny<Pk<A>, Vec<TargetKey<A>>>>,
    <Pk<A> as Expression>::SqlType: SqlType,
    Vec<TargetKey<A>>: AsInExpression<<Pk<A> as Expression>::SqlType>,
    (Pk<A>, OwnerColumns<A>): Expression,
    (Selection<A, C>, OwnerColumns<A>): Expression,
    ByKeys<A>: SelectDsl<(Pk<A>, OwnerColumns<A>)> + SelectDsl<(Selection<A, C>, OwnerColumns<A>)>,
    LockedKeys<A>: Fetch<C, (TargetKey<A>, LinkRow<A>)>,
    LockedRows<A, C>: Fetch<C, (A::Target, LinkRow<A>)>,
{
    async fn lock_keys(
        owner: A::Key,
        keys: Vec<TargetKey<A>>,
        conn: &mut C,
    ) -> QueryResult<Vec<TargetKey<A>>> {
        if keys.is_empty() {
            return Ok(keys);
        }
        let columns = (Pk::<A>::default(), <A::Link as ReadsOwner<A>>::columns());
        let query = by_keys::<A>(keys.clone()).select(columns);
        let found = Locked::<_, RowLock>::new::<C>(query)
            .fetch_all(conn)
            .await?;
        Ok(linked_in_order::<A, _>(&owner, &keys, found, Clone::clone))
    }

    async fn lock_rows(
        owner: A::Key,
        keys: Vec<TargetKey<A>>,
        conn: &mut C,
    ) -> QueryResult<Vec<A::Target>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let columns = (
            A::Target::as_select(),
            <A::Link as ReadsOwner<A>>::columns(),
        );
        let query = by_keys::<A>(keys.clone()).select(columns);
        let found = Locked::<_, RowLock>::new::<C>(query)
            .fetch_all(conn)
            .await?;
        Ok(linked_in_order::<A, _>(
            &owner,
            &keys,
            found,
            Model::primary_key_value,
        ))
    }
}
