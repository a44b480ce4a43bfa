//! Reads a key newtype for `#[derive(Key)]`: the one wrapped field and the SQL type of
//! Diesel's `#[diesel(sql_type = …)]` on the struct (which `AsExpression` needs too).

use syn::{Data, DeriveInput, Fields, Member, Type};

/// `struct UserId(i64)` (or `struct UserId { raw: i64 }`), as the derive needs it.
pub struct Newtype<'a> {
    pub input: &'a DeriveInput,
    /// The wrapped key type.
    pub inner: &'a Type,
    /// How the wrapped field is reached: `0` or `raw`.
    pub member: Member,
    /// The first `#[diesel(sql_type = …)]` (the one of Diesel's `AsExpression`).
    pub sql_type: Type,
}

const USAGE: &str = "`#[derive(Key)]` is for a newtype around a key: `struct UserId(i64);` (one field: `i16`, `i32`, `i64`, `String`, `uuid::Uuid` or another such newtype)";

impl<'a> Newtype<'a> {
    /// Reads `input`; an error spanned on the struct when it is not a one-field struct.
    pub fn parse(input: &'a DeriveInput) -> syn::Result<Newtype<'a>> {
        let fields = match &input.data {
            Data::Struct(data) => &data.fields,
            _ => return Err(syn::Error::new_spanned(&input.ident, USAGE)),
        };
        let field = match fields {
            Fields::Named(f) if f.named.len() == 1 => &f.named[0],
            Fields::Unnamed(f) if f.unnamed.len() == 1 => &f.unnamed[0],
            _ => return Err(syn::Error::new_spanned(&input.ident, USAGE)),
        };
        let member = field
            .ident
            .clone()
            .map_or(Member::Unnamed(0.into()), Member::Named);
        let sql_type = sql_type(&input.attrs)?.ok_or_else(|| {
            syn::Error::new_spanned(
                &input.ident,
                "a key newtype needs its SQL type: add `#[derive(AsExpression, FromSqlRow)]` and `#[diesel(sql_type = BigInt)]` (the key column's type in `table!`)",
            )
        })?;
        Ok(Newtype {
            input,
            inner: &field.ty,
            member,
            sql_type,
        })
    }
}

/// The first `sql_type = …` of the struct's `#[diesel(…)]` attributes.
fn sql_type(attrs: &[syn::Attribute]) -> syn::Result<Option<Type>> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("diesel")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("sql_type") {
                let ty: Type = meta.value()?.parse()?;
                found.get_or_insert(ty);
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?;
                super::skip_value(meta.input)?;
            } else if !meta.input.is_empty() && !meta.input.peek(syn::Token![,]) {
                super::skip_value(meta.input)?;
            }
            Ok(())
        })?;
    }
    Ok(found)
}
