//! `#[model(before_destroy = path, after_destroy = path)]`.

use crate::ast::Hooks;
use crate::ctxt::Ctxt;

const VALID: &str = "`before_destroy`, `after_destroy`";

/// Reads the destroy hooks.
pub fn parse(attrs: &[syn::Attribute], cx: &mut Ctxt) -> Hooks {
    let mut hooks = Hooks::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("model")) {
        let result = attr.parse_nested_meta(|meta| {
            let slot = if meta.path.is_ident("before_destroy") {
                &mut hooks.before_destroy
            } else if meta.path.is_ident("after_destroy") {
                &mut hooks.after_destroy
            } else {
                return Err(meta.error(format!(
                    "unknown `model` option; valid options are {VALID}"
                )));
            };
            if slot.is_some() {
                return Err(meta.error("duplicate hook: each hook is given once"));
            }
            *slot = Some(meta.value()?.parse()?);
            Ok(())
        });
        cx.ok(result);
    }
    hooks
}
