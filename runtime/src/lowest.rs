//! `pk IN (SELECT MIN(pk) FROM target [WHERE kind] GROUP BY fk)`: the eager load's rule for
//! which row to join when several match one owner (the lowest primary key, as the reader
//! and preload choose).
//!
//! Diesel rejects a subselect over a table the outer query already joins (the table would
//! appear twice in its type-level FROM clause), so this node renders it itself. SQL
//! resolves the inner `"profiles"."id"` to the subquery's own `FROM profiles`. Every piece
//! is a typed Diesel node; no SQL text comes from outside.

use diesel::expression::{is_aggregate, AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::query_source::QuerySource;
use diesel::sql_types::Bool;
use diesel::QueryResult;

/// The predicate "this row has the lowest primary key among the rows with its foreign
/// key" (optionally among the rows matching `kind`, for polymorphic associations).
#[derive(Debug, Clone, Copy, Default)]
pub struct Lowest<From, Pk, Fk, Kind = ()> {
    from: From,
    pk: Pk,
    fk: Fk,
    kind: Kind,
}

impl<From, Pk, Fk> Lowest<From, Pk, Fk> {
    /// Among all rows of `table`.
    pub fn new<T: QuerySource<FromClause = From>>(table: T, pk: Pk, fk: Fk) -> Self {
        Lowest {
            from: table.from_clause(),
            pk,
            fk,
            kind: (),
        }
    }
}

impl<From, Pk, Fk, Kind> Lowest<From, Pk, Fk, Kind> {
    /// Among the rows matching `kind` only.
    pub fn among<K2>(self, kind: K2) -> Lowest<From, Pk, Fk, K2> {
        Lowest {
            from: self.from,
            pk: self.pk,
            fk: self.fk,
            kind,
        }
    }
}

impl<From, Pk, Fk, Kind> Expression for Lowest<From, Pk, Fk, Kind> {
    type SqlType = Bool;
}

impl<From, Pk: AppearsOnTable<QS>, Fk, Kind, QS> AppearsOnTable<QS> for Lowest<From, Pk, Fk, Kind> {}

impl<From, Pk: SelectableExpression<QS>, Fk, Kind, QS> SelectableExpression<QS>
    for Lowest<From, Pk, Fk, Kind>
{
}

impl<From, Pk, Fk, Kind, GB> ValidGrouping<GB> for Lowest<From, Pk, Fk, Kind> {
    type IsAggregate = is_aggregate::Never;
}

impl<From, Pk, Fk, Kind> QueryId for Lowest<From, Pk, Fk, Kind> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

/// The optional `WHERE` of the subquery.
pub trait KindFilter<DB: diesel::backend::Backend> {
    /// Appends ` WHERE …`, or nothing.
    fn walk_where<'b>(&'b self, out: AstPass<'_, 'b, DB>) -> QueryResult<()>;
}

impl<DB: diesel::backend::Backend> KindFilter<DB> for () {
    fn walk_where<'b>(&'b self, _out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        Ok(())
    }
}

impl<DB: diesel::backend::Backend, E: QueryFragment<DB> + Expression> KindFilter<DB> for (E,) {
    fn walk_where<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(" WHERE ");
        self.0.walk_ast(out.reborrow())
    }
}

impl<From, Pk, Fk, Kind, DB> QueryFragment<DB> for Lowest<From, Pk, Fk, Kind>
where
    DB: diesel::backend::Backend,
    From: QueryFragment<DB>,
    Pk: QueryFragment<DB>,
    Fk: QueryFragment<DB>,
    Kind: KindFilter<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.unsafe_to_cache_prepared();
        self.pk.walk_ast(out.reborrow())?;
        out.push_sql(" IN (SELECT MIN(");
        self.pk.walk_ast(out.reborrow())?;
        out.push_sql(") FROM ");
        self.from.walk_ast(out.reborrow())?;
        self.kind.walk_where(out.reborrow())?;
        out.push_sql(" GROUP BY ");
        self.fk.walk_ast(out.reborrow())?;
        out.push_sql(")");
        Ok(())
    }
}
