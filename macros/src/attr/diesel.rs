//! Reads Diesel's own attributes, so nothing is declared twice: `table_name`,
//! `primary_key`, `belongs_to` and `check_for_backend` on the struct, `column_name` on
//! fields.

use syn::{Ident, Path, Token};

use crate::ast::{BelongsTo, Field};
use crate::ctxt::Ctxt;
use crate::names;

/// The container part of `#[diesel(…)]`.
#[derive(Default)]
pub struct Container {
    pub table_name: Option<Path>,
    pub primary_key: Option<Vec<Ident>>,
    pub belongs_to: Vec<BelongsTo>,
    /// The backends of `check_for_backend(…)`, by the last segment of their path
    /// (`Sqlite`, `Pg`, `Mysql`).
    pub check_for_backend: Option<Vec<Ident>>,
}

impl Container {
    /// Reads every `#[diesel(…)]` on the struct; keys Diesel owns that we don't need are
    /// skipped (Diesel's derives report their own errors).
    pub fn parse(attrs: &[syn::Attribute], cx: &mut Ctxt) -> Container {
        let mut out = Container::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident("diesel")) {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("table_name") {
                    // a module path (`users`, `crate::schema::users`): generic arguments
                    // (`Vec<T>`) would make `#table::table` invalid Rust
                    out.table_name = Some(meta.value()?.call(Path::parse_mod_style)?);
                } else if meta.path.is_ident("primary_key") {
                    let mut columns = Vec::new();
                    meta.parse_nested_meta(|col| {
                        columns.push(col.path.require_ident()?.clone());
                        Ok(())
                    })?;
                    out.primary_key = Some(columns);
                } else if meta.path.is_ident("check_for_backend") {
                    let mut backends = Vec::new();
                    meta.parse_nested_meta(|backend| {
                        let last = backend.path.segments.last();
                        backends.extend(last.map(|s| s.ident.clone()));
                        Ok(())
                    })?;
                    out.check_for_backend = Some(backends);
                } else if meta.path.is_ident("belongs_to") {
                    let content;
                    syn::parenthesized!(content in meta.input);
                    let parent: Path = content.parse()?;
                    let mut foreign_key = None;
                    while content.peek(Token![,]) {
                        content.parse::<Token![,]>()?;
                        if content.is_empty() {
                            break;
                        }
                        let key: Ident = content.parse()?;
                        content.parse::<Token![=]>()?;
                        if key == "foreign_key" {
                            foreign_key = Some(content.parse::<Ident>()?);
                        } else {
                            super::skip_value(&content)?;
                        }
                    }
                    let foreign_key = foreign_key.unwrap_or_else(|| {
                        let last = &parent.segments.last().expect("a path has a segment").ident;
                        names::foreign_key_of(last, last.span())
                    });
                    out.belongs_to.push(BelongsTo {
                        parent,
                        foreign_key,
                    });
                } else {
                    super::skip_value(meta.input)?;
                }
                Ok(())
            });
            cx.ok(result);
        }
        out
    }
}

/// A struct field and its column; `None` for fields that are not a column
/// (`#[diesel(embed)]`, `#[diesel(select_expression = …)]`).
pub fn field(field: &syn::Field, cx: &mut Ctxt) -> Option<Field> {
    let ident = field.ident.clone()?;
    let mut column = ident.clone();
    let mut is_column = true;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("diesel")) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("column_name") {
                let value = meta.value()?;
                column = if value.peek(syn::LitStr) {
                    value.parse::<syn::LitStr>()?.parse()?
                } else {
                    value.parse()?
                };
            } else if meta.path.is_ident("embed") || meta.path.is_ident("select_expression") {
                is_column = false;
                super::skip_value(meta.input)?;
            } else {
                super::skip_value(meta.input)?;
            }
            Ok(())
        });
        cx.ok(result);
    }
    is_column.then(|| Field {
        ident,
        column,
        ty: field.ty.clone(),
    })
}
