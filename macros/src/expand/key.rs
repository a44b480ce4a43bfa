//! `#[derive(Key)]`: a key newtype is stored as the key it wraps.

use proc_macro2::TokenStream;
use quote::quote;

use crate::attr::key::Newtype;

/// `Key` and `KeyFits` (not nullable and nullable) for the newtype.
pub fn expand(n: &Newtype) -> TokenStream {
    let (ident, inner, member) = (&n.input.ident, n.inner, &n.member);
    let (impl_generics, ty_generics, where_clause) = n.input.generics.split_for_impl();
    let sql_type = &n.sql_type;
    let inner_key = quote!(<#inner as _rt::Key>);
    quote! {
        #[allow(unused_qualifications)]
        const _: () = {
            use ::diesel_has_one::__private as _rt;

            #[automatically_derived]
            impl #impl_generics _rt::Key for #ident #ty_generics #where_clause {
                type SqlType = #sql_type;
                type Repr = #inner_key::Repr;

                fn repr(&self) -> &Self::Repr {
                    #inner_key::repr(&self.#member)
                }

                fn from_repr(repr: Self::Repr) -> Self {
                    Self { #member: #inner_key::from_repr(repr) }
                }
            }

            #[automatically_derived]
            impl #impl_generics _rt::KeyFits<#sql_type> for #ident #ty_generics #where_clause {}

            #[automatically_derived]
            impl #impl_generics _rt::KeyFits<_rt::diesel::sql_types::Nullable<#sql_type>> for #ident #ty_generics #where_clause {}
        };
    }
}
