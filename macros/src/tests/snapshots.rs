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

// One snapshot per option family, so a review of the expansion shows what each change
// does to the generated code of that family.

#[test]
fn family_plain() {
    insta::assert_snapshot!(expand(quote! {
        #[diesel(table_name = users)]
        #[has_one(profile)]
        pub struct User { pub id: i32, pub name: String }
    }));
}

#[test]
fn family_polymorphic() {
    insta::assert_snapshot!(expand(quote! {
        #[diesel(table_name = employees)]
        #[has_one(picture, as = "imageable", dependent = "nullify")]
        pub struct Employee { pub id: i32, pub name: String }
    }));
}

#[test]
fn family_scoped() {
    insta::assert_snapshot!(expand(quote! {
        #[diesel(table_name = blogs)]
        #[has_one(top_post, class_name = "Post", foreign_key = "blog_id", scope = "top", dependent = "destroy")]
        pub struct Blog { pub id: i32, pub name: String }
    }));
}

#[test]
fn family_owner_scoped() {
    insta::assert_snapshot!(expand(quote! {
        #[diesel(table_name = blogs)]
        #[has_one(qualifying_post, class_name = "Post", foreign_key = "blog_id", scope = "qualifying(owner)", dependent = "nullify")]
        pub struct Blog { pub id: i32, pub min_score: i32 }
    }));
}

#[test]
fn family_through_has_one() {
    insta::assert_snapshot!(expand(quote! {
        #[diesel(table_name = members)]
        #[has_one(club)]
        #[has_one(president, through = "club")]
        pub struct Member { pub id: i32, pub name: String }
    }));
}

#[test]
fn family_through_belongs_to() {
    insta::assert_snapshot!(expand(quote! {
        #[diesel(table_name = members)]
        #[has_one(membership, dependent = "destroy")]
        #[has_one(club, through = "membership")]
        pub struct Member { pub id: i32, pub name: String }
    }));
}

#[test]
fn family_destroy_async() {
    insta::assert_snapshot!(expand(quote! {
        #[diesel(table_name = users)]
        #[has_one(profile, dependent = "destroy_async", ensuring_owner_was = "deleted")]
        pub struct User { pub id: i32, pub name: String }
    }));
}

#[test]
fn family_autosave_validate_touch() {
    insta::assert_snapshot!(expand(quote! {
        #[diesel(table_name = users)]
        #[has_one(profile, autosave = true, validate = true, required = true, touch = "updated_at")]
        pub struct User { pub id: i32, pub name: String }
    }));
}

#[test]
fn family_deprecated() {
    insta::assert_snapshot!(expand(quote! {
        #[diesel(table_name = users)]
        #[has_one(profile, deprecated = "use billing_address")]
        pub struct User { pub id: i32, pub name: String }
    }));
}

#[test]
fn family_through_deprecated() {
    insta::assert_snapshot!(expand(quote! {
        #[diesel(table_name = members)]
        #[has_one(club)]
        #[has_one(president, through = "club", deprecated = true)]
        pub struct Member { pub id: i32, pub name: String }
    }));
}

// Baselines for scripts/derive_metrics.sh: each family's model without the association it
// measures (the script pairs them by their input: the family's minus its last `#[has_one]`),
// so "expanded lines of one association" = family − baseline.

#[test]
fn baseline_user() {
    insta::assert_snapshot!(expand(quote! {
        #[diesel(table_name = users)]
        pub struct User { pub id: i32, pub name: String }
    }));
}

#[test]
fn baseline_employee() {
    insta::assert_snapshot!(expand(quote! {
        #[diesel(table_name = employees)]
        pub struct Employee { pub id: i32, pub name: String }
    }));
}

#[test]
fn baseline_blog() {
    insta::assert_snapshot!(expand(quote! {
        #[diesel(table_name = blogs)]
        pub struct Blog { pub id: i32, pub name: String }
    }));
}

#[test]
fn baseline_blog_min_score() {
    insta::assert_snapshot!(expand(quote! {
        #[diesel(table_name = blogs)]
        pub struct Blog { pub id: i32, pub min_score: i32 }
    }));
}

#[test]
fn baseline_member_club() {
    insta::assert_snapshot!(expand(quote! {
        #[diesel(table_name = members)]
        #[has_one(club)]
        pub struct Member { pub id: i32, pub name: String }
    }));
}

#[test]
fn baseline_member_membership() {
    insta::assert_snapshot!(expand(quote! {
        #[diesel(table_name = members)]
        #[has_one(membership, dependent = "destroy")]
        pub struct Member { pub id: i32, pub name: String }
    }));
}
