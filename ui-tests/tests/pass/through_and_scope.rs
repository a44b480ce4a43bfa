// `through` chains (a has_one → belongs_to chain with its writer, a belongs_to → belongs_to
// chain, a nested chain, `disable_joins`) and a scoped association, lint-clean under
// `deny(warnings, unused_qualifications)` with the derives in a module that imports no
// Diesel traits; `main` reads, writes and preloads on an in-memory SQLite database.
#![deny(warnings, unused_qualifications)]

diesel::table! { members (id) { id -> Integer, name -> Text } }
diesel::table! { memberships (id) { id -> Integer, member_id -> Nullable<Integer>, club_id -> Nullable<Integer> } }
diesel::table! { clubs (id) { id -> Integer, name -> Text, president_id -> Nullable<Integer> } }
diesel::table! { presidents (id) { id -> Integer, name -> Text } }
diesel::table! { posts (id) { id -> Integer, member_id -> Nullable<Integer>, club_id -> Nullable<Integer>, score -> Integer } }
diesel::allow_tables_to_appear_in_same_query!(members, memberships, clubs, presidents, posts);

mod models {
    use diesel::{Associations, Identifiable, Queryable, Selectable};
    use diesel_has_one::Model;

    #[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
    #[diesel(table_name = crate::members)]
    #[has_one(membership)]
    #[has_one(club, through = "membership")]
    #[has_one(
        club_without_joins,
        through = "membership",
        source = "club",
        disable_joins = true
    )]
    #[has_one(president, through = "club")]
    #[has_one(best_post, class_name = "Post", scope = "crate::best")]
    pub struct Member {
        pub id: i32,
        pub name: String,
    }

    #[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, Model)]
    #[diesel(table_name = crate::memberships, belongs_to(Member), belongs_to(Club))]
    pub struct Membership {
        pub id: i32,
        pub member_id: Option<i32>,
        pub club_id: Option<i32>,
    }

    #[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, Model)]
    #[diesel(table_name = crate::clubs, belongs_to(President))]
    pub struct Club {
        pub id: i32,
        pub name: String,
        pub president_id: Option<i32>,
    }

    #[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
    #[diesel(table_name = crate::presidents)]
    pub struct President {
        pub id: i32,
        pub name: String,
    }

    /// Post → club (belongs_to) → president (belongs_to).
    #[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, Model)]
    #[diesel(table_name = crate::posts, belongs_to(Club))]
    #[has_one(president, through = "club")]
    pub struct Post {
        pub id: i32,
        pub member_id: Option<i32>,
        pub club_id: Option<i32>,
        pub score: i32,
    }
}

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use models::{Club, Member, Post, President};

/// The highest score first.
#[diesel::dsl::auto_type]
pub fn best(posts: posts::table) -> _ {
    posts.order(posts::score.desc())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let conn = &mut SqliteConnection::establish(":memory:")?;
    for table in [
        "CREATE TABLE members (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
        "CREATE TABLE memberships (id INTEGER PRIMARY KEY, member_id INTEGER, club_id INTEGER)",
        "CREATE TABLE clubs (id INTEGER PRIMARY KEY, name TEXT NOT NULL, president_id INTEGER)",
        "CREATE TABLE presidents (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, member_id INTEGER, club_id INTEGER, \
         score INTEGER NOT NULL)",
    ] {
        diesel::sql_query(table).execute(conn)?;
    }
    conn.batch_execute(
        "INSERT INTO members (id, name) VALUES (1, 'ann'); \
         INSERT INTO presidents (id, name) VALUES (1, 'pia'); \
         INSERT INTO clubs (id, name, president_id) VALUES (1, 'chess', 1); \
         INSERT INTO posts (id, member_id, club_id, score) VALUES (1, 1, 1, 3), (2, 1, 1, 7)",
    )?;
    let ann: Member = members::table.first(conn)?;
    let chess: Club = clubs::table.first(conn)?;
    let pia: President = presidents::table.first(conn)?;

    // has_one → belongs_to: the writer inserts the membership
    ann.set_club(Some(&chess), conn)?;
    assert_eq!(ann.club(conn)?, Some(chess.clone()));
    assert_eq!(ann.club_without_joins(conn)?, Some(chess.clone()));
    assert_eq!(
        Member::preload_club(std::slice::from_ref(&ann), conn)?,
        [Some(chess)]
    );
    // nested
    assert_eq!(ann.president(conn)?, Some(pia.clone()));
    // belongs_to → belongs_to
    let post: Post = posts::table.order(posts::id).first(conn)?;
    assert_eq!(post.president(conn)?, Some(pia));
    // scoped
    assert_eq!(ann.best_post(conn)?.map(|p| p.score), Some(7));
    Ok(())
}
