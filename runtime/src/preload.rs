//! `preload_…`: the associated rows of many owners in one query.

use std::collections::HashMap;

use diesel::QueryResult;

use crate::association::Preload;
use crate::connection::Conn;

/// The linked row of each owner, aligned with `owners` (`result[i]` belongs to
/// `owners[i]`), loaded with one query whatever the number of owners.
///
/// When several rows are linked to one owner, the one with the lowest primary key is
/// returned, as by the reader. An owner listed twice gets its row at its first position
/// and `None` after (as Diesel's `grouped_by`; no `Clone` is required).
pub fn preload<A, C>(owners: &[A::Owner], conn: &mut C) -> QueryResult<Vec<Option<A::Target>>>
where
    C: Conn,
    A: Preload<C>,
{
    let keys: Vec<A::Key> = owners.iter().map(A::owner_key).collect();
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut unique: Vec<A::Key> = Vec::with_capacity(keys.len());
    let mut seen = std::collections::HashSet::with_capacity(keys.len());
    for k in &keys {
        if seen.insert(k) {
            unique.push(k.clone());
        }
    }
    let mut by_key: HashMap<A::Key, A::Target> = HashMap::with_capacity(unique.len());
    for (fk, row) in A::preload(unique, conn)? {
        if let Some(fk) = fk {
            by_key.entry(fk).or_insert(row);
        }
    }
    Ok(keys.iter().map(|k| by_key.remove(k)).collect())
}
