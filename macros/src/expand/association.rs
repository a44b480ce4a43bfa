//! One `#[has_one(…)]`: its marker type with the facts the runtime's statements are built
//! from (`HasOne`), the registration, the type checks, and the owner's methods.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote, quote_spanned};

use crate::ast::{Association, Dependent, Model};
use crate::names;

/// The marker type of an association: `has_one::profile`, declared by [`markers`].
pub fn marker(a: &Association) -> TokenStream {
    marker_of(&a.name)
}

/// The marker type of the association named `name`.
pub fn marker_of(name: &Ident) -> TokenStream {
    quote!(has_one::#name)
}

/// `mod has_one { pub struct profile; … }`: one marker type per association, named like
/// it, so that compiler messages about an association read `has_one::profile`; and one per
/// other name of a `through` chain's `source` (see [`super::through::spellings`]).
pub fn markers(m: &Model) -> TokenStream {
    let sources = super::through::source_names(m);
    let names = m.associations.iter().map(|a| &a.name).chain(
        sources
            .into_iter()
            .filter(|s| !m.associations.iter().any(|a| a.name == **s)),
    );
    quote! {
        /// The `has_one` association markers.
        #[doc(hidden)]
        pub mod has_one {
            #(pub struct #names;)*
        }
    }
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
        let kinds = match m.hooks.async_jobs {
            Some(_) => quote!(async),
            None => quote!(sync),
        };
        let backends = match &m.backends {
            None => quote!(sqlite postgres mysql),
            Some(b) => quote!(#(#b)*),
        };
        quote!(_rt::__register_destroy_async!(#marker, #job_name, [#backends], #kinds);)
    });
    quote! {
        #facts
        #checks
        #source
        #job

        _rt::__register!(#marker);

        #methods
    }
}

/// What a `has_one` uses a column of its target for: the runtime trait the column is
/// looked up by, which the message's help names.
#[derive(Clone, Copy)]
pub enum Role {
    ForeignKey,
    ForeignType,
    Touch,
}

/// The target's column named `column`, spanned on the user's token so a missing column is
/// reported there: looked up by the parameter `labels` names like the column (the message
/// then names the column), or by its spelling when the name is reserved.
pub fn target_column(
    a: &Association,
    column: &Ident,
    role: Role,
    labels: &mut names::Labels,
) -> TokenStream {
    let target = &a.target;
    let Some(label) = labels.label(column) else {
        let n = names::type_name(&column.to_string(), column.span());
        return quote_spanned!(column.span()=> <#target as _rt::Column<#n>>::Column);
    };
    let role = match role {
        Role::ForeignKey => "ForeignKeyColumn",
        Role::ForeignType => "ForeignTypeColumn",
        Role::Touch => "TouchedColumn",
    };
    let role = Ident::new(role, column.span());
    quote_spanned!(column.span()=> <#target as _rt::#role<#label>>::Column)
}

/// `impl HasOne` (generic over parameters named like the target's columns it names, see
/// [`names::Labels`]), and the scope function's impl when there is one.
fn facts(m: &Model, a: &Association) -> TokenStream {
    let (owner, table, target, marker) = (&m.ident, &m.table, &a.target, marker(a));
    let key_column = a.primary_key.as_ref().unwrap_or(&m.primary_key[0]);
    let key_field = m
        .field_of(key_column)
        .expect("validated: the owner key has a field");
    let (key_ty, key_ident) = (&key_field.ty, &key_field.ident);
    let mut labels = names::Labels::new(quote!(#owner #target #table #key_ty));
    let columns = column_items(a, &mut labels);
    let (params, bounds) = (labels.params(), labels.impl_bounds());
    let (scope, scope_fn) = scope(m, a);
    let validation = match a.validate || a.autosave == Some(true) {
        true => quote!(_rt::Validated),
        false => quote!(_rt::NotValidated),
    };
    let options = options(m, a);
    let name = a.name.to_string();
    let dependent = format_ident!(
        "{}",
        a.dependent.as_ref().map_or("None", |(d, _)| d.variant())
    );
    quote! {
        #[automatically_derived]
        impl #params _rt::HasOne for #marker #bounds {
            type Owner = #owner;
            type Target = #target;
            type Key = #key_ty;
            type OwnerKey = #table::#key_column;
            #columns
            type Scope = #scope;
            type Validation = #validation;
            const NAME: &'static str = #name;
            const DEPENDENT: _rt::Dependent = _rt::Dependent::#dependent;
            #options

            fn owner_key(owner: &#owner) -> #key_ty {
                ::core::clone::Clone::clone(&owner.#key_ident)
            }
        }

        #scope_fn
    }
}

/// `type ForeignKey`, `type Link` and `type Touch`: the facts made of the target's columns,
/// each item spanned on the user's token that names its column, so a missing column is
/// one error there (every check of these items fails the same way, on the same token).
/// The link is named through its columns, so a missing one is not reported again by
/// `Link`'s bounds.
fn column_items(a: &Association, labels: &mut names::Labels) -> TokenStream {
    let fk_span = a.foreign_key.span();
    let fk = target_column(a, &a.foreign_key, Role::ForeignKey, labels);
    let link = match &a.polymorphic {
        None => quote_spanned!(fk_span=> <(Self::ForeignKey,) as _rt::LinkOf>::Link),
        Some(p) => {
            let ft = target_column(a, &p.foreign_type, Role::ForeignType, labels);
            quote_spanned!(fk_span=> <(Self::ForeignKey, #ft) as _rt::LinkOf>::Link)
        }
    };
    let touch = match &a.touch {
        None => quote!(
            type Touch = _rt::NoTouch;
        ),
        Some(column) => {
            let col = target_column(a, column, Role::Touch, labels);
            quote_spanned!(column.span()=> type Touch = _rt::Touches<#col>;)
        }
    };
    quote_spanned! {fk_span=>
        type ForeignKey = #fk;
        type Link = #link;
        #touch
    }
}

/// The scope kind, and for a scope its function as a `TableScope`/`OwnerScope` impl.
fn scope(m: &Model, a: &Association) -> (TokenStream, Option<TokenStream>) {
    let Some(scope) = &a.scope else {
        return (quote!(_rt::Unscoped), None);
    };
    let (target, marker, owner) = (&a.target, marker(a), &m.ident);
    let table = quote!(<#target as _rt::diesel::associations::HasTable>::table());
    let path = &scope.path;
    let span = path
        .segments
        .last()
        .map_or_else(|| a.name.span(), |s| s.ident.span());
    let function = format_ident!("__Scope_{}", a.name);
    let (kind, trait_, sig, call) = match scope.takes_owner {
        true => (
            quote!(OwnerScoped),
            quote!(OwnerScope),
            quote!(owner: &#owner),
            quote_spanned!(span=> #path(#table, owner)),
        ),
        false => (
            quote!(Scoped),
            quote!(TableScope),
            quote!(),
            quote_spanned!(span=> #path(#table)),
        ),
    };
    let imp = quote! {
        #[doc(hidden)]
        pub struct #function;

        #[automatically_derived]
        impl _rt::#trait_<#marker> for #function {
            type Base = #path;
            fn scope(#sig) -> #path {
                #call
            }
        }
    };
    (quote!(_rt::#kind<#function>), Some(imp))
}

/// The constants that differ from their defaults.
fn options(m: &Model, a: &Association) -> TokenStream {
    let autosave = a
        .autosave
        .map(|b| quote!(const AUTOSAVE: _rt::Option<bool> = _rt::Option::Some(#b);));
    let required = a.required.then(|| {
        quote!(
            const REQUIRED: bool = true;
        )
    });
    let ensuring = a.ensuring_owner_was.as_ref().map(|method| {
        let owner = Ident::new(&m.ident.to_string(), method.span());
        quote_spanned! {method.span()=>
            const ENSURING_OWNER_WAS: _rt::Option<fn(&#owner) -> bool> =
                _rt::Option::Some(#owner::#method);
        }
    });
    quote!(#autosave #required #ensuring)
}

/// `impl Association<name> for Owner`: generic code names the marker with
/// `diesel_has_one::association!(Owner::name)`; and for a plain has_one (no scope, not
/// polymorphic) not named like a `belongs_to` of the model, `impl SpelledSource<name>`:
/// it is a `source` of other models' `through` chains.
fn source(m: &Model, a: &Association) -> TokenStream {
    let (owner, marker) = (&m.ident, marker(a));
    let n = names::type_name(&a.name.to_string(), a.name.span());
    let plain = a.scope.is_none() && a.polymorphic.is_none();
    let source = (plain && !m.belongs_to.iter().any(|b| a.name == b.name())).then(|| {
        let (table, target) = (&m.table, &a.target);
        let key_column = a.primary_key.as_ref().unwrap_or(&m.primary_key[0]);
        quote! {
            #[automatically_derived]
            impl<__L> _rt::SpelledSource<#n, __L> for #owner {
                type Target = #target;
                type Out = #table::#key_column;
                type Kind = _rt::HasOneSource<#marker>;
            }
        }
    });
    quote! {
        #[automatically_derived]
        impl _rt::Association<#n> for #owner {
            type Marker = #marker;
        }

        #source
    }
}
