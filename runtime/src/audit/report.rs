//! What the audit found: structured [`Finding`]s for assertions and tools, and a readable
//! text (`Display`) listing each finding with the SQL that fixes it.

use std::fmt;

use super::fix::{Dialect, Fix};
use crate::association::{Declaration, Dependent};

/// What is wrong with the schema of one association.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FindingKind {
    /// No unique index on exactly the foreign key's columns (in any order): the
    /// database lets one owner have several rows. A non-unique index, a unique index on
    /// more columns or a partial one does not count.
    MissingUniqueIndex,
    /// No index (unique or not) whose leading columns are the ones the association reads
    /// by (in any order).
    /// For associations that need only a plain index.
    MissingIndex,
    /// No foreign key constraint from the foreign key column to the owner's key.
    MissingForeignKey,
    /// The foreign key's `ON DELETE` does something the declared `dependent` does not
    /// (see the module docs for the rule).
    OnDeleteInconsistent,
    /// `table!` and the database disagree on whether the foreign key is nullable, or
    /// `dependent = "nullify"` meets a NOT NULL column.
    NullableMismatch,
    /// The foreign key column does not compare keys as the owner key column does: a
    /// different collation (a case-insensitive foreign key for a case-sensitive key:
    /// owners alias each other), a different kind of type (text for an integer key), or
    /// a type that holds fewer keys (a shorter `VARCHAR`, a smaller integer type, so
    /// longer keys are refused or truncated). A foreign key that holds more (a longer
    /// `VARCHAR`, a wider integer) is not reported: it cannot alias. Collations are
    /// compared by name (see the module docs).
    KeyMismatch,
    /// A table the association uses does not exist.
    MissingTable,
    /// A column the association uses does not exist.
    MissingColumn,
}

impl FindingKind {
    /// A short description (`"missing unique index"`).
    pub fn title(self) -> &'static str {
        match self {
            FindingKind::MissingUniqueIndex => "missing unique index",
            FindingKind::MissingIndex => "missing index",
            FindingKind::MissingForeignKey => "missing foreign key",
            FindingKind::OnDeleteInconsistent => "ON DELETE inconsistent with dependent",
            FindingKind::NullableMismatch => "nullability mismatch",
            FindingKind::KeyMismatch => "key type or collation mismatch",
            FindingKind::MissingTable => "missing table",
            FindingKind::MissingColumn => "missing column",
        }
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.title())
    }
}

/// One problem in the schema of one association.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The association (its `owner` and `name` identify it).
    pub association: Declaration,
    /// What is wrong.
    pub kind: FindingKind,
    /// The table concerned (usually the target's).
    pub table: &'static str,
    /// The column concerned, if the finding is about one.
    pub column: Option<&'static str>,
    /// What is wrong and what it lets happen, in a sentence or two.
    pub message: String,
    /// How to fix it on the audited backend.
    pub fix: Fix,
}

impl Finding {
    /// `Owner.name`, as the report prints the association (`"Supplier.account"`).
    pub fn association_name(&self) -> String {
        format!("{}.{}", self.association.owner, self.association.name)
    }
}

/// The outcome of an audit: the associations checked and what was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The audited backend, whose dialect the fix statements are written in.
    pub dialect: Dialect,
    /// The associations checked, in order.
    pub checked: Vec<Declaration>,
    /// Every finding, by association (in [`checked`](Self::checked) order) then by check.
    pub findings: Vec<Finding>,
}

impl Report {
    /// Whether nothing was found.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }

    /// The findings about the association `owner.name` (`("Supplier", "account")`).
    pub fn findings_for(&self, owner: &str, name: &str) -> Vec<&Finding> {
        self.findings
            .iter()
            .filter(|f| f.association.owner == owner && f.association.name == name)
            .collect()
    }

    /// Every fix statement of every finding, in order, each once (two associations over
    /// the same tables share their fixes). Findings without statements (see
    /// [`Fix::note`]) need manual steps.
    pub fn fix_sql(&self) -> Vec<String> {
        let mut all: Vec<String> = Vec::new();
        for statement in self.findings.iter().flat_map(|f| &f.fix.statements) {
            if !all.contains(statement) {
                all.push(statement.clone());
            }
        }
        all
    }

    /// Panics with this report as the message when it has findings.
    #[track_caller]
    pub fn assert_clean(&self) {
        if !self.is_clean() {
            panic!("{self}");
        }
    }
}

fn dependent_name(dependent: Dependent) -> &'static str {
    match dependent {
        Dependent::None => "none",
        Dependent::Destroy => "destroy",
        Dependent::Delete => "delete",
        Dependent::Nullify => "nullify",
        Dependent::RestrictWithException => "restrict_with_exception",
        Dependent::RestrictWithError => "restrict_with_error",
        Dependent::DestroyAsync => "destroy_async",
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let associations = match self.checked.len() {
            1 => "1 has_one association".to_owned(),
            n => format!("{n} has_one associations"),
        };
        if self.is_clean() {
            return writeln!(
                f,
                "diesel_has_one schema audit ({}): {associations} checked, no findings",
                self.dialect
            );
        }
        let findings = match self.findings.len() {
            1 => "1 finding".to_owned(),
            n => format!("{n} findings"),
        };
        writeln!(
            f,
            "diesel_has_one schema audit ({}): {associations} checked, {findings}",
            self.dialect
        )?;
        for (i, finding) in self.findings.iter().enumerate() {
            let a = &finding.association;
            writeln!(
                f,
                "\n{}. {} ({} → {}.{}, dependent = {}): {}",
                i + 1,
                finding.association_name(),
                a.owner_table,
                a.target_table,
                a.foreign_key,
                dependent_name(a.dependent),
                finding.kind
            )?;
            writeln!(f, "   {}", finding.message)?;
            if !finding.fix.statements.is_empty() {
                writeln!(f, "   fix:")?;
                for statement in &finding.fix.statements {
                    writeln!(f, "     {statement};")?;
                }
            }
            if let Some(note) = &finding.fix.note {
                let label = if finding.fix.statements.is_empty() {
                    "fix"
                } else {
                    "note"
                };
                writeln!(f, "   {label}: {note}")?;
            }
        }
        let sql = self.fix_sql();
        if !sql.is_empty() {
            writeln!(f, "\nAll fix statements ({}):", self.dialect)?;
            for statement in sql {
                writeln!(f, "  {statement};")?;
            }
        }
        Ok(())
    }
}
