//! The schema integrity audit on all three backends: the thoughtbot schema (NOT NULL
//! foreign key with a constraint, no unique index) and one broken schema per check, each
//! reported with its fix, the fix applied (the report's own statements; a table rebuild
//! where SQLite's `ALTER TABLE` cannot do it) and the report clean afterwards. The key
//! checks (issue 8.10) use a `String` owner key (`people.handle`, as in tests/keys.rs):
//! a case-insensitive foreign key against a case-sensitive key, a shorter one, and
//! integer keys of other ranges and kinds.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};

use common::{ddl, Backend};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel_has_one::audit::{
    assert_schema, audit, audit_declarations, audit_where, Audit, Dialect, FindingKind, Report,
};
use diesel_has_one::ops::RunsNow;
use diesel_has_one::{declarations, Model};

diesel::table! { suppliers (id) { id -> Integer, name -> Text } }
diesel::table! { accounts (id) { id -> Integer, supplier_id -> Integer, name -> Text } }
diesel::table! { users (id) { id -> Integer, name -> Text } }
diesel::table! { profiles (id) { id -> Integer, user_id -> Nullable<Integer>, bio -> Text } }
diesel::table! { authors (id) { id -> Integer, name -> Text } }
diesel::table! { biographies (id) { id -> Integer, author_id -> Integer, body -> Text } }
diesel::table! { ghosts (id) { id -> Integer } }
diesel::table! { haunts (id) { id -> Integer, ghost_id -> Integer } }
diesel::table! { employees (id) { id -> Integer, name -> Nullable<Text> } }
diesel::table! { images (id) { id -> Integer, imageable_type -> Nullable<Text>, imageable_id -> Nullable<Integer> } }
diesel::table! { people (id) { id -> Integer, handle -> Text } }
diesel::table! { passports (id) { id -> Integer, owner_handle -> Nullable<Text>, number -> Text } }

/// thoughtbot: `has_one :account`, no `dependent`.
#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = suppliers)]
#[has_one(account)]
pub struct Supplier {
    pub id: i32,
    pub name: String,
}

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = accounts)]
pub struct Account {
    pub id: i32,
    pub supplier_id: i32,
    pub name: String,
}

/// `nullify`, and `table!` says `Nullable`; the database (SCHEMA) says NOT NULL.
#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = users)]
#[has_one(profile, dependent = "nullify")]
pub struct User {
    pub id: i32,
    pub name: String,
}

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = profiles)]
pub struct Profile {
    pub id: i32,
    pub user_id: Option<i32>,
    pub bio: String,
}

/// `destroy`; the database (SCHEMA) says ON DELETE CASCADE.
#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = authors)]
#[has_one(biography, dependent = "destroy")]
pub struct Author {
    pub id: i32,
    pub name: String,
}

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = biographies)]
pub struct Biography {
    pub id: i32,
    pub author_id: i32,
    pub body: String,
}

/// Declared in the program, but its tables are not in SCHEMA.
#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = ghosts)]
#[has_one(haunt, dependent = "delete")]
pub struct Ghost {
    pub id: i32,
}

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = haunts)]
pub struct Haunt {
    pub id: i32,
    pub ghost_id: i32,
}

/// Rails' polymorphic `has_one :image, as: :imageable`; the schema (SCHEMA) is the one
/// Rails' migration makes, with the unique index on `(imageable_type, imageable_id)`.
#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = employees)]
#[has_one(image, as = "imageable")]
pub struct Employee {
    pub id: i32,
    pub name: Option<String>,
}

#[derive(Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = images)]
pub struct Image {
    pub id: i32,
    pub imageable_type: Option<String>,
    pub imageable_id: Option<i32>,
}

/// Keyed by `people.handle`, a string (as in tests/keys.rs).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = people)]
#[has_one(
    passport,
    primary_key = "handle",
    foreign_key = "owner_handle",
    dependent = "delete"
)]
pub struct Person {
    pub id: i32,
    pub handle: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Model)]
#[diesel(table_name = passports)]
pub struct Passport {
    pub id: i32,
    pub owner_handle: Option<String>,
    pub number: String,
}

const SCHEMA: &[&str] = &[
    // thoughtbot: `t.belongs_to :supplier, null: false, foreign_key: true` (no unique index)
    "CREATE TABLE suppliers (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE accounts (id {pk}, supplier_id INTEGER NOT NULL REFERENCES suppliers(id), name {text} NOT NULL)",
    // nullify on a NOT NULL column
    "CREATE TABLE users (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE profiles (id {pk}, user_id INTEGER NOT NULL REFERENCES users(id), bio {text} NOT NULL)",
    "CREATE UNIQUE INDEX index_profiles_on_user_id ON profiles (user_id)",
    // destroy with ON DELETE CASCADE
    "CREATE TABLE authors (id {pk}, name {text} NOT NULL)",
    "CREATE TABLE biographies (id {pk}, author_id INTEGER NOT NULL REFERENCES authors(id) ON DELETE CASCADE, body {text} NOT NULL)",
    "CREATE UNIQUE INDEX index_biographies_on_author_id ON biographies (author_id)",
    // Rails 6.1+, with integer keys like every table here:
    //   create_table :employees, id: :integer do |t| t.string :name end
    //   create_table :images, id: :integer do |t|
    //     t.references :imageable, type: :integer, polymorphic: true, index: { unique: true }
    //   end
    // The type column comes first, then the id; the index is named after the reference.
    "CREATE TABLE employees (id {pk}, name {text})",
    "CREATE TABLE images (id {pk}, imageable_type {text}, imageable_id INTEGER)",
    RAILS_UNIQUE_IMAGES,
    // a string key, and a foreign key of the same type and (default) collation: clean
    "CREATE TABLE people (id {pk}, handle VARCHAR(50) NOT NULL UNIQUE)",
    PASSPORTS,
];

/// The passports of SCHEMA: the foreign key exactly as the owner key.
const PASSPORTS: &str = "CREATE TABLE passports (id {pk}, owner_handle VARCHAR(50) UNIQUE REFERENCES people(handle), number {text} NOT NULL)";

/// Rails' `index: { unique: true }` on the polymorphic reference.
const RAILS_UNIQUE_IMAGES: &str =
    "CREATE UNIQUE INDEX index_images_on_imageable ON images (imageable_type, imageable_id)";
/// Rails' default `index: true` on the polymorphic reference: the same index, not unique.
const RAILS_PLAIN_IMAGES: &str =
    "CREATE INDEX index_images_on_imageable ON images (imageable_type, imageable_id)";

const UNIQUE_ACCOUNTS: &str =
    "CREATE UNIQUE INDEX index_accounts_on_supplier_id ON accounts (supplier_id)";

/// The audit of the associations declared on `owner`.
fn audit_owner<C: RunsNow<Audit, QueryResult<Report>>>(conn: &mut C, owner: &str) -> Report {
    audit_where(|d| d.owner == owner, conn).unwrap()
}

/// `(owner, association, kind, table, column)` of every finding.
type Row = (
    &'static str,
    &'static str,
    FindingKind,
    &'static str,
    Option<&'static str>,
);

fn rows(report: &Report) -> Vec<Row> {
    report
        .findings
        .iter()
        .map(|f| {
            (
                f.association.owner,
                f.association.name,
                f.kind,
                f.table,
                f.column,
            )
        })
        .collect()
}

/// Runs every fix statement of the report.
fn apply_fixes(conn: &mut impl SimpleConnection, report: &Report) {
    for statement in report.fix_sql() {
        conn.batch_execute(&statement)
            .unwrap_or_else(|e| panic!("fix statement failed: {statement}: {e}"));
    }
}

fn run(conn: &mut impl SimpleConnection, backend: Backend, sql: &str) {
    conn.batch_execute(&ddl(backend, sql))
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// SQLite's table rebuild (what the report's fix describes when `ALTER TABLE` cannot do
/// it): `create` defines `{table}_new`.
fn sqlite_rebuild(conn: &mut impl SimpleConnection, table: &str, create: &str, after: &[&str]) {
    let mut sql = format!(
        "PRAGMA foreign_keys = OFF; BEGIN; {}; INSERT INTO {table}_new SELECT * FROM {table}; \
         DROP TABLE {table}; ALTER TABLE {table}_new RENAME TO {table};",
        ddl(Backend::Sqlite, create)
    );
    for statement in after {
        sql.push_str(statement);
        sql.push(';');
    }
    sql.push_str(" COMMIT; PRAGMA foreign_keys = ON;");
    conn.batch_execute(&sql).unwrap();
}

/// One index as the backend's catalog lists it (the primary key left out).
#[derive(QueryableByName, Debug, PartialEq)]
struct IndexRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    is_unique: i64,
    /// The key columns in order, comma-separated.
    #[diesel(sql_type = diesel::sql_types::Text)]
    columns: String,
}

/// The catalog query listing the indexes of `table` as [`IndexRow`]s, by name: read
/// straight from the backend, not through the audit.
fn indexes_sql(backend: Backend, table: &str) -> String {
    match backend {
        Backend::Sqlite => format!(
            "SELECT il.name AS name, il.\"unique\" AS is_unique, \
             (SELECT group_concat(name, ',') FROM \
               (SELECT ii.name AS name FROM pragma_index_info(il.name) ii ORDER BY ii.seqno)) AS columns \
             FROM pragma_index_list('{table}') il WHERE il.origin <> 'pk' ORDER BY il.name"
        ),
        Backend::Postgres => format!(
            "SELECT i.relname::text AS name, (CASE WHEN ix.indisunique THEN 1 ELSE 0 END)::bigint AS is_unique, \
             (SELECT string_agg(a.attname::text, ',' ORDER BY k.ord) \
               FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord) \
               JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum) AS columns \
             FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid \
             WHERE ix.indrelid = '{table}'::regclass AND NOT ix.indisprimary ORDER BY 1"
        ),
        Backend::Mysql => format!(
            "SELECT INDEX_NAME AS name, CAST(MIN(NON_UNIQUE) = 0 AS SIGNED) AS is_unique, \
             CAST(GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX SEPARATOR ',') AS CHAR) AS columns \
             FROM information_schema.STATISTICS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{table}' AND INDEX_NAME <> 'PRIMARY' \
             GROUP BY INDEX_NAME ORDER BY INDEX_NAME"
        ),
    }
}

/// The index `name` on `columns` (comma-separated).
fn index_row(name: &str, unique: bool, columns: &str) -> IndexRow {
    IndexRow {
        name: name.into(),
        is_unique: unique.into(),
        columns: columns.into(),
    }
}

/// The statements that fix the thoughtbot schema. MariaDB indexes the foreign key
/// column itself (a plain index named after it), which the unique index replaces.
fn thoughtbot_fix(backend: Backend) -> Vec<String> {
    match backend {
        Backend::Mysql => vec![
            "ALTER TABLE accounts DROP INDEX supplier_id, ADD UNIQUE INDEX supplier_id (supplier_id)".into(),
        ],
        Backend::Sqlite | Backend::Postgres => vec![UNIQUE_ACCOUNTS.into()],
    }
}

fn dialect(backend: Backend) -> Dialect {
    match backend {
        Backend::Sqlite => Dialect::Sqlite,
        Backend::Postgres => Dialect::Postgres,
        Backend::Mysql => Dialect::Mysql,
    }
}

/// A column's collation and length as the catalog lists them (PostgreSQL and MySQL):
/// read straight from `information_schema`, not through the audit.
#[derive(QueryableByName, Debug, PartialEq)]
struct CatalogColumn {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    collation: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
    max_length: Option<i64>,
}

fn catalog_column_sql(backend: Backend, table: &str, column: &str) -> String {
    match backend {
        Backend::Postgres => format!(
            "SELECT collation_name::text AS collation, character_maximum_length::bigint AS max_length \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = '{table}' AND column_name = '{column}'"
        ),
        Backend::Mysql => format!(
            "SELECT COLLATION_NAME AS collation, CAST(CHARACTER_MAXIMUM_LENGTH AS SIGNED) AS max_length \
             FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{table}' AND COLUMN_NAME = '{column}'"
        ),
        Backend::Sqlite => unreachable!("SQLite keeps collations in the CREATE TABLE statement"),
    }
}

/// SQLite: the `CREATE TABLE` statement of a table, as `sqlite_master` keeps it.
#[derive(QueryableByName)]
struct CreateSql {
    #[diesel(sql_type = diesel::sql_types::Text)]
    sql: String,
}

/// The person with this handle.
macro_rules! person {
    ($conn:expr, $handle:expr) => {
        people::table
            .filter(people::handle.eq($handle))
            .select(Person::as_select())
            .first::<Person>($conn)
            .unwrap()
    };
}

/// The kinds of the findings.
fn kinds(report: &Report) -> Vec<FindingKind> {
    report.findings.iter().map(|f| f.kind).collect()
}

/// The report without its findings of other kinds than `kind`.
fn only(report: &Report, kind: FindingKind) -> Vec<diesel_has_one::audit::Finding> {
    report
        .findings
        .iter()
        .filter(|f| f.kind == kind)
        .cloned()
        .collect()
}

backend_tests! {
    schema = SCHEMA;

    fn thoughtbot_schema_lacks_exactly_the_unique_index(conn, backend) {
        let report = audit_owner(conn, "Supplier");
        assert_eq!(report.dialect, dialect(backend));
        assert_eq!(report.checked.len(), 1);
        assert_eq!(
            rows(&report),
            [("Supplier", "account", FindingKind::MissingUniqueIndex, "accounts", Some("supplier_id"))]
        );
        let finding = &report.findings[0];
        assert_eq!(finding.association_name(), "Supplier.account");
        assert_eq!(finding.fix.statements, thoughtbot_fix(backend));
        if backend == Backend::Mysql {
            // MariaDB indexes a foreign key column itself, with a plain index
            assert!(finding.message.contains("the index supplier_id on (supplier_id) is not unique"), "{}", finding.message);
        }
        let text = report.to_string();
        for phrase in [
            "1 has_one association checked, 1 finding",
            "Supplier.account (suppliers → accounts.supplier_id, dependent = none): missing unique index",
            "accounts.supplier_id has no unique index",
            "a second accounts row for the same suppliers row",
            &format!("{};", thoughtbot_fix(backend)[0]),
            "HAVING COUNT(*) > 1",
        ] {
            assert!(text.contains(phrase), "missing {phrase:?} in:\n{text}");
        }
    }

    fn applying_the_reported_fix_makes_the_thoughtbot_report_clean(conn, backend) {
        let report = audit_owner(conn, "Supplier");
        assert_eq!(report.fix_sql(), thoughtbot_fix(backend));
        apply_fixes(conn, &report);

        let after = audit_owner(conn, "Supplier");
        assert!(after.is_clean(), "{after}");
        assert_eq!(rows(&after), []);
        let text = after.to_string();
        assert!(text.contains("1 has_one association checked, no findings"), "{text}");
        after.assert_clean();

        // and the database now refuses the thoughtbot bypass
        run(conn, backend, "INSERT INTO suppliers (name) VALUES ('Acme')");
        let id: i32 = suppliers::table.select(suppliers::id).first(conn).unwrap();
        let add = |conn: &mut _| {
            diesel::insert_into(accounts::table)
                .values((accounts::supplier_id.eq(id), accounts::name.eq("x")))
                .execute(conn)
        };
        add(conn).unwrap();
        assert!(add(conn).is_err());
    }

    fn whole_program_audit_then_assert_schema_after_every_fix(conn, backend) {
        let report = audit(conn).unwrap();
        assert_eq!(report.checked, declarations());
        assert_eq!(
            rows(&report),
            [
                ("Author", "biography", FindingKind::OnDeleteInconsistent, "biographies", Some("author_id")),
                ("Ghost", "haunt", FindingKind::MissingTable, "ghosts", None),
                ("Ghost", "haunt", FindingKind::MissingTable, "haunts", None),
                ("Supplier", "account", FindingKind::MissingUniqueIndex, "accounts", Some("supplier_id")),
                ("User", "profile", FindingKind::NullableMismatch, "profiles", Some("user_id")),
            ]
        );

        let panic = catch_unwind(AssertUnwindSafe(|| assert_schema(conn))).unwrap_err();
        let text = panic.downcast_ref::<String>().expect("a formatted panic message");
        assert_eq!(*text, report.to_string());
        for phrase in [
            "6 has_one associations checked, 5 findings",
            "1. Author.biography",
            "ON DELETE inconsistent with dependent",
            "the target table haunts does not exist",
            "nullability mismatch",
            "All fix statements",
        ] {
            assert!(text.contains(phrase), "missing {phrase:?} in:\n{text}");
        }

        apply_fixes(conn, &report);
        if backend == Backend::Sqlite {
            sqlite_rebuild(conn, "profiles",
                "CREATE TABLE profiles_new (id {pk}, user_id INTEGER REFERENCES users(id), bio {text} NOT NULL)",
                &["CREATE UNIQUE INDEX index_profiles_on_user_id ON profiles (user_id)"]);
            sqlite_rebuild(conn, "biographies",
                "CREATE TABLE biographies_new (id {pk}, author_id INTEGER NOT NULL REFERENCES authors(id), body {text} NOT NULL)",
                &["CREATE UNIQUE INDEX index_biographies_on_author_id ON biographies (author_id)"]);
        }
        run(conn, backend, "CREATE TABLE ghosts (id {pk})");
        run(conn, backend, "CREATE TABLE haunts (id {pk}, ghost_id INTEGER NOT NULL REFERENCES ghosts(id) ON DELETE CASCADE)");
        run(conn, backend, "CREATE UNIQUE INDEX index_haunts_on_ghost_id ON haunts (ghost_id)");

        assert_schema(conn);
    }

    fn nullify_on_a_not_null_database_column_is_reported(conn, backend) {
        let report = audit_owner(conn, "User");
        assert_eq!(
            rows(&report),
            [("User", "profile", FindingKind::NullableMismatch, "profiles", Some("user_id"))]
        );
        let finding = &report.findings[0];
        for phrase in ["declares profiles.user_id Nullable", "database column is NOT NULL", "`dependent = \"nullify\"`", "NOT NULL violation"] {
            assert!(finding.message.contains(phrase), "missing {phrase:?} in: {}", finding.message);
        }
        match backend {
            Backend::Postgres => assert_eq!(
                finding.fix.statements,
                ["ALTER TABLE profiles ALTER COLUMN user_id DROP NOT NULL"]
            ),
            Backend::Mysql => assert_eq!(
                finding.fix.statements,
                ["ALTER TABLE profiles MODIFY user_id int(11) NULL"]
            ),
            Backend::Sqlite => {
                assert_eq!(finding.fix.statements, Vec::<String>::new());
                let note = finding.fix.note.as_deref().unwrap();
                assert!(note.contains("SQLite cannot change a column's NOT NULL with ALTER TABLE"), "{note}");
                assert!(note.contains("declare it as `user_id INTEGER`"), "{note}");
                assert!(note.contains("Rebuild the table"), "{note}");
            }
        }

        apply_fixes(conn, &report);
        if backend == Backend::Sqlite {
            sqlite_rebuild(conn, "profiles",
                "CREATE TABLE profiles_new (id {pk}, user_id INTEGER REFERENCES users(id), bio {text} NOT NULL)",
                &["CREATE UNIQUE INDEX index_profiles_on_user_id ON profiles (user_id)"]);
        }
        let after = audit_owner(conn, "User");
        assert!(after.is_clean(), "{after}");
    }

    fn on_delete_cascade_with_dependent_destroy_is_reported(conn, backend) {
        let report = audit_owner(conn, "Author");
        assert_eq!(
            rows(&report),
            [("Author", "biography", FindingKind::OnDeleteInconsistent, "biographies", Some("author_id"))]
        );
        let finding = &report.findings[0];
        for phrase in [
            "biographies.author_id → authors.id is ON DELETE CASCADE",
            "delete the linked biographies rows",
            "`dependent = \"destroy\"`",
            "CASCADE skips the hooks",
            "Consistent with this dependent: NO ACTION, RESTRICT",
        ] {
            assert!(finding.message.contains(phrase), "missing {phrase:?} in: {}", finding.message);
        }
        match backend {
            Backend::Postgres => assert_eq!(
                finding.fix.statements,
                ["ALTER TABLE biographies DROP CONSTRAINT biographies_author_id_fkey, \
                  ADD CONSTRAINT biographies_author_id_fkey FOREIGN KEY (author_id) REFERENCES authors (id)"]
            ),
            Backend::Mysql => assert_eq!(
                finding.fix.statements,
                [
                    "ALTER TABLE biographies DROP FOREIGN KEY biographies_ibfk_1",
                    "ALTER TABLE biographies ADD CONSTRAINT biographies_ibfk_1 FOREIGN KEY (author_id) REFERENCES authors (id)",
                ]
            ),
            Backend::Sqlite => {
                assert_eq!(finding.fix.statements, Vec::<String>::new());
                let note = finding.fix.note.as_deref().unwrap();
                assert!(note.contains("SQLite cannot add or change a foreign key with ALTER TABLE"), "{note}");
                assert!(note.contains("`author_id INTEGER NOT NULL REFERENCES authors (id)`"), "{note}");
            }
        }

        apply_fixes(conn, &report);
        if backend == Backend::Sqlite {
            sqlite_rebuild(conn, "biographies",
                "CREATE TABLE biographies_new (id {pk}, author_id INTEGER NOT NULL REFERENCES authors(id), body {text} NOT NULL)",
                &["CREATE UNIQUE INDEX index_biographies_on_author_id ON biographies (author_id)"]);
        }
        let after = audit_owner(conn, "Author");
        assert!(after.is_clean(), "{after}");

        // a plain DELETE of an author no longer removes the biography behind `destroy`'s back
        run(conn, backend, "INSERT INTO authors (id, name) VALUES (1, 'Ann')");
        run(conn, backend, "INSERT INTO biographies (author_id, body) VALUES (1, 'b')");
        assert!(conn.batch_execute("DELETE FROM authors WHERE id = 1").is_err());
        assert_eq!(biographies::table.count().get_result::<i64>(conn).unwrap(), 1);
    }

    fn unique_index_on_the_foreign_key_and_another_column_does_not_count(conn, backend) {
        run(conn, backend, "CREATE UNIQUE INDEX index_accounts_on_supplier_id_and_name ON accounts (supplier_id, name)");
        let report = audit_owner(conn, "Supplier");
        assert_eq!(
            rows(&report),
            [("Supplier", "account", FindingKind::MissingUniqueIndex, "accounts", Some("supplier_id"))]
        );
        let message = &report.findings[0].message;
        assert!(
            message.contains("the unique index index_accounts_on_supplier_id_and_name on (supplier_id, name) is unique only on the combination of its columns"),
            "{message}"
        );
        assert_eq!(report.fix_sql(), [UNIQUE_ACCOUNTS]);

        // a plain index on the column does not count either
        run(conn, backend, "CREATE INDEX plain_supplier ON accounts (supplier_id)");
        let report = audit_owner(conn, "Supplier");
        assert_eq!(report.findings.len(), 1);
        let message = &report.findings[0].message;
        assert!(message.contains("the index plain_supplier on (supplier_id) is not unique"), "{message}");
        // the unique index replaces the plain one rather than sitting beside it
        let replace = match backend {
            Backend::Mysql => vec!["ALTER TABLE accounts DROP INDEX plain_supplier, ADD UNIQUE INDEX plain_supplier (supplier_id)"],
            Backend::Sqlite | Backend::Postgres => vec![
                "DROP INDEX plain_supplier",
                "CREATE UNIQUE INDEX plain_supplier ON accounts (supplier_id)",
            ],
        };
        assert_eq!(report.fix_sql(), replace);

        apply_fixes(conn, &report);
        assert!(audit_owner(conn, "Supplier").is_clean());
        let on_supplier: Vec<IndexRow> = diesel::sql_query(indexes_sql(backend, "accounts"))
            .load::<IndexRow>(conn)
            .unwrap()
            .into_iter()
            .filter(|i| i.columns == "supplier_id")
            .collect();
        assert_eq!(on_supplier, [index_row("plain_supplier", true, "supplier_id")]);
    }

    fn unique_column_constraint_counts_and_partial_unique_index_does_not(conn, backend) {
        run(conn, backend, "DROP TABLE accounts");
        run(conn, backend, "CREATE TABLE accounts (id {pk}, supplier_id INTEGER NOT NULL UNIQUE REFERENCES suppliers(id), name {text} NOT NULL)");
        let report = audit_owner(conn, "Supplier");
        assert!(report.is_clean(), "{report}");

        if backend == Backend::Mysql {
            return; // no partial indexes
        }
        run(conn, backend, "DROP TABLE accounts");
        run(conn, backend, "CREATE TABLE accounts (id {pk}, supplier_id INTEGER NOT NULL REFERENCES suppliers(id), name {text} NOT NULL)");
        run(conn, backend, "CREATE UNIQUE INDEX named_only ON accounts (supplier_id) WHERE name <> ''");
        let report = audit_owner(conn, "Supplier");
        assert_eq!(
            rows(&report),
            [("Supplier", "account", FindingKind::MissingUniqueIndex, "accounts", Some("supplier_id"))]
        );
        let message = &report.findings[0].message;
        assert!(message.contains("the unique index named_only on (supplier_id) is partial"), "{message}");
    }

    fn missing_foreign_key_is_reported_with_its_fix(conn, backend) {
        run(conn, backend, "DROP TABLE accounts");
        run(conn, backend, "CREATE TABLE accounts (id {pk}, supplier_id INTEGER NOT NULL, name {text} NOT NULL)");
        run(conn, backend, UNIQUE_ACCOUNTS);
        let report = audit_owner(conn, "Supplier");
        assert_eq!(
            rows(&report),
            [("Supplier", "account", FindingKind::MissingForeignKey, "accounts", Some("supplier_id"))]
        );
        let finding = &report.findings[0];
        assert!(finding.message.contains("accounts.supplier_id has no foreign key constraint to suppliers.id"), "{}", finding.message);
        match backend {
            Backend::Sqlite => {
                assert_eq!(finding.fix.statements, Vec::<String>::new());
                let note = finding.fix.note.as_deref().unwrap();
                assert!(note.contains("SQLite cannot add or change a foreign key with ALTER TABLE"), "{note}");
                assert!(note.contains("`supplier_id INTEGER NOT NULL REFERENCES suppliers (id)`"), "{note}");
                sqlite_rebuild(conn, "accounts",
                    "CREATE TABLE accounts_new (id {pk}, supplier_id INTEGER NOT NULL REFERENCES suppliers(id), name {text} NOT NULL)",
                    &[UNIQUE_ACCOUNTS]);
            }
            Backend::Postgres | Backend::Mysql => {
                assert_eq!(
                    finding.fix.statements,
                    ["ALTER TABLE accounts ADD CONSTRAINT fk_accounts_supplier_id FOREIGN KEY (supplier_id) REFERENCES suppliers (id)"]
                );
                apply_fixes(conn, &report);
            }
        }
        let after = audit_owner(conn, "Supplier");
        assert!(after.is_clean(), "{after}");
    }

    fn nullable_database_column_under_a_not_null_declaration_is_reported(conn, backend) {
        run(conn, backend, "DROP TABLE accounts");
        run(conn, backend, "CREATE TABLE accounts (id {pk}, supplier_id INTEGER REFERENCES suppliers(id), name {text} NOT NULL)");
        run(conn, backend, UNIQUE_ACCOUNTS);
        let report = audit_owner(conn, "Supplier");
        assert_eq!(
            rows(&report),
            [("Supplier", "account", FindingKind::NullableMismatch, "accounts", Some("supplier_id"))]
        );
        let finding = &report.findings[0];
        assert!(finding.message.contains("declares accounts.supplier_id NOT NULL, but the database column accepts NULL"), "{}", finding.message);
        match backend {
            Backend::Postgres => assert_eq!(finding.fix.statements, ["ALTER TABLE accounts ALTER COLUMN supplier_id SET NOT NULL"]),
            Backend::Mysql => assert_eq!(finding.fix.statements, ["ALTER TABLE accounts MODIFY supplier_id int(11) NOT NULL"]),
            Backend::Sqlite => {
                assert_eq!(finding.fix.statements, Vec::<String>::new());
                sqlite_rebuild(conn, "accounts",
                    "CREATE TABLE accounts_new (id {pk}, supplier_id INTEGER NOT NULL REFERENCES suppliers(id), name {text} NOT NULL)",
                    &[UNIQUE_ACCOUNTS]);
            }
        }
        apply_fixes(conn, &report);
        let after = audit_owner(conn, "Supplier");
        assert!(after.is_clean(), "{after}");
    }

    fn missing_tables_and_columns_are_reported_only_for_requested_declarations(conn, backend) {
        // not requested: no word about the ghosts
        let supplier: Vec<_> = declarations().into_iter().filter(|d| d.owner == "Supplier").collect();
        let report = audit_declarations(&supplier, conn).unwrap();
        assert!(report.findings.iter().all(|f| f.association.owner == "Supplier"), "{report}");

        let report = audit_where(|d| d.target_table == "haunts", conn).unwrap();
        assert_eq!(
            rows(&report),
            [
                ("Ghost", "haunt", FindingKind::MissingTable, "ghosts", None),
                ("Ghost", "haunt", FindingKind::MissingTable, "haunts", None),
            ]
        );
        assert!(report.findings.iter().all(|f| f.fix.statements.is_empty() && f.fix.note.is_some()));
        let text = report.to_string();
        assert!(text.contains("the owner table ghosts does not exist"), "{text}");

        run(conn, backend, "CREATE TABLE ghosts (id {pk})");
        run(conn, backend, "CREATE TABLE haunts (id {pk}, ghost INTEGER NOT NULL)");
        let report = audit_owner(conn, "Ghost");
        assert_eq!(
            rows(&report),
            [("Ghost", "haunt", FindingKind::MissingColumn, "haunts", Some("ghost_id"))]
        );
        let message = &report.findings[0].message;
        assert!(message.contains("haunts has no column ghost_id, which Ghost.haunt uses as its foreign key"), "{message}");
    }
    fn rails_polymorphic_unique_index_on_type_then_id_is_accepted(conn, backend) {
        // SCHEMA has the index exactly as Rails makes it: (imageable_type, imageable_id)
        let indexes = diesel::sql_query(indexes_sql(backend, "images")).load::<IndexRow>(conn).unwrap();
        assert_eq!(indexes, [index_row("index_images_on_imageable", true, "imageable_type,imageable_id")]);
        let report = audit_owner(conn, "Employee");
        assert_eq!(report.checked.len(), 1);
        assert!(report.is_clean(), "{report}");
        assert_eq!(report.fix_sql(), Vec::<String>::new());

        // and the other order, as a hand-written migration may have it
        run(conn, backend, match backend {
            Backend::Mysql => "DROP INDEX index_images_on_imageable ON images",
            Backend::Sqlite | Backend::Postgres => "DROP INDEX index_images_on_imageable",
        });
        run(conn, backend, "CREATE UNIQUE INDEX images_owner ON images (imageable_id, imageable_type)");
        let report = audit_owner(conn, "Employee");
        assert!(report.is_clean(), "{report}");

        // a unique index on only one of the two columns is not what the association needs
        run(conn, backend, match backend {
            Backend::Mysql => "DROP INDEX images_owner ON images",
            Backend::Sqlite | Backend::Postgres => "DROP INDEX images_owner",
        });
        run(conn, backend, "CREATE UNIQUE INDEX images_id ON images (imageable_id)");
        let report = audit_owner(conn, "Employee");
        assert_eq!(
            rows(&report),
            [("Employee", "image", FindingKind::MissingUniqueIndex, "images", None)]
        );
    }

    fn fix_replaces_rails_plain_polymorphic_index_with_a_unique_one(conn, backend) {
        // `t.references :imageable, polymorphic: true` (the default `index: true`)
        run(conn, backend, match backend {
            Backend::Mysql => "DROP INDEX index_images_on_imageable ON images",
            Backend::Sqlite | Backend::Postgres => "DROP INDEX index_images_on_imageable",
        });
        run(conn, backend, RAILS_PLAIN_IMAGES);
        let report = audit_owner(conn, "Employee");
        assert_eq!(
            rows(&report),
            [("Employee", "image", FindingKind::MissingUniqueIndex, "images", None)]
        );
        let finding = &report.findings[0];
        assert!(
            finding.message.contains("the index index_images_on_imageable on (imageable_type, imageable_id) is not unique"),
            "{}", finding.message
        );
        let expected = match backend {
            Backend::Mysql => vec![
                "ALTER TABLE images DROP INDEX index_images_on_imageable, \
                 ADD UNIQUE INDEX index_images_on_imageable (imageable_type, imageable_id)",
            ],
            Backend::Sqlite | Backend::Postgres => vec!["DROP INDEX index_images_on_imageable", RAILS_UNIQUE_IMAGES],
        };
        assert_eq!(finding.fix.statements, expected);
        let note = finding.fix.note.as_deref().unwrap();
        assert!(note.contains("replaces the non-unique index index_images_on_imageable"), "{note}");

        apply_fixes(conn, &report);
        // exactly one index on the two columns, and it is unique
        let indexes = diesel::sql_query(indexes_sql(backend, "images")).load::<IndexRow>(conn).unwrap();
        assert_eq!(indexes, [index_row("index_images_on_imageable", true, "imageable_type,imageable_id")]);
        let after = audit_owner(conn, "Employee");
        assert!(after.is_clean(), "{after}");

        // the database now refuses a second image for one employee
        run(conn, backend, "INSERT INTO images (imageable_type, imageable_id) VALUES ('Employee', 1)");
        assert!(conn
            .batch_execute("INSERT INTO images (imageable_type, imageable_id) VALUES ('Employee', 1)")
            .is_err());
    }

    fn matching_string_keys_are_clean_and_the_catalog_is_read(conn, backend) {
        let report = audit_owner(conn, "Person");
        assert_eq!(report.checked.len(), 1);
        assert!(report.is_clean(), "{report}");

        // what the audit reads of the two key columns
        let passports = diesel_has_one::audit::read_table("passports", conn).unwrap().unwrap();
        let people = diesel_has_one::audit::read_table("people", conn).unwrap().unwrap();
        let fk = passports.column("owner_handle").unwrap();
        let key = people.column("handle").unwrap();
        let id = people.column("id").unwrap();
        assert_eq!(fk.max_length, Some(50));
        assert_eq!(key.max_length, Some(50));
        assert_eq!(fk.collation, key.collation);
        assert_eq!(id.max_length, None);
        match backend {
            Backend::Sqlite => {
                assert_eq!((fk.type_name.as_str(), fk.collation.as_deref()), ("varchar", Some("BINARY")));
                assert_eq!((id.type_name.as_str(), id.collation.as_deref()), ("integer", Some("BINARY")));
            }
            Backend::Postgres => {
                assert_eq!((fk.type_name.as_str(), fk.collation.as_deref()), ("varchar", Some("default")));
                assert_eq!((id.type_name.as_str(), id.collation.as_deref()), ("int4", None));
            }
            Backend::Mysql => {
                let database: CatalogColumn = diesel::sql_query(
                    "SELECT @@collation_database AS collation, CAST(NULL AS SIGNED) AS max_length",
                )
                .get_result(conn)
                .unwrap();
                assert_eq!(fk.type_name, "varchar");
                assert_eq!(fk.collation, database.collation);
                assert_eq!((id.type_name.as_str(), id.collation.as_deref()), ("int", None));
            }
        }
    }

    fn case_insensitive_foreign_key_against_a_case_sensitive_owner_key_is_reported(conn, backend) {
        // issue 8.10: `"casekey".destroy()` destroyed `"CaseKey"`'s row
        run(conn, backend, "DROP TABLE passports");
        run(conn, backend, "DROP TABLE people");
        let mut aliases = true;
        let (owner, fk) = match backend {
            // MariaDB refuses a foreign key constraint between the two collations
            Backend::Mysql => (
                "CREATE TABLE people (id {pk}, handle VARCHAR(50) COLLATE utf8mb4_bin NOT NULL UNIQUE)",
                "CREATE TABLE passports (id {pk}, owner_handle VARCHAR(50) COLLATE utf8mb4_general_ci UNIQUE, number {text} NOT NULL)",
            ),
            Backend::Postgres => {
                // a nondeterministic ICU collation compares case-insensitively; without
                // ICU, POSIX (deterministic: it does not alias, but still differs)
                #[derive(QueryableByName)]
                struct Count {
                    #[diesel(sql_type = diesel::sql_types::BigInt)]
                    n: i64,
                }
                let icu: Count = diesel::sql_query("SELECT count(*) AS n FROM pg_collation WHERE collprovider = 'i'")
                    .get_result(conn)
                    .unwrap();
                if icu.n > 0 {
                    run(conn, backend, "CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false)");
                } else {
                    run(conn, backend, "CREATE COLLATION nocase FROM \"POSIX\"");
                    aliases = false;
                }
                (
                    "CREATE TABLE people (id {pk}, handle VARCHAR(50) COLLATE \"C\" NOT NULL UNIQUE)",
                    "CREATE TABLE passports (id {pk}, owner_handle VARCHAR(50) COLLATE nocase UNIQUE REFERENCES people(handle), number {text} NOT NULL)",
                )
            }
            Backend::Sqlite => (
                "CREATE TABLE people (id {pk}, handle VARCHAR(50) NOT NULL UNIQUE)",
                "CREATE TABLE passports (id {pk}, owner_handle VARCHAR(50) COLLATE NOCASE UNIQUE REFERENCES people(handle), number {text} NOT NULL)",
            ),
        };
        if backend == Backend::Postgres {
            // statements prepared before the ALTER (the reader's) would fail after it with
            // "cached plan must not change result type" (the fix note says to reconnect)
            conn.set_prepared_statement_cache_size(diesel::connection::CacheSize::Disabled);
        }
        run(conn, backend, owner);
        run(conn, backend, fk);
        run(conn, backend, "INSERT INTO people (handle) VALUES ('CaseKey'), ('casekey')");
        run(conn, backend, "INSERT INTO passports (owner_handle, number) VALUES ('CaseKey', 'P-1')");
        let upper = person!(conn, "CaseKey");
        let lower = person!(conn, "casekey");
        if aliases {
            // the owners alias each other: casekey reads CaseKey's passport
            assert_eq!(lower.passport(conn).unwrap().map(|p| p.number).as_deref(), Some("P-1"));
        }

        let report = audit_owner(conn, "Person");
        let mut expected = vec![("Person", "passport", FindingKind::KeyMismatch, "passports", Some("owner_handle"))];
        if backend == Backend::Mysql {
            expected.push(("Person", "passport", FindingKind::MissingForeignKey, "passports", Some("owner_handle")));
        }
        assert_eq!(rows(&report), expected);
        let finding = &report.findings[0];
        let (fk_type, key_type) = match backend {
            Backend::Mysql => ("varchar(50) COLLATE utf8mb4_general_ci", "varchar(50) COLLATE utf8mb4_bin"),
            Backend::Postgres => ("character varying(50) COLLATE \"nocase\"", "character varying(50) COLLATE \"C\""),
            Backend::Sqlite => ("VARCHAR(50) COLLATE NOCASE", "VARCHAR(50) COLLATE BINARY"),
        };
        for phrase in [
            format!("the foreign key passports.owner_handle ({fk_type}) does not compare keys as the owner key people.handle ({key_type}) does"),
            "they compare by different collations".to_owned(),
            "one owner reads, replaces or destroys another owner's row".to_owned(),
        ] {
            assert!(finding.message.contains(&phrase), "missing {phrase:?} in: {}", finding.message);
        }
        if backend == Backend::Postgres {
            assert!(finding.message.contains("a join on them fails"), "{}", finding.message);
        }
        let text = report.to_string();
        assert!(text.contains("Person.passport (people → passports.owner_handle, dependent = delete): key type or collation mismatch"), "{text}");
        match backend {
            Backend::Mysql => assert_eq!(
                report.fix_sql(),
                [
                    "ALTER TABLE passports MODIFY owner_handle varchar(50) COLLATE utf8mb4_bin NULL",
                    // the constraint MariaDB refused before: the collations now agree
                    "ALTER TABLE passports ADD CONSTRAINT fk_passports_owner_handle FOREIGN KEY (owner_handle) REFERENCES people (handle) ON DELETE CASCADE",
                ]
            ),
            Backend::Postgres => assert_eq!(
                finding.fix.statements,
                ["ALTER TABLE passports ALTER COLUMN owner_handle TYPE character varying(50) COLLATE \"C\""]
            ),
            Backend::Sqlite => {
                assert_eq!(finding.fix.statements, Vec::<String>::new());
                let note = finding.fix.note.as_deref().unwrap();
                for phrase in [
                    "SQLite cannot change a column's type or collation with ALTER TABLE",
                    "declare it as `owner_handle VARCHAR(50)`",
                    "Rebuild the table",
                    "SELECT * FROM passports WHERE owner_handle IS NOT NULL AND owner_handle NOT IN (SELECT handle FROM people)",
                ] {
                    assert!(note.contains(phrase), "missing {phrase:?} in: {note}");
                }
            }
        }
        let note = finding.fix.note.as_deref().unwrap();
        assert!(note.contains("rows linked under the old comparison may match no people row"), "{note}");
        if backend == Backend::Postgres {
            assert!(note.contains("cached plan must not change result type"), "{note}");
        }

        apply_fixes(conn, &report);
        if backend == Backend::Sqlite {
            sqlite_rebuild(conn, "passports",
                "CREATE TABLE passports_new (id {pk}, owner_handle VARCHAR(50) UNIQUE REFERENCES people(handle), number {text} NOT NULL)",
                &[]);
        }
        let after = audit_owner(conn, "Person");
        assert!(after.is_clean(), "{after}");

        // the catalog has the owner key's collation on the foreign key now
        match backend {
            Backend::Sqlite => {
                let create: CreateSql = diesel::sql_query("SELECT sql FROM sqlite_master WHERE name = 'passports'")
                    .get_result(conn)
                    .unwrap();
                assert!(!create.sql.to_uppercase().contains("NOCASE"), "{}", create.sql);
            }
            Backend::Postgres | Backend::Mysql => {
                let column: CatalogColumn = diesel::sql_query(catalog_column_sql(backend, "passports", "owner_handle"))
                    .get_result(conn)
                    .unwrap();
                let wanted = if backend == Backend::Mysql { "utf8mb4_bin" } else { "C" };
                assert_eq!(column, CatalogColumn { collation: Some(wanted.into()), max_length: Some(50) });
            }
        }

        // and the owners no longer alias: casekey has no passport, its destroy leaves CaseKey's
        assert_eq!(lower.passport(conn).unwrap(), None);
        lower.destroy(conn).unwrap();
        assert_eq!(upper.passport(conn).unwrap().map(|p| p.number).as_deref(), Some("P-1"));
    }

    fn shorter_foreign_key_than_the_owner_key_is_reported(conn, backend) {
        // a longer foreign key holds every key: clean
        run(conn, backend, "DROP TABLE passports");
        run(conn, backend, "CREATE TABLE passports (id {pk}, owner_handle VARCHAR(80) UNIQUE REFERENCES people(handle), number {text} NOT NULL)");
        let report = audit_owner(conn, "Person");
        assert!(report.is_clean(), "{report}");

        run(conn, backend, "DROP TABLE passports");
        run(conn, backend, "CREATE TABLE passports (id {pk}, owner_handle VARCHAR(10) UNIQUE REFERENCES people(handle), number {text} NOT NULL)");
        let long = "twenty-characters-xy";
        run(conn, backend, &format!("INSERT INTO people (handle) VALUES ('{long}')"));
        let stored = conn.batch_execute(&format!("INSERT INTO passports (owner_handle, number) VALUES ('{long}', 'P-1')"));
        // SQLite does not enforce the declared length; the others refuse the key
        assert_eq!(stored.is_ok(), backend == Backend::Sqlite, "{stored:?}");
        if backend == Backend::Sqlite {
            run(conn, backend, "DELETE FROM passports");
        }

        let report = audit_owner(conn, "Person");
        assert_eq!(
            rows(&report),
            [("Person", "passport", FindingKind::KeyMismatch, "passports", Some("owner_handle"))]
        );
        let finding = &report.findings[0];
        assert!(
            finding.message.contains("the foreign key holds at most 10 characters and the owner key up to 50: a longer key is refused or truncated"),
            "{}", finding.message
        );
        assert_eq!(
            finding.message.contains("SQLite does not enforce declared lengths"),
            backend == Backend::Sqlite,
            "{}", finding.message
        );
        match backend {
            Backend::Mysql => {
                let collation: CatalogColumn = diesel::sql_query(catalog_column_sql(backend, "passports", "owner_handle"))
                    .get_result(conn)
                    .unwrap();
                let collation = collation.collation.unwrap();
                // MySQL cannot change a column a foreign key uses: drop, modify, add back
                assert_eq!(
                    finding.fix.statements,
                    [
                        "ALTER TABLE passports DROP FOREIGN KEY passports_ibfk_1".to_owned(),
                        format!("ALTER TABLE passports MODIFY owner_handle varchar(50) COLLATE {collation} NULL"),
                        // re-added as the catalog reports it (MariaDB: RESTRICT, its default)
                        "ALTER TABLE passports ADD CONSTRAINT passports_ibfk_1 FOREIGN KEY (owner_handle) REFERENCES people (handle) ON DELETE RESTRICT".to_owned(),
                    ]
                );
                let note = finding.fix.note.as_deref().unwrap();
                assert!(note.contains("drop passports_ibfk_1 and add it back"), "{note}");
            }
            Backend::Postgres => assert_eq!(
                finding.fix.statements,
                ["ALTER TABLE passports ALTER COLUMN owner_handle TYPE character varying(50) COLLATE \"default\""]
            ),
            Backend::Sqlite => {
                assert_eq!(finding.fix.statements, Vec::<String>::new());
                let note = finding.fix.note.as_deref().unwrap();
                assert!(note.contains("declare it as `owner_handle VARCHAR(50)`"), "{note}");
            }
        }

        apply_fixes(conn, &report);
        if backend == Backend::Sqlite {
            sqlite_rebuild(conn, "passports",
                "CREATE TABLE passports_new (id {pk}, owner_handle VARCHAR(50) UNIQUE REFERENCES people(handle), number {text} NOT NULL)",
                &[]);
        }
        let after = audit_owner(conn, "Person");
        assert!(after.is_clean(), "{after}");
        if backend != Backend::Sqlite {
            let column: CatalogColumn = diesel::sql_query(catalog_column_sql(backend, "passports", "owner_handle"))
                .get_result(conn)
                .unwrap();
            assert_eq!(column.max_length, Some(50));
        }
        // the key fits now, and the constraint is still there
        run(conn, backend, &format!("INSERT INTO passports (owner_handle, number) VALUES ('{long}', 'P-1')"));
        assert!(conn
            .batch_execute("INSERT INTO passports (owner_handle, number) VALUES ('nobody', 'P-2')")
            .is_err());

        // with the other fixes of the column: no unique index (MariaDB generates a plain one
        // for the constraint) and an ON DELETE the dependent does not declare
        run(conn, backend, "DROP TABLE passports");
        run(conn, backend, "CREATE TABLE passports (id {pk}, owner_handle VARCHAR(10) REFERENCES people(handle) ON DELETE SET NULL, number {text} NOT NULL)");
        let report = audit_owner(conn, "Person");
        let mut found = kinds(&report);
        found.sort_by_key(|k| format!("{k:?}"));
        assert_eq!(
            found,
            [FindingKind::KeyMismatch, FindingKind::MissingUniqueIndex, FindingKind::OnDeleteInconsistent],
            "{report}"
        );
        if backend == Backend::Mysql {
            let collation: CatalogColumn = diesel::sql_query(catalog_column_sql(backend, "passports", "owner_handle"))
                .get_result(conn)
                .unwrap();
            let collation = collation.collation.unwrap();
            // the index first (re-adding the constraint renames the index MariaDB generated
            // for it), and the constraint re-added once, with the ON DELETE of its own fix
            assert_eq!(
                report.fix_sql(),
                [
                    "ALTER TABLE passports DROP INDEX owner_handle, ADD UNIQUE INDEX owner_handle (owner_handle)".to_owned(),
                    "ALTER TABLE passports DROP FOREIGN KEY passports_ibfk_1".to_owned(),
                    format!("ALTER TABLE passports MODIFY owner_handle varchar(50) COLLATE {collation} NULL"),
                    "ALTER TABLE passports ADD CONSTRAINT passports_ibfk_1 FOREIGN KEY (owner_handle) REFERENCES people (handle) ON DELETE CASCADE".to_owned(),
                ]
            );
        } else {
            assert_eq!(report.findings[0].kind, FindingKind::KeyMismatch, "{report}");
        }
        apply_fixes(conn, &report);
        if backend == Backend::Sqlite {
            sqlite_rebuild(conn, "passports",
                "CREATE TABLE passports_new (id {pk}, owner_handle VARCHAR(50) REFERENCES people(handle) ON DELETE CASCADE, number {text} NOT NULL)",
                &["CREATE UNIQUE INDEX index_passports_on_owner_handle ON passports (owner_handle)"]);
        }
        let after = audit_owner(conn, "Person");
        assert!(after.is_clean(), "{after}");
    }

    fn the_nullability_fix_keeps_the_key_fix(conn, backend) {
        // both fixes restate the column on MySQL (MODIFY) and SQLite (the rebuild): the
        // nullability fix restates the corrected type, not the one read
        run(conn, backend, "DROP TABLE passports");
        run(conn, backend, "CREATE TABLE passports (id {pk}, owner_handle VARCHAR(10) NOT NULL UNIQUE REFERENCES people(handle), number {text} NOT NULL)");
        let report = audit_owner(conn, "Person");
        assert_eq!(
            rows(&report),
            [
                ("Person", "passport", FindingKind::KeyMismatch, "passports", Some("owner_handle")),
                ("Person", "passport", FindingKind::NullableMismatch, "passports", Some("owner_handle")),
            ]
        );
        match backend {
            Backend::Mysql => {
                let sql = report.fix_sql();
                assert_eq!(sql.len(), 4, "{sql:?}");
                assert!(sql[1].starts_with("ALTER TABLE passports MODIFY owner_handle varchar(50) COLLATE ") && sql[1].ends_with(" NOT NULL"), "{sql:?}");
                assert!(sql[3].starts_with("ALTER TABLE passports MODIFY owner_handle varchar(50) COLLATE ") && sql[3].ends_with(" NULL") && !sql[3].ends_with("NOT NULL"), "{sql:?}");
            }
            Backend::Postgres => assert_eq!(
                report.fix_sql(),
                [
                    "ALTER TABLE passports ALTER COLUMN owner_handle TYPE character varying(50) COLLATE \"default\"",
                    "ALTER TABLE passports ALTER COLUMN owner_handle DROP NOT NULL",
                ]
            ),
            Backend::Sqlite => {
                let note = report.findings[1].fix.note.as_deref().unwrap();
                assert!(note.contains("declare it as `owner_handle VARCHAR(50)`"), "{note}");
            }
        }
        apply_fixes(conn, &report);
        if backend == Backend::Sqlite {
            sqlite_rebuild(conn, "passports", &PASSPORTS.replace("passports (", "passports_new ("), &[]);
        }
        let after = audit_owner(conn, "Person");
        assert!(after.is_clean(), "{after}");
    }

    fn integer_keys_are_compared_by_range_and_kind_of_type(conn, backend) {
        // accounts.supplier_id for suppliers.id; MariaDB refuses a constraint between
        // integer types of different sizes, so these foreign keys have none
        let key_findings = |conn: &mut _| only(&audit_owner(conn, "Supplier"), FindingKind::KeyMismatch);

        // wider: BIGINT for an INTEGER key holds every key
        run(conn, backend, "DROP TABLE accounts");
        run(conn, backend, "CREATE TABLE accounts (id {pk}, supplier_id BIGINT NOT NULL, name {text} NOT NULL)");
        assert_eq!(key_findings(conn), []);

        // another kind of type: reported, and no statement converts the values
        run(conn, backend, "DROP TABLE accounts");
        run(conn, backend, "CREATE TABLE accounts (id {pk}, supplier_id {text} NOT NULL, name {text} NOT NULL)");
        let findings = key_findings(conn);
        assert_eq!(findings.len(), 1, "{findings:?}");
        let message = &findings[0].message;
        let phrase = match backend {
            Backend::Sqlite => "they have different type affinities (TEXT affinity against INTEGER affinity)",
            Backend::Postgres => "they have different types (text against integer)",
            Backend::Mysql => "they have different types (varchar(255) against int(11))",
        };
        assert!(message.contains(phrase), "missing {phrase:?} in: {message}");
        assert!(message.contains("'007' and '7'"), "{message}");
        assert_eq!(findings[0].fix.statements, Vec::<String>::new());
        let note = findings[0].fix.note.as_deref().unwrap();
        assert!(note.contains(if backend == Backend::Sqlite { "Rebuild the table" } else { "convert the values with a migration" }), "{note}");

        // narrower: INTEGER for a BIGINT key (SQLite: one 64-bit INTEGER affinity, clean)
        run(conn, backend, "DROP TABLE accounts");
        run(conn, backend, "DROP TABLE suppliers");
        run(conn, backend, "CREATE TABLE suppliers (id BIGINT PRIMARY KEY, name {text} NOT NULL)");
        run(conn, backend, "CREATE TABLE accounts (id {pk}, supplier_id INTEGER NOT NULL, name {text} NOT NULL)");
        let findings = key_findings(conn);
        if backend == Backend::Sqlite {
            assert_eq!(findings, []);
            return;
        }
        assert_eq!(findings.len(), 1, "{findings:?}");
        let message = &findings[0].message;
        let (fk, key, fix) = match backend {
            Backend::Postgres => ("integer", "bigint", "ALTER TABLE accounts ALTER COLUMN supplier_id TYPE bigint"),
            Backend::Mysql => ("int(11)", "bigint(20)", "ALTER TABLE accounts MODIFY supplier_id bigint(20) NOT NULL"),
            Backend::Sqlite => unreachable!(),
        };
        let phrase = format!("the foreign key's type holds a smaller range of integers ({fk} against {key})");
        assert!(message.contains(&phrase), "missing {phrase:?} in: {message}");
        assert_eq!(findings[0].fix.statements, [fix]);
        let report = audit_owner(conn, "Supplier");
        assert_eq!(kinds(&report)[0], FindingKind::KeyMismatch, "{report}");
        for statement in &findings[0].fix.statements {
            run(conn, backend, statement);
        }
        assert_eq!(key_findings(conn), []);
    }
}
