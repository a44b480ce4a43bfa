//! `has_one … through`: the chain of tables from the owner to the target as facts (one
//! `impl Through`), and the owner's methods as calls into the runtime, which walks the
//! chain (`through::{read, preload, write}` and the eager load).
//!
//! The chain is a type: its first table (the owner's `has_one` or `belongs_to`, or the
//! chain of the `through` association it goes through), then one hop to the model the
//! join model's `source` association reaches.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};

use crate::ast::{Association, Model, Through};
use crate::names;

use super::association::marker_of;
use super::docs::Docs;

/// How the chain leaves the owner: the facts that depend on the association it goes
/// through.
struct Leave {
    /// The chain up to the join model.
    chain: TokenStream,
    /// The type of the owner's value the chain starts from.
    start_ty: TokenStream,
    /// The body of `fn start(owner)`.
    start: TokenStream,
    /// The owner's column holding the start value.
    start_column: TokenStream,
    /// Where the writer's join row comes from.
    leaves: TokenStream,
}

fn leave(m: &Model, t: &Through) -> Leave {
    let via = marker_of(&t.via);
    if let Some(b) = m.associations.iter().find(|b| b.name == t.via) {
        let facts = quote!(<#via as _rt::Through>);
        return match b.through {
            Some(_) => Leave {
                chain: quote!(#facts::Chain),
                start_ty: quote!(#facts::Start),
                start: quote!(#facts::start(owner)),
                start_column: quote!(#facts::StartColumn),
                leaves: quote!(#facts::Leaves),
            },
            None => Leave {
                chain: quote!(_rt::FromHasOne<#via>),
                start_ty: quote!(<#via as _rt::HasOne>::Key),
                start: quote!(_rt::Option::Some(<#via as _rt::HasOne>::owner_key(owner))),
                start_column: quote!(<#via as _rt::HasOne>::OwnerKey),
                leaves: quote!(_rt::ViaHasOne<#via>),
            },
        };
    }
    let b = m
        .belongs_to
        .iter()
        .find(|b| t.via == b.name())
        .expect("validated: `through` names a has_one or a belongs_to");
    let (fk, table, parent) = (&b.foreign_key, &m.table, &b.parent);
    let field = m
        .field_of(fk)
        .map_or_else(|| fk.clone(), |f| f.ident.clone());
    Leave {
        chain: quote!(_rt::FromBelongsTo<#parent>),
        start_ty: quote!(<#parent as _rt::Model>::Key),
        start: quote!(_rt::IntoStart::to_start(&owner.#field)),
        start_column: quote!(#table::#fk),
        leaves: quote!(_rt::ViaBelongsTo),
    }
}

/// The names of the join models' associations this model's chains continue with
/// (`source`), each once.
pub fn source_names(m: &Model) -> Vec<&Ident> {
    let mut names: Vec<&Ident> = Vec::new();
    for t in m.associations.iter().filter_map(|a| a.through.as_ref()) {
        if !names.contains(&&t.source) {
            names.push(&t.source);
        }
    }
    names
}

/// `impl Spelling for has_one::club`: a hop names its `source` by the marker named like it
/// (the association's own marker, or one declared for the name), which spells the name the
/// join model's `SpelledSource` impls are keyed by; so a missing source is reported as
/// "`Membership` has no … named `club`".
pub fn spellings(m: &Model) -> TokenStream {
    let impls = source_names(m).into_iter().map(|s| {
        let (marker, n) = (marker_of(s), names::type_name(&s.to_string(), s.span()));
        quote! {
            #[automatically_derived]
            impl _rt::Spelling for #marker {
                type Chars = #n;
            }
        }
    });
    quote!(#(#impls)*)
}

/// Everything generated for one `through` association.
pub fn expand(m: &Model, a: &Association) -> TokenStream {
    let facts = facts(m, a);
    let methods = methods(m, a);
    quote! {
        #facts
        #methods
    }
}

/// `impl Through`, and `impl SourceType` for `source_type`.
fn facts(m: &Model, a: &Association) -> TokenStream {
    let t = a.through.as_ref().expect("a through association");
    let (owner, marker, name) = (&m.ident, marker_of(&a.name), a.name.to_string());
    let Leave {
        chain,
        start_ty,
        start,
        start_column,
        leaves,
    } = leave(m, t);
    let n = marker_of(&t.source);
    let (filter, typed) = match &t.source_type {
        None => (quote!(_rt::AnyType), None),
        Some(lit) => (
            quote!(_rt::OfType<#marker>),
            Some(quote! {
                #[automatically_derived]
                impl _rt::SourceType for #marker {
                    const SOURCE_TYPE: &'static str = #lit;
                }
            }),
        ),
    };
    let reads = match t.disable_joins {
        true => quote!(_rt::Separate),
        false => quote!(_rt::Joined),
    };
    quote! {
        #[automatically_derived]
        impl _rt::Through for #marker {
            type Owner = #owner;
            type Chain = _rt::Then<#chain, _rt::Via<#n, #filter>>;
            type Start = #start_ty;
            type StartColumn = #start_column;
            type Leaves = #leaves;
            type Reads = #reads;
            const NAME: &'static str = #name;

            fn start(owner: &#owner) -> _rt::Option<#start_ty> {
                #start
            }
        }

        #typed
    }
}

/// The owner's methods: reader, query, preload, writer, eager load.
fn methods(m: &Model, a: &Association) -> TokenStream {
    let (owner, marker, name) = (&m.ident, marker_of(&a.name), &a.name);
    // A chain whose `source` or `source_type` does not fit the join model is reported
    // here, once, on the option's token: every signature names the target through it.
    let t = a.through.as_ref().expect("a through association");
    let span = t
        .source_type
        .as_ref()
        .map_or(t.source.span(), |lit| lit.span());
    let target = quote_spanned!(span=> _rt::Target<#marker>);

    let docs = Docs::new(m, a);
    let deprecated = super::methods::deprecated(a);
    let query_fn = format_ident!("{}_query", name);
    let [preload_fn, set_fn, eager_fn] =
        ["preload", "set", "eager_load"].map(|f| format_ident!("{}_{}", f, name));
    let reader = reader(a, &docs, &target, span);
    let (query_doc, preload_doc, eager_doc) = (&docs.query, &docs.preload, &docs.eager);
    let set_doc = format!(
        "Links `target` through the join row (updated, or inserted when missing, with the join model's `created_at`/`updated_at` set as the association's own rows get them), or destroys the join row (`None`), in one transaction. Rails: `{name} = record`."
    );
    let preload_and_set = quote_spanned! {span=>
        #[doc = #preload_doc]
        #deprecated
        pub fn #preload_fn<'__s, '__c, __C>(owners: &'__s [Self], conn: &'__c mut __C) -> <__C as _rt::Runs<'__c, _rt::PreloadThrough<'__s, #marker>>>::Output
        where
            __C: _rt::Runs<'__c, _rt::PreloadThrough<'__s, #marker>>,
        {
            conn.run(_rt::PreloadThrough(owners))
        }

        #[doc = #set_doc]
        #deprecated
        pub fn #set_fn<'__s, '__c, __C>(&'__s self, target: _rt::Option<&'__s #target>, conn: &'__c mut __C) -> <__C as _rt::Runs<'__c, _rt::SetThrough<'__s, #marker>>>::Output
        where
            __C: _rt::Runs<'__c, _rt::SetThrough<'__s, #marker>>,
        {
            conn.run(_rt::SetThrough(self, target))
        }
    };
    quote! {
        #[automatically_derived]
        impl #owner {
            #deprecated
            #reader

            #[doc = #query_doc]
            #deprecated
            pub fn #query_fn<'__q>(&'__q self) -> <#marker as _rt::ThroughQuery<'__q>>::Ordered
            where
                for<'__x> #marker: _rt::ThroughQuery<'__x>,
            {
                <#marker as _rt::ThroughQuery<'__q>>::ordered(self)
            }

            #preload_and_set

            #[doc = #eager_doc]
            #deprecated
            pub fn #eager_fn<__Q: _rt::EagerLoads<_rt::ThroughOf<#marker>, __DB>, __DB>(query: __Q) -> __Q::Output {
                _rt::EagerLoads::eager_load(query)
            }
        }
    }
}

/// The reader; with `strict_loading`, a method whose call is a compile error.
fn reader(a: &Association, docs: &Docs, target: &TokenStream, span: Span) -> TokenStream {
    let (name, marker) = (&a.name, marker_of(&a.name));
    if let Some(strict) = a.strict_loading {
        let doc = &docs.strict;
        return quote_spanned! {strict=>
            #[doc = #doc]
            pub fn #name<__C>(&self, conn: &mut __C) -> _rt::QueryResult<_rt::Option<#target>>
            where
                __C: _rt::StrictLoading<#marker>,
            {
                <__C as _rt::StrictLoading<#marker>>::lazy_read(conn, self)
            }
        };
    }
    let doc = &docs.reader;
    quote_spanned! {span=>
        #[doc = #doc]
        pub fn #name<'__s, '__c, __C>(&'__s self, conn: &'__c mut __C) -> <__C as _rt::Runs<'__c, _rt::ReadThrough<'__s, #marker>>>::Output
        where
            __C: _rt::Runs<'__c, _rt::ReadThrough<'__s, #marker>>,
        {
            conn.run(_rt::ReadThrough(self))
        }
    }
}
