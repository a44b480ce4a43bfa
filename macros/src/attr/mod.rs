//! Attribute parsing: Diesel's `#[diesel(…)]`, our `#[has_one(…)]` and `#[model(…)]`.

pub mod diesel;
pub mod has_one;
pub mod key;
pub mod model;
pub mod multi_conn;

use syn::parse::ParseStream;

/// Skips the value of an option this parser does not own (`= expr` or `(…)`), up to the
/// next top-level comma.
pub fn skip_value(input: ParseStream) -> syn::Result<()> {
    while !input.is_empty() && !input.peek(syn::Token![,]) {
        input.parse::<proc_macro2::TokenTree>()?;
    }
    Ok(())
}
