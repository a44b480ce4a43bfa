// Polymorphic `as` + `foreign_type`, `strict_loading` and `eager_load_…` together, lint-clean
// under `deny(warnings, unused_qualifications)` with the derives in a module that imports
// no Diesel traits; `main` runs preload and eager load on an in-memory SQLite database.
#![deny(warnings, unused_qualifications)]

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! {
    pictures (id) {
        id -> Integer,
        imageable_id -> Nullable<Integer>,
        imageable_kind -> Nullable<Text>,
        url -> Text,
    }
}
diesel::allow_tables_to_appear_in_same_query!(users, pictures);

mod models {
    use diesel::{Identifiable, Queryable, Selectable};

    #[derive(Debug, PartialEq, Queryable, Selectable, Identifiable, ::diesel_has_one::Model)]
    #[diesel(table_name = crate::users)]
    #[model(polymorphic_name = "Person")]
    #[has_one(
        picture,
        as = "imageable",
        foreign_type = "imageable_kind",
        dependent = "nullify",
        strict_loading = true
    )]
    pub struct User {
        pub id: i32,
        pub name: String,
    }

    #[derive(Debug, PartialEq, Queryable, Selectable, Identifiable, ::diesel_has_one::Model)]
    #[diesel(table_name = crate::pictures)]
    pub struct Picture {
        pub id: i32,
        pub imageable_id: Option<i32>,
        pub imageable_kind: Option<String>,
        pub url: String,
    }
}

use diesel::prelude::*;
use models::{Picture, User};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let conn = &mut SqliteConnection::establish(":memory:")?;
    diesel::sql_query("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
        .execute(conn)?;
    diesel::sql_query(
        "CREATE TABLE pictures (id INTEGER PRIMARY KEY, imageable_id INTEGER, \
         imageable_kind TEXT, url TEXT NOT NULL)",
    )
    .execute(conn)?;
    diesel::sql_query("INSERT INTO users (id, name) VALUES (1, 'ada'), (2, 'bob')")
        .execute(conn)?;
    // Picture 1 belongs to another type with the same id: never read.
    diesel::sql_query(
        "INSERT INTO pictures (id, imageable_id, imageable_kind, url) VALUES \
         (1, 1, 'Other', 'other.png'), (2, 1, 'Person', 'ada.png')",
    )
    .execute(conn)?;

    let owners: Vec<User> = users::table.order(users::id).load(conn)?;
    let preloaded = User::preload_picture(&owners, conn)?;
    let urls: Vec<Option<&str>> = preloaded
        .iter()
        .map(|p| p.as_ref().map(|p| p.url.as_str()))
        .collect();
    assert_eq!(urls, [Some("ada.png"), None]);

    let eager: Vec<(User, Option<Picture>)> =
        User::eager_load_picture(users::table.order(users::id)).load(conn)?;
    assert_eq!(eager.len(), 2);
    assert_eq!(eager[0].1.as_ref().map(|p| p.id), Some(2));
    assert_eq!(eager[1].1, None);
    Ok(())
}
