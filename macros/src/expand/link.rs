//! How a target row is linked to its owner: the foreign key alone, or (polymorphic `as`)
//! the foreign key plus the type column holding the owner's polymorphic name. Every
//! statement of an association is built from these pieces, so plain and polymorphic
//! associations share one code path.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote, quote_spanned};

use crate::ast::{Association, Model};
use crate::names;

/// Types (for bounds) and expressions (for bodies) of the link columns; `key` is the
/// owner key expression (`&K`) in the generated functions.
pub struct Link {
    /// Type alias statements for the link columns.
    pub aliases: TokenStream,
    /// The predicate "linked to `key`": type and expression.
    pub linked_ty: TokenStream,
    pub linked: TokenStream,
    /// The assignment that links a row to `key` (insert values and update changeset).
    pub set_ty: TokenStream,
    pub set: TokenStream,
    /// The assignment that unlinks (every link column to NULL).
    pub unset_ty: TokenStream,
    pub unset: TokenStream,
    /// The preload predicate "linked to any of `keys`".
    pub any_ty: TokenStream,
    pub any: TokenStream,
    /// The eager-load join condition against the owner's key column.
    pub join_ty: TokenStream,
    pub join: TokenStream,
    /// The same condition inside the eager load's correlated subquery (the owner column
    /// belongs to the outer query).
    pub outer_ty: TokenStream,
    pub outer: TokenStream,
    /// `const` expression: every link column is nullable.
    pub nullable: TokenStream,
}

impl Link {
    pub fn new(m: &Model, a: &Association, fk: &Ident, key_ty: &syn::Type) -> Link {
        let target = &a.target;
        let owner = &m.ident;
        let owner_table = &m.table;
        let key_column = a.primary_key.as_ref().unwrap_or(&m.primary_key[0]);
        let owner_key = quote!(#owner_table::#key_column);
        let col = |c: &Ident| quote!(<#c as ::core::default::Default>::default());
        let fk_v = col(fk);
        let key_v = quote!(::core::clone::Clone::clone(key));
        let null = |c: &Ident| quote!(_rt::__private::Null<<#c as diesel::Expression>::SqlType>);
        let nullable_of = |c: &Ident| quote!(_rt::__private::is_nullable::<<#c as diesel::Expression>::SqlType>());

        let eq_key = quote!(diesel::dsl::Eq<#fk, #key_ty>);
        let fk_null = null(fk);
        let join_fk =
            quote!(diesel::dsl::Eq<diesel::dsl::Nullable<#fk>, diesel::dsl::Nullable<#owner_key>>);
        let join_fk_v = quote!(#fk_v.nullable().eq(#owner_key.nullable()));
        let outer_fk = quote!(_rt::subquery::OuterEq<#fk, #owner_key>);
        let outer_fk_v = quote!(_rt::subquery::OuterEq::new(#fk_v, #owner_key));
        let any_fk = quote!(_rt::key_set::KeyIn<#fk, #key_ty>);
        let any_fk_v = quote!(_rt::key_set::KeyIn::new(#fk_v, keys));
        let fk_nullable = nullable_of(fk);

        let Some(poly) = &a.polymorphic else {
            return Link {
                aliases: TokenStream::new(),
                linked_ty: eq_key.clone(),
                linked: quote!(#fk_v.eq(#key_v)),
                set_ty: eq_key,
                set: quote!(#fk_v.eq(#key_v)),
                unset_ty: quote!(diesel::dsl::Eq<#fk, #fk_null>),
                unset: quote!(#fk_v.eq(_rt::__private::Null::new())),
                any_ty: any_fk,
                any: any_fk_v,
                join_ty: join_fk,
                join: join_fk_v,
                outer_ty: outer_fk,
                outer: outer_fk_v,
                nullable: fk_nullable,
            };
        };

        let ft = format_ident!("__{}_ForeignType", a.name);
        let ft_name = names::type_name(&poly.foreign_type.to_string(), poly.foreign_type.span());
        let aliases = quote_spanned! {poly.foreign_type.span()=>
            type #ft = <#target as _rt::__private::Column<#ft_name>>::Column;
        };
        let ft_v = col(&ft);
        let name = quote!(<#owner as _rt::Model>::POLYMORPHIC_NAME);
        let eq_type = quote!(diesel::dsl::Eq<#ft, &'static str>);
        let eq_type_v = quote!(#ft_v.eq(#name));
        let ft_null = null(&ft);
        let ft_nullable = nullable_of(&ft);
        Link {
            aliases,
            linked_ty: quote!(diesel::dsl::And<#eq_key, #eq_type>),
            linked: quote!(#fk_v.eq(#key_v).and(#eq_type_v)),
            set_ty: quote!((#eq_key, #eq_type)),
            set: quote!((#fk_v.eq(#key_v), #eq_type_v)),
            unset_ty: quote!((diesel::dsl::Eq<#fk, #fk_null>, diesel::dsl::Eq<#ft, #ft_null>)),
            unset: quote!((#fk_v.eq(_rt::__private::Null::new()), #ft_v.eq(_rt::__private::Null::new()))),
            any_ty: quote!(diesel::dsl::And<#any_fk, #eq_type>),
            any: quote!(#any_fk_v.and(#eq_type_v)),
            join_ty: quote!(diesel::dsl::And<#join_fk, #eq_type>),
            join: quote!(#join_fk_v.and(#eq_type_v)),
            outer_ty: quote!(diesel::dsl::And<#outer_fk, #eq_type>),
            outer: quote!(#outer_fk_v.and(#eq_type_v)),
            nullable: quote!(#fk_nullable && #ft_nullable),
        }
    }
}
