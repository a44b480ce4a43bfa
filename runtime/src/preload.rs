//! `preload_…`: the associated rows of many owners in one query.

use std::collections::hash_map::{Entry, HashMap};

use diesel::QueryResult;

use crate::association::Preload;
use crate::exec::Exec;
use crate::key::Key;
use crate::model::Model;

/// The linked row of each owner, aligned with `owners` (`result[i]` belongs to
/// `owners[i]`), loaded with one query whatever the number of owners.
///
/// When several rows are linked to one owner, the reader's row is returned: the first by
/// the scope's order, then the lowest primary key. An owner listed twice gets its row at
/// its first position and `None` after (as Diesel's `grouped_by`; no `Clone` is required).
///
/// Memory: besides the result, one map from each distinct owner key to its first position
/// and the distinct keys bound to the statement; rows are placed as they are read.
pub async fn preload<A, C>(owners: &[A::Owner], conn: &mut C) -> QueryResult<Vec<Option<A::Target>>>
where
    C: Exec,
    A: Preload<C>,
{
    let mut rows: Vec<Option<A::Target>> = Vec::with_capacity(owners.len());
    let mut position: HashMap<<A::Key as Key>::Repr, usize> = HashMap::with_capacity(owners.len());
    let mut keys: Vec<A::Key> = Vec::with_capacity(owners.len());
    for (i, owner) in owners.iter().enumerate() {
        rows.push(None);
        let key = A::owner_key(owner);
        if let Entry::Vacant(slot) = position.entry(key.repr().clone()) {
            slot.insert(i);
            keys.push(key);
        }
    }
    if keys.is_empty() {
        return Ok(rows);
    }
    let first_row_wins = A::first_row_wins();
    A::preload(keys, conn, |row| {
        let Some(&i) = A::linked_key(&row).and_then(|fk| position.get(fk)) else {
            return;
        };
        let slot = &mut rows[i];
        let wins = match slot {
            None => true,
            Some(_) if first_row_wins => false,
            Some(held) => row.primary_key_value().repr() < held.primary_key_value().repr(),
        };
        if wins {
            *slot = Some(row);
        }
    })
    .await?;
    Ok(rows)
}
