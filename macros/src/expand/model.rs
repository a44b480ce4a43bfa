//! `impl Model`, `impl Persist` (lock and destroy), and the column / `belongs_to` lookups
//! other models' associations use.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

use crate::ast::{Association, BelongsTo, Field, Model};
use crate::names;

/// The per-model impls: `impl Model`, the lookups by name, the destroy hooks.
pub fn expand(m: &Model) -> TokenStream {
    let model = model_impl(m);
    let columns = m.fields.iter().map(|f| column(m, f));
    let belongs_to = m.belongs_to.iter().map(|b| belongs_to(m, b));
    let hooks = hooks(m);
    quote! {
        #model
        #(#columns)*
        #(#belongs_to)*
        #hooks
    }
}

/// `impl Model`: the key, the names, the associations the runtime walks on destroy and
/// the Rails timestamps.
fn model_impl(m: &Model) -> TokenStream {
    let ident = &m.ident;
    let table = &m.table;
    let pk = &m.primary_key[0];
    let pk_field = m
        .field_of(pk)
        .expect("validated: the primary key has a field");
    let key_ty = &pk_field.ty;
    let pk_ident = &pk_field.ident;
    let name = ident.to_string();
    let table_name = table
        .segments
        .last()
        .expect("a path has a segment")
        .ident
        .to_string();
    let (markers, own) = associations(m);
    let polymorphic_name = m
        .hooks
        .polymorphic_name
        .as_ref()
        .map(|lit| quote!(const POLYMORPHIC_NAME: &'static str = #lit;));
    let (created, updated) = (stamp(m, "created_at"), stamp(m, "updated_at"));
    quote! {
        #[automatically_derived]
        impl _rt::Model for #ident {
            type Key = #key_ty;
            type PrimaryKey = #table::#pk;
            const NAME: &'static str = #name;
            const TABLE: &'static str = #table_name;
            #polymorphic_name
            type Associations = (#(#markers,)*);
            type OwnAssociations = (#(#own,)*);
            type Timestamps = (#created, #updated);

            #[inline]
            fn primary_key_value(&self) -> #key_ty {
                ::core::clone::Clone::clone(&self.#pk_ident)
            }
        }
    }
}

/// The markers of `Model::Associations` and `Model::OwnAssociations`. `through`
/// associations have no dependent (a compile error) and no statements of their own; an
/// association whose target is the model itself is walked with the model's own
/// `destroy_in`, so `Persist` for the model does not require itself (a cycle rustc
/// reports as overflow).
fn associations(m: &Model) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let direct = m.associations.iter().filter(|a| a.through.is_none());
    let (own, others): (Vec<&Association>, Vec<&Association>) =
        direct.partition(|a| targets_self(m, a));
    let markers = |list: Vec<&Association>| {
        list.into_iter()
            .map(super::association::marker)
            .collect::<Vec<_>>()
    };
    (markers(others), markers(own))
}

/// A Rails timestamp column of the model (`created_at`, `updated_at`): `Stamp<column>` when
/// the model has the field (and no `#[model(timestamps = false)]`), else `NoColumn`.
fn stamp(m: &Model, column: &str) -> TokenStream {
    let (ident, table) = (&m.ident, &m.table);
    let col = names::ident(column, ident.span());
    match m.field_of(&col) {
        // spanned on the field: a column that is not a timestamp is reported there
        Some(f) if !m.hooks.no_timestamps => {
            quote_spanned!(f.ident.span()=> _rt::Stamp<#table::#col>)
        }
        _ => quote!(_rt::NoColumn),
    }
}

/// `impl Column<name, _> for Model`: the field's column, found by name by other models'
/// associations (for any label, which only names the column in messages); and `impl
/// FieldOf<column>`: the field itself, which a preload reads the foreign key from.
fn column(m: &Model, f: &Field) -> TokenStream {
    let (ident, table) = (&m.ident, &m.table);
    let n = names::type_name(&f.column.to_string(), f.column.span());
    let (col, field, ty) = (&f.column, &f.ident, &f.ty);
    quote! {
        #[automatically_derived]
        #[diagnostic::do_not_recommend]
        impl<__L> _rt::Column<#n, __L> for #ident {
            type Column = #table::#col;
        }
        #[automatically_derived]
        impl _rt::FieldOf<#table::#col> for #ident {
            type Value = #ty;
            #[inline]
            fn field(&self) -> &#ty {
                &self.#field
            }
        }
    }
}

/// `impl BelongsTo<name>` and `impl SpelledSource<name>` for one `#[diesel(belongs_to(…))]`
/// (what `inverse_of` and `through` look up), and `impl SpelledPolymorphicSource<name>`
/// when it is polymorphic; each for any label (which names it in messages).
fn belongs_to(m: &Model, b: &BelongsTo) -> TokenStream {
    let (ident, table) = (&m.ident, &m.table);
    let last = b.parent_ident();
    let n = names::type_name(&b.name(), last.span());
    let parent = &b.parent;
    let fk = &b.foreign_key;
    // `<stem>_id` with a `<stem>_type` field beside it: a polymorphic belongs_to,
    // usable with `source_type`.
    let polymorphic = fk
        .to_string()
        .strip_suffix("_id")
        .map(|stem| names::ident(&format!("{stem}_type"), fk.span()))
        .filter(|ty| m.field_of(ty).is_some())
        .map(|ty| {
            quote! {
                #[automatically_derived]
                impl<__L> _rt::SpelledPolymorphicSource<#n, __L> for #ident {
                    type TypeColumn = #table::#ty;
                }
            }
        });
    quote! {
        #[automatically_derived]
        impl<__L> _rt::BelongsTo<#n, __L> for #ident {
            type Parent = #parent;
            type Column = #table::#fk;
        }

        #[automatically_derived]
        impl<__L> _rt::SpelledSource<#n, __L> for #ident {
            type Target = #parent;
            type Out = #table::#fk;
            type Kind = _rt::BelongsToSource;
        }

        #polymorphic
    }
}

/// `impl DestroyHooks` (its connection parameter named `Conn`, as messages about a hook's
/// signature show it): the declared hooks, each called through a runtime function whose
/// parameter states the hook's signature, so a hook with another signature is one error
/// on the user's path. Sync hooks run on blocking connections; `async_hooks` ones on
/// diesel-async connections; a model without hooks is destroyed on either.
fn hooks(m: &Model) -> TokenStream {
    let (call, conn) = match (&m.hooks.async_hooks, has_hooks(m)) {
        (Some(_), _) => (
            quote!(async_destroy_hook::<Self, Conn, _, _>),
            quote!(_rt::AsyncHookConn),
        ),
        (None, true) => (
            quote!(sync_destroy_hook::<Self, Conn>),
            quote!(_rt::Conn + _rt::JobStore),
        ),
        (None, false) => (quote!(sync_destroy_hook), quote!(_rt::WriteConn)),
    };
    let hook = |name: &str, path: &Option<syn::Path>| {
        path.as_ref().map(|p| {
            let span = p
                .segments
                .last()
                .map_or_else(proc_macro2::Span::call_site, |s| s.ident.span());
            let method = proc_macro2::Ident::new(name, proc_macro2::Span::call_site());
            quote_spanned! {span=>
                fn #method(&self, conn: &mut Conn) -> impl _rt::Future<Output = _rt::Result<()>> + _rt::Send {
                    _rt::#call(#p, self, conn)
                }
            }
        })
    };
    let before = hook("before_destroy", &m.hooks.before_destroy);
    let after = hook("after_destroy", &m.hooks.after_destroy);
    let none = (!has_hooks(m)).then(|| {
        quote!(
            const NONE: bool = true;
        )
    });
    let ident = &m.ident;
    quote! {
        #[automatically_derived]
        impl<Conn: #conn> _rt::DestroyHooks<Conn> for #ident {
            #none
            #before
            #after
        }
    }
}

/// Whether model `m` declares a destroy hook.
fn has_hooks(m: &Model) -> bool {
    m.hooks.before_destroy.is_some() || m.hooks.after_destroy.is_some()
}

/// Whether association `a` of model `m` targets `m` itself (`class_name = "Self"` or the
/// model's own name).
fn targets_self(m: &Model, a: &Association) -> bool {
    a.target.is_ident("Self") || a.target.is_ident(&m.ident)
}
