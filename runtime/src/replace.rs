//! The replace transaction: `create_…`, `build_…().save`, `set_…`.
//!
//! Validation first (per the association's `validate`, `autosave` and `required`), before
//! anything is read or written. Then one transaction: lock the owner row (for a row moved
//! from another owner, both owner rows in key order: [`moving`]), remove
//! the old row per `dependent`, then write the new one. Removing before inserting means a
//! unique index on the foreign key never trips, and any failure — the new row rejected by
//! the database, a hook aborting, a NOT NULL key that cannot be unlinked — leaves the old
//! row linked and untouched.

use diesel::QueryResult;

use crate::association::{Insert, Statements};
use crate::autosave::{AutosaveOptions, ValidateWith, ValidatesValues};
use crate::dependent;
use crate::error::{Error, Errors};
use crate::exec::Exec;
use crate::model::{Model, Persist};
use crate::moving::{self, Holder, Moves};
use crate::touch::Instant;
use crate::transaction::{transaction, Transact};

/// Replaces the owner's linked row by a new row made of `values`; returns the new row.
pub async fn create<A, C, V>(owner: &A::Owner, values: V, conn: &mut C) -> Result<A::Target, Error>
where
    C: Transact,
    A: Insert<C, V> + ValidatesValues<V>,
    A::Owner: Persist<C>,
    A::Target: Persist<C>,
{
    A::validate_values(&values)?;
    transaction(conn, async |conn: &mut C| {
        owner.lock_row(conn).await?;
        dependent::on_replace::<A, C>(owner, conn).await?;
        let row = insert_row::<A, C, V>(owner, values, Instant::now(), conn).await?;
        row.ok_or(Error::NotFound {
            model: <A::Target as Model>::NAME,
        })
    })
    .await
}

/// [`Insert::insert`], then the new row: returned by the `INSERT`, or reselected
/// ([`Statements::created`]).
pub async fn insert_row<A, C, V>(
    owner: &A::Owner,
    values: V,
    at: Instant,
    conn: &mut C,
) -> QueryResult<Option<A::Target>>
where
    C: Exec,
    A: Insert<C, V>,
{
    match A::insert(owner, values, at, conn).await? {
        Some(row) => Ok(Some(row)),
        None => A::created(owner, conn).await,
    }
}

/// Links `target` (an existing row) to the owner, removing the old row per `dependent`;
/// `None` only removes the old row. Linking the row that is already linked changes nothing;
/// a row linked to another owner is moved here (Rails: the other owner is left without),
/// and with several rows linked, `target` stays while the others are removed.
///
/// The owner rows are locked before any row, lower key first: this owner's and, when
/// `target` is linked to another owner, that owner's too (a move changes both owners'
/// rows); then `target`. See [`moving`], and [`Error::RowMoved`].
pub async fn set<A, C>(
    owner: &A::Owner,
    target: Option<&A::Target>,
    conn: &mut C,
) -> Result<(), Error>
where
    C: Transact,
    A: Statements<C> + ValidatesTarget<C>,
    A::Owner: Persist<C>,
    A::Target: Persist<C>,
{
    A::validate_target(target)?;
    let Some(target) = target else {
        return transaction(conn, async |conn: &mut C| {
            owner.lock_row(conn).await?;
            dependent::on_replace::<A, C>(owner, conn).await
        })
        .await;
    };
    let (nested, mut runs) = (conn.depth()? > 0, 1);
    loop {
        let link = async |conn: &mut C| link_row::<A, C>(owner, target, conn).await;
        let result = transaction(conn, link).await;
        if !moving::run_again(&result, nested, &mut runs) {
            return result;
        }
    }
}

/// `set_…(Some(target))` inside its transaction.
async fn link_row<A, C>(owner: &A::Owner, target: &A::Target, conn: &mut C) -> Result<(), Error>
where
    C: Exec,
    A: Statements<C> + ValidatesTarget<C>,
    A::Owner: Persist<C>,
    A::Target: Persist<C>,
{
    let target_key = target.primary_key_value();
    // Locked before anything is removed: a row linked to another owner moves here
    // (Rails), and nobody can delete or move it meanwhile.
    let holder = moving::lock_for_link::<A, C>(owner, &target_key, conn).await?;
    if holder == Holder::Owner(A::owner_key(owner))
        && A::linked_keys(owner, conn).await? == [target_key.clone()]
    {
        return Ok(());
    }
    dependent::on_replace_keeping::<A, C>(owner, Some(&target_key), conn).await?;
    match A::link(owner, &target_key, conn).await? {
        0 => Err(Error::NotFound {
            model: <A::Target as Model>::NAME,
        }),
        _ => Ok(()),
    }
}

/// What `set_…` needs beyond [`Statements`], stated per connection type so that it is
/// checked where the method is called: the linked row implements
/// [`Validate`](crate::Validate) when the association validates, and the statements of a
/// move from another owner ([`Moves`]; implemented for every association).
pub trait ValidatesTarget<C: Exec>: AutosaveOptions + Moves<C> {
    /// [`validate`] of the row to link (`None`: `required`).
    fn validate_target(row: Option<&Self::Target>) -> Result<(), Error>;
}

impl<A, C> ValidatesTarget<C> for A
where
    C: Exec,
    A: AutosaveOptions + Moves<C>,
    A::Validation: ValidateWith<A::Target>,
{
    fn validate_target(row: Option<&A::Target>) -> Result<(), Error> {
        validate::<A, A::Target>(row)
    }
}

/// The checks every writer runs before touching the database: the new row's (or linked
/// row's) [`Validate`](crate::Validate) when the association validates, and `required`
/// when the write would leave no row. [`Error::Invalid`] with every message at once.
pub fn validate<A, V>(row: Option<&V>) -> Result<(), Error>
where
    A: AutosaveOptions,
    A::Validation: ValidateWith<V>,
{
    let mut errors = Errors::new();
    match row {
        Some(row) => <A::Validation as ValidateWith<V>>::check_with(row, &mut errors),
        None if A::REQUIRED => errors.add(A::NAME, "must exist"),
        None => {}
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(errors))
    }
}
