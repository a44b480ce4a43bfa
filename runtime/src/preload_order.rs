//! The order a preload's rows arrive in, and which row of an owner wins.
//!
//! The reader returns an owner's first row by the scope's order, then the lowest primary
//! key; a preload must pick the same row when several are linked to one owner.
//!
//! - **With a scope** ([`FirstRow`]): the statement is ordered like the reader's (`ORDER BY
//!   <scope's order>, pk`) and each owner's first row wins.
//! - **Without one** ([`AllRows`]): the statement has no `ORDER BY` — the database need
//!   not sort (PostgreSQL then plans the same scan as Diesel's `belonging_to`), and each
//!   owner's row with the lowest primary key wins as the rows arrive. Only where the
//!   target's keys compare in Rust as in SQL (integers, UUIDs: [`BuiltIn::ORDERED_LIKE_SQL`]);
//!   text keys, which the database orders by its collation, keep `ORDER BY pk` and the
//!   first row wins.

use diesel::backend::Backend;
use diesel::dsl;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::query_dsl::methods::ThenOrderDsl;
use diesel::{ExpressionMethods, QueryResult, RunQueryDsl};

use crate::association::HasOne;
use crate::key::{BuiltIn, Key};
use crate::scope::{AllRows, FirstRow};
use crate::statements::{Pk, TargetKey};

/// Whether the target's primary keys compare in Rust as the database orders them.
fn ordered_like_sql<A: HasOne>() -> bool {
    <<TargetKey<A> as Key>::Repr as BuiltIn>::ORDERED_LIKE_SQL
}

/// How a preload statement of association `A` is ordered, per scope shape (see the
/// [module documentation](self)).
pub trait PreloadOrder<A: HasOne> {
    /// Preload statement `Q`, ordered as this shape needs.
    type Ordered<Q: ThenOrderDsl<dsl::Asc<Pk<A>>>>;

    /// Orders `query`.
    fn order<Q: ThenOrderDsl<dsl::Asc<Pk<A>>>>(query: Q) -> Self::Ordered<Q>;

    /// Whether each owner's first row wins (the rows arrive in the reader's order);
    /// otherwise its row with the lowest primary key does.
    fn first_row_wins() -> bool;
}

impl<A: HasOne> PreloadOrder<A> for AllRows {
    type Ordered<Q: ThenOrderDsl<dsl::Asc<Pk<A>>>> = ByKeyIf<Q, dsl::Asc<Pk<A>>>;

    fn order<Q: ThenOrderDsl<dsl::Asc<Pk<A>>>>(query: Q) -> ByKeyIf<Q, dsl::Asc<Pk<A>>> {
        let by_key = (!ordered_like_sql::<A>()).then(|| Pk::<A>::default().asc());
        ByKeyIf { query, by_key }
    }

    fn first_row_wins() -> bool {
        !ordered_like_sql::<A>()
    }
}

impl<A: HasOne> PreloadOrder<A> for FirstRow {
    type Ordered<Q: ThenOrderDsl<dsl::Asc<Pk<A>>>> = dsl::ThenOrderBy<Q, dsl::Asc<Pk<A>>>;

    fn order<Q: ThenOrderDsl<dsl::Asc<Pk<A>>>>(query: Q) -> Self::Ordered<Q> {
        query.then_order_by(Pk::<A>::default().asc())
    }

    fn first_row_wins() -> bool {
        true
    }
}

/// Query `Q` (which has no `ORDER BY`), followed by `ORDER BY by_key` when there is one.
#[derive(Debug, Clone, Copy)]
pub struct ByKeyIf<Q, O> {
    query: Q,
    by_key: Option<O>,
}

impl<Q: Query, O> Query for ByKeyIf<Q, O> {
    type SqlType = Q::SqlType;
}

impl<Q: QueryId, O: QueryId> QueryId for ByKeyIf<Q, O> {
    type QueryId = ByKeyIf<Q::QueryId, O::QueryId>;
    // whether `by_key` is there depends on the types alone
    const HAS_STATIC_QUERY_ID: bool = Q::HAS_STATIC_QUERY_ID && O::HAS_STATIC_QUERY_ID;
}

impl<Q, O, DB> QueryFragment<DB> for ByKeyIf<Q, O>
where
    DB: Backend,
    Q: QueryFragment<DB>,
    O: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.query.walk_ast(out.reborrow())?;
        if let Some(by_key) = &self.by_key {
            out.push_sql(" ORDER BY ");
            by_key.walk_ast(out.reborrow())?;
        }
        Ok(())
    }
}

impl<Q, O, C> RunQueryDsl<C> for ByKeyIf<Q, O> {}
