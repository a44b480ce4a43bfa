//! A model's field by its Diesel column: how a preload reads each row's foreign key from
//! the row itself instead of selecting the column a second time.

use crate::key::Key;

/// The field of `Self` that holds column `Col`. `#[derive(Model)]` implements it for
/// every field that is a column (by `#[diesel(column_name = …)]`, else by its name).
pub trait FieldOf<Col> {
    /// The field's type (`Option<i32>` for a nullable `Integer` column, say).
    type Value;

    /// The field.
    fn field(&self) -> &Self::Value;
}

/// A foreign key field's owner key, as the [`Key::Repr`] `R` both sides share: a key
/// (`i32`, `UserId`, …) or an `Option` of one, `None` when the row is not linked.
pub trait LinkedKey<R> {
    /// The key this field holds, if any.
    fn linked(&self) -> Option<&R>;
}

impl<K: Key> LinkedKey<K::Repr> for K {
    #[inline]
    fn linked(&self) -> Option<&K::Repr> {
        Some(self.repr())
    }
}

impl<K: Key> LinkedKey<K::Repr> for Option<K> {
    #[inline]
    fn linked(&self) -> Option<&K::Repr> {
        self.as_ref().map(Key::repr)
    }
}
