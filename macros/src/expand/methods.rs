//! The owner's methods of one association: thin, documented calls into the runtime,
//! whose bounds name what the call needs (so a failed bound is reported at the call).

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};

use crate::ast::{Association, Deprecated, Model};

use super::association::marker;
use super::docs::Docs;

/// `impl Owner { profile, profile_query, build_profile, create_profile, set_profile,
/// save_with_profile, insert_with_profile, preload_profile, eager_load_profile }`.
pub fn expand(m: &Model, a: &Association) -> TokenStream {
    let (owner, target, marker, name) = (&m.ident, &a.target, marker(a), &a.name);
    let docs = Docs::new(m, a);
    let deprecated = deprecated(a);
    let reader = reader(a, &docs);
    let many = many(a, &docs);
    let query_fn = format_ident!("{}_query", name);
    let [build_fn, create_fn, set_fn, save_fn, insert_fn] =
        ["build", "create", "set", "save_with", "insert_with"]
            .map(|f| format_ident!("{}_{}", f, name));
    let Docs {
        query,
        build,
        create,
        set,
        save,
        insert,
        ..
    } = &docs;
    quote! {
        #[automatically_derived]
        impl #owner {
            #reader

            #[doc = #query]
            #deprecated
            pub fn #query_fn<'q>(&'q self) -> <#marker as _rt::QueriesFor<'q>>::Ordered
            where
                for<'__x> #marker: _rt::QueriesFor<'__x>,
            {
                <#marker as _rt::QueriesFor<'q>>::ordered_for(self)
            }

            #[doc = #build]
            #deprecated
            pub fn #build_fn<__V: _rt::OmitsLinks<#marker>>(&self, values: __V) -> _rt::Built<'_, #marker, __V> {
                _rt::Built::new(self, values)
            }

            #[doc = #create]
            #deprecated
            pub fn #create_fn<'__s, '__c, __C, __V>(&'__s self, values: __V, conn: &'__c mut __C) -> <__C as _rt::Runs<'__c, _rt::Create<'__s, #marker, __V>>>::Output
            where
                __V: _rt::OmitsLinks<#marker>,
                __C: _rt::Runs<'__c, _rt::Create<'__s, #marker, __V>>,
            {
                conn.run(_rt::Create(self, values))
            }

            #[doc = #set]
            #deprecated
            pub fn #set_fn<'__s, '__c, __C>(&'__s self, target: _rt::Option<&'__s #target>, conn: &'__c mut __C) -> <__C as _rt::Runs<'__c, _rt::Set<'__s, #marker>>>::Output
            where
                __C: _rt::Runs<'__c, _rt::Set<'__s, #marker>>,
            {
                conn.run(_rt::Set(self, target))
            }

            #[doc = #save]
            #deprecated
            pub fn #save_fn(&self) -> _rt::Save<#marker, _rt::KeepOwner<'_, Self>, _rt::KeepRow> {
                _rt::Save::keep(self)
            }

            #[doc = #insert]
            #deprecated
            pub fn #insert_fn<__I: _rt::OmitsStamps<Self>>(values: __I) -> _rt::Save<#marker, _rt::InsertOwner<__I>, _rt::KeepRow> {
                _rt::Save::insert(values)
            }

            #many
        }
    }
}

/// `#[deprecated]` (with the note given) for every method of a `deprecated` association;
/// nothing otherwise. Destroying the owner never calls these methods, so it does not warn.
pub fn deprecated(a: &Association) -> TokenStream {
    match &a.deprecated {
        None => TokenStream::new(),
        Some(Deprecated { note: None }) => quote!(#[deprecated]),
        Some(Deprecated { note: Some(note) }) => quote!(#[deprecated(note = #note)]),
    }
}

/// The reader; with `strict_loading`, a method whose call is a compile error saying how
/// to load instead.
fn reader(a: &Association, docs: &Docs) -> TokenStream {
    let (name, target, marker) = (&a.name, &a.target, marker(a));
    let deprecated = deprecated(a);
    if let Some(span) = a.strict_loading {
        let doc = &docs.strict;
        return quote_spanned! {span=>
            #[doc = #doc]
            #deprecated
            pub fn #name<__C>(&self, conn: &mut __C) -> _rt::QueryResult<_rt::Option<#target>>
            where
                __C: _rt::StrictLoading<#marker>,
            {
                <__C as _rt::StrictLoading<#marker>>::lazy_read(conn, self)
            }
        };
    }
    let doc = &docs.reader;
    quote! {
        #[doc = #doc]
        #deprecated
        pub fn #name<'__s, '__c, __C>(&'__s self, conn: &'__c mut __C) -> <__C as _rt::Runs<'__c, _rt::Read<'__s, #marker>>>::Output
        where
            __C: _rt::Runs<'__c, _rt::Read<'__s, #marker>>,
        {
            conn.run(_rt::Read(self))
        }
    }
}

/// `preload_…` and `eager_load_…`; unavailable (a compile error at the call) when the
/// scope takes the owner.
fn many(a: &Association, docs: &Docs) -> TokenStream {
    let (target, marker) = (&a.target, marker(a));
    let preload_fn = format_ident!("preload_{}", a.name);
    let eager_fn = format_ident!("eager_load_{}", a.name);
    let (preload, eager) = (&docs.preload, &docs.eager);
    let deprecated = deprecated(a);
    if a.scope.as_ref().is_some_and(|s| s.takes_owner) {
        return quote! {
            #[doc = #preload]
            #deprecated
            pub fn #preload_fn<__C>(owners: &[Self], conn: &mut __C) -> _rt::QueryResult<_rt::Vec<_rt::Option<#target>>>
            where
                __C: _rt::InstanceDependentScope<#marker>,
            {
                <__C as _rt::InstanceDependentScope<#marker>>::unavailable()
            }

            #[doc = #eager]
            #deprecated
            pub fn #eager_fn<__Q: _rt::InstanceDependentScope<#marker>>(query: __Q) -> __Q {
                <__Q as _rt::InstanceDependentScope<#marker>>::unavailable()
            }
        };
    }
    quote! {
        #[doc = #preload]
        #deprecated
        pub fn #preload_fn<'__s, '__c, __C>(owners: &'__s [Self], conn: &'__c mut __C) -> <__C as _rt::Runs<'__c, _rt::PreloadAll<'__s, #marker>>>::Output
        where
            __C: _rt::Runs<'__c, _rt::PreloadAll<'__s, #marker>>,
        {
            conn.run(_rt::PreloadAll(owners))
        }

        #[doc = #eager]
        #deprecated
        pub fn #eager_fn<__Q: _rt::EagerLoads<#marker, __DB>, __DB>(query: __Q) -> __Q::Output {
            _rt::EagerLoads::eager_load(query)
        }
    }
}
