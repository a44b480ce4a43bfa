//! Code generation. Everything lands in one `const _: () = { … };` block that reaches the
//! runtime through the single alias `_rt` (the runtime's `__private` module), so the user needs no imports and generated
//! names cannot clash with theirs.

mod association;
mod checks;
mod docs;
mod fallback;
pub mod key;
mod methods;
mod model;
pub mod multi_conn;
mod through;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::Model;

pub use fallback::fallback;

/// The whole expansion of one `#[derive(Model)]`.
pub fn model(m: &Model) -> TokenStream {
    let model = model::expand(m);
    let markers = association::markers(m);
    let spellings = through::spellings(m);
    let associations = m.associations.iter().map(|a| match &a.through {
        None => association::expand(m, a),
        Some(_) => through::expand(m, a),
    });
    quote! {
        #[allow(non_camel_case_types, non_snake_case, unused_qualifications)]
        const _: () = {
            use ::diesel_has_one::__private as _rt;
            use _rt::diesel;
            #[allow(unused_imports)]
            use diesel::{
                BoolExpressionMethods as _, ExpressionMethods as _, NullableExpressionMethods as _,
                OptionalExtension as _,
                QueryDsl as _, RunQueryDsl as _, SelectableHelper as _,
            };
            #markers
            #spellings
            #model
            #(#associations)*
        };
    }
}
