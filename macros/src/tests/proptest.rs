//! Bad input: random attribute token streams on a struct, fed to the derive's inner
//! function. Whatever the tokens, the derive never panics and returns either code that
//! parses as a `syn::File`, or one or more `compile_error!` invocations followed by the
//! fallback stub (`expand::fallback`), itself Rust.
//!
//! Three families of input: token soup (random idents, literals, punctuation and nested
//! groups inside `#[has_one …]`, `#[diesel …]`, `#[model …]`), near-valid attributes
//! (known options and values, mutated: a missing `=` or `,`, a value of the wrong kind,
//! duplicates, unknown names) that reach the parsers' deep paths, and near-valid structs
//! (field attributes, generics, tuple structs, enums, no fields, only `embed` fields).
//!
//! The default `cargo test` run is deterministic: every family runs from the committed
//! [`SEED`], and [`REGRESSIONS`] replays, as an ordinary test, every input a run has ever
//! failed on. Random exploration is a separate command:
//!
//! ```text
//! PROPTEST_RANDOM=1 cargo test -p diesel_has_one_macros proptest      # a fresh seed, printed
//! PROPTEST_RANDOM=1 PROPTEST_RNG_SEED=<seed> cargo test -p diesel_has_one_macros proptest  # replay it
//! ```
//!
//! (`PROPTEST_CASES=<n>` sets the cases per family there.) A failure prints the seed and the
//! shrunk input: fix the bug, then add the input to [`REGRESSIONS`].

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, RngSeed, TestCaseError, TestRunner};
use quote::quote;

/// Cases per family in the default run.
const CASES: u32 = 3_000;

/// The default run's seed (ChaCha): the same cases on every run and every machine.
const SEED: u64 = 0x6861_735f_6f6e_6539;

/// Every input a run has failed on, replayed by [`regressions`] in the default run, with
/// what the derive must do with it.
const REGRESSIONS: &[(&str, Want, &str)] = &[
    // 545268e / c03e3ff: inferred names without a PascalCase or snake_case form panicked
    // in `Ident::new` (`__` → ``, `_1` → `1`).
    (
        "association named `__`",
        Want::Expansion,
        "#[has_one(__)] pub struct User { pub id: i32 }",
    ),
    (
        "association named `_1`",
        Want::Expansion,
        "#[has_one(_1)] pub struct User { pub id: i32 }",
    ),
    (
        "model named `__`",
        Want::Expansion,
        "#[has_one(profile)] struct __ { pub id: i32 }",
    ),
    (
        "model named `_1`",
        Want::Expansion,
        "#[has_one(profile)] struct _1 { pub id: i32 }",
    ),
    (
        "raw identifiers",
        Want::Expansion,
        "#[has_one(r#type, foreign_key = \"r#fn\")] struct r#User { pub id: i32 }",
    ),
    (
        "non-ASCII association name",
        Want::Expansion,
        "#[has_one(ünï)] pub struct User { pub id: i32 }",
    ),
    // eadb3ff: a generic `table_name` was pasted as `Vec<Profile>::table`.
    (
        "generic table_name",
        Want::Error,
        "#[diesel(table_name = Vec<Profile>)] pub struct User { pub id: i32 }",
    ),
    // issue 9 item 4: a type-style generic hook path was pasted as an expression
    // ("comparison operators cannot be chained").
    (
        "hook with a type-style generic path",
        Want::Error,
        "#[diesel(table_name = users)] #[model(before_destroy = Vec<Profile>)] pub struct User { pub id: i32 }",
    ),
    (
        "hook with generic arguments without turbofish",
        Want::Error,
        "#[model(after_destroy = check<i32>)] pub struct User { pub id: i32 }",
    ),
    (
        "hook with a turbofish",
        Want::Expansion,
        "#[model(before_destroy = crate::hooks::check::<i32>, after_destroy = check::<User, i64>)] pub struct User { pub id: i32 }",
    ),
    (
        "hook that is a call",
        Want::Error,
        "#[model(before_destroy = check())] pub struct User { pub id: i32 }",
    ),
    (
        "hook that is a qualified path",
        Want::Error,
        "#[model(before_destroy = <User as Hooks>::check)] pub struct User { pub id: i32 }",
    ),
    (
        "class_name with generic arguments",
        Want::Error,
        "#[has_one(profile, class_name = \"Vec<Profile>\")] pub struct User { pub id: i32 }",
    ),
    (
        "scope with a turbofish",
        Want::Expansion,
        "#[has_one(profile, scope = \"latest::<i32>\")] pub struct User { pub id: i32 }",
    ),
    (
        "scope with a type-style generic path",
        Want::Error,
        "#[has_one(profile, scope = \"latest<i32>(owner)\")] pub struct User { pub id: i32 }",
    ),
    // issue 9 item 8: no column field panicked on "validated: the primary key has a field".
    ("struct without fields", Want::Error, "pub struct User {}"),
    (
        "struct without fields, with a has_one",
        Want::Error,
        "#[has_one(profile)] pub struct User {}",
    ),
    (
        "struct with only an embed field",
        Want::Error,
        "#[has_one(profile)] pub struct User { #[diesel(embed)] pub inner: Inner }",
    ),
    (
        "struct with only a select_expression field",
        Want::Error,
        "pub struct User { #[diesel(select_expression = users::id + 1)] pub id: i32 }",
    ),
    (
        "empty primary_key()",
        Want::Error,
        "#[diesel(primary_key())] #[has_one(profile)] pub struct User { pub id: i32 }",
    ),
];

/// What the derive must return for a regression input.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Want {
    /// Code without `compile_error!`.
    Expansion,
    /// `compile_error!`s, then the fallback stub.
    Error,
}

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
    "deprecated",
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
    "latest::<i32>",
    "newer_than::<User>(owner)",
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
        1 => Just(quote!(check::<i32>)),
        1 => Just(quote!(<User as Hooks>::check)),
        1 => Just(quote!(check())),
        1 => Just(quote!(true)),
        1 => Just(quote!(false)),
        1 => literal().prop_map(|l| quote!(#l)),
        1 => soup(),
        1 => Just(TokenStream::new()),
    ]
}

/// `key = value`, mutated now and then (no `=`, doubled `=`, a group instead).
fn option(keys: impl Into<Vec<&'static str>>) -> impl Strategy<Value = TokenStream> {
    let keys: Vec<&'static str> = keys.into();
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

/// The keys of `#[has_one(…)]`: every option of the table, and near misses.
fn has_one_keys() -> Vec<&'static str> {
    let mut keys = crate::attr::has_one::option_names();
    keys.extend(["dependant", "touchh", "query_constraints"]);
    keys
}

/// `#[has_one(name, option = "value", …)]`, mostly well-formed.
fn has_one() -> impl Strategy<Value = TokenStream> {
    let head = prop_oneof![
        6 => ident().prop_map(|i| quote!(#i)),
        1 => string().prop_map(|s| TokenTree::Literal(Literal::string(&s)).into()),
        1 => Just(TokenStream::new()),
        1 => option(has_one_keys()),
    ];
    (
        head,
        prop::collection::vec(option(has_one_keys()), 0..5),
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
        2 => (ident(), prop::option::of(option(["foreign_key"]))).prop_map(|(parent, fk)| match fk {
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
        1 => option(["check_for_backend", "treat_none_as_null", "sql_type"]),
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
        7 => quote!(
            pub struct User {}
        ),
        8 => quote!(pub struct User { #[diesel(embed)] pub inner: Inner, #(#fields,)* }),
        9 => quote!(pub struct User { #(#fields,)* }),
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
        prop_oneof![10 => Just(u8::MAX), 1 => 0..10u8],
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

/// The runner's seed: [`SEED`], or with `PROPTEST_RANDOM=1` the seed in `PROPTEST_RNG_SEED`
/// or a fresh one.
fn seed() -> u64 {
    let random = std::env::var("PROPTEST_RANDOM").is_ok_and(|v| !v.is_empty() && v != "0");
    if !random {
        return SEED;
    }
    if let RngSeed::Fixed(seed) = Config::default().rng_seed {
        return seed;
    }
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.finish()
}

/// The property on one input: no panic, and the output is a `syn::File`: an expansion, or
/// `compile_error!` invocations with a message followed by exactly the fallback stub.
fn property(input: &TokenStream) -> Result<Want, TestCaseError> {
    let output = catch_unwind(AssertUnwindSafe(|| crate::derive(input.clone())))
        .map_err(|_| TestCaseError::fail(format!("the derive panicked on: {input}")))?;
    let file: syn::File = syn::parse2(output.clone()).map_err(|e| {
        TestCaseError::fail(format!(
            "output is not Rust ({e}): {output}\ninput: {input}"
        ))
    })?;
    let is_error = |item: &syn::Item| match item {
        syn::Item::Macro(m) => m
            .mac
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "compile_error"),
        _ => false,
    };
    let errors = file.items.iter().take_while(|item| is_error(item)).count();
    if errors == 0 {
        return match file.items.iter().any(is_error) {
            false => Ok(Want::Expansion),
            true => Err(TestCaseError::fail(format!(
                "compile_error! inside an expansion: {output}\ninput: {input}"
            ))),
        };
    }
    let (errors, rest) = file.items.split_at(errors);
    let stub = syn::parse2::<syn::DeriveInput>(input.clone())
        .map(|input| crate::expand::fallback(&input))
        .unwrap_or_default();
    let stub: syn::File = syn::parse2(stub)
        .map_err(|e| TestCaseError::fail(format!("the stub is not Rust ({e}); input: {input}")))?;
    if quote!(#(#rest)*).to_string() != quote!(#stub).to_string() {
        return Err(TestCaseError::fail(format!(
            "compile_error! followed by something else than the fallback stub: {output}\ninput: {input}"
        )));
    }
    for e in errors {
        let syn::Item::Macro(e) = e else {
            unreachable!("counted as errors")
        };
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
    Ok(Want::Error)
}

/// Runs [`property`] on `CASES` inputs of `strategy` from [`seed`].
fn check(family: &str, strategy: impl Strategy<Value = TokenStream>) -> Outcomes {
    let outcomes = Outcomes::default();
    let seed = seed();
    let cases = match std::env::var("PROPTEST_CASES") {
        Ok(n) if seed != SEED => n.parse().unwrap_or(CASES),
        _ => CASES,
    };
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 256,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(seed),
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&strategy, |input| {
        let counter = match property(&input)? {
            Want::Expansion => &outcomes.expanded,
            Want::Error => &outcomes.errors,
        };
        counter.set(counter.get() + 1);
        Ok(())
    });
    if let Err(e) = result {
        panic!(
            "{family} (seed {seed}; replay: PROPTEST_RANDOM=1 PROPTEST_RNG_SEED={seed} cargo test -p diesel_has_one_macros proptest): {e}\n\
             after the fix, add the input to REGRESSIONS in macros/src/tests/proptest.rs"
        );
    }
    eprintln!(
        "proptest {family}: seed {seed}, {cases} cases, {} expanded, {} compile errors",
        outcomes.expanded.get(),
        outcomes.errors.get()
    );
    outcomes
}

/// Every input a run has ever failed on.
#[test]
fn regressions() {
    let mut failures = Vec::new();
    for (what, want, input) in REGRESSIONS {
        let tokens: TokenStream = input.parse().expect("a regression input is tokens");
        match property(&tokens) {
            Ok(got) if got == *want => {}
            Ok(got) => failures.push(format!("{what}: wanted {want:?}, got {got:?}: {input}")),
            Err(e) => failures.push(format!("{what}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
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
