//! Rules checked before anything is generated (the ones that need no types; the rest are
//! emitted as spanned trait bounds by `expand::checks`).

use crate::ast::{Association, Model};
use crate::ctxt::Ctxt;

/// Every rule, all errors at once. The expansion's `expect`s rest on these rules, so no
/// input reaches them: `primary_key` (exactly one key column, with a field), `owner_keys`
/// (every `primary_key = "…"` has a field) and `through_chains` (`through` names a
/// `has_one` or a `belongs_to`, without a loop).
pub fn check(model: &Model) -> syn::Result<()> {
    let mut cx = Ctxt::default();
    primary_key(model, &mut cx);
    association_names(model, &mut cx);
    owner_keys(model, &mut cx);
    through_chains(model, &mut cx);
    async_hooks(model, &mut cx);
    async_jobs(model, &mut cx);
    cx.finish(())
}

/// `async_jobs` says where `destroy_async` jobs run: without such an association it says
/// nothing.
fn async_jobs(model: &Model, cx: &mut Ctxt) {
    let destroy_async =
        |a: &Association| matches!(a.dependent, Some((crate::ast::Dependent::DestroyAsync, _)));
    if let Some(span) = model.hooks.async_jobs {
        if !model.associations.iter().any(destroy_async) {
            cx.push(syn::Error::new(
                span,
                "`async_jobs` applies to `dependent = \"destroy_async\"` associations, and none is declared: add one, or remove `async_jobs`",
            ));
        }
    }
}

/// `async_hooks` says how the declared hooks run: without a hook it says nothing.
fn async_hooks(model: &Model, cx: &mut Ctxt) {
    let hooks = &model.hooks;
    if let Some(span) = hooks.async_hooks {
        if hooks.before_destroy.is_none() && hooks.after_destroy.is_none() {
            cx.push(syn::Error::new(
                span,
                "`async_hooks` applies to the destroy hooks, and none is declared: add one, e.g. `#[model(async_hooks, before_destroy = archive)]`, or remove `async_hooks`",
            ));
        }
    }
}

/// One primary key column, with a field. The expansion relies on this: it reads the key's
/// field for every association.
fn primary_key(model: &Model, cx: &mut Ctxt) {
    let pk = match model.primary_key.as_slice() {
        [pk] => pk,
        [] => {
            cx.error(
                &model.ident,
                format!(
                    "`{}` declares no primary key column: name one, e.g. `#[diesel(primary_key(id))]`",
                    model.ident
                ),
            );
            return;
        }
        [_, second, ..] => {
            cx.error(
                second,
                "`Model` supports a single-column primary key; composite keys are not supported",
            );
            return;
        }
    };
    if model.fields.is_empty() {
        cx.error(
            pk,
            format!(
                "`{}` has no column fields, so nothing holds its primary key column `{pk}`; add the field, e.g. `pub {pk}: i32` (`#[diesel(embed)]` and `select_expression` fields are not columns)",
                model.ident
            ),
        );
    } else if model.field_of(pk).is_none() {
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
        let via = &t.via;
        if let Some(b) = model.associations.iter().find(|b| b.name == *via) {
            let problem = if b.name == a.name {
                Some(format!(
                    "an association cannot go through itself; name another `has_one` or a `belongs_to` of `{}`",
                    model.ident
                ))
            } else if let Some(p) = &b.polymorphic {
                Some(format!(
                    "going through a polymorphic `has_one` (`as = \"{}\"`) is not supported: the chain would not filter on `{}`; go through a `has_one` without `as`",
                    p.name, p.foreign_type
                ))
            } else if b.scope.is_some() {
                Some("going through a scoped `has_one` is not supported: the chain would drop its scope; go through a `has_one` without `scope`".to_owned())
            } else {
                looping(model, a).map(|path| {
                    format!(
                        "the `through` chain loops back on itself ({path}); end it at a plain `has_one` or a `belongs_to`"
                    )
                })
            };
            if let Some(problem) = problem {
                cx.error(via, format!("`through = \"{via}\"`: {problem}"));
            }
        } else if !model.belongs_to.iter().any(|b| *via == b.name()) {
            cx.error(
                via,
                format!(
                    "`through = \"{via}\"`: `{owner}` has no `has_one` or `belongs_to` named `{via}`; declare `#[has_one({via})]` or `#[diesel(belongs_to(…))]` on `{owner}` (a `has_one` cannot go through a collection)",
                    owner = model.ident
                ),
            );
        }
    }
}

/// The names of a chain that comes back to an association it already went through, as
/// `a → b → a`; `None` when the chain ends.
fn looping(model: &Model, a: &Association) -> Option<String> {
    let mut path = vec![&a.name];
    let mut current = a;
    while let Some(t) = &current.through {
        let next = model.associations.iter().find(|b| b.name == t.via)?;
        let repeated = path.contains(&&next.name);
        path.push(&next.name);
        if repeated {
            let names: Vec<String> = path.iter().map(|n| n.to_string()).collect();
            return Some(names.join(" → "));
        }
        current = next;
    }
    None
}
