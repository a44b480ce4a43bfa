// Preloading and eager loading an association whose scope takes the owner: one query
// for many owners cannot run the scope once per owner.
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { blogs (id) { id -> Integer, min_score -> Integer } }
diesel::table! { posts (id) { id -> Integer, blog_id -> Nullable<Integer>, score -> Integer } }
diesel::allow_tables_to_appear_in_same_query!(blogs, posts);

#[diesel::dsl::auto_type]
fn qualifying(posts: posts::table, blog: &Blog) -> _ {
    let min: i32 = blog.min_score;
    posts.filter(posts::score.ge(min))
}

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = blogs)]
#[has_one(
    qualifying_post,
    class_name = "Post",
    foreign_key = "blog_id",
    scope = "qualifying(owner)"
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

fn load(blogs: &[Blog], conn: &mut SqliteConnection) {
    let _ = Blog::preload_qualifying_post(blogs, conn);
    let _ = Blog::eager_load_qualifying_post(blogs::table);
}

fn main() {
    let _ = load;
}
