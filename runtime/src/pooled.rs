//! r2d2 pooled connections (feature `r2d2`): a `PooledConnection` is passed as it is
//! (`&mut pooled`) to every method, `jobs` function and `audit`. Each trait forwards to the
//! connection the pool handed out; transactions go through the pool's transaction manager,
//! which is that connection's.

use diesel::r2d2::{ManageConnection, PooledConnection, R2D2Connection};
use diesel::Connection;

use crate::connection::Conn;

/// The bounds Diesel puts on a pooled connection, with the held connection one of ours.
pub trait Pooled: ManageConnection<Connection = Self::Raw> {
    /// The connection the pool hands out.
    type Raw: Conn + R2D2Connection + Send + 'static;
}

impl<M> Pooled for M
where
    M: ManageConnection,
    M::Connection: Conn + R2D2Connection + Send + 'static,
{
    type Raw = M::Connection;
}

impl<M: Pooled> Conn for PooledConnection<M>
where
    Self: Connection<Backend = <M::Raw as Conn>::DB>,
{
    type DB = <M::Raw as Conn>::DB;

    fn begin_write(&mut self, sql: &str) -> Result<(), diesel::result::Error> {
        (**self).begin_write(sql)
    }
}
