//! `#[has_one(name, option = "value", …)]`.

use proc_macro2::Span;
use syn::parse::{ParseStream, Parser};
use syn::{Ident, LitStr, Path, Token};

use crate::ast::{Association, Dependent};
use crate::ctxt::Ctxt;
use crate::names;

/// Every option `has_one` accepts, for the "unknown option" message.
const OPTIONS: &[&str] = &[
    "class_name",
    "foreign_key",
    "primary_key",
    "inverse_of",
    "dependent",
];

/// Parses every `#[has_one(…)]` of the struct `owner`.
pub fn parse_all(attrs: &[syn::Attribute], owner: &Ident, cx: &mut Ctxt) -> Vec<Association> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("has_one"))
        .filter_map(|attr| {
            let list = match &attr.meta {
                syn::Meta::List(list) => list,
                other => {
                    cx.error(
                        other,
                        "missing association name: write `#[has_one(name, …)]`, e.g. `#[has_one(profile)]`",
                    );
                    return None;
                }
            };
            let span = list.delimiter.span().join();
            let parser = |input: ParseStream| parse_one(input, owner, span, cx);
            match parser.parse2(list.tokens.clone()) {
                Ok(a) => a,
                Err(e) => {
                    cx.push(e);
                    None
                }
            }
        })
        .collect()
}

/// The raw options of one declaration, each with the key's span.
#[derive(Default)]
struct Options {
    class_name: Option<Path>,
    foreign_key: Option<Ident>,
    primary_key: Option<Ident>,
    inverse_of: Option<Ident>,
    dependent: Option<(Dependent, LitStr)>,
}

fn parse_one(
    input: ParseStream,
    owner: &Ident,
    span: Span,
    cx: &mut Ctxt,
) -> syn::Result<Option<Association>> {
    if input.is_empty() {
        return Err(syn::Error::new(
            span,
            "missing association name: write `#[has_one(name, …)]`, e.g. `#[has_one(profile)]`",
        ));
    }
    if input.peek(Ident) && input.peek2(Token![=]) {
        return Err(input.error(
            "missing association name: the first item is the name, e.g. `#[has_one(profile, dependent = \"destroy\")]`",
        ));
    }
    let name: Ident = input.parse().map_err(|e| {
        syn::Error::new(
            e.span(),
            "expected the association name, e.g. `#[has_one(profile)]`",
        )
    })?;
    let mut opts = Options::default();
    let mut seen: Vec<Ident> = Vec::new();
    while !input.is_empty() {
        input.parse::<Token![,]>()?;
        if input.is_empty() {
            break;
        }
        let key: Ident = input.call(syn::ext::IdentExt::parse_any)?;
        input.parse::<Token![=]>()?;
        let value: LitStr = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                format!("expected a string literal: `{key} = \"…\"`"),
            )
        })?;
        if seen.iter().any(|k| *k == key) {
            cx.error(&key, format!("duplicate option `{key}`: give it once"));
            continue;
        }
        seen.push(key.clone());
        match key.to_string().as_str() {
            "class_name" => {
                opts.class_name = cx.ok(value.parse::<Path>().map_err(|_| {
                    syn::Error::new(
                        value.span(),
                        "`class_name` must be a type path, e.g. `class_name = \"crate::models::Person\"`",
                    )
                }))
            }
            "foreign_key" => opts.foreign_key = cx.ok(column(&key, &value)),
            "primary_key" => opts.primary_key = cx.ok(column(&key, &value)),
            "inverse_of" => opts.inverse_of = cx.ok(column(&key, &value)),
            "dependent" => opts.dependent = cx.ok(dependent(&value)).map(|d| (d, value)),
            _ => cx.error(
                &key,
                format!(
                    "unknown `has_one` option `{key}`; valid options are {}",
                    list(OPTIONS)
                ),
            ),
        }
    }
    let association = Association {
        target: opts.class_name.unwrap_or_else(|| names::class_of(&name)),
        foreign_key: opts
            .foreign_key
            .unwrap_or_else(|| names::foreign_key_of(owner, name.span())),
        primary_key: opts.primary_key,
        inverse_of: opts.inverse_of,
        dependent: opts.dependent,
        name,
    };
    Ok(Some(association))
}

/// A column or association name given as a string (`foreign_key = "user_id"`), keeping the
/// literal's span.
fn column(key: &Ident, value: &LitStr) -> syn::Result<Ident> {
    value.parse::<Ident>().map_err(|_| {
        syn::Error::new(
            value.span(),
            format!("`{key}` must be a single identifier, e.g. `{key} = \"user_id\"`"),
        )
    })
}

fn dependent(value: &LitStr) -> syn::Result<Dependent> {
    let text = value.value();
    Dependent::ALL
        .iter()
        .find(|(name, _)| *name == text)
        .map(|(_, d)| *d)
        .ok_or_else(|| {
            let names: Vec<&str> = Dependent::ALL.iter().map(|(n, _)| *n).collect();
            let hint = if text == "destroy_async" {
                " (`destroy_async` is not supported yet)"
            } else {
                ""
            };
            syn::Error::new(
                value.span(),
                format!(
                    "unknown `dependent` value \"{text}\"{hint}; valid values are {}",
                    list(&names)
                ),
            )
        })
}

fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
