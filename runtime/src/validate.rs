//! Validation: the errors of a record before anything is written (ActiveModel's
//! `validate` / `errors`). The same [`Errors`] carry `restrict_with_error`'s message.

use crate::error::Errors;

/// A value that can check itself before it is written.
///
/// ```
/// use diesel_has_one::{Errors, Validate};
/// struct NewProfile<'a> { bio: &'a str }
/// impl Validate for NewProfile<'_> {
///     fn validate(&self, errors: &mut Errors) {
///         if self.bio.is_empty() {
///             errors.add("bio", "can't be blank");
///         }
///     }
/// }
/// let mut errors = Errors::new();
/// NewProfile { bio: "" }.validate(&mut errors);
/// assert_eq!(errors.on("bio").collect::<Vec<_>>(), ["can't be blank"]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not implement `diesel_has_one::Validate`",
    note = "`validate = true` or `autosave = true` validates the associated values before any write: implement `Validate` for them (an empty `validate` accepts everything)"
)]
pub trait Validate {
    /// Adds an error for every rule the value breaks.
    fn validate(&self, errors: &mut Errors);
}

impl<T: Validate + ?Sized> Validate for &T {
    fn validate(&self, errors: &mut Errors) {
        (**self).validate(errors)
    }
}
