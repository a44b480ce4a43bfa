//! Association scopes: a function that refines the target's typed query, optionally
//! taking the owner (Rails' `has_one :latest_post, -> { order(created_at: :desc) }` and
//! `->(blog) { where(…) }`).
//!
//! `#[has_one(latest_post, class_name = "Post", scope = "latest")]` names a function
//! `latest(posts::table) -> …`; `scope = "newer_than(owner)"` names one that also takes the
//! owner, `newer_than(posts::table, &Blog) -> …`. The function's return type needs a name of
//! the same path, which Diesel's `#[diesel::dsl::auto_type]` generates:
//!
//! ```text
//! #[diesel::dsl::auto_type]
//! fn latest(posts: posts::table) -> _ {
//!     posts.filter(posts::published.eq(true)).order(posts::created_at.desc())
//! }
//! ```
//!
//! The generated statements start from the scope's query and add the association's link
//! (`AND fk = key`) and the primary key as the last ordering, so the reader, preload and
//! eager load pick the same row: first by the scope's order, then the lowest primary key.
//! A replace or destroy acts on that row only (Rails acts on the loaded target), never on
//! the other rows the foreign key links.

use std::marker::PhantomData;

use diesel::associations::HasTable;

use crate::association::HasOne;
use crate::statements::Table;

/// Marks the preload and eager load of an association whose scope takes the owner: one
/// query for many owners cannot run the scope once per owner. Never implemented.
#[diagnostic::on_unimplemented(
    message = "this association's scope takes the owner, so it cannot be preloaded or eager loaded",
    label = "instance-dependent scope",
    note = "Rails raises for this at run time; read each owner's row with the reader, or give the association a scope that takes only the table"
)]
pub trait InstanceDependentScope<A> {
    /// Never called.
    fn unavailable() -> !;
}

/// An association's scope, as facts: the query its statements start from.
///
/// [`Unscoped`] (the target's table), [`Scoped<F>`] (a function of the table, `F` generated
/// for it) or [`OwnerScoped<F>`] (a function of the table and the owner).
pub trait ScopeOf<A: HasOne>: 'static {
    /// Which rows a replace acts on: [`AllRows`] without a scope, [`FirstRow`] with one.
    type Shape;
    /// Whether there is a scope (several rows per owner are then expected).
    const SCOPED: bool = true;
    /// The base query.
    type Base;
    /// The base query for `owner`'s rows.
    fn base(owner: &A::Owner) -> Self::Base;
}

/// A scope whose base query does not depend on the owner: what preload and eager load need.
pub trait StaticScope<A: HasOne>: ScopeOf<A> {
    /// The base query for every owner at once.
    fn static_base() -> Self::Base;
}

/// Without a scope, a replace or destroy acts on every linked row.
#[derive(Debug, Clone, Copy)]
pub struct AllRows;

/// With a scope, a replace or destroy acts on the first row only (Rails' loaded target).
#[derive(Debug, Clone, Copy)]
pub struct FirstRow;

/// No scope: every statement starts from the target's table.
#[derive(Debug, Clone, Copy)]
pub struct Unscoped;

impl<A: HasOne> ScopeOf<A> for Unscoped {
    type Shape = AllRows;
    const SCOPED: bool = false;
    type Base = Table<A>;
    fn base(_owner: &A::Owner) -> Table<A> {
        A::Target::table()
    }
}

impl<A: HasOne> StaticScope<A> for Unscoped {
    fn static_base() -> Table<A> {
        A::Target::table()
    }
}

/// `scope = "latest"`: `F` (generated) applies the function to the table.
#[derive(Debug, Clone, Copy)]
pub struct Scoped<F>(PhantomData<F>);

/// `scope = "newer_than(owner)"`: `F` (generated) applies the function to the table and
/// the owner.
#[derive(Debug, Clone, Copy)]
pub struct OwnerScoped<F>(PhantomData<F>);

/// The scope function of [`Scoped`].
pub trait TableScope<A: HasOne>: 'static {
    /// Its return type (named by `#[diesel::dsl::auto_type]`).
    type Base;
    /// `latest(table)`.
    fn scope() -> Self::Base;
}

/// The scope function of [`OwnerScoped`].
pub trait OwnerScope<A: HasOne>: 'static {
    /// Its return type.
    type Base;
    /// `newer_than(table, owner)`.
    fn scope(owner: &A::Owner) -> Self::Base;
}

impl<A: HasOne, F: TableScope<A>> ScopeOf<A> for Scoped<F> {
    type Shape = FirstRow;
    type Base = F::Base;
    fn base(_owner: &A::Owner) -> F::Base {
        F::scope()
    }
}

impl<A: HasOne, F: TableScope<A>> StaticScope<A> for Scoped<F> {
    fn static_base() -> F::Base {
        F::scope()
    }
}

impl<A: HasOne, F: OwnerScope<A>> ScopeOf<A> for OwnerScoped<F> {
    type Shape = FirstRow;
    type Base = F::Base;
    fn base(owner: &A::Owner) -> F::Base {
        F::scope(owner)
    }
}

/// The base query of association `A`.
pub type Base<A> = <<A as HasOne>::Scope as ScopeOf<A>>::Base;

/// The base query of an association whose scope does not take the owner (or that has no
/// scope): what preload and eager load start from.
pub trait StaticBase: HasOne {
    /// The table, or the scope applied to it.
    fn static_base() -> Base<Self>;
}

impl<A> StaticBase for A
where
    A: HasOne,
    A::Scope: StaticScope<A>,
{
    fn static_base() -> Base<A> {
        <A::Scope as StaticScope<A>>::static_base()
    }
}
