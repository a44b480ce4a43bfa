//! The derive behind `diesel_has_one`: `#[derive(Model)]` with `#[has_one(…)]`.
//!
//! The pipeline is visible in the modules: [`attr`] parses the attributes (Diesel's own
//! and ours) into the [`ast`], [`validate`] checks what can be checked without types,
//! [`expand`] generates code. Nothing is generated before validation has passed.
//! Checks that need types (a column's SQL type, another model's `belongs_to`) are emitted
//! as trait bounds spanned on the user's token, so rustc reports them there.

mod ast;
mod attr;
mod ctxt;
mod expand;
mod names;
mod validate;

use proc_macro::TokenStream;

/// Derives `diesel_has_one::Model`; see the runtime crate's documentation.
#[proc_macro_derive(Model, attributes(has_one, model, diesel))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    derive(input.into()).into()
}

/// The derive as a function of token streams (the unit, snapshot and property tests call
/// it directly): returns the expansion, or `compile_error!`s spanned on the offending tokens.
fn derive(input: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    syn::parse2::<syn::DeriveInput>(input)
        .and_then(|input| {
            let model = ast::Model::from_input(&input)?;
            validate::check(&model)?;
            Ok(expand::model(&model))
        })
        .unwrap_or_else(syn::Error::into_compile_error)
}

#[cfg(test)]
mod tests;
