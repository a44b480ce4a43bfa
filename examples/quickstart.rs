//! The Rails guide's has_one walkthrough (user Anna, profile "Loves cats" → "Loves dogs"),
//! then the thoughtbot sequence, on embedded SQLite. Each step prints a row of an execution
//! table: the action, the rows in the tables after it, and the result.
//!
//! Run: `cargo run --example quickstart`

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel_has_one::Model;

diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }
diesel::table! { suppliers (id) { id -> Integer, name -> Text } }
diesel::table! { accounts (id) { id -> Integer, supplier_id -> Integer, name -> Text } }

#[derive(Debug, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile, dependent = "destroy", inverse_of = "user")]
pub struct User {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Queryable, Selectable, Identifiable, Associations, AsChangeset, Model)]
#[diesel(table_name = profiles, belongs_to(User))]
pub struct Profile {
    pub id: i32,
    pub user_id: Option<i32>,
    pub bio: String,
}

#[derive(Insertable)]
#[diesel(table_name = profiles)]
pub struct NewProfile<'a> {
    pub bio: &'a str,
}

/// thoughtbot: `has_one :account` with no `dependent`, NOT NULL foreign key.
#[derive(Debug, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = suppliers)]
#[has_one(account)]
pub struct Supplier {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Queryable, Selectable, Identifiable, Associations, Model)]
#[diesel(table_name = accounts, belongs_to(Supplier))]
pub struct Account {
    pub id: i32,
    pub supplier_id: i32,
    pub name: String,
}

#[derive(Insertable)]
#[diesel(table_name = accounts)]
pub struct NewAccount<'a> {
    pub name: &'a str,
}

const SCHEMA: &str = "
    PRAGMA foreign_keys = ON;
    CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE profiles (id INTEGER PRIMARY KEY, user_id INTEGER UNIQUE REFERENCES users(id), bio TEXT NOT NULL);
    CREATE TABLE suppliers (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE accounts (id INTEGER PRIMARY KEY, supplier_id INTEGER NOT NULL REFERENCES suppliers(id), name TEXT NOT NULL);
";

/// Prints execution-table rows: step, action, rows in two tables, result.
struct Table {
    step: usize,
}

impl Table {
    fn header(title: &str, left: &str, right: &str) -> Table {
        println!("\n{title}");
        println!(
            "| step | action                                  | rows in `{left}` | rows in `{right}` | result"
        );
        println!(
            "|------|-----------------------------------------|{}|{}|-------",
            "-".repeat(left.len() + 12),
            "-".repeat(right.len() + 12)
        );
        Table { step: 0 }
    }

    fn row(&mut self, action: &str, left: String, right: String, result: String) {
        self.step += 1;
        println!(
            "| {:>4} | {action:<39} | {left} | {right} | {result}",
            self.step
        );
    }
}

fn show<T: std::fmt::Debug>(rows: &[T]) -> String {
    if rows.is_empty() {
        "(none)".into()
    } else {
        rows.iter()
            .map(|r| format!("{r:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let conn = &mut SqliteConnection::establish(":memory:")?;
    conn.batch_execute(SCHEMA)?;
    let users_now = |c: &mut SqliteConnection| -> QueryResult<String> {
        Ok(show(
            &users::table
                .order(users::id)
                .select(User::as_select())
                .load(c)?,
        ))
    };
    let profiles_now = |c: &mut SqliteConnection| -> QueryResult<String> {
        Ok(show(
            &profiles::table
                .order(profiles::id)
                .select(Profile::as_select())
                .load(c)?,
        ))
    };

    let mut t = Table::header(
        "Rails guide walkthrough: User has_one :profile",
        "users",
        "profiles",
    );
    t.row(
        "define has_one :profile on User",
        users_now(conn)?,
        profiles_now(conn)?,
        "ready to link a User to one Profile".into(),
    );
    diesel::insert_into(users::table)
        .values(users::name.eq("Anna"))
        .execute(conn)?;
    let user: User = users::table.select(User::as_select()).first(conn)?;
    t.row(
        "create user Anna",
        users_now(conn)?,
        profiles_now(conn)?,
        format!("user.profile(conn) = {:?}", user.profile(conn)?),
    );
    let created = user.create_profile(NewProfile { bio: "Loves cats" }, conn)?;
    t.row(
        "user.create_profile(bio: \"Loves cats\")",
        users_now(conn)?,
        profiles_now(conn)?,
        format!("{created:?}"),
    );
    let mut profile = user.profile(conn)?.expect("linked in the step before");
    t.row(
        "user.profile(conn)",
        users_now(conn)?,
        profiles_now(conn)?,
        format!("bio = {:?}", profile.bio),
    );
    profile.bio = "Loves dogs".into();
    profile.save_changes::<Profile>(conn)?;
    t.row(
        "profile.bio = \"Loves dogs\"; save",
        users_now(conn)?,
        profiles_now(conn)?,
        format!(
            "user.profile(conn).bio = {:?}",
            user.profile(conn)?.map(|p| p.bio)
        ),
    );
    user.destroy(conn)?;
    t.row(
        "user.destroy (dependent = destroy)",
        users_now(conn)?,
        profiles_now(conn)?,
        "user and profile gone, one transaction".into(),
    );

    let suppliers_now = |c: &mut SqliteConnection| -> QueryResult<String> {
        Ok(show(
            &suppliers::table
                .order(suppliers::id)
                .select((suppliers::id, suppliers::name))
                .load::<(i32, String)>(c)?,
        ))
    };
    let accounts_now = |c: &mut SqliteConnection| -> QueryResult<String> {
        Ok(show(
            &accounts::table
                .order(accounts::id)
                .select(Account::as_select())
                .load(c)?,
        ))
    };
    let mut t = Table::header(
        "thoughtbot: has_one :account, NOT NULL foreign key, no dependent",
        "suppliers",
        "accounts",
    );
    diesel::insert_into(suppliers::table)
        .values(suppliers::name.eq("Acme"))
        .execute(conn)?;
    let supplier: Supplier = suppliers::table.select(Supplier::as_select()).first(conn)?;
    t.row(
        "create supplier Acme",
        suppliers_now(conn)?,
        accounts_now(conn)?,
        "ok".into(),
    );
    let first = supplier.create_account(NewAccount { name: "first" }, conn)?;
    t.row(
        "supplier.create_account(name: \"first\")",
        suppliers_now(conn)?,
        accounts_now(conn)?,
        format!("{first:?}"),
    );
    let before = accounts_now(conn)?;
    let second = supplier.create_account(NewAccount { name: "second" }, conn);
    let after = accounts_now(conn)?;
    t.row(
        "supplier.create_account(name: \"second\")",
        suppliers_now(conn)?,
        after.clone(),
        match &second {
            Ok(row) => format!("unexpected success: {row:?}"),
            Err(e) => format!("Err: {e}"),
        },
    );
    assert!(second.is_err(), "the second create_account must fail");
    assert_eq!(before, after, "and leave `accounts` exactly as it was");
    println!("\nRails leaves two rows linked to the supplier here; diesel_has_one left `accounts` unchanged.");
    Ok(())
}
