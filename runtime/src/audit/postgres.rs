//! Reading a table's schema on PostgreSQL, from `pg_catalog`, restricted to
//! `current_schema()` (the first schema of the `search_path`, where unqualified names
//! resolve).

use diesel::pg::Pg;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};
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
    type_name: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    max_length: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    collation: Option<String>,
    #[diesel(sql_type = Bool)]
    nullable: bool,
}

#[derive(QueryableByName)]
pub(crate) struct IndexRow {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Bool)]
    is_unique: bool,
    #[diesel(sql_type = Bool)]
    is_primary: bool,
    #[diesel(sql_type = Bool)]
    is_partial: bool,
    #[diesel(sql_type = Nullable<Text>)]
    column_name: Option<String>,
}

/// `type_name` and the length are those of a domain's underlying type (as
/// `information_schema.columns.udt_name` and `character_maximum_length` give them; the
/// length of `varchar(n)`/`char(n)` is its typmod less the 4-byte header); the collation
/// is the column's own (`attcollation`: 0 for a type without one, `default` for the
/// database's).
const COLUMNS: &str = "\
SELECT a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS sql_type, \
       bt.typname::text AS type_name, \
       CASE WHEN bt.typname IN ('varchar', 'bpchar') AND m.typmod >= 4 \
            THEN (m.typmod - 4)::bigint END AS max_length, \
       co.collname::text AS collation, \
       NOT a.attnotnull AS nullable \
FROM pg_attribute a \
JOIN pg_class c ON c.oid = a.attrelid \
JOIN pg_namespace n ON n.oid = c.relnamespace \
JOIN pg_type ty ON ty.oid = a.atttypid \
JOIN pg_type bt ON bt.oid = CASE WHEN ty.typtype = 'd' THEN ty.typbasetype ELSE ty.oid END \
CROSS JOIN LATERAL (SELECT CASE WHEN ty.typtype = 'd' THEN ty.typtypmod ELSE a.atttypmod END \
                      AS typmod) m \
LEFT JOIN pg_collation co ON co.oid = a.attcollation \
WHERE n.nspname = current_schema() AND c.relname = $1 AND c.relkind IN ('r', 'p') \
  AND a.attnum > 0 AND NOT a.attisdropped \
ORDER BY a.attnum";

/// Key columns only (`ord <= indnkeyatts` leaves out `INCLUDE` columns); an expression
/// part has attnum 0 and no column.
const INDEXES: &str = "\
SELECT i.relname::text AS name, ix.indisunique AS is_unique, ix.indisprimary AS is_primary, \
       (ix.indpred IS NOT NULL) AS is_partial, a.attname::text AS column_name \
FROM pg_index ix \
JOIN pg_class t ON t.oid = ix.indrelid \
JOIN pg_class i ON i.oid = ix.indexrelid \
JOIN pg_namespace n ON n.oid = t.relnamespace \
CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum AND k.attnum > 0 \
WHERE n.nspname = current_schema() AND t.relname = $1 AND k.ord <= ix.indnkeyatts \
ORDER BY i.relname, k.ord";

/// `confdeltype`: a = NO ACTION, r = RESTRICT, c = CASCADE, n = SET NULL, d = SET DEFAULT.
const FOREIGN_KEYS: &str = "\
SELECT con.conname::text AS name, a.attname::text AS column_name, \
       CASE WHEN rn.nspname = current_schema() THEN rt.relname::text \
            ELSE rn.nspname::text || '.' || rt.relname::text END AS referenced_table, \
       ra.attname::text AS referenced_column, con.confdeltype::text AS on_delete, k.ord \
FROM pg_constraint con \
JOIN pg_class t ON t.oid = con.conrelid \
JOIN pg_namespace n ON n.oid = t.relnamespace \
JOIN pg_class rt ON rt.oid = con.confrelid \
JOIN pg_namespace rn ON rn.oid = rt.relnamespace \
CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, refnum, ord) \
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
JOIN pg_attribute ra ON ra.attrelid = rt.oid AND ra.attnum = k.refnum \
WHERE con.contype = 'f' AND n.nspname = current_schema() AND t.relname = $1 \
ORDER BY con.conname, k.ord";

fn on_delete(code: &str) -> OnDelete {
    match code {
        "r" => OnDelete::Restrict,
        "c" => OnDelete::Cascade,
        "n" => OnDelete::SetNull,
        "d" => OnDelete::SetDefault,
        _ => OnDelete::NoAction,
    }
}

impl sealed::Sealed for Pg {}

impl<C> Introspect<C> for Pg
where
    C: Exec<DB = Pg>,
    Catalog<Pg>: Fetch<C, ColumnRow> + Fetch<C, IndexRow> + Fetch<C, ForeignKeyRow>,
{
    const DIALECT: Dialect = Dialect::Postgres;

    async fn read_table(name: &str, conn: &mut C) -> QueryResult<Option<Table>> {
        let column_rows: Vec<ColumnRow> = rows(COLUMNS, name, conn).await?;
        if column_rows.is_empty() {
            return Ok(None);
        }
        let columns = column_rows
            .into_iter()
            .map(|c| Column {
                name: c.name,
                sql_type: c.sql_type,
                type_name: c.type_name,
                max_length: c.max_length.and_then(|n| u64::try_from(n).ok()),
                collation: c.collation,
                nullable: c.nullable,
            })
            .collect();

        let index_rows: Vec<IndexRow> = rows(INDEXES, name, conn).await?;
        let mut indexes: Vec<Index> = Vec::new();
        let mut primary_key = Vec::new();
        for row in index_rows {
            let column = row.column_name.unwrap_or_else(|| EXPRESSION.to_owned());
            if row.is_primary {
                primary_key.push(column.clone());
            }
            match indexes.last_mut() {
                Some(index) if index.name == row.name => index.columns.push(column),
                _ => indexes.push(Index {
                    name: row.name,
                    columns: vec![column],
                    unique: row.is_unique,
                    partial: row.is_partial,
                }),
            }
        }

        let fk_rows: Vec<ForeignKeyRow> = rows(FOREIGN_KEYS, name, conn).await?;
        let foreign_keys = ForeignKeyRow::group(fk_rows, on_delete);

        Ok(Some(Table {
            name: name.to_owned(),
            columns,
            primary_key,
            indexes,
            foreign_keys,
        }))
    }
}
