//! The parameters named like columns (`names::Labels`) that make a missing column's
//! message name it: one per distinct column, none for a name the generated code uses
//! itself (the lookup then stays by spelling).

use quote::quote;

fn expand(input: proc_macro2::TokenStream) -> String {
    let file: syn::File = syn::parse2(crate::derive(input)).expect("the expansion is Rust");
    prettyplease::unparse(&file)
}

#[test]
fn one_parameter_per_column() {
    let out = expand(quote! {
        #[diesel(table_name = users)]
        #[has_one(profile, touch = "user_id", dependent = "nullify")]
        pub struct User { pub id: i32 }
    });
    assert!(
        out.contains("impl<user_id> _rt::HasOne for has_one::profile"),
        "{out}"
    );
    assert!(
        out.contains(
            "type Touch = _rt::Touches<<Profile as _rt::TouchedColumn<user_id>>::Column>;"
        ),
        "{out}"
    );
    assert!(out.contains("fn __profile_checks<user_id>()"), "{out}");
}

#[test]
fn a_column_named_like_a_type_of_the_impl_keeps_its_spelling() {
    // `users` is the owner's table, which `type OwnerKey = users::id` names
    let out = expand(quote! {
        #[diesel(table_name = users)]
        #[has_one(profile, foreign_key = "users")]
        pub struct User { pub id: i32 }
    });
    assert!(
        out.contains("impl _rt::HasOne for has_one::profile {"),
        "{out}"
    );
    assert!(
        out.contains("type ForeignKey = <Profile as _rt::Column<"),
        "{out}"
    );
}

#[test]
fn a_raw_column_name_is_a_raw_parameter() {
    let out = expand(quote! {
        #[diesel(table_name = users)]
        #[has_one(profile, foreign_key = "r#type")]
        pub struct User { pub id: i32 }
    });
    assert!(
        out.contains("impl<r#type> _rt::HasOne for has_one::profile"),
        "{out}"
    );
}
