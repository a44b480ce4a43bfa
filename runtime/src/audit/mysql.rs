//! Reading a table's schema on MySQL and MariaDB, from `information_schema`, restricted to
//! `DATABASE()` (the connection's current database).

use diesel::mysql::Mysql;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::{QueryResult, QueryableByName};

use crate::exec::{Exec, Fetch};

use super::fix::Dialect;
use super::schema::{Column, ForeignKeyRow, Index, OnDelete, Table, EXPRESSION};
use super::{rows, sealed, Catalog, Introspect};

#[derive(QueryableByName)]
pub(crate) struct ColumnRow {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    sql_type: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    max_length: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    collation: Option<String>,
    #[diesel(sql_type = Text)]
    is_nullable: String,
}

#[derive(QueryableByName)]
pub(crate) struct IndexRow {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = BigInt)]
    non_unique: i64,
    #[diesel(sql_type = Nullable<Text>)]
    column_name: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    sub_part: Option<i64>,
}

/// `CHARACTER_MAXIMUM_LENGTH` is set on string (and binary) types, `COLLATION_NAME` on
/// character types.
const COLUMNS: &str = "\
SELECT COLUMN_NAME AS name, COLUMN_TYPE AS sql_type, LOWER(DATA_TYPE) AS data_type, \
       CAST(CHARACTER_MAXIMUM_LENGTH AS SIGNED) AS max_length, COLLATION_NAME AS collation, \
       IS_NULLABLE AS is_nullable \
FROM information_schema.COLUMNS \
WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? \
ORDER BY ORDINAL_POSITION";

/// `SUB_PART` is set on a prefix index (`(name(10))`); `COLUMN_NAME` is NULL on an
/// expression part (MySQL 8 functional indexes).
const INDEXES: &str = "\
SELECT INDEX_NAME AS name, CAST(NON_UNIQUE AS SIGNED) AS non_unique, \
       COLUMN_NAME AS column_name, CAST(SUB_PART AS SIGNED) AS sub_part \
FROM information_schema.STATISTICS \
WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? \
ORDER BY INDEX_NAME, SEQ_IN_INDEX";

const FOREIGN_KEYS: &str = "\
SELECT k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS column_name, \
       CASE WHEN k.REFERENCED_TABLE_SCHEMA = DATABASE() THEN k.REFERENCED_TABLE_NAME \
            ELSE CONCAT(k.REFERENCED_TABLE_SCHEMA, '.', k.REFERENCED_TABLE_NAME) END \
         AS referenced_table, \
       k.REFERENCED_COLUMN_NAME AS referenced_column, r.DELETE_RULE AS on_delete, \
       CAST(k.ORDINAL_POSITION AS SIGNED) AS ord \
FROM information_schema.KEY_COLUMN_USAGE k \
JOIN information_schema.REFERENTIAL_CONSTRAINTS r \
  ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME \
 AND r.TABLE_NAME = k.TABLE_NAME \
WHERE k.TABLE_SCHEMA = DATABASE() AND k.TABLE_NAME = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL \
ORDER BY k.CONSTRAINT_NAME, k.ORDINAL_POSITION";

impl sealed::Sealed for Mysql {}

impl<C> Introspect<C> for Mysql
where
    C: Exec<DB = Mysql>,
    Catalog<Mysql>: Fetch<C, ColumnRow> + Fetch<C, IndexRow> + Fetch<C, ForeignKeyRow>,
{
    const DIALECT: Dialect = Dialect::Mysql;

    async fn read_table(name: &str, conn: &mut C) -> QueryResult<Option<Table>> {
        let column_rows: Vec<ColumnRow> = rows(COLUMNS, name, conn).await?;
        if column_rows.is_empty() {
            return Ok(None);
        }
        let columns = column_rows
            .into_iter()
            .map(|c| {
                let unsigned = c.sql_type.to_ascii_lowercase().contains(" unsigned");
                Column {
                    type_name: if unsigned {
                        format!("{} unsigned", c.data_type)
                    } else {
                        c.data_type
                    },
                    max_length: c.max_length.and_then(|n| u64::try_from(n).ok()),
                    collation: c.collation,
                    nullable: c.is_nullable.eq_ignore_ascii_case("YES"),
                    name: c.name,
                    sql_type: c.sql_type,
                }
            })
            .collect();

        let index_rows: Vec<IndexRow> = rows(INDEXES, name, conn).await?;
        let mut indexes: Vec<Index> = Vec::new();
        for row in index_rows {
            let column = row.column_name.unwrap_or_else(|| EXPRESSION.to_owned());
            let prefix = row.sub_part.is_some();
            match indexes.last_mut() {
                Some(index) if index.name == row.name => {
                    index.columns.push(column);
                    index.partial |= prefix;
                }
                _ => indexes.push(Index {
                    name: row.name,
                    columns: vec![column],
                    unique: row.non_unique == 0,
                    partial: prefix,
                }),
            }
        }
        let primary_key = indexes
            .iter()
            .find(|i| i.name == "PRIMARY")
            .map(|i| i.columns.clone())
            .unwrap_or_default();

        let fk_rows: Vec<ForeignKeyRow> = rows(FOREIGN_KEYS, name, conn).await?;
        let foreign_keys = ForeignKeyRow::group(fk_rows, |action| {
            OnDelete::parse(action).unwrap_or(OnDelete::NoAction)
        });

        Ok(Some(Table {
            name: name.to_owned(),
            columns,
            primary_key,
            indexes,
            foreign_keys,
        }))
    }
}
