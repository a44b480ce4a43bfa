//! Rails and Diesel naming conventions, and type-level names.
//!
//! Every name the derive infers carries the span of the user's token that implied it, so
//! an error about `user_id` lands on `has_one(profile)`, not on the derive.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Span, TokenStream};
use quote::quote_spanned;
use syn::Ident;

/// An identifier for an inferred name. Names built from unusual input (`__`, raw or
/// non-ASCII identifiers) may not be identifiers; they are made into one, and whatever
/// uses them reports the usual "not found" error on the user's token, never a panic.
pub fn ident(text: &str, span: Span) -> Ident {
    let mut clean: String = text
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if clean.is_empty() || clean == "_" || clean.starts_with(|c: char| c.is_ascii_digit()) {
        clean.insert_str(0, "__");
    }
    Ident::new(&clean, span)
}

/// `profile` → `Profile` (Rails' class name of an association).
pub fn class_of(association: &Ident) -> syn::Path {
    ident(
        &association.to_string().to_upper_camel_case(),
        association.span(),
    )
    .into()
}

/// `User` → `user` (Rails' name of a `belongs_to`, and the stem of a foreign key).
pub fn snake(name: &Ident) -> String {
    name.to_string().trim_start_matches("r#").to_snake_case()
}

/// `User` → `user_id`, spanned at `span`.
pub fn foreign_key_of(model: &Ident, span: Span) -> Ident {
    ident(&format!("{}_id", snake(model)), span)
}

/// `User` → `users`: Diesel's default table name.
pub fn table_of(model: &Ident) -> syn::Path {
    ident(&format!("{}s", snake(model)), model.span()).into()
}

/// The type-level name `(Ch<'u', 's', 'e', 'r', '_', 'i', 'd', ' '>,)` (eight characters
/// per `Ch`, padded with spaces) the runtime's `Column` and `BelongsTo` traits are keyed by.
pub fn type_name(name: &str, span: Span) -> TokenStream {
    type_name_in(name, span, &quote_spanned!(span=> _rt))
}

/// [`type_name`] naming the runtime's `__private` module as `root`.
pub fn type_name_in(name: &str, span: Span, root: &TokenStream) -> TokenStream {
    let chars: Vec<char> = name.chars().collect();
    let chunks = chars.chunks(8).map(|chunk| {
        let padded = chunk.iter().copied().chain(std::iter::repeat(' ')).take(8);
        quote_spanned!(span=> #root::Ch<#(#padded),*>)
    });
    quote_spanned!(span=> (#(#chunks,)*))
}
