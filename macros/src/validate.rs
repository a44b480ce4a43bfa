//! Rules checked before anything is generated (the ones that need no types; the rest are
//! emitted as spanned trait bounds by `expand::checks`).

use crate::ast::Model;
use crate::ctxt::Ctxt;

/// Every rule, all errors at once.
pub fn check(model: &Model) -> syn::Result<()> {
    let mut cx = Ctxt::default();
    primary_key(model, &mut cx);
    association_names(model, &mut cx);
    owner_keys(model, &mut cx);
    cx.finish(())
}

/// One primary key column, with a field.
fn primary_key(model: &Model, cx: &mut Ctxt) {
    if let [_, second, ..] = model.primary_key.as_slice() {
        cx.error(
            second,
            "`Model` supports a single-column primary key; composite keys are not supported",
        );
        return;
    }
    let pk = &model.primary_key[0];
    if !model.fields.is_empty() && model.field_of(pk).is_none() {
        cx.error(
            pk,
            format!(
                "`{}` has no field for its primary key column `{pk}`; add the field or declare the key with `#[diesel(primary_key(…))]`",
                model.ident
            ),
        );
    }
}

/// Association names are unique on a model.
fn association_names(model: &Model, cx: &mut Ctxt) {
    for (i, a) in model.associations.iter().enumerate() {
        if model.associations[..i].iter().any(|b| b.name == a.name) {
            cx.error(
                &a.name,
                format!(
                    "duplicate association `{}`: each `has_one` on `{}` needs its own name (use `class_name` to point two at one type)",
                    a.name, model.ident
                ),
            );
        }
    }
}

/// `primary_key = "…"` names a field of the owner.
fn owner_keys(model: &Model, cx: &mut Ctxt) {
    for a in &model.associations {
        if let Some(key) = &a.primary_key {
            if model.field_of(key).is_none() {
                cx.error(
                    key,
                    format!(
                        "`primary_key = \"{key}\"`: `{}` has no field for column `{key}`; name a column of the owner",
                        model.ident
                    ),
                );
            }
        }
    }
}
