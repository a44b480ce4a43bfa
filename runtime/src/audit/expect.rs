//! What one declaration requires of the schema, derived from the [`Declaration`] alone.
//!
//! This is the one place that reads the declaration's options; the checks compare these
//! requirements with the live schema. A new option changes the requirements here, not the
//! checks: a polymorphic association adds its type column to `columns` and the index
//! (and has no foreign key constraint); a scoped association needs only a plain index
//! (`index.unique = false`).

use super::schema::OnDelete;
use crate::association::{Declaration, Dependent};

/// The requirements of one association.
pub(crate) struct Requirements {
    /// Columns that must exist: `(table, column)`.
    pub columns: Vec<(&'static str, &'static str)>,
    /// The index on the target table the association reads by.
    pub index: IndexRequirement,
    /// The foreign key constraint, when the association can have one.
    pub foreign_key: Option<ForeignKeyRequirement>,
    /// The nullability the foreign key column must have.
    pub nullability: NullabilityRequirement,
}

/// An index on exactly `columns` (unique), or whose leading columns are they (plain), in
/// any order.
pub(crate) struct IndexRequirement {
    pub columns: Vec<&'static str>,
    pub unique: bool,
}

/// A foreign key constraint `column → referenced(referenced_column)`.
pub(crate) struct ForeignKeyRequirement {
    pub column: &'static str,
    pub referenced: &'static str,
    pub referenced_column: &'static str,
    /// The `ON DELETE` actions consistent with the declared `dependent`.
    pub accepted: &'static [OnDelete],
    /// The action a fix statement declares.
    pub preferred: OnDelete,
}

/// The foreign key column's nullability per `table!`.
pub(crate) struct NullabilityRequirement {
    pub column: &'static str,
    pub nullable: bool,
}

/// The rule of the module docs: the database may refuse the delete (`NO ACTION`,
/// `RESTRICT`) or do exactly what the declared `dependent` does (`CASCADE` for `delete`,
/// `SET NULL` for `nullify`); anything else differs from the declaration.
pub(crate) fn on_delete_rule(dependent: Dependent) -> (&'static [OnDelete], OnDelete) {
    use OnDelete::*;
    match dependent {
        Dependent::Delete => (&[NoAction, Restrict, Cascade], Cascade),
        Dependent::Nullify => (&[NoAction, Restrict, SetNull], SetNull),
        // The owner row goes before its targets (the job destroys them later by primary
        // key): a constraint must let it go without touching them, as Rails warns.
        Dependent::DestroyAsync => (&[SetNull], SetNull),
        Dependent::None
        | Dependent::Destroy
        | Dependent::RestrictWithException
        | Dependent::RestrictWithError => (&[NoAction, Restrict], NoAction),
    }
}

/// The requirements of `decl`.
pub(crate) fn requirements(decl: &Declaration) -> Requirements {
    let (accepted, preferred) = on_delete_rule(decl.dependent);
    let mut columns = vec![
        (decl.owner_table, decl.owner_key),
        (decl.target_table, decl.foreign_key),
    ];
    let mut index_columns = vec![decl.foreign_key];
    if let Some(foreign_type) = decl.foreign_type {
        columns.push((decl.target_table, foreign_type));
        index_columns.push(foreign_type);
    }
    Requirements {
        columns,
        // A polymorphic association is unique on (id, type); a scoped one picks among
        // several rows, so a plain index serves its reads.
        index: IndexRequirement {
            columns: index_columns,
            unique: !decl.scoped,
        },
        // The id of a polymorphic association points into several tables: no constraint.
        foreign_key: decl
            .foreign_type
            .is_none()
            .then_some(ForeignKeyRequirement {
                column: decl.foreign_key,
                referenced: decl.owner_table,
                referenced_column: decl.owner_key,
                accepted,
                preferred,
            }),
        nullability: NullabilityRequirement {
            column: decl.foreign_key,
            nullable: decl.foreign_key_nullable,
        },
    }
}
