//! `column IN (<any number of keys>)` in one statement, every key bound, never spliced
//! into the SQL text.
//!
//! Preloading 100,000 owners with Diesel's `IN (?, ?, …)` fails on SQLite ("too many SQL
//! variables" past 32,766 binds) and MySQL (65,535 placeholders). Here:
//!
//! - **PostgreSQL**: `column = ANY($1)`, the key set one array parameter.
//! - **SQLite**: `column IN (SELECT value FROM json_each(?))`, one JSON array parameter.
//! - **MySQL/MariaDB**, the first of these that fits (chosen from the keys alone; measured
//!   on MariaDB 10.11 at 10 to 1,000,000 keys by `bench/keyset.sh`):
//!   1. integer keys with few gaps: `(column BETWEEN ? AND ? AND column NOT IN (?, …))`,
//!      the lowest and highest key, then the integers between them that are not keys
//!      (no `NOT IN` without any) — when that takes fewer placeholders than the keys
//!      themselves and at most [`MYSQL_MAX_KEY_BINDS`];
//!   2. up to [`MYSQL_MAX_KEY_BINDS`] keys: `column IN (?, ?, …)`, one placeholder each;
//!   3. more: `column IN (SELECT __keys.v FROM JSON_TABLE(?, '$[*]' COLUMNS (v … PATH
//!      '$')) AS __keys)`, one parameter, the distinct keys as a JSON array in ascending
//!      order.
//!
//!   `JSON_TABLE` is estimated at a fixed 40 rows whatever it holds, so MariaDB always
//!   materializes it, probes the foreign key index once per key and sorts the rows by
//!   primary key. Bound values give it real estimates: a range read of the index for a
//!   few keys, or one scan in primary key order checking each row against the sorted
//!   values, which for every owner of a table is 5–7× faster than `JSON_TABLE` (form 1,
//!   10,000 to 1,000,000 owners) and for every other owner 1.4–1.9× (form 2, 5,000 and
//!   50,000). Past the placeholder limit the JSON form is kept, its keys sorted: probing
//!   the index in its order makes 500,000 owners in a random order 1.7× faster. The one
//!   measured case where another single statement is faster: 62,500 keys spread over
//!   1,000,000 rows, where `JSON_TABLE` beats the list by 1.17× (the list is prepared
//!   again on every call). Forms 1 (with gaps) and 2 change with the keys, so they are
//!   never kept in Diesel's prepared statement cache (as Diesel's own `eq_any`): the
//!   server holds at most `max_prepared_stmt_count` (16,382 by default) for all its
//!   connections.

use diesel::expression::{
    is_aggregate, AppearsOnTable, Expression, SelectableExpression, ValidGrouping,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
#[cfg(feature = "mysql")]
use diesel::sql_types::BigInt;
use diesel::sql_types::Bool;
use diesel::QueryResult;
#[cfg(feature = "mysql")]
use std::any::Any;
use std::sync::OnceLock;

use crate::key::{to_json_array, Key};

/// The most placeholders a MySQL key set takes (forms 1 and 2 of the [module
/// documentation](self)); a larger key set is sent as one JSON array.
///
/// MySQL and MariaDB accept at most 65,535 placeholders in one statement; the 535 left
/// over are for the rest of the preload statement (the type column of a polymorphic
/// association, the values of a scope).
pub const MYSQL_MAX_KEY_BINDS: usize = 65_000;

/// The predicate `column IN keys`, built by preloading.
#[derive(Debug, Clone)]
pub struct KeyIn<Col, K> {
    column: Col,
    keys: Vec<K>,
    /// The keys as a JSON array, written the first time a SQLite statement binds them
    /// (PostgreSQL binds `keys` as an array, MySQL as [`MysqlForm`] says).
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    json: OnceLock<String>,
    /// The MySQL form of the key set, chosen the first time a MySQL statement is built.
    #[cfg(feature = "mysql")]
    mysql: OnceLock<MysqlForm>,
}

impl<Col, K: Key> KeyIn<Col, K> {
    /// `column IN keys`.
    pub fn new(column: Col, keys: Vec<K>) -> Self {
        KeyIn {
            column,
            keys,
            json: OnceLock::new(),
            #[cfg(feature = "mysql")]
            mysql: OnceLock::new(),
        }
    }

    /// The keys as a JSON array (`[1,2,3]`, `["a","b"]`).
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    fn json(&self) -> &String {
        self.json.get_or_init(|| to_json_array(&self.keys))
    }
}

impl<Col, K> Expression for KeyIn<Col, K> {
    type SqlType = Bool;
}

impl<Col: AppearsOnTable<QS>, K, QS> AppearsOnTable<QS> for KeyIn<Col, K> where Self: Expression {}

impl<Col: SelectableExpression<QS>, K, QS> SelectableExpression<QS> for KeyIn<Col, K> where
    Self: AppearsOnTable<QS>
{
}

impl<Col, K, GB> ValidGrouping<GB> for KeyIn<Col, K> {
    type IsAggregate = is_aggregate::Never;
}

impl<Col, K> QueryId for KeyIn<Col, K> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

#[cfg(feature = "sqlite")]
impl<Col, K: Key> QueryFragment<diesel::sqlite::Sqlite> for KeyIn<Col, K>
where
    Col: QueryFragment<diesel::sqlite::Sqlite>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::sqlite::Sqlite>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" IN (SELECT value FROM json_each(");
        out.push_bind_param::<diesel::sql_types::Text, _>(self.json())?;
        out.push_sql("))");
        Ok(())
    }
}

#[cfg(feature = "mysql")]
impl<Col, K: Key> QueryFragment<diesel::mysql::Mysql> for KeyIn<Col, K>
where
    Col: QueryFragment<diesel::mysql::Mysql>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::mysql::Mysql>) -> QueryResult<()> {
        match self.mysql.get_or_init(|| mysql_form(&self.keys)) {
            MysqlForm::Span { lo, hi, holes } => {
                if !holes.is_empty() {
                    // the number of placeholders changes with the keys
                    out.unsafe_to_cache_prepared();
                }
                out.push_sql("(");
                self.column.walk_ast(out.reborrow())?;
                out.push_sql(" BETWEEN ");
                out.push_bind_param::<BigInt, i64>(lo)?;
                out.push_sql(" AND ");
                out.push_bind_param::<BigInt, i64>(hi)?;
                if !holes.is_empty() {
                    out.push_sql(" AND ");
                    self.column.walk_ast(out.reborrow())?;
                    out.push_sql(" NOT IN (");
                    for (i, hole) in holes.iter().enumerate() {
                        if i > 0 {
                            out.push_sql(", ");
                        }
                        out.push_bind_param::<BigInt, i64>(hole)?;
                    }
                    out.push_sql(")");
                }
                out.push_sql(")");
            }
            MysqlForm::List => {
                out.unsafe_to_cache_prepared();
                self.column.walk_ast(out.reborrow())?;
                out.push_sql(" IN (");
                for (i, key) in self.keys.iter().enumerate() {
                    if i > 0 {
                        out.push_sql(", ");
                    }
                    push_key(&mut out, key.repr())?;
                }
                out.push_sql(")");
            }
            MysqlForm::Json(json) => {
                self.column.walk_ast(out.reborrow())?;
                out.push_sql(" IN (SELECT __keys.v FROM JSON_TABLE(");
                out.push_bind_param::<diesel::sql_types::Text, _>(json)?;
                out.push_sql(", '$[*]' COLUMNS (v ");
                out.push_sql(<K::SqlType as crate::key::KeySql>::MYSQL_TYPE);
                out.push_sql(" PATH '$')) AS __keys)");
            }
        }
        Ok(())
    }
}

/// How a MySQL statement carries a key set (see the [module documentation](self)).
#[cfg(feature = "mysql")]
#[derive(Debug, Clone, PartialEq, Eq)]
enum MysqlForm {
    /// `column BETWEEN lo AND hi AND column NOT IN (holes…)`: integer keys, every integer
    /// from `lo` to `hi` a key but `holes`.
    Span { lo: i64, hi: i64, holes: Vec<i64> },
    /// `column IN (?, ?, …)`, one placeholder per key.
    List,
    /// `column IN (SELECT v FROM JSON_TABLE(?, …))`, one parameter: the keys as a JSON
    /// array in ascending order, so MariaDB probes the foreign key index in its order
    /// (twice as fast as in a random order at 500,000 keys).
    Json(String),
}

/// The key as an integer, if it is one (`i16`, `i32`, `i64` or a newtype around one).
#[cfg(feature = "mysql")]
fn integer(repr: &dyn Any) -> Option<i64> {
    if let Some(&v) = repr.downcast_ref::<i64>() {
        Some(v)
    } else if let Some(&v) = repr.downcast_ref::<i32>() {
        Some(v.into())
    } else {
        repr.downcast_ref::<i16>().map(|&v| v.into())
    }
}

/// Binds one key as its built-in representation; the keys of [`MysqlForm::List`] are
/// always integers or strings.
#[cfg(feature = "mysql")]
fn push_key<'b>(
    out: &mut AstPass<'_, 'b, diesel::mysql::Mysql>,
    repr: &'b dyn Any,
) -> QueryResult<()> {
    use diesel::sql_types::{Integer, SmallInt, Text};
    if let Some(v) = repr.downcast_ref::<i64>() {
        out.push_bind_param::<BigInt, i64>(v)
    } else if let Some(v) = repr.downcast_ref::<i32>() {
        out.push_bind_param::<Integer, i32>(v)
    } else if let Some(v) = repr.downcast_ref::<i16>() {
        out.push_bind_param::<SmallInt, i16>(v)
    } else if let Some(v) = repr.downcast_ref::<String>() {
        out.push_bind_param::<Text, String>(v)
    } else {
        Err(diesel::result::Error::SerializationError(
            "a MySQL key set of keys that are neither integers nor strings".into(),
        ))
    }
}

/// The MySQL form for `keys`: the range with holes when it takes fewer placeholders than
/// the list (and at most [`MYSQL_MAX_KEY_BINDS`]), then the list, then JSON.
#[cfg(feature = "mysql")]
fn mysql_form<K: Key>(keys: &[K]) -> MysqlForm {
    let Some(first) = keys.first() else {
        // `IN ()` is not SQL; an empty JSON array is
        return MysqlForm::Json("[]".into());
    };
    let listable = keys.len() <= MYSQL_MAX_KEY_BINDS;
    let first: &dyn Any = first.repr();
    if integer(first).is_some() {
        // fewer placeholders than the list, and within the limit
        let most = keys.len().saturating_sub(1).min(MYSQL_MAX_KEY_BINDS);
        if let Some(form) = most.checked_sub(2).and_then(|holes| span(keys, holes)) {
            return form;
        }
    } else if first.downcast_ref::<String>().is_none() {
        return sorted_json(keys);
    }
    if listable {
        MysqlForm::List
    } else {
        sorted_json(keys)
    }
}

/// [`MysqlForm::Json`]: the distinct keys in ascending order.
#[cfg(feature = "mysql")]
fn sorted_json<K: Key>(keys: &[K]) -> MysqlForm {
    let mut reprs: Vec<&K::Repr> = keys.iter().map(Key::repr).collect();
    reprs.sort_unstable();
    reprs.dedup();
    let json = serde_json::to_string(&reprs).expect("built-in keys always serialize to JSON");
    MysqlForm::Json(json)
}

/// [`MysqlForm::Span`] for integer `keys`, if at most `most_holes` integers between the
/// lowest and the highest key are not keys.
#[cfg(feature = "mysql")]
fn span<K: Key>(keys: &[K], most_holes: usize) -> Option<MysqlForm> {
    let mut sorted: Vec<i64> = keys
        .iter()
        .map(|k| integer(k.repr()))
        .collect::<Option<_>>()?;
    sorted.sort_unstable();
    sorted.dedup();
    let (&lo, &hi) = (sorted.first()?, sorted.last()?);
    // i128: the width of the range of any two i64 keys
    let width = i128::from(hi) - i128::from(lo) + 1;
    if width - sorted.len() as i128 > most_holes as i128 {
        return None;
    }
    let mut holes = Vec::new();
    for pair in sorted.windows(2) {
        holes.extend(pair[0] + 1..pair[1]);
    }
    Some(MysqlForm::Span { lo, hi, holes })
}

#[cfg(feature = "postgres")]
impl<Col, K: Key> QueryFragment<diesel::pg::Pg> for KeyIn<Col, K>
where
    Col: QueryFragment<diesel::pg::Pg>,
    diesel::pg::Pg: diesel::sql_types::HasSqlType<K::SqlType>,
    [K]: diesel::serialize::ToSql<diesel::sql_types::Array<K::SqlType>, diesel::pg::Pg>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" = ANY(");
        out.push_bind_param::<diesel::sql_types::Array<K::SqlType>, [K]>(&self.keys[..])?;
        out.push_sql(")");
        Ok(())
    }
}

#[cfg(all(test, feature = "mysql"))]
mod tests {
    use super::{mysql_form, MysqlForm, MYSQL_MAX_KEY_BINDS};

    fn span(lo: i64, hi: i64, holes: &[i64]) -> MysqlForm {
        MysqlForm::Span {
            lo,
            hi,
            holes: holes.to_vec(),
        }
    }

    #[test]
    fn the_form_with_the_fewest_placeholders() {
        assert_eq!(mysql_form::<i32>(&[]), MysqlForm::Json("[]".into()));
        // one or two keys: the list is never longer than a range
        assert_eq!(mysql_form(&[7i32]), MysqlForm::List);
        assert_eq!(mysql_form(&[7i32, 8]), MysqlForm::List);
        // three consecutive keys, in any order, some twice: a range (2 < 3 placeholders)
        assert_eq!(mysql_form(&[9i64, 7, 8, 7]), span(7, 9, &[]));
        assert_eq!(mysql_form(&[1i16, 2, 4, 5, 6]), span(1, 6, &[3]));
        // every other integer: the list is shorter
        let odd: Vec<i32> = (0..100).map(|i| 2 * i + 1).collect();
        assert_eq!(mysql_form(&odd), MysqlForm::List);
        let strings = vec!["a".to_string(), "b".into(), "c".into()];
        assert_eq!(mysql_form(&strings), MysqlForm::List);
    }

    #[test]
    fn past_the_placeholder_limit() {
        let n = MYSQL_MAX_KEY_BINDS as i64;
        let sparse: Vec<i64> = (0..=n).map(|i| 3 * i).collect();
        assert_eq!(mysql_form(&sparse[..MYSQL_MAX_KEY_BINDS]), MysqlForm::List);
        // JSON: the distinct keys in ascending order, whatever the owners' order
        let mut reversed = sparse.clone();
        reversed.reverse();
        reversed.push(0);
        let json = |keys: &[i64]| MysqlForm::Json(serde_json::to_string(keys).unwrap());
        assert_eq!(mysql_form(&sparse), json(&sparse));
        assert_eq!(mysql_form(&reversed), json(&sparse));
        let strings: Vec<String> = (0..=n).map(|i| i.to_string()).collect();
        let MysqlForm::Json(text) = mysql_form(&strings) else {
            panic!("not JSON");
        };
        let mut sorted = strings.clone();
        sorted.sort();
        assert_eq!(text, serde_json::to_string(&sorted).unwrap());
        // a million dense keys, or with as many holes as placeholders allowed: a range
        let dense: Vec<i32> = (1..=1_000_000).collect();
        assert_eq!(mysql_form(&dense), span(1, 1_000_000, &[]));
        let holes = MYSQL_MAX_KEY_BINDS as i32 - 2;
        let holed: Vec<i32> = (1..=1_000_000)
            .filter(|k| k % 2 == 1 || *k > 2 * holes)
            .collect();
        let MysqlForm::Span { holes: h, .. } = mysql_form(&holed) else {
            panic!("not a range");
        };
        assert_eq!(h.len(), holes as usize);
        let one_more: Vec<i32> = (1..=1_000_000)
            .filter(|k| k % 2 == 1 || *k > 2 * holes + 2)
            .collect();
        assert!(matches!(mysql_form(&one_more), MysqlForm::Json(_)));
        // the extremes of i64 do not overflow
        assert_eq!(mysql_form(&[i64::MIN, 0, i64::MAX]), MysqlForm::List);
        assert_eq!(
            mysql_form(&[i64::MAX - 2, i64::MAX - 1, i64::MAX]),
            span(i64::MAX - 2, i64::MAX, &[])
        );
    }
}
