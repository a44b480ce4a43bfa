//! trybuild compile-fail cases for diesel_has_one.
