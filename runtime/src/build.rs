//! `build_…`: a new associated row that is not written until `save`.

use crate::ops::{Create, Runs};

/// An unsaved associated row: the values and the owner they will be linked to.
///
/// Building touches nothing (Rails' `build_profile` already nullifies or deletes the old
/// row, rails#28821): the old row stays linked and unchanged until [`save`](Built::save)
/// runs the replace transaction.
#[must_use = "a built row is written only by `.save(conn)`"]
pub struct Built<'o, A: crate::association::HasOne, V> {
    owner: &'o A::Owner,
    values: V,
}

impl<'o, A: crate::association::HasOne, V> Built<'o, A, V> {
    #[doc(hidden)]
    pub fn new(owner: &'o A::Owner, values: V) -> Self {
        Built { owner, values }
    }

    /// The values the row will be inserted with.
    pub fn values(&self) -> &V {
        &self.values
    }

    /// The values, to change them before saving.
    pub fn values_mut(&mut self) -> &mut V {
        &mut self.values
    }

    /// Validates (per the association's options), then runs the replace transaction (as
    /// `create_…`) and returns the saved row (on an async connection, a future of it).
    pub fn save<'c, C>(self, conn: &'c mut C) -> <C as Runs<'c, Create<'o, A, V>>>::Output
    where
        C: Runs<'c, Create<'o, A, V>>,
    {
        conn.run(Create(self.owner, self.values))
    }
}

impl<A: crate::association::HasOne, V: std::fmt::Debug> std::fmt::Debug for Built<'_, A, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Built")
            .field("association", &A::NAME)
            .field("values", &self.values)
            .finish()
    }
}
