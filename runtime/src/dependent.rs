//! `dependent`: what happens to the linked row when its owner is destroyed or replaced.

use std::future::Future;
use std::pin::Pin;

use crate::association::{Dependent, Statements};
use crate::error::{Error, Errors};
use crate::exec::Exec;
use crate::jobs::InsertsJob;
use crate::key::to_json_array;
use crate::model::{Model, Persist};

/// Destroys one target row inside the caller's transaction (its hooks and dependents),
/// boxed: the destroy of a model's rows by the model's own associations, a recursion.
pub type DestroyRow<T, C> =
    for<'a> fn(&'a T, &'a mut C) -> Pin<Box<dyn Future<Output = Result<(), Error>> + Send + 'a>>;

/// [`Persist::destroy_in`] as a [`DestroyRow`]: a model's destroy passes it to its own
/// associations (a function of its own, so the destroy's future does not contain itself).
pub fn destroy_boxed<'a, T: Persist<C>, C: Exec>(
    row: &'a T,
    conn: &'a mut C,
) -> Pin<Box<dyn Future<Output = Result<(), Error>> + Send + 'a>> {
    Box::pin(row.destroy_in(conn))
}

/// Destroying one target row inside the caller's transaction: [`ByPersist`], or a
/// [`DestroyRow`].
pub trait DestroysRow<T, C>: Copy + Send {
    /// Whether destroying a row is its `DELETE` alone ([`Persist::DESTROY_IS_DELETE`]).
    const IS_DELETE: bool;
    /// The row's hooks, dependents and the row.
    fn destroy_row<'a>(
        self,
        row: &'a T,
        conn: &'a mut C,
    ) -> impl Future<Output = Result<(), Error>> + Send + 'a;
}

/// The target's own [`Persist::destroy_in`] (not boxed).
#[derive(Debug, Clone, Copy)]
pub struct ByPersist;

impl<T: Persist<C>, C: Exec> DestroysRow<T, C> for ByPersist {
    const IS_DELETE: bool = T::DESTROY_IS_DELETE;
    fn destroy_row<'a>(
        self,
        row: &'a T,
        conn: &'a mut C,
    ) -> impl Future<Output = Result<(), Error>> + Send + 'a {
        row.destroy_in(conn)
    }
}

impl<T, C> DestroysRow<T, C> for DestroyRow<T, C> {
    const IS_DELETE: bool = false;
    fn destroy_row<'a>(
        self,
        row: &'a T,
        conn: &'a mut C,
    ) -> impl Future<Output = Result<(), Error>> + Send + 'a {
        self(row, conn)
    }
}

/// Runs association `A`'s `dependent` for `owner`, as part of destroying it (inside its transaction).
pub async fn on_destroy<A, C>(owner: &A::Owner, conn: &mut C) -> Result<(), Error>
where
    C: InsertsJob,
    A: Statements<C>,
    A::Target: Persist<C>,
{
    on_destroy_with::<A, C, _>(owner, conn, ByPersist).await
}

/// [`on_destroy`] with the target's destroy given: a model whose association targets the
/// model itself (`Employee has_one assistant: Employee`) passes its own `destroy_in`,
/// boxed, so its `Persist` impl does not require itself.
pub async fn on_destroy_with<A, C, D>(
    owner: &A::Owner,
    conn: &mut C,
    destroy: D,
) -> Result<(), Error>
where
    C: InsertsJob,
    A: Statements<C>,
    D: DestroysRow<A::Target, C>,
{
    match A::DEPENDENT {
        Dependent::None => Ok(()),
        Dependent::DestroyAsync => {
            let keys = A::linked_keys(owner, conn).await?;
            if !keys.is_empty() {
                let job = crate::jobs::job_row(
                    format!("{}.{}", <A::Owner as Model>::NAME, A::NAME),
                    to_json_array(&[A::owner_key(owner)]),
                    to_json_array(&keys),
                    crate::jobs::now(),
                );
                conn.insert_job_row(job).await?;
            }
            Ok(())
        }
        Dependent::Destroy => destroy_linked::<A, C, D>(owner, None, destroy, conn).await,
        Dependent::Delete => delete_linked::<A, C>(owner, None, conn).await,
        Dependent::Nullify => unlink::<A, C>(owner, None, conn).await,
        Dependent::RestrictWithException => {
            if A::linked_keys(owner, conn).await?.is_empty() {
                Ok(())
            } else {
                Err(Error::DeleteRestricted {
                    model: <A::Owner as Model>::NAME,
                    association: A::NAME,
                })
            }
        }
        Dependent::RestrictWithError => {
            if A::linked_keys(owner, conn).await?.is_empty() {
                Ok(())
            } else {
                let mut errors = Errors::new();
                errors.add(
                    "base",
                    format!(
                        "Cannot delete record because a dependent {} exists",
                        A::NAME
                    ),
                );
                Err(Error::Invalid(errors))
            }
        }
    }
}

/// Removes the rows linked to `owner` before a new one is linked (replace): destroyed with
/// `destroy`, deleted with `delete`, otherwise unlinked (Rails nullifies for every other
/// `dependent`, `destroy_async` included: no job is written on replace).
pub async fn on_replace<A, C>(owner: &A::Owner, conn: &mut C) -> Result<(), Error>
where
    C: Exec,
    A: Statements<C>,
    A::Target: Persist<C>,
{
    on_replace_keeping::<A, C>(owner, None, conn).await
}

/// [`on_replace`], leaving the row with primary key `keep` (the row `set_…` links) alone.
pub async fn on_replace_keeping<A, C>(
    owner: &A::Owner,
    keep: Option<&<A::Target as Model>::Key>,
    conn: &mut C,
) -> Result<(), Error>
where
    C: Exec,
    A: Statements<C>,
    A::Target: Persist<C>,
{
    match A::DEPENDENT {
        Dependent::Destroy => destroy_linked::<A, C, _>(owner, keep, ByPersist, conn).await,
        Dependent::Delete => delete_linked::<A, C>(owner, keep, conn).await,
        Dependent::None
        | Dependent::DestroyAsync
        | Dependent::Nullify
        | Dependent::RestrictWithException
        | Dependent::RestrictWithError => unlink::<A, C>(owner, keep, conn).await,
    }
}

type TargetKey<A> = <<A as crate::association::HasOne>::Target as Model>::Key;

/// The locked keys of the rows linked to `owner`, without `keep`.
async fn linked_except<A, C>(
    owner: &A::Owner,
    keep: Option<&TargetKey<A>>,
    conn: &mut C,
) -> Result<Vec<TargetKey<A>>, Error>
where
    C: Exec,
    A: Statements<C>,
{
    let mut keys = A::linked_keys(owner, conn).await?;
    keys.retain(|k| Some(k) != keep);
    Ok(keys)
}

/// Loads the linked rows with a locking read and destroys each (hooks, its own
/// dependents): locked, a row cannot move to another owner before it is deleted. Rows
/// whose destroy is their `DELETE` alone are deleted as `dependent = "delete"` does.
async fn destroy_linked<A, C, D>(
    owner: &A::Owner,
    keep: Option<&TargetKey<A>>,
    destroy: D,
    conn: &mut C,
) -> Result<(), Error>
where
    C: Exec,
    A: Statements<C>,
    D: DestroysRow<A::Target, C>,
{
    if D::IS_DELETE {
        return delete_linked::<A, C>(owner, keep, conn).await;
    }
    for row in A::load_linked(owner, conn).await? {
        if Some(&row.primary_key_value()) != keep {
            destroy.destroy_row(&row, conn).await?;
        }
    }
    Ok(())
}

/// One `DELETE` of the linked rows by link ([`Statements::delete_linked`]), or of the
/// locked linked rows by key and link.
async fn delete_linked<A, C>(
    owner: &A::Owner,
    keep: Option<&TargetKey<A>>,
    conn: &mut C,
) -> Result<(), Error>
where
    C: Exec,
    A: Statements<C>,
{
    if keep.is_none() && A::delete_linked(owner, conn).await?.is_some() {
        return Ok(());
    }
    let keys = linked_except::<A, C>(owner, keep, conn).await?;
    if !keys.is_empty() {
        A::delete_keys(owner, keys, conn).await?;
    }
    Ok(())
}

/// Sets the foreign key of the linked rows to NULL, by link in one statement
/// ([`Statements::unlink_linked`]) or of the locked rows by key and link. A NOT NULL
/// foreign key cannot be unlinked: if a row is linked the result is
/// [`Error::CannotNullify`] before anything is written (MySQL outside strict mode would
/// otherwise store 0).
async fn unlink<A, C>(
    owner: &A::Owner,
    keep: Option<&TargetKey<A>>,
    conn: &mut C,
) -> Result<(), Error>
where
    C: Exec,
    A: Statements<C>,
{
    if A::FOREIGN_KEY_NULLABLE && keep.is_none() && A::unlink_linked(owner, conn).await?.is_some() {
        return Ok(());
    }
    let keys = linked_except::<A, C>(owner, keep, conn).await?;
    if keys.is_empty() {
        return Ok(());
    }
    if !A::FOREIGN_KEY_NULLABLE {
        return Err(Error::CannotNullify {
            model: <A::Owner as Model>::NAME,
            association: A::NAME,
        });
    }
    A::unlink_keys(owner, keys, conn).await?;
    Ok(())
}
