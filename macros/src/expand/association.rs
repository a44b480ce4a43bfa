//! One `#[has_one(…)]`: its marker type with the facts the runtime's statements are built
//! from (`HasOne`), the registration, the type checks, and the owner's methods.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};

use crate::ast::{Association, Dependent, Model};
use crate::names;

/// The marker type of an association.
pub fn marker(a: &Association) -> Ident {
    format_ident!("__HasOne_{}", a.name)
}

/// Everything generated for one association.
pub fn expand(m: &Model, a: &Association) -> TokenStream {
    let marker = marker(a);
    let facts = facts(m, a);
    let checks = super::checks::expand(m, a);
    let methods = super::methods::expand(m, a);
    let source = source(m, a);
    let job = matches!(a.dependent, Some((Dependent::DestroyAsync, _))).then(|| {
        let job_name = format!("{}.{}", m.ident, a.name);
        quote!(_rt::__register_destroy_async!(#marker, #job_name);)
    });
    quote! {
        /// The `has_one` association marker.
        #[doc(hidden)]
        pub struct #marker;

        #facts
        #checks
        #source
        #job

        _rt::inventory::submit! { _rt::Registered(_rt::describe::<#marker>) }

        #methods
    }
}

/// The target's column named `column`, looked up through the target's `Column` impls and
/// spanned on the user's token, so a missing column is reported there.
pub fn target_column(a: &Association, column: &Ident) -> TokenStream {
    let target = &a.target;
    let n = names::type_name(&column.to_string(), column.span());
    quote_spanned!(column.span()=> <#target as _rt::Column<#n>>::Column)
}

/// `impl HasOne` (and `StaticBase` when preload can run the scope once for all owners).
fn facts(m: &Model, a: &Association) -> TokenStream {
    let (owner, table, target, marker) = (&m.ident, &m.table, &a.target, marker(a));
    let key_column = a.primary_key.as_ref().unwrap_or(&m.primary_key[0]);
    let key_field = m.field_of(key_column).expect("validated: the owner key has a field");
    let (key_ty, key_ident) = (&key_field.ty, &key_field.ident);
    let fk = target_column(a, &a.foreign_key);
    let link = match &a.polymorphic {
        None => quote_spanned!(a.foreign_key.span()=> _rt::Plain),
        Some(p) => {
            let ft = target_column(a, &p.foreign_type);
            quote_spanned!(a.foreign_key.span()=> _rt::Typed<#ft>)
        }
    };
    let (scope, base_ty, base) = base(a);
    let touch = match &a.touch {
        None => quote!(_rt::NoTouch),
        Some(column) => {
            let col = target_column(a, column);
            quote_spanned!(column.span()=> _rt::Touches<#col>)
        }
    };
    let validation = match a.validate || a.autosave == Some(true) {
        true => quote!(_rt::Validated),
        false => quote!(_rt::NotValidated),
    };
    let options = options(m, a);
    let name = a.name.to_string();
    let dependent = format_ident!("{}", a.dependent.as_ref().map_or("None", |(d, _)| d.variant()));
    let static_base = match &a.scope {
        Some(s) if s.takes_owner => None,
        _ => Some(quote! {
            #[automatically_derived]
            impl _rt::StaticBase for #marker {
                fn static_base() -> #base_ty {
                    #base
                }
            }
        }),
    };
    quote! {
        #[automatically_derived]
        impl _rt::HasOne for #marker {
            type Owner = #owner;
            type Target = #target;
            type Key = #key_ty;
            type OwnerKey = #table::#key_column;
            type ForeignKey = #fk;
            type Link = #link;
            type Scope = _rt::#scope;
            type Base = #base_ty;
            type Touch = #touch;
            type Validation = #validation;
            const NAME: &'static str = #name;
            const DEPENDENT: _rt::Dependent = _rt::Dependent::#dependent;
            #options

            fn owner_key(owner: &#owner) -> #key_ty {
                ::core::clone::Clone::clone(&owner.#key_ident)
            }

            fn base(owner: &#owner) -> #base_ty {
                let _ = owner;
                #base
            }
        }

        #static_base
    }
}

/// The scope kind, the base query's type and the expression building it (`owner` in scope).
fn base(a: &Association) -> (Ident, TokenStream, TokenStream) {
    let target = &a.target;
    let table = quote!(<#target as _rt::diesel::associations::HasTable>::table());
    let Some(scope) = &a.scope else {
        let ty = quote!(<#target as _rt::diesel::associations::HasTable>::Table);
        return (format_ident!("Unscoped"), ty, table);
    };
    let path = &scope.path;
    let span = path.segments.last().map_or_else(|| a.name.span(), |s| s.ident.span());
    let call = match scope.takes_owner {
        true => quote_spanned!(span=> #path(#table, owner)),
        false => quote_spanned!(span=> #path(#table)),
    };
    (format_ident!("Scoped"), quote_spanned!(span=> #path), call)
}

/// The constants that differ from their defaults.
fn options(m: &Model, a: &Association) -> TokenStream {
    let autosave = a.autosave.map(|b| quote!(const AUTOSAVE: ::core::option::Option<bool> = ::core::option::Option::Some(#b);));
    let required = a.required.then(|| quote!(const REQUIRED: bool = true;));
    let ensuring = a.ensuring_owner_was.as_ref().map(|method| {
        let owner = Ident::new(&m.ident.to_string(), method.span());
        quote_spanned! {method.span()=>
            const ENSURING_OWNER_WAS: ::core::option::Option<fn(&#owner) -> bool> =
                ::core::option::Option::Some(#owner::#method);
        }
    });
    quote!(#autosave #required #ensuring)
}

/// A plain has_one can be the `source` of another model's `through` chain.
fn source(m: &Model, a: &Association) -> Option<TokenStream> {
    let plain = a.polymorphic.is_none() && a.scope.is_none();
    if !plain || m.belongs_to.iter().any(|b| a.name == b.name()) {
        return None;
    }
    let (owner, table, target) = (&m.ident, &m.table, &a.target);
    let key_column = a.primary_key.as_ref().unwrap_or(&m.primary_key[0]);
    let key_ty = &m.field_of(key_column).expect("validated").ty;
    let n = names::type_name(&a.name.to_string(), a.name.span());
    let fk = target_column(a, &a.foreign_key);
    Some(quote! {
        #[automatically_derived]
        impl _rt::Source<#n> for #owner {
            type Target = #target;
            type Out = #table::#key_column;
            type Kind = _rt::HasOneSource<#fk, #key_ty>;
        }
    })
}

/// The span of the association's target path (its last segment).
pub fn target_span(a: &Association) -> Span {
    a.target.segments.last().map_or_else(|| a.name.span(), |s| s.ident.span())
}
