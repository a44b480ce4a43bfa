//! The derive's compile-time checks: the traits whose messages a wrong declaration shows
//! (a column that is not a field of the model, an `inverse_of` that does not point back,
//! `nullify` on a NOT NULL column, a destroy hook with another signature, a lazy read of a
//! `strict_loading` association). The derive names columns of other models by a
//! type-level spelling of their name ([`Ch`]), so that an owner's derive reaches a target's
//! column without knowing the module of the target's `table!`.

use diesel::sql_types::{Nullable, SqlType};
use diesel::QueryResult;

use crate::key::KeyFits;

/// Eight characters of a type-level name, padded with spaces (which no column name has):
/// `(Ch<'i', 'd', ' ', ' ', ' ', ' ', ' ', ' '>,)` names the column `id`, longer names are
/// tuples of several.
///
/// Lets the derive on an owner reach a column of another model's table by name without
/// knowing the module of that model's `table!`.
pub struct Ch<
    const A: char,
    const B: char,
    const C: char,
    const D: char,
    const E: char,
    const F: char,
    const G: char,
    const H: char,
>;

/// The model's field for the column named `Name` (a tuple of [`Ch`]).
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no field for the column this `has_one` names here",
    label = "no field of `{Self}` maps to this column",
    note = "the columns a `has_one` names are columns of the target's table with a field on `{Self}` (which derives `Model`): the foreign key (`foreign_key = \"…\"`; default the owner's name in snake case + `_id`, or `<as>_id` with `as`), the polymorphic type column (`foreign_type`, default `<as>_type`) and the `touch` column (`touch = \"…\"`, default `updated_at`)"
)]
pub trait Column<Name> {
    /// The Diesel column.
    type Column: diesel::Column + Default;
}

/// The model's `#[diesel(belongs_to(Parent, foreign_key = …))]` named `Name` (Rails'
/// name: `belongs_to(User)` is `user`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no `belongs_to` with the name given to `inverse_of`",
    label = "no `#[diesel(belongs_to(…))]` of `{Self}` has this name",
    note = "`inverse_of = \"user\"` names `#[diesel(belongs_to(User))]` on the target; add it or fix the name"
)]
pub trait BelongsTo<Name> {
    /// The parent type.
    type Parent;
    /// The foreign key column.
    type Column;
}

/// `inverse_of` check: the `belongs_to` uses the association's foreign key.
#[diagnostic::on_unimplemented(
    message = "`inverse_of` names a `belongs_to` whose foreign key `{Self}` is not this association's foreign key `{Fk}`",
    label = "different foreign key",
    note = "set `foreign_key = \"…\"` on the `has_one` or on the `belongs_to` so both use the same column"
)]
pub trait SameForeignKey<Fk> {}
impl<T> SameForeignKey<T> for T {}

/// `inverse_of` check: the `belongs_to` points back at the owner.
#[diagnostic::on_unimplemented(
    message = "`inverse_of` names a `belongs_to` to `{Self}`, not to the owner `{Owner}`",
    label = "belongs to another model"
)]
pub trait SameParent<Owner> {}
impl<T> SameParent<T> for T {}

/// `dependent = "nullify"` check: the foreign key column is nullable.
#[diagnostic::on_unimplemented(
    message = "`dependent = \"nullify\"` needs nullable columns, but one has the SQL type `{Self}` (NOT NULL)",
    label = "nullify sets the foreign key (and, with `as = \"…\"`, the type column) to NULL",
    note = "use `dependent = \"destroy\"` or `\"delete\"`, or make the column `Nullable<…>` in `table!` and the database"
)]
pub trait NullableColumn {}
impl<ST> NullableColumn for Nullable<ST> {}

/// Compile-time checks, called from a never-run function of the expansion.
pub fn check_key_fits<K: KeyFits<ST>, ST: SqlType + diesel::expression::TypedExpressionType>() {}
/// See [`SameForeignKey`].
pub fn check_inverse_foreign_key<B: SameForeignKey<Fk>, Fk>() {}
/// See [`SameParent`].
pub fn check_inverse_parent<P: SameParent<Owner>, Owner>() {}
/// See [`NullableColumn`].
pub fn check_nullable<ST: NullableColumn>() {}

/// A destroy hook (`#[model(before_destroy = …, after_destroy = …)]`) as the runtime calls
/// it: generic over the connection, `fn check<C>(model: &T, conn: &mut C) -> Result<(), Error>`.
pub type DestroyHook<T, C> = fn(&T, &mut C) -> std::result::Result<(), crate::Error>;

/// Calls a destroy hook through [`DestroyHook`], so a hook with another signature is
/// reported once, on the user's path, with the expected signature spelled out (instead
/// of an argument-count error plus a `?` error).
#[inline]
pub fn run_destroy_hook<T, C>(
    destroy_hook: DestroyHook<T, C>,
    model: &T,
    conn: &mut C,
) -> std::result::Result<(), crate::Error> {
    destroy_hook(model, conn)
}

/// `class_name` check: the target derives `Model`.
pub fn check_model<T: crate::Model>() {}

/// `strict_loading`: the lazy reader exists only to say, at compile time, how to load.
#[diagnostic::on_unimplemented(
    message = "this association is declared with `strict_loading`: it has no lazy reader",
    label = "lazy read of a `strict_loading` association",
    note = "preload it for many owners with `Owner::preload_<name>(&owners, conn)`, or join it with `Owner::eager_load_<name>(query)`"
)]
pub trait StrictLoading<A> {
    /// Never implemented.
    fn lazy_read<O, T>(conn: &mut Self, owner: &O) -> QueryResult<Option<T>>;
}
