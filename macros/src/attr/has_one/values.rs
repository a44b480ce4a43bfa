//! Reading one option's value: `= "…"`, `= true`, and what a string value names (a column,
//! a type path, a scope function, a `dependent` mode). Every reader keeps the literal's span.

use quote::ToTokens;
use syn::parse::ParseStream;
use syn::{Ident, LitStr, Path, Token};

use crate::ast::{Dependent, Scope};
use crate::ctxt::Ctxt;

/// Reads `= "value"` after the option `key`. A value that is not a string literal is
/// reported and skipped (`Ok(None)`), so the following options are still checked.
pub fn string(input: ParseStream, key: &Ident, cx: &mut Ctxt) -> syn::Result<Option<LitStr>> {
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
    let tokens = rest(input)?;
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

/// Reads `= true` or `= false` after the flag `key`; anything else is reported and skipped
/// (`Ok(None)`).
pub fn flag(input: ParseStream, key: &Ident, cx: &mut Ctxt) -> syn::Result<Option<bool>> {
    if !input.peek(Token![=]) {
        cx.error(key, format!("`{key}` needs a value: write `{key} = true`"));
        return Ok(None);
    }
    input.parse::<Token![=]>()?;
    if input.peek(syn::LitBool) {
        return input.parse::<syn::LitBool>().map(|b| Some(b.value));
    }
    let tokens = rest(input)?;
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

/// The tokens up to the next top-level comma.
fn rest(input: ParseStream) -> syn::Result<proc_macro2::TokenStream> {
    let mut tokens = proc_macro2::TokenStream::new();
    while !input.is_empty() && !input.peek(Token![,]) {
        tokens.extend([input.parse::<proc_macro2::TokenTree>()?]);
    }
    Ok(tokens)
}

/// `scope = "path"` or `scope = "path(owner)"`, keeping the literal's span.
pub fn scope(value: &LitStr) -> syn::Result<Scope> {
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
pub fn class_name(value: &LitStr) -> syn::Result<Path> {
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

/// A column or association name given as a string (`foreign_key = "user_id"`), keeping the
/// literal's span; `example` is the value the error suggests.
pub fn column(key: &Ident, value: &LitStr, example: &str) -> syn::Result<Ident> {
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

/// `dependent = "destroy"` and the other modes of [`Dependent::ALL`].
pub fn dependent(value: &LitStr) -> syn::Result<Dependent> {
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

/// `a`, `b` → "`a`, `b`".
pub fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
