//! The schema audit on every executor (feature `async`): the blocking connection,
//! diesel-async's connection and deadpool's and bb8's pooled connections, on SQLite,
//! PostgreSQL and MySQL (`common::executors`). One introspection body per backend serves
//! them all; each report must be the one the blocking setup connection reads, finding by
//! finding and fix by fix, before and after the fix statements are run.
#![cfg(feature = "async")]

mod common;

use diesel::connection::SimpleConnection;
use diesel_has_one::audit::{audit_where, FindingKind, Report};
use diesel_has_one::{Declaration, Model};

diesel::table! { suppliers (id) { id -> Integer, name -> Text } }
diesel::table! { accounts (id) { id -> Integer, supplier_id -> Nullable<Integer>, name -> Text } }

#[derive(Debug, Clone, diesel::Queryable, diesel::Selectable, diesel::Identifiable, Model)]
#[diesel(table_name = suppliers)]
#[has_one(account, dependent = "nullify")]
pub struct Supplier {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Clone, diesel::Queryable, diesel::Selectable, diesel::Identifiable, Model)]
#[diesel(table_name = accounts)]
pub struct Account {
    pub id: i32,
    pub supplier_id: Option<i32>,
    pub name: String,
}

/// Neither a unique index on `accounts.supplier_id` nor a foreign key constraint.
const SCHEMA: &[&str] = &[
    "CREATE TABLE suppliers (id INTEGER PRIMARY KEY, name {text} NOT NULL)",
    "CREATE TABLE accounts (id INTEGER PRIMARY KEY, supplier_id INTEGER, name {text} NOT NULL)",
];

fn supplier_account(d: &Declaration) -> bool {
    d.owner == "Supplier" && d.name == "account"
}

/// The finding kinds and fix statements of `report`, to compare reports by.
fn summary(report: &Report) -> (Vec<FindingKind>, Vec<String>) {
    let kinds = report.findings.iter().map(|f| f.kind).collect();
    (kinds, report.fix_sql())
}

executor_tests! {
    schema = SCHEMA;

    fn the_audit_reads_the_schema_as_the_blocking_connection_does(setup, conn, backend) {
        let expected = audit_where(supplier_account, setup).unwrap();
        let (kinds, fixes) = summary(&expected);
        assert!(kinds.contains(&FindingKind::MissingUniqueIndex), "{expected}");
        assert!(kinds.contains(&FindingKind::MissingForeignKey), "{expected}");
        let report = run!(audit_where(supplier_account, conn)).unwrap();
        assert_eq!(summary(&report), (kinds, fixes.clone()), "{report}");
        assert_eq!(report.to_string(), expected.to_string());

        if backend != common::Backend::Sqlite {
            // SQLite's foreign key fix is a table rebuild described in words, not run here
            for sql in &fixes {
                setup.batch_execute(sql).unwrap();
            }
            let fixed = run!(audit_where(supplier_account, conn)).unwrap();
            assert!(fixed.is_clean(), "{fixed}");
        }
    }

    fn a_missing_table_is_a_finding_not_an_error(setup, conn, backend) {
        setup.batch_execute("DROP TABLE accounts").unwrap();
        let report = run!(audit_where(supplier_account, conn)).unwrap();
        let (kinds, _) = summary(&report);
        assert_eq!(kinds, [FindingKind::MissingTable], "{report}");
    }
}
