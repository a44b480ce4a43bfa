//! What one job does: check `ensuring_owner_was`, load the targets still there, destroy
//! each with its hooks and dependents.

use super::handlers::{AsyncDestroy, JobFuture};
use super::schema::Job;
use crate::association::HasOne;
use crate::error::Error;
use crate::exec::Exec;
use crate::key::from_json_array;
use crate::model::{Model, Persist};

/// Runs job `job` of association `A` on `conn` (inside the job's transaction), as the
/// handler registered per connection type for every `destroy_async` association.
pub fn run<'a, A, C>(conn: &'a mut C, job: &'a Job) -> JobFuture<'a>
where
    C: Exec,
    A: AsyncDestroy<C>,
    A::Target: Persist<C>,
{
    Box::pin(destroy_targets::<A, C>(conn, job))
}

/// The body of [`run`], on a connection of either kind.
async fn destroy_targets<A, C>(conn: &mut C, job: &Job) -> Result<(), Error>
where
    C: Exec,
    A: AsyncDestroy<C>,
    A::Target: Persist<C>,
{
    let corrupt = |what: &str| Error::Job(format!("job {}: unreadable {what}", job.id));
    let owner_key = from_json_array::<A::Key>(&job.owner_key)
        .and_then(|keys| keys.into_iter().next())
        .ok_or_else(|| corrupt("owner_key"))?;
    if !A::owner_allows(&owner_key, conn).await? {
        return Err(Error::OwnerNotDestroyed {
            model: <A::Owner as Model>::NAME,
            association: <A as HasOne>::NAME,
        });
    }
    let keys = from_json_array::<<A::Target as Model>::Key>(&job.target_keys)
        .ok_or_else(|| corrupt("target_keys"))?;
    for target in A::load_targets(&owner_key, keys, conn).await? {
        target.destroy_in(conn).await?;
    }
    Ok(())
}
