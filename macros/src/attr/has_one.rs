//! `#[has_one(name, option = "value", …)]`.

use proc_macro2::Span;
use quote::ToTokens;
use syn::parse::{ParseStream, Parser};
use syn::{Ident, LitStr, Path, Token};

use crate::ast::{Association, Dependent, Polymorphic, Scope, Through};
use crate::ctxt::Ctxt;
use crate::names;

/// Every option `has_one` accepts, for the "unknown option" message.
const OPTIONS: &[&str] = &[
    "class_name",
    "foreign_key",
    "primary_key",
    "inverse_of",
    "dependent",
    "as",
    "foreign_type",
    "strict_loading",
    "scope",
    "through",
    "source",
    "source_type",
    "disable_joins",
    "ensuring_owner_was",
    "autosave",
    "validate",
    "required",
    "touch",
];

/// Options whose value is `true` or `false`.
const FLAGS: &[&str] = &[
    "strict_loading",
    "disable_joins",
    "autosave",
    "validate",
    "required",
    "touch",
];

/// Options the `through` chain's source association decides (Rails ignores them with
/// `through`; here they are errors).
const NOT_WITH_THROUGH: &[&str] = &[
    "class_name",
    "foreign_key",
    "primary_key",
    "inverse_of",
    "dependent",
    "as",
    "foreign_type",
    "scope",
    "autosave",
    "validate",
    "required",
    "touch",
    "ensuring_owner_was",
];

/// Options that only mean something with `through`.
const ONLY_WITH_THROUGH: &[&str] = &["source", "source_type", "disable_joins"];

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
    as_: Option<Ident>,
    foreign_type: Option<(Ident, Ident)>,
    strict_loading: Option<Span>,
    scope: Option<Scope>,
    through: Option<Ident>,
    source: Option<Ident>,
    source_type: Option<LitStr>,
    disable_joins: bool,
    ensuring_owner_was: Option<Ident>,
    autosave: Option<bool>,
    validate: bool,
    required: bool,
    touch: Option<Ident>,
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
    if input.peek(LitStr) {
        let lit: LitStr = input.parse()?;
        return Err(syn::Error::new(
            lit.span(),
            format!(
                "the association name is an identifier, not a string: write `#[has_one({})]`",
                lit.value()
            ),
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
    let mut previous = name.to_string();
    while !input.is_empty() {
        if !input.peek(Token![,]) {
            return Err(input.error(format!(
                "expected `,` after `{previous}`: write `#[has_one(name, option = \"…\", …)]`"
            )));
        }
        input.parse::<Token![,]>()?;
        if input.is_empty() {
            break;
        }
        let key: Ident = input.call(syn::ext::IdentExt::parse_any).map_err(|e| {
            syn::Error::new(
                e.span(),
                format!(
                    "expected an option name; valid options are {}",
                    list(OPTIONS)
                ),
            )
        })?;
        previous = format!("{key} = …");
        // `touch` is a flag or a column name (`touch = "touched_at"`).
        let touch_column = key == "touch" && input.peek2(LitStr);
        if !touch_column && FLAGS.contains(&key.to_string().as_str()) {
            let Some(flag) = flag_value(input, &key, cx)? else {
                continue;
            };
            if seen.contains(&key) {
                cx.error(&key, format!("duplicate option `{key}`: give it once"));
                continue;
            }
            seen.push(key.clone());
            match key.to_string().as_str() {
                "strict_loading" => opts.strict_loading = flag.value.then_some(key.span()),
                "disable_joins" => opts.disable_joins = flag.value,
                "autosave" => opts.autosave = Some(flag.value),
                "validate" => opts.validate = flag.value,
                "required" => opts.required = flag.value,
                _ => opts.touch = flag.value.then(|| names::ident("updated_at", key.span())),
            }
            continue;
        }
        let Some(value) = option_value(input, &key, cx)? else {
            continue;
        };
        if seen.contains(&key) {
            cx.error(&key, format!("duplicate option `{key}`: give it once"));
            continue;
        }
        seen.push(key.clone());
        match key.to_string().as_str() {
            "as" => opts.as_ = cx.ok(column(&key, &value, "imageable")),
            "scope" => opts.scope = cx.ok(scope(&value)),
            "through" => opts.through = cx.ok(column(&key, &value, "membership")),
            "source" => opts.source = cx.ok(column(&key, &value, "club")),
            "source_type" => opts.source_type = Some(value),
            "touch" => opts.touch = cx.ok(column(&key, &value, "updated_at")),
            "ensuring_owner_was" => {
                opts.ensuring_owner_was = cx.ok(column(&key, &value, "discarded"))
            }
            "foreign_type" => {
                opts.foreign_type = cx
                    .ok(column(&key, &value, "imageable_type"))
                    .map(|t| (key.clone(), t))
            }
            "class_name" => opts.class_name = cx.ok(class_name(&value)),
            "foreign_key" => opts.foreign_key = cx.ok(column(&key, &value, "user_id")),
            "primary_key" => opts.primary_key = cx.ok(column(&key, &value, "id")),
            "inverse_of" => opts.inverse_of = cx.ok(column(&key, &value, "user")),
            "dependent" => opts.dependent = cx.ok(dependent(&value)).map(|d| (d, value)),
            _ => cx.error(&key, unknown_option(&key)),
        }
    }
    if let (Some((key, _)), None) = (&opts.foreign_type, &opts.as_) {
        cx.error(
            key,
            "`foreign_type` belongs to a polymorphic association: add `as = \"…\"` (the interface name, e.g. `as = \"imageable\"`) or remove `foreign_type`",
        );
    }
    let polymorphic = opts.as_.map(|interface| Polymorphic {
        foreign_type: opts
            .foreign_type
            .map(|(_, t)| t)
            .unwrap_or_else(|| names::ident(&format!("{interface}_type"), interface.span())),
        name: interface,
    });
    let default_foreign_key = match &polymorphic {
        Some(p) => names::ident(&format!("{}_id", p.name), p.name.span()),
        None => names::foreign_key_of(owner, name.span()),
    };
    let conflicting: &[&str] = if opts.through.is_some() {
        NOT_WITH_THROUGH
    } else {
        ONLY_WITH_THROUGH
    };
    for key in seen
        .iter()
        .filter(|k| conflicting.contains(&k.to_string().as_str()))
    {
        let message = match (opts.through.is_some(), key.to_string().as_str()) {
            (true, "dependent") => "`dependent` has no effect with `through` (Rails ignores it silently): declare it on the join model's association instead".to_owned(),
            (true, "scope") => format!("`scope` is not supported with `through`: remove it and refine the chain's query, `owner.{name}_query().filter(…)`"),
            (true, "as") => "`as` is not used with `through`: a `through` association is never polymorphic itself (the source association on the join model decides; Rails ignores it silently); remove it".to_owned(),
            (true, k) => format!("`{k}` is not used with `through`: the source association on the join model decides (Rails ignores it silently); remove it"),
            (false, k) => format!("`{k}` belongs to a `through` association: add `through = \"…\"` or remove `{k}`"),
        };
        cx.error(key, message);
    }
    // With `through`, `ensuring_owner_was` is already reported above (as `dependent` is).
    if let (Some(method), None) = (&opts.ensuring_owner_was, &opts.through) {
        if !matches!(opts.dependent, Some((Dependent::DestroyAsync, _))) {
            cx.error(
                method,
                "`ensuring_owner_was` only applies to `dependent = \"destroy_async\"`: add it or remove `ensuring_owner_was`",
            );
        }
    }
    let through = opts.through.map(|via| Through {
        via,
        source: opts.source.unwrap_or_else(|| name.clone()),
        source_type: opts.source_type,
        disable_joins: opts.disable_joins,
    });
    let association = Association {
        ensuring_owner_was: opts.ensuring_owner_was,
        autosave: opts.autosave,
        validate: opts.validate,
        required: opts.required,
        touch: opts.touch,
        through,
        target: opts.class_name.unwrap_or_else(|| names::class_of(&name)),
        foreign_key: opts.foreign_key.unwrap_or(default_foreign_key),
        primary_key: opts.primary_key,
        inverse_of: opts.inverse_of,
        dependent: opts.dependent,
        polymorphic,
        strict_loading: opts.strict_loading,
        scope: opts.scope,
        name,
    };
    Ok(Some(association))
}

/// Reads `= "value"` after the option `key`. A value that is not a string literal is
/// reported and skipped (`Ok(None)`), so the following options are still checked.
fn option_value(input: ParseStream, key: &Ident, cx: &mut Ctxt) -> syn::Result<Option<LitStr>> {
    if !input.peek(Token![=]) {
        let message = format!("`{key}` needs a value: write `{key} = \"…\"`");
        return if input.is_empty() || input.peek(Token![,]) {
            cx.error(key, message);
            Ok(None)
        } else {
            Err(input.error(message))
        };
    }
    input.parse::<Token![=]>()?;
    if input.peek(LitStr) {
        return input.parse().map(Some);
    }
    let mut tokens = proc_macro2::TokenStream::new();
    while !input.is_empty() && !input.peek(Token![,]) {
        tokens.extend([input.parse::<proc_macro2::TokenTree>()?]);
    }
    let text = tokens.to_string().replace(' ', "");
    let message = if text.is_empty() {
        format!("`{key}` needs a value: write `{key} = \"…\"`")
    } else {
        format!("`{key}` takes a string literal: write `{key} = \"{text}\"`")
    };
    if tokens.is_empty() {
        cx.error(key, message);
    } else {
        cx.error(tokens, message);
    }
    Ok(None)
}

/// Rails `has_one` options this crate does not implement, named as such in the error.
/// `scope = "path"` or `scope = "path(owner)"`, keeping the literal's span.
fn scope(value: &LitStr) -> syn::Result<Scope> {
    let wrong = || {
        syn::Error::new(
            value.span(),
            format!(
                "`scope` names a function: `scope = \"latest\"` for `fn latest(table) -> …`, or `scope = \"newer_than(owner)\"` for `fn newer_than(table, &Owner) -> …`; not \"{}\"",
                value.value()
            ),
        )
    };
    match value.parse::<syn::Expr>().map_err(|_| wrong())? {
        syn::Expr::Path(p) if p.qself.is_none() => Ok(Scope {
            path: p.path,
            takes_owner: false,
        }),
        syn::Expr::Call(call) => match (*call.func, call.args.len()) {
            (syn::Expr::Path(p), 1)
                if p.qself.is_none()
                    && matches!(&call.args[0], syn::Expr::Path(a) if a.path.is_ident("owner")) =>
            {
                Ok(Scope {
                    path: p.path,
                    takes_owner: true,
                })
            }
            _ => Err(wrong()),
        },
        _ => Err(wrong()),
    }
}

/// `class_name = "crate::models::Profile"`, keeping the literal's span. A model is never
/// generic, so the path has no generic arguments (`Vec<Profile>` would be pasted where a
/// path to the model goes).
fn class_name(value: &LitStr) -> syn::Result<Path> {
    value.parse_with(Path::parse_mod_style).map_err(|_| {
        let message = if value.parse::<Path>().is_ok() {
            format!(
                "`class_name` names a model, which has no generic arguments: write its path alone, e.g. `class_name = \"crate::models::Profile\"`, not `{}`",
                value.value()
            )
        } else {
            format!(
                "`class_name` must be a type path such as `Profile` or `crate::models::Profile`, not `{}`",
                value.value()
            )
        };
        syn::Error::new(value.span(), message)
    })
}

/// The value of a flag option (`strict_loading = true`).
fn flag_value(input: ParseStream, key: &Ident, cx: &mut Ctxt) -> syn::Result<Option<syn::LitBool>> {
    if !input.peek(Token![=]) {
        cx.error(key, format!("`{key}` needs a value: write `{key} = true`"));
        return Ok(None);
    }
    input.parse::<Token![=]>()?;
    if input.peek(syn::LitBool) {
        return input.parse().map(Some);
    }
    let mut tokens = proc_macro2::TokenStream::new();
    while !input.is_empty() && !input.peek(Token![,]) {
        tokens.extend([input.parse::<proc_macro2::TokenTree>()?]);
    }
    cx.error(
        if tokens.is_empty() {
            key.to_token_stream()
        } else {
            tokens
        },
        format!("`{key}` takes `true` or `false`, without quotes: write `{key} = true`"),
    );
    Ok(None)
}

const RAILS_UNSUPPORTED: &[&str] = &["query_constraints"];

fn unknown_option(key: &Ident) -> String {
    let text = key.to_string();
    let hint = if RAILS_UNSUPPORTED.contains(&text.as_str()) {
        format!(" (Rails' `{text}:` is not supported)")
    } else if let Some(near) = OPTIONS.iter().find(|o| edit_distance(o, &text) <= 2) {
        format!(" (did you mean `{near}`?)")
    } else {
        String::new()
    };
    format!(
        "unknown `has_one` option `{text}`{hint}; valid options are {}",
        list(OPTIONS)
    )
}

/// Levenshtein distance, for "did you mean" hints.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// A column or association name given as a string (`foreign_key = "user_id"`), keeping the
/// literal's span.
fn column(key: &Ident, value: &LitStr, example: &str) -> syn::Result<Ident> {
    value.parse::<Ident>().map_err(|_| {
        syn::Error::new(
            value.span(),
            format!(
                "`{key}` must be a single identifier, e.g. `{key} = \"{example}\"`, not \"{}\"",
                value.value()
            ),
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
            syn::Error::new(
                value.span(),
                format!(
                    "unknown `dependent` value \"{text}\"; valid values are {}",
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
