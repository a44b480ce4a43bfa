//! What one job does: check `ensuring_owner_was`, load the targets still there, destroy
//! each with its hooks and dependents.

use super::handlers::AsyncDestroy;
use super::schema::Job;
use crate::association::HasOne;
use crate::connection::Conn;
use crate::error::Error;
use crate::exec::block_now;
use crate::key::from_json_array;
use crate::model::{Model, Persist};

/// Runs job `job` of association `A` on `conn` (inside the job's transaction). Registered
/// per backend for every `destroy_async` association.
pub fn run<A, C>(conn: &mut C, job: &Job) -> Result<(), Error>
where
    C: Conn,
    A: AsyncDestroy<C>,
    A::Target: Persist<C>,
{
    let corrupt = |what: &str| Error::Job(format!("job {}: unreadable {what}", job.id));
    let owner_key = from_json_array::<A::Key>(&job.owner_key)
        .and_then(|keys| keys.into_iter().next())
        .ok_or_else(|| corrupt("owner_key"))?;
    if !A::owner_allows(&owner_key, conn)? {
        return Err(Error::OwnerNotDestroyed {
            model: <A::Owner as Model>::NAME,
            association: <A as HasOne>::NAME,
        });
    }
    let keys = from_json_array::<<A::Target as Model>::Key>(&job.target_keys)
        .ok_or_else(|| corrupt("target_keys"))?;
    for target in A::load_targets(&owner_key, keys, conn)? {
        block_now(target.destroy_in(conn))?;
    }
    Ok(())
}
