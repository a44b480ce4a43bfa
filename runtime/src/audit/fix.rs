//! The SQL that fixes a finding, per backend: identifier quoting, index and constraint
//! names, and the statements (or, where SQLite's `ALTER TABLE` cannot do it, the table
//! rebuild to perform).

use std::fmt;

use super::keys::collation_sql;
use super::schema::{Column, ForeignKey, Index, OnDelete, Table};

/// The SQL dialect a report's fix statements are written in: the audited connection's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// MySQL and MariaDB.
    Mysql,
}

impl Dialect {
    /// The backend's name (`"SQLite"`, `"PostgreSQL"`, `"MySQL/MariaDB"`).
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "SQLite",
            Dialect::Postgres => "PostgreSQL",
            Dialect::Mysql => "MySQL/MariaDB",
        }
    }

    /// `name` as an identifier: unchanged when it is a plain lower-case identifier that is
    /// not a reserved word, quoted otherwise (`"…"`, or `` `…` `` on MySQL).
    pub fn ident(self, name: &str) -> String {
        let plain = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && !RESERVED.contains(&name);
        if plain {
            return name.to_owned();
        }
        match self {
            Dialect::Mysql => format!("`{}`", name.replace('`', "``")),
            Dialect::Sqlite | Dialect::Postgres => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    /// The longest identifier the backend keeps (PostgreSQL truncates past 63 bytes,
    /// MySQL refuses past 64).
    fn max_ident(self) -> usize {
        match self {
            Dialect::Sqlite => usize::MAX,
            Dialect::Postgres => 63,
            Dialect::Mysql => 64,
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Words the fix statements quote when used as a table, column or index name.
const RESERVED: &[&str] = &[
    "all",
    "and",
    "as",
    "asc",
    "by",
    "case",
    "check",
    "column",
    "constraint",
    "default",
    "desc",
    "end",
    "foreign",
    "from",
    "grant",
    "group",
    "index",
    "key",
    "limit",
    "not",
    "null",
    "offset",
    "or",
    "order",
    "primary",
    "range",
    "rank",
    "references",
    "rows",
    "select",
    "table",
    "to",
    "unique",
    "user",
    "when",
    "where",
    "window",
];

/// How to fix one finding: the statements to run on the audited database, in order, and
/// what to know before running them (or what to do by hand when no statement can do it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fix {
    /// SQL statements, without a trailing `;`, each runnable with `diesel::sql_query`.
    /// Empty when the fix is not one statement away (see [`note`](Self::note)).
    pub statements: Vec<String>,
    /// Preconditions of the statements, or the manual steps when there are none.
    pub note: Option<String>,
}

impl Fix {
    fn sql(statements: Vec<String>, note: impl Into<Option<String>>) -> Fix {
        Fix {
            statements,
            note: note.into(),
        }
    }

    fn manual(note: String) -> Fix {
        Fix {
            statements: Vec::new(),
            note: Some(note),
        }
    }
}

/// `CREATE [UNIQUE] INDEX index_<table>_on_<columns> ON table (columns)`, with a name the
/// table does not use yet.
pub(crate) fn index(dialect: Dialect, table: &Table, columns: &[&str], unique: bool) -> Fix {
    let base = truncate(
        dialect,
        format!("index_{}_on_{}", table.name, columns.join("_and_")),
    );
    let mut name = base.clone();
    let mut n = 1;
    while table.indexes.iter().any(|i| i.name == name) {
        n += 1;
        name = truncate(dialect, format!("{base}_{n}"));
    }
    let t = dialect.ident(&table.name);
    let c = columns
        .iter()
        .map(|c| dialect.ident(c))
        .collect::<Vec<_>>()
        .join(", ");
    let statement = format!(
        "CREATE {}INDEX {} ON {t} ({c})",
        if unique { "UNIQUE " } else { "" },
        dialect.ident(&name)
    );
    let note = unique.then(|| {
        format!(
            "fails while two rows share a {}; list them with \
             SELECT {c}, COUNT(*) FROM {t} GROUP BY {c} HAVING COUNT(*) > 1",
            columns.join(", ")
        )
    });
    Fix::sql(vec![statement], note)
}

/// Replaces the plain index `existing` with a unique one of the same name and column
/// order, so that the table does not keep a redundant second index on the same columns.
/// MySQL does it in one `ALTER TABLE` (atomic, and a foreign key that needs an index on
/// the columns always has one); SQLite and PostgreSQL drop, then create.
pub(crate) fn make_unique(dialect: Dialect, table: &Table, existing: &Index) -> Fix {
    let t = dialect.ident(&table.name);
    let n = dialect.ident(&existing.name);
    let c = existing
        .columns
        .iter()
        .map(|c| dialect.ident(c))
        .collect::<Vec<_>>()
        .join(", ");
    let duplicates = format!(
        "fails while two rows share a {}; list them with \
         SELECT {c}, COUNT(*) FROM {t} GROUP BY {c} HAVING COUNT(*) > 1",
        existing.columns.join(", ")
    );
    match dialect {
        Dialect::Mysql => Fix::sql(
            vec![format!(
                "ALTER TABLE {t} DROP INDEX {n}, ADD UNIQUE INDEX {n} ({c})"
            )],
            format!(
                "replaces the non-unique index {}; {duplicates}",
                existing.name
            ),
        ),
        Dialect::Sqlite | Dialect::Postgres => Fix::sql(
            vec![
                format!("DROP INDEX {n}"),
                format!("CREATE UNIQUE INDEX {n} ON {t} ({c})"),
            ],
            format!(
                "replaces the non-unique index {}; the CREATE {duplicates}: run both in one \
                 transaction, so that a failure rolls the DROP back",
                existing.name
            ),
        ),
    }
}

/// What a foreign key constraint from `table(column)` to `referenced(referenced_column)`
/// should look like.
pub(crate) struct WantedForeignKey<'a> {
    pub table: &'a Table,
    pub column: &'a str,
    pub referenced: &'a str,
    pub referenced_column: &'a str,
    pub on_delete: OnDelete,
}

impl WantedForeignKey<'_> {
    fn clause(&self, dialect: Dialect) -> String {
        let on_delete = match self.on_delete {
            OnDelete::NoAction => String::new(),
            action => format!(" ON DELETE {action}"),
        };
        format!(
            "FOREIGN KEY ({}) REFERENCES {} ({}){on_delete}",
            dialect.ident(self.column),
            dialect.ident(self.referenced),
            dialect.ident(self.referenced_column),
        )
    }

    fn default_name(&self, dialect: Dialect) -> String {
        truncate(dialect, format!("fk_{}_{}", self.table.name, self.column))
    }
}

/// Adds the constraint, or replaces `existing` (whose `ON DELETE` is wrong) with it.
pub(crate) fn foreign_key(
    dialect: Dialect,
    wanted: &WantedForeignKey<'_>,
    existing: Option<&ForeignKey>,
) -> Fix {
    let t = dialect.ident(&wanted.table.name);
    let name = existing
        .and_then(|fk| fk.name.clone())
        .unwrap_or_else(|| wanted.default_name(dialect));
    let n = dialect.ident(&name);
    let clause = wanted.clause(dialect);
    let orphans = format!(
        "fails while a {} row references a missing {} row; list them with \
         SELECT * FROM {t} WHERE {c} IS NOT NULL AND {c} NOT IN (SELECT {rc} FROM {r})",
        wanted.table.name,
        wanted.referenced,
        c = dialect.ident(wanted.column),
        r = dialect.ident(wanted.referenced),
        rc = dialect.ident(wanted.referenced_column),
    );
    match (dialect, existing) {
        (Dialect::Sqlite, _) => {
            let column = wanted.table.column(wanted.column);
            let definition = column_definition(dialect, wanted.column, column, None);
            Fix::manual(sqlite_rebuild(
                &wanted.table.name,
                &format!(
                    "SQLite cannot add or change a foreign key with ALTER TABLE; \
                     declare the column as `{definition} REFERENCES {} ({}){}`",
                    dialect.ident(wanted.referenced),
                    dialect.ident(wanted.referenced_column),
                    match wanted.on_delete {
                        OnDelete::NoAction => String::new(),
                        action => format!(" ON DELETE {action}"),
                    },
                ),
            ))
        }
        (Dialect::Postgres, None) | (Dialect::Mysql, None) => Fix::sql(
            vec![format!("ALTER TABLE {t} ADD CONSTRAINT {n} {clause}")],
            orphans,
        ),
        (Dialect::Postgres, Some(_)) => Fix::sql(
            vec![format!(
                "ALTER TABLE {t} DROP CONSTRAINT {n}, ADD CONSTRAINT {n} {clause}"
            )],
            None,
        ),
        (Dialect::Mysql, Some(_)) => Fix::sql(
            vec![
                format!("ALTER TABLE {t} DROP FOREIGN KEY {n}"),
                format!("ALTER TABLE {t} ADD CONSTRAINT {n} {clause}"),
            ],
            None,
        ),
    }
}

/// Makes `column` of `table` nullable or NOT NULL.
pub(crate) fn set_nullable(dialect: Dialect, table: &str, column: &Column, nullable: bool) -> Fix {
    let t = dialect.ident(table);
    let c = dialect.ident(&column.name);
    let nulls = (!nullable).then(|| {
        format!(
            "fails while a row has a NULL {}; list them with SELECT * FROM {t} WHERE {c} IS NULL",
            column.name
        )
    });
    match dialect {
        Dialect::Postgres => Fix::sql(
            vec![format!(
                "ALTER TABLE {t} ALTER COLUMN {c} {} NOT NULL",
                if nullable { "DROP" } else { "SET" }
            )],
            nulls,
        ),
        Dialect::Mysql => Fix::sql(
            vec![format!(
                "ALTER TABLE {t} MODIFY {}",
                column_definition(dialect, &column.name, Some(column), Some(nullable))
            )],
            Some(match nulls {
                Some(n) => format!("{n}; MODIFY restates the whole column: add its DEFAULT or COMMENT if it has one"),
                None => "MODIFY restates the whole column: add its DEFAULT or COMMENT if it has one".into(),
            }),
        ),
        Dialect::Sqlite => Fix::manual(sqlite_rebuild(
            table,
            &format!(
                "SQLite cannot change a column's NOT NULL with ALTER TABLE; declare it as `{}`",
                column_definition(dialect, &column.name, Some(column), Some(nullable))
            ),
        )),
    }
}

/// A change of the foreign key column to the owner key's type and collation.
pub(crate) struct KeyChange<'a> {
    /// The target table.
    pub table: &'a Table,
    /// The foreign key column as it is.
    pub current: &'a Column,
    /// The foreign key column as it should be (see `audit::keys`).
    pub wanted: &'a Column,
    /// Whether the values keep their kind of type (no text-to-integer conversion).
    pub convertible: bool,
    pub owner_table: &'a str,
    pub owner_key: &'a str,
    /// MySQL: the foreign keys on the column, as they are to be added back (the
    /// association's own with the `ON DELETE` its fix declares, so that both fixes
    /// share their statements).
    pub foreign_keys: Vec<ForeignKey>,
}

/// Changes the foreign key column: PostgreSQL `ALTER COLUMN … TYPE … COLLATE`, MySQL
/// `MODIFY` (between dropping and re-adding the foreign keys on the column, which MySQL
/// requires), SQLite a table rebuild. When the values change kind of type (text to
/// integer) the fix is a note: no statement converts them safely.
pub(crate) fn change_key_column(dialect: Dialect, change: &KeyChange<'_>) -> Fix {
    let KeyChange {
        table,
        current,
        wanted,
        convertible,
        owner_table,
        owner_key,
        ..
    } = *change;
    let t = dialect.ident(&table.name);
    let c = dialect.ident(&current.name);
    let relink = format!(
        "rows linked under the old comparison may match no {owner_table} row afterwards; list \
         them with SELECT * FROM {t} WHERE {c} IS NOT NULL AND {c} NOT IN (SELECT {} FROM {})",
        dialect.ident(owner_key),
        dialect.ident(owner_table),
    );
    // a longer type or a wider integer range holds every value: only a collation that
    // finds more keys equal can fail (under a unique index)
    let fails = if current.collation != wanted.collation {
        format!(
            "fails while two rows hold keys the new collation finds equal under a unique index \
             on {}; ",
            current.name
        )
    } else {
        String::new()
    };
    let definition = column_definition(dialect, &current.name, Some(wanted), None);
    match dialect {
        Dialect::Sqlite => Fix::manual(format!(
            "{}; {relink}",
            sqlite_rebuild(
                &table.name,
                &format!(
                    "SQLite cannot change a column's type or collation with ALTER TABLE; \
                     declare it as `{definition}`"
                ),
            )
        )),
        Dialect::Postgres => {
            let collate = wanted
                .collation
                .as_deref()
                .map(|n| format!(" COLLATE {}", collation_sql(dialect, n)))
                .unwrap_or_default();
            let statement = format!(
                "ALTER TABLE {t} ALTER COLUMN {c} TYPE {}{collate}",
                wanted.sql_type
            );
            if convertible {
                Fix::sql(
                    vec![statement],
                    format!(
                        "rewrites {} and rebuilds the indexes on {} (an ACCESS EXCLUSIVE lock); \
                         {fails}a connection that prepared a statement on the table before then \
                         fails it with \"cached plan must not change result type\": reconnect \
                         (restart the application) after running it; {relink}",
                        table.name, current.name
                    ),
                )
            } else {
                Fix::manual(format!(
                    "convert the values with a migration: {statement} USING {c}::{} (fails \
                     while a value does not convert: fix those rows first); {relink}",
                    wanted.sql_type
                ))
            }
        }
        Dialect::Mysql => {
            let modify = format!("ALTER TABLE {t} MODIFY {definition}");
            if !convertible {
                return Fix::manual(format!(
                    "convert the values with a migration ({modify}, after checking that every \
                     value converts: MySQL converts what it can and refuses or truncates the \
                     rest); {relink}"
                ));
            }
            let named: Vec<(&ForeignKey, String)> = change
                .foreign_keys
                .iter()
                .filter_map(|fk| fk.name.as_deref().map(|n| (fk, dialect.ident(n))))
                .collect();
            let mut statements = Vec::new();
            for (_, n) in &named {
                statements.push(format!("ALTER TABLE {t} DROP FOREIGN KEY {n}"));
            }
            statements.push(modify);
            for (fk, n) in &named {
                statements.push(format!(
                    "ALTER TABLE {t} ADD CONSTRAINT {n} {}",
                    foreign_key_clause(dialect, fk)
                ));
            }
            let around = if named.is_empty() {
                String::new()
            } else {
                let names: Vec<&str> = named
                    .iter()
                    .filter_map(|(fk, _)| fk.name.as_deref())
                    .collect();
                format!(
                    "MySQL refuses to change a column a foreign key uses, so the statements drop \
                     {} and add it back (restate its ON UPDATE if it has one; the table has no \
                     constraint in between); ",
                    names.join(", ")
                )
            };
            Fix::sql(
                statements,
                format!(
                    "{around}MODIFY restates the whole column: add its DEFAULT or COMMENT if it \
                     has one; {fails}{relink}"
                ),
            )
        }
    }
}

/// The `FOREIGN KEY … REFERENCES …` clause of an existing constraint.
fn foreign_key_clause(dialect: Dialect, fk: &ForeignKey) -> String {
    let list = |columns: &[String]| {
        columns
            .iter()
            .map(|c| dialect.ident(c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    // another schema's table is read as `schema.table`
    let referenced = fk.referenced_table.split_once('.').map_or_else(
        || dialect.ident(&fk.referenced_table),
        |(schema, table)| format!("{}.{}", dialect.ident(schema), dialect.ident(table)),
    );
    let on_delete = match fk.on_delete {
        OnDelete::NoAction => String::new(),
        action => format!(" ON DELETE {action}"),
    };
    format!(
        "FOREIGN KEY ({}) REFERENCES {referenced} ({}){on_delete}",
        list(&fk.columns),
        list(&fk.referenced_columns)
    )
}

/// `name TYPE [COLLATE c] [NOT NULL | NULL]` as the column is (or, with `nullable`, should
/// be). MySQL restates the collation (a `MODIFY` without it falls back to the table's);
/// SQLite names it when it is not the default `BINARY`.
fn column_definition(
    dialect: Dialect,
    name: &str,
    column: Option<&Column>,
    nullable: Option<bool>,
) -> String {
    let mut out = dialect.ident(name);
    if let Some(column) = column {
        if !column.sql_type.is_empty() {
            out.push(' ');
            out.push_str(&column.sql_type);
        }
        match (dialect, column.collation.as_deref()) {
            (Dialect::Mysql, Some(collation)) => {
                out.push_str(" COLLATE ");
                out.push_str(collation);
            }
            (Dialect::Sqlite, Some(collation)) if !collation.eq_ignore_ascii_case("BINARY") => {
                out.push_str(" COLLATE ");
                out.push_str(collation);
            }
            _ => {}
        }
        match nullable.unwrap_or(column.nullable) {
            false => out.push_str(" NOT NULL"),
            true if dialect == Dialect::Mysql => out.push_str(" NULL"),
            true => {}
        }
    }
    out
}

/// The table-rebuild procedure SQLite documents for schema changes `ALTER TABLE` cannot do.
fn sqlite_rebuild(table: &str, change: &str) -> String {
    format!(
        "{change}. Rebuild the table (https://www.sqlite.org/lang_altertable.html#otheralter): \
         PRAGMA foreign_keys = OFF; BEGIN; CREATE TABLE {table}_new (…the changed definition…); \
         INSERT INTO {table}_new SELECT * FROM {table}; DROP TABLE {table}; \
         ALTER TABLE {table}_new RENAME TO {table}; recreate its indexes and triggers; \
         PRAGMA foreign_key_check; COMMIT; PRAGMA foreign_keys = ON"
    )
}

fn truncate(dialect: Dialect, mut name: String) -> String {
    let max = dialect.max_ident();
    if name.len() > max {
        let mut end = max;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        name.truncate(end);
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_only_when_needed() {
        assert_eq!(Dialect::Postgres.ident("supplier_id"), "supplier_id");
        assert_eq!(Dialect::Postgres.ident("user"), "\"user\"");
        assert_eq!(Dialect::Sqlite.ident("Order Items"), "\"Order Items\"");
        assert_eq!(Dialect::Mysql.ident("order"), "`order`");
        assert_eq!(Dialect::Mysql.ident("a`b"), "`a``b`");
        assert_eq!(Dialect::Postgres.ident("2fa"), "\"2fa\"");
    }

    #[test]
    fn index_names_fit_the_backend_and_avoid_existing_ones() {
        let table = Table {
            name: "t".repeat(70),
            columns: Vec::new(),
            primary_key: Vec::new(),
            indexes: Vec::new(),
            foreign_keys: Vec::new(),
        };
        let fix = index(Dialect::Postgres, &table, &["k"], true);
        let name = fix.statements[0].split(' ').nth(3).unwrap();
        assert_eq!(name.len(), 63);

        let mut table = Table {
            name: "accounts".into(),
            ..table
        };
        // the name is taken by an index on other columns
        table.indexes.push(Index {
            name: "index_accounts_on_supplier_id".into(),
            columns: vec!["supplier_id".into(), "name".into()],
            unique: true,
            partial: false,
        });
        let fix = index(Dialect::Sqlite, &table, &["supplier_id"], true);
        assert_eq!(
            fix.statements,
            ["CREATE UNIQUE INDEX index_accounts_on_supplier_id_2 ON accounts (supplier_id)"]
        );
    }

    #[test]
    fn a_plain_index_is_replaced_under_its_name_and_column_order() {
        let table = Table {
            name: "images".into(),
            columns: Vec::new(),
            primary_key: vec!["id".into()],
            indexes: Vec::new(),
            foreign_keys: Vec::new(),
        };
        let plain = Index {
            name: "index_images_on_imageable".into(),
            columns: vec!["imageable_type".into(), "imageable_id".into()],
            unique: false,
            partial: false,
        };
        let fix = make_unique(Dialect::Postgres, &table, &plain);
        assert_eq!(
            fix.statements,
            [
                "DROP INDEX index_images_on_imageable",
                "CREATE UNIQUE INDEX index_images_on_imageable ON images (imageable_type, imageable_id)",
            ]
        );
        assert!(fix.note.unwrap().contains("one transaction"));
        let fix = make_unique(Dialect::Mysql, &table, &plain);
        assert_eq!(
            fix.statements,
            ["ALTER TABLE images DROP INDEX index_images_on_imageable, \
              ADD UNIQUE INDEX index_images_on_imageable (imageable_type, imageable_id)"]
        );
    }
}
