//! `has_one … through`: the chain of hops from the owner to the target, and the reader,
//! query, preload, eager load and writer built on it.
//!
//! Each hop is a table whose column `In` matches values of the previous table's column
//! `Out` (the first hop matches a value of the owner). Reading is one query of nested
//! subselects (`target.in IN (SELECT j.out FROM j WHERE j.in = ?)`), or one query per hop
//! with `disable_joins`; preload is one query per hop; eager load is one `LEFT JOIN` whose
//! row is picked by a correlated subquery.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote, quote_spanned};

use crate::ast::{Association, Model};
use crate::names;

use super::docs::Docs;

/// One table of the chain.
struct Hop {
    /// The model of the table.
    model: TokenStream,
    /// The column matched.
    input: TokenStream,
    /// The Rust type of the matched values.
    value: TokenStream,
    /// The previous table's column whose values are matched (the owner's, for the first hop).
    out_prev: Option<TokenStream>,
    /// `source_type`: the previous table's type column and the type string.
    type_filter: Option<(TokenStream, syn::LitStr)>,
}

impl Hop {
    fn table(&self) -> TokenStream {
        let model = &self.model;
        quote!(<#model as diesel::associations::HasTable>::Table)
    }

    fn pk(&self) -> TokenStream {
        let model = &self.model;
        quote!(<#model as _rt::Model>::PrimaryKey)
    }
}

/// How the chain leaves the owner.
enum First {
    /// Through one of the owner's plain `has_one`s (its marker).
    HasOne(TokenStream),
    /// Through one of the owner's `belongs_to`s.
    BelongsTo,
}

struct Chain {
    /// The owner's value the first hop matches (an expression over `owner`).
    start: TokenStream,
    /// The owner's column holding it (for the eager load's correlated subquery).
    start_column: TokenStream,
    hops: Vec<Hop>,
    first: First,
}

fn chain(m: &Model, a: &Association) -> Chain {
    let t = a.through.as_ref().expect("a through association");
    let owner_table = &m.table;
    let mut chain = if let Some(b) = m.associations.iter().find(|b| b.name == t.via) {
        if b.through.is_some() {
            chain(m, b)
        } else {
            let key_column = b.primary_key.as_ref().unwrap_or(&m.primary_key[0]);
            let key = m.field_of(key_column).expect("validated");
            let (key_ident, key_ty) = (&key.ident, &key.ty);
            let target = &b.target;
            let fk_name = names::type_name(&b.foreign_key.to_string(), b.foreign_key.span());
            Chain {
                start: quote!(::core::clone::Clone::clone(&owner.#key_ident)),
                start_column: quote!(#owner_table::#key_column),
                hops: vec![Hop {
                    model: quote!(#target),
                    input: quote!(<#target as _rt::Column<#fk_name>>::Column),
                    value: quote!(#key_ty),
                    out_prev: None,
                    type_filter: None,
                }],
                first: First::HasOne(super::association::marker_of(&b.name)),
            }
        }
    } else {
        let b = m
            .belongs_to
            .iter()
            .find(|b| t.via == b.name())
            .expect("validated: `through` names a belongs_to");
        let fk = &b.foreign_key;
        let field = m
            .field_of(fk)
            .map(|f| f.ident.clone())
            .unwrap_or_else(|| fk.clone());
        let parent = &b.parent;
        Chain {
            start: quote!(::core::clone::Clone::clone(&owner.#field)),
            start_column: quote!(#owner_table::#fk),
            hops: vec![Hop {
                model: quote!(#parent),
                input: quote!(<#parent as _rt::Model>::PrimaryKey),
                value: quote!(<#parent as _rt::Model>::Key),
                out_prev: None,
                type_filter: None,
            }],
            first: First::BelongsTo,
        }
    };
    let join = chain.hops.last().expect("a chain has a hop").model.clone();
    let n = names::type_name(&t.source.to_string(), t.source.span());
    let source = quote_spanned!(t.source.span()=> <#join as _rt::Source<#n>>);
    let target = quote!(#source::Target);
    let kind = quote!(<#source::Kind as _rt::SourceKind<#target>>);
    chain.hops.push(Hop {
        model: target.clone(),
        input: quote!(#kind::In),
        value: quote!(#kind::Value),
        out_prev: Some(quote!(#source::Out)),
        type_filter: t.source_type.as_ref().map(|lit| {
            let n = names::type_name(&t.source.to_string(), lit.span());
            (
                quote_spanned!(lit.span()=> <#join as _rt::PolymorphicSource<#n>>::TypeColumn),
                lit.clone(),
            )
        }),
    });
    chain
}

/// Type and expression of a hop's query, given the previous hop's (or the start).
struct Query {
    ty: TokenStream,
    expr: TokenStream,
}

/// The nested-subselect query of the whole chain; `start` decides how the first hop is
/// matched (a value of the owner, or the owner's column in an enclosing query).
fn nested(chain: &Chain, start_ty: TokenStream, start_expr: TokenStream) -> Query {
    let mut query: Option<Query> = None;
    for hop in &chain.hops {
        let (table, input) = (hop.table(), &hop.input);
        let model = &hop.model;
        let table_v = quote!(<#model as diesel::associations::HasTable>::table());
        let input_v = quote!(<#input as ::core::default::Default>::default());
        query = Some(match (query, &hop.out_prev) {
            (None, _) => Query {
                ty: quote!(diesel::dsl::Filter<#table, #start_ty>),
                expr: {
                    let s = start_expr.clone();
                    quote!(#table_v.filter(#s))
                },
            },
            (Some(prev), Some(out)) => {
                let prev = type_filtered(prev, hop);
                let out_v = quote!(<#out as ::core::default::Default>::default());
                let (pty, pexpr) = (&prev.ty, &prev.expr);
                Query {
                    ty: quote!(diesel::dsl::Filter<
                        #table,
                        diesel::dsl::EqAny<
                            diesel::dsl::Nullable<#input>,
                            diesel::dsl::Select<#pty, diesel::dsl::Nullable<#out>>,
                        >,
                    >),
                    expr: quote!(#table_v.filter(#input_v.nullable().eq_any(#pexpr.select(#out_v.nullable())))),
                }
            }
            (Some(_), None) => unreachable!("every hop after the first has a source"),
        });
    }
    query.expect("a chain has a hop")
}

/// `source_type`: the previous table's rows of one type only.
fn type_filtered(prev: Query, hop: &Hop) -> Query {
    match &hop.type_filter {
        None => prev,
        Some((column, lit)) => {
            let (ty, expr) = (&prev.ty, &prev.expr);
            Query {
                ty: quote!(diesel::dsl::Filter<#ty, diesel::dsl::Eq<#column, &'static str>>),
                expr: quote!(#expr.filter(<#column as ::core::default::Default>::default().eq(#lit))),
            }
        }
    }
}

/// Everything generated for one `through` association.
pub fn expand(m: &Model, a: &Association) -> TokenStream {
    let t = a.through.as_ref().expect("a through association");
    let owner = &m.ident;
    let name = &a.name;
    let chain = chain(m, a);
    let last = chain.hops.last().expect("a chain has a hop");
    let target = &last.model;
    let first = &chain.hops[0];
    let (first_input, first_value) = (&first.input, &first.value);
    let pk = last.pk();
    let pk_v = quote!(<#pk as ::core::default::Default>::default());
    let start = &chain.start;
    let start_column = &chain.start_column;

    let ordered = format_ident!("__{}_Ordered", name);
    let first_of = format_ident!("__{}_FirstOf", name);
    let join_on = format_ident!("__{}_JoinOn", name);
    let ordered_fn = format_ident!("__{}_ordered", name);
    let query_fn = format_ident!("{}_query", name);
    let set_fn = format_ident!("set_{}", name);
    let preload_fn = format_ident!("preload_{}", name);
    let eager_fn = format_ident!("eager_load_{}", name);
    let marker = super::association::marker_of(name);

    // The reader's query: nested subselects from the owner's value.
    let reading = nested(
        &chain,
        quote!(diesel::dsl::Eq<diesel::dsl::Nullable<#first_input>, _rt::StartValue<#first_value>>),
        quote!(<#first_input as ::core::default::Default>::default().nullable().eq(_rt::start_value::<#first_value, _>(&#start))),
    );
    let (reading_ty, reading_expr) = (&reading.ty, &reading.expr);
    // The eager load's correlated subquery: the first hop matches the owner's column.
    let correlated = nested(
        &chain,
        quote!(_rt::OuterEq<#first_input, #start_column>),
        quote!(_rt::OuterEq::new(<#first_input as ::core::default::Default>::default(), #start_column)),
    );
    let (correlated_ty, correlated_expr) = (&correlated.ty, &correlated.expr);

    let docs = Docs::new(m, a);
    let deprecated = super::methods::deprecated(a);
    let reader = reader(a, &chain, &docs, target, &ordered_fn, &marker);
    let preload = preload(&chain, target, &preload_fn, &docs.preload, start);
    let preload = quote!(#deprecated #preload);
    let writer = writer(m, a, &chain, target, &set_fn);
    let writer = quote!(#deprecated #writer);
    let reader = quote!(#deprecated #reader);
    let eager_rhs =
        quote!(diesel::dsl::On<<#target as diesel::associations::HasTable>::Table, #join_on>);
    let eager_select = quote!((
        diesel::dsl::AsSelect<#owner, __DB>,
        diesel::dsl::AsSelect<::core::option::Option<#target>, __DB>,
    ));
    let query_doc = &docs.query;
    let eager_doc = &docs.eager;
    let _ = t;

    quote! {
        type #ordered = diesel::dsl::ThenOrderBy<#reading_ty, diesel::dsl::Asc<#pk>>;
        type #first_of = diesel::dsl::Limit<diesel::dsl::ThenOrderBy<diesel::dsl::Select<#correlated_ty, #pk>, diesel::dsl::Asc<#pk>>>;
        type #join_on = diesel::dsl::Eq<
            diesel::dsl::Nullable<#pk>,
            _rt::Correlated<#first_of, diesel::sql_types::Nullable<<#pk as diesel::Expression>::SqlType>>,
        >;

        fn #ordered_fn(owner: &#owner) -> #ordered {
            #reading_expr.then_order_by(#pk_v.asc())
        }

        #[automatically_derived]
        impl #owner {
            #reader

            #[doc = #query_doc]
            #deprecated
            pub fn #query_fn(&self) -> #ordered {
                #ordered_fn(self)
            }

            #preload

            #writer

            #[doc = #eager_doc]
            #deprecated
            pub fn #eager_fn<__Q, __DB>(query: __Q) -> <__Q as _rt::EagerLoad<#eager_rhs, #eager_select>>::Output
            where
                __DB: diesel::backend::Backend,
                __Q: _rt::EagerLoad<#eager_rhs, #eager_select>,
                #owner: diesel::Selectable<__DB>,
                ::core::option::Option<#target>: diesel::Selectable<__DB>,
            {
                let first = #correlated_expr.select(#pk_v).then_order_by(#pk_v.asc()).limit(1);
                let on = #pk_v.nullable().eq(_rt::Correlated::new(first));
                _rt::EagerLoad::eager_load(
                    query,
                    diesel::JoinOnDsl::on(<#target as diesel::associations::HasTable>::table(), on),
                    (
                        <#owner as diesel::SelectableHelper<__DB>>::as_select(),
                        <::core::option::Option<#target> as diesel::SelectableHelper<__DB>>::as_select(),
                    ),
                )
            }
        }
    }
}

/// The reader: one query, or one per hop with `disable_joins`.
fn reader(
    a: &Association,
    chain: &Chain,
    docs: &Docs,
    target: &TokenStream,
    ordered_fn: &Ident,
    marker: &TokenStream,
) -> TokenStream {
    let name = &a.name;
    let t = a.through.as_ref().expect("a through association");
    let load = |query: TokenStream, out: TokenStream| quote!(for<'__q> #query: diesel::query_dsl::LoadQuery<'__q, __C, #out>);
    let as_select = quote!(diesel::dsl::AsSelect<#target, <__C as _rt::Conn>::DB>);
    let pk = chain.hops.last().expect("a chain has a hop").pk();
    if let Some(span) = a.strict_loading {
        let doc = &docs.strict;
        return quote_spanned! {span=>
            #[doc = #doc]
            pub fn #name<__C>(&self, conn: &mut __C) -> diesel::QueryResult<::core::option::Option<#target>>
            where
                __C: _rt::StrictLoading<#marker>,
            {
                <__C as _rt::StrictLoading<#marker>>::lazy_read(conn, self)
            }
        };
    }
    let doc = &docs.reader;
    if !t.disable_joins {
        let ordered = format_ident!("__{}_Ordered", name);
        let bound = load(
            quote!(diesel::dsl::Limit<diesel::dsl::Select<#ordered, #as_select>>),
            quote!(#target),
        );
        return quote! {
            #[doc = #doc]
            pub fn #name<__C>(&self, conn: &mut __C) -> diesel::QueryResult<::core::option::Option<#target>>
            where
                __C: _rt::Conn,
                #bound,
            {
                #ordered_fn(self).select(<#target>::as_select()).limit(1).get_result(conn).optional()
            }
        };
    }
    // disable_joins: one query per hop, each feeding the next its values.
    let mut bounds = Vec::new();
    let mut steps = Vec::new();
    let start = &chain.start;
    for (i, hop) in chain.hops.iter().enumerate() {
        let (table, input, model) = (hop.table(), &hop.input, &hop.model);
        let table_v = quote!(<#model as diesel::associations::HasTable>::table());
        let input_v = quote!(<#input as ::core::default::Default>::default());
        let value = &hop.value;
        let (filter_ty, filter) = if i == 0 {
            (
                quote!(diesel::dsl::Eq<diesel::dsl::Nullable<#input>, _rt::StartValue<#value>>),
                quote!(#input_v.nullable().eq(_rt::start_value::<#value, _>(&#start))),
            )
        } else {
            (
                quote!(diesel::dsl::EqAny<diesel::dsl::Nullable<#input>, ::std::vec::Vec<#value>>),
                quote!(#input_v.nullable().eq_any(values)),
            )
        };
        let hop_pk = hop.pk();
        let hop_pk_v = quote!(<#hop_pk as ::core::default::Default>::default());
        let base_ty = quote!(diesel::dsl::Filter<#table, #filter_ty>);
        let base = quote!(#table_v.filter(#filter));
        let next = chain.hops.get(i + 1);
        match next {
            Some(next) => {
                let out = next
                    .out_prev
                    .as_ref()
                    .expect("every hop after the first has a source");
                let out_v = quote!(<#out as ::core::default::Default>::default());
                let next_value = &next.value;
                let Query {
                    ty: base_ty,
                    expr: base,
                } = type_filtered(
                    Query {
                        ty: base_ty,
                        expr: base,
                    },
                    next,
                );
                bounds.push(load(
                    quote!(diesel::dsl::Select<diesel::dsl::ThenOrderBy<#base_ty, diesel::dsl::Asc<#hop_pk>>, diesel::dsl::Nullable<#out>>),
                    quote!(::core::option::Option<#next_value>),
                ));
                steps.push(quote! {
                    let values: ::std::vec::Vec<#next_value> = #base
                        .then_order_by(#hop_pk_v.asc())
                        .select(#out_v.nullable())
                        .load::<::core::option::Option<#next_value>>(conn)?
                        .into_iter()
                        .flatten()
                        .collect();
                    if values.is_empty() {
                        return ::core::result::Result::Ok(::core::option::Option::None);
                    }
                });
            }
            None => {
                bounds.push(load(
                    quote!(diesel::dsl::Limit<diesel::dsl::Select<diesel::dsl::ThenOrderBy<#base_ty, diesel::dsl::Asc<#pk>>, #as_select>>),
                    quote!(#target),
                ));
                steps.push(quote! {
                    #base
                        .then_order_by(#hop_pk_v.asc())
                        .select(<#target>::as_select())
                        .limit(1)
                        .get_result(conn)
                        .optional()
                });
            }
        }
    }
    quote! {
        #[doc = #doc]
        pub fn #name<__C>(&self, conn: &mut __C) -> diesel::QueryResult<::core::option::Option<#target>>
        where
            __C: _rt::Conn,
            #(#bounds,)*
        {
            let owner = self;
            #(#steps)*
        }
    }
}

/// Preload: one query per hop, composed in memory. Targets are cloned: through a
/// `belongs_to`, several owners share one target.
fn preload(
    chain: &Chain,
    target: &TokenStream,
    preload_fn: &Ident,
    doc: &str,
    start: &TokenStream,
) -> TokenStream {
    let load = |query: TokenStream, out: TokenStream| quote!(for<'__q> #query: diesel::query_dsl::LoadQuery<'__q, __C, #out>);
    let as_select = quote!(diesel::dsl::AsSelect<#target, <__C as _rt::Conn>::DB>);
    let mut bounds = Vec::new();
    let mut steps = Vec::new();
    let first_value = &chain.hops[0].value;
    for (i, hop) in chain.hops.iter().enumerate() {
        let (table, input, model, value) = (hop.table(), &hop.input, &hop.model, &hop.value);
        let table_v = quote!(<#model as diesel::associations::HasTable>::table());
        let input_v = quote!(<#input as ::core::default::Default>::default());
        let hop_pk = hop.pk();
        let hop_pk_v = quote!(<#hop_pk as ::core::default::Default>::default());
        let map = format_ident!("__hop{}", i);
        let keys = if i == 0 {
            quote!(keys.clone())
        } else {
            let prev = format_ident!("__hop{}", i - 1);
            quote!(_rt::values(&#prev))
        };
        let base_ty = quote!(diesel::dsl::Filter<#table, _rt::KeyIn<#input, #value>>);
        let base = quote!(#table_v.filter(_rt::KeyIn::new(#input_v, #keys)));
        match chain.hops.get(i + 1) {
            Some(next) => {
                let out = next
                    .out_prev
                    .as_ref()
                    .expect("every hop after the first has a source");
                let out_v = quote!(<#out as ::core::default::Default>::default());
                let next_value = &next.value;
                let Query {
                    ty: base_ty,
                    expr: base,
                } = type_filtered(
                    Query {
                        ty: base_ty,
                        expr: base,
                    },
                    next,
                );
                bounds.push(load(
                    quote!(diesel::dsl::Select<
                        diesel::dsl::ThenOrderBy<#base_ty, diesel::dsl::Asc<#hop_pk>>,
                        (diesel::dsl::Nullable<#input>, diesel::dsl::Nullable<#out>),
                    >),
                    quote!((::core::option::Option<#value>, ::core::option::Option<#next_value>)),
                ));
                steps.push(quote! {
                    let #map = _rt::hop(
                        #base
                            .then_order_by(#hop_pk_v.asc())
                            .select((#input_v.nullable(), #out_v.nullable()))
                            .load::<(::core::option::Option<#value>, ::core::option::Option<#next_value>)>(conn)?,
                    );
                });
            }
            None => {
                bounds.push(load(
                    quote!(diesel::dsl::Select<
                        diesel::dsl::ThenOrderBy<#base_ty, diesel::dsl::Asc<#hop_pk>>,
                        (diesel::dsl::Nullable<#input>, #as_select),
                    >),
                    quote!((::core::option::Option<#value>, #target)),
                ));
                steps.push(quote! {
                    let #map = _rt::hop(
                        #base
                            .then_order_by(#hop_pk_v.asc())
                            .select((#input_v.nullable(), <#target>::as_select()))
                            .load::<(::core::option::Option<#value>, #target)>(conn)?
                            .into_iter()
                            .map(|(k, t)| (k, ::core::option::Option::Some(t)))
                            .collect(),
                    );
                });
            }
        }
    }
    let maps: Vec<Ident> = (0..chain.hops.len())
        .map(|i| format_ident!("__hop{}", i))
        .collect();
    let follow = maps
        .iter()
        .map(|m| quote!(.and_then(|k| #m.get(&k).cloned())));
    quote! {
        #[doc = #doc]
        pub fn #preload_fn<__C>(owners: &[Self], conn: &mut __C) -> diesel::QueryResult<::std::vec::Vec<::core::option::Option<#target>>>
        where
            __C: _rt::Conn,
            __C: _rt::CloneTarget<#target>,
            #(#bounds,)*
        {
            let starts: ::std::vec::Vec<::core::option::Option<#first_value>> = owners
                .iter()
                .map(|owner| _rt::start_value::<#first_value, _>(&#start))
                .collect();
            let keys: ::std::vec::Vec<#first_value> = {
                let mut seen = ::std::collections::HashSet::new();
                starts.iter().flatten().filter(|k| seen.insert(*k)).cloned().collect()
            };
            if keys.is_empty() {
                return ::core::result::Result::Ok(owners.iter().map(|_| ::core::option::Option::None).collect());
            }
            #(#steps)*
            ::core::result::Result::Ok(starts.into_iter().map(|start| start #(#follow)*).collect())
        }
    }
}

/// The writer, when Rails allows one: a `belongs_to` source, not nested. Otherwise a
/// method whose call is a compile error.
fn writer(
    m: &Model,
    a: &Association,
    chain: &Chain,
    target: &TokenStream,
    set_fn: &Ident,
) -> TokenStream {
    let owner = &m.ident;
    let marker = super::association::marker(a);
    let doc = format!(
        "Links `target` through the join row (updated, or inserted when missing, with the join model's `created_at`/`updated_at` set as the association's own rows get them), or destroys the join row (`None`), in one transaction. Rails: `{} = record`.",
        a.name
    );
    if chain.hops.len() != 2 {
        return quote! {
            #[doc = #doc]
            pub fn #set_fn<__C>(&self, target: ::core::option::Option<&#target>, conn: &mut __C) -> ::core::result::Result<(), _rt::Error>
            where
                __C: _rt::ReadOnlyThrough<#marker>,
            {
                <__C as _rt::ReadOnlyThrough<#marker>>::unavailable()
            }
        };
    }
    let t = a.through.as_ref().expect("a through association");
    let join = &chain.hops[0].model;
    let n = names::type_name(&t.source.to_string(), t.source.span());
    let source = quote_spanned!(t.source.span()=> <#join as _rt::Source<#n>>);
    let out = quote!(#source::Out);
    let join_pk = chain.hops[0].pk();
    let join_key = quote!(<#join as _rt::Model>::Key);
    let target_key = quote!(<#target as _rt::Model>::Key);
    let join_fk = &chain.hops[0].input;
    let owner_key = &chain.hops[0].value;
    let start = &chain.start;
    let (existing, existing_bounds, insert) = match &chain.first {
        // Through the owner's has_one: a missing join row is inserted as that association's
        // row (`create_` without the replace): the link and the join model's timestamps
        // are set by the runtime's one insert.
        First::HasOne(through) => (
            quote!(<#through as _rt::Statements<__C>>::first(self, conn)?),
            quote! {
                #through: _rt::Insert<__C, diesel::dsl::Eq<#out, #target_key>>,
            },
            quote! {
                <#through as _rt::Insert<__C, _>>::insert(
                    owner,
                    <#out as ::core::default::Default>::default().eq(_rt::Model::primary_key_value(target)),
                    _rt::Instant::now(),
                    conn,
                )?;
                ::core::result::Result::Ok(())
            },
        ),
        // Through the owner's belongs_to: the join row is the parent the owner points at.
        // Without one there is nothing to write through (Rails would create the parent).
        First::BelongsTo => (
            quote! {
                <#join as diesel::associations::HasTable>::table()
                    .filter(<#join_fk as ::core::default::Default>::default().nullable().eq(_rt::start_value::<#owner_key, _>(&#start)))
                    .select(<#join>::as_select())
                    .first::<#join>(conn)
                    .optional()?
            },
            quote! {
                for<'__q> diesel::dsl::Limit<diesel::dsl::Select<
                    diesel::dsl::Filter<
                        <#join as diesel::associations::HasTable>::Table,
                        diesel::dsl::Eq<diesel::dsl::Nullable<#join_fk>, _rt::StartValue<#owner_key>>,
                    >,
                    diesel::dsl::AsSelect<#join, <__C as _rt::Conn>::DB>,
                >>: diesel::query_dsl::LoadQuery<'__q, __C, #join>,
            },
            quote! {
                let _ = (owner, target);
                ::core::result::Result::Err(_rt::Error::NotFound { model: <#join as _rt::Model>::NAME })
            },
        ),
    };
    quote! {
        #[doc = #doc]
        pub fn #set_fn<__C>(&self, target: ::core::option::Option<&#target>, conn: &mut __C) -> ::core::result::Result<(), _rt::Error>
        where
            __C: _rt::Conn,
            #source::Kind: _rt::WritableThrough<__C>,
            #existing_bounds
            #owner: _rt::Persist<__C>,
            #join: _rt::Persist<__C>,
            diesel::dsl::Update<
                diesel::dsl::Filter<<#join as diesel::associations::HasTable>::Table, diesel::dsl::Eq<#join_pk, #join_key>>,
                _rt::StampedUpdate<#join, diesel::dsl::Eq<#out, #target_key>>,
            >: diesel::query_dsl::methods::ExecuteDsl<__C>,
        {
            _rt::write_transaction(conn, |conn| {
                _rt::Persist::lock_row(self, conn)?;
                let owner = self;
                let existing = #existing;
                match (existing, target) {
                    (::core::option::Option::Some(row), ::core::option::Option::Some(target)) => {
                        let updated = diesel::update(
                            <#join as diesel::associations::HasTable>::table()
                                .filter(<#join_pk as ::core::default::Default>::default().eq(_rt::Model::primary_key_value(&row))),
                        )
                        .set(_rt::stamped_update::<#join, _>(
                            <#out as ::core::default::Default>::default().eq(_rt::Model::primary_key_value(target)),
                        ))
                        .execute(conn)?;
                        debug_assert_eq!(updated, 1);
                        ::core::result::Result::Ok(())
                    }
                    (::core::option::Option::None, ::core::option::Option::Some(target)) => {
                        #insert
                    }
                    (::core::option::Option::Some(row), ::core::option::Option::None) => _rt::Persist::destroy_in(&row, conn),
                    (::core::option::Option::None, ::core::option::Option::None) => ::core::result::Result::Ok(()),
                }
            })
        }
    }
}
