//! The replace transaction: `create_…`, `build_…().save`, `set_…`.
//!
//! One transaction: lock the owner row, remove the old row per `dependent`, then write
//! the new one. Removing before inserting means a unique index on the foreign key never
//! trips, and any failure — the new row rejected by the database, a hook aborting, a NOT
//! NULL key that cannot be unlinked — leaves the old row linked and untouched.

use crate::association::{Insert, Statements};
use crate::connection::{write_transaction, Conn};
use crate::dependent;
use crate::error::Error;
use crate::model::{Model, Persist};

/// Replaces the owner's linked row by a new row made of `values`; returns the new row.
pub fn create<A, C, V>(owner: &A::Owner, values: V, conn: &mut C) -> Result<A::Target, Error>
where
    C: Conn,
    A: Insert<C, V>,
    A::Owner: Persist<C>,
    A::Target: Persist<C>,
{
    write_transaction(conn, |conn| {
        owner.lock_row(conn)?;
        dependent::on_replace::<A, C>(owner, conn)?;
        A::insert(owner, values, conn)?;
        A::created(owner, conn)?.ok_or(Error::NotFound {
            model: <A::Target as Model>::NAME,
        })
    })
}

/// Links `target` (an existing row) to the owner, removing the old row per `dependent`;
/// `None` only removes the old row. Linking the row that is already linked changes nothing.
pub fn set<A, C>(owner: &A::Owner, target: Option<&A::Target>, conn: &mut C) -> Result<(), Error>
where
    C: Conn,
    A: Statements<C>,
    A::Owner: Persist<C>,
    A::Target: Persist<C>,
{
    write_transaction(conn, |conn| {
        owner.lock_row(conn)?;
        let Some(target) = target else {
            return dependent::on_replace::<A, C>(owner, conn);
        };
        let target_key = target.primary_key_value();
        if A::linked_keys(owner, conn)? == [target_key.clone()] {
            return Ok(());
        }
        dependent::on_replace::<A, C>(owner, conn)?;
        match A::link(owner, &target_key, conn)? {
            0 => Err(Error::NotFound {
                model: <A::Target as Model>::NAME,
            }),
            _ => Ok(()),
        }
    })
}
