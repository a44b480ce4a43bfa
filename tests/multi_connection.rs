//! `#[derive(diesel::MultiConnection, diesel_has_one::MultiConn)]` (issue 13.3): one enum
//! over SQLite and PostgreSQL, the backend chosen at run time, passed as it is to every
//! association method and to `destroy`; the same body runs on each variant, asserting
//! the rows left.
#![cfg(all(feature = "sqlite", feature = "postgres"))]

mod common;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel_has_one::{Error, Model};

#[derive(diesel::MultiConnection, diesel_has_one::MultiConn)]
pub enum AnyConnection {
    Sqlite(SqliteConnection),
    Postgresql(PgConnection),
}

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }
diesel::table! { notes (id) { id -> Integer, user_id -> Integer, body -> Text } }
diesel::table! { memberships (id) { id -> Integer, user_id -> Nullable<Integer>, club_id -> Nullable<Integer> } }
diesel::table! { clubs (id) { id -> Integer, name -> Text } }
diesel::table! { teams (id) { id -> Integer, name -> Text } }
diesel::table! { badges (id) { id -> Integer, team_id -> Nullable<Integer>, label -> Text } }
diesel::allow_tables_to_appear_in_same_query!(
    users,
    profiles,
    notes,
    memberships,
    clubs,
    teams,
    badges
);

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile, dependent = "destroy")]
#[has_one(note, dependent = "restrict_with_exception")]
// the nested form (`name(options)`) keeps clippy's `duplicated_attributes` quiet
#[has_one(membership(dependent = "destroy"))]
#[has_one(club(through = "membership"))]
#[has_one(club_without_joins(through = "membership", source = "club", disable_joins = true))]
pub struct User {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = profiles)]
pub struct Profile {
    pub id: i32,
    pub user_id: Option<i32>,
    pub bio: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = notes)]
pub struct Note {
    pub id: i32,
    pub user_id: i32,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, Model)]
#[diesel(table_name = memberships, belongs_to(User), belongs_to(Club))]
pub struct Membership {
    pub id: i32,
    pub user_id: Option<i32>,
    pub club_id: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = clubs)]
pub struct Club {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = teams)]
#[has_one(badge, dependent = "destroy_async")]
pub struct Team {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = badges)]
pub struct Badge {
    pub id: i32,
    pub team_id: Option<i32>,
    pub label: String,
}

#[derive(Insertable)]
#[diesel(table_name = profiles)]
pub struct NewProfile<'a> {
    pub bio: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub name: &'a str,
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE users (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE profiles (id {pk}, user_id INTEGER UNIQUE, bio {text} NOT NULL)",
    "CREATE TABLE notes (id {pk}, user_id INTEGER NOT NULL, body {text} NOT NULL)",
    "CREATE TABLE memberships (id {pk}, user_id INTEGER UNIQUE, club_id INTEGER)",
    "CREATE TABLE clubs (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE teams (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE badges (id {pk}, team_id INTEGER, label {text} NOT NULL)",
];

fn profiles(conn: &mut AnyConnection) -> Vec<Profile> {
    profiles::table
        .order(profiles::id)
        .select(Profile::as_select())
        .load(conn)
        .unwrap()
}

/// The same calls on either backend, through the enum.
fn every_method(conn: &mut AnyConnection) {
    conn.batch_execute(
        "INSERT INTO users (name) VALUES ('ann'); INSERT INTO users (name) VALUES ('bob')",
    )
    .unwrap();
    let users: Vec<User> = users::table
        .order(users::id)
        .select(User::as_select())
        .load(conn)
        .unwrap();
    let (ann, bob) = (&users[0], &users[1]);
    assert_eq!(ann.profile(conn).unwrap(), None);
    let first = ann.create_profile(NewProfile { bio: "one" }, conn).unwrap();
    let second = ann.create_profile(NewProfile { bio: "two" }, conn).unwrap();
    assert_eq!(
        profiles(conn),
        std::slice::from_ref(&second),
        "replaced: the old row destroyed"
    );
    assert_ne!(first.id, second.id);
    assert_eq!(ann.profile(conn).unwrap().as_ref(), Some(&second));
    assert_eq!(
        User::preload_profile(&users, conn).unwrap(),
        [Some(second.clone()), None]
    );
    let eager: Vec<(User, Option<Profile>)> =
        User::eager_load_profile(users::table.order(users::id))
            .load(conn)
            .unwrap();
    assert_eq!(
        eager,
        [(ann.clone(), Some(second.clone())), (bob.clone(), None)]
    );

    bob.set_profile(Some(&second), conn).unwrap();
    assert_eq!(
        profiles(conn),
        [Profile {
            user_id: Some(bob.id),
            ..second.clone()
        }],
        "moved"
    );
    assert_eq!(ann.profile(conn).unwrap(), None);

    // a failing destroy writes nothing: bob's note restricts it
    conn.batch_execute(&format!(
        "INSERT INTO notes (user_id, body) VALUES ({}, 'keep')",
        bob.id
    ))
    .unwrap();
    assert!(matches!(
        bob.destroy(conn),
        Err(Error::DeleteRestricted { .. })
    ));
    assert_eq!(profiles(conn).len(), 1, "nothing destroyed");
    assert_eq!(users::table.count().get_result::<i64>(conn).unwrap(), 2);

    ann.destroy(conn).unwrap();
    let left: Vec<String> = users::table.select(users::name).load(conn).unwrap();
    assert_eq!(left, ["bob"]);

    // build_ + save, and autosave's builders (the owner inserted with its row)
    let built = bob
        .build_profile(NewProfile { bio: "built" })
        .save(conn)
        .unwrap();
    assert_eq!(bob.profile(conn).unwrap(), Some(built));
    let (cleo, row) = User::insert_with_profile(NewUser { name: "cleo" })
        .new_row(NewProfile { bio: "with owner" })
        .save(conn)
        .unwrap();
    assert_eq!(cleo.name, "cleo");
    assert_eq!(row.as_ref().and_then(|r| r.user_id), Some(cleo.id));
    let (_, kept) = cleo.save_with_profile().save(conn).unwrap();
    assert_eq!(kept, row);
    let bios: Vec<String> = profiles::table
        .order(profiles::id)
        .select(profiles::bio)
        .load(conn)
        .unwrap();
    assert_eq!(
        bios,
        ["built", "with owner"],
        "bob's moved row replaced by the built one"
    );
}

/// The `through` methods on either backend, through the enum: reader (joined and
/// `disable_joins`), writer, preload and eager load.
fn through_methods(conn: &mut AnyConnection) {
    conn.batch_execute(
        "INSERT INTO users (name) VALUES ('ann'); INSERT INTO users (name) VALUES ('bob');
         INSERT INTO clubs (name) VALUES ('chess'); INSERT INTO clubs (name) VALUES ('golf')",
    )
    .unwrap();
    let users: Vec<User> = users::table
        .order(users::id)
        .select(User::as_select())
        .load(conn)
        .unwrap();
    let clubs: Vec<Club> = clubs::table
        .order(clubs::id)
        .select(Club::as_select())
        .load(conn)
        .unwrap();
    let (ann, bob, chess, golf) = (&users[0], &users[1], &clubs[0], &clubs[1]);
    assert_eq!(ann.club(conn).unwrap(), None);
    ann.set_club(Some(chess), conn).unwrap();
    ann.set_club(Some(golf), conn).unwrap();
    bob.set_club(Some(chess), conn).unwrap();
    let rows: Vec<Membership> = memberships::table
        .order(memberships::id)
        .select(Membership::as_select())
        .load(conn)
        .unwrap();
    let expected = [
        Membership {
            id: rows[0].id,
            user_id: Some(ann.id),
            club_id: Some(golf.id),
        },
        Membership {
            id: rows[1].id,
            user_id: Some(bob.id),
            club_id: Some(chess.id),
        },
    ];
    assert_eq!(rows, expected, "one join row each, ann's updated in place");
    assert_eq!(ann.club(conn).unwrap().as_ref(), Some(golf));
    assert_eq!(bob.club_without_joins(conn).unwrap().as_ref(), Some(chess));
    assert_eq!(
        User::preload_club(&users, conn).unwrap(),
        [Some(golf.clone()), Some(chess.clone())]
    );
    let eager: Vec<(User, Option<Club>)> = User::eager_load_club(users::table.order(users::id))
        .load(conn)
        .unwrap();
    assert_eq!(
        eager,
        [
            (ann.clone(), Some(golf.clone())),
            (bob.clone(), Some(chess.clone()))
        ]
    );
    ann.set_club(None, conn).unwrap();
    assert_eq!(
        memberships::table.count().get_result::<i64>(conn).unwrap(),
        1
    );
    assert_eq!(ann.club(conn).unwrap(), None);
}

/// `jobs` and `audit` on either backend, through the enum: a `destroy_async` job written
/// by the owner's destroy and run by the worker; the audit's report equal to the one read
/// through the variant's own connection.
fn jobs_and_audit(conn: &mut AnyConnection) {
    diesel_has_one::jobs::create_table(conn).unwrap();
    conn.batch_execute(
        "INSERT INTO teams (name) VALUES ('red'); INSERT INTO badges (team_id, label) VALUES (1, 'gold')",
    )
    .unwrap();
    let team: Team = teams::table.select(Team::as_select()).first(conn).unwrap();
    team.destroy(conn).unwrap();
    assert_eq!(
        badges::table.count().get_result::<i64>(conn).unwrap(),
        1,
        "destroyed later"
    );
    let jobs = diesel_has_one::jobs::pending(conn).unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].association, "Team.badge");
    let summary = diesel_has_one::jobs::run_pending(10, conn).unwrap();
    assert_eq!((summary.succeeded, summary.failed), (1, 0));
    assert_eq!(badges::table.count().get_result::<i64>(conn).unwrap(), 0);
    assert!(diesel_has_one::jobs::pending(conn).unwrap().is_empty());
    assert_eq!(diesel_has_one::jobs::retry_now(conn).unwrap(), 0);

    let report = diesel_has_one::audit::audit(conn).unwrap();
    let direct = match conn {
        AnyConnection::Sqlite(c) => diesel_has_one::audit::audit(c),
        AnyConnection::Postgresql(c) => diesel_has_one::audit::audit(c),
    }
    .unwrap();
    assert!(
        !report.findings.is_empty(),
        "the test schema has no unique indexes"
    );
    assert_eq!(report.fix_sql(), direct.fix_sql());
    assert_eq!(report.checked, direct.checked);
}

#[test]
fn jobs_and_audit_on_the_sqlite_variant() {
    jobs_and_audit(&mut sqlite());
}

#[test]
fn jobs_and_audit_on_the_postgres_variant() {
    let (_db, mut conn) = postgres("multi_connection_jobs_pg");
    jobs_and_audit(&mut conn);
}

/// A PostgreSQL test database with the schema (dropped with the guard) and the enum on it.
fn postgres(test: &str) -> (common::TestDb<PgConnection>, AnyConnection) {
    let db = common::postgres(test, SCHEMA);
    let conn = AnyConnection::Postgresql(common::postgres_connect(&db));
    (db, conn)
}

fn sqlite() -> AnyConnection {
    let mut conn = AnyConnection::Sqlite(SqliteConnection::establish(":memory:").unwrap());
    for statement in SCHEMA {
        conn.batch_execute(&common::ddl(common::Backend::Sqlite, statement))
            .unwrap();
    }
    conn
}

#[test]
fn through_on_the_sqlite_variant() {
    through_methods(&mut sqlite());
}

#[test]
fn through_on_the_postgres_variant() {
    let (_db, mut conn) = postgres("multi_connection_through_pg");
    through_methods(&mut conn);
}

#[test]
fn the_sqlite_variant() {
    every_method(&mut sqlite());
}

#[test]
fn the_postgres_variant() {
    let (_db, mut conn) = postgres("multi_connection_pg");
    every_method(&mut conn);
}
