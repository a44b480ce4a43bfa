//! The option table against what it drives: every option parses and records what it
//! says, names are unique, the derive's rustdoc lists exactly the table.

use super::{option_names, parse_all, rustdoc_table, Kind, WithThrough, OPTIONS};
use crate::ast::{Association, Dependent};
use crate::ctxt::Ctxt;

/// Whether an association recorded an option's value.
type Check = fn(&Association) -> bool;

/// What each option must record, with the options it needs beside it. An option missing
/// here fails [`every_option_records_its_value`]: a new entry of `OPTIONS` needs a check.
fn effect(name: &str) -> Option<(&'static str, Check)> {
    Some(match name {
        "class_name" => ("", |a| a.target.segments.len() == 3),
        "foreign_key" => ("", |a| a.foreign_key == "user_id"),
        "primary_key" => ("", |a| a.primary_key.as_ref().is_some_and(|k| k == "id")),
        "inverse_of" => ("", |a| a.inverse_of.as_ref().is_some_and(|i| i == "user")),
        "dependent" => ("", |a| matches!(a.dependent, Some((Dependent::Destroy, _)))),
        "as" => ("", |a| {
            a.polymorphic
                .as_ref()
                .is_some_and(|p| p.name == "imageable" && p.foreign_type == "imageable_type")
        }),
        "foreign_type" => ("as = \"pic\",", |a| {
            a.polymorphic
                .as_ref()
                .is_some_and(|p| p.foreign_type == "imageable_type")
        }),
        "strict_loading" => ("", |a| a.strict_loading.is_some()),
        "scope" => ("", |a| {
            a.scope.as_ref().is_some_and(|s| s.path.is_ident("latest"))
        }),
        "through" => ("", |a| {
            a.through.as_ref().is_some_and(|t| t.via == "membership")
        }),
        "source" => ("", |a| {
            a.through.as_ref().is_some_and(|t| t.source == "club")
        }),
        "source_type" => ("", |a| {
            a.through
                .as_ref()
                .is_some_and(|t| t.source_type.as_ref().is_some_and(|s| s.value() == "Club"))
        }),
        "disable_joins" => ("", |a| a.through.as_ref().is_some_and(|t| t.disable_joins)),
        "ensuring_owner_was" => ("dependent = \"destroy_async\",", |a| {
            a.ensuring_owner_was
                .as_ref()
                .is_some_and(|m| m == "discarded")
        }),
        "autosave" => ("", |a| a.autosave == Some(true)),
        "validate" => ("", |a| a.validate),
        "required" => ("", |a| a.required),
        "touch" => ("", |a| a.touch.as_ref().is_some_and(|t| t == "updated_at")),
        "deprecated" => ("", |a| {
            a.deprecated.as_ref().is_some_and(|d| {
                d.note
                    .as_ref()
                    .is_none_or(|n| n.value() == "use billing_address")
            })
        }),
        _ => return None,
    })
}

/// Parses `#[has_one(profile, {options})]` on `Member` (whose default foreign key is
/// `member_id`): the association, or the errors' messages.
fn parse(options: &str) -> Result<Association, String> {
    parse_declaration(&format!("profile, {options}"))
}

/// [`parse`] of the nested form, `#[has_one(profile({options}))]`.
fn parse_nested(options: &str) -> Result<Association, String> {
    parse_declaration(&format!("profile({options})"))
}

/// Parses `#[has_one({declaration})]` on `Member`.
fn parse_declaration(declaration: &str) -> Result<Association, String> {
    let input: syn::DeriveInput =
        syn::parse_str(&format!("#[has_one({declaration})] struct Member;")).unwrap();
    let mut cx = Ctxt::default();
    let mut all = parse_all(&input.attrs, &input.ident, &mut cx);
    cx.finish(()).map_err(|e| {
        e.into_iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    Ok(all.remove(0))
}

/// Each way of writing an option's example: `key = true`, `key = "…"`, or both.
fn written(spec: &super::OptionSpec) -> Vec<String> {
    let (name, example) = (spec.name, spec.example);
    match spec.kind {
        Kind::Flag(_) => vec![format!("{name} = {example}")],
        Kind::String(_) => vec![format!("{name} = \"{example}\"")],
        Kind::FlagOrString(..) => {
            vec![format!("{name} = true"), format!("{name} = \"{example}\"")]
        }
    }
}

#[test]
fn every_option_records_its_value() {
    for spec in OPTIONS {
        let Some((beside, check)) = effect(spec.name) else {
            panic!(
                "option `{}` has no check in `effect`: add what it records",
                spec.name
            );
        };
        let through = match spec.through {
            WithThrough::Only => "through = \"membership\",",
            WithThrough::Either | WithThrough::Never(_) => "",
        };
        for option in written(spec) {
            let options = format!("{through} {beside} {option}");
            for parsed in [parse(&options), parse_nested(&options)] {
                match parsed {
                    Ok(a) => assert!(check(&a), "`{options}` did not record its value"),
                    Err(e) => panic!("`{options}` does not parse: {e}"),
                }
            }
        }
    }
}

#[test]
fn option_names_are_unique() {
    let names = option_names();
    for (i, name) in names.iter().enumerate() {
        assert!(!names[..i].contains(name), "`{name}` is in OPTIONS twice");
    }
}

#[test]
fn flags_refuse_strings_and_strings_refuse_flags() {
    for spec in OPTIONS {
        let (wrong, message) = match spec.kind {
            Kind::Flag(_) => (
                format!("{} = \"true\"", spec.name),
                "takes `true` or `false`",
            ),
            Kind::String(_) => (format!("{} = true", spec.name), "takes a string literal"),
            Kind::FlagOrString(..) => continue,
        };
        let error = parse(&wrong).err().unwrap_or_default();
        assert!(error.contains(message), "`{wrong}`: {error}");
    }
}

#[test]
fn through_rules_follow_the_table() {
    for spec in OPTIONS.iter().filter(|s| s.name != "through") {
        let option = &written(spec)[0];
        let (with, without) = (
            parse(&format!("through = \"membership\", {option}")),
            parse(option),
        );
        let refused = |r: &Result<Association, String>| {
            r.as_ref().err().is_some_and(|e| e.contains("through"))
        };
        match spec.through {
            WithThrough::Either => {
                assert!(!refused(&with), "{option}: {with:?}", with = with.err())
            }
            WithThrough::Only => assert!(refused(&without), "{option} without `through`"),
            WithThrough::Never(_) => assert!(refused(&with), "{option} with `through`"),
        }
    }
}

#[test]
fn unknown_option_suggests_from_the_table() {
    let error = parse("dependnt = \"destroy\"").err().unwrap();
    assert!(error.contains("did you mean `dependent`?"), "{error}");
    assert!(
        error.contains(&super::values::list(&option_names())),
        "{error}"
    );
    // An unknown flag is named as unknown, not as a string option missing its quotes.
    let error = parse("touchh = true").err().unwrap();
    assert!(
        error.starts_with("unknown `has_one` option `touchh`"),
        "{error}"
    );
}

/// The derive's rustdoc (in `lib.rs`, between the two markers) is [`rustdoc_table`].
#[test]
fn derive_rustdoc_lists_exactly_the_options() {
    let lib = include_str!("../../lib.rs");
    let start = "/// <!-- has_one options: made from attr::has_one::OPTIONS -->";
    let end = "/// <!-- end of has_one options -->";
    let from = lib.find(start).expect("the start marker in lib.rs") + start.len();
    let to = lib.find(end).expect("the end marker in lib.rs");
    let documented: String = lib[from..to]
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!("{}\n", l.trim().trim_start_matches("///").trim()))
        .collect();
    let expected = rustdoc_table();
    assert!(
        documented == expected,
        "the option table in lib.rs's `derive_model` doc is out of date; between the markers write:\n{}",
        expected.lines().map(|l| format!("/// {l}\n")).collect::<String>()
    );
}

#[test]
fn nested_form_takes_one_association() {
    let a = parse_nested("dependent = \"destroy\", validate = true,").unwrap();
    assert!(matches!(a.dependent, Some((Dependent::Destroy, _))) && a.validate);
    assert!(parse_declaration("profile()").is_ok());
    let error = parse_declaration("profile(validate = true), dependent = \"destroy\"")
        .err()
        .unwrap();
    assert!(
        error.contains("the options of `profile` go inside `profile(…)`"),
        "{error}"
    );
    let error = parse_nested("validate = true dependent = \"destroy\"")
        .err()
        .unwrap();
    assert!(
        error.starts_with("expected `,` after `validate = …`"),
        "{error}"
    );
}
