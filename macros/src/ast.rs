//! The parsed model: what the user declared, with Diesel's defaults filled in.

use proc_macro2::Span;
use syn::{Ident, LitStr, Path, Type};

use crate::attr;
use crate::ctxt::Ctxt;

/// A struct deriving `Model`.
pub struct Model {
    /// The struct's name.
    pub ident: Ident,
    /// Diesel's `table_name` (default: the struct's name, snake case, plural).
    pub table: Path,
    /// Diesel's `primary_key(…)` columns (default `id`).
    pub primary_key: Vec<Ident>,
    /// The named fields, with their column names.
    pub fields: Vec<Field>,
    /// Diesel's `belongs_to(…)` declarations.
    pub belongs_to: Vec<BelongsTo>,
    /// The `#[has_one(…)]` declarations, in order.
    pub associations: Vec<Association>,
    /// `#[model(before_destroy = …, after_destroy = …)]`.
    pub hooks: Hooks,
    /// Diesel's `check_for_backend(…)`, as the backend names of `__register_destroy_async!`
    /// (`sqlite`, `postgres`, `mysql`); `None`: every backend the runtime is built for.
    pub backends: Option<Vec<Ident>>,
}

/// A field mapped to a column.
pub struct Field {
    /// The Rust field.
    pub ident: Ident,
    /// The column (`#[diesel(column_name = …)]`, else the field's name).
    pub column: Ident,
    /// The field's type.
    pub ty: Type,
}

/// `#[diesel(belongs_to(Parent, foreign_key = column))]`.
pub struct BelongsTo {
    /// The parent type as written.
    pub parent: Path,
    /// The foreign key column (default: parent's name, snake case, + `_id`).
    pub foreign_key: Ident,
}

/// The destroy hooks.
#[derive(Default)]
pub struct Hooks {
    /// Runs first; an `Err` aborts the destroy.
    pub before_destroy: Option<Path>,
    /// Runs after the row is deleted, still in the transaction; an `Err` rolls back.
    pub after_destroy: Option<Path>,
    /// `polymorphic_name = "…"`: the type string stored in polymorphic type columns
    /// (default: the struct's name, like Rails' class name).
    pub polymorphic_name: Option<LitStr>,
    /// `async_hooks`: the hooks are `async fn`s, run on diesel-async connections (the
    /// flag's span, for the error when no hook is declared).
    pub async_hooks: Option<proc_macro2::Span>,
    /// `async_jobs`: the model's `destroy_async` jobs also run on diesel-async
    /// connections (the flag's span, for the error when there is no such association).
    pub async_jobs: Option<proc_macro2::Span>,
    /// `timestamps = false`: the library leaves this model's `created_at`/`updated_at` alone
    /// (as a target, an `insert_with_` owner or a `through` join model).
    pub no_timestamps: bool,
}

/// One `#[has_one(name, …)]`.
pub struct Association {
    /// The association's name (`profile`).
    pub name: Ident,
    /// The target type (`class_name`, default the name in PascalCase).
    pub target: Path,
    /// The target's foreign key column (default: owner's name + `_id`).
    pub foreign_key: Ident,
    /// The owner's key column (default: the primary key).
    pub primary_key: Option<Ident>,
    /// `inverse_of`: the target's `belongs_to` name.
    pub inverse_of: Option<Ident>,
    /// `dependent`, with the literal it was read from.
    pub dependent: Option<(Dependent, LitStr)>,
    /// `as = "imageable"` (+ `foreign_type`): a polymorphic association.
    pub polymorphic: Option<Polymorphic>,
    /// `strict_loading = true`: no lazy reader, only preload and eager load.
    pub strict_loading: Option<Span>,
    /// `scope = "path"` or `scope = "path(owner)"`.
    pub scope: Option<Scope>,
    /// `through = "…"` (+ `source`, `source_type`, `disable_joins`).
    pub through: Option<Through>,
    /// `ensuring_owner_was = "method"` (with `destroy_async`).
    pub ensuring_owner_was: Option<Ident>,
    /// `autosave = true | false` (`None`: Rails' default, new rows only).
    pub autosave: Option<bool>,
    /// `validate = true`.
    pub validate: bool,
    /// `required = true`.
    pub required: bool,
    /// `touch = true` (`updated_at`) or `touch = "column"`.
    pub touch: Option<Ident>,
    /// `deprecated = true` or `deprecated = "note"` (Rails 8.1).
    pub deprecated: Option<Deprecated>,
}

/// `deprecated`: every generated method of the association carries `#[deprecated]`.
pub struct Deprecated {
    /// The note shown with each use (`deprecated = "use billing_address"`).
    pub note: Option<LitStr>,
}

/// `has_one :club, through: :membership`.
pub struct Through {
    /// The owner's association the chain goes through (a `has_one` or a `belongs_to`).
    pub via: Ident,
    /// The join model's association the chain continues with (default: this name).
    pub source: Ident,
    /// `source_type`: the source is a polymorphic `belongs_to`; only rows of this type.
    pub source_type: Option<LitStr>,
    /// `disable_joins = true`: one query per hop instead of one query.
    pub disable_joins: bool,
}

/// An association scope: a function refining the target's query (see the runtime's
/// `scope` module).
pub struct Scope {
    /// The function, which also names its return type (`#[diesel::dsl::auto_type]`).
    pub path: Path,
    /// `path(owner)`: the function also takes `&Owner`.
    pub takes_owner: bool,
}

/// The polymorphic interface of an association (`as`), Rails' `has_one :picture, as: :imageable`.
pub struct Polymorphic {
    /// The interface name (`imageable`).
    pub name: Ident,
    /// The target's type column (`foreign_type`, default `imageable_type`).
    pub foreign_type: Ident,
}

/// Rails' `dependent:` values supported so far.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Dependent {
    Destroy,
    Delete,
    Nullify,
    RestrictWithException,
    RestrictWithError,
    DestroyAsync,
}

impl Dependent {
    /// Every valid value with its spelling.
    pub const ALL: &'static [(&'static str, Dependent)] = &[
        ("destroy", Dependent::Destroy),
        ("delete", Dependent::Delete),
        ("nullify", Dependent::Nullify),
        ("restrict_with_exception", Dependent::RestrictWithException),
        ("restrict_with_error", Dependent::RestrictWithError),
        ("destroy_async", Dependent::DestroyAsync),
    ];

    /// The runtime's `Dependent` variant.
    pub fn variant(self) -> &'static str {
        match self {
            Dependent::Destroy => "Destroy",
            Dependent::Delete => "Delete",
            Dependent::Nullify => "Nullify",
            Dependent::RestrictWithException => "RestrictWithException",
            Dependent::RestrictWithError => "RestrictWithError",
            Dependent::DestroyAsync => "DestroyAsync",
        }
    }
}

impl BelongsTo {
    /// Rails' name of the association: `belongs_to(User)` is `user`.
    pub fn name(&self) -> String {
        crate::names::snake(&self.parent_ident())
    }

    /// The parent type's last path segment.
    pub fn parent_ident(&self) -> Ident {
        self.parent
            .segments
            .last()
            .expect("a path has a segment")
            .ident
            .clone()
    }
}

/// The struct's named fields; anything else (a unit or tuple struct, an enum, a union) is
/// an error.
fn named_fields<'i>(input: &'i syn::DeriveInput, cx: &mut Ctxt) -> Option<&'i syn::FieldsNamed> {
    let what = match &input.data {
        syn::Data::Struct(s) => match &s.fields {
            syn::Fields::Named(named) => return Some(named),
            syn::Fields::Unit => {
                cx.error(
                    &input.ident,
                    "`Model` needs a struct with named fields (the fields map to columns), not a unit struct",
                );
                return None;
            }
            other => {
                cx.error(
                    other,
                    "`Model` needs a struct with named fields (the fields map to columns)",
                );
                return None;
            }
        },
        syn::Data::Enum(e) => (e.enum_token.span, "an enum"),
        syn::Data::Union(u) => (u.union_token.span, "a union"),
    };
    cx.push(syn::Error::new(
        what.0,
        format!(
            "`Model` can only be derived for a struct with named fields, not {}",
            what.1
        ),
    ));
    None
}

/// The cargo features of the backends named by `check_for_backend` (`Pg` → `postgres`).
fn features(backends: &[Ident]) -> Vec<Ident> {
    backends
        .iter()
        .filter_map(|b| {
            let name = match b.to_string().as_str() {
                "Sqlite" => "sqlite",
                "Pg" => "postgres",
                "Mysql" => "mysql",
                _ => return None,
            };
            Some(Ident::new(name, b.span()))
        })
        .collect()
}

impl Model {
    /// Parses the struct and all its attributes, reporting every error at once.
    pub fn from_input(input: &syn::DeriveInput) -> syn::Result<Model> {
        let mut cx = Ctxt::default();
        let named = named_fields(input, &mut cx);
        if let Some(param) = input.generics.params.first() {
            cx.error(
                param,
                "`Model` does not support generic structs: a model is one table row type",
            );
        }

        let diesel = attr::diesel::Container::parse(&input.attrs, &mut cx);
        let hooks = attr::model::parse(&input.attrs, &mut cx);
        let associations = attr::has_one::parse_all(&input.attrs, &input.ident, &mut cx);
        let fields = named
            .map(|named| {
                named
                    .named
                    .iter()
                    .filter_map(|f| attr::diesel::field(f, &mut cx))
                    .collect()
            })
            .unwrap_or_default();

        let model = Model {
            table: diesel
                .table_name
                .unwrap_or_else(|| crate::names::table_of(&input.ident)),
            primary_key: diesel
                .primary_key
                .unwrap_or_else(|| vec![Ident::new("id", input.ident.span())]),
            belongs_to: diesel.belongs_to,
            backends: diesel.check_for_backend.as_deref().map(features),
            ident: input.ident.clone(),
            fields,
            associations,
            hooks,
        };
        cx.finish(model)
    }

    /// The field of a column, if the struct has one.
    pub fn field_of(&self, column: &Ident) -> Option<&Field> {
        self.fields.iter().find(|f| f.column == *column)
    }
}
