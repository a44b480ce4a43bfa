//! Polymorphic `as` (+ `foreign_type`): every statement filters on the id and the type
//! column; rows of another type with the same id are never read, replaced or nullified.
//! Also `strict_loading` (preload and eager load only) and type strings full of quotes.

mod common;

use diesel::prelude::*;
use diesel_has_one::{Error, Model};

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { companies (id) { id -> Integer, name -> Text } }
diesel::table! { pictures (id) { id -> Integer, imageable_id -> Nullable<Integer>, imageable_type -> Nullable<Text>, url -> Text } }
diesel::table! { badges (id) { id -> Integer, owner_id -> Nullable<Integer>, owner_kind -> Nullable<Text>, label -> Text } }
diesel::allow_tables_to_appear_in_same_query!(users, pictures);
diesel::allow_tables_to_appear_in_same_query!(companies, pictures);
diesel::allow_tables_to_appear_in_same_query!(users, badges);

/// Stores "User" in `imageable_type`, like Rails.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(picture, as = "imageable", dependent = "nullify")]
#[has_one(
    badge,
    as = "owner",
    foreign_type = "owner_kind",
    strict_loading = true
)]
pub struct User {
    pub id: i32,
    pub name: String,
}

/// Stores a type string full of quotes and semicolons: it is a bound parameter.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = companies)]
#[model(polymorphic_name = "Firm'; DROP TABLE pictures; --")]
#[has_one(picture, as = "imageable", dependent = "destroy")]
pub struct Company {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = pictures)]
pub struct Picture {
    pub id: i32,
    pub imageable_id: Option<i32>,
    pub imageable_type: Option<String>,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = badges)]
pub struct Badge {
    pub id: i32,
    pub owner_id: Option<i32>,
    pub owner_kind: Option<String>,
    pub label: String,
}

#[derive(Insertable)]
#[diesel(table_name = pictures)]
pub struct NewPicture<'a> {
    pub url: &'a str,
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE users (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE companies (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE pictures (id {pk}, imageable_id INTEGER, imageable_type {text}, url {text} NOT NULL)",
    "CREATE UNIQUE INDEX pictures_imageable ON pictures (imageable_id, imageable_type)",
    "CREATE TABLE badges (id {pk}, owner_id INTEGER, owner_kind {text}, label {text} NOT NULL)",
];

fn picture(id: i32, owner: Option<(i32, &str)>, url: &str) -> Picture {
    Picture {
        id,
        imageable_id: owner.map(|o| o.0),
        imageable_type: owner.map(|o| o.1.to_string()),
        url: url.into(),
    }
}

/// A picture of type "Other" with the given owner id, written by hand.
macro_rules! other_picture {
    ($conn:expr, $id:expr) => {
        insert!(
            $conn,
            pictures,
            Picture,
            (
                pictures::imageable_id.eq($id),
                pictures::imageable_type.eq("Other"),
                pictures::url.eq("other.png")
            )
        )
    };
}

const FIRM: &str = "Firm'; DROP TABLE pictures; --";

backend_tests! {
    schema = SCHEMA;

    fn another_type_with_the_same_id_is_never_touched(conn, backend) {
        let ann = insert!(conn, users, User, users::name.eq("Ann"));
        let other = other_picture!(conn, ann.id);
        assert_eq!(ann.picture(conn).unwrap(), None, "reader");
        assert_eq!(User::preload_picture(std::slice::from_ref(&ann), conn).unwrap(), [None], "preload");
        let eager: Vec<(User, Option<Picture>)> = User::eager_load_picture(users::table).load(conn).unwrap();
        assert_eq!(eager, [(ann.clone(), None)], "eager load");

        let mine = ann.create_picture(NewPicture { url: "ann.png" }, conn).unwrap();
        assert_eq!(mine, picture(mine.id, Some((ann.id, "User")), "ann.png"));
        assert_eq!(ann.picture(conn).unwrap(), Some(mine.clone()));

        // replace: only Ann's "User" row is nullified (both columns), "Other" is untouched
        let newer = ann.create_picture(NewPicture { url: "ann2.png" }, conn).unwrap();
        assert_eq!(
            rows!(conn, pictures, Picture),
            [other.clone(), picture(mine.id, None, "ann.png"), picture(newer.id, Some((ann.id, "User")), "ann2.png")]
        );
        // destroy with nullify: both columns cleared, "Other" untouched
        ann.destroy(conn).unwrap();
        assert_eq!(
            rows!(conn, pictures, Picture),
            [other, picture(mine.id, None, "ann.png"), picture(newer.id, None, "ann2.png")]
        );
    }

    fn audit_expects_a_unique_index_on_id_and_type_and_no_foreign_key(conn, backend) {
        let report = diesel_has_one::audit::audit_where(|d| d.target_table == "pictures", conn).unwrap();
        assert!(report.is_clean(), "{report}");
        diesel::sql_query("DROP INDEX pictures_imageable ON pictures")
            .execute(conn)
            .or_else(|_| diesel::sql_query("DROP INDEX pictures_imageable").execute(conn))
            .unwrap();
        let report = diesel_has_one::audit::audit_where(|d| d.target_table == "pictures", conn).unwrap();
        assert!(!report.is_clean());
        assert!(report.findings.iter().all(|f| f.kind == diesel_has_one::audit::FindingKind::MissingUniqueIndex), "{report}");
        let text = report.to_string();
        assert!(text.contains("imageable_id, imageable_type"), "{text}");
    }

    fn set_writes_both_columns(conn, backend) {
        let ann = insert!(conn, users, User, users::name.eq("Ann"));
        let loose = insert!(conn, pictures, Picture, pictures::url.eq("loose.png"));
        ann.set_picture(Some(&loose), conn).unwrap();
        assert_eq!(rows!(conn, pictures, Picture), [picture(loose.id, Some((ann.id, "User")), "loose.png")]);
        ann.set_picture(None, conn).unwrap();
        assert_eq!(rows!(conn, pictures, Picture), [picture(loose.id, None, "loose.png")]);
    }

    fn type_string_with_quotes_is_a_bound_parameter(conn, backend) {
        let acme = insert!(conn, companies, Company, companies::name.eq("Acme"));
        let ann = insert!(conn, users, User, users::name.eq("Ann"));
        let other = other_picture!(conn, acme.id);
        let annp = ann.create_picture(NewPicture { url: "ann.png" }, conn).unwrap();
        let logo = acme.create_picture(NewPicture { url: "logo.png" }, conn).unwrap();
        assert_eq!(logo.imageable_type.as_deref(), Some(FIRM));
        assert_eq!(acme.picture(conn).unwrap(), Some(logo.clone()));
        assert_eq!(Company::preload_picture(std::slice::from_ref(&acme), conn).unwrap(), [Some(logo.clone())]);
        let eager: Vec<(Company, Option<Picture>)> = Company::eager_load_picture(companies::table).load(conn).unwrap();
        assert_eq!(eager, [(acme.clone(), Some(logo.clone()))]);
        // dependent = destroy: only the Firm row goes
        acme.destroy(conn).unwrap();
        assert_eq!(rows!(conn, pictures, Picture), [other, annp]);
    }

    fn strict_loading_keeps_preload_and_eager_load(conn, backend) {
        let ann = insert!(conn, users, User, users::name.eq("Ann"));
        diesel::insert_into(badges::table)
            .values((badges::owner_id.eq(ann.id), badges::owner_kind.eq("User"), badges::label.eq("gold")))
            .execute(conn)
            .unwrap();
        let loaded = User::preload_badge(std::slice::from_ref(&ann), conn).unwrap();
        assert_eq!(loaded[0].as_ref().unwrap().label, "gold");
        let eager: Vec<(User, Option<Badge>)> = User::eager_load_badge(users::table).load(conn).unwrap();
        assert_eq!(eager[0].1.as_ref().unwrap().label, "gold");
        // writes still work (strict loading only forbids the lazy read)
        let err = ann.create_badge(NewBadge { label: "" }, conn).err();
        assert!(err.is_none() || matches!(err, Some(Error::Database(_))));
    }
}

#[derive(Insertable)]
#[diesel(table_name = badges)]
pub struct NewBadge<'a> {
    pub label: &'a str,
}
