//! The derive behind `diesel_has_one`: `#[derive(Model)]` with `#[has_one(…)]`. Depend on
//! `diesel_has_one`, which re-exports it with the runtime the expansion calls.
//!
//! The pipeline is visible in the (private) modules: `attr` parses the attributes
//! (Diesel's own and ours) into the `ast`, `validate` checks what can be checked without
//! types, `expand` generates code. Nothing is generated before validation has passed.
//! Checks that need types (a column's SQL type, another model's `belongs_to`) are emitted
//! as trait bounds spanned on the user's token, so rustc reports them there.

mod ast;
mod attr;
mod ctxt;
mod expand;
mod names;
mod validate;

use proc_macro::TokenStream;

/// Derives `diesel_has_one::Model` (see the runtime crate's documentation for what the
/// generated methods do).
///
/// The struct is a Diesel model: the derive reads Diesel's own `#[diesel(table_name = …,
/// primary_key(…), belongs_to(…))]` and `#[diesel(column_name = …)]`, so nothing is
/// declared twice. Container attributes of its own:
///
/// - `#[has_one(name, option = value, …)]`, once per association (Rails' `has_one :name`),
///   with the options below; or nested, `#[has_one(name(option = value, …))]`, the same
///   declaration in a form clippy's `duplicated_attributes` does not flag when two
///   associations share an option.
/// - `#[model(before_destroy = path, after_destroy = path, polymorphic_name = "…")]`: the
///   destroy hooks (`fn(&Self, &mut C) -> Result<(), diesel_has_one::Error>`) and the type
///   string stored in polymorphic type columns (default: the struct's name). With the
///   flag `async_hooks` the hooks are `async fn`s of the same shape, given a
///   diesel-async connection, and the model is destroyed on diesel-async connections.
///
/// ```text
/// #[derive(Queryable, Selectable, Identifiable, Model)]
/// #[diesel(table_name = users)]
/// #[has_one(profile, dependent = "destroy", inverse_of = "user")]
/// #[has_one(club, through = "membership")]
/// pub struct User { pub id: i32, pub name: String }
/// ```
///
/// `has_one` options:
///
/// <!-- has_one options: made from attr::has_one::OPTIONS -->
/// | option | written | with `through` | meaning |
/// |---|---|---|---|
/// | `class_name` | `class_name = "crate::models::Profile"` | no | the target model's path (default: the association's name in PascalCase) |
/// | `foreign_key` | `foreign_key = "user_id"` | no | the target's column holding the owner's key (default: the owner's name in snake case + `_id`, or `<as>_id` with `as`) |
/// | `primary_key` | `primary_key = "id"` | no | the owner's column the foreign key stores (default: the Diesel primary key) |
/// | `inverse_of` | `inverse_of = "user"` | no | the target's `#[diesel(belongs_to(…))]` by its name, checked at compile time to point at the owner with the same foreign key |
/// | `dependent` | `dependent = "destroy"` | no | what destroying the owner or replacing the row does to the old row: `destroy`, `delete`, `nullify`, `restrict_with_exception`, `restrict_with_error` or `destroy_async` |
/// | `as` | `as = "imageable"` | no | polymorphic: the target's `<as>_id` and `<as>_type` columns name the owner |
/// | `foreign_type` | `foreign_type = "imageable_type"` | no | the polymorphic type column (default: `<as>_type`); needs `as` |
/// | `strict_loading` | `strict_loading = true` | yes | no lazy reader (calling it is a compile error): load with `preload_` or `eager_load_` |
/// | `scope` | `scope = "latest"` | no | a function refining the target's query: `latest` for `fn latest(table) -> …`, `newer_than(owner)` for `fn newer_than(table, &Owner) -> …` |
/// | `through` | `through = "membership"` | yes | reach the target through this `has_one` or `belongs_to` of the owner |
/// | `source` | `source = "club"` | only | the join model's association the chain continues with (default: this association's name) |
/// | `source_type` | `source_type = "Club"` | only | the source is a polymorphic `belongs_to`: rows of this type only |
/// | `disable_joins` | `disable_joins = true` | only | the reader runs one query per hop instead of one query |
/// | `ensuring_owner_was` | `ensuring_owner_was = "discarded"` | no | with `dependent = "destroy_async"`: the job runs only if the owner row is gone or this method of the owner returns `true` |
/// | `autosave` | `autosave = true` | no | `save_with_` also updates changed rows and destroys rows marked for destruction (`true`), or never writes the row (`false`); default: new rows only |
/// | `validate` | `validate = true` | no | the new or changed row is validated (`diesel_has_one::Validate`) before any write |
/// | `required` | `required = true` | no | `save_with_` fails with `Error::Invalid` when no row would exist after it |
/// | `touch` | `touch = true`, `touch = "updated_at"` | no | the row's `updated_at` (or the named column) is set to now when the owner is saved or destroyed |
/// | `deprecated` | `deprecated = true`, `deprecated = "use billing_address"` | yes | every method of the association is `#[deprecated]` (with this note): each use warns at compile time, destroying the owner does not |
/// <!-- end of has_one options -->
///
/// Any other option is a compile error naming the valid ones. On a bad declaration the
/// derive reports each mistake once, on its token, and still emits a stub of the model's
/// impls and methods, so the code using them adds no errors of its own.
#[proc_macro_derive(Model, attributes(has_one, model, diesel))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    derive(input.into()).into()
}

/// Derives `diesel_has_one::Key` for a newtype around a key (`struct UserId(i64);`), so
/// it can be an owner's key and a foreign key: the newtype is stored as the key it wraps
/// in key sets and job payloads, and its SQL type is the first `#[diesel(sql_type = …)]`
/// on the struct (Diesel's `AsExpression` attribute).
///
/// The newtype also needs what Diesel needs of any column value: `AsExpression` and
/// `FromSqlRow` (with `ToSql`/`FromSql` for each backend), and `Clone`, `Eq`, `Hash`.
#[proc_macro_derive(Key, attributes(diesel))]
pub fn derive_key(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    match attr::key::Newtype::parse(&input) {
        Ok(newtype) => expand::key::expand(&newtype),
        Err(e) => e.into_compile_error(),
    }
    .into()
}

/// Derives `diesel_has_one::ops::Runs` for a `#[derive(diesel::MultiConnection)]` enum:
/// every association method, and `destroy`, accept the enum and run on the connection of
/// its current variant (`enum AnyConnection { Sqlite(SqliteConnection),
/// Postgresql(PgConnection) }`).
#[proc_macro_derive(MultiConn)]
pub fn derive_multi_conn(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    match attr::multi_conn::MultiConn::parse(&input) {
        Ok(multi) => expand::multi_conn::expand(&multi),
        Err(e) => e.into_compile_error(),
    }
    .into()
}

/// The marker type of a direct `has_one`, for the bounds of generic code:
/// `association!(User::profile)` is the type the methods of `User`'s `profile` name in
/// their bounds (`association!(User::profile): diesel_has_one::Statements<C>` lets a
/// `fn f<C: Conn>(user: &User, conn: &mut C)` call `user.profile(conn)`).
#[proc_macro]
pub fn association(input: TokenStream) -> TokenStream {
    association_type(input.into()).into()
}

/// [`association`] as a function of token streams.
fn association_type(input: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    let parsed = syn::parse2::<syn::Path>(input).and_then(|mut path| {
        let usage = "write `association!(Owner::name)`, e.g. `association!(User::profile)`";
        let name = path
            .segments
            .pop()
            .ok_or_else(|| syn::Error::new_spanned(&path, usage))?;
        let name = name.into_value().ident;
        if path.segments.is_empty() {
            return Err(syn::Error::new_spanned(&name, usage));
        }
        path.segments.pop_punct();
        Ok((path, name))
    });
    let (owner, name) = match parsed {
        Ok(parts) => parts,
        Err(e) => return e.into_compile_error(),
    };
    let root = quote::quote!(::diesel_has_one::__private);
    let n = names::type_name_in(&name.to_string(), name.span(), &root);
    quote::quote!(<#owner as #root::Association<#n>>::Marker)
}

/// The derive as a function of token streams (the unit, snapshot and property tests call
/// it directly): returns the expansion, or `compile_error!`s spanned on the offending
/// tokens followed by [`expand::fallback`]'s stub.
fn derive(input: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    let input = match syn::parse2::<syn::DeriveInput>(input) {
        Ok(input) => input,
        Err(e) => return e.into_compile_error(),
    };
    let checked = ast::Model::from_input(&input).and_then(|model| {
        validate::check(&model)?;
        Ok(model)
    });
    match checked {
        Ok(model) => expand::model(&model),
        Err(errors) => {
            let mut out = errors.into_compile_error();
            out.extend(expand::fallback(&input));
            out
        }
    }
}

#[cfg(test)]
mod tests;
