// `scope` is not a function path.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { blogs (id) { id -> Integer, min_score -> Integer } }
diesel::table! { posts (id) { id -> Integer, blog_id -> Nullable<Integer>, score -> Integer } }
diesel::allow_tables_to_appear_in_same_query!(blogs, posts);

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = blogs)]
#[has_one(
    top_post,
    class_name = "Post",
    foreign_key = "blog_id",
    scope = "1 + 2"
)]
pub struct Blog {
    pub id: i32,
    pub min_score: i32,
}

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = posts)]
pub struct Post {
    pub id: i32,
    pub blog_id: Option<i32>,
    pub score: i32,
}

fn main() {}
