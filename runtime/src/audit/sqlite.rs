//! Reading a table's schema on SQLite, through the table-valued pragma functions
//! (`pragma_table_info`, `pragma_index_list`, `pragma_index_info`,
//! `pragma_foreign_key_list`) of the main database, and the columns' `COLLATE` clauses
//! from the table's `CREATE TABLE` statement in `sqlite_master` (no pragma reports them).

use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::sqlite::Sqlite;
use diesel::{QueryResult, QueryableByName};

use crate::exec::{Exec, Fetch};

use super::fix::Dialect;
use super::keys::Affinity;
use super::schema::{Column, ForeignKey, Index, OnDelete, Table, EXPRESSION};
use super::{rows, sealed, Catalog, Introspect};

#[derive(QueryableByName)]
pub(crate) struct ColumnRow {
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
pub(crate) struct IndexRow {
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
pub(crate) struct ForeignKeyRow {
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

#[derive(QueryableByName)]
pub(crate) struct SqlRow {
    #[diesel(sql_type = Nullable<Text>)]
    sql: Option<String>,
}

const CREATE_SQL: &str =
    "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE";

const TABLE_INFO: &str = "SELECT name, type AS sql_type, \"notnull\" AS not_null, pk \
                          FROM pragma_table_info(?) ORDER BY cid";

const INDEXES: &str = "\
SELECT il.name AS name, il.\"unique\" AS is_unique, il.partial AS is_partial, \
       ii.name AS column_name \
FROM pragma_index_list(?) AS il, pragma_index_info(il.name) AS ii \
ORDER BY il.seq, il.name, ii.seqno";

const FOREIGN_KEYS: &str = "\
SELECT id, \"table\" AS referenced_table, \"from\" AS column_name, \
       \"to\" AS referenced_column, on_delete \
FROM pragma_foreign_key_list(?) ORDER BY id, seq";

/// `varchar` for `VARCHAR(50)`, and 50 as the length of a declared type with TEXT
/// affinity.
fn type_name_and_length(declared: &str) -> (String, Option<u64>) {
    let (name, rest) = match declared.find('(') {
        Some(open) => (&declared[..open], Some(&declared[open + 1..])),
        None => (declared, None),
    };
    let length = rest
        .filter(|_| Affinity::of(declared) == Affinity::Text)
        .and_then(|rest| {
            let digits: String = rest
                .trim_start()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        });
    (name.trim().to_ascii_lowercase(), length)
}

/// A token of a `CREATE TABLE` statement, as far as finding each column's `COLLATE`
/// needs: words, quoted names and strings (their content), parentheses and commas.
#[derive(Debug, PartialEq)]
enum Token {
    Word(String),
    Name(String),
    Open,
    Close,
    Comma,
    Other,
}

fn tokens(sql: &str) -> Vec<Token> {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            _ if c.is_whitespace() => i += 1,
            '-' if chars.get(i + 1) == Some(&'-') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                    i += 1;
                }
                i += 2;
            }
            '\'' | '"' | '`' | '[' => {
                let close = if c == '[' { ']' } else { c };
                let mut text = String::new();
                i += 1;
                while i < chars.len() {
                    if chars[i] == close {
                        // a doubled quote is one quote character (not in [...])
                        if close != ']' && chars.get(i + 1) == Some(&close) {
                            text.push(close);
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    text.push(chars[i]);
                    i += 1;
                }
                i += 1;
                out.push(Token::Name(text));
            }
            '(' => {
                out.push(Token::Open);
                i += 1;
            }
            ')' => {
                out.push(Token::Close);
                i += 1;
            }
            ',' => {
                out.push(Token::Comma);
                i += 1;
            }
            _ if c.is_alphanumeric() || c == '_' || c == '$' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
                {
                    i += 1;
                }
                out.push(Token::Word(chars[start..i].iter().collect()));
            }
            _ => {
                out.push(Token::Other);
                i += 1;
            }
        }
    }
    out
}

/// Each column's `COLLATE` clause in a `CREATE TABLE` statement, upper-cased:
/// `(column, collation)` for the columns that declare one. A `COLLATE` inside
/// parentheses (a `CHECK`, a `DEFAULT (…)`) is not the column's; table constraints are
/// skipped.
fn column_collations(sql: &str) -> Vec<(String, String)> {
    const CONSTRAINTS: &[&str] = &["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"];
    let tokens = tokens(sql);
    let Some(open) = tokens.iter().position(|t| *t == Token::Open) else {
        return Vec::new();
    };
    // CREATE TABLE … AS SELECT: no column definitions
    if tokens[..open]
        .iter()
        .any(|t| matches!(t, Token::Word(w) if w.eq_ignore_ascii_case("AS")))
    {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut definitions: Vec<Vec<&Token>> = vec![Vec::new()];
    let mut depth = 1;
    for token in &tokens[open + 1..] {
        match token {
            Token::Open => depth += 1,
            Token::Close => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            Token::Comma if depth == 1 => {
                definitions.push(Vec::new());
                continue;
            }
            _ => {}
        }
        if depth == 1 && *token != Token::Close {
            definitions.last_mut().expect("never empty").push(token);
        }
    }
    for definition in definitions {
        let name = match definition.first() {
            Some(Token::Word(w)) if CONSTRAINTS.iter().any(|k| w.eq_ignore_ascii_case(k)) => {
                continue
            }
            Some(Token::Word(w)) | Some(Token::Name(w)) => w.clone(),
            _ => continue,
        };
        let collation = definition.windows(2).rev().find_map(|pair| match pair {
            [Token::Word(k), Token::Word(c) | Token::Name(c)]
                if k.eq_ignore_ascii_case("COLLATE") =>
            {
                Some(c.to_ascii_uppercase())
            }
            _ => None,
        });
        if let Some(collation) = collation {
            out.push((name, collation));
        }
    }
    out
}

/// The primary key columns, in key order.
fn primary_key_of(columns: &[ColumnRow]) -> Vec<String> {
    let mut pk: Vec<&ColumnRow> = columns.iter().filter(|c| c.pk > 0).collect();
    pk.sort_by_key(|c| c.pk);
    pk.into_iter().map(|c| c.name.clone()).collect()
}

/// The columns, with the collations of the `CREATE TABLE` statement (`BINARY` without one).
fn columns_of(rows: &[ColumnRow], collations: &[(String, String)], single_pk: bool) -> Vec<Column> {
    rows.iter()
        .map(|c| {
            let (type_name, max_length) = type_name_and_length(&c.sql_type);
            let collation = collations
                .iter()
                .find(|(column, _)| column.eq_ignore_ascii_case(&c.name))
                .map_or_else(|| "BINARY".to_owned(), |(_, collation)| collation.clone());
            Column {
                name: c.name.clone(),
                sql_type: c.sql_type.clone(),
                type_name,
                max_length,
                collation: Some(collation),
                // an INTEGER PRIMARY KEY is the rowid: never NULL, whatever `notnull` says
                nullable: c.not_null == 0 && !(c.pk > 0 && single_pk),
            }
        })
        .collect()
}

/// The indexes of these rows (one per index column, ordered by index).
fn indexes_of(rows: Vec<IndexRow>) -> Vec<Index> {
    let mut indexes: Vec<Index> = Vec::new();
    for row in rows {
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
    indexes
}

/// The constraints of these rows (one per column, ordered by constraint); `referenced_pk`
/// gives the primary key of a table referenced without a column list (`REFERENCES
/// suppliers` means its primary key).
fn foreign_keys_of(
    rows: Vec<ForeignKeyRow>,
    referenced_pk: impl Fn(&str) -> Vec<String>,
) -> Vec<ForeignKey> {
    let mut foreign_keys: Vec<(i64, ForeignKey)> = Vec::new();
    for row in rows {
        let fk = match foreign_keys.last_mut() {
            Some((id, fk)) if *id == row.id => fk,
            _ => {
                let on_delete = OnDelete::parse(&row.on_delete).unwrap_or(OnDelete::NoAction);
                foreign_keys.push((
                    row.id,
                    ForeignKey {
                        name: None,
                        columns: Vec::new(),
                        referenced_table: row.referenced_table.clone(),
                        referenced_columns: Vec::new(),
                        on_delete,
                    },
                ));
                &mut foreign_keys.last_mut().expect("just pushed").1
            }
        };
        let position = fk.columns.len();
        fk.columns.push(row.column_name);
        let referenced = row.referenced_column.unwrap_or_else(|| {
            let pk = referenced_pk(&row.referenced_table);
            pk.get(position).cloned().unwrap_or_default()
        });
        fk.referenced_columns.push(referenced);
    }
    foreign_keys.into_iter().map(|(_, fk)| fk).collect()
}

impl sealed::Sealed for Sqlite {}

impl<C> Introspect<C> for Sqlite
where
    C: Exec<DB = Sqlite>,
    Catalog<Sqlite>:
        Fetch<C, ColumnRow> + Fetch<C, IndexRow> + Fetch<C, ForeignKeyRow> + Fetch<C, SqlRow>,
{
    const DIALECT: Dialect = Dialect::Sqlite;

    async fn read_table(name: &str, conn: &mut C) -> QueryResult<Option<Table>> {
        let column_rows: Vec<ColumnRow> = rows(TABLE_INFO, name, conn).await?;
        if column_rows.is_empty() {
            return Ok(None);
        }
        let primary_key = primary_key_of(&column_rows);
        let create: Vec<SqlRow> = rows(CREATE_SQL, name, conn).await?;
        let collations = (create.into_iter().next())
            .and_then(|row| row.sql)
            .map(|sql| column_collations(&sql))
            .unwrap_or_default();
        let columns = columns_of(&column_rows, &collations, primary_key.len() == 1);
        let index_rows: Vec<IndexRow> = rows(INDEXES, name, conn).await?;
        let fk_rows: Vec<ForeignKeyRow> = rows(FOREIGN_KEYS, name, conn).await?;
        let mut referenced_pks: Vec<(String, Vec<String>)> = Vec::new();
        for row in fk_rows.iter().filter(|r| r.referenced_column.is_none()) {
            if !referenced_pks
                .iter()
                .any(|(t, _)| *t == row.referenced_table)
            {
                let info: Vec<ColumnRow> = rows(TABLE_INFO, &row.referenced_table, conn).await?;
                referenced_pks.push((row.referenced_table.clone(), primary_key_of(&info)));
            }
        }
        let referenced_pk = |table: &str| {
            let found = referenced_pks.iter().find(|(t, _)| t == table);
            found.map(|(_, pk)| pk.clone()).unwrap_or_default()
        };
        Ok(Some(Table {
            name: name.to_owned(),
            columns,
            primary_key,
            indexes: indexes_of(index_rows),
            foreign_keys: foreign_keys_of(fk_rows, referenced_pk),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collate_clauses_are_read_per_column() {
        let sql = "CREATE TABLE \"pass ports\" (id INTEGER PRIMARY KEY, -- a comment, COLLATE X
            [owner handle] VARCHAR(50) collate nocase UNIQUE REFERENCES people(handle),
            `b` TEXT CHECK (b <> 'x' COLLATE NOCASE) /* COLLATE Y, */ ,
            c TEXT DEFAULT 'a,(b' COLLATE rtrim NOT NULL,
            \"d\"\"q\" TEXT COLLATE \"BINARY\",
            CONSTRAINT u UNIQUE (b COLLATE NOCASE),
            UNIQUE (c))";
        assert_eq!(
            column_collations(sql),
            [
                ("owner handle".to_owned(), "NOCASE".to_owned()),
                ("c".to_owned(), "RTRIM".to_owned()),
                ("d\"q".to_owned(), "BINARY".to_owned()),
            ]
        );
        assert_eq!(column_collations("CREATE TABLE t AS SELECT 1 AS x"), []);
    }

    #[test]
    fn declared_lengths_are_those_of_text_types() {
        assert_eq!(
            type_name_and_length("VARCHAR(50)"),
            ("varchar".into(), Some(50))
        );
        assert_eq!(type_name_and_length("TEXT"), ("text".into(), None));
        assert_eq!(
            type_name_and_length("DECIMAL(10, 2)"),
            ("decimal".into(), None)
        );
        assert_eq!(type_name_and_length(""), (String::new(), None));
    }
}
