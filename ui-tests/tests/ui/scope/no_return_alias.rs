// The scope function has no return type alias of the same name: it is missing
// `#[diesel::dsl::auto_type]`.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { blogs (id) { id -> Integer, min_score -> Integer } }
diesel::table! { posts (id) { id -> Integer, blog_id -> Nullable<Integer>, score -> Integer } }
diesel::allow_tables_to_appear_in_same_query!(blogs, posts);

fn top(posts: posts::table) -> diesel::dsl::Order<posts::table, diesel::dsl::Desc<posts::score>> {
    posts.order(posts::score.desc())
}

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = blogs)]
#[has_one(top_post, class_name = "Post", foreign_key = "blog_id", scope = "top")]
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
