//! `dependent`: what happens to the linked row when its owner is destroyed or replaced.

use crate::association::{Dependent, Statements};
use crate::connection::Conn;
use crate::error::{Error, Errors};
use crate::jobs::JobStore;
use crate::key::to_json_array;
use crate::model::{Model, Persist};

/// Destroys one target row inside the caller's transaction (its hooks and dependents).
pub type DestroyRow<T, C> = fn(&T, &mut C) -> Result<(), Error>;

/// Runs association `A`'s `dependent` for `owner`, as part of destroying it (inside its transaction).
pub fn on_destroy<A, C>(owner: &A::Owner, conn: &mut C) -> Result<(), Error>
where
    C: Conn + JobStore,
    A: Statements<C>,
    A::Target: Persist<C>,
{
    on_destroy_with::<A, C>(owner, conn, Persist::destroy_in)
}

/// [`on_destroy`] with the target's destroy given as a function: a model whose
/// association targets the model itself (`Employee has_one assistant: Employee`) passes
/// its own `destroy_in`, so its `Persist` impl does not require itself.
pub fn on_destroy_with<A, C>(
    owner: &A::Owner,
    conn: &mut C,
    destroy: DestroyRow<A::Target, C>,
) -> Result<(), Error>
where
    C: Conn + JobStore,
    A: Statements<C>,
{
    match A::DEPENDENT {
        Dependent::None => Ok(()),
        Dependent::DestroyAsync => {
            let keys = A::linked_keys(owner, conn)?;
            if !keys.is_empty() {
                conn.insert_job(
                    &format!("{}.{}", <A::Owner as Model>::NAME, A::NAME),
                    &to_json_array(&[A::owner_key(owner)]),
                    &to_json_array(&keys),
                    crate::jobs::now(),
                )?;
            }
            Ok(())
        }
        Dependent::Destroy => destroy_linked::<A, C>(owner, None, destroy, conn),
        Dependent::Delete => delete_linked::<A, C>(owner, None, conn),
        Dependent::Nullify => unlink::<A, C>(owner, None, conn),
        Dependent::RestrictWithException => {
            if A::linked_keys(owner, conn)?.is_empty() {
                Ok(())
            } else {
                Err(Error::DeleteRestricted {
                    model: <A::Owner as Model>::NAME,
                    association: A::NAME,
                })
            }
        }
        Dependent::RestrictWithError => {
            if A::linked_keys(owner, conn)?.is_empty() {
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
pub fn on_replace<A, C>(owner: &A::Owner, conn: &mut C) -> Result<(), Error>
where
    C: Conn,
    A: Statements<C>,
    A::Target: Persist<C>,
{
    on_replace_keeping::<A, C>(owner, None, conn)
}

/// [`on_replace`], leaving the row with primary key `keep` (the row `set_…` links) alone.
pub fn on_replace_keeping<A, C>(
    owner: &A::Owner,
    keep: Option<&<A::Target as Model>::Key>,
    conn: &mut C,
) -> Result<(), Error>
where
    C: Conn,
    A: Statements<C>,
    A::Target: Persist<C>,
{
    match A::DEPENDENT {
        Dependent::Destroy => destroy_linked::<A, C>(owner, keep, Persist::destroy_in, conn),
        Dependent::Delete => delete_linked::<A, C>(owner, keep, conn),
        Dependent::None
        | Dependent::DestroyAsync
        | Dependent::Nullify
        | Dependent::RestrictWithException
        | Dependent::RestrictWithError => unlink::<A, C>(owner, keep, conn),
    }
}

type TargetKey<A> = <<A as crate::association::HasOne>::Target as Model>::Key;

/// The locked keys of the rows linked to `owner`, without `keep`.
fn linked_except<A, C>(
    owner: &A::Owner,
    keep: Option<&TargetKey<A>>,
    conn: &mut C,
) -> Result<Vec<TargetKey<A>>, Error>
where
    C: Conn,
    A: Statements<C>,
{
    let mut keys = A::linked_keys(owner, conn)?;
    keys.retain(|k| Some(k) != keep);
    Ok(keys)
}

/// Loads the linked rows with a locking read and destroys each (hooks, its own
/// dependents): locked, a row cannot move to another owner before it is deleted.
fn destroy_linked<A, C>(
    owner: &A::Owner,
    keep: Option<&TargetKey<A>>,
    destroy: DestroyRow<A::Target, C>,
    conn: &mut C,
) -> Result<(), Error>
where
    C: Conn,
    A: Statements<C>,
{
    for row in A::load_linked(owner, conn)? {
        if Some(&row.primary_key_value()) != keep {
            destroy(&row, conn)?;
        }
    }
    Ok(())
}

/// One `DELETE` of the locked linked rows, by key and link.
fn delete_linked<A, C>(
    owner: &A::Owner,
    keep: Option<&TargetKey<A>>,
    conn: &mut C,
) -> Result<(), Error>
where
    C: Conn,
    A: Statements<C>,
{
    let keys = linked_except::<A, C>(owner, keep, conn)?;
    if !keys.is_empty() {
        A::delete_keys(owner, keys, conn)?;
    }
    Ok(())
}

/// Sets the foreign key of the locked linked rows to NULL, by key and link. A NOT NULL
/// foreign key cannot be unlinked: if a row is linked the result is
/// [`Error::CannotNullify`] before anything is written (MySQL outside strict mode would
/// otherwise store 0).
fn unlink<A, C>(owner: &A::Owner, keep: Option<&TargetKey<A>>, conn: &mut C) -> Result<(), Error>
where
    C: Conn,
    A: Statements<C>,
{
    let keys = linked_except::<A, C>(owner, keep, conn)?;
    if keys.is_empty() {
        return Ok(());
    }
    if !A::FOREIGN_KEY_NULLABLE {
        return Err(Error::CannotNullify {
            model: <A::Owner as Model>::NAME,
            association: A::NAME,
        });
    }
    A::unlink_keys(owner, keys, conn)?;
    Ok(())
}
