//! How a target row is linked to its owner: the foreign key alone ([`Plain`]), or for a
//! polymorphic `as` the foreign key plus the type column holding the owner's polymorphic
//! name ([`Typed`]). Every statement of an association is built from these pieces, so
//! plain and polymorphic associations share one code path.

use std::marker::PhantomData;

use diesel::dsl;
use diesel::expression::AsExpression;
use diesel::sql_types::SqlType;
use diesel::{Column, Expression, ExpressionMethods, NullableExpressionMethods};

use crate::__private::{is_nullable, Null, NullFlag};
use crate::association::HasOne;
use crate::both::Both;
use crate::key::KeyFits;
use crate::key_set::KeyIn;
use crate::model::Model;
use crate::subquery::OuterEq;

/// The SQL type of column `Col`.
type SqlOf<Col> = <Col as Expression>::SqlType;

/// The link of association `A`'s rows to their owner, as Diesel expressions.
pub trait Link<A: HasOne>: 'static {
    /// "Linked to `key`": `fk = key` (`AND type = 'Owner'`).
    type Linked;
    /// The assignment that links a row to `key` (insert values and update changeset).
    type Set;
    /// The assignment that unlinks a row: every link column to NULL.
    type Unset;
    /// "Linked to any of `keys`" (preload): one statement for any number of keys, every key
    /// bound ([`KeyIn`]).
    type Any;
    /// The columns the association writes itself, which values must not set.
    type Columns;
    /// Whether every link column is nullable (a row can be unlinked).
    const NULLABLE: bool;
    /// The polymorphic type column's name.
    const FOREIGN_TYPE: Option<&'static str>;

    /// See [`Link::Linked`].
    fn linked(key: A::Key) -> Self::Linked;
    /// See [`Link::Set`].
    fn set(key: A::Key) -> Self::Set;
    /// See [`Link::Unset`].
    fn unset() -> Self::Unset;
    /// See [`Link::Any`].
    fn any(keys: Vec<A::Key>) -> Self::Any;
}

/// The foreign key alone.
#[derive(Debug, Clone, Copy, Default)]
pub struct Plain;

/// The foreign key and the polymorphic type column `Tc`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Typed<Tc>(PhantomData<Tc>);

/// The link made of these columns: `(fk,)` is [`Plain`], `(fk, type_column)` is [`Typed`].
/// The derive names an association's link through its columns (`<(Self::ForeignKey,) as
/// LinkOf>::Link`), so a missing column is reported once, where the column is named, and
/// not again by the bounds of [`Link`].
pub trait LinkOf {
    /// [`Plain`] or [`Typed`].
    type Link;
}
impl<Fk> LinkOf for (Fk,) {
    type Link = Plain;
}
impl<Fk, Tc> LinkOf for (Fk, Tc) {
    type Link = Typed<Tc>;
}

type Fk<A> = <A as HasOne>::ForeignKey;
type FkEq<A> = dsl::Eq<Fk<A>, <A as HasOne>::Key>;
type FkNull<A> = dsl::Eq<Fk<A>, Null<SqlOf<Fk<A>>>>;

impl<A> Link<A> for Plain
where
    A: HasOne,
    SqlOf<Fk<A>>: SqlType + diesel::expression::TypedExpressionType,
    <SqlOf<Fk<A>> as SqlType>::IsNull: NullFlag,
    A::Key: KeyFits<SqlOf<Fk<A>>>,
{
    type Linked = FkEq<A>;
    type Set = FkEq<A>;
    type Unset = FkNull<A>;
    type Any = KeyIn<Fk<A>, A::Key>;
    type Columns = (Fk<A>,);
    const NULLABLE: bool = is_nullable::<SqlOf<Fk<A>>>();
    const FOREIGN_TYPE: Option<&'static str> = None;

    fn linked(key: A::Key) -> Self::Linked {
        Fk::<A>::default().eq(key)
    }
    fn set(key: A::Key) -> Self::Set {
        Fk::<A>::default().eq(key)
    }
    fn unset() -> Self::Unset {
        Fk::<A>::default().eq(Null::new())
    }
    fn any(keys: Vec<A::Key>) -> Self::Any {
        KeyIn::new(Fk::<A>::default(), keys)
    }
}

type TypeEq<Tc> = dsl::Eq<Tc, &'static str>;

impl<A, Tc> Link<A> for Typed<Tc>
where
    A: HasOne,
    Plain: Link<A>,
    Tc: Column<SqlType: diesel::sql_types::SingleValue> + Default + 'static,
    <SqlOf<Tc> as SqlType>::IsNull: NullFlag,
    &'static str: AsExpression<SqlOf<Tc>>,
{
    type Linked = Both<<Plain as Link<A>>::Linked, TypeEq<Tc>>;
    type Set = (<Plain as Link<A>>::Set, TypeEq<Tc>);
    type Unset = (<Plain as Link<A>>::Unset, dsl::Eq<Tc, Null<SqlOf<Tc>>>);
    type Any = Both<<Plain as Link<A>>::Any, TypeEq<Tc>>;
    type Columns = (Fk<A>, Tc);
    const NULLABLE: bool = <Plain as Link<A>>::NULLABLE && is_nullable::<SqlOf<Tc>>();
    const FOREIGN_TYPE: Option<&'static str> = Some(Tc::NAME);

    fn linked(key: A::Key) -> Self::Linked {
        Both::new(<Plain as Link<A>>::linked(key), type_eq::<A, Tc>())
    }
    fn set(key: A::Key) -> Self::Set {
        (<Plain as Link<A>>::set(key), type_eq::<A, Tc>())
    }
    fn unset() -> Self::Unset {
        (<Plain as Link<A>>::unset(), Tc::default().eq(Null::new()))
    }
    fn any(keys: Vec<A::Key>) -> Self::Any {
        Both::new(<Plain as Link<A>>::any(keys), type_eq::<A, Tc>())
    }
}

/// `type_column = 'Owner'` (the owner's polymorphic name).
fn type_eq<A, Tc>() -> TypeEq<Tc>
where
    A: HasOne,
    Tc: Column<SqlType: diesel::sql_types::SingleValue> + Default,
    &'static str: AsExpression<SqlOf<Tc>>,
{
    Tc::default().eq(<A::Owner as Model>::POLYMORPHIC_NAME)
}

/// The eager load's join of association `A`: the link against the owner's key column, as
/// the `ON` condition (`Join`) and inside the correlated subquery (`Outer`, where the
/// owner column belongs to the enclosing query).
pub trait Joins<A: HasOne> {
    /// `fk = owner.key` (`AND type = 'Owner'`), both sides nullable.
    type Join;
    /// The same condition with the owner column taken from the outer query.
    type Outer;

    /// See [`Joins::Join`].
    fn join() -> Self::Join;
    /// See [`Joins::Outer`].
    fn outer() -> Self::Outer;
}

type NullableFk<A> = dsl::Nullable<Fk<A>>;
type NullableOk<A> = dsl::Nullable<<A as HasOne>::OwnerKey>;
type JoinFk<A> = dsl::Eq<NullableFk<A>, NullableOk<A>>;
type OuterFk<A> = OuterEq<Fk<A>, <A as HasOne>::OwnerKey>;

impl<A> Joins<A> for Plain
where
    A: HasOne,
    NullableFk<A>: Expression<SqlType: diesel::sql_types::SingleValue>,
    NullableOk<A>: Expression + AsExpression<SqlOf<NullableFk<A>>>,
{
    type Join = JoinFk<A>;
    type Outer = OuterFk<A>;

    fn join() -> JoinFk<A> {
        let owner_key = <A::OwnerKey as Default>::default().nullable();
        Fk::<A>::default().nullable().eq(owner_key)
    }
    fn outer() -> OuterFk<A> {
        OuterEq::new(Fk::<A>::default(), A::OwnerKey::default())
    }
}

impl<A, Tc> Joins<A> for Typed<Tc>
where
    A: HasOne,
    Plain: Joins<A>,
    Tc: Column<SqlType: diesel::sql_types::SingleValue> + Default,
    &'static str: AsExpression<SqlOf<Tc>>,
{
    type Join = Both<<Plain as Joins<A>>::Join, TypeEq<Tc>>;
    type Outer = Both<<Plain as Joins<A>>::Outer, TypeEq<Tc>>;

    fn join() -> Self::Join {
        Both::new(<Plain as Joins<A>>::join(), type_eq::<A, Tc>())
    }
    fn outer() -> Self::Outer {
        Both::new(<Plain as Joins<A>>::outer(), type_eq::<A, Tc>())
    }
}
