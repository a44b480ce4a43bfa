//! The schema integrity audit on the thoughtbot schema, on embedded SQLite: Rails'
//! `t.belongs_to :supplier, null: false, foreign_key: true` gives a NOT NULL foreign key
//! with a constraint but no unique index, so the database lets one supplier have two
//! accounts. The audit reports it with the SQL that fixes it; after running that SQL the
//! report is clean.
//!
//! Run: `cargo run --example audit`

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel_has_one::audit::{assert_schema, audit};
use diesel_has_one::Model;

diesel::table! { suppliers (id) { id -> Integer, name -> Text } }
diesel::table! { accounts (id) { id -> Integer, supplier_id -> Integer, name -> Text } }

/// `has_one :account, dependent: :destroy`.
#[derive(Debug, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = suppliers)]
#[has_one(account, dependent = "destroy")]
pub struct Supplier {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = accounts)]
pub struct Account {
    pub id: i32,
    pub supplier_id: i32,
    pub name: String,
}

/// The thoughtbot migration, before the fix.
const SCHEMA: &str = "
    PRAGMA foreign_keys = ON;
    CREATE TABLE suppliers (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE accounts (id INTEGER PRIMARY KEY, supplier_id INTEGER NOT NULL REFERENCES suppliers(id), name TEXT NOT NULL);
";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let conn = &mut SqliteConnection::establish(":memory:")?;
    conn.batch_execute(SCHEMA)?;

    println!("== The thoughtbot schema ==\n");
    let report = audit(conn)?;
    print!("{report}");
    for finding in &report.findings {
        println!(
            "\n(structured: {} / {:?} on {}.{})",
            finding.association_name(),
            finding.kind,
            finding.table,
            finding.column.unwrap_or("-")
        );
    }

    println!("\n== Running the fix statements ==\n");
    for statement in report.fix_sql() {
        println!("{statement};");
        conn.batch_execute(&statement)?;
    }

    println!("\n== After the fix ==\n");
    let report = audit(conn)?;
    print!("{report}");
    assert!(report.is_clean());
    // what an application's own test suite calls after its migrations:
    assert_schema(conn);
    Ok(())
}
