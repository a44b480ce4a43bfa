//! The stub emitted beside the `compile_error!`s of a declaration that did not parse or
//! validate (as thiserror's `fallback.rs` does), so one mistake is one error: without it,
//! every use of the model elsewhere (`user.profile(conn)`, `user.destroy(conn)`, another
//! model's `has_one` pointing at it) adds errors of its own.
//!
//! Self-contained: it reads only what a light pass over the input can still get (the
//! struct, Diesel's table and key, each `has_one`'s name, `class_name` and `through`), and
//! generates nothing from the real expansion. Every body is `unreachable!()`: the crate does
//! not compile, so none runs. Signatures are generic wherever the real ones take a value
//! (connections, values, queries), so call sites type-check whatever they pass.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use quote::{format_ident, quote};
use syn::{DeriveInput, Ident, Path};

use crate::attr;
use crate::ctxt::Ctxt;
use crate::names;

/// The stub: the model's impls when its Diesel part is sound, and every association's
/// methods.
pub fn fallback(input: &DeriveInput) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let model = model_impls(input);
    let sketches = sketches(&input.attrs);
    let helpers = helpers();
    let aliases = sketches.iter().map(Sketch::alias);
    let methods = sketches.iter().map(Sketch::methods);
    quote! {
        #[allow(dead_code, non_camel_case_types, non_snake_case, unused_imports, unused_qualifications, clippy::all)]
        const _: () = {
            use ::diesel_has_one::__private as _rt;
            use _rt::diesel;
            #helpers
            #(#aliases)*
            #model
            #[automatically_derived]
            impl #impl_generics #ident #ty_generics #where_clause {
                #(#methods)*
            }
        };
    }
}

/// The body of every stub.
const UNREACHABLE: &str = "the stub of a `#[derive(Model)]` that failed to compile";

/// What the stub methods return where the real ones return builders or queries: each
/// takes what the real one takes and returns what the real one finally returns.
fn helpers() -> TokenStream {
    quote! {
        pub trait __Same<__U> {}
        impl<__U> __Same<__U> for __U {}
        /// `build_`: `.save(conn)`.
        pub struct __Built<__T>(::core::marker::PhantomData<__T>);
        impl<__T> __Built<__T> {
            pub fn save<__C>(self, _: &mut __C) -> ::core::result::Result<__T, _rt::Error> { ::core::unreachable!(#UNREACHABLE) }
        }
        /// `save_with_` / `insert_with_`: the row actions, then `.save(conn)`.
        pub struct __Save<__O, __T>(::core::marker::PhantomData<(__O, __T)>);
        impl<__O, __T> __Save<__O, __T> {
            pub fn update_owner<__U>(self, _: __U) -> Self { ::core::unreachable!(#UNREACHABLE) }
            pub fn new_row<__V>(self, _: __V) -> Self { ::core::unreachable!(#UNREACHABLE) }
            pub fn update_row<__U>(self, _: &__T, _: __U) -> Self { ::core::unreachable!(#UNREACHABLE) }
            pub fn destroy_row(self, _: &__T) -> Self { ::core::unreachable!(#UNREACHABLE) }
            pub fn save<__C>(self, _: &mut __C) -> ::core::result::Result<(__O, ::core::option::Option<__T>), _rt::Error> { ::core::unreachable!(#UNREACHABLE) }
        }
        /// `eager_load_`: a query loading `__R` rows (`.load::<__R>(conn)` too).
        pub struct __Rows<__R>(::core::marker::PhantomData<__R>);
        impl<__R> __Rows<__R> {
            pub fn load<__U>(self, _: &mut impl ::core::marker::Sized) -> diesel::QueryResult<::std::vec::Vec<__U>> where __R: __Same<__U> { ::core::unreachable!(#UNREACHABLE) }
            pub fn get_results<__U>(self, _: &mut impl ::core::marker::Sized) -> diesel::QueryResult<::std::vec::Vec<__U>> where __R: __Same<__U> { ::core::unreachable!(#UNREACHABLE) }
        }
    }
}

/// What the light pass read of one `#[has_one(…)]`.
struct Sketch {
    /// The association's name.
    name: Ident,
    /// The target: `class_name` (or what it most likely names, see [`guess_target`]), else
    /// the name in PascalCase, as without `class_name`.
    target: Path,
    /// `through` was given: no `build_`, `create_`, `save_with_`, `insert_with_`.
    through: bool,
}

/// Every `#[has_one(…)]` whose name can be read, each name once.
fn sketches(attrs: &[syn::Attribute]) -> Vec<Sketch> {
    let mut out: Vec<Sketch> = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("has_one")) {
        let Ok(list) = attr.meta.require_list() else {
            continue;
        };
        if let Some(s) = sketch(list.tokens.clone()) {
            if !out.iter().any(|o| o.name == s.name) {
                out.push(s);
            }
        }
    }
    out
}

/// Reads the name (the first token, unless `name = …` says it is an option) and, among the
/// items, `class_name = "…"`, `through` and `source = "…"` (a chain's target is most likely
/// its source's class). Whatever else is there is ignored.
fn sketch(tokens: TokenStream) -> Option<Sketch> {
    let mut items = split(tokens).into_iter();
    let mut first = items.next()?.into_iter();
    let name: Ident = syn::parse2(first.next()?.into()).ok()?;
    let mut rest: Vec<TokenTree> = first.collect();
    if matches!(rest.first(), Some(TokenTree::Punct(p)) if p.as_char() == '=') {
        return None;
    }
    // The nested form, `name(key = value, …)`: its items are inside the group.
    if let [TokenTree::Group(g)] = &rest[..] {
        if g.delimiter() == Delimiter::Parenthesis {
            items = split(g.stream()).into_iter();
            rest = items.next().unwrap_or_default();
        }
    }
    let mut class_name = None;
    let mut through = false;
    let mut source = None;
    for item in std::iter::once(rest).chain(items) {
        let Some(TokenTree::Ident(key)) = item.first() else {
            continue;
        };
        if key == "through" {
            through = true;
        } else if key == "class_name" && class_name.is_none() {
            class_name = Some(value(&item).and_then(guess_target));
        } else if key == "source" && source.is_none() {
            source = value(&item)
                .and_then(|v| syn::parse2::<syn::LitStr>(v).ok()?.parse::<Ident>().ok());
        }
    }
    let default = source.as_ref().unwrap_or(&name);
    Some(Sketch {
        target: class_name
            .flatten()
            .unwrap_or_else(|| names::class_of(default)),
        name,
        through,
    })
}

/// The tokens after `key =` of an item.
fn value(item: &[TokenTree]) -> Option<TokenStream> {
    match item {
        [_, TokenTree::Punct(eq), value @ ..] if eq.as_char() == '=' => {
            Some(value.iter().cloned().collect())
        }
        _ => None,
    }
}

/// The model a `class_name` value means: its path when it reads (as the parser reads it),
/// else what it most likely names: `crate::Profile` without quotes, `"Profile<T>"` as
/// `Profile`, `"Option<Profile>"` (or `Box`, `Vec`, `Rc`, `Arc`) as `Profile`. `None` when
/// it names no type.
fn guess_target(value: TokenStream) -> Option<Path> {
    let tokens = match syn::parse2::<syn::LitStr>(value.clone()) {
        Ok(lit) => match attr::has_one::class_name(&lit) {
            Ok(path) => return Some(path),
            Err(_) => lit.parse::<TokenStream>().ok()?,
        },
        Err(_) => value,
    };
    let syn::Type::Path(syn::TypePath {
        qself: None,
        mut path,
    }) = syn::parse2(tokens).ok()?
    else {
        return None;
    };
    let last = path.segments.last()?;
    if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
        let wrapper = ["Option", "Box", "Vec", "Rc", "Arc"]
            .iter()
            .any(|w| last.ident == w);
        if let (true, [syn::GenericArgument::Type(inner)]) =
            (wrapper, &args.args.iter().collect::<Vec<_>>()[..])
        {
            return guess_target(quote::ToTokens::to_token_stream(inner));
        }
    }
    for segment in &mut path.segments {
        segment.arguments = syn::PathArguments::None;
    }
    Some(path)
}

/// The items of an attribute's tokens: split at top-level commas (a `None`-delimited group
/// is looked into, as the parser does).
fn split(tokens: TokenStream) -> Vec<Vec<TokenTree>> {
    let mut items = vec![Vec::new()];
    for tree in tokens {
        match tree {
            TokenTree::Punct(p) if p.as_char() == ',' && p.spacing() == Spacing::Alone => {
                items.push(Vec::new());
            }
            TokenTree::Group(g) if g.delimiter() == Delimiter::None => {
                let mut inner = split(g.stream()).into_iter();
                if let (Some(last), Some(head)) = (items.last_mut(), inner.next()) {
                    last.extend(head);
                }
                items.extend(inner);
            }
            tree => items.last_mut().expect("never empty").push(tree),
        }
    }
    items.retain(|item| !item.is_empty());
    items
}

impl Sketch {
    /// `type __profile_Target = Profile;`: the target named once, so a target that does not
    /// exist is one "cannot find type" error, not one per method.
    fn alias(&self) -> TokenStream {
        let (alias, path) = (self.alias_ident(), &self.target);
        quote!(type #alias = #path;)
    }

    /// The alias's name.
    fn alias_ident(&self) -> Ident {
        format_ident!("__{}_Target", self.name)
    }

    /// The association's methods, with the real ones' names and arguments.
    fn methods(&self) -> TokenStream {
        let n = &self.name;
        let target = self.alias_ident();
        let query = format_ident!("{}_query", n);
        let set = format_ident!("set_{}", n);
        let preload = format_ident!("preload_{}", n);
        let eager = format_ident!("eager_load_{}", n);
        let writers = (!self.through).then(|| {
            let build = format_ident!("build_{}", n);
            let create = format_ident!("create_{}", n);
            let save_with = format_ident!("save_with_{}", n);
            let insert_with = format_ident!("insert_with_{}", n);
            quote! {
                pub fn #build<__V>(&self, _: __V) -> __Built<#target> { ::core::unreachable!(#UNREACHABLE) }
                pub fn #create<__C, __V>(&self, _: __V, _: &mut __C) -> ::core::result::Result<#target, _rt::Error> { ::core::unreachable!(#UNREACHABLE) }
                pub fn #save_with(&self) -> __Save<Self, #target> { ::core::unreachable!(#UNREACHABLE) }
                pub fn #insert_with<__I>(_: __I) -> __Save<Self, #target> { ::core::unreachable!(#UNREACHABLE) }
            }
        });
        quote! {
            pub fn #n<__C>(&self, _: &mut __C) -> diesel::QueryResult<::core::option::Option<#target>> { ::core::unreachable!(#UNREACHABLE) }
            pub fn #query(&self) -> <#target as diesel::associations::HasTable>::Table { ::core::unreachable!(#UNREACHABLE) }
            pub fn #set<__C>(&self, _: ::core::option::Option<&#target>, _: &mut __C) -> ::core::result::Result<(), _rt::Error> { ::core::unreachable!(#UNREACHABLE) }
            pub fn #preload<__C>(_: &[Self], _: &mut __C) -> diesel::QueryResult<::std::vec::Vec<::core::option::Option<#target>>> { ::core::unreachable!(#UNREACHABLE) }
            pub fn #eager<__Q>(_: __Q) -> __Rows<(Self, ::core::option::Option<#target>)> { ::core::unreachable!(#UNREACHABLE) }
            #writers
        }
    }
}

/// `impl Model`, `impl DestroyHooks` and the column and `belongs_to` lookups other models'
/// associations use (a `through` chain's `belongs_to` sources too; its `has_one` sources
/// need the association's foreign key, which the light pass does not read), when the struct is a non-generic struct with named fields, Diesel's
/// attributes read without error and the (first) primary key column has a field.
fn model_impls(input: &DeriveInput) -> Option<TokenStream> {
    let syn::Data::Struct(syn::DataStruct {
        fields: syn::Fields::Named(named),
        ..
    }) = &input.data
    else {
        return None;
    };
    if !input.generics.params.is_empty() {
        return None;
    }
    let mut cx = Ctxt::default();
    let diesel = attr::diesel::Container::parse(&input.attrs, &mut cx);
    let fields: Vec<_> = named
        .named
        .iter()
        .filter_map(|f| attr::diesel::field(f, &mut cx))
        .collect();
    cx.finish(()).ok()?;
    let ident = &input.ident;
    let table = diesel.table_name.unwrap_or_else(|| names::table_of(ident));
    let pk = match diesel.primary_key {
        Some(columns) => columns.into_iter().next()?,
        None => Ident::new("id", ident.span()),
    };
    let key_ty = &fields.iter().find(|f| f.column == pk)?.ty;
    let (name, table_name) = (ident.to_string(), &table.segments.last()?.ident);
    let table_name = table_name.to_string();
    let columns = fields.iter().map(|f| {
        let n = names::type_name(&f.column.to_string(), f.column.span());
        let col = &f.column;
        quote!(#[automatically_derived] #[diagnostic::do_not_recommend] impl<__L> _rt::Column<#n, __L> for #ident { type Column = #table::#col; })
    });
    let belongs_to = diesel.belongs_to.iter().map(|b| {
        let n = names::type_name(&b.name(), b.parent_ident().span());
        let (parent, fk) = (&b.parent, &b.foreign_key);
        // `<stem>_id` with a `<stem>_type` field beside it: a polymorphic source.
        let polymorphic = fk
            .to_string()
            .strip_suffix("_id")
            .map(|stem| names::ident(&format!("{stem}_type"), fk.span()))
            .filter(|ty| fields.iter().any(|f| f.column == *ty))
            .map(|ty| quote!(#[automatically_derived] impl<__L> _rt::SpelledPolymorphicSource<#n, __L> for #ident { type TypeColumn = #table::#ty; }));
        quote! {
            #[automatically_derived] impl<__L> _rt::BelongsTo<#n, __L> for #ident { type Parent = #parent; type Column = #table::#fk; }
            #[automatically_derived] impl<__L> _rt::SpelledSource<#n, __L> for #ident { type Target = #parent; type Out = #table::#fk; type Kind = _rt::BelongsToSource; }
            #polymorphic
        }
    });
    Some(quote! {
        #[automatically_derived]
        impl _rt::Model for #ident {
            type Key = #key_ty;
            type PrimaryKey = #table::#pk;
            const NAME: &'static str = #name;
            const TABLE: &'static str = #table_name;
            type Associations = ();
            type OwnAssociations = ();
            type Timestamps = (_rt::NoColumn, _rt::NoColumn);
            fn primary_key_value(&self) -> #key_ty { ::core::unreachable!(#UNREACHABLE) }
        }
        #[automatically_derived]
        impl<__C: _rt::WriteConn> _rt::DestroyHooks<__C> for #ident {}
        #(#columns)*
        #(#belongs_to)*
    })
}
