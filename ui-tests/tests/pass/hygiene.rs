// The expansion is hygienic and lint-clean: it compiles under `deny(warnings,
// unused_qualifications)` with prelude names shadowed by the user's own types, and without
// importing anything from `diesel_has_one` but the derive.
#![deny(warnings, unused_qualifications)]
#![allow(dead_code)]

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }

mod models {
    #![allow(non_camel_case_types)]

    use diesel::{Identifiable, Queryable, Selectable};

    // Every name the expansion could reach by accident (not `std`/`core`: Diesel's own
    // derives write `std::hash::Hash`).
    struct Result;
    struct Option;
    struct Some;
    struct None;
    struct Ok;
    struct Err;
    struct Vec;
    struct String;
    struct Box;
    struct Clone;
    struct Default;
    struct Into;
    struct From;
    struct Send;
    struct Sized;
    struct Iterator;
    struct Fn;
    struct Drop;
    struct diesel_has_one;
    struct _rt;
    struct __C;
    struct __V;
    struct Column;
    struct Model;
    struct Persist;
    struct HasOne;
    struct Statements;
    struct Insert;
    struct Conn;
    struct Error;
    struct QueryResult;
    struct ExpressionMethods;
    struct QueryDsl;
    struct RunQueryDsl;
    fn key() {}
    fn conn() {}
    fn values() {}
    fn target() {}
    fn fk() {}

    #[derive(Queryable, Selectable, Identifiable, ::diesel_has_one::Model)]
    #[diesel(table_name = crate::users)]
    #[has_one(profile, dependent = "nullify", inverse_of = "user")]
    #[has_one(
        other_profile,
        class_name = "Profile",
        foreign_key = "user_id",
        dependent = "restrict_with_error"
    )]
    pub struct User {
        pub id: i32,
        pub name: ::std::string::String,
    }

    #[derive(
        Queryable, Selectable, Identifiable, diesel::Associations, ::diesel_has_one::Model,
    )]
    #[diesel(table_name = crate::profiles, belongs_to(User))]
    pub struct Profile {
        pub id: i32,
        pub user_id: ::core::option::Option<i32>,
        pub bio: ::std::string::String,
    }
}

fn main() {}
