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

/// Whether an association has a scope; decides which rows a replace acts on and how the
/// created row is found (see [`Statements`](crate::Statements)).
pub trait ScopeKind: 'static {
    /// True for [`Scoped`].
    const SCOPED: bool;
}

/// No scope: every statement starts from the target's table.
#[derive(Debug, Clone, Copy)]
pub struct Unscoped;
impl ScopeKind for Unscoped {
    const SCOPED: bool = false;
}

/// A scope: replace and destroy act on the first row only (Rails' loaded target).
#[derive(Debug, Clone, Copy)]
pub struct Scoped;
impl ScopeKind for Scoped {
    const SCOPED: bool = true;
}

/// The base query of an association whose scope does not take the owner (or that has no
/// scope): what preload and eager load start from.
pub trait StaticBase: crate::HasOne {
    /// The table, or the scope applied to it.
    fn static_base() -> Self::Base;
}
