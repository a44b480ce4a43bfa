use quote::quote;

fn expand(input: proc_macro2::TokenStream) -> String {
    let out = crate::derive(input);
    let file: syn::File = syn::parse2(out).expect("the expansion is valid Rust");
    prettyplease::unparse(&file)
}

#[test]
fn owner_with_one_association() {
    insta::assert_snapshot!(expand(quote! {
        #[diesel(table_name = users)]
        #[has_one(profile, dependent = "destroy", inverse_of = "user")]
        pub struct User { pub id: i32, pub name: String }
    }));
}

#[test]
fn target_with_belongs_to_and_hooks() {
    insta::assert_snapshot!(expand(quote! {
        #[diesel(table_name = profiles, belongs_to(User))]
        #[model(before_destroy = check_not_locked)]
        pub struct Profile { pub id: i32, pub user_id: Option<i32>, pub bio: String }
    }));
}
