//! Whether the foreign key column compares keys exactly as the owner key column does:
//! the same kind of type, a range and length that hold every owner key, and the same
//! collation.
//!
//! The association reads, replaces and destroys by `foreign_key = <owner key value>`,
//! compared by the foreign key column's type and collation. When those differ from the
//! owner key's, keys the owner key tells apart can be equal in the foreign key (a
//! case-insensitive collation makes `casekey`'s `destroy` delete `CaseKey`'s row, a
//! text foreign key for an integer key makes `'007'` and `'7'` the same owner), and keys
//! the owner key holds may not fit in the foreign key (refused or truncated, and then
//! aliased).
//!
//! A foreign key that holds *more* than the owner key (`VARCHAR(255)` for a
//! `VARCHAR(50)` key, `BIGINT` for an `INTEGER` key) cannot alias and is not reported;
//! everything else is a [`FindingKind::KeyMismatch`](super::FindingKind::KeyMismatch),
//! like every other finding a defect to fix rather than a warning.

use super::fix::Dialect;
use super::schema::Column;

/// What a key type compares as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Class {
    /// An integer type holding `min..=max`.
    Integer { min: i128, max: i128 },
    /// A character string; `padded` for blank-padded `CHAR(n)`.
    Text { padded: bool },
    /// A byte string; `padded` for zero-padded `BINARY(n)`.
    Bytes { padded: bool },
    /// Anything else, by type name (or SQLite affinity).
    Other(String),
}

impl Class {
    fn same_kind(&self, other: &Class) -> bool {
        match (self, other) {
            (Class::Integer { .. }, Class::Integer { .. })
            | (Class::Text { .. }, Class::Text { .. })
            | (Class::Bytes { .. }, Class::Bytes { .. }) => true,
            (Class::Other(a), Class::Other(b)) => a == b,
            _ => false,
        }
    }

    fn padded(&self) -> bool {
        matches!(
            self,
            Class::Text { padded: true } | Class::Bytes { padded: true }
        )
    }
}

/// SQLite's type affinity of a declared type (<https://www.sqlite.org/datatype3.html>,
/// section 3.1), which decides how a stored value is converted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Affinity {
    Integer,
    Text,
    Blob,
    Real,
    Numeric,
}

impl Affinity {
    pub(crate) fn of(declared: &str) -> Affinity {
        let t = declared.to_ascii_uppercase();
        if t.contains("INT") {
            Affinity::Integer
        } else if ["CHAR", "CLOB", "TEXT"].iter().any(|k| t.contains(k)) {
            Affinity::Text
        } else if t.contains("BLOB") || t.trim().is_empty() {
            Affinity::Blob
        } else if ["REAL", "FLOA", "DOUB"].iter().any(|k| t.contains(k)) {
            Affinity::Real
        } else {
            Affinity::Numeric
        }
    }

    fn name(self) -> &'static str {
        match self {
            Affinity::Integer => "INTEGER",
            Affinity::Text => "TEXT",
            Affinity::Blob => "BLOB",
            Affinity::Real => "REAL",
            Affinity::Numeric => "NUMERIC",
        }
    }
}

fn signed(bits: u32) -> Class {
    Class::Integer {
        min: -(1i128 << (bits - 1)),
        max: (1i128 << (bits - 1)) - 1,
    }
}

fn unsigned(bits: u32) -> Class {
    Class::Integer {
        min: 0,
        max: (1i128 << bits) - 1,
    }
}

/// How `column` compares on `dialect`.
pub(crate) fn class(dialect: Dialect, column: &Column) -> Class {
    let name = column.type_name.as_str();
    match dialect {
        Dialect::Sqlite => match Affinity::of(&column.sql_type) {
            Affinity::Integer => signed(64),
            Affinity::Text => Class::Text { padded: false },
            other => Class::Other(other.name().to_owned()),
        },
        Dialect::Postgres => match name {
            "int2" => signed(16),
            "int4" => signed(32),
            "int8" => signed(64),
            "varchar" | "text" => Class::Text { padded: false },
            "bpchar" => Class::Text { padded: true },
            "bytea" => Class::Bytes { padded: false },
            _ => Class::Other(name.to_owned()),
        },
        Dialect::Mysql => {
            let (base, is_unsigned) = match name.strip_suffix(" unsigned") {
                Some(base) => (base, true),
                None => (name, false),
            };
            let bits = match base {
                "tinyint" => Some(8),
                "smallint" => Some(16),
                "mediumint" => Some(24),
                "int" | "integer" => Some(32),
                "bigint" => Some(64),
                _ => None,
            };
            match (bits, is_unsigned) {
                (Some(bits), false) => signed(bits),
                (Some(bits), true) => unsigned(bits),
                (None, _) => match base {
                    "char" => Class::Text { padded: true },
                    "varchar" | "tinytext" | "text" | "mediumtext" | "longtext" => {
                        Class::Text { padded: false }
                    }
                    "binary" => Class::Bytes { padded: true },
                    "varbinary" | "tinyblob" | "blob" | "mediumblob" | "longblob" => {
                        Class::Bytes { padded: false }
                    }
                    _ => Class::Other(name.to_owned()),
                },
            }
        }
    }
}

/// One way the foreign key differs from the owner key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Problem {
    /// Different kinds of type (integer against string, different SQLite affinities,
    /// two unrelated types): comparing converts one to the other.
    Type,
    /// One is blank- (or zero-) padded, the other not.
    Padding,
    /// The foreign key's integer type holds a smaller range.
    Range,
    /// The foreign key holds fewer characters: `fk` against `owner` (`None`: unbounded).
    Length { fk: u64, owner: Option<u64> },
    /// Different collations.
    Collation,
}

/// How the foreign key column differs from the owner key column, and what it should be.
#[derive(Debug, Clone)]
pub(crate) struct Mismatch {
    pub problems: Vec<Problem>,
    /// The foreign key column as it should be: the owner key's type when the type is
    /// the problem (its own type otherwise, so that a longer foreign key stays longer),
    /// the owner key's collation, its own name and nullability.
    pub wanted: Column,
    /// Whether an `ALTER` can make the change without converting values between kinds
    /// of type (only [`Problem::Type`] needs a hand-written conversion).
    pub convertible: bool,
}

/// How `fk` differs from `owner`, `None` when it compares keys exactly as `owner` does.
pub(crate) fn compare(dialect: Dialect, owner: &Column, fk: &Column) -> Option<Mismatch> {
    let (oc, fc) = (class(dialect, owner), class(dialect, fk));
    let mut problems = Vec::new();
    if !oc.same_kind(&fc) {
        problems.push(Problem::Type);
    } else {
        if oc.padded() != fc.padded() {
            problems.push(Problem::Padding);
        }
        if let (
            Class::Integer { min, max },
            Class::Integer {
                min: fmin,
                max: fmax,
            },
        ) = (&oc, &fc)
        {
            if fmin > min || fmax < max {
                problems.push(Problem::Range);
            }
        }
        if let Some(n) = fk.max_length {
            if owner.max_length.is_none_or(|m| n < m) {
                problems.push(Problem::Length {
                    fk: n,
                    owner: owner.max_length,
                });
            }
        }
    }
    let collation = match (&owner.collation, &fk.collation) {
        (Some(o), Some(f)) => o != f,
        _ => false,
    };
    if collation {
        problems.push(Problem::Collation);
    }
    if problems.is_empty() {
        return None;
    }
    let retype = problems.iter().any(|p| *p != Problem::Collation);
    let mut wanted = fk.clone();
    if retype {
        wanted.sql_type = owner.sql_type.clone();
        wanted.type_name = owner.type_name.clone();
        wanted.max_length = owner.max_length;
        wanted.collation = owner.collation.clone();
    } else {
        wanted.collation = owner.collation.clone();
    }
    Some(Mismatch {
        convertible: !problems.contains(&Problem::Type),
        problems,
        wanted,
    })
}

/// `varchar(50) COLLATE utf8mb4_bin`, as the message names a column's type.
pub(crate) fn describe(dialect: Dialect, column: &Column) -> String {
    let mut out = if column.sql_type.is_empty() {
        "no declared type".to_owned()
    } else {
        column.sql_type.clone()
    };
    // SQLite gives every column a collation; BINARY on a non-text column says nothing
    let implied = dialect == Dialect::Sqlite
        && column.collation.as_deref() == Some("BINARY")
        && Affinity::of(&column.sql_type) != Affinity::Text;
    if let Some(collation) = column.collation.as_ref().filter(|_| !implied) {
        out.push_str(" COLLATE ");
        out.push_str(&collation_sql(dialect, collation));
    }
    out
}

/// A collation name as the dialect writes it after `COLLATE` (PostgreSQL quotes it:
/// `"C"`, `"default"` and ICU names need the quotes).
pub(crate) fn collation_sql(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::Postgres => format!("\"{}\"", name.replace('"', "\"\"")),
        Dialect::Mysql | Dialect::Sqlite => name.to_owned(),
    }
}

/// The sentence explaining `problem`, between the foreign key `fk` and the owner key
/// `owner`.
pub(crate) fn explain(dialect: Dialect, problem: &Problem, owner: &Column, fk: &Column) -> String {
    let types = |c: &Column| {
        if dialect == Dialect::Sqlite {
            format!("{} affinity", Affinity::of(&c.sql_type).name())
        } else if c.sql_type.is_empty() {
            "no type".to_owned()
        } else {
            c.sql_type.clone()
        }
    };
    match problem {
        Problem::Type => format!(
            "they have different {} ({} against {}): comparing a key with the foreign key \
             converts it, so distinct keys can compare equal ('007' and '7' as numbers) or a \
             key cannot be stored",
            if dialect == Dialect::Sqlite {
                "type affinities"
            } else {
                "types"
            },
            types(fk),
            types(owner)
        ),
        Problem::Padding => format!(
            "one is padded to its length and the other is not ({} against {}): keys that \
             differ in trailing spaces are stored or compared differently",
            fk.sql_type, owner.sql_type
        ),
        Problem::Range => format!(
            "the foreign key's type holds a smaller range of integers ({} against {}): an \
             owner key outside it cannot be stored (the write is refused)",
            fk.sql_type, owner.sql_type
        ),
        Problem::Length { fk: n, owner: m } => {
            let owner_len = match m {
                Some(m) => format!("the owner key up to {m}"),
                None => "the owner key any length".to_owned(),
            };
            let sqlite = if dialect == Dialect::Sqlite {
                " (SQLite does not enforce declared lengths and stores the key whole, but the \
                 declarations disagree and any other backend would not)"
            } else {
                ""
            };
            format!(
                "the foreign key holds at most {n} characters and {owner_len}: a longer key is \
                 refused or truncated, and truncated keys alias each other{sqlite}"
            )
        }
        Problem::Collation => {
            let both = format!(
                "{} against {}",
                fk.collation
                    .as_deref()
                    .map(|c| collation_sql(dialect, c))
                    .unwrap_or_default(),
                owner
                    .collation
                    .as_deref()
                    .map(|c| collation_sql(dialect, c))
                    .unwrap_or_default()
            );
            let postgres = if dialect == Dialect::Postgres {
                "; PostgreSQL also cannot compare the two columns with each other (a join on \
                 them fails: could not determine which collation to use)"
            } else {
                ""
            };
            format!(
                "they compare by different collations ({both}): keys the owner key tells apart \
                 can be equal in the foreign key ('CaseKey' and 'casekey' under a \
                 case-insensitive collation), so one owner reads, replaces or destroys another \
                 owner's row{postgres}"
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(sql_type: &str, type_name: &str, max: Option<u64>, coll: Option<&str>) -> Column {
        Column {
            name: "k".into(),
            sql_type: sql_type.into(),
            type_name: type_name.into(),
            max_length: max,
            collation: coll.map(Into::into),
            nullable: true,
        }
    }

    #[test]
    fn sqlite_affinity_follows_the_documented_rules() {
        assert_eq!(Affinity::of("INTEGER"), Affinity::Integer);
        assert_eq!(Affinity::of("UNSIGNED BIG INT"), Affinity::Integer);
        assert_eq!(Affinity::of("VARCHAR(50)"), Affinity::Text);
        assert_eq!(Affinity::of(""), Affinity::Blob);
        assert_eq!(Affinity::of("DOUBLE PRECISION"), Affinity::Real);
        assert_eq!(Affinity::of("DECIMAL(10,5)"), Affinity::Numeric);
    }

    #[test]
    fn a_wider_foreign_key_is_not_a_mismatch() {
        let owner = column("int(11)", "int", None, None);
        let fk = column("bigint(20)", "bigint", None, None);
        assert!(compare(Dialect::Mysql, &owner, &fk).is_none());
        let fk = column("int(10) unsigned", "int unsigned", None, None);
        let m = compare(Dialect::Mysql, &owner, &fk).unwrap();
        assert_eq!(m.problems, [Problem::Range]);
        assert_eq!(m.wanted.sql_type, "int(11)");

        let owner = column("character varying(50)", "varchar", Some(50), Some("C"));
        let fk = column("text", "text", None, Some("C"));
        assert!(compare(Dialect::Postgres, &owner, &fk).is_none());
        let m = compare(Dialect::Postgres, &fk, &owner).unwrap();
        assert_eq!(
            m.problems,
            [Problem::Length {
                fk: 50,
                owner: None
            }]
        );
    }

    #[test]
    fn a_collation_change_keeps_the_longer_type() {
        let owner = column("varchar(50)", "varchar", Some(50), Some("utf8mb4_bin"));
        let fk = column(
            "varchar(80)",
            "varchar",
            Some(80),
            Some("utf8mb4_general_ci"),
        );
        let m = compare(Dialect::Mysql, &owner, &fk).unwrap();
        assert_eq!(m.problems, [Problem::Collation]);
        assert!(m.convertible);
        assert_eq!(m.wanted.sql_type, "varchar(80)");
        assert_eq!(m.wanted.collation.as_deref(), Some("utf8mb4_bin"));
    }

    #[test]
    fn different_kinds_of_type_need_a_conversion() {
        let owner = column("INTEGER", "integer", None, Some("BINARY"));
        let fk = column("TEXT", "text", None, Some("BINARY"));
        let m = compare(Dialect::Sqlite, &owner, &fk).unwrap();
        assert_eq!(m.problems, [Problem::Type]);
        assert!(!m.convertible);
        // INTEGER and BIGINT share SQLite's INTEGER affinity (64-bit either way)
        let fk = column("BIGINT", "bigint", None, Some("BINARY"));
        assert!(compare(Dialect::Sqlite, &owner, &fk).is_none());
        let owner = column("character(10)", "bpchar", Some(10), Some("default"));
        let fk = column(
            "character varying(10)",
            "varchar",
            Some(10),
            Some("default"),
        );
        assert_eq!(
            compare(Dialect::Postgres, &owner, &fk).unwrap().problems,
            [Problem::Padding]
        );
    }
}
