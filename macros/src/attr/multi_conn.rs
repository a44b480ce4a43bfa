//! Reads a `#[derive(diesel::MultiConnection)]` enum for `#[derive(MultiConn)]`: each
//! variant holds one connection.

use syn::{Data, DeriveInput, Fields, Ident, Type};

/// The enum's variants and the connection type each holds.
pub struct MultiConn<'a> {
    pub input: &'a DeriveInput,
    pub variants: Vec<(&'a Ident, &'a Type)>,
}

const USAGE: &str = "`#[derive(MultiConn)]` is for a `#[derive(diesel::MultiConnection)]` enum whose variants each hold one connection: `enum AnyConnection { Sqlite(SqliteConnection), Postgresql(PgConnection) }`";

impl<'a> MultiConn<'a> {
    /// Reads `input`; an error spanned on the offending item when it is not such an enum.
    pub fn parse(input: &'a DeriveInput) -> syn::Result<MultiConn<'a>> {
        let Data::Enum(data) = &input.data else {
            return Err(syn::Error::new_spanned(&input.ident, USAGE));
        };
        if data.variants.is_empty() {
            return Err(syn::Error::new_spanned(&input.ident, USAGE));
        }
        let variants = data
            .variants
            .iter()
            .map(|v| match &v.fields {
                Fields::Unnamed(f) if f.unnamed.len() == 1 => Ok((&v.ident, &f.unnamed[0].ty)),
                _ => Err(syn::Error::new_spanned(&v.ident, USAGE)),
            })
            .collect::<syn::Result<_>>()?;
        Ok(MultiConn { input, variants })
    }
}
