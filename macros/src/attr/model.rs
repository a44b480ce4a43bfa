//! `#[model(before_destroy = path, after_destroy = path, polymorphic_name = "…")]`.

use crate::ast::Hooks;
use crate::ctxt::Ctxt;

const VALID: &str = "`before_destroy`, `after_destroy`, `polymorphic_name`";

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
            let value = meta.value()?;
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
            *slot = Some(value.parse().map_err(|e| {
                syn::Error::new(
                    e.span(),
                    format!("`{name}` takes a function path, e.g. `{name} = check_not_locked`"),
                )
            })?);
            Ok(())
        });
        cx.ok(result);
    }
    hooks
}
