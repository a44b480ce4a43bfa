//! The derive's compile-time checks: the traits whose messages a wrong declaration shows
//! (a column that is not a field of the model, an `inverse_of` that does not point back,
//! `nullify` on a NOT NULL column, a destroy hook with another signature, a lazy read of a
//! `strict_loading` association). The derive names columns of other models by a
//! type-level spelling of their name ([`Ch`]), so that an owner's derive reaches a target's
//! column without knowing the module of the target's `table!`.
//!
//! A message about a missing column names it as text: the owner's derive looks a column
//! up from an impl (or fn) generic over a parameter named like the column (`user_id`),
//! bound to the column's spelling by [`Spelled`] and [`Spelling`]. rustc checks that
//! generic code once, prints the parameter by its name, and the lookup goes through a
//! trait of the column's role ([`ForeignKeyColumn`], [`ForeignTypeColumn`], [`TouchedColumn`],
//! [`InverseOf`]) so the message's help names the role, not the spelling:
//!
//! ```text
//! error[E0277]: `Profile` has no field for column `user_id`
//!   |
//!   | #[has_one(profile)]
//!   |           ^^^^^^^ no field of `Profile` maps to column `user_id`
//!   |
//! help: the trait `ForeignKeyColumn<user_id>` is not implemented for `Profile`
//! ```

use std::marker::PhantomData;

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

/// The message of a missing column, on [`Column`] and the traits of each role (rustc shows
/// the one of the trait it checks last, which depends on where the lookup is).
macro_rules! missing_column {
    ($($item:item)*) => {$(
        #[diagnostic::on_unimplemented(
            message = "`{Self}` has no field for column `{Label}`",
            label = "no field of `{Self}` maps to column `{Label}`",
            note = "a `has_one` names columns of its target's table, each with a field on the target (which derives `Model`): the foreign key (`foreign_key = \"…\"`; default the owner's name in snake case + `_id`, or `<as>_id` with `as`), the polymorphic type column (`foreign_type = \"…\"`, default `<as>_type`) and the `touch` column (`touch = \"…\"`, default `updated_at`); name a column that has a field, or add the column to the table's `table!` and a field for it to `{Self}`"
        )]
        $item
    )*};
}

/// The lookup of a `has_one`'s column by the parameter `Label` named like it, through the
/// column's [`Column`] (see the module docs).
macro_rules! column_role {
    ($role:ident) => {
        #[diagnostic::do_not_recommend]
        impl<T, Label: Spelling> $role<Label> for T
        where
            T: Column<Label::Chars, Label>,
        {
            type Column = <T as Column<Label::Chars, Label>>::Column;
        }
    };
}

missing_column! {
    /// The model's field for the column named `Name` (a tuple of [`Ch`]). `Label` only
    /// names the column in the message: the derive implements the trait for every
    /// `Label`, and an owner's lookup passes a generic parameter named like the column (see
    /// the module docs); other lookups leave it to its default, the spelling.
    pub trait Column<Name, Label = Name> {
        /// The Diesel column.
        type Column: diesel::Column + Default;
    }

    /// The target's foreign key column (`foreign_key`), named `Label`. One trait per role,
    /// so the message's help says which column is missing.
    pub trait ForeignKeyColumn<Label> {
        /// The Diesel column.
        type Column: diesel::Column + Default;
    }

    /// The target's polymorphic type column (`foreign_type`, `as`), named `Label`.
    pub trait ForeignTypeColumn<Label> {
        /// The Diesel column.
        type Column: diesel::Column + Default;
    }

    /// The target's `touch` column, named `Label`.
    pub trait TouchedColumn<Label> {
        /// The Diesel column.
        type Column: diesel::Column + Default;
    }
}
column_role!(ForeignKeyColumn);
column_role!(ForeignTypeColumn);
column_role!(TouchedColumn);

/// A column's name as a type: what a [`Spelled`] spelling binds a label parameter to.
pub struct Name<Chars>(PhantomData<Chars>);

/// `(Ch<'u', …>,): Spelled<Name = user_id>` binds the derive's generic parameter `user_id`
/// to the column's name (so the parameter is constrained, and fixed wherever the impl is
/// used).
pub trait Spelled {
    /// [`Name`] of this spelling.
    type Name;
}
impl<Chars> Spelled for Chars {
    type Name = Name<Chars>;
}

/// `user_id: Spelling<Chars = (Ch<'u', …>,)>`: inside the derive's generic code, what the
/// parameter `user_id` spells.
pub trait Spelling {
    /// The spelling, a tuple of [`Ch`].
    type Chars;
}
impl<Chars> Spelling for Name<Chars> {
    type Chars = Chars;
}

/// The message of a missing `belongs_to`, on [`BelongsTo`] and [`InverseOf`].
macro_rules! missing_belongs_to {
    ($($item:item)*) => {$(
        #[diagnostic::on_unimplemented(
            message = "`{Self}` has no `belongs_to` named `{Label}`",
            label = "no `#[diesel(belongs_to(…))]` of `{Self}` is named `{Label}`",
            note = "`inverse_of = \"user\"` names `#[diesel(belongs_to(User))]` on the target; add it or fix the name"
        )]
        $item
    )*};
}

missing_belongs_to! {
    /// The model's `#[diesel(belongs_to(Parent, foreign_key = …))]` named `Name` (Rails'
    /// name: `belongs_to(User)` is `user`). `Label` names it in the message, as for
    /// [`Column`].
    pub trait BelongsTo<Name, Label = Name> {
        /// The parent type.
        type Parent;
        /// The foreign key column.
        type Column;
    }

    /// `inverse_of = "…"`: the target's [`BelongsTo`] named `Label`, a parameter of the
    /// derive's generic code (see the module docs).
    pub trait InverseOf<Label> {
        /// The parent type.
        type Parent;
        /// The foreign key column.
        type Column;
    }
}
#[diagnostic::do_not_recommend]
impl<T, Label: Spelling> InverseOf<Label> for T
where
    T: BelongsTo<Label::Chars, Label>,
{
    type Parent = <T as BelongsTo<Label::Chars, Label>>::Parent;
    type Column = <T as BelongsTo<Label::Chars, Label>>::Column;
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

/// Calls a sync destroy hook through [`DestroyHook`], so a hook with another signature is
/// reported once, on the user's path, with the expected signature spelled out (instead
/// of an argument-count error plus a `?` error); its result is the future the write path
/// awaits (complete at once).
#[inline]
pub fn sync_destroy_hook<T, C>(
    destroy_hook: DestroyHook<T, C>,
    model: &T,
    conn: &mut C,
) -> std::future::Ready<std::result::Result<(), crate::Error>> {
    std::future::ready(destroy_hook(model, conn))
}

/// Calls an async destroy hook (`#[model(async_hooks, …)]`): `async fn check<C>(model: &T,
/// conn: &mut C) -> Result<(), Error>`, its future awaited inside the destroy's
/// transaction. A hook with another signature is reported on the user's path, naming
/// this function's bounds.
#[inline]
pub fn async_destroy_hook<'m, 'c, T, C, F, Fut>(
    destroy_hook: F,
    model: &'m T,
    conn: &'c mut C,
) -> Fut
where
    F: FnOnce(&'m T, &'c mut C) -> Fut,
    Fut: std::future::Future<Output = std::result::Result<(), crate::Error>> + Send,
{
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
