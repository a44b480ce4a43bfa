//! The schema integrity audit: every declared `has_one` checked against the live schema.
//!
//! Rails does not guarantee a 1:1 relationship, and neither can generated code: an
//! `INSERT` that bypasses the association, another application or a concurrent writer can
//! always add a second row. Only the database can refuse it. [`audit`] reads the schema
//! of the connected database (introspection queries, nothing written) and reports, for
//! each association, what the database does not enforce, with the SQL that fixes it on
//! that backend.
//!
//! ```
//! # use diesel::prelude::*;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let conn = &mut SqliteConnection::establish(":memory:")?;
//! // … create the schema (migrations) …
//! let report = diesel_has_one::audit::audit(conn)?;
//! for finding in &report.findings {
//!     println!("{}: {} — {}", finding.association_name(), finding.kind, finding.message);
//! }
//! println!("{report}"); // readable, with the fix statements
//! # Ok(()) }
//! ```
//!
//! In a test suite, [`assert_schema`] panics with that text when there are findings.
//!
//! # Checks, per association
//!
//! 1. **Unique index** on exactly the foreign key column (polymorphic: the id and type
//!    columns, in either order, so Rails' `(imageable_type, imageable_id)` counts)
//!    ([`FindingKind::MissingUniqueIndex`]). A non-unique index, a unique index on more
//!    columns (`(supplier_id, name)` is unique only as a pair) or a partial one does not
//!    count; a primary key on exactly those columns does. Fix: `CREATE UNIQUE INDEX`; when
//!    a plain index on the same columns exists, the fix replaces it (same name and column
//!    order: `DROP INDEX` + `CREATE UNIQUE INDEX`, one `ALTER TABLE` on MySQL) instead of
//!    adding a second index beside it.
//! 2. **Foreign key constraint** from `target(foreign_key)` to `owner_table(owner_key)`
//!    ([`FindingKind::MissingForeignKey`]). Fix: `ALTER TABLE … ADD CONSTRAINT`; SQLite
//!    cannot add one with `ALTER TABLE`, so the fix there describes the table rebuild.
//! 3. **`ON DELETE` consistent with `dependent`** ([`FindingKind::OnDeleteInconsistent`]),
//!    by the rule below.
//! 4. **Nullability**: the database column is nullable exactly when `table!` declares it
//!    `Nullable` ([`FindingKind::NullableMismatch`]); this is also what catches
//!    `dependent = "nullify"` (which needs `Nullable` in `table!`, a compile-time check)
//!    on a column the database declares NOT NULL.
//!
//! 5. **Keys compare alike**: the foreign key column has the owner key column's kind of
//!    type, holds every owner key and compares by the same collation
//!    ([`FindingKind::KeyMismatch`]). Read from the catalog: MySQL's
//!    `information_schema.COLUMNS` (`DATA_TYPE`, `CHARACTER_MAXIMUM_LENGTH`,
//!    `COLLATION_NAME`), PostgreSQL's `pg_attribute` (the type, a domain's underlying
//!    type, as `udt_name`; the `varchar(n)`/`char(n)` length; the collation, `default`
//!    for the database's), SQLite's declared type (its affinity and declared length) and
//!    the `COLLATE` clause of the `CREATE TABLE` statement (`BINARY` without one).
//!    Reported: a different collation, by name (a case-insensitive foreign key for a
//!    case-sensitive key makes owners alias each other: `"casekey"`'s `destroy` deletes
//!    `"CaseKey"`'s row; two deterministic PostgreSQL collations do not alias, but a join
//!    between the columns fails); a different kind of type (text for an integer key:
//!    `'007'` and `'7'`; on SQLite, a different type affinity); blank-padded `CHAR`
//!    against `VARCHAR`; a smaller integer type or a shorter string than the owner key
//!    (longer keys are refused or truncated; SQLite does not enforce declared lengths,
//!    but the audit reads the declarations as written). A foreign key that holds *more*
//!    (`BIGINT` for `INTEGER`, `VARCHAR(255)` for `VARCHAR(50)`; on SQLite, `INTEGER` and
//!    `BIGINT` share one 64-bit affinity) is not reported. Like every finding it is a
//!    defect, not a warning. Fix: PostgreSQL `ALTER TABLE … ALTER COLUMN … TYPE …
//!    COLLATE "…"`; MySQL `ALTER TABLE … MODIFY` with the owner key's type and collation
//!    and the column's NULL/NOT NULL, between dropping and re-adding the foreign keys on
//!    the column (MySQL refuses to change a column a constraint uses); SQLite the table
//!    rebuild. A change of kind of type (text to integer) is a note only: the values
//!    must be converted by hand. This finding comes first, so that its fix changes the
//!    column before a unique index is built and a constraint added on it — except on
//!    MySQL when the constraint is re-added, which renames the index MySQL generated for
//!    it: there the index finding comes first.
//!
//! Before these, the owner and target tables and the owner key and foreign key columns
//! must exist ([`FindingKind::MissingTable`], [`FindingKind::MissingColumn`]); when one is
//! missing the other checks are skipped for that association.
//!
//! # The `ON DELETE` rule
//!
//! The association deletes or nullifies the target row itself *before* it deletes the
//! owner, so inside `destroy` the constraint never fires. It matters for a `DELETE` of an
//! owner row that bypasses the association. There the database may **refuse** (`NO ACTION`,
//! `RESTRICT`: always consistent) or **do exactly what `dependent` declares**; anything
//! else makes a plain `DELETE` do something the declaration does not:
//!
//! | `dependent` | consistent `ON DELETE` | fix statements declare |
//! |---|---|---|
//! | none, `destroy`, `restrict_with_exception`, `restrict_with_error` | `NO ACTION`, `RESTRICT` | `NO ACTION` |
//! | `delete` | `NO ACTION`, `RESTRICT`, `CASCADE` | `CASCADE` |
//! | `nullify` | `NO ACTION`, `RESTRICT`, `SET NULL` | `SET NULL` |
//!
//! `CASCADE` with `destroy` is reported: the database would delete the row without its
//! destroy hooks and its own dependents. `SET DEFAULT` is never consistent.
//!
//! # Which associations
//!
//! [`declarations`] lists every `has_one` linked into the program,
//! including ones whose tables live in another database. [`audit`] checks all of them;
//! [`audit_declarations`] and [`audit_where`] check only the ones given, and only those
//! can produce a missing table finding.

mod check;
mod expect;
mod fix;
mod keys;
mod report;
mod schema;

#[cfg(feature = "mysql")]
mod mysql;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;

use std::collections::HashMap;
use std::future::Future;

use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::Text;
use diesel::QueryResult;

pub use fix::{Dialect, Fix};
pub use report::{Finding, FindingKind, Report};
pub use schema::{Column, ForeignKey, Index, OnDelete, Table, EXPRESSION};

use crate::association::{declarations, Declaration};
use crate::connection::Conn;
use crate::exec::{block_now, Exec, Fetch};
use crate::ops::{Operation, RunOn, Runs, RunsNow};

/// An introspection query of backend `DB`: its text with the table name bound.
pub(crate) type Catalog<DB> = BoxedSqlQuery<'static, DB, SqlQuery>;

/// `sql` with the table name `name` bound to its one placeholder.
fn catalog<DB>(sql: &'static str, name: &str) -> Catalog<DB>
where
    DB: diesel::backend::Backend + diesel::sql_types::HasSqlType<Text>,
    String: diesel::serialize::ToSql<Text, DB>,
{
    let query = diesel::sql_query(sql).into_boxed();
    query.bind::<Text, _>(name.to_owned())
}

/// The rows of introspection query `sql` about table `name`.
pub(crate) async fn rows<C: Exec, U>(
    sql: &'static str,
    name: &str,
    conn: &mut C,
) -> QueryResult<Vec<U>>
where
    C::DB: diesel::sql_types::HasSqlType<Text>,
    String: diesel::serialize::ToSql<Text, C::DB>,
    Catalog<C::DB>: Fetch<C, U>,
{
    catalog(sql, name).fetch_all(conn).await
}

/// A backend whose schema the audit reads through connection `C`: SQLite, PostgreSQL and
/// MySQL (each behind the cargo feature of its backend), for every connection of that
/// backend the library runs on — Diesel's own, an r2d2 `PooledConnection` (feature
/// `r2d2`), a `MultiConnection` variant, and (feature `async`) diesel-async's and its
/// pools'.
///
/// Sealed: each implementation holds its backend's introspection queries, written once
/// and run by the connection's kind of execution.
#[diagnostic::on_unimplemented(
    message = "the schema audit cannot read the schema of `{Self}` through `{C}`",
    note = "pass a connection of SQLite, PostgreSQL or MySQL with the matching backend feature of diesel_has_one enabled"
)]
pub trait Introspect<C>: sealed::Sealed {
    /// The dialect of the fix statements.
    const DIALECT: Dialect;

    /// Reads table `name` of the connected database (SQLite: the main database;
    /// PostgreSQL: `current_schema()`; MySQL: `DATABASE()`), `None` if it does not exist.
    fn read_table(
        name: &str,
        conn: &mut C,
    ) -> impl Future<Output = QueryResult<Option<Table>>> + Send;
}

pub(crate) mod sealed {
    pub trait Sealed {}
}

/// Audits every `has_one` declared in the program ([`declarations`]).
///
/// Reads the schema only; an `Err` is a failed introspection query. `conn` is any
/// connection diesel_has_one runs on, a `MultiConnection` enum deriving
/// [`MultiConn`](macro@crate::MultiConn) included; on a diesel-async connection (feature
/// `async`) the result is a future: `audit(conn).await?`.
pub fn audit<'c, C>(conn: &'c mut C) -> <C as Runs<'c, Audit>>::Output
where
    C: Runs<'c, Audit>,
{
    conn.run(Audit(declarations()))
}

/// Audits the `has_one` declarations selected by `keep` (for example those of one
/// database: `audit_where(|d| d.owner_table.starts_with("billing_"), conn)`).
pub fn audit_where<'c, C, F>(keep: F, conn: &'c mut C) -> <C as Runs<'c, Audit>>::Output
where
    C: Runs<'c, Audit>,
    F: FnMut(&Declaration) -> bool,
{
    let mut selected = declarations();
    selected.retain(keep);
    conn.run(Audit(selected))
}

/// Audits the given declarations, in the given order.
pub fn audit_declarations<'c, C>(
    declarations: &[Declaration],
    conn: &'c mut C,
) -> <C as Runs<'c, Audit>>::Output
where
    C: Runs<'c, Audit>,
{
    conn.run(Audit(declarations.to_vec()))
}

/// The audit of these declarations, as an operation a connection runs.
#[derive(Debug, Clone)]
pub struct Audit(pub Vec<Declaration>);

impl Operation for Audit {
    type Output = QueryResult<Report>;
}

impl<C: Conn> RunOn<C> for Audit
where
    C::DB: Introspect<C>,
{
    fn run_on(self, conn: &mut C) -> QueryResult<Report> {
        block_now(run(self.0, conn))
    }
}

#[cfg(feature = "async")]
impl<C> crate::ops::AsyncRunOn<C> for Audit
where
    C: Exec<Kind = crate::exec::NonBlocking>,
    C::DB: Introspect<C>,
{
    fn run_async(self, conn: &mut C) -> impl Future<Output = QueryResult<Report>> + Send {
        run(self.0, conn)
    }
}

/// Reads table `name` of the connected database as the audit sees it (`None` if it does
/// not exist), on a blocking connection. On an async one (feature `async`), await
/// [`Introspect::read_table`] of its backend: `Pg::read_table(name, conn).await`.
pub fn read_table<C: Conn>(name: &str, conn: &mut C) -> QueryResult<Option<Table>>
where
    C::DB: Introspect<C>,
{
    block_now(<C::DB as Introspect<C>>::read_table(name, conn))
}

/// The audit's body, for either kind of execution: each table read once.
async fn run<C: Exec>(declarations: Vec<Declaration>, conn: &mut C) -> QueryResult<Report>
where
    C::DB: Introspect<C>,
{
    let mut tables: HashMap<&'static str, Option<Table>> = HashMap::new();
    let mut findings = Vec::new();
    let dialect = <C::DB as Introspect<C>>::DIALECT;
    for decl in &declarations {
        for name in [decl.owner_table, decl.target_table] {
            if !tables.contains_key(name) {
                let table = <C::DB as Introspect<C>>::read_table(name, conn).await?;
                tables.insert(name, table);
            }
        }
        let owner = tables[decl.owner_table].as_ref();
        let target = tables[decl.target_table].as_ref();
        findings.extend(check::declaration(dialect, decl, owner, target));
    }
    Ok(Report {
        dialect,
        checked: declarations,
        findings,
    })
}

/// Audits every declared `has_one` and panics with the readable report when anything is
/// found (or when the schema cannot be read). For a test in the application's own suite:
///
/// ```no_run
/// # use diesel::prelude::*;
/// # let conn = &mut SqliteConnection::establish(":memory:").unwrap();
/// // after running the migrations on a test database:
/// diesel_has_one::audit::assert_schema(conn);
/// ```
#[track_caller]
pub fn assert_schema<C>(conn: &mut C)
where
    C: RunsNow<Audit, QueryResult<Report>>,
{
    match audit(conn) {
        Ok(report) => report.assert_clean(),
        Err(e) => panic!("diesel_has_one schema audit: reading the schema failed: {e}"),
    }
}
