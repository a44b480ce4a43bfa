//! `column IN (<any number of keys>)` with a single bound parameter.
//!
//! Preloading 100,000 owners with `IN (?, ?, …)` fails on SQLite ("too many SQL
//! variables", 32,766 binds) and MySQL (65,535 placeholders). Here the whole key set is
//! one parameter: a PostgreSQL array, or a JSON array that SQLite (`json_each`) and
//! MySQL/MariaDB (`JSON_TABLE`) turn into rows. Values are always bound, never spliced
//! into the SQL text.

use diesel::expression::{
    is_aggregate, AppearsOnTable, Expression, SelectableExpression, ValidGrouping,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::Bool;
use diesel::QueryResult;
use std::sync::OnceLock;

use crate::key::{to_json_array, Key};

/// The predicate `column IN keys`, built by preloading.
#[derive(Debug, Clone)]
pub struct KeyIn<Col, K> {
    column: Col,
    keys: Vec<K>,
    /// The keys as a JSON array, written the first time a SQLite or MySQL statement binds
    /// them (PostgreSQL binds `keys` as an array and never needs it).
    #[cfg_attr(not(any(feature = "sqlite", feature = "mysql")), allow(dead_code))]
    json: OnceLock<String>,
}

impl<Col, K: Key> KeyIn<Col, K> {
    /// `column IN keys`.
    pub fn new(column: Col, keys: Vec<K>) -> Self {
        KeyIn {
            column,
            keys,
            json: OnceLock::new(),
        }
    }

    /// The keys as a JSON array (`[1,2,3]`, `["a","b"]`).
    #[cfg_attr(not(any(feature = "sqlite", feature = "mysql")), allow(dead_code))]
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
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" IN (SELECT __keys.v FROM JSON_TABLE(");
        out.push_bind_param::<diesel::sql_types::Text, _>(self.json())?;
        out.push_sql(", '$[*]' COLUMNS (v ");
        out.push_sql(<K::SqlType as crate::key::KeySql>::MYSQL_TYPE);
        out.push_sql(" PATH '$')) AS __keys)");
        Ok(())
    }
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
