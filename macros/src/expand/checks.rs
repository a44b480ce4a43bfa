//! Checks that need types and are not already facts of the association (the target's
//! `Model` impl, the foreign key column and the key's fit are checked by `impl HasOne`), emitted as calls with trait bounds inside a function that never
//! runs. Each call is spanned on the user's token, so rustc reports the failed bound (with
//! the runtime's `on_unimplemented` advice) right there.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};

use crate::ast::{Association, Dependent, Model};
use crate::names;

/// The checks of one association. The foreign key is spelled out as the `Column` lookup
/// spanned on the user's `foreign_key` token (the literal, or the association name when
/// inferred) rather than through the association's type alias, so a missing column is
/// reported on that token.
pub fn expand(m: &Model, a: &Association) -> Option<TokenStream> {
    let owner = &m.ident;
    let target = &a.target;
    let fn_name = format_ident!("__{}_checks", a.name);
    let marker = super::association::marker(a);
    let fk = quote!(<#marker as _rt::HasOne>::ForeignKey);
    let nullify = a
        .dependent
        .as_ref()
        .filter(|(d, _)| *d == Dependent::Nullify)
        .map(|(_, lit)| {
            // polymorphic: the type column is nulled too
            let foreign_type = a
                .polymorphic
                .as_ref()
                .map(|p| super::association::target_column(a, &p.foreign_type));
            let columns = std::iter::once(fk.clone()).chain(foreign_type);
            quote_spanned! {lit.span()=>
                #(_rt::check_nullable::<<#columns as diesel::Expression>::SqlType>();)*
            }
        });
    let inverse = a.inverse_of.as_ref().map(|inverse| {
        let n = names::type_name(&inverse.to_string(), inverse.span());
        quote_spanned! {inverse.span()=>
            _rt::check_inverse_parent::<<#target as _rt::BelongsTo<#n>>::Parent, #owner>();
            _rt::check_inverse_foreign_key::<<#target as _rt::BelongsTo<#n>>::Column, #fk>();
        }
    });
    if nullify.is_none() && inverse.is_none() {
        return None;
    }
    Some(quote_spanned! {a.name.span()=>
        #[allow(dead_code)]
        fn #fn_name() {
            #nullify
            #inverse
        }
    })
}
