//! Linking a row that may be linked to another owner (`set_…(Some(row))`), in the one
//! lock order every write of the library keeps: **owner rows first, in ascending key
//! order, then target rows**.
//!
//! A replace or destroy locks its owner row, then the rows linked to it. A move of row `r`
//! from owner B to owner A also changes B's rows, so it locks B's owner row too, before
//! `r`: nobody then changes `r`'s link meanwhile (every writer of a linked row holds its
//! owner's lock), and two moves in opposite directions (A takes B's row while B takes
//! A's) queue on the lower owner instead of each holding one row and waiting for the
//! other's (a deadlock). The steps of [`lock_for_link`]:
//!
//! 1. read `r`'s owner without locking ([`Moves::holder`]);
//! 2. lock this owner's row and that owner's row in ascending key order (a missing owner
//!    row, as left by `destroy_async` without a foreign key constraint, locks nothing);
//! 3. read `r`'s owner again: if `r` moved while this call waited, lock the new owner too
//!    when its key is above every owner key held (the order still holds), and read again —
//!    at most [`ROUNDS`] times;
//! 4. lock `r` ([`Moves::lock_holder`]) and check its owner once more: it must be an owner
//!    this call holds (or none). A row linked to no owner is protected by no owner lock,
//!    so another transaction may have linked it since step 1.
//!
//! An owner that step 3 or 4 would have to wait for out of order ends the call with the
//! retryable [`Error::RowMoved`] (nothing written): waiting for a lower owner, or for any
//! owner while holding a target row, is what deadlocks. The call does not try the lock
//! without waiting either: MariaDB's `FOR UPDATE SKIP LOCKED` on a primary key lookup was
//! seen waiting (and deadlocking) in `tests/mixed.rs`. `set_…` runs its transaction again
//! at once instead, at most [`RESTARTS`] runs in all ([`run_again`]): the new run reads
//! the row's new owner first and locks it in order. Inside a caller's transaction it
//! cannot (the locks taken stay with the caller's transaction), and the error is
//! returned.
//!
//! Locks are never released before the transaction ends (InnoDB keeps a row lock past a
//! `ROLLBACK TO SAVEPOINT`), so a row that keeps moving costs extra owner locks, never a
//! wrong order.
//!
//! **Polymorphic** (`as`): a row's owner is its foreign key *and* its type column. Only a
//! row whose type column names this owner type has an owner here to lock (the key
//! read from the foreign key is a key of this owner's table). A row of another owner type
//! is locked without its owner (its owner's table is another association's), as a row
//! linked to no owner is: moves between owner types are outside the global order, and a
//! deadlock between them comes back as a retryable error.
//!
//! **Gap locks** (MySQL/MariaDB): every lock here is an equality lookup on the owner key or
//! the target's primary key, a record lock on a row that exists. The library's own
//! transactions run at READ COMMITTED, which takes no gap locks; inside a caller's
//! REPEATABLE READ transaction, locking an owner key that has no row takes a gap lock on
//! the owner key index (it blocks inserts into that gap until the caller commits). The
//! owner key column is expected to be unique (a primary key, or a unique index for
//! `primary_key = "…"`): on a non-unique column the locking read locks more.

use std::collections::BTreeSet;
use std::future::Future;

use diesel::associations::HasTable;
use diesel::dsl;
use diesel::expression::AsExpression;
use diesel::query_dsl::methods::{FilterDsl, SelectDsl};
use diesel::sql_types::SqlType;
use diesel::{Column, Expression, ExpressionMethods, NullableExpressionMethods, QueryResult};

use crate::association::HasOne;
use crate::error::Error;
use crate::exec::{Exec, Fetch};
use crate::key::Key;
use crate::link::{Plain, Typed};
use crate::lock::{Locked, RowLock};
use crate::model::{Model, Persist};
use crate::statements::{Queries, TargetKey};

/// The runs of one `set_…` transaction when the row keeps moving ([`run_again`]).
pub const RESTARTS: u32 = 4;

/// How often [`lock_for_link`] follows a row that moved while it waited for an owner
/// lock, before it locks the row and decides (step 3 of the [module docs](self)).
pub const ROUNDS: usize = 3;

/// Where a target row stands, as one association sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holder<K> {
    /// No row has this primary key.
    Missing,
    /// The row is linked to no owner of this association's owner type: its foreign key is
    /// NULL, or (polymorphic) its type column names another owner type.
    Unowned,
    /// The row is linked to the owner key `K` (whose row may be gone).
    Owner(K),
}

/// Reading which owner a row is linked to, per [`Link`](crate::link::Link): the columns
/// to select and the owner key they name.
pub trait ReadsOwner<A: HasOne>: 'static {
    /// The selected link columns, each `Nullable`.
    type Columns;
    /// What loading [`Columns`](ReadsOwner::Columns) gives.
    type Row;

    /// The select clause.
    fn columns() -> Self::Columns;
    /// The owner key of this owner type the row is linked to, if any.
    fn owner(row: Self::Row) -> Option<A::Key>;
}

type Fk<A> = <A as HasOne>::ForeignKey;

impl<A: HasOne> ReadsOwner<A> for Plain {
    type Columns = dsl::Nullable<Fk<A>>;
    type Row = Option<A::Key>;

    fn columns() -> Self::Columns {
        Fk::<A>::default().nullable()
    }
    fn owner(row: Option<A::Key>) -> Option<A::Key> {
        row
    }
}

impl<A: HasOne, Tc: Column + Default + 'static> ReadsOwner<A> for Typed<Tc> {
    type Columns = (dsl::Nullable<Fk<A>>, dsl::Nullable<Tc>);
    type Row = (Option<A::Key>, Option<String>);

    fn columns() -> Self::Columns {
        (Fk::<A>::default().nullable(), Tc::default().nullable())
    }
    /// The key only when the type column names this owner type.
    fn owner((key, type_name): Self::Row) -> Option<A::Key> {
        let this_type = type_name.as_deref() == Some(<A::Owner as Model>::POLYMORPHIC_NAME);
        key.filter(|_| this_type)
    }
}

/// The statements of a move, for association `A` on connection type `C`: implemented for
/// every association (a blanket impl over its [`HasOne`] facts).
pub trait Moves<C: Exec>: HasOne {
    /// Where row `target` stands, read without locking (the latest committed link).
    fn holder(
        target: &TargetKey<Self>,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Holder<Self::Key>>> + Send;
    /// Where row `target` stands, read with a lock on the row until the transaction ends
    /// (the link then cannot change).
    fn lock_holder(
        target: &TargetKey<Self>,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Holder<Self::Key>>> + Send;
    /// Locks the owner row with key `key` (by the owner key column), waiting for it; false
    /// when there is none.
    fn lock_owner(key: &Self::Key, conn: &mut C) -> impl Future<Output = QueryResult<bool>> + Send;
}

type OwnerTable<A> = <<A as HasOne>::Owner as HasTable>::Table;
type OwnerByKey<A> =
    dsl::Filter<OwnerTable<A>, dsl::Eq<<A as HasOne>::OwnerKey, <A as HasOne>::Key>>;
type OwnerPk<A> = <<A as HasOne>::Owner as Model>::PrimaryKey;
type OwnerPkValue<A> = <<A as HasOne>::Owner as Model>::Key;
type OwnerRow<A> = dsl::Select<OwnerByKey<A>, OwnerPk<A>>;
type OwnerColumns<A> = <<A as HasOne>::Link as ReadsOwner<A>>::Columns;
type LinkRow<A> = <<A as HasOne>::Link as ReadsOwner<A>>::Row;
type RowLink<A> = dsl::Select<<A as Queries>::ByKey, OwnerColumns<A>>;

/// The owner row with key `key`, selecting its primary key.
fn owner_row<A>(key: &A::Key) -> OwnerRow<A>
where
    A: HasOne,
    OwnerTable<A>: FilterDsl<dsl::Eq<A::OwnerKey, A::Key>>,
    <A::OwnerKey as Expression>::SqlType: SqlType,
    A::Key: AsExpression<<A::OwnerKey as Expression>::SqlType>,
    OwnerByKey<A>: SelectDsl<OwnerPk<A>>,
{
    let row = A::Owner::table().filter(A::OwnerKey::default().eq(key.clone()));
    row.select(OwnerPk::<A>::default())
}

/// The [`Holder`] of the rows a read of the link columns returned.
fn holder_of<A: HasOne>(rows: Vec<LinkRow<A>>) -> Holder<A::Key>
where
    A::Link: ReadsOwner<A>,
{
    match rows.into_iter().next() {
        None => Holder::Missing,
        Some(row) => <A::Link as ReadsOwner<A>>::owner(row).map_or(Holder::Unowned, Holder::Owner),
    }
}

impl<A, C> Moves<C> for A
where
    C: Exec,
    A: Queries,
    A::Link: ReadsOwner<A>,
    OwnerColumns<A>: Expression,
    <A as Queries>::ByKey: SelectDsl<OwnerColumns<A>>,
    RowLink<A>: Fetch<C, LinkRow<A>>,
    Locked<RowLink<A>>: Fetch<C, LinkRow<A>>,
    OwnerTable<A>: FilterDsl<dsl::Eq<A::OwnerKey, A::Key>>,
    <A::OwnerKey as Expression>::SqlType: SqlType,
    A::Key: AsExpression<<A::OwnerKey as Expression>::SqlType>,
    OwnerByKey<A>: SelectDsl<OwnerPk<A>>,
    OwnerRow<A>: Fetch<C, OwnerPkValue<A>>,
    Locked<OwnerRow<A>>: Fetch<C, OwnerPkValue<A>>,
{
    async fn holder(target: &TargetKey<A>, conn: &mut C) -> QueryResult<Holder<A::Key>> {
        let query = A::by_key(target).select(<A::Link as ReadsOwner<A>>::columns());
        Ok(holder_of::<A>(query.fetch_all(conn).await?))
    }

    async fn lock_holder(target: &TargetKey<A>, conn: &mut C) -> QueryResult<Holder<A::Key>> {
        let query = A::by_key(target).select(<A::Link as ReadsOwner<A>>::columns());
        Ok(holder_of::<A>(
            Locked::new::<C>(query).fetch_all(conn).await?,
        ))
    }

    async fn lock_owner(key: &A::Key, conn: &mut C) -> QueryResult<bool> {
        let lock = Locked::<_, RowLock>::new::<C>(owner_row::<A>(key));
        Ok(!lock.fetch_all(conn).await?.is_empty())
    }
}

/// The owner rows one call holds, by owner key.
struct OwnerLocks<'o, A: HasOne> {
    owner: &'o A::Owner,
    own: A::Key,
    /// The owners locked so far, by key order (the order of the keys' representation:
    /// numbers, text, UUID bytes).
    held: BTreeSet<<A::Key as Key>::Repr>,
}

impl<'o, A: HasOne> OwnerLocks<'o, A> {
    fn new(owner: &'o A::Owner) -> Self {
        OwnerLocks {
            owner,
            own: A::owner_key(owner),
            held: BTreeSet::new(),
        }
    }

    /// Locks this owner's row and `other`'s (if another owner), lower key first.
    async fn lock_both<C>(&mut self, other: &Holder<A::Key>, conn: &mut C) -> Result<(), Error>
    where
        C: Exec,
        A: Moves<C>,
        A::Owner: Persist<C>,
    {
        let mut keys = vec![self.own.clone()];
        if let Holder::Owner(k) = other {
            keys.push(k.clone());
        }
        keys.sort_by(|a, b| a.repr().cmp(b.repr()));
        keys.dedup();
        for key in keys {
            if key == self.own {
                self.owner.lock_row(conn).await?;
            } else {
                A::lock_owner(&key, conn).await?;
            }
            self.held.insert(key.repr().clone());
        }
        Ok(())
    }

    /// Locks owner `key` after others, when its key is above every key held (the order
    /// holds); [`Error::RowMoved`] when it is below.
    async fn lock_later<C: Exec>(&mut self, key: &A::Key, conn: &mut C) -> Result<(), Error>
    where
        A: Moves<C>,
    {
        if self.held.contains(key.repr()) {
            return Ok(());
        }
        if self.held.last().is_some_and(|max| key.repr() < max) {
            return Err(moved::<A>());
        }
        A::lock_owner(key, conn).await?;
        self.held.insert(key.repr().clone());
        Ok(())
    }
}

/// [`Error::RowMoved`] for association `A`'s target.
fn moved<A: HasOne>() -> Error {
    Error::RowMoved {
        model: <A::Target as Model>::NAME,
    }
}

/// Locks what linking row `target` to `owner` takes, in the global lock order (see the
/// [module docs](self)): this owner's row and the row's current owner's, ascending, then
/// the row itself. Returns where the row stands, locked; [`Error::NotFound`] for the owner
/// or the row when gone, [`Error::RowMoved`] when the row was linked meanwhile to an
/// owner it could not lock in order.
pub async fn lock_for_link<A, C>(
    owner: &A::Owner,
    target: &TargetKey<A>,
    conn: &mut C,
) -> Result<Holder<A::Key>, Error>
where
    C: Exec,
    A: Moves<C>,
    A::Owner: Persist<C>,
{
    let mut locks = OwnerLocks::<A>::new(owner);
    let seen = A::holder(target, conn).await?;
    locks.lock_both(&seen, conn).await?;
    follow::<A, C>(&mut locks, target, seen, conn).await?;
    let locked = A::lock_holder(target, conn).await?;
    match &locked {
        Holder::Missing => {
            return Err(Error::NotFound {
                model: <A::Target as Model>::NAME,
            })
        }
        // Linked meanwhile to an owner not held: waiting for it now, with the row
        // locked, would break the order.
        Holder::Owner(key) if !locks.held.contains(key.repr()) => return Err(moved::<A>()),
        Holder::Owner(_) | Holder::Unowned => {}
    }
    Ok(locked)
}

/// Step 3: while the row is linked to another owner, read its owner again after the
/// owner locks (which may have waited for a move of the row to commit) and lock the new
/// owner, at most [`ROUNDS`] times.
async fn follow<A, C>(
    locks: &mut OwnerLocks<'_, A>,
    target: &TargetKey<A>,
    mut seen: Holder<A::Key>,
    conn: &mut C,
) -> Result<(), Error>
where
    C: Exec,
    A: Moves<C>,
{
    for _ in 0..ROUNDS {
        match &seen {
            Holder::Owner(key) if *key != locks.own => {}
            // unlinked, gone, or this owner's: the locked read of the row decides
            _ => return Ok(()),
        }
        let now = A::holder(target, conn).await?;
        if now == seen {
            return Ok(());
        }
        if let Holder::Owner(key) = &now {
            locks.lock_later(key, conn).await?;
        }
        seen = now;
    }
    Ok(())
}

/// Whether one write transaction of the library that ended with `result` runs again at
/// once: while it fails with [`Error::RowMoved`], at most [`RESTARTS`] runs in all
/// (`runs` counts them), and never inside a caller's transaction (`nested`). No wait
/// between runs: the new run starts from the row's new owner.
pub fn run_again<T>(result: &Result<T, Error>, nested: bool, runs: &mut u32) -> bool {
    let again = matches!(result, Err(Error::RowMoved { .. })) && !nested && *runs < RESTARTS;
    *runs += u32::from(again);
    again
}
