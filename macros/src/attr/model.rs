//! `#[model(before_destroy = path, after_destroy = path, async_hooks, async_jobs,
//! polymorphic_name = "…", timestamps = false)]`.

use proc_macro2::{TokenStream, TokenTree};
use syn::parse::discouraged::Speculative;
use syn::parse::ParseStream;
use syn::spanned::Spanned;
use syn::{Path, Token};

use crate::ast::Hooks;
use crate::ctxt::Ctxt;

const VALID: &str = "`before_destroy`, `after_destroy`, `async_hooks`, `async_jobs`, `polymorphic_name`, `timestamps`";

/// Reads the destroy hooks.
pub fn parse(attrs: &[syn::Attribute], cx: &mut Ctxt) -> Hooks {
    let mut hooks = Hooks::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("model")) {
        let result = attr.parse_nested_meta(|meta| {
            let name = meta
                .path
                .get_ident()
                .map_or_else(|| "…".to_owned(), ToString::to_string);
            if meta.path.is_ident("polymorphic_name") {
                if hooks.polymorphic_name.is_some() {
                    return Err(meta.error("duplicate `polymorphic_name`: give it once"));
                }
                hooks.polymorphic_name = Some(meta.value()?.parse().map_err(|e| {
                    syn::Error::new(
                        e.span(),
                        "`polymorphic_name` takes a string literal, e.g. `polymorphic_name = \"User\"`",
                    )
                })?);
                return Ok(());
            }
            if meta.path.is_ident("async_hooks") || meta.path.is_ident("async_jobs") {
                let slot = match meta.path.is_ident("async_hooks") {
                    true => &mut hooks.async_hooks,
                    false => &mut hooks.async_jobs,
                };
                return flag(&name, &meta, slot);
            }
            if meta.path.is_ident("timestamps") {
                let value: syn::LitBool = meta.value()?.parse().map_err(|e| {
                    syn::Error::new(
                        e.span(),
                        "`timestamps` takes `true` or `false`, e.g. `timestamps = false`",
                    )
                })?;
                hooks.no_timestamps = !value.value;
                return Ok(());
            }
            let slot = if meta.path.is_ident("before_destroy") {
                &mut hooks.before_destroy
            } else if meta.path.is_ident("after_destroy") {
                &mut hooks.after_destroy
            } else {
                return Err(meta.error(format!(
                    "unknown `model` option `{name}`; valid options are {VALID}"
                )));
            };
            if slot.is_some() {
                return Err(meta.error(format!("duplicate `{name}`: give each hook once")));
            }
            *slot = Some(hook_path(&name, &meta.path, meta.value()?)?);
            Ok(())
        });
        cx.ok(result);
    }
    hooks
}

/// A flag (`async_hooks`, `async_jobs`): no value, given once.
fn flag(
    name: &str,
    meta: &syn::meta::ParseNestedMeta,
    slot: &mut Option<proc_macro2::Span>,
) -> syn::Result<()> {
    if !ends(meta.input) {
        return Err(meta.error(format!(
            "`{name}` is a flag: write `{name}`, without a value"
        )));
    }
    if slot.is_some() {
        return Err(meta.error(format!("duplicate `{name}`: give it once")));
    }
    *slot = Some(meta.path.span());
    Ok(())
}

/// A hook's value, read as serde reads `serialize_with`: an expression path (`check`,
/// `crate::hooks::check`, `check::<User>`), since it is pasted where a function value goes.
/// Anything else (a string, a type such as `check<User>`, a call, a qualified path) is one
/// error spanned on the whole value that shows what to write.
fn hook_path(name: &str, key: &Path, value: ParseStream) -> syn::Result<Path> {
    if value.peek(syn::LitStr) {
        let lit: syn::LitStr = value.parse()?;
        return Err(syn::Error::new(
            lit.span(),
            format!(
                "`{name}` takes a function path without quotes: write `{name} = {}`",
                lit.value()
            ),
        ));
    }
    if ends(value) {
        return Err(syn::Error::new_spanned(
            key,
            format!("`{name}` needs a function path: write `{name} = check_not_locked`"),
        ));
    }
    // Each reading on a fork: generic arguments hold commas (`check::<A, B>`), so the value
    // ends where a whole path, type or call ends, not at the first comma.
    if let Some(read) = read_whole(value, |v| v.parse::<syn::ExprPath>()) {
        return expression_path(name, read);
    }
    if let Some(path) = read_whole(value, |v| v.parse::<Path>()) {
        return Err(type_path(name, path));
    }
    let call = read_whole(value, |v| {
        let call = v.parse::<syn::ExprCall>()?;
        match *call.func {
            syn::Expr::Path(_) => Ok(call),
            _ => Err(v.error("not a call of a function path")),
        }
    });
    if let Some(call) = call {
        let func = &call.func;
        return Err(syn::Error::new_spanned(
            &call,
            format!(
                "`{name}` takes the function itself, not a call: write `{name} = {}`",
                tidy(&quote::quote!(#func))
            ),
        ));
    }
    let mut tokens = TokenStream::new();
    while !ends(value) {
        tokens.extend([value.parse::<TokenTree>()?]);
    }
    Err(syn::Error::new_spanned(
        tokens,
        format!(
            "`{name}` takes a function path, e.g. `{name} = check_not_locked` or `{name} = crate::hooks::check::<User>`"
        ),
    ))
}

/// Whether the value ends here (the end of the attribute or the next option).
fn ends(input: ParseStream) -> bool {
    input.is_empty() || input.peek(Token![,])
}

/// `parse` on a fork of `value`, kept (and `value` advanced past it) only when it reads
/// the whole value.
fn read_whole<T>(
    value: ParseStream,
    parse: impl FnOnce(ParseStream) -> syn::Result<T>,
) -> Option<T> {
    let fork = value.fork();
    let read = parse(&fork).ok().filter(|_| ends(&fork))?;
    value.advance_to(&fork);
    Some(read)
}

/// A value read as an expression path: the hook, unless qualified or with attributes.
fn expression_path(name: &str, p: syn::ExprPath) -> syn::Result<Path> {
    let message = if p.qself.is_some() {
        format!(
            "`{name}` takes a plain function path, not a qualified path `<T as Trait>::f`: wrap the call in a function and write `{name} = that_function`"
        )
    } else if !p.attrs.is_empty() {
        format!(
            "`{name}` takes a function path without attributes, e.g. `{name} = check_not_locked`"
        )
    } else {
        return Ok(p.path);
    };
    Err(syn::Error::new_spanned(p, message))
}

/// A type-style path: a type (`Vec<String>`, by Rust's naming) or a generic function
/// written without the turbofish (`check<User>`).
fn type_path(name: &str, mut path: Path) -> syn::Error {
    let written = path.clone();
    let is_type = path
        .segments
        .last()
        .is_some_and(|s| s.ident.to_string().starts_with(char::is_uppercase));
    let message = if is_type {
        format!(
            "`{name}` takes a function path, not a type like `{}`: name the hook function, e.g. `{name} = check_not_locked` (generic arguments after `::<`, as in `{name} = check::<User>`)",
            tidy(&quote::quote!(#written))
        )
    } else {
        for segment in &mut path.segments {
            if let syn::PathArguments::AngleBracketed(args) = &mut segment.arguments {
                args.colon2_token.get_or_insert_with(Default::default);
            }
        }
        format!(
            "`{name}` takes a function path; generic arguments need `::<…>` as in an expression: write `{name} = {}`",
            tidy(&quote::quote!(#path))
        )
    };
    syn::Error::new_spanned(written, message)
}

/// A path as a user writes it: `crate::hooks::check::<User>`, not `crate :: hooks :: check :: < User >`.
fn tidy(tokens: &TokenStream) -> String {
    let text = tokens.to_string();
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ' ' {
            let before = out.chars().last();
            let after = chars.peek().copied();
            let tight = |ch: Option<char>| matches!(ch, Some(':' | '<' | '>' | '&'));
            if tight(before) || matches!(after, Some(':' | '<' | '>' | ',')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}
