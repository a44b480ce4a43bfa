//! One `#[has_one(…)]`: its marker type (`HasOne` + `Statements` + `Insert`, the typed
//! statements the runtime's transactions drive) and the owner's methods.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote, quote_spanned};

use crate::ast::{Association, Model};
use crate::names;

use super::link::Link;

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
    let link = Link::new(m, a, &fk, key_ty);
    let Link {
        aliases: link_aliases,
        linked_ty,
        linked: linked_v,
        set_ty,
        set,
        unset_ty,
        unset,
        any_ty,
        any,
        join_ty,
        join,
        outer_ty,
        outer,
        nullable,
        ..
    } = &link;
    let base = format_ident!("__{}_Base", name);
    let first_of = format_ident!("__{}_FirstOf", name);
    let join_on = format_ident!("__{}_JoinOn", name);
    let linked_fn = format_ident!("__{}_linked", name);
    let ordered_fn = format_ident!("__{}_ordered", name);
    let base_fn = format_ident!("__{}_base", name);
    let query_fn = format_ident!("{}_query", name);
    let build_fn = format_ident!("build_{}", name);
    let create_fn = format_ident!("create_{}", name);
    let set_fn = format_ident!("set_{}", name);
    let preload_fn = format_ident!("preload_{}", name);
    let eager_fn = format_ident!("eager_load_{}", name);
    let checks = super::checks::expand(m, a);
    let fk_alias = quote_spanned! {a.foreign_key.span()=>
        type #fk = <#target as _rt::__private::Column<#fk_name>>::Column;
    };
    let col = |c: &Ident| quote!(<#c as ::core::default::Default>::default());
    let (fk_v, pk_v) = (col(&fk), col(&pk));
    let target_table = quote!(<#target as diesel::associations::HasTable>::table());
    let key_of_owner = quote!(<#marker as _rt::HasOne>::owner_key(owner));

    // The query every statement starts from: the table, or the scope's refinement of it.
    let (base_ty, base_fn_body, static_base) = match &a.scope {
        None => (
            quote!(#table),
            target_table.clone(),
            Some(target_table.clone()),
        ),
        Some(scope) => {
            let path = &scope.path;
            let span = path
                .segments
                .last()
                .map_or_else(|| a.name.span(), |s| s.ident.span());
            let call = if scope.takes_owner {
                quote_spanned!(span=> #path(<#target as diesel::associations::HasTable>::table(), owner))
            } else {
                quote_spanned!(span=> #path(<#target as diesel::associations::HasTable>::table()))
            };
            let static_call = (!scope.takes_owner).then(|| call.clone());
            (quote_spanned!(span=> #path), call, static_call)
        }
    };
    // With a scope, replace and destroy act on the first row only (Rails' loaded target).
    let first_only = a.scope.as_ref().map(|_| quote!(.limit(1)));
    let by_keys =
        quote!(diesel::dsl::Filter<#table, diesel::dsl::EqAny<#pk, ::std::vec::Vec<#target_key>>>);
    let (removal_ty, removal) = match &a.scope {
        None => (quote!(#linked), quote!(#linked_fn(owner))),
        Some(_) => (
            by_keys.clone(),
            quote!(#target_table.filter(#pk_v.eq_any(<Self as _rt::Statements<__C>>::linked_keys(owner, conn)?))),
        ),
    };

    // Rows a write acts on are read with a locking read, and removed by key AND link, so a
    // row moved to another owner meanwhile is never touched.
    let locked = |q: TokenStream| quote!(_rt::lock::Locked<#q>);
    let keys_linked = quote!(diesel::dsl::Filter<#by_keys, #linked_ty>);
    let load = |query: TokenStream, out: TokenStream| quote!(for<'__q> #query: diesel::query_dsl::LoadQuery<'__q, __C, #out>);
    let execute = |query: TokenStream| quote!(#query: diesel::query_dsl::methods::ExecuteDsl<__C>);
    let as_select = quote!(diesel::dsl::AsSelect<#target, <__C as _rt::Conn>::DB>);
    let first_only_ty = |q: TokenStream| match &a.scope {
        None => q,
        Some(_) => quote!(diesel::dsl::Limit<#q>),
    };
    let (created_ty, created) = match &a.scope {
        None => (
            quote!(diesel::dsl::Limit<diesel::dsl::Select<#ordered, #as_select>>),
            quote!(<Self as _rt::Statements<__C>>::first(owner, conn)),
        ),
        Some(_) => (
            quote!(diesel::dsl::Limit<diesel::dsl::Select<
                diesel::dsl::Order<diesel::dsl::Filter<#table, #linked_ty>, diesel::dsl::Desc<#pk>>,
                #as_select,
            >>),
            quote!({
                let key = &#key_of_owner;
                #target_table
                    .filter(#linked_v)
                    .order(#pk_v.desc())
                    .select(<#target>::as_select())
                    .limit(1)
                    .get_result(conn)
                    .optional()
            }),
        ),
    };
    let bounds = [
        load(
            quote!(diesel::dsl::Limit<diesel::dsl::Select<#ordered, #as_select>>),
            quote!(#target),
        ),
        load(created_ty, quote!(#target)),
        load(
            locked(first_only_ty(
                quote!(diesel::dsl::Select<#ordered, #as_select>),
            )),
            quote!(#target),
        ),
        load(
            locked(first_only_ty(quote!(diesel::dsl::Select<#ordered, #pk>))),
            quote!(#target_key),
        ),
        load(
            locked(
                quote!(diesel::dsl::Select<diesel::dsl::Filter<#table, diesel::dsl::Eq<#pk, #target_key>>, #pk>),
            ),
            quote!(#target_key),
        ),
        execute(quote!(diesel::dsl::delete<#keys_linked>)),
        execute(quote!(diesel::dsl::Update<#keys_linked, #unset_ty>)),
        execute(quote!(diesel::dsl::Update<
            diesel::dsl::Filter<#table, diesel::dsl::Eq<#pk, #target_key>>,
            #set_ty,
        >)),
    ];
    let preload_bound = load(
        quote!(diesel::dsl::Select<
            diesel::dsl::ThenOrderBy<diesel::dsl::Filter<#base_ty, #any_ty>, diesel::dsl::Asc<#pk>>,
            (diesel::dsl::Nullable<#fk>, #as_select),
        >),
        quote!((::core::option::Option<#key_ty>, #target)),
    );
    let writes = quote! {
        __C: _rt::Conn,
        #marker: _rt::Statements<__C> + _rt::autosave::AutosaveOptions,
        #owner: _rt::Persist<__C>,
        #target: _rt::Persist<__C>,
    };
    let eager_rhs = quote!(diesel::dsl::On<#table, #join_on>);
    let eager_select = quote!((
        diesel::dsl::AsSelect<#owner, __DB>,
        diesel::dsl::AsSelect<::core::option::Option<#target>, __DB>,
    ));

    let foreign_type_name = match &a.polymorphic {
        Some(p) => {
            let n = names::type_name(&p.foreign_type.to_string(), p.foreign_type.span());
            quote!(::core::option::Option::Some(<<#target as _rt::__private::Column<#n>>::Column as diesel::Column>::NAME))
        }
        None => quote!(::core::option::Option::None),
    };
    let scoped = a.scope.is_some();
    let autosave = match a.autosave {
        None => quote!(::core::option::Option::None),
        Some(b) => quote!(::core::option::Option::Some(#b)),
    };
    let required = a.required;
    let validation = if a.validate || a.autosave == Some(true) {
        format_ident!("Validated")
    } else {
        format_ident!("NotValidated")
    };
    let save_with_fn = format_ident!("save_with_{}", name);
    let insert_with_fn = format_ident!("insert_with_{}", name);
    let save_doc = format!("Saves this owner with its `{name}` in one transaction: say what to write with `.update_owner(changes)`, `.new_row(values)`, `.update_row(&row, changes)`, `.destroy_row(&row)`, then `.save(conn)`; `autosave`, `validate` and `required` decide what is validated and written (see `diesel_has_one::autosave`). Rails: `owner.save` with `autosave`.");
    let insert_doc = format!("Inserts an owner from `values` together with its `{name}` (`.new_row(values)`), in one transaction; see `save_with_{name}`. Needs an auto-increment integer primary key.");
    let (touch_bound, touch_body) = match &a.touch {
        None => (
            None,
            quote!(let _ = (owner, conn); ::core::result::Result::Ok(0)),
        ),
        Some(column) => {
            let n = names::type_name(&column.to_string(), column.span());
            let col =
                quote_spanned!(column.span()=> <#target as _rt::__private::Column<#n>>::Column);
            (
                Some(quote_spanned! {column.span()=>
                    diesel::dsl::Update<#removal_ty, diesel::dsl::Eq<#col, _rt::__private::TouchNow>>:
                        diesel::query_dsl::methods::ExecuteDsl<__C>
                }),
                quote! {
                    diesel::update(#removal)
                        .set(<#col as ::core::default::Default>::default().eq(_rt::__private::TouchNow))
                        .execute(conn)
                },
            )
        }
    };
    // With a scope the touched row is found by its key, which `Statements` reads.
    let touch_needs_statements = a
        .scope
        .as_ref()
        .map(|_| quote!(Self: _rt::Statements<__C>,));
    let destroy_async = matches!(a.dependent, Some((crate::ast::Dependent::DestroyAsync, _)))
        .then(|| {
            let job_name = format!("{owner}.{name}");
            let owner_allows = match &a.ensuring_owner_was {
                None => (quote!(), quote!(::core::result::Result::Ok(true))),
                Some(method) => (
                    load(
                        quote!(diesel::dsl::Limit<diesel::dsl::Select<
                            diesel::dsl::Filter<#owner_table::table, diesel::dsl::Eq<#owner_table::#key_column, #key_ty>>,
                            diesel::dsl::AsSelect<#owner, <__C as _rt::Conn>::DB>,
                        >>),
                        quote!(#owner),
                    ),
                    quote_spanned! {method.span()=>
                        let owner = #owner_table::table
                            .filter(#owner_table::#key_column.eq(::core::clone::Clone::clone(key)))
                            .select(<#owner>::as_select())
                            .limit(1)
                            .get_result::<#owner>(conn)
                            .optional()?;
                        ::core::result::Result::Ok(owner.map_or(true, |owner| owner.#method()))
                    },
                ),
            };
            let (owner_bound, owner_body) = owner_allows;
            let targets_bound = load(
                locked(quote!(diesel::dsl::Select<#keys_linked, #as_select>)),
                quote!(#target),
            );
            let owner_bound = (!owner_bound.is_empty()).then_some(owner_bound);
            quote! {
                #[automatically_derived]
                impl<__C> _rt::jobs::AsyncDestroy<__C> for #marker
                where
                    __C: _rt::Conn,
                    #targets_bound,
                    #owner_bound
                {
                    fn load_targets(
                        key: &#key_ty,
                        keys: ::std::vec::Vec<#target_key>,
                        conn: &mut __C,
                    ) -> diesel::QueryResult<::std::vec::Vec<#target>> {
                        _rt::lock::Locked::new(
                            #target_table.filter(#pk_v.eq_any(keys)).filter(#linked_v).select(<#target>::as_select()),
                        )
                        .load(conn)
                    }

                    fn owner_allows(key: &#key_ty, conn: &mut __C) -> diesel::QueryResult<bool> {
                        let _ = (&key, &conn);
                        #owner_body
                    }
                }

                _rt::__register_destroy_async!(#marker, #job_name);
            }
        });
    // A plain has_one can be the `source` of another model's `through` chain.
    let source = (a.polymorphic.is_none()
        && a.scope.is_none()
        && !m.belongs_to.iter().any(|b| *name == b.name()))
    .then(|| {
        let n = names::type_name(&name_str, name.span());
        quote! {
            #[automatically_derived]
            impl _rt::through::Source<#n> for #owner {
                type Target = #target;
                type Out = #owner_table::#key_column;
                type Kind = _rt::through::HasOneSource<#fk, #key_ty>;
            }
        }
    });
    // The values must leave the link columns to the association.
    let link_columns: Vec<Ident> = std::iter::once(fk.clone())
        .chain(
            a.polymorphic
                .as_ref()
                .map(|_| format_ident!("__{}_ForeignType", name)),
        )
        .collect();
    let omits = quote!(__V: _rt::__private::OmitsLinks<#marker>,);
    let docs = Docs::new(owner, a);
    let Docs {
        query: query_doc,
        build: build_doc,
        create: create_doc,
        set: set_doc,
        preload: preload_doc,
        eager: eager_doc,
        ..
    } = &docs;
    let reader = match a.strict_loading {
        None => {
            let doc = &docs.reader;
            quote! {
                #[doc = #doc]
                pub fn #name<__C>(&self, conn: &mut __C) -> diesel::QueryResult<::core::option::Option<#target>>
                where
                    __C: _rt::Conn,
                    #marker: _rt::Statements<__C>,
                {
                    <#marker as _rt::Statements<__C>>::first(self, conn)
                }
            }
        }
        Some(span) => {
            let doc = &docs.strict;
            quote_spanned! {span=>
                #[doc = #doc]
                pub fn #name<__C>(&self, conn: &mut __C) -> diesel::QueryResult<::core::option::Option<#target>>
                where
                    __C: _rt::__private::StrictLoading<#marker>,
                {
                    <__C as _rt::__private::StrictLoading<#marker>>::lazy_read(conn, self)
                }
            }
        }
    };

    // Preload and eager load need a scope that does not take the owner.
    let many = match static_base {
        Some(static_base) => quote! {
            type #first_of = diesel::dsl::Limit<
                diesel::dsl::ThenOrderBy<diesel::dsl::Select<diesel::dsl::Filter<#base_ty, #outer_ty>, #pk>, diesel::dsl::Asc<#pk>>,
            >;
            type #join_on = diesel::dsl::And<
                #join_ty,
                diesel::dsl::Eq<
                    diesel::dsl::Nullable<#pk>,
                    _rt::subquery::Correlated<#first_of, diesel::sql_types::Nullable<<#pk as diesel::Expression>::SqlType>>,
                >,
            >;

            #[automatically_derived]
            impl<__C> _rt::Preload<__C> for #marker
            where
                __C: _rt::Conn,
                #preload_bound,
            {
                fn preload(
                    keys: ::std::vec::Vec<#key_ty>,
                    conn: &mut __C,
                ) -> diesel::QueryResult<::std::vec::Vec<(::core::option::Option<#key_ty>, #target)>> {
                    #static_base
                        .filter(#any)
                        .then_order_by(#pk_v.asc())
                        .select((#fk_v.nullable(), <#target>::as_select()))
                        .load(conn)
                }
            }

            #[automatically_derived]
            impl #owner {
                #[doc = #preload_doc]
                pub fn #preload_fn<__C>(owners: &[Self], conn: &mut __C) -> diesel::QueryResult<::std::vec::Vec<::core::option::Option<#target>>>
                where
                    __C: _rt::Conn,
                    #marker: _rt::Preload<__C>,
                {
                    _rt::preload::preload::<#marker, __C>(owners, conn)
                }

                #[doc = #eager_doc]
                pub fn #eager_fn<__Q, __DB>(query: __Q) -> <__Q as _rt::__private::EagerLoad<#eager_rhs, #eager_select>>::Output
                where
                    __DB: diesel::backend::Backend,
                    __Q: _rt::__private::EagerLoad<#eager_rhs, #eager_select>,
                    #owner: diesel::Selectable<__DB>,
                    ::core::option::Option<#target>: diesel::Selectable<__DB>,
                {
                    let first = #static_base
                        .filter(#outer)
                        .select(#pk_v)
                        .then_order_by(#pk_v.asc())
                        .limit(1);
                    let on = #join.and(#pk_v.nullable().eq(_rt::subquery::Correlated::new(first)));
                    _rt::__private::EagerLoad::eager_load(
                        query,
                        diesel::JoinOnDsl::on(#target_table, on),
                        (
                            <#owner as diesel::SelectableHelper<__DB>>::as_select(),
                            <::core::option::Option<#target> as diesel::SelectableHelper<__DB>>::as_select(),
                        ),
                    )
                }
            }
        },
        None => quote! {
            #[automatically_derived]
            impl #owner {
                #[doc = #preload_doc]
                pub fn #preload_fn<__C>(owners: &[Self], conn: &mut __C) -> diesel::QueryResult<::std::vec::Vec<::core::option::Option<#target>>>
                where
                    __C: _rt::scope::InstanceDependentScope<#marker>,
                {
                    <__C as _rt::scope::InstanceDependentScope<#marker>>::unavailable()
                }

                #[doc = #eager_doc]
                pub fn #eager_fn<__Q>(query: __Q) -> __Q
                where
                    __Q: _rt::scope::InstanceDependentScope<#marker>,
                {
                    <__Q as _rt::scope::InstanceDependentScope<#marker>>::unavailable()
                }
            }
        },
    };

    quote! {
        type #table = <#target as diesel::associations::HasTable>::Table;
        #fk_alias
        #link_aliases
        type #pk = <#target as _rt::Model>::PrimaryKey;
        type #target_key = <#target as _rt::Model>::Key;
        type #base = #base_ty;
        type #linked = diesel::dsl::Filter<#base, #linked_ty>;
        type #ordered = diesel::dsl::ThenOrderBy<#linked, diesel::dsl::Asc<#pk>>;

        #checks

        fn #base_fn(owner: &#owner) -> #base {
            let _ = owner;
            #base_fn_body
        }

        fn #linked_fn(owner: &#owner) -> #linked {
            let key = &#key_of_owner;
            #base_fn(owner).filter(#linked_v)
        }

        fn #ordered_fn(owner: &#owner) -> #ordered {
            #linked_fn(owner).then_order_by(#pk_v.asc())
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
            const FOREIGN_KEY_NULLABLE: bool = #nullable;
            const FOREIGN_KEY: &'static str = <#fk as diesel::Column>::NAME;
            const OWNER_KEY: &'static str = <#owner_table::#key_column as diesel::Column>::NAME;
            const FOREIGN_TYPE: ::core::option::Option<&'static str> = #foreign_type_name;
            const SCOPED: bool = #scoped;
            type LinkColumns = (#(#link_columns,)*);

            #[inline]
            fn owner_key(owner: &#owner) -> #key_ty {
                ::core::clone::Clone::clone(&owner.#key_ident)
            }
        }

        #source

        _rt::__private::inventory::submit! {
            _rt::__private::Registered(_rt::__private::describe::<#marker>)
        }

        #[automatically_derived]
        impl<__C> _rt::Statements<__C> for #marker
        where
            __C: _rt::Conn,
            #(#bounds,)*
        {

            fn first(owner: &#owner, conn: &mut __C) -> diesel::QueryResult<::core::option::Option<#target>> {
                #ordered_fn(owner).select(<#target>::as_select()).limit(1).get_result(conn).optional()
            }

            fn created(owner: &#owner, conn: &mut __C) -> diesel::QueryResult<::core::option::Option<#target>> {
                #created
            }

            fn load_linked(owner: &#owner, conn: &mut __C) -> diesel::QueryResult<::std::vec::Vec<#target>> {
                _rt::lock::Locked::new(#ordered_fn(owner).select(<#target>::as_select()) #first_only).load(conn)
            }

            fn linked_keys(owner: &#owner, conn: &mut __C) -> diesel::QueryResult<::std::vec::Vec<#target_key>> {
                _rt::lock::Locked::new(#ordered_fn(owner).select(#pk_v) #first_only).load(conn)
            }

            fn delete_keys(owner: &#owner, keys: ::std::vec::Vec<#target_key>, conn: &mut __C) -> diesel::QueryResult<usize> {
                let key = &#key_of_owner;
                diesel::delete(#target_table.filter(#pk_v.eq_any(keys)).filter(#linked_v)).execute(conn)
            }

            fn unlink_keys(owner: &#owner, keys: ::std::vec::Vec<#target_key>, conn: &mut __C) -> diesel::QueryResult<usize> {
                let key = &#key_of_owner;
                diesel::update(#target_table.filter(#pk_v.eq_any(keys)).filter(#linked_v)).set(#unset).execute(conn)
            }

            fn lock_target(target: &#target_key, conn: &mut __C) -> diesel::QueryResult<bool> {
                let found: ::std::vec::Vec<#target_key> = _rt::lock::Locked::new(
                    #target_table.filter(#pk_v.eq(::core::clone::Clone::clone(target))).select(#pk_v),
                )
                .load(conn)?;
                ::core::result::Result::Ok(!found.is_empty())
            }

            fn link(owner: &#owner, target: &#target_key, conn: &mut __C) -> diesel::QueryResult<usize> {
                let key = &#key_of_owner;
                diesel::update(#target_table.filter(#pk_v.eq(::core::clone::Clone::clone(target))))
                    .set(#set)
                    .execute(conn)
            }
        }

        #[automatically_derived]
        impl<__C> _rt::Touch<__C> for #marker
        where
            __C: _rt::Conn,
            #touch_needs_statements
            #touch_bound
        {
            fn touch(owner: &#owner, conn: &mut __C) -> diesel::QueryResult<usize> {
                #touch_body
            }
        }

        #[automatically_derived]
        impl<__C, __V> _rt::Insert<__C, __V> for #marker
        where
            __C: _rt::Conn,
            Self: _rt::Statements<__C>,
            __V: _rt::__private::InsertWithKey<__C, #table, #set_ty, #target>,
        {
            fn insert(owner: &#owner, values: __V, conn: &mut __C) -> diesel::QueryResult<::core::option::Option<#target>> {
                let key = &#key_of_owner;
                _rt::__private::InsertWithKey::insert_with_key(values, #target_table, #set, conn)
            }
        }

        #many

        #destroy_async

        #[automatically_derived]
        impl _rt::autosave::AutosaveOptions for #marker {
            const AUTOSAVE: ::core::option::Option<bool> = #autosave;
            const REQUIRED: bool = #required;
            type Validation = _rt::autosave::#validation;
        }

        #[automatically_derived]
        impl #owner {
            #reader

            #[doc = #query_doc]
            pub fn #query_fn(&self) -> #ordered {
                #ordered_fn(self)
            }

            #[doc = #build_doc]
            pub fn #build_fn<__V>(&self, values: __V) -> _rt::Built<'_, #marker, __V>
            where
                #omits
            {
                _rt::Built::new(self, values)
            }

            #[doc = #create_doc]
            pub fn #create_fn<__C, __V>(&self, conn: &mut __C, values: __V) -> ::core::result::Result<#target, _rt::Error>
            where
                #writes
                #omits
                #marker: _rt::Insert<__C, __V>,
                <#marker as _rt::autosave::AutosaveOptions>::Validation: _rt::autosave::ValidateWith<__V>,
            {
                _rt::replace::create::<#marker, __C, __V>(self, values, conn)
            }

            #[doc = #set_doc]
            pub fn #set_fn<__C>(&self, conn: &mut __C, target: ::core::option::Option<&#target>) -> ::core::result::Result<(), _rt::Error>
            where
                #writes
                #marker: _rt::replace::ValidatesTarget<__C>,
            {
                _rt::replace::set::<#marker, __C>(self, target, conn)
            }

            #[doc = #save_doc]
            pub fn #save_with_fn(&self) -> _rt::autosave::Save<#marker, _rt::autosave::KeepOwner<'_, Self>, _rt::autosave::KeepRow> {
                _rt::autosave::Save::keep(self)
            }

            #[doc = #insert_doc]
            pub fn #insert_with_fn<__I>(values: __I) -> _rt::autosave::Save<#marker, _rt::autosave::InsertOwner<__I>, _rt::autosave::KeepRow> {
                _rt::autosave::Save::insert(values)
            }
        }
    }
}

/// The rustdoc of the generated methods, naming the association and its Rails counterpart.
pub struct Docs {
    pub reader: String,
    pub strict: String,
    pub query: String,
    pub build: String,
    pub create: String,
    pub set: String,
    pub preload: String,
    pub eager: String,
}

impl Docs {
    pub fn new(owner: &Ident, a: &Association) -> Docs {
        let name = &a.name;
        let owner_snake = names::snake(owner);
        Docs {
            reader: format!("The associated row: the linked row with the lowest primary key (one `SELECT … LIMIT 1`). Rails: `{owner_snake}.{name}`."),
            strict: format!("Not available: `{name}` is declared with `strict_loading`. Calling it is a compile error; load it with `{owner}::preload_{name}` or `{owner}::eager_load_{name}`."),
            query: format!("The typed Diesel query of the `{name}` association (linked rows by primary key), to refine with `.select`, `.filter`, …."),
            build: format!("An unsaved `{name}` made of `values`: writes nothing until `.save(conn)` runs the replace transaction. Rails: `build_{name}` (which already unlinks the old row; here it does not)."),
            create: format!("Replaces the `{name}` by a new row made of `values` (without the foreign key). Validates `values` first when the association declares `validate` or `autosave` (`Error::Invalid`, nothing written); then, in one transaction: lock the owner row, remove the old row per `dependent`, insert. Any error leaves the database as it was. Rails: `create_{name}` / `create_{name}!`."),
            set: format!("Links an existing row as the `{name}` (`Some`), or removes the current one (`None`), removing the old row per `dependent`, in one transaction. Validates the row first with `validate`/`autosave`, and `None` is `Error::Invalid` with `required`; nothing is written then. Rails: `{name} = record` / `{name} = nil`."),
            preload: format!("The `{name}` of each owner, aligned with `owners`, in one query whatever their number. Rails: `includes(:{name})` / `preload(:{name})`."),
            eager: format!("`query` (any owner query: `{owner_snake}s::table.filter(…).order(…)`) `LEFT JOIN`ed with the `{name}`, selecting `({owner}, Option<Target>)`: one query. When several rows match one owner, the one with the lowest primary key is joined, as by the reader and preload. Needs `allow_tables_to_appear_in_same_query!` for both tables. Rails: `eager_load(:{name})`."),
        }
    }
}
