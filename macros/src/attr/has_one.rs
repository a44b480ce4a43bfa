//! `#[has_one(name, option = "value", …)]`.
//!
//! [`OPTIONS`] is the one list of options: parsing dispatches on it, and it drives the
//! duplicate check, the `through` rules, the "unknown option" message with its "did you
//! mean", the derive's rustdoc table ([`rustdoc_table`], checked against `lib.rs` by a test)
//! and the property test's option names. A new option is one entry; its setter is part of
//! the entry, so an option cannot be listed without being handled.

mod values;

use proc_macro2::Span;
use syn::parse::{ParseStream, Parser};
use syn::{Ident, LitStr, Path, Token};

use crate::ast::{Association, Dependent, Deprecated, Polymorphic, Scope, Through};
use crate::ctxt::Ctxt;
use crate::names;

pub use values::class_name;

/// One `has_one` option: its name, how its value is written and what it sets, where it may
/// appear, and what the docs and errors say about it.
pub struct OptionSpec {
    /// The key, as written (`foreign_key`).
    pub name: &'static str,
    /// How the value is written, with the setter that records it.
    pub kind: Kind,
    /// Whether the option goes with `through`.
    pub through: WithThrough,
    /// A typical value, without quotes (`user_id`; `true` for flags), for the docs and for
    /// errors that show what to write.
    pub example: &'static str,
    /// One line for the derive's rustdoc (read by [`rustdoc_table`], which the rustdoc test
    /// compares with `lib.rs`).
    #[cfg_attr(not(test), allow(dead_code))]
    pub doc: &'static str,
}

/// How an option's value is written, with the function that records the value read.
pub enum Kind {
    /// `key = true` or `key = false`.
    Flag(SetFlag),
    /// `key = "…"`.
    String(SetString),
    /// Either (`touch = true`, `touch = "touched_at"`).
    FlagOrString(SetFlag, SetString),
}

/// Records a flag; the key's span is where inferred names point.
pub type SetFlag = fn(&mut Options, &Ident, bool);

/// Records a string value, reporting what it cannot name.
pub type SetString = fn(&mut Options, &Given<'_>, &mut Ctxt);

/// Whether an option goes with `through`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum WithThrough {
    /// With or without `through`.
    Either,
    /// Only with `through`.
    Only,
    /// Not with `through` (the chain's source association decides). `Some` is the error's
    /// own message, where `{name}` is the association's name; `None` the common one.
    Never(Option<&'static str>),
}

/// A string value as read, with its key and the option's example.
pub struct Given<'a> {
    /// The key as written.
    pub key: &'a Ident,
    /// The value.
    pub value: LitStr,
    /// The option's [`OptionSpec::example`].
    pub example: &'static str,
}

impl Given<'_> {
    /// The value as a column or association name.
    fn column(&self) -> syn::Result<Ident> {
        values::column(self.key, &self.value, self.example)
    }
}

/// Every option `has_one` accepts, in the order the errors and the docs list them.
pub const OPTIONS: &[OptionSpec] = &[
    OptionSpec {
        name: "class_name",
        kind: Kind::String(|o, g, cx| o.class_name = cx.ok(values::class_name(&g.value))),
        through: WithThrough::Never(None),
        example: "crate::models::Profile",
        doc: "the target model's path (default: the association's name in PascalCase)",
    },
    OptionSpec {
        name: "foreign_key",
        kind: Kind::String(|o, g, cx| o.foreign_key = cx.ok(g.column())),
        through: WithThrough::Never(None),
        example: "user_id",
        doc: "the target's column holding the owner's key (default: the owner's name in snake case + `_id`, or `<as>_id` with `as`)",
    },
    OptionSpec {
        name: "primary_key",
        kind: Kind::String(|o, g, cx| o.primary_key = cx.ok(g.column())),
        through: WithThrough::Never(None),
        example: "id",
        doc: "the owner's column the foreign key stores (default: the Diesel primary key)",
    },
    OptionSpec {
        name: "inverse_of",
        kind: Kind::String(|o, g, cx| o.inverse_of = cx.ok(g.column())),
        through: WithThrough::Never(None),
        example: "user",
        doc: "the target's `#[diesel(belongs_to(…))]` by its name, checked at compile time to point at the owner with the same foreign key",
    },
    OptionSpec {
        name: "dependent",
        kind: Kind::String(|o, g, cx| {
            o.dependent = cx.ok(values::dependent(&g.value)).map(|d| (d, g.value.clone()));
        }),
        through: WithThrough::Never(Some("`dependent` has no effect with `through` (Rails ignores it silently): declare it on the join model's association instead")),
        example: "destroy",
        doc: "what destroying the owner or replacing the row does to the old row: `destroy`, `delete`, `nullify`, `restrict_with_exception`, `restrict_with_error` or `destroy_async`",
    },
    OptionSpec {
        name: "as",
        kind: Kind::String(|o, g, cx| o.as_ = cx.ok(g.column())),
        through: WithThrough::Never(Some("`as` is not used with `through`: a `through` association is never polymorphic itself (the source association on the join model decides; Rails ignores it silently); remove it")),
        example: "imageable",
        doc: "polymorphic: the target's `<as>_id` and `<as>_type` columns name the owner",
    },
    OptionSpec {
        name: "foreign_type",
        kind: Kind::String(|o, g, cx| {
            o.foreign_type = cx.ok(g.column()).map(|t| (g.key.clone(), t));
        }),
        through: WithThrough::Never(None),
        example: "imageable_type",
        doc: "the polymorphic type column (default: `<as>_type`); needs `as`",
    },
    OptionSpec {
        name: "strict_loading",
        kind: Kind::Flag(|o, key, on| o.strict_loading = on.then_some(key.span())),
        through: WithThrough::Either,
        example: "true",
        doc: "no lazy reader (calling it is a compile error): load with `preload_` or `eager_load_`",
    },
    OptionSpec {
        name: "scope",
        kind: Kind::String(|o, g, cx| o.scope = cx.ok(values::scope(&g.value))),
        through: WithThrough::Never(Some("`scope` is not supported with `through`: remove it and refine the chain's query, `owner.{name}_query().filter(…)`")),
        example: "latest",
        doc: "a function refining the target's query: `latest` for `fn latest(table) -> …`, `newer_than(owner)` for `fn newer_than(table, &Owner) -> …`",
    },
    OptionSpec {
        name: "through",
        kind: Kind::String(|o, g, cx| o.through = cx.ok(g.column())),
        through: WithThrough::Either,
        example: "membership",
        doc: "reach the target through this `has_one` or `belongs_to` of the owner",
    },
    OptionSpec {
        name: "source",
        kind: Kind::String(|o, g, cx| o.source = cx.ok(g.column())),
        through: WithThrough::Only,
        example: "club",
        doc: "the join model's association the chain continues with (default: this association's name)",
    },
    OptionSpec {
        name: "source_type",
        kind: Kind::String(|o, g, _| o.source_type = Some(g.value.clone())),
        through: WithThrough::Only,
        example: "Club",
        doc: "the source is a polymorphic `belongs_to`: rows of this type only",
    },
    OptionSpec {
        name: "disable_joins",
        kind: Kind::Flag(|o, _, on| o.disable_joins = on),
        through: WithThrough::Only,
        example: "true",
        doc: "the reader runs one query per hop instead of one query",
    },
    OptionSpec {
        name: "ensuring_owner_was",
        kind: Kind::String(|o, g, cx| o.ensuring_owner_was = cx.ok(g.column())),
        through: WithThrough::Never(None),
        example: "discarded",
        doc: "with `dependent = \"destroy_async\"`: the job runs only if the owner row is gone or this method of the owner returns `true`",
    },
    OptionSpec {
        name: "autosave",
        kind: Kind::Flag(|o, _, on| o.autosave = Some(on)),
        through: WithThrough::Never(None),
        example: "true",
        doc: "`save_with_` also updates changed rows and destroys rows marked for destruction (`true`), or never writes the row (`false`); default: new rows only",
    },
    OptionSpec {
        name: "validate",
        kind: Kind::Flag(|o, _, on| o.validate = on),
        through: WithThrough::Never(None),
        example: "true",
        doc: "the new or changed row is validated (`diesel_has_one::Validate`) before any write",
    },
    OptionSpec {
        name: "required",
        kind: Kind::Flag(|o, _, on| o.required = on),
        through: WithThrough::Never(None),
        example: "true",
        doc: "`save_with_` fails with `Error::Invalid` when no row would exist after it",
    },
    OptionSpec {
        name: "touch",
        kind: Kind::FlagOrString(
            |o, key, on| o.touch = on.then(|| names::ident("updated_at", key.span())),
            |o, g, cx| o.touch = cx.ok(g.column()),
        ),
        through: WithThrough::Never(None),
        example: "updated_at",
        doc: "the row's `updated_at` (or the named column) is set to now when the owner is saved or destroyed",
    },
    OptionSpec {
        name: "deprecated",
        kind: Kind::FlagOrString(
            |o, _, on| o.deprecated = on.then_some(Deprecated { note: None }),
            |o, g, _| {
                o.deprecated = Some(Deprecated {
                    note: Some(g.value.clone()),
                });
            },
        ),
        through: WithThrough::Either,
        example: "use billing_address",
        doc: "every method of the association is `#[deprecated]` (with this note): each use warns at compile time, destroying the owner does not",
    },
];

/// The spec of the option `key`, if there is one.
pub fn spec(key: &str) -> Option<&'static OptionSpec> {
    OPTIONS.iter().find(|s| s.name == key)
}

/// Every option's name, in [`OPTIONS`] order.
pub fn option_names() -> Vec<&'static str> {
    OPTIONS.iter().map(|s| s.name).collect()
}

/// The derive's rustdoc table of options (without the `///`), made from [`OPTIONS`].
#[cfg(test)]
pub fn rustdoc_table() -> String {
    let mut out =
        String::from("| option | written | with `through` | meaning |\n|---|---|---|---|\n");
    for s in OPTIONS {
        let written = match s.kind {
            Kind::Flag(_) => format!("`{} = {}`", s.name, s.example),
            Kind::String(_) => format!("`{} = \"{}\"`", s.name, s.example),
            Kind::FlagOrString(..) => format!("`{0} = true`, `{0} = \"{1}\"`", s.name, s.example),
        };
        let through = match s.through {
            WithThrough::Either => "yes",
            WithThrough::Only => "only",
            WithThrough::Never(_) => "no",
        };
        out.push_str(&format!(
            "| `{}` | {written} | {through} | {} |\n",
            s.name, s.doc
        ));
    }
    out
}

/// Parses every `#[has_one(…)]` of the struct `owner`.
pub fn parse_all(attrs: &[syn::Attribute], owner: &Ident, cx: &mut Ctxt) -> Vec<Association> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("has_one"))
        .filter_map(|attr| {
            let list = match &attr.meta {
                syn::Meta::List(list) => list,
                other => {
                    cx.error(other, MISSING_NAME);
                    return None;
                }
            };
            let span = list.delimiter.span().join();
            let parser = |input: ParseStream| parse_one(input, owner, span, cx);
            let parsed = parser.parse2(list.tokens.clone());
            cx.ok(parsed)
        })
        .collect()
}

const MISSING_NAME: &str =
    "missing association name: write `#[has_one(name, …)]`, e.g. `#[has_one(profile)]`";

/// The raw options of one declaration, as the setters of [`OPTIONS`] record them.
#[derive(Default)]
pub struct Options {
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
    deprecated: Option<Deprecated>,
}

/// The options given, in order, each with the key as written.
type Seen = Vec<(&'static OptionSpec, Ident)>;

/// One declaration: the name, the options, the rules between options.
fn parse_one(
    input: ParseStream,
    owner: &Ident,
    span: Span,
    cx: &mut Ctxt,
) -> syn::Result<Association> {
    let name = parse_name(input, span)?;
    let (opts, seen) = if input.peek(syn::token::Paren) {
        nested_options(input, &name, cx)?
    } else {
        parse_options(input, &name, cx)?
    };
    if let (Some((key, _)), None) = (&opts.foreign_type, &opts.as_) {
        cx.error(
            key,
            "`foreign_type` belongs to a polymorphic association: add `as = \"…\"` (the interface name, e.g. `as = \"imageable\"`) or remove `foreign_type`",
        );
    }
    through_rules(&seen, opts.through.is_some(), &name, cx);
    // With `through`, `ensuring_owner_was` is already reported above (as `dependent` is).
    if let (Some(method), None) = (&opts.ensuring_owner_was, &opts.through) {
        if !matches!(opts.dependent, Some((Dependent::DestroyAsync, _))) {
            cx.error(
                method,
                "`ensuring_owner_was` only applies to `dependent = \"destroy_async\"`: add it or remove `ensuring_owner_was`",
            );
        }
    }
    Ok(association(owner, name, opts))
}

/// The association's name, the first item.
fn parse_name(input: ParseStream, span: Span) -> syn::Result<Ident> {
    if input.is_empty() {
        return Err(syn::Error::new(span, MISSING_NAME));
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
    input.parse().map_err(|e| {
        syn::Error::new(
            e.span(),
            "expected the association name, e.g. `#[has_one(profile)]`",
        )
    })
}

/// The options of the nested form, `name(key = value, …)`, which clippy's
/// `duplicated_attributes` keys by the association's name (see the README). Nothing may
/// follow it but a trailing comma: one association per attribute.
fn nested_options(input: ParseStream, name: &Ident, cx: &mut Ctxt) -> syn::Result<(Options, Seen)> {
    let content;
    syn::parenthesized!(content in input);
    let parsed = options_list(&content, name.to_string(), cx)?;
    if input.peek(Token![,]) {
        input.parse::<Token![,]>()?;
    }
    if !input.is_empty() {
        return Err(input.error(format!(
            "the options of `{name}` go inside `{name}(…)`: write `#[has_one({name}(option = \"…\", …))]`, one association per `#[has_one]`"
        )));
    }
    Ok(parsed)
}

/// `, key = value, …` after the name.
fn parse_options(input: ParseStream, name: &Ident, cx: &mut Ctxt) -> syn::Result<(Options, Seen)> {
    if input.is_empty() {
        return Ok((Options::default(), Seen::new()));
    }
    expect_comma(input, &name.to_string())?;
    options_list(input, name.to_string(), cx)
}

/// `,` after the item `previous` (`profile`, `dependent = …`).
fn expect_comma(input: ParseStream, previous: &str) -> syn::Result<()> {
    if !input.peek(Token![,]) {
        return Err(input.error(format!(
            "expected `,` after `{previous}`: write `#[has_one(name, option = \"…\", …)]`"
        )));
    }
    input.parse::<Token![,]>().map(drop)
}

/// `key = value, …` (a trailing comma allowed), dispatched on [`OPTIONS`]. A bad value is
/// reported and the next option is read; only a missing comma (or `key value`) stops the
/// declaration.
fn options_list(
    input: ParseStream,
    mut previous: String,
    cx: &mut Ctxt,
) -> syn::Result<(Options, Seen)> {
    let mut opts = Options::default();
    let mut seen = Seen::new();
    let mut first = true;
    while !input.is_empty() {
        if !std::mem::take(&mut first) {
            expect_comma(input, &previous)?;
            if input.is_empty() {
                break;
            }
        }
        let key: Ident = input.call(syn::ext::IdentExt::parse_any).map_err(|e| {
            syn::Error::new(
                e.span(),
                format!(
                    "expected an option name; valid options are {}",
                    values::list(&option_names())
                ),
            )
        })?;
        previous = format!("{key} = …");
        let Some(spec) = spec(&key.to_string()) else {
            cx.error(&key, unknown_option(&key));
            super::skip_value(input)?;
            continue;
        };
        let Some(value) = read(input, spec, &key, cx)? else {
            continue;
        };
        if seen.iter().any(|(s, _)| s.name == spec.name) {
            cx.error(&key, format!("duplicate option `{key}`: give it once"));
            continue;
        }
        match value {
            Read::Flag(set, on) => set(&mut opts, &key, on),
            Read::String(set, value) => {
                let given = Given {
                    key: &key,
                    value,
                    example: spec.example,
                };
                set(&mut opts, &given, cx);
            }
        }
        seen.push((spec, key));
    }
    Ok((opts, seen))
}

/// A value read, with the setter of its kind.
enum Read {
    Flag(SetFlag, bool),
    String(SetString, LitStr),
}

/// Reads the value of `spec`'s option; `Ok(None)` when it was bad (and reported).
fn read(
    input: ParseStream,
    spec: &OptionSpec,
    key: &Ident,
    cx: &mut Ctxt,
) -> syn::Result<Option<Read>> {
    Ok(match spec.kind {
        Kind::Flag(set) => values::flag(input, key, cx)?.map(|on| Read::Flag(set, on)),
        Kind::FlagOrString(_, set) if input.peek2(LitStr) => {
            values::string(input, key, cx)?.map(|v| Read::String(set, v))
        }
        Kind::FlagOrString(set, _) => values::flag(input, key, cx)?.map(|on| Read::Flag(set, on)),
        Kind::String(set) => values::string(input, key, cx)?.map(|v| Read::String(set, v)),
    })
}

/// Options that do not go with `through`, or only with it, per [`OptionSpec::through`].
fn through_rules(seen: &Seen, through: bool, name: &Ident, cx: &mut Ctxt) {
    for (spec, key) in seen {
        let message = match (spec.through, through) {
            (WithThrough::Never(Some(message)), true) => {
                message.replace("{name}", &name.to_string())
            }
            (WithThrough::Never(None), true) => format!("`{key}` is not used with `through`: the source association on the join model decides (Rails ignores it silently); remove it"),
            (WithThrough::Only, false) => format!("`{key}` belongs to a `through` association: add `through = \"…\"` or remove `{key}`"),
            _ => continue,
        };
        cx.error(key, message);
    }
}

/// The association, with the defaults for what was not given.
fn association(owner: &Ident, name: Ident, opts: Options) -> Association {
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
    let through = opts.through.map(|via| Through {
        via,
        source: opts.source.unwrap_or_else(|| name.clone()),
        source_type: opts.source_type,
        disable_joins: opts.disable_joins,
    });
    Association {
        ensuring_owner_was: opts.ensuring_owner_was,
        autosave: opts.autosave,
        validate: opts.validate,
        required: opts.required,
        touch: opts.touch,
        deprecated: opts.deprecated,
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
    }
}

/// Rails `has_one` options this crate does not implement, named as such in the error.
const RAILS_UNSUPPORTED: &[&str] = &["query_constraints"];

/// "unknown option", with a "did you mean" from [`OPTIONS`] and the list of valid ones.
fn unknown_option(key: &Ident) -> String {
    let text = key.to_string();
    let hint = if RAILS_UNSUPPORTED.contains(&text.as_str()) {
        format!(" (Rails' `{text}:` is not supported)")
    } else if let Some(near) = OPTIONS.iter().find(|o| edit_distance(o.name, &text) <= 2) {
        format!(" (did you mean `{}`?)", near.name)
    } else {
        String::new()
    };
    format!(
        "unknown `has_one` option `{text}`{hint}; valid options are {}",
        values::list(&option_names())
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

#[cfg(test)]
mod tests;
