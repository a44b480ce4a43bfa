//! Reading a table's schema on SQLite, through the table-valued pragma functions
//! (`pragma_table_info`, `pragma_index_list`, `pragma_index_info`,
//! `pragma_foreign_key_list`) of the main database.

use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::{sql_query, QueryResult, QueryableByName, RunQueryDsl, SqliteConnection};

use super::fix::Dialect;
use super::schema::{Column, ForeignKey, Index, OnDelete, Table, EXPRESSION};
use super::{sealed, Introspect};

#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    sql_type: String,
    #[diesel(sql_type = BigInt)]
    not_null: i64,
    #[diesel(sql_type = BigInt)]
    pk: i64,
}

#[derive(QueryableByName)]
struct IndexRow {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = BigInt)]
    is_unique: i64,
    #[diesel(sql_type = BigInt)]
    is_partial: i64,
    #[diesel(sql_type = Nullable<Text>)]
    column_name: Option<String>,
}

#[derive(QueryableByName)]
struct ForeignKeyRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    referenced_table: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    referenced_column: Option<String>,
    #[diesel(sql_type = Text)]
    on_delete: String,
}

fn table_info(conn: &mut SqliteConnection, table: &str) -> QueryResult<Vec<ColumnRow>> {
    sql_query(
        "SELECT name, type AS sql_type, \"notnull\" AS not_null, pk \
         FROM pragma_table_info(?) ORDER BY cid",
    )
    .bind::<Text, _>(table)
    .load(conn)
}

/// The primary key columns, in key order.
fn primary_key_of(columns: &[ColumnRow]) -> Vec<String> {
    let mut pk: Vec<&ColumnRow> = columns.iter().filter(|c| c.pk > 0).collect();
    pk.sort_by_key(|c| c.pk);
    pk.into_iter().map(|c| c.name.clone()).collect()
}

impl sealed::Sealed for SqliteConnection {}

impl Introspect for SqliteConnection {
    const DIALECT: Dialect = Dialect::Sqlite;

    fn read_table(&mut self, name: &str) -> QueryResult<Option<Table>> {
        let column_rows = table_info(self, name)?;
        if column_rows.is_empty() {
            return Ok(None);
        }
        let primary_key = primary_key_of(&column_rows);
        let columns = column_rows
            .iter()
            .map(|c| Column {
                name: c.name.clone(),
                sql_type: c.sql_type.clone(),
                // an INTEGER PRIMARY KEY is the rowid: never NULL, whatever `notnull` says
                nullable: c.not_null == 0 && !(c.pk > 0 && primary_key.len() == 1),
            })
            .collect();

        let index_rows: Vec<IndexRow> = sql_query(
            "SELECT il.name AS name, il.\"unique\" AS is_unique, il.partial AS is_partial, \
                    ii.name AS column_name \
             FROM pragma_index_list(?) AS il, pragma_index_info(il.name) AS ii \
             ORDER BY il.seq, il.name, ii.seqno",
        )
        .bind::<Text, _>(name)
        .load(self)?;
        let mut indexes: Vec<Index> = Vec::new();
        for row in index_rows {
            let column = row.column_name.unwrap_or_else(|| EXPRESSION.to_owned());
            match indexes.last_mut() {
                Some(index) if index.name == row.name => index.columns.push(column),
                _ => indexes.push(Index {
                    name: row.name,
                    columns: vec![column],
                    unique: row.is_unique != 0,
                    partial: row.is_partial != 0,
                }),
            }
        }

        let fk_rows: Vec<ForeignKeyRow> = sql_query(
            "SELECT id, \"table\" AS referenced_table, \"from\" AS column_name, \
                    \"to\" AS referenced_column, on_delete \
             FROM pragma_foreign_key_list(?) ORDER BY id, seq",
        )
        .bind::<Text, _>(name)
        .load(self)?;
        let mut foreign_keys: Vec<(i64, ForeignKey)> = Vec::new();
        let mut referenced_pks: Vec<(String, Vec<String>)> = Vec::new();
        for row in fk_rows {
            let (columns, referenced_columns) = match foreign_keys.last_mut() {
                Some((id, fk)) if *id == row.id => (&mut fk.columns, &mut fk.referenced_columns),
                _ => {
                    foreign_keys.push((
                        row.id,
                        ForeignKey {
                            name: None,
                            columns: Vec::new(),
                            referenced_table: row.referenced_table.clone(),
                            referenced_columns: Vec::new(),
                            on_delete: OnDelete::parse(&row.on_delete)
                                .unwrap_or(OnDelete::NoAction),
                        },
                    ));
                    let fk = &mut foreign_keys.last_mut().expect("just pushed").1;
                    (&mut fk.columns, &mut fk.referenced_columns)
                }
            };
            let position = columns.len();
            columns.push(row.column_name);
            // `REFERENCES suppliers` without a column list means its primary key
            let referenced = match row.referenced_column {
                Some(column) => column,
                None => {
                    let known = referenced_pks
                        .iter()
                        .position(|(t, _)| *t == row.referenced_table);
                    let index = match known {
                        Some(i) => i,
                        None => {
                            let pk = primary_key_of(&table_info(self, &row.referenced_table)?);
                            referenced_pks.push((row.referenced_table.clone(), pk));
                            referenced_pks.len() - 1
                        }
                    };
                    referenced_pks[index]
                        .1
                        .get(position)
                        .cloned()
                        .unwrap_or_default()
                }
            };
            referenced_columns.push(referenced);
        }

        Ok(Some(Table {
            name: name.to_owned(),
            columns,
            primary_key,
            indexes,
            foreign_keys: foreign_keys.into_iter().map(|(_, fk)| fk).collect(),
        }))
    }
}
