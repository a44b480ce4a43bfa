//! `#[derive(MultiConn)]`: the enum runs an operation on its current variant's connection.

use proc_macro2::TokenStream;
use quote::quote;

use crate::attr::multi_conn::MultiConn;

/// `impl<'c, Op> Runs<'c, Op> for Enum where Op: RunOn<each variant's connection>`.
pub fn expand(m: &MultiConn) -> TokenStream {
    let ident = &m.input.ident;
    let (_, ty_generics, where_clause) = m.input.generics.split_for_impl();
    let conns = m.variants.iter().map(|(_, ty)| ty);
    let arms = m.variants.iter().map(|(variant, ty)| {
        quote!(Self::#variant(conn) => <__Op as _rt::RunOn<#ty>>::run_on(op, conn),)
    });
    let mut generics = m.input.generics.clone();
    generics
        .params
        .push(syn::parse_quote!(__Op: _rt::Operation));
    generics.params.insert(0, syn::parse_quote!('__c));
    let (op_generics, _, _) = generics.split_for_impl();
    let predicates = where_clause.map(|w| &w.predicates);
    quote! {
        #[allow(unused_qualifications)]
        const _: () = {
            use ::diesel_has_one::__private as _rt;

            #[automatically_derived]
            impl #op_generics _rt::Runs<'__c, __Op> for #ident #ty_generics
            where
                #(__Op: _rt::RunOn<#conns>,)*
                #predicates
            {
                type Output = <__Op as _rt::Operation>::Output;

                fn run(&'__c mut self, op: __Op) -> <__Op as _rt::Operation>::Output {
                    match self {
                        #(#arms)*
                    }
                }
            }
        };
    }
}
