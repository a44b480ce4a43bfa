//! Checks that need types and are not already facts of the association (the target's
//! `Model` impl, the foreign key column and the key's fit are checked by `impl HasOne`),
//! emitted as calls with trait bounds inside a function that never runs. Each call is spanned on the user's token, so rustc reports the failed bound (with
//! the runtime's `on_unimplemented` advice) right there.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};

use super::association::{target_column, Role};
use crate::ast::{Association, Dependent, Model};
use crate::names;

/// The checks of one association, in a never-called function generic over parameters
/// named like the columns and the `belongs_to` it names (see [`names::Labels`]): each
/// lookup is spelled out spanned on the user's token (the literal, or the association
/// name when inferred) rather than through the association's type alias, so a missing
/// column or `belongs_to` is reported on that token, by its name.
pub fn expand(m: &Model, a: &Association) -> Option<TokenStream> {
    let nullify = a
        .dependent
        .as_ref()
        .filter(|(d, _)| *d == Dependent::Nullify);
    if nullify.is_none() && a.inverse_of.is_none() {
        return None;
    }
    let owner = &m.ident;
    let target = &a.target;
    let fn_name = format_ident!("__{}_checks", a.name);
    let mut labels = names::Labels::new(quote!(#owner #target));
    let fk = target_column(a, &a.foreign_key, Role::ForeignKey, &mut labels);
    let nullify = nullify.map(|(_, lit)| {
        // polymorphic: the type column is nulled too
        let foreign_type = a
            .polymorphic
            .as_ref()
            .map(|p| target_column(a, &p.foreign_type, Role::ForeignType, &mut labels));
        let columns = std::iter::once(fk.clone()).chain(foreign_type);
        quote_spanned! {lit.span()=>
            #(_rt::check_nullable::<<#columns as diesel::Expression>::SqlType>();)*
        }
    });
    let inverse = a.inverse_of.as_ref().map(|inverse| {
        let belongs_to = match labels.label(inverse) {
            Some(label) => quote_spanned!(inverse.span()=> _rt::InverseOf<#label>),
            None => {
                let n = names::type_name(&inverse.to_string(), inverse.span());
                quote_spanned!(inverse.span()=> _rt::BelongsTo<#n>)
            }
        };
        quote_spanned! {inverse.span()=>
            _rt::check_inverse_parent::<<#target as #belongs_to>::Parent, #owner>();
            _rt::check_inverse_foreign_key::<<#target as #belongs_to>::Column, #fk>();
        }
    });
    let (params, bounds) = (labels.params(), labels.fn_bounds());
    Some(quote_spanned! {a.name.span()=>
        #[allow(dead_code)]
        fn #fn_name #params () #bounds {
            #nullify
            #inverse
        }
    })
}
