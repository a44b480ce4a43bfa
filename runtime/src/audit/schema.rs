//! A backend-neutral description of one table as the database reports it: columns with
//! their nullability, indexes with their columns and uniqueness, foreign keys with the
//! referenced table and column and the `ON DELETE` action.
//!
//! The backend modules (`sqlite`, `postgres`, `mysql`) fill it from introspection queries;
//! the checks only ever read this description.

use std::fmt;

/// The placeholder listed in [`Index::columns`] for a part of an index that is an
/// expression rather than a column (`CREATE INDEX … ON t (lower(name))`).
pub const EXPRESSION: &str = "<expression>";

/// One table of the live schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The table's name.
    pub name: String,
    /// Its columns, in definition order.
    pub columns: Vec<Column>,
    /// The primary key's columns, in key order (empty without a primary key).
    pub primary_key: Vec<String>,
    /// Its indexes, including those behind `PRIMARY KEY` and `UNIQUE` constraints where
    /// the backend keeps one.
    pub indexes: Vec<Index>,
    /// The foreign key constraints declared on it.
    pub foreign_keys: Vec<ForeignKey>,
}

impl Table {
    /// The column named `name`, if the table has it.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// One column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The column's name.
    pub name: String,
    /// Its type as the database spells it (`INTEGER`, `integer`, `int(11)`), as a column
    /// definition restates it.
    pub sql_type: String,
    /// The type's name without its modifiers, lower case, as the catalog names it:
    /// MySQL's `DATA_TYPE` followed by ` unsigned` for an unsigned integer (`int`,
    /// `bigint unsigned`, `varchar`), PostgreSQL's `udt_name` (`int4`, `varchar`, `text`,
    /// `bpchar`; a domain's underlying type), SQLite's declared type without its
    /// `(…)` (`varchar`, `integer`, empty when the column declares none).
    pub type_name: String,
    /// The most characters a string type holds (`VARCHAR(50)`: 50; MySQL's `TEXT`: its
    /// `CHARACTER_MAXIMUM_LENGTH`), `None` when unbounded (PostgreSQL `text`, SQLite
    /// `TEXT`) or not a string. SQLite reports the declared length, which it does not
    /// enforce.
    pub max_length: Option<u64>,
    /// The collation its values compare by: MySQL's `COLLATION_NAME`, PostgreSQL's
    /// collation name (`"default"` for the database default), SQLite's `COLLATE` clause
    /// upper-cased (`BINARY` when the column declares none). `None` for a type without
    /// a collation (numbers on MySQL and PostgreSQL).
    pub collation: Option<String>,
    /// Whether it accepts NULL (no `NOT NULL` constraint).
    pub nullable: bool,
}

/// One index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    /// The index's name.
    pub name: String,
    /// Its key columns in order; an expression part is listed as [`EXPRESSION`].
    pub columns: Vec<String>,
    /// Whether it is a unique index.
    pub unique: bool,
    /// Whether it covers only some rows or only part of a value (a partial index with a
    /// `WHERE` clause, a MySQL prefix index), so that it does not constrain every row.
    pub partial: bool,
}

impl Index {
    /// Whether the index key is exactly `columns`, in this order.
    pub fn is_on(&self, columns: &[&str]) -> bool {
        self.columns.len() == columns.len() && self.columns.iter().zip(columns).all(|(a, b)| a == b)
    }
}

/// One foreign key constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    /// The constraint's name (SQLite foreign keys have none).
    pub name: Option<String>,
    /// The referencing columns, in order.
    pub columns: Vec<String>,
    /// The referenced table (qualified with its schema or database when that is not the
    /// one audited).
    pub referenced_table: String,
    /// The referenced columns, in the order of [`columns`](Self::columns).
    pub referenced_columns: Vec<String>,
    /// What deleting a referenced row does.
    pub on_delete: OnDelete,
}

impl ForeignKey {
    /// Whether this constraint is exactly `table(column) → referenced(referenced_column)`
    /// on one column.
    pub fn is_from_to(&self, column: &str, referenced: &str, referenced_column: &str) -> bool {
        self.columns.len() == 1
            && self.columns[0] == column
            && self.referenced_table == referenced
            && self.referenced_columns.len() == 1
            && self.referenced_columns[0] == referenced_column
    }
}

/// A foreign key's `ON DELETE` action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnDelete {
    /// `NO ACTION` (the default): deleting a referenced row fails at the end of the
    /// statement (or transaction, when deferred).
    NoAction,
    /// `RESTRICT`: deleting a referenced row fails at once.
    Restrict,
    /// `CASCADE`: deleting a referenced row deletes the referencing rows.
    Cascade,
    /// `SET NULL`: deleting a referenced row sets the foreign key of the referencing rows
    /// to NULL.
    SetNull,
    /// `SET DEFAULT`: deleting a referenced row sets the foreign key of the referencing
    /// rows to the column's default.
    SetDefault,
}

impl OnDelete {
    /// Reads the action as SQLite's `pragma_foreign_key_list` and MySQL's
    /// `information_schema` spell it (`NO ACTION`, `SET NULL`, …); `None` for anything else.
    pub fn parse(action: &str) -> Option<OnDelete> {
        match action.trim().to_ascii_uppercase().as_str() {
            "NO ACTION" | "NONE" | "" => Some(OnDelete::NoAction),
            "RESTRICT" => Some(OnDelete::Restrict),
            "CASCADE" => Some(OnDelete::Cascade),
            "SET NULL" => Some(OnDelete::SetNull),
            "SET DEFAULT" => Some(OnDelete::SetDefault),
            _ => None,
        }
    }

    /// The SQL spelling (`NO ACTION`, `CASCADE`, …).
    pub fn sql(self) -> &'static str {
        match self {
            OnDelete::NoAction => "NO ACTION",
            OnDelete::Restrict => "RESTRICT",
            OnDelete::Cascade => "CASCADE",
            OnDelete::SetNull => "SET NULL",
            OnDelete::SetDefault => "SET DEFAULT",
        }
    }
}

impl fmt::Display for OnDelete {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.sql())
    }
}

/// One column of a foreign key as `information_schema` (MySQL) and `pg_catalog`
/// (PostgreSQL) list it: a row per column, `ord` counting from 1 within the constraint.
/// SQLite reports foreign keys in its own shape (`audit::sqlite`).
#[cfg(any(feature = "postgres", feature = "mysql"))]
#[derive(diesel::QueryableByName)]
pub(super) struct ForeignKeyRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    column_name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    referenced_table: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    referenced_column: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    on_delete: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    ord: i64,
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
impl ForeignKeyRow {
    /// The constraints of these rows (ordered by constraint, then `ord`), reading each
    /// backend's spelling of the `ON DELETE` action with `on_delete`.
    pub(super) fn group(
        rows: Vec<ForeignKeyRow>,
        on_delete: impl Fn(&str) -> OnDelete,
    ) -> Vec<ForeignKey> {
        let mut foreign_keys: Vec<ForeignKey> = Vec::new();
        for row in rows {
            match foreign_keys.last_mut() {
                Some(fk) if row.ord > 1 && fk.name.as_deref() == Some(row.name.as_str()) => {
                    fk.columns.push(row.column_name);
                    fk.referenced_columns.push(row.referenced_column);
                }
                _ => foreign_keys.push(ForeignKey {
                    name: Some(row.name),
                    columns: vec![row.column_name],
                    referenced_table: row.referenced_table,
                    referenced_columns: vec![row.referenced_column],
                    on_delete: on_delete(&row.on_delete),
                }),
            }
        }
        foreign_keys
    }
}
