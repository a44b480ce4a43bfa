//! The stub a bad declaration gets beside its errors (`expand::fallback`), as a reviewer
//! reads it, and what it is made of for inputs the light pass must read or skip.

use proc_macro2::TokenStream;
use quote::quote;

/// The derive's output without its `compile_error!`s, pretty-printed.
fn stub(input: TokenStream) -> String {
    let out = crate::derive(input);
    let mut file: syn::File = syn::parse2(out).expect("the output is Rust");
    let before = file.items.len();
    file.items
        .retain(|item| !matches!(item, syn::Item::Macro(_)));
    assert!(file.items.len() < before, "the input has an error");
    prettyplease::unparse(&file)
}

#[test]
fn stub_of_a_bad_option() {
    insta::assert_snapshot!(stub(quote! {
        #[diesel(table_name = users, belongs_to(Company))]
        #[has_one(profile, dependnt = "destroy")]
        #[has_one(club, through = "membership", class_name = "Club")]
        pub struct User { pub id: i32, pub company_id: i32, #[diesel(column_name = full_name)] pub name: String }
    }));
}

/// The methods of each association whose name can be read, whatever follows it; the
/// model's impls only when Diesel's part reads.
#[test]
fn what_the_light_pass_reads() {
    let methods = |input: TokenStream| {
        let text = stub(input);
        let has = |name: &str| text.contains(&format!("pub fn {name}"));
        (
            has("profile<"),
            has("create_profile<"),
            text.contains("impl _rt::Model for"),
        )
    };
    for (case, input, expected) in light_pass_cases() {
        assert_eq!(methods(input), expected, "{case}");
    }
}

/// What the case is, the input, and whether the stub has (the reader, a writer, the model
/// impls).
fn light_pass_cases() -> [(&'static str, TokenStream, (bool, bool, bool)); 7] {
    [
        (
            "a missing comma: the name is read",
            quote!(
                #[has_one(profile dependent = "destroy")]
                struct User {
                    id: i32,
                }
            ),
            (true, true, true),
        ),
        (
            "no name: nothing to stub but the model",
            quote!(
                #[has_one(dependent = "destroy")]
                struct User {
                    id: i32,
                }
            ),
            (false, false, true),
        ),
        (
            "`through`: no writers",
            quote!(
                #[has_one(profile, through = "x", scope = "s")]
                struct User {
                    id: i32,
                }
            ),
            (true, false, true),
        ),
        (
            "the nested form: `through` inside `name(…)` is read too",
            quote!(
                #[has_one(profile(through = "x", dependnt = "x"))]
                struct User {
                    id: i32,
                }
            ),
            (true, false, true),
        ),
        (
            "a bad `#[diesel]`: no model impls, the methods still",
            quote!(
                #[diesel(table_name = Vec<T>)]
                #[has_one(profile)]
                struct User {
                    id: i32,
                }
            ),
            (true, true, false),
        ),
        (
            "no field for the key: no model impls",
            quote!(
                #[has_one(profile, dependnt = "x")]
                struct User {
                    uid: i32,
                }
            ),
            (true, true, false),
        ),
        (
            "an enum: the methods on it, no model impls",
            quote!(
                #[has_one(profile)]
                enum User {
                    A,
                }
            ),
            (true, true, false),
        ),
    ]
}

/// `class_name` as the stub reads it: the path, or what a bad value most likely names.
#[test]
fn class_name_guesses() {
    for (value, target) in [
        (quote!("crate::Person"), "crate :: Person"),
        (quote!(crate::Person), "crate :: Person"),
        (quote!("Vec<Person>"), "Person"),
        (quote!("Option<models::Person>"), "models :: Person"),
        (quote!("Person<'a, T>"), "Person"),
        (quote!("1 + 1"), "Profile"),
        (quote!(42), "Profile"),
    ] {
        let text = stub(quote! {
            #[has_one(profile, class_name = #value, dependnt = "x")] struct User { id: i32 }
        });
        let alias = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("type __profile_Target = "))
            .unwrap_or_else(|| panic!("no alias for {value}: {text}"));
        let written: TokenStream = alias.trim_end_matches(';').parse().unwrap();
        assert_eq!(written.to_string(), target, "class_name = {value}");
    }
}
