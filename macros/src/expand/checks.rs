//! Checks that need types, emitted as calls with trait bounds inside a function that never
//! runs. Each call is spanned on the user's token, so rustc reports the failed bound (with
//! the runtime's `on_unimplemented` advice) right there.

use proc_macro2::TokenStream;
use quote::{format_ident, quote_spanned};

use crate::ast::{Association, Dependent, Model};
use crate::names;

/// The checks of one association. The foreign key is spelled out as the `Column` lookup
/// spanned on the user's `foreign_key` token (the literal, or the association name when
/// inferred) rather than through the association's type alias, so a missing column is
/// reported on that token.
pub fn expand(m: &Model, a: &Association) -> TokenStream {
    let owner = &m.ident;
    let target = &a.target;
    let target_span = target
        .segments
        .last()
        .map_or_else(|| a.name.span(), |s| s.ident.span());
    let key_column = a.primary_key.as_ref().unwrap_or(&m.primary_key[0]);
    let key_ty = &m.field_of(key_column).expect("validated").ty;
    let fn_name = format_ident!("__{}_checks", a.name);
    let fk_name = names::type_name(&a.foreign_key.to_string(), a.foreign_key.span());
    let fk = quote_spanned! {a.foreign_key.span()=>
        <#target as _rt::__private::Column<#fk_name>>::Column
    };

    let is_model = quote_spanned! {target_span=>
        _rt::__private::check_model::<#target>();
    };
    let key_fits = quote_spanned! {a.foreign_key.span()=>
        _rt::__private::check_key_fits::<#key_ty, <#fk as diesel::Expression>::SqlType>();
    };
    let nullify = a
        .dependent
        .as_ref()
        .filter(|(d, _)| *d == Dependent::Nullify)
        .map(|(_, lit)| {
            // polymorphic: the type column is nulled too
            let foreign_type = a.polymorphic.as_ref().map(|p| {
                let n = names::type_name(&p.foreign_type.to_string(), p.foreign_type.span());
                quote_spanned!(p.foreign_type.span()=> <#target as _rt::__private::Column<#n>>::Column)
            });
            let columns = std::iter::once(fk.clone()).chain(foreign_type);
            quote_spanned! {lit.span()=>
                #(_rt::__private::check_nullable::<<#columns as diesel::Expression>::SqlType>();)*
            }
        });
    let inverse = a.inverse_of.as_ref().map(|inverse| {
        let n = names::type_name(&inverse.to_string(), inverse.span());
        quote_spanned! {inverse.span()=>
            _rt::__private::check_inverse_parent::<
                <#target as _rt::__private::BelongsTo<#n>>::Parent,
                #owner,
            >();
            _rt::__private::check_inverse_foreign_key::<
                <#target as _rt::__private::BelongsTo<#n>>::Column,
                #fk,
            >();
        }
    });
    // `ensuring_owner_was` names `fn(&Owner) -> bool`.
    let ensuring = a.ensuring_owner_was.as_ref().map(|method| {
        let owner = syn::Ident::new(&owner.to_string(), method.span());
        quote_spanned! {method.span()=>
            let _: fn(&#owner) -> bool = #owner::#method;
        }
    });
    quote_spanned! {a.name.span()=>
        #[allow(dead_code)]
        fn #fn_name() {
            #is_model
            #key_fits
            #nullify
            #inverse
            #ensuring
        }
    }
}
