//! r2d2 pooled connections (feature `r2d2`): a `PooledConnection` is passed as it is
//! (`&mut pooled`) to every method, `jobs` function and `audit`. Each trait forwards to the
//! connection the pool handed out; transactions go through the pool's transaction manager,
//! which is that connection's.

use diesel::r2d2::{ManageConnection, PooledConnection, R2D2Connection};
use diesel::{Connection, QueryResult};

use crate::connection::Conn;
use crate::error::Error;
use crate::jobs::{Handlers, Job, JobStore, RunJob};

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

impl<M: Pooled> Handlers for PooledConnection<M>
where
    M::Raw: Handlers,
{
    fn handler(association: &str) -> Option<RunJob<Self>> {
        M::Raw::handler(association).map(|_| run_held::<M> as RunJob<Self>)
    }
}

/// Runs a job on the held connection with the handler registered for it.
fn run_held<M: Pooled>(conn: &mut PooledConnection<M>, job: &Job) -> Result<(), Error>
where
    M::Raw: Handlers,
{
    let run = M::Raw::handler(&job.association).expect("found by `handler` before");
    run(&mut **conn, job)
}

impl<M: Pooled> JobStore for PooledConnection<M>
where
    M::Raw: JobStore,
    Self: Conn,
{
    const DDL: &'static str = <M::Raw as JobStore>::DDL;

    fn claim_job(&mut self, now: i64) -> QueryResult<Option<Job>> {
        (**self).claim_job(now)
    }

    fn finish_job(&mut self, id: i32, now: i64) -> QueryResult<()> {
        (**self).finish_job(id, now)
    }

    fn fail_job(&mut self, id: i32, attempts: i32, error: &str, run_after: i64) -> QueryResult<()> {
        (**self).fail_job(id, attempts, error, run_after)
    }

    fn pending_jobs(&mut self) -> QueryResult<Vec<Job>> {
        (**self).pending_jobs()
    }

    fn make_due(&mut self, now: i64) -> QueryResult<usize> {
        (**self).make_due(now)
    }
}
