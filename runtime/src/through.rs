//! `has_one … through`: the facts the derive of a join model exports about its
//! associations, so an owner's `through` chain can be typed hop by hop without knowing the
//! join model's `table!` module.
//!
//! Each hop matches a column of the next table (`In`) against values of a column of the
//! previous one (`Out`): a `belongs_to` source matches the parent's primary key against the
//! join model's foreign key; a `has_one` source matches the target's foreign key against
//! the join model's key.

use std::collections::HashMap;
use std::hash::Hash;

/// An association of the join model usable as the `source` of a `through` chain, named
/// `Name` (a type-level name): each `#[diesel(belongs_to(Parent))]` (named like Rails,
/// `parent`) and each plain `has_one`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no `belongs_to` or `has_one` usable as the `source` of this `through`",
    label = "no source association of this name on the join model `{Self}`",
    note = "the source is the association of the join model named like this one (or `source = \"…\"`): a `#[diesel(belongs_to(…))]` or a plain `has_one` of a model deriving `Model`; a `has_one` that is itself `through`, polymorphic or scoped cannot be a source"
)]
pub trait Source<Name> {
    /// The model the chain reaches.
    type Target;
    /// The join model's column whose values the next hop matches.
    type Out;
    /// [`BelongsToSource`] or [`HasOneSource`], which give the matched column.
    type Kind;
}

/// A model's `has_one` named `Name` (a type-level name), implemented by the derive for
/// every direct association: generic code names an association's marker with
/// [`association!`](crate::association!), and a plain one is the [`Source`] of `through`
/// chains.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no `belongs_to` or `has_one` of this name usable here",
    label = "no association of this name on `{Self}`",
    note = "a `through` source is the association of the join model named like this one (or `source = \"…\"`): a `#[diesel(belongs_to(…))]` or a plain `has_one` of a model deriving `Model`; a `has_one` that is itself `through`, polymorphic or scoped cannot be a source",
    note = "`association!(Owner::name)` names a direct `has_one` declared on `Owner`"
)]
pub trait Association<Name> {
    /// The association's marker type, which implements [`HasOne`](crate::HasOne) and, per
    /// connection type, [`Statements`](crate::Statements), [`Preload`](crate::Preload), ….
    type Marker;
}

#[diagnostic::do_not_recommend]
impl<T, N> Source<N> for T
where
    T: Association<N>,
    T::Marker: crate::HasOne<Owner = T, Scope = crate::scope::Unscoped, Link = crate::link::Plain>,
{
    type Target = <T::Marker as crate::HasOne>::Target;
    type Out = <T::Marker as crate::HasOne>::OwnerKey;
    type Kind = HasOneSource<T::Marker>;
}

/// The column of the reached table matched against the join model's values, and their
/// Rust type. Resolved only where a chain uses the source, so a `belongs_to` whose parent
/// does not derive `Model` costs nothing until it is used as a source.
pub trait SourceKind<Target> {
    /// The target table's column matched.
    type In;
    /// The Rust type of the values.
    type Value;
}

impl<T: crate::Model> SourceKind<T> for BelongsToSource {
    type In = T::PrimaryKey;
    type Value = T::Key;
}

impl<T, A: crate::HasOne> SourceKind<T> for HasOneSource<A> {
    type In = A::ForeignKey;
    type Value = A::Key;
}

/// The type column of a polymorphic `belongs_to` source (`<stem>_type` beside the
/// foreign key `<stem>_id`), for `source_type`.
#[diagnostic::on_unimplemented(
    message = "`source_type` needs a polymorphic `belongs_to` on `{Self}`: a `<name>_type` column beside its `<name>_id` foreign key",
    label = "the source has no type column",
    note = "a `belongs_to` is polymorphic when the join model has a `<name>_type` field beside its `<name>_id` foreign key (`taggable_type` for `belongs_to(Club, foreign_key = taggable_id)`): add that field and column, or remove `source_type`"
)]
pub trait PolymorphicSource<Name> {
    /// The type column.
    type TypeColumn: Default;
}

/// The source is a `belongs_to` of the join model.
#[derive(Debug)]
pub struct BelongsToSource;
/// The source is the `has_one` `A` of the join model.
#[derive(Debug)]
pub struct HasOneSource<A>(std::marker::PhantomData<A>);

/// Writing through a chain: only when the source is a `belongs_to` (Rails'
/// `HasOneThroughCantAssociateThroughHasOneOrManyReflection` otherwise, at run time).
#[diagnostic::on_unimplemented(
    message = "cannot write through this chain: the source is a `has_one` of the join model",
    label = "read-only `through` association",
    note = "Rails raises HasOneThroughCantAssociateThroughHasOneOrManyReflection for this write at run time; write the join model's association directly"
)]
pub trait WritableThrough<C> {}
impl<C> WritableThrough<C> for BelongsToSource {}

/// Writing a nested `through` chain. Never implemented: see the message.
#[diagnostic::on_unimplemented(
    message = "this nested `through` association is read-only",
    label = "no writer for a nested chain",
    note = "Rails raises HasManyThroughNestedAssociationsAreReadonly for this write at run time; write the associations of the chain one by one"
)]
pub trait ReadOnlyThrough<A> {
    /// Never called.
    fn unavailable() -> !;
}

/// One hop of a preload: `(in, out)` pairs, first pair per `in` kept (rows come ordered by
/// the hop table's primary key).
pub fn hop<K: Eq + Hash, V>(rows: Vec<(Option<K>, Option<V>)>) -> HashMap<K, V> {
    let mut map = HashMap::with_capacity(rows.len());
    for (k, v) in rows {
        if let (Some(k), Some(v)) = (k, v) {
            map.entry(k).or_insert(v);
        }
    }
    map
}

/// The distinct values of a hop, to query the next table with.
pub fn values<K, V: Clone + Eq + Hash>(map: &HashMap<K, V>) -> Vec<V> {
    let mut seen = std::collections::HashSet::with_capacity(map.len());
    map.values().filter(|v| seen.insert(*v)).cloned().collect()
}

/// The owner's value a chain starts from: its key (`K`) or a nullable foreign key
/// (`Option<K>`) of a `belongs_to`.
pub trait IntoStart<K> {
    /// The value, `None` when the owner has no through row.
    fn to_start(&self) -> Option<K>;
}

impl<K: Clone> IntoStart<K> for K {
    fn to_start(&self) -> Option<K> {
        Some(self.clone())
    }
}

impl<K: Clone> IntoStart<K> for Option<K> {
    fn to_start(&self) -> Option<K> {
        self.clone()
    }
}

/// The type of [`start_value`].
pub type StartValue<K> = Option<K>;

/// The owner's start value, as an `Option`.
pub fn start_value<K, V: IntoStart<K>>(value: &V) -> StartValue<K> {
    value.to_start()
}

/// Preloading through a chain clones the target: several owners may share one.
#[diagnostic::on_unimplemented(
    message = "preloading `{T}` through a chain needs `{T}: Clone`",
    label = "several owners may share one target row",
    note = "derive `Clone` on `{T}`"
)]
pub trait CloneTarget<T> {}
impl<C, T: Clone> CloneTarget<T> for C {}
