//! The checks: one association's [`Requirements`] against the tables read from the
//! database. Each check is a function over a [`Context`] appending its findings; they run
//! in the order of [`CHECKS`], after the tables and columns were found to exist.

use super::expect::{requirements, Requirements};
use super::fix::{self, Dialect, WantedForeignKey};
use super::report::{Finding, FindingKind};
use super::schema::{OnDelete, Table};
use crate::association::{Declaration, Dependent};

/// What a check sees: the declaration, its requirements and both tables (which exist and
/// have the required columns).
pub(crate) struct Context<'a> {
    pub dialect: Dialect,
    pub decl: &'a Declaration,
    pub req: &'a Requirements,
    pub target: &'a Table,
}

impl Context<'_> {
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

/// Every check, in report order.
const CHECKS: &[Check] = &[index, foreign_key, nullability];

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
    let (Some(_), Some(target)) = (owner, target) else {
        return findings;
    };
    let cx = Context {
        dialect,
        decl,
        req: &req,
        target,
    };
    for check in CHECKS {
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
            let why = if i.partial {
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
                "{}.{on} has no index{near}: every read of {}.{} scans {}",
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
    let Some(column) = t.column(req.column) else {
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
