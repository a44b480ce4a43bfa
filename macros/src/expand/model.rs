//! `impl Model`, `impl Persist` (lock and destroy), and the column / `belongs_to` lookups
//! other models' associations use.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

use crate::ast::Model;
use crate::names;

/// The per-model impls.
pub fn expand(m: &Model) -> TokenStream {
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

    let columns = m.fields.iter().map(|f| {
        let n = names::type_name(&f.column.to_string(), f.column.span());
        let col = &f.column;
        quote! {
            #[automatically_derived]
            #[diagnostic::do_not_recommend]
            impl _rt::Column<#n> for #ident {
                type Column = #table::#col;
            }
        }
    });
    let belongs_to = m.belongs_to.iter().map(|b| {
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
                    impl _rt::PolymorphicSource<#n> for #ident {
                        type TypeColumn = #table::#ty;
                    }
                }
            });
        quote! {
            #[automatically_derived]
            impl _rt::BelongsTo<#n> for #ident {
                type Parent = #parent;
                type Column = #table::#fk;
            }

            #[automatically_derived]
            impl _rt::Source<#n> for #ident {
                type Target = #parent;
                type Out = #table::#fk;
                type Kind = _rt::BelongsToSource;
            }

            #polymorphic
        }
    });

    // `through` associations have no dependent (a compile error) and no statements of
    // their own.
    let direct: Vec<_> = m
        .associations
        .iter()
        .filter(|a| a.through.is_none())
        .collect();
    // An association whose target is the model itself is walked with the model's own
    // `destroy_in`, so `Persist` for the model does not require itself (a cycle rustc
    // reports as overflow).
    let (own, others): (Vec<&&crate::ast::Association>, Vec<_>) =
        direct.iter().partition(|a| targets_self(m, a));
    let markers: Vec<_> = others
        .iter()
        .map(|a| super::association::marker(a))
        .collect();
    let own: Vec<_> = own.iter().map(|a| super::association::marker(a)).collect();
    // Through `run_destroy_hook`'s `fn` pointer parameter, so a hook with another signature
    // is one error on the user's path naming the expected `DestroyHook` type.
    let hook = |path: &Option<syn::Path>| {
        path.as_ref().map(|p| {
            let span = p
                .segments
                .last()
                .map_or_else(proc_macro2::Span::call_site, |s| s.ident.span());
            quote_spanned!(span=> _rt::run_destroy_hook::<Self, __C>(#p, self, conn)?;)
        })
    };
    let before = hook(&m.hooks.before_destroy);
    let after = hook(&m.hooks.after_destroy);
    let polymorphic_name = m
        .hooks
        .polymorphic_name
        .as_ref()
        .map(|lit| quote!(const POLYMORPHIC_NAME: &'static str = #lit;));
    let owner_row =
        quote!(diesel::dsl::Filter<#table::table, diesel::dsl::Eq<#table::#pk, #key_ty>>);

    quote! {
        #[automatically_derived]
        impl _rt::Model for #ident {
            type Key = #key_ty;
            type PrimaryKey = #table::#pk;
            const NAME: &'static str = #name;
            const TABLE: &'static str = #table_name;
            #polymorphic_name

            #[inline]
            fn primary_key_value(&self) -> #key_ty {
                ::core::clone::Clone::clone(&self.#pk_ident)
            }
        }

        #(#columns)*
        #(#belongs_to)*

        #[automatically_derived]
        impl<__C, __I> _rt::InsertModel<__C, __I> for #ident
        where
            __C: _rt::Conn,
            __I: _rt::InsertReturning<__C, #table::table, #ident>,
            __I: _rt::OwnerValues<__C, #table::table>,
            for<'__q> diesel::dsl::Limit<diesel::dsl::Select<
                diesel::dsl::Filter<
                    #table::table,
                    diesel::dsl::Eq<#table::#pk, _rt::LastInsertId<<#table::#pk as diesel::Expression>::SqlType>>,
                >,
                diesel::dsl::AsSelect<#ident, <__C as _rt::Conn>::DB>,
            >>: diesel::query_dsl::LoadQuery<'__q, __C, #ident>,
        {
            fn insert_model(values: __I, conn: &mut __C) -> ::core::result::Result<Self, _rt::Error> {
                // `RETURNING` where the backend has it; MySQL reloads by `LAST_INSERT_ID()`.
                if let ::core::option::Option::Some(row) =
                    _rt::InsertReturning::insert_returning(values, #table::table, conn)?
                {
                    return ::core::result::Result::Ok(row);
                }
                #table::table
                    .filter(#table::#pk.eq(_rt::LastInsertId::default()))
                    .select(<#ident>::as_select())
                    .limit(1)
                    .get_result(conn)
                    .optional()?
                    .ok_or(_rt::Error::NotFound { model: #name })
            }
        }

        #[automatically_derived]
        impl<__C, __U> _rt::UpdateModel<__C, __U> for #ident
        where
            __C: _rt::Conn,
            __U: _rt::ChangeRow<__C, #owner_row>,
            for<'__q> diesel::dsl::Limit<diesel::dsl::Select<#owner_row, diesel::dsl::AsSelect<#ident, <__C as _rt::Conn>::DB>>>:
                diesel::query_dsl::LoadQuery<'__q, __C, #ident>,
        {
            fn update_model(&self, changes: __U, conn: &mut __C) -> ::core::result::Result<Self, _rt::Error> {
                let row = || #table::table.filter(#table::#pk.eq(_rt::Model::primary_key_value(self)));
                _rt::ChangeRow::change_row(changes, row(), conn)?;
                row()
                    .select(<#ident>::as_select())
                    .limit(1)
                    .get_result(conn)
                    .optional()?
                    .ok_or(_rt::Error::NotFound { model: #name })
            }
        }

        #[automatically_derived]
        impl<__C> _rt::Persist<__C> for #ident
        where
            __C: _rt::Conn + _rt::JobStore,
            for<'__q> _rt::Locked<diesel::dsl::Select<#owner_row, #table::#pk>>:
                diesel::query_dsl::LoadQuery<'__q, __C, #key_ty>,
            diesel::dsl::delete<#owner_row>: diesel::query_dsl::methods::ExecuteDsl<__C>,
            (#(#markers,)*): _rt::Dependents<Self, __C>,
            #(#own: _rt::Statements<__C> + _rt::Touch<__C>,)*
        {
            fn lock_row(&self, conn: &mut __C) -> ::core::result::Result<(), _rt::Error> {
                let found: ::std::vec::Vec<#key_ty> = _rt::Locked::<_, _rt::RowLock>::new(
                    #table::table
                        .filter(#table::#pk.eq(_rt::Model::primary_key_value(self)))
                        .select(#table::#pk),
                )
                .load(conn)?;
                if found.is_empty() {
                    return ::core::result::Result::Err(_rt::Error::NotFound { model: #name });
                }
                ::core::result::Result::Ok(())
            }

            fn destroy_in(&self, conn: &mut __C) -> ::core::result::Result<(), _rt::Error> {
                #before
                <(#(#markers,)*) as _rt::Dependents<Self, __C>>::on_destroy(self, conn)?;
                #(
                    _rt::on_destroy_with::<#own, __C>(self, conn, Self::destroy_in)?;
                    <#own as _rt::Touch<__C>>::touch(self, conn)?;
                )*
                let deleted = diesel::delete(
                    #table::table.filter(#table::#pk.eq(_rt::Model::primary_key_value(self))),
                )
                .execute(conn)?;
                if deleted == 0 {
                    return ::core::result::Result::Err(_rt::Error::NotFound { model: #name });
                }
                #after
                ::core::result::Result::Ok(())
            }
        }
    }
}

/// Whether association `a` of model `m` targets `m` itself (`class_name = "Self"` or the
/// model's own name).
fn targets_self(m: &Model, a: &crate::ast::Association) -> bool {
    a.target.is_ident("Self") || a.target.is_ident(&m.ident)
}
