//! Bad input: random attribute token streams on a struct, fed to the derive's inner
//! function. Whatever the tokens, the derive never panics and returns either code that
//! parses as a `syn::File` or one or more `compile_error!` invocations.
//!
//! Three families of input: token soup (random idents, literals, punctuation and nested
//! groups inside `#[has_one …]`, `#[diesel …]`, `#[model …]`), near-valid attributes
//! (known options and values, mutated: a missing `=` or `,`, a value of the wrong kind,
//! duplicates, unknown names) that reach the parsers' deep paths, and near-valid structs
//! (field attributes, generics, tuple structs, enums).

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use quote::quote;

/// Cases per family.
const CASES: u32 = 3_000;

// ---------------------------------------------------------------- tokens

/// Names the parsers know, plus a few that are close to them.
const NAMES: &[&str] = &[
    "has_one",
    "diesel",
    "model",
    "profile",
    "account",
    "class_name",
    "foreign_key",
    "primary_key",
    "inverse_of",
    "dependent",
    "table_name",
    "belongs_to",
    "column_name",
    "embed",
    "select_expression",
    "before_destroy",
    "after_destroy",
    "destroy",
    "nullify",
    "delete",
    "through",
    "touch",
    "as",
    "foreign_type",
    "scope",
    "strict_loading",
    "polymorphic_name",
    "dependant",
    "class",
    "id",
    "user_id",
    "users",
    "User",
    "Profile",
    "crate",
    "self",
    "super",
    "Self",
    "fn",
    "struct",
    "type",
    "r",
    "__",
    "_1",
    "x_",
    "A",
];

/// String contents: empty, option values, paths, quotes, semicolons, unicode, code.
const STRINGS: &[&str] = &[
    "",
    " ",
    "destroy",
    "delete",
    "nullify",
    "restrict_with_exception",
    "restrict_with_error",
    "destroy_async",
    "Destroy",
    "user_id",
    "id",
    "user",
    "handle",
    "Profile",
    "crate::models::Profile",
    "::Profile",
    "super::Profile",
    "self",
    "crate",
    "Self",
    "Vec<Profile>",
    "a b",
    "1abc",
    "__",
    "_1",
    "r#type",
    "type",
    "fn",
    "user-id",
    "a::",
    "::",
    "\"",
    "'",
    "\\",
    "\";",
    "'; DROP TABLE users; --",
    ";",
    "}{",
    "][",
    ")(",
    "#",
    "ünïcødé",
    "🦀",
    "中文",
    "e\u{301}",
    "\u{202e}",
    "\0",
    "\n\t",
    "x=y, z=w",
];

fn ident() -> impl Strategy<Value = Ident> {
    prop_oneof![
        4 => prop::sample::select(NAMES).prop_map(|n| Ident::new(n, Span::call_site())),
        2 => "[a-zA-Z][a-zA-Z0-9_]{0,8}".prop_map(|n| Ident::new(&n, Span::call_site())),
        1 => prop::sample::select(&["type", "fn", "struct", "profile", "dependent", "match"][..])
            .prop_map(|n| Ident::new_raw(n, Span::call_site())),
    ]
}

fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(STRINGS).prop_map(str::to_owned),
        1 => any::<String>(),
        1 => "[a-z_:;'\"#= ,()<>]{0,12}",
    ]
}

fn literal() -> impl Strategy<Value = Literal> {
    prop_oneof![
        6 => string().prop_map(|s| Literal::string(&s)),
        1 => any::<i64>().prop_map(Literal::i64_unsuffixed),
        1 => any::<u8>().prop_map(Literal::u8_suffixed),
        1 => any::<f32>().prop_filter("finite", |f| f.is_finite()).prop_map(Literal::f32_unsuffixed),
        1 => any::<char>().prop_map(Literal::character),
        1 => string().prop_map(|s| Literal::byte_string(s.as_bytes())),
        1 => Just("r#\"raw \"quoted\"\"#".parse::<Literal>().unwrap()),
    ]
}

fn punct() -> impl Strategy<Value = TokenStream> {
    prop::sample::select(
        &[
            "=", ",", ",", "::", ":", "#", "-", ".", ";", "<", ">", "&", "!", "'", "@",
        ][..],
    )
    .prop_map(|p| match p {
        "'" => TokenTree::Punct(Punct::new('\'', Spacing::Joint)).into(),
        p => p.parse().unwrap(),
    })
}

fn group(inner: TokenStream) -> impl Strategy<Value = TokenStream> {
    prop::sample::select(
        &[
            Delimiter::Parenthesis,
            Delimiter::Bracket,
            Delimiter::Brace,
            Delimiter::None,
        ][..],
    )
    .prop_map(move |d| TokenTree::Group(Group::new(d, inner.clone())).into())
}

/// Random token soup with random nesting.
fn soup() -> impl Strategy<Value = TokenStream> {
    let leaf = prop_oneof![
        3 => ident().prop_map(|i| TokenTree::Ident(i).into()),
        3 => literal().prop_map(|l| TokenTree::Literal(l).into()),
        4 => punct(),
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            1 => prop::collection::vec(inner.clone(), 0..8).prop_map(concat),
            1 => prop::collection::vec(inner, 0..6).prop_flat_map(|v| group(concat(v))),
        ]
    })
}

fn concat(parts: Vec<TokenStream>) -> TokenStream {
    parts.into_iter().collect()
}

fn parens(inner: TokenStream) -> TokenStream {
    TokenTree::Group(Group::new(Delimiter::Parenthesis, inner)).into()
}

/// `#[name args]` with `args` in any of the attribute shapes: `(…)`, `= …`, `[…]`, `{…}`,
/// nothing, or raw tokens.
fn attribute(name: &'static str, args: TokenStream) -> impl Strategy<Value = TokenStream> {
    (0..10u8).prop_map(move |shape| {
        let name = Ident::new(name, Span::call_site());
        let body = match shape {
            0 => quote!(#name),
            1 => quote!(#name = #args),
            2 => {
                let g = Group::new(Delimiter::Bracket, args.clone());
                quote!(#name #g)
            }
            3 => {
                let g = Group::new(Delimiter::Brace, args.clone());
                quote!(#name #g)
            }
            4 => quote!(#name #args),
            _ => {
                let g = parens(args.clone());
                quote!(#name #g)
            }
        };
        quote!(#[#body])
    })
}

// ---------------------------------------------------------------- near-valid attributes

/// An option value: usually a string literal, sometimes the wrong kind of token or nothing.
fn value() -> impl Strategy<Value = TokenStream> {
    prop_oneof![
        8 => string().prop_map(|s| TokenTree::Literal(Literal::string(&s)).into()),
        2 => ident().prop_map(|i| quote!(#i)),
        1 => Just(quote!(crate::hooks::check)),
        1 => Just(quote!(::a::b)),
        1 => Just(quote!(Vec<Profile>)),
        1 => literal().prop_map(|l| quote!(#l)),
        1 => soup(),
        1 => Just(TokenStream::new()),
    ]
}

/// `key = value`, mutated now and then (no `=`, doubled `=`, a group instead).
fn option(keys: &'static [&'static str]) -> impl Strategy<Value = TokenStream> {
    (
        prop_oneof![4 => prop::sample::select(keys).prop_map(|k| Ident::new(k, Span::call_site())), 1 => ident()],
        value(),
        0..12u8,
    )
        .prop_map(|(key, value, mutation)| match mutation {
            0 => quote!(#key #value),
            1 => quote!(#key = = #value),
            2 => {
                let g = parens(value);
                quote!(#key #g)
            }
            3 => quote!(#key),
            4 => quote!(#key = #value #value),
            _ => quote!(#key = #value),
        })
}

/// Items separated by commas, with now and then a missing, doubled or trailing comma.
fn list(items: Vec<TokenStream>, mutation: u8) -> TokenStream {
    let mut out = TokenStream::new();
    let n = items.len();
    for (i, item) in items.into_iter().enumerate() {
        out.extend(item);
        let last = i + 1 == n;
        match (mutation, last) {
            (0, _) if i == 0 => {}
            (1, _) => out.extend(quote!(,,)),
            (2, true) => out.extend(quote!(,)),
            (_, false) => out.extend(quote!(,)),
            (_, true) => {}
        }
    }
    out
}

const HAS_ONE_KEYS: &[&str] = &[
    "class_name",
    "foreign_key",
    "primary_key",
    "inverse_of",
    "dependent",
    "scope",
    "as",
    "foreign_type",
    "strict_loading",
    "through",
    "autosave",
    "dependant",
];

/// `#[has_one(name, option = "value", …)]`, mostly well-formed.
fn has_one() -> impl Strategy<Value = TokenStream> {
    let head = prop_oneof![
        6 => ident().prop_map(|i| quote!(#i)),
        1 => string().prop_map(|s| TokenTree::Literal(Literal::string(&s)).into()),
        1 => Just(TokenStream::new()),
        1 => option(HAS_ONE_KEYS),
    ];
    (
        head,
        prop::collection::vec(option(HAS_ONE_KEYS), 0..5),
        0..8u8,
    )
        .prop_flat_map(|(head, options, mutation)| {
            let mut items = vec![head];
            items.extend(options);
            attribute("has_one", list(items, mutation))
        })
}

/// `#[diesel(table_name = …, primary_key(…), belongs_to(…), …)]` on the struct.
fn diesel() -> impl Strategy<Value = TokenStream> {
    let item = prop_oneof![
        2 => ident().prop_map(|t| quote!(table_name = #t)),
        1 => value().prop_map(|v| quote!(table_name = #v)),
        1 => Just(quote!(table_name = crate::schema::users)),
        2 => prop::collection::vec(ident(), 0..3).prop_map(|cols| quote!(primary_key(#(#cols),*))),
        1 => Just(quote!(primary_key(a::b, "c"))),
        2 => (ident(), prop::option::of(option(&["foreign_key"]))).prop_map(|(parent, fk)| match fk {
            Some(fk) => quote!(belongs_to(#parent, #fk)),
            None => quote!(belongs_to(#parent)),
        }),
        1 => Just(quote!(belongs_to(crate::models::User, foreign_key = user_id))),
        1 => soup().prop_map(|s| {
            let g = parens(s);
            quote!(belongs_to #g)
        }),
        1 => Just(quote!(belongs_to())),
        1 => Just(quote!(belongs_to(User,))),
        1 => option(&["check_for_backend", "treat_none_as_null", "sql_type"]),
        1 => soup(),
    ];
    (prop::collection::vec(item, 0..4), 0..8u8)
        .prop_flat_map(|(items, mutation)| attribute("diesel", list(items, mutation)))
}

/// `#[model(before_destroy = path, after_destroy = path)]`.
fn model() -> impl Strategy<Value = TokenStream> {
    let keys: &'static [&'static str] = &[
        "before_destroy",
        "after_destroy",
        "polymorphic_name",
        "before_save",
    ];
    (prop::collection::vec(option(keys), 0..4), 0..8u8)
        .prop_flat_map(|(items, mutation)| attribute("model", list(items, mutation)))
}

fn soup_attribute() -> impl Strategy<Value = TokenStream> {
    (
        prop::sample::select(&["has_one", "diesel", "model"][..]),
        soup(),
    )
        .prop_flat_map(|(name, tokens)| attribute(name, tokens))
}

/// A field, sometimes with a `#[diesel(…)]` attribute.
fn field() -> impl Strategy<Value = TokenStream> {
    let attr = prop_oneof![
        4 => Just(TokenStream::new()),
        1 => ident().prop_map(|c| quote!(#[diesel(column_name = #c)])),
        1 => value().prop_map(|v| quote!(#[diesel(column_name = #v)])),
        1 => Just(quote!(#[diesel(embed)])),
        1 => Just(quote!(#[diesel(select_expression = users::id + 1)])),
        1 => soup().prop_flat_map(|s| attribute("diesel", s)),
    ];
    let ty =
        prop::sample::select(&["i32", "String", "Option<i32>", "Option<String>", "Vec<u8>"][..])
            .prop_map(|t| t.parse::<TokenStream>().unwrap());
    (attr, ident(), ty).prop_map(|(attr, name, ty)| quote!(#attr pub #name: #ty))
}

/// A struct deriving `Model` with the attributes `attrs` (in a random order).
fn item(attrs: Vec<TokenStream>, fields: Vec<TokenStream>, shape: u8) -> TokenStream {
    let body = match shape {
        0 => quote!(
            struct Owner(i32, String);
        ),
        1 => quote!(
            enum Owner {
                A,
                B,
            }
        ),
        2 => quote!(
            struct Owner<T> {
                pub id: i32,
                pub t: T,
            }
        ),
        3 => quote!(
            struct Owner;
        ),
        4 => quote!(struct r#User { pub id: i32, #(#fields,)* }),
        5 => quote!(struct __ { pub id: i32, #(#fields,)* }),
        6 => quote!(struct _1 { pub id: i32, #(#fields,)* }),
        _ => quote!(pub struct User { pub id: i32, pub name: String, #(#fields,)* }),
    };
    quote!(#(#attrs)* #body)
}

fn struct_with(
    attrs: impl Strategy<Value = Vec<TokenStream>>,
) -> impl Strategy<Value = TokenStream> {
    (
        attrs,
        prop::collection::vec(field(), 0..3),
        prop_oneof![8 => Just(9u8), 1 => 0..9u8],
    )
        .prop_map(|(attrs, fields, shape)| item(attrs, fields, shape))
}

// ---------------------------------------------------------------- the property

/// What the derive returned over a run.
#[derive(Default, Debug)]
struct Outcomes {
    expanded: Cell<u32>,
    errors: Cell<u32>,
}

/// Runs the derive on `CASES` inputs of `strategy`: no panic, and the output is a
/// `syn::File` (an expansion) or only `compile_error!` invocations with a message.
fn check(family: &str, strategy: impl Strategy<Value = TokenStream>) -> Outcomes {
    let outcomes = Outcomes::default();
    let config = Config {
        cases: CASES,
        failure_persistence: None,
        max_shrink_iters: 256,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&strategy, |input| {
        let output = catch_unwind(AssertUnwindSafe(|| crate::derive(input.clone())))
            .map_err(|_| TestCaseError::fail(format!("the derive panicked on: {input}")))?;
        let file: syn::File = syn::parse2(output.clone()).map_err(|e| {
            TestCaseError::fail(format!(
                "output is not Rust ({e}): {output}\ninput: {input}"
            ))
        })?;
        let errors: Vec<&syn::ItemMacro> = file
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Macro(m)
                    if m.mac
                        .path
                        .segments
                        .last()
                        .is_some_and(|s| s.ident == "compile_error") =>
                {
                    Some(m)
                }
                _ => None,
            })
            .collect();
        if errors.is_empty() {
            outcomes.expanded.set(outcomes.expanded.get() + 1);
            return Ok(());
        }
        if errors.len() != file.items.len() {
            return Err(TestCaseError::fail(format!(
                "compile_error! mixed with an expansion: {output}\ninput: {input}"
            )));
        }
        for e in errors {
            let message: syn::LitStr = e.mac.parse_body().map_err(|_| {
                TestCaseError::fail(format!(
                    "compile_error! without a message: {output}\ninput: {input}"
                ))
            })?;
            if message.value().trim().is_empty() {
                return Err(TestCaseError::fail(format!(
                    "empty compile_error!: {output}\ninput: {input}"
                )));
            }
        }
        outcomes.errors.set(outcomes.errors.get() + 1);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{family}: {e}");
    }
    eprintln!(
        "proptest {family}: {CASES} cases, {} expanded, {} compile errors",
        outcomes.expanded.get(),
        outcomes.errors.get()
    );
    outcomes
}

#[test]
fn token_soup_in_every_attribute() {
    check(
        "soup",
        struct_with(prop::collection::vec(
            prop_oneof![4 => soup_attribute(), 1 => has_one(), 1 => diesel()],
            0..4,
        )),
    );
}

#[test]
fn near_valid_has_one() {
    let attrs = (
        has_one(),
        prop::collection::vec(has_one(), 0..2),
        prop::option::of(diesel()),
    )
        .prop_map(|(first, more, diesel)| {
            let mut attrs: Vec<TokenStream> = diesel.into_iter().collect();
            attrs.push(first);
            attrs.extend(more);
            attrs
        });
    let outcomes = check("has_one", struct_with(attrs));
    assert!(
        outcomes.expanded.get() > 0,
        "no input got past the parser: {outcomes:?}"
    );
}

#[test]
fn near_valid_diesel_and_model() {
    let attrs = (
        prop::collection::vec(diesel(), 1..3),
        prop::collection::vec(model(), 0..3),
        prop::option::of(has_one()),
    )
        .prop_map(|(diesel, model, has_one)| {
            diesel.into_iter().chain(model).chain(has_one).collect()
        });
    let outcomes = check("diesel + model", struct_with(attrs));
    assert!(
        outcomes.expanded.get() > 0,
        "no input got past the parser: {outcomes:?}"
    );
}
