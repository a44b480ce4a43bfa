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
    through_chains(model, &mut cx);
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

/// `through` names a `has_one` or a `belongs_to` of the owner that can carry a chain.
fn through_chains(model: &Model, cx: &mut Ctxt) {
    for a in &model.associations {
        let Some(t) = &a.through else { continue };
        if let Some(b) = model.associations.iter().find(|b| b.name == t.via) {
            let problem = if b.name == a.name {
                Some("a `through` association cannot go through itself")
            } else if b.polymorphic.is_some() {
                Some("cannot go through a polymorphic association (Rails: HasOneThroughCantAssociateThroughPolymorphic… at class load)")
            } else if b.scope.is_some() {
                Some(
                    "going through a scoped `has_one` is not supported: its scope would be dropped",
                )
            } else if chain_len(model, b, 0).is_none() {
                Some("the `through` chain loops back on itself")
            } else {
                None
            };
            if let Some(problem) = problem {
                cx.error(&t.via, format!("`through = \"{}\"`: {problem}", t.via));
            }
        } else if !model.belongs_to.iter().any(|b| t.via == b.name()) {
            cx.error(
                &t.via,
                format!(
                    "`through = \"{via}\"`: `{owner}` has no `has_one` or `belongs_to` named `{via}`; declare `#[has_one({via})]` or `#[diesel(belongs_to(…))]` on `{owner}` (a `has_one` cannot go through a collection)",
                    via = t.via,
                    owner = model.ident
                ),
            );
        }
    }
}

/// The number of hops of a chain, `None` when it loops.
fn chain_len(model: &Model, a: &crate::ast::Association, depth: usize) -> Option<usize> {
    if depth > model.associations.len() {
        return None;
    }
    match &a.through {
        None => Some(1),
        Some(t) => match model.associations.iter().find(|b| b.name == t.via) {
            Some(b) => chain_len(model, b, depth + 1).map(|n| n + 1),
            None => Some(2),
        },
    }
}
