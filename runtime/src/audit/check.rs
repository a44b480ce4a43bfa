//! The checks: one association's [`Requirements`] against the tables read from the
//! database. Each check is a function over a [`Context`] appending its findings; they run
//! in the order of [`CHECKS`], after the tables and columns were found to exist.

use super::expect::{requirements, Requirements};
use super::fix::{self, Dialect, WantedForeignKey};
use super::keys::{self, Mismatch};
use super::report::{Finding, FindingKind};
use super::schema::{Column, OnDelete, Table};
use crate::association::{Declaration, Dependent};

/// What a check sees: the declaration, its requirements and both tables (which exist and
/// have the required columns).
pub(crate) struct Context<'a> {
    pub dialect: Dialect,
    pub decl: &'a Declaration,
    pub req: &'a Requirements,
    pub owner: &'a Table,
    pub target: &'a Table,
    /// How the foreign key column differs from the owner key column, if it does.
    pub key_mismatch: Option<Mismatch>,
}

impl Context<'_> {
    /// The foreign key column as the fixes should leave it: its corrected type and
    /// collation when they differ from the owner key's, so that a later fix restating the
    /// column (MySQL's `MODIFY`, SQLite's rebuild) does not undo the key fix.
    fn foreign_key_column(&self) -> Option<&Column> {
        match &self.key_mismatch {
            Some(m) => Some(&m.wanted),
            None => self.target.column(self.decl.foreign_key),
        }
    }

    fn finding(
        &self,
        kind: FindingKind,
        column: Option<&'static str>,
        message: String,
        fix: fix::Fix,
    ) -> Finding {
        Finding {
            association: *self.decl,
            kind,
            table: self.decl.target_table,
            column,
            message,
            fix,
        }
    }
}

type Check = fn(&Context<'_>, &mut Vec<Finding>);

/// Every check, in report order (and so in the order the fix statements run). The key
/// types come first: the column changes before a unique index is built on it (under the
/// owner key's collation) and before a constraint is added (MySQL refuses one between
/// columns of different collations).
const CHECKS: &[Check] = &[key_types, index, foreign_key, nullability];

/// The order when the key fix must drop and re-add a MySQL foreign key on the column:
/// re-adding it renames the index MySQL generated for the constraint, which the index fix
/// replaces by name, so that fix runs before. (MySQL has no constraint between columns
/// of different collations, so a collation change never needs the index after it.)
const CHECKS_INDEX_FIRST: &[Check] = &[index, key_types, foreign_key, nullability];

/// The findings for `decl`, given its owner and target tables as read (`None`: missing).
pub(crate) fn declaration(
    dialect: Dialect,
    decl: &Declaration,
    owner: Option<&Table>,
    target: Option<&Table>,
) -> Vec<Finding> {
    let req = requirements(decl);
    let mut findings = presence(dialect, decl, &req, owner, target);
    if !findings.is_empty() {
        // The other checks would only repeat that something is missing.
        return findings;
    }
    let (Some(owner), Some(target)) = (owner, target) else {
        return findings;
    };
    let key_mismatch = match (
        owner.column(decl.owner_key),
        target.column(decl.foreign_key),
    ) {
        (Some(owner_key), Some(foreign_key)) => keys::compare(dialect, owner_key, foreign_key),
        _ => None,
    };
    let cx = Context {
        dialect,
        decl,
        req: &req,
        owner,
        target,
        key_mismatch,
    };
    let readds_foreign_key = dialect == Dialect::Mysql
        && cx.key_mismatch.as_ref().is_some_and(|m| m.convertible)
        && target
            .foreign_keys
            .iter()
            .any(|fk| fk.columns.iter().any(|c| c == decl.foreign_key));
    let checks = if readds_foreign_key {
        CHECKS_INDEX_FIRST
    } else {
        CHECKS
    };
    for check in checks {
        check(&cx, &mut findings);
    }
    findings
}

/// The tables and columns the association uses exist.
fn presence(
    dialect: Dialect,
    decl: &Declaration,
    req: &Requirements,
    owner: Option<&Table>,
    target: Option<&Table>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut tables = vec![(decl.owner_table, owner, "owner")];
    if decl.target_table != decl.owner_table {
        tables.push((decl.target_table, target, "target"));
    }
    for (name, table, role) in tables {
        if table.is_none() {
            findings.push(Finding {
                association: *decl,
                kind: FindingKind::MissingTable,
                table: name,
                column: None,
                message: format!(
                    "the {role} table {name} does not exist in this {} database",
                    dialect
                ),
                fix: fix::Fix {
                    statements: Vec::new(),
                    note: Some(format!(
                        "create {name} (run the migrations), or audit only the associations \
                         of this database with `audit_declarations` or `audit_where`"
                    )),
                },
            });
        }
    }
    for &(table_name, column) in &req.columns {
        let table = if table_name == decl.owner_table {
            owner
        } else {
            target
        };
        if let Some(table) = table {
            if table.column(column).is_none() {
                findings.push(Finding {
                    association: *decl,
                    kind: FindingKind::MissingColumn,
                    table: table_name,
                    column: Some(column),
                    message: format!(
                        "{table_name} has no column {column}, which {}.{} uses as {}",
                        decl.owner,
                        decl.name,
                        if column == decl.foreign_key && table_name == decl.target_table {
                            "its foreign key"
                        } else {
                            "the owner's key"
                        }
                    ),
                    fix: fix::Fix {
                        statements: Vec::new(),
                        note: Some(format!(
                            "add the column with a migration, or fix `foreign_key`/`primary_key` \
                             in #[has_one({} …)]",
                            decl.name
                        )),
                    },
                });
            }
        }
    }
    findings
}

/// The foreign key column compares keys exactly as the owner key column does (see
/// `audit::keys`): one finding listing every difference.
fn key_types(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(mismatch) = &cx.key_mismatch else {
        return;
    };
    let (Some(owner_key), Some(fk)) = (
        cx.owner.column(cx.decl.owner_key),
        cx.target.column(cx.decl.foreign_key),
    ) else {
        return;
    };
    let reasons: Vec<String> = mismatch
        .problems
        .iter()
        .map(|p| keys::explain(cx.dialect, p, owner_key, fk))
        .collect();
    let message = format!(
        "the foreign key {}.{} ({}) does not compare keys as the owner key {}.{} ({}) does: {}",
        cx.target.name,
        fk.name,
        keys::describe(cx.dialect, fk),
        cx.owner.name,
        owner_key.name,
        keys::describe(cx.dialect, owner_key),
        reasons.join("; ")
    );
    // the foreign keys on the column, as MySQL's fix re-adds them: the association's own
    // with the ON DELETE the foreign key check's fix declares when its action is wrong
    let foreign_keys = cx
        .target
        .foreign_keys
        .iter()
        .filter(|k| k.columns.iter().any(|c| c == cx.decl.foreign_key))
        .map(|k| {
            let mut k = k.clone();
            if let Some(req) = &cx.req.foreign_key {
                if k.is_from_to(req.column, req.referenced, req.referenced_column)
                    && !req.accepted.contains(&k.on_delete)
                {
                    k.on_delete = req.preferred;
                }
            }
            k
        })
        .collect();
    let change = fix::KeyChange {
        table: cx.target,
        current: fk,
        wanted: &mismatch.wanted,
        convertible: mismatch.convertible,
        owner_table: &cx.owner.name,
        owner_key: &owner_key.name,
        foreign_keys,
    };
    out.push(cx.finding(
        FindingKind::KeyMismatch,
        Some(cx.decl.foreign_key),
        message,
        fix::change_key_column(cx.dialect, &change),
    ));
}

/// A unique index on exactly the foreign key's columns (or, for a plain requirement, any
/// index whose leading columns are they), in any order: uniqueness and equality lookups
/// do not depend on the order, and Rails' polymorphic `t.references` indexes
/// `(imageable_type, imageable_id)`. The primary key counts as a unique index.
fn index(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let req = &cx.req.index;
    let t = cx.target;
    let cols = &req.columns;
    let on = cols.join(", ");
    let serves = |key: &[String]| {
        if req.unique {
            same_columns(key, cols)
        } else {
            key.len() >= cols.len() && same_columns(&key[..cols.len()], cols)
        }
    };
    let satisfied = serves(&t.primary_key)
        || t.indexes
            .iter()
            .any(|i| !i.partial && (i.unique || !req.unique) && serves(&i.columns));
    if satisfied {
        return;
    }
    // Indexes that involve the columns but do not satisfy the requirement, to explain why.
    let near: Vec<String> = t
        .indexes
        .iter()
        .filter(|i| cols.iter().any(|c| i.columns.iter().any(|ic| ic == c)))
        .map(|i| {
            let why = if !req.unique && !serves(&i.columns) {
                "does not start with them, so no read can seek by it"
            } else if i.partial {
                "is partial, so it does not constrain every row"
            } else if !i.unique {
                "is not unique"
            } else {
                "is unique only on the combination of its columns"
            };
            format!(
                "the {}index {} on ({}) {why}",
                if i.unique { "unique " } else { "" },
                i.name,
                i.columns.join(", ")
            )
        })
        .collect();
    let near = if near.is_empty() {
        String::new()
    } else {
        format!(" ({})", near.join("; "))
    };
    let (kind, message) = if req.unique {
        (
            FindingKind::MissingUniqueIndex,
            format!(
                "{}.{on} has no unique index{near}: nothing in the database stops a second {} row \
                 for the same {} row (an INSERT that bypasses the association, a concurrent \
                 writer), and {}.{} then reads only one of them",
                t.name, t.name, cx.decl.owner_table, cx.decl.owner, cx.decl.name
            ),
        )
    } else {
        (
            FindingKind::MissingIndex,
            format!(
                "{}.{on} has no index{near}: every read of {}.{} scans {} (the reader, preload \
                 and eager load look up each owner's rows by an index that starts with {on})",
                t.name, cx.decl.owner, cx.decl.name, t.name
            ),
        )
    };
    out.push(cx.finding(
        kind,
        cols.first().copied().filter(|_| cols.len() == 1),
        message,
        index_fix(cx, cols, req.unique),
    ));
}

/// Whether `key` consists of exactly `columns`, in any order.
fn same_columns(key: &[String], columns: &[&str]) -> bool {
    key.len() == columns.len()
        && columns.iter().all(|c| key.iter().any(|k| k == c))
        && key.iter().all(|k| columns.contains(&k.as_str()))
}

/// Creates the missing index; a unique one replaces a plain index on the same columns
/// (any order), keeping its name and column order, rather than adding a second index
/// beside it.
fn index_fix(cx: &Context<'_>, cols: &[&str], unique: bool) -> fix::Fix {
    let t = cx.target;
    let plain = t
        .indexes
        .iter()
        .find(|i| unique && !i.unique && !i.partial && same_columns(&i.columns, cols));
    match plain {
        Some(existing) => fix::make_unique(cx.dialect, t, existing),
        None => fix::index(cx.dialect, t, cols, unique),
    }
}

/// A foreign key constraint to the owner's key whose `ON DELETE` agrees with `dependent`.
fn foreign_key(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(req) = &cx.req.foreign_key else {
        return;
    };
    let t = cx.target;
    let wanted = WantedForeignKey {
        table: t,
        column: req.column,
        referenced: req.referenced,
        referenced_column: req.referenced_column,
        on_delete: req.preferred,
    };
    let matching: Vec<_> = t
        .foreign_keys
        .iter()
        .filter(|fk| fk.is_from_to(req.column, req.referenced, req.referenced_column))
        .collect();
    let target = format!("{}.{}", req.referenced, req.referenced_column);
    if matching.is_empty() {
        let other: Vec<String> = t
            .foreign_keys
            .iter()
            .filter(|fk| fk.columns.iter().any(|c| c == req.column))
            .map(|fk| {
                format!(
                    "the foreign key {}({}) references {}({}) instead",
                    fk.name.as_deref().unwrap_or(""),
                    fk.columns.join(", "),
                    fk.referenced_table,
                    fk.referenced_columns.join(", ")
                )
            })
            .collect();
        let other = if other.is_empty() {
            String::new()
        } else {
            format!(" ({})", other.join("; "))
        };
        out.push(cx.finding(
            FindingKind::MissingForeignKey,
            Some(req.column),
            format!(
                "{}.{} has no foreign key constraint to {target}{other}: the database accepts a \
                 {} row whose {} does not exist, and a plain DELETE of a {} row leaves its {} \
                 row pointing nowhere",
                t.name, req.column, t.name, req.referenced, req.referenced, t.name
            ),
            fix::foreign_key(cx.dialect, &wanted, None),
        ));
        return;
    }
    if matching
        .iter()
        .any(|fk| req.accepted.contains(&fk.on_delete))
    {
        return;
    }
    let fk = matching[0];
    let accepted = req
        .accepted
        .iter()
        .map(|a| a.sql())
        .collect::<Vec<_>>()
        .join(", ");
    out.push(cx.finding(
        FindingKind::OnDeleteInconsistent,
        Some(req.column),
        format!(
            "the foreign key {}.{} → {target} is ON DELETE {}: a DELETE on {} outside \
             the association (plain SQL, another application) makes the database {}, but {}.{} \
             declares {}{}. Consistent with this dependent: {accepted}",
            t.name,
            req.column,
            fk.on_delete,
            req.referenced,
            database_effect(fk.on_delete, &t.name, req.column),
            cx.decl.owner,
            cx.decl.name,
            declared_effect(cx.decl.dependent, &t.name),
            extra_effect(cx.decl.dependent, fk.on_delete),
        ),
        fix::foreign_key(cx.dialect, &wanted, Some(fk)),
    ));
}

fn database_effect(action: OnDelete, table: &str, column: &str) -> String {
    match action {
        OnDelete::Cascade => format!("delete the linked {table} rows"),
        OnDelete::SetNull => format!("set {table}.{column} to NULL"),
        OnDelete::SetDefault => format!("set {table}.{column} to its default"),
        OnDelete::NoAction | OnDelete::Restrict => "refuse".into(),
    }
}

fn declared_effect(dependent: Dependent, table: &str) -> String {
    match dependent {
        Dependent::None => format!("no `dependent`, which leaves the {table} row as it is"),
        Dependent::Destroy => format!(
            "`dependent = \"destroy\"`, which destroys the {table} row through its destroy hooks \
             and its own dependents"
        ),
        Dependent::Delete => format!("`dependent = \"delete\"`, which deletes the {table} row"),
        Dependent::Nullify => {
            format!("`dependent = \"nullify\"`, which keeps the {table} row with a NULL key")
        }
        Dependent::RestrictWithException | Dependent::RestrictWithError => format!(
            "`dependent = \"restrict_…\"`, which refuses to delete an owner that has a {table} row"
        ),
        Dependent::DestroyAsync => format!(
            "`dependent = \"destroy_async\"`, which deletes the owner first and destroys the {table} row later in a job"
        ),
    }
}

fn extra_effect(dependent: Dependent, action: OnDelete) -> &'static str {
    match (dependent, action) {
        (Dependent::Destroy, OnDelete::Cascade) => {
            " (CASCADE skips the hooks and dependents: the database deletes the row itself)"
        }
        _ => "",
    }
}

/// The foreign key column's nullability in the database agrees with `table!` (and with
/// `dependent = "nullify"`, which needs NULL).
fn nullability(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let req = &cx.req.nullability;
    let t = cx.target;
    let Some(column) = cx.foreign_key_column() else {
        return;
    };
    if column.nullable == req.nullable {
        return;
    }
    let name = format!("{}.{}", t.name, req.column);
    let message = if req.nullable {
        let consequence = match cx.decl.dependent {
            Dependent::Nullify => {
                "`dependent = \"nullify\"` sets it to NULL when the owner is destroyed or the row \
                 replaced, which the database refuses (a NOT NULL violation)"
                    .to_owned()
            }
            Dependent::None => {
                "replacing the row nullifies the old one (no `dependent`), which the database \
                 refuses (a NOT NULL violation) instead of the association's CannotNullify error"
                    .to_owned()
            }
            _ => "the association's compile-time checks rely on `table!`".to_owned(),
        };
        format!(
            "`table!` declares {name} Nullable, but the database column is NOT NULL: {consequence}; \
             make the column nullable, or declare it without `Nullable` in `table!` (and pick \
             another `dependent` than nullify)"
        )
    } else {
        format!(
            "`table!` declares {name} NOT NULL, but the database column accepts NULL: a row with a \
             NULL {} fails to load into {} (a deserialization error); make the column NOT NULL, \
             or declare it `Nullable<…>` in `table!`",
            req.column, cx.decl.target
        )
    };
    out.push(cx.finding(
        FindingKind::NullableMismatch,
        Some(req.column),
        message,
        fix::set_nullable(cx.dialect, &t.name, column, req.nullable),
    ));
}
