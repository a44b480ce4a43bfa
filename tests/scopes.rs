//! Association scopes: the reader, preload and eager load pick the same row when several
//! match (the scope's order, then the lowest primary key); replace and destroy act on
//! that row only; a scope may take the owner.

// clippy reads two `has_one` attributes sharing an option as a duplicate.
#![allow(clippy::duplicated_attributes)]

mod common;

use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { blogs (id) { id -> Integer, name -> Text, min_score -> Integer } }
diesel::table! { posts (id) { id -> Integer, blog_id -> Nullable<Integer>, title -> Text, score -> Integer } }
diesel::allow_tables_to_appear_in_same_query!(blogs, posts);

/// Rails: `has_one :top_post, -> { where("score > 0").order(score: :desc) }, class_name: "Post"`
#[diesel::dsl::auto_type]
fn top(posts: posts::table) -> _ {
    posts
        .filter(posts::score.gt(0_i32))
        .order(posts::score.desc())
}

/// A scope value full of quotes and semicolons: a bound parameter like every other.
#[diesel::dsl::auto_type]
fn hostile(posts: posts::table) -> _ {
    let title: &'static str = "x'; DROP TABLE posts; --\"";
    posts.filter(posts::title.ne(title))
}

/// Rails: `has_one :qualifying_post, ->(blog) { where("score >= ?", blog.min_score) }`
#[diesel::dsl::auto_type]
fn qualifying(posts: posts::table, blog: &Blog) -> _ {
    let min: i32 = blog.min_score;
    posts.filter(posts::score.ge(min))
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = blogs)]
#[has_one(
    top_post,
    class_name = "Post",
    foreign_key = "blog_id",
    scope = "top",
    dependent = "destroy"
)]
#[has_one(first_post, class_name = "Post", foreign_key = "blog_id")]
#[has_one(
    hostile_post,
    class_name = "Post",
    foreign_key = "blog_id",
    scope = "hostile"
)]
#[has_one(
    qualifying_post,
    class_name = "Post",
    foreign_key = "blog_id",
    scope = "qualifying(owner)",
    dependent = "nullify"
)]
pub struct Blog {
    pub id: i32,
    pub name: String,
    pub min_score: i32,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = posts)]
pub struct Post {
    pub id: i32,
    pub blog_id: Option<i32>,
    pub title: String,
    pub score: i32,
}

#[derive(Insertable)]
#[diesel(table_name = posts)]
pub struct NewPost<'a> {
    pub title: &'a str,
    pub score: i32,
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE blogs (id {pk}, name {text} NOT NULL, min_score INTEGER NOT NULL)",
    "CREATE TABLE posts (id {pk}, blog_id INTEGER, title {text} NOT NULL, score INTEGER NOT NULL)",
];

/// A blog with posts scored 5, 9, 9, 0 (in insertion order): the top post is the first 9.
macro_rules! blog_with_posts {
    ($conn:expr, $name:expr) => {{
        let blog = insert!(
            $conn,
            blogs,
            Blog,
            (blogs::name.eq($name), blogs::min_score.eq(6))
        );
        for (title, score) in [("five", 5), ("nine a", 9), ("nine b", 9), ("zero", 0)] {
            diesel::insert_into(posts::table)
                .values((
                    posts::blog_id.eq(blog.id),
                    posts::title.eq(title),
                    posts::score.eq(score),
                ))
                .execute($conn)
                .unwrap();
        }
        blog
    }};
}

fn titles(posts: &[Post]) -> Vec<&str> {
    posts.iter().map(|p| p.title.as_str()).collect()
}

backend_tests! {
    schema = SCHEMA;

    fn reader_preload_and_eager_load_agree(conn, backend) {
        let a = blog_with_posts!(conn, "a");
        let b = blog_with_posts!(conn, "b");
        let empty = insert!(conn, blogs, Blog, (blogs::name.eq("empty"), blogs::min_score.eq(0)));
        let owners = [a.clone(), b.clone(), empty.clone()];

        let read: Vec<Option<Post>> = owners.iter().map(|o| o.top_post(conn).unwrap()).collect();
        assert_eq!(read[0].as_ref().unwrap().title, "nine a", "the scope's order, then the lowest key");
        assert_eq!(read[1].as_ref().unwrap().title, "nine a");
        assert_eq!(read[2], None);

        let log = common::Statements::record(conn);
        let preloaded = Blog::preload_top_post(&owners, conn).unwrap();
        assert_eq!(log.queries().len(), 1);
        assert_eq!(preloaded, read);

        log.clear();
        let eager: Vec<(Blog, Option<Post>)> =
            Blog::eager_load_top_post(blogs::table.order(blogs::id)).load(conn).unwrap();
        assert_eq!(log.queries().len(), 1);
        assert_eq!(eager.into_iter().map(|(_, p)| p).collect::<Vec<_>>(), read);

        // without a scope: the lowest primary key
        assert_eq!(a.first_post(conn).unwrap().unwrap().title, "five");
        let first_eager: Vec<(Blog, Option<Post>)> =
            Blog::eager_load_first_post(blogs::table.order(blogs::id)).load(conn).unwrap();
        assert_eq!(first_eager[0].1.as_ref().unwrap().title, "five");
    }

    fn replace_and_destroy_act_on_the_scoped_row_only(conn, backend) {
        let blog = blog_with_posts!(conn, "a");
        let created = blog.create_top_post(NewPost { title: "ten", score: 10 }, conn).unwrap();
        assert_eq!(created.title, "ten");
        // dependent = destroy removed "nine a" only; every other post of the blog stays
        assert_eq!(titles(&rows!(conn, posts, Post)), ["five", "nine b", "zero", "ten"]);
        assert_eq!(blog.top_post(conn).unwrap().unwrap().title, "ten");

        // a new row outside the scope is still returned by create
        let low = blog.create_top_post(NewPost { title: "low", score: 0 }, conn).unwrap();
        assert_eq!(low.title, "low");
        assert_eq!(titles(&rows!(conn, posts, Post)), ["five", "nine b", "zero", "low"]);

        blog.destroy(conn).unwrap();
        // the scoped association destroyed its row ("nine b"); the unscoped one has no dependent
        assert_eq!(titles(&rows!(conn, posts, Post)), ["five", "zero", "low"]);
    }

    fn audit_asks_a_scoped_association_for_a_plain_index(conn, backend) {
        use diesel_has_one::audit::FindingKind;
        let keep = |d: &diesel_has_one::Declaration| d.owner == "Blog" && d.name == "top_post";
        let kinds = |report: diesel::QueryResult<diesel_has_one::audit::Report>| -> Vec<FindingKind> {
            report.unwrap().findings.into_iter().map(|f| f.kind).collect()
        };
        let before = kinds(diesel_has_one::audit::audit_where(keep, conn));
        assert!(before.contains(&FindingKind::MissingIndex), "{before:?}");
        assert!(!before.contains(&FindingKind::MissingUniqueIndex), "{before:?}");
        diesel::sql_query("CREATE INDEX posts_blog_id ON posts (blog_id)").execute(conn).unwrap();
        assert!(!kinds(diesel_has_one::audit::audit_where(keep, conn)).contains(&FindingKind::MissingIndex));
    }

    fn scope_values_are_bound_parameters(conn, backend) {
        let blog = blog_with_posts!(conn, "a");
        diesel::update(posts::table.filter(posts::title.eq("five")))
            .set(posts::title.eq("x'; DROP TABLE posts; --\""))
            .execute(conn)
            .unwrap();
        assert_eq!(blog.hostile_post(conn).unwrap().unwrap().title, "nine a");
        assert_eq!(Blog::preload_hostile_post(std::slice::from_ref(&blog), conn).unwrap()[0].as_ref().unwrap().title, "nine a");
        let eager: Vec<(Blog, Option<Post>)> = Blog::eager_load_hostile_post(blogs::table).load(conn).unwrap();
        assert_eq!(eager[0].1.as_ref().unwrap().title, "nine a");
        assert_eq!(rows!(conn, posts, Post).len(), 4, "the table is intact");
    }

    fn a_scope_that_takes_the_owner(conn, backend) {
        let blog = blog_with_posts!(conn, "a");
        // min_score = 6: the first post with score >= 6 by primary key
        assert_eq!(blog.qualifying_post(conn).unwrap().unwrap().title, "nine a");
        let bar = Blog { min_score: 100, ..blog.clone() };
        assert_eq!(bar.qualifying_post(conn).unwrap(), None);
        // nullify acts on the scoped row only
        blog.set_qualifying_post(None, conn).unwrap();
        let after = rows!(conn, posts, Post);
        assert_eq!(after.iter().filter(|p| p.blog_id.is_none()).map(|p| p.title.as_str()).collect::<Vec<_>>(), ["nine a"]);
        assert_eq!(blog.qualifying_post(conn).unwrap().unwrap().title, "nine b");
    }
}
