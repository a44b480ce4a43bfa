//! One `#[has_one(…)]`: its marker type (`HasOne` + `Statements` + `Insert`, the typed
//! statements the runtime's transactions drive) and the owner's methods.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote, quote_spanned};

use crate::ast::{Association, Model};
use crate::names;

/// Names of the type aliases and items generated for one association; prefixed with the
/// association's name so several associations share one `const` block.
pub struct Names {
    pub marker: Ident,
    pub table: Ident,
    pub fk: Ident,
    pub pk: Ident,
    pub target_key: Ident,
    pub linked: Ident,
    pub ordered: Ident,
}

impl Names {
    pub fn new(a: &Association) -> Names {
        let n = &a.name;
        Names {
            marker: format_ident!("__HasOne_{}", n),
            table: format_ident!("__{}_Table", n),
            fk: format_ident!("__{}_ForeignKey", n),
            pk: format_ident!("__{}_PrimaryKey", n),
            target_key: format_ident!("__{}_TargetKey", n),
            linked: format_ident!("__{}_Linked", n),
            ordered: format_ident!("__{}_Ordered", n),
        }
    }
}

/// Everything generated for one association.
pub fn expand(m: &Model, a: &Association) -> TokenStream {
    let Names {
        marker,
        table,
        fk,
        pk,
        target_key,
        linked,
        ordered,
    } = Names::new(a);
    let owner = &m.ident;
    let owner_table = &m.table;
    let target = &a.target;
    let name = &a.name;
    let name_str = name.to_string();
    let key_column = a.primary_key.as_ref().unwrap_or(&m.primary_key[0]);
    let key_field = m
        .field_of(key_column)
        .expect("validated: the owner key has a field");
    let key_ty = &key_field.ty;
    let key_ident = &key_field.ident;
    let fk_name = names::type_name(&a.foreign_key.to_string(), a.foreign_key.span());
    let dependent = format_ident!(
        "{}",
        a.dependent.as_ref().map_or("None", |(d, _)| d.variant())
    );
    let linked_fn = format_ident!("__{}_linked", name);
    let ordered_fn = format_ident!("__{}_ordered", name);
    let query_fn = format_ident!("{}_query", name);
    let build_fn = format_ident!("build_{}", name);
    let create_fn = format_ident!("create_{}", name);
    let set_fn = format_ident!("set_{}", name);
    let preload_fn = format_ident!("preload_{}", name);
    let checks = super::checks::expand(m, a, &fk);
    let fk_alias = quote_spanned! {a.foreign_key.span()=>
        type #fk = <#target as _rt::__private::Column<#fk_name>>::Column;
    };
    let load = |query: TokenStream, out: TokenStream| quote!(for<'__q> #query: diesel::query_dsl::LoadQuery<'__q, __C, #out>);
    let execute = |query: TokenStream| quote!(#query: diesel::query_dsl::methods::ExecuteDsl<__C>);
    let as_select = quote!(diesel::dsl::AsSelect<#target, <__C as _rt::Conn>::DB>);
    let bounds = [
        load(
            quote!(diesel::dsl::Limit<diesel::dsl::Select<#ordered, #as_select>>),
            quote!(#target),
        ),
        load(
            quote!(diesel::dsl::Select<#ordered, #as_select>),
            quote!(#target),
        ),
        load(
            quote!(diesel::dsl::Select<#ordered, #pk>),
            quote!(#target_key),
        ),
        execute(quote!(diesel::dsl::delete<#linked>)),
        execute(quote!(diesel::dsl::Update<
            #linked,
            diesel::dsl::Eq<#fk, _rt::__private::Null<<#fk as diesel::Expression>::SqlType>>,
        >)),
        execute(quote!(diesel::dsl::Update<
            diesel::dsl::Filter<#table, diesel::dsl::Eq<#pk, #target_key>>,
            diesel::dsl::Eq<#fk, #key_ty>,
        >)),
        load(
            quote!(diesel::dsl::Select<
                diesel::dsl::Order<
                    diesel::dsl::Filter<#table, _rt::key_set::KeyIn<#fk, #key_ty>>,
                    diesel::dsl::Asc<#pk>,
                >,
                (diesel::dsl::Nullable<#fk>, #as_select),
            >),
            quote!((::core::option::Option<#key_ty>, #target)),
        ),
    ];
    let writes = quote! {
        __C: _rt::Conn,
        #marker: _rt::Statements<__C>,
        #owner: _rt::Persist<__C>,
        #target: _rt::Persist<__C>,
    };

    let reader_doc = format!(
        "The associated `{}`: the linked row with the lowest primary key (one `SELECT … LIMIT 1`). Rails: `{}.{}`.",
        quote!(#target).to_string().replace(' ', ""),
        crate::names::snake(owner),
        name
    );
    let query_doc = format!("The typed Diesel query of the `{name}` association (linked rows by primary key), to refine with `.select`, `.filter`, ….");
    let build_doc = format!("An unsaved `{name}` made of `values`: writes nothing until `.save(conn)` runs the replace transaction. Rails: `build_{name}` (which already unlinks the old row; here it does not).");
    let create_doc = format!("Replaces the `{name}` by a new row made of `values` (without the foreign key), in one transaction: lock the owner row, remove the old row per `dependent`, insert. Any error leaves the database as it was. Rails: `create_{name}` / `create_{name}!`.");
    let set_doc = format!("Links an existing row as the `{name}` (`Some`), or removes the current one (`None`), removing the old row per `dependent`, in one transaction. Rails: `{name} = record` / `{name} = nil`.");
    let preload_doc = format!("The `{name}` of each owner, aligned with `owners`, in one query whatever their number. Rails: `includes(:{name})`.");

    quote! {
        type #table = <#target as diesel::associations::HasTable>::Table;
        #fk_alias
        type #pk = <#target as _rt::Model>::PrimaryKey;
        type #target_key = <#target as _rt::Model>::Key;
        type #linked = diesel::dsl::Filter<#table, diesel::dsl::Eq<#fk, #key_ty>>;
        type #ordered = diesel::dsl::Order<#linked, diesel::dsl::Asc<#pk>>;

        #checks

        fn #linked_fn(key: &#key_ty) -> #linked {
            <#target as diesel::associations::HasTable>::table()
                .filter(<#fk as ::core::default::Default>::default().eq(::core::clone::Clone::clone(key)))
        }

        fn #ordered_fn(key: &#key_ty) -> #ordered {
            #linked_fn(key).order(<#pk as ::core::default::Default>::default().asc())
        }

        /// The `has_one` association marker.
        #[doc(hidden)]
        pub struct #marker;

        #[automatically_derived]
        impl _rt::HasOne for #marker {
            type Owner = #owner;
            type Target = #target;
            type Key = #key_ty;
            const NAME: &'static str = #name_str;
            const DEPENDENT: _rt::Dependent = _rt::Dependent::#dependent;
            const FOREIGN_KEY_NULLABLE: bool =
                _rt::__private::is_nullable::<<#fk as diesel::Expression>::SqlType>();
            const FOREIGN_KEY: &'static str = <#fk as diesel::Column>::NAME;
            const OWNER_KEY: &'static str = <#owner_table::#key_column as diesel::Column>::NAME;

            #[inline]
            fn owner_key(owner: &#owner) -> #key_ty {
                ::core::clone::Clone::clone(&owner.#key_ident)
            }
        }

        _rt::__private::inventory::submit! {
            _rt::__private::Registered(_rt::__private::describe::<#marker>)
        }

        #[automatically_derived]
        impl<__C> _rt::Statements<__C> for #marker
        where
            __C: _rt::Conn,
            #(#bounds,)*
        {
            fn first(key: &#key_ty, conn: &mut __C) -> diesel::QueryResult<::core::option::Option<#target>> {
                #ordered_fn(key).select(<#target>::as_select()).limit(1).get_result(conn).optional()
            }

            fn load_linked(key: &#key_ty, conn: &mut __C) -> diesel::QueryResult<::std::vec::Vec<#target>> {
                #ordered_fn(key).select(<#target>::as_select()).load(conn)
            }

            fn linked_keys(key: &#key_ty, conn: &mut __C) -> diesel::QueryResult<::std::vec::Vec<#target_key>> {
                #ordered_fn(key).select(<#pk as ::core::default::Default>::default()).load(conn)
            }

            fn delete_linked(key: &#key_ty, conn: &mut __C) -> diesel::QueryResult<usize> {
                diesel::delete(#linked_fn(key)).execute(conn)
            }

            fn nullify_linked(key: &#key_ty, conn: &mut __C) -> diesel::QueryResult<usize> {
                diesel::update(#linked_fn(key))
                    .set(<#fk as ::core::default::Default>::default().eq(_rt::__private::Null::new()))
                    .execute(conn)
            }

            fn link(key: &#key_ty, target: &#target_key, conn: &mut __C) -> diesel::QueryResult<usize> {
                diesel::update(
                    <#target as diesel::associations::HasTable>::table()
                        .filter(<#pk as ::core::default::Default>::default().eq(::core::clone::Clone::clone(target))),
                )
                .set(<#fk as ::core::default::Default>::default().eq(::core::clone::Clone::clone(key)))
                .execute(conn)
            }

            fn preload(
                keys: ::std::vec::Vec<#key_ty>,
                conn: &mut __C,
            ) -> diesel::QueryResult<::std::vec::Vec<(::core::option::Option<#key_ty>, #target)>> {
                let fk = <#fk as ::core::default::Default>::default();
                <#target as diesel::associations::HasTable>::table()
                    .filter(_rt::key_set::KeyIn::new(fk, keys))
                    .order(<#pk as ::core::default::Default>::default().asc())
                    .select((fk.nullable(), <#target>::as_select()))
                    .load(conn)
            }
        }

        #[automatically_derived]
        impl<__C, __V> _rt::Insert<__C, __V> for #marker
        where
            __C: _rt::Conn,
            Self: _rt::Statements<__C>,
            __V: _rt::__private::InsertWithKey<__C, #table, diesel::dsl::Eq<#fk, #key_ty>>,
        {
            fn insert(key: &#key_ty, values: __V, conn: &mut __C) -> diesel::QueryResult<usize> {
                _rt::__private::InsertWithKey::insert_with_key(
                    values,
                    <#target as diesel::associations::HasTable>::table(),
                    <#fk as ::core::default::Default>::default().eq(::core::clone::Clone::clone(key)),
                    conn,
                )
            }
        }

        #[automatically_derived]
        impl #owner {
            #[doc = #reader_doc]
            pub fn #name<__C>(&self, conn: &mut __C) -> diesel::QueryResult<::core::option::Option<#target>>
            where
                __C: _rt::Conn,
                #marker: _rt::Statements<__C>,
            {
                <#marker as _rt::Statements<__C>>::first(&<#marker as _rt::HasOne>::owner_key(self), conn)
            }

            #[doc = #query_doc]
            pub fn #query_fn(&self) -> #ordered {
                #ordered_fn(&<#marker as _rt::HasOne>::owner_key(self))
            }

            #[doc = #build_doc]
            pub fn #build_fn<__V>(&self, values: __V) -> _rt::Built<'_, #marker, __V> {
                _rt::Built::new(self, values)
            }

            #[doc = #create_doc]
            pub fn #create_fn<__C, __V>(&self, conn: &mut __C, values: __V) -> ::core::result::Result<#target, _rt::Error>
            where
                #writes
                #marker: _rt::Insert<__C, __V>,
            {
                _rt::replace::create::<#marker, __C, __V>(self, values, conn)
            }

            #[doc = #set_doc]
            pub fn #set_fn<__C>(&self, conn: &mut __C, target: ::core::option::Option<&#target>) -> ::core::result::Result<(), _rt::Error>
            where
                #writes
            {
                _rt::replace::set::<#marker, __C>(self, target, conn)
            }

            #[doc = #preload_doc]
            pub fn #preload_fn<__C>(owners: &[Self], conn: &mut __C) -> diesel::QueryResult<::std::vec::Vec<::core::option::Option<#target>>>
            where
                __C: _rt::Conn,
                #marker: _rt::Statements<__C>,
            {
                _rt::preload::preload::<#marker, __C>(owners, conn)
            }
        }
    }
}
