//! What the expansion of `#[derive(Model)]` names. Not a public API.

pub use diesel;
pub use inventory;

use diesel::expression::{
    is_aggregate, AppearsOnTable, Expression, SelectableExpression, ValidGrouping,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{is_nullable, Nullable, SqlType};

use crate::key::KeyFits;

// Every name the expansion uses, in one flat namespace: the derive reaches the runtime
// through `use ::diesel_has_one::__private as _rt;` only.
pub use crate::association::{Dependent, HasOne, Insert, Preload, Statements, Touch};
pub use crate::autosave::{
    ChangeRow, InsertModel, InsertOwner, KeepOwner, KeepRow, NotValidated, Save, UpdateModel,
    ValidateWith, Validated, ValidatesValues,
};
pub use crate::build::Built;
pub use crate::connection::{write_transaction, Conn};
pub use crate::dependent::{on_destroy, on_destroy_with};
pub use crate::dependents::Dependents;
pub use crate::eager::EagerLoads;
pub use crate::error::Error;
pub use crate::jobs::JobStore;
pub use crate::key_set::KeyIn;
pub use crate::last_insert::LastInsertId;
pub use crate::link::{Plain, Typed};
pub use crate::lock::{Locked, RowLock};
pub use crate::model::{Model, Persist};
pub use crate::omits::OmitsLinks;
pub use crate::persist::DestroyHooks;
pub use crate::preload::preload;
pub use crate::replace::{create, set, ValidatesTarget};
pub use crate::returning::{InsertReturning, OwnerValues};
pub use crate::scope::{
    InstanceDependentScope, OwnerScope, OwnerScoped, Scoped, TableScope, Unscoped,
};
pub use crate::statements::{Ordered, Queries};
pub use crate::subquery::{Correlated, OuterEq};
pub use crate::through::{
    hop, start_value, values, Association, BelongsToSource, CloneTarget, HasOneSource,
    PolymorphicSource, ReadOnlyThrough, Source, SourceKind, StartValue, WritableThrough,
};
pub use crate::touch::{NoTouch, TouchNow, Touches};
pub use crate::{__register, __register_destroy_async};
pub use diesel::QueryResult;
pub use std::option::Option;
pub use std::vec::Vec;

/// The generated writers' result.
pub type Result<T> = std::result::Result<T, crate::Error>;

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

/// Whether a SQL type is `Nullable<…>`.
pub trait NullFlag {
    /// True for `Nullable<…>`.
    const VALUE: bool;
}
impl NullFlag for is_nullable::IsNullable {
    const VALUE: bool = true;
}
impl NullFlag for is_nullable::NotNull {
    const VALUE: bool = false;
}

/// Whether the SQL type `ST` (a column's) is nullable.
pub const fn is_nullable<ST>() -> bool
where
    ST: SqlType,
    ST::IsNull: NullFlag,
{
    <ST::IsNull as NullFlag>::VALUE
}

/// SQL `NULL` typed as `ST`, so `SET fk = NULL` type-checks for every foreign key column.
/// The runtime only runs it on nullable columns (see `dependent`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Null<ST>(std::marker::PhantomData<ST>);

impl<ST> Null<ST> {
    /// `NULL`.
    pub fn new() -> Self {
        Null(std::marker::PhantomData)
    }
}

impl<ST: SqlType + diesel::expression::TypedExpressionType> Expression for Null<ST> {
    type SqlType = ST;
}
impl<ST, QS> AppearsOnTable<QS> for Null<ST> where Self: Expression {}
impl<ST, QS> SelectableExpression<QS> for Null<ST> where Self: Expression {}
impl<ST, GB> ValidGrouping<GB> for Null<ST> {
    type IsAggregate = is_aggregate::Never;
}
impl<ST: 'static> QueryId for Null<ST> {
    type QueryId = Self;
    const HAS_STATIC_QUERY_ID: bool = true;
}
impl<ST, DB: diesel::backend::Backend> QueryFragment<DB> for Null<ST> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("NULL");
        Ok(())
    }
}

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

/// Inserts the user's values together with the foreign key the association sets
/// (`INSERT … (…, fk) VALUES (…, key)`), reading the new row back as `Out` where the
/// backend returns it (see [`returning`](crate::returning)).
///
/// Implemented for every `V` whose tuple with the key is insertable; the generated code
/// states this one bound, which is proven where `V` is known.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be inserted as this association's row",
    note = "pass a value that is `Insertable` into the target's table and does not set the foreign key (the association sets it)"
)]
pub trait InsertWithKey<C, T, K, Out>: Sized {
    /// Runs the `INSERT`; `None` when the caller must reselect the row.
    fn insert_with_key(self, table: T, key: K, conn: &mut C) -> QueryResult<Option<Out>>;
}

impl<V, C, T, K, Out> InsertWithKey<C, T, K, Out> for V
where
    (V, K): crate::returning::InsertReturning<C, T, Out>,
{
    fn insert_with_key(self, table: T, key: K, conn: &mut C) -> QueryResult<Option<Out>> {
        crate::returning::InsertReturning::insert_returning((self, key), table, conn)
    }
}

/// A declared `has_one`, registered at link time by the expansion (see
/// [`declarations`](crate::declarations)).
pub struct Registered(pub fn() -> crate::association::Declaration);

inventory::collect!(Registered);

/// The facts of association `A`, for the registry.
pub fn describe<A: crate::association::HasOne>() -> crate::association::Declaration {
    use crate::model::Model;
    crate::association::Declaration {
        owner: <A::Owner as Model>::NAME,
        owner_table: <A::Owner as Model>::TABLE,
        owner_key: A::OWNER_KEY,
        name: A::NAME,
        target: <A::Target as Model>::NAME,
        target_table: <A::Target as Model>::TABLE,
        foreign_key: A::FOREIGN_KEY,
        foreign_key_nullable: A::FOREIGN_KEY_NULLABLE,
        dependent: A::DEPENDENT,
        foreign_type: A::FOREIGN_TYPE,
        scoped: A::SCOPED,
    }
}

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

/// `query LEFT JOIN target ON … SELECT (owner, Option<target>)`, for the generated
/// `eager_load_…`. A runtime trait for the same reason as [`InsertWithKey`]: its bounds are
/// proven where the owner query type is known.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be `LEFT JOIN`ed with this association's table",
    label = "not a query of the owner's table that can join the association's table",
    note = "declare both tables together once: `diesel::allow_tables_to_appear_in_same_query!(owners, targets);`",
    note = "pass a query of the owner's table: `owners::table`, `owners::table.filter(…).order(…)`"
)]
pub trait EagerLoad<Rhs, Selection>: Sized {
    /// The joined, selecting query.
    type Output;

    /// Builds it.
    fn eager_load(self, rhs: Rhs, selection: Selection) -> Self::Output;
}

// Without `do_not_recommend`, rustc reports the innermost failed Diesel bound (a page of
// join types) instead of this trait's message.
#[diagnostic::do_not_recommend]
impl<Q, Rhs, Selection> EagerLoad<Rhs, Selection> for Q
where
    Selection: Expression,
    Q: diesel::query_dsl::JoinWithImplicitOnClause<Rhs, diesel::internal::table_macro::LeftOuter>,
    <Q as diesel::query_dsl::JoinWithImplicitOnClause<
        Rhs,
        diesel::internal::table_macro::LeftOuter,
    >>::Output: diesel::query_dsl::methods::SelectDsl<Selection>,
{
    type Output = diesel::dsl::Select<
        <Q as diesel::query_dsl::JoinWithImplicitOnClause<
            Rhs,
            diesel::internal::table_macro::LeftOuter,
        >>::Output,
        Selection,
    >;

    fn eager_load(self, rhs: Rhs, selection: Selection) -> Self::Output {
        let joined = diesel::query_dsl::JoinWithImplicitOnClause::join_with_implicit_on_clause(
            self,
            rhs,
            diesel::internal::table_macro::LeftOuter,
        );
        diesel::query_dsl::methods::SelectDsl::select(joined, selection)
    }
}
