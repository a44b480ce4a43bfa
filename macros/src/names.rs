//! Rails and Diesel naming conventions, and type-level names.
//!
//! Every name the derive infers carries the span of the user's token that implied it, so
//! an error about `user_id` lands on `has_one(profile)`, not on the derive.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::Ident;

/// An identifier for an inferred name. Names built from unusual input (`__`, raw or
/// non-ASCII identifiers) may not be identifiers; they are made into one, and whatever
/// uses them reports the usual "not found" error on the user's token, never a panic.
pub fn ident(text: &str, span: Span) -> Ident {
    let mut clean: String = text
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if clean.is_empty() || clean == "_" || clean.starts_with(|c: char| c.is_ascii_digit()) {
        clean.insert_str(0, "__");
    }
    Ident::new(&clean, span)
}

/// `profile` → `Profile` (Rails' class name of an association).
pub fn class_of(association: &Ident) -> syn::Path {
    ident(
        &association.to_string().to_upper_camel_case(),
        association.span(),
    )
    .into()
}

/// `User` → `user` (Rails' name of a `belongs_to`, and the stem of a foreign key).
pub fn snake(name: &Ident) -> String {
    name.to_string().trim_start_matches("r#").to_snake_case()
}

/// `User` → `user_id`, spanned at `span`.
pub fn foreign_key_of(model: &Ident, span: Span) -> Ident {
    ident(&format!("{}_id", snake(model)), span)
}

/// `User` → `users`: Diesel's default table name.
pub fn table_of(model: &Ident) -> syn::Path {
    ident(&format!("{}s", snake(model)), model.span()).into()
}

/// The type-level name `(Ch<'u', 's', 'e', 'r', '_', 'i', 'd', ' '>,)` (eight characters
/// per `Ch`, padded with spaces) the runtime's `Column`, `BelongsTo`, `Association` and
/// `SpelledSource` traits are keyed by.
pub fn type_name(name: &str, span: Span) -> TokenStream {
    type_name_in(name, span, &quote_spanned!(span=> _rt))
}

/// [`type_name`] naming the runtime's `__private` module as `root`.
pub fn type_name_in(name: &str, span: Span, root: &TokenStream) -> TokenStream {
    let chars: Vec<char> = name.chars().collect();
    let chunks = chars.chunks(8).map(|chunk| {
        let padded = chunk.iter().copied().chain(std::iter::repeat(' ')).take(8);
        quote_spanned!(span=> #root::Ch<#(#padded),*>)
    });
    quote_spanned!(span=> (#(#chunks,)*))
}

/// Generic parameters named like columns (`user_id`), for code that looks columns of
/// another model up by name: `impl<user_id> … where (Ch<'u', …>,): _rt::Spelled<Name =
/// user_id>, user_id: _rt::Spelling<Chars = (Ch<'u', …>,)>`. rustc checks generic code
/// once and prints a parameter by its name, so a lookup by the parameter
/// (`<Profile as _rt::ForeignKeyColumn<user_id>>::Column`) that fails says "`Profile` has
/// no field for column `user_id`" (see the runtime's `checks`).
pub struct Labels {
    params: Vec<Ident>,
    /// Names the labelled code uses as types or path heads; a column spelled like one
    /// gets no parameter (its lookup stays by spelling), so the parameter cannot shadow it.
    reserved: Vec<String>,
}

impl Labels {
    /// No parameters yet; `uses` is the code the parameters will be in scope of.
    pub fn new(uses: TokenStream) -> Self {
        let mut reserved: Vec<String> = ["Self", "has_one", "_rt", "diesel"]
            .map(str::to_owned)
            .into();
        collect_idents(uses, &mut reserved);
        for r in &mut reserved {
            *r = r.trim_start_matches("r#").to_owned();
        }
        Labels {
            params: Vec::new(),
            reserved,
        }
    }

    /// The parameter named like `column` (spanned on it), added on first use; `None` when
    /// the name is reserved.
    pub fn label(&mut self, column: &Ident) -> Option<Ident> {
        let text = column.to_string();
        if self
            .reserved
            .iter()
            .any(|r| r == text.trim_start_matches("r#"))
        {
            return None;
        }
        if !self.params.iter().any(|p| *p == text) {
            let mut param = column.clone();
            param.set_span(Span::call_site());
            self.params.push(param);
        }
        Some(column.clone())
    }

    /// `<user_id, …>`, empty without parameters.
    pub fn params(&self) -> TokenStream {
        if self.params.is_empty() {
            return TokenStream::new();
        }
        let params = &self.params;
        quote!(<#(#params),*>)
    }

    /// The `where` clause of an impl: binds each parameter to its column's name (which
    /// constrains it) and says what it spells. Empty without parameters.
    pub fn impl_bounds(&self) -> TokenStream {
        self.bounds(true)
    }

    /// The `where` clause of a function, whose parameters need not be constrained: what
    /// each parameter spells. Empty without parameters.
    pub fn fn_bounds(&self) -> TokenStream {
        self.bounds(false)
    }

    fn bounds(&self, constrain: bool) -> TokenStream {
        if self.params.is_empty() {
            return TokenStream::new();
        }
        let bounds = self.params.iter().map(|p| {
            let n = type_name(&p.to_string(), Span::call_site());
            let constraint = constrain.then(|| quote!(#n: _rt::Spelled<Name = #p>,));
            quote! {
                #constraint
                #p: _rt::Spelling<Chars = #n>,
            }
        });
        quote!(where #(#bounds)*)
    }
}

/// Every identifier of `tokens`.
fn collect_idents(tokens: TokenStream, out: &mut Vec<String>) {
    for token in tokens {
        match token {
            proc_macro2::TokenTree::Ident(i) => out.push(i.to_string()),
            proc_macro2::TokenTree::Group(g) => collect_idents(g.stream(), out),
            _ => {}
        }
    }
}
