//! Locking the rows linked to an owner **by primary key**: the keys are read first
//! without locking, then exactly those rows are locked, with the link checked again
//! (`… WHERE pk IN (…) AND fk = key FOR UPDATE`).
//!
//! One locking read through the foreign key (`… WHERE fk = key FOR UPDATE`) is what a
//! user would write, and PostgreSQL locks only the rows it returns. InnoDB (MySQL,
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
//! change between the read and the lock. The lock still checks the link, so a row that
//! was changed by a statement outside the library is skipped rather than taken from
//! another owner.

use diesel::query_dsl::methods::SelectDsl;
use diesel::{Expression, QueryResult, Selectable, SelectableHelper};

use crate::association::HasOne;
use crate::connection::Conn;
use crate::lock::{Locked, RowLock};
use crate::model::Model;
use crate::statements::{Loads, Pk, Queries, Selection, TargetKey};

/// The locks of association `A`'s linked rows by primary key, on connection type `C`:
/// implemented for every association (a blanket impl over its [`HasOne`] facts).
pub trait LockLinked<C: Conn>: HasOne {
    /// Locks the rows with primary keys `keys` that are linked to owner key `owner`;
    /// their keys, in the order of `keys`.
    fn lock_keys(
        owner: Self::Key,
        keys: Vec<TargetKey<Self>>,
        conn: &mut C,
    ) -> QueryResult<Vec<TargetKey<Self>>>;
    /// Locks and loads the rows with primary keys `keys` that are linked to owner key
    /// `owner`, in the order of `keys`.
    fn lock_rows(
        owner: Self::Key,
        keys: Vec<TargetKey<Self>>,
        conn: &mut C,
    ) -> QueryResult<Vec<Self::Target>>;
}

type KeysLinkedOf<A> = <A as Queries>::KeysLinked;

/// `found` in the order of `keys` (a locking read by key returns the index's order).
fn in_order_of<T, K: PartialEq>(keys: &[K], mut found: Vec<T>, key: impl Fn(&T) -> K) -> Vec<T> {
    let position = |t: &T| keys.iter().position(|k| *k == key(t));
    found.sort_by_key(|t| position(t));
    found
}

impl<A, C> LockLinked<C> for A
where
    C: Conn,
    A: Queries,
    A::Target: Selectable<C::DB>,
    Selection<A, C>: Expression,
    KeysLinkedOf<A>: SelectDsl<Pk<A>> + SelectDsl<Selection<A, C>>,
    Locked<diesel::dsl::Select<KeysLinkedOf<A>, Pk<A>>, RowLock>: Loads<C, TargetKey<A>>,
    Locked<diesel::dsl::Select<KeysLinkedOf<A>, Selection<A, C>>, RowLock>: Loads<C, A::Target>,
{
    fn lock_keys(
        owner: A::Key,
        keys: Vec<TargetKey<A>>,
        conn: &mut C,
    ) -> QueryResult<Vec<TargetKey<A>>> {
        if keys.is_empty() {
            return Ok(keys);
        }
        let query = A::keys_linked(owner, keys.clone()).select(Pk::<A>::default());
        let found = Locked::<_, RowLock>::new(query).load_all(conn)?;
        Ok(in_order_of(&keys, found, Clone::clone))
    }

    fn lock_rows(
        owner: A::Key,
        keys: Vec<TargetKey<A>>,
        conn: &mut C,
    ) -> QueryResult<Vec<A::Target>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let query = A::keys_linked(owner, keys.clone()).select(A::Target::as_select());
        let found = Locked::<_, RowLock>::new(query).load_all(conn)?;
        Ok(in_order_of(&keys, found, Model::primary_key_value))
    }
}
