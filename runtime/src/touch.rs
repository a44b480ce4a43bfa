//! `touch`: the time written into the linked row's timestamp column.
//!
//! The value is the program's clock ([`SystemTime`]) in UTC, to the microsecond, bound as
//! the text `YYYY-MM-DD HH:MM:SS.ffffff` — what ActiveRecord (default
//! `default_timezone = :utc`) binds and reads back, so a Rails `where(updated_at: …)` finds
//! the row:
//!
//! | backend | column SQL type | SQL |
//! |---|---|---|
//! | SQLite | `Timestamp` | `?` (stored as that text, as ActiveRecord stores it) |
//! | SQLite | `TimestamptzSqlite` | `?`, the text with `+00:00` |
//! | PostgreSQL | `Timestamp` | `CAST($1 AS TIMESTAMP)` |
//! | PostgreSQL | `Timestamptz` | `CAST($1 AS TIMESTAMPTZ)`, the text with `+00:00` |
//! | MySQL | `Timestamp`, `Datetime` | `CAST(? AS DATETIME(6))` |
//!
//! (and each `Nullable<…>` of them). Not the database's clock: SQLite's
//! `CURRENT_TIMESTAMP` has whole seconds (a touch could move a value ActiveRecord wrote
//! with microseconds backwards), and PostgreSQL's `now()` is the start of the transaction
//! (a transaction that began earlier and commits later would write an older time). One
//! clock for every backend, as ActiveRecord does it; values this process writes never
//! decrease, even when the system clock steps back (each is at least the previous one).
//! MySQL keeps the microseconds only in a `DATETIME(6)`/`TIMESTAMP(6)` column, which is
//! what Rails' migrations create.

use std::marker::PhantomData;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use diesel::expression::{
    is_aggregate, AppearsOnTable, AsExpression, Expression, SelectableExpression,
    TypedExpressionType, ValidGrouping,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{is_nullable, HasSqlType, Nullable, SingleValue, SqlType, Text, Timestamp};
use diesel::QueryResult;

use crate::backend::Backend;

/// "Now", for `touch`: `column.eq(TouchNow)` writes the current time (see the module
/// docs), taken when the statement is built.
#[derive(Debug, Clone, Copy, Default)]
pub struct TouchNow;

/// A SQL type the library can write the current time into (`touch`, and the Rails
/// timestamps `created_at`/`updated_at`).
#[diagnostic::on_unimplemented(
    message = "diesel_has_one writes the current time into this column, but its SQL type is `{Self}`",
    label = "not a timestamp column",
    note = "the `touch` column (`touch = \"…\"`, default `updated_at`) and a target's `created_at`/`updated_at` (which the association sets, as Rails does) must be `Timestamp` (or `Nullable<Timestamp>`; PostgreSQL also `Timestamptz`, SQLite `TimestamptzSqlite`, MySQL `Datetime`); opt a model out of the timestamps with `#[model(timestamps = false)]`"
)]
pub trait TouchColumn: SqlType + TypedExpressionType {
    /// Whether the type stores an instant (time zone aware): the text then ends in `+00:00`.
    const WITH_OFFSET: bool;
}

/// How backend `DB` turns the bound text into a value of this SQL type.
pub trait TouchCast<DB> {
    /// `CAST(? AS <this>)`, or the bare parameter (`None`).
    const CAST: Option<&'static str>;
}

impl TouchColumn for Timestamp {
    const WITH_OFFSET: bool = false;
}
impl<DB: Backend> TouchCast<DB> for Timestamp {
    const CAST: Option<&'static str> = DB::TIMESTAMP_CAST;
}

impl<ST> TouchColumn for Nullable<ST>
where
    ST: TouchColumn + SingleValue + SqlType<IsNull = is_nullable::NotNull>,
{
    const WITH_OFFSET: bool = ST::WITH_OFFSET;
}
impl<ST: TouchCast<DB>, DB> TouchCast<DB> for Nullable<ST> {
    const CAST: Option<&'static str> = ST::CAST;
}

#[cfg(feature = "postgres")]
impl TouchColumn for diesel::sql_types::Timestamptz {
    const WITH_OFFSET: bool = true;
}
#[cfg(feature = "postgres")]
impl TouchCast<diesel::pg::Pg> for diesel::sql_types::Timestamptz {
    const CAST: Option<&'static str> = Some("TIMESTAMPTZ");
}

#[cfg(feature = "sqlite")]
impl TouchColumn for diesel::sql_types::TimestamptzSqlite {
    const WITH_OFFSET: bool = true;
}
#[cfg(feature = "sqlite")]
impl TouchCast<diesel::sqlite::Sqlite> for diesel::sql_types::TimestamptzSqlite {
    const CAST: Option<&'static str> = None;
}

#[cfg(feature = "mysql")]
impl TouchColumn for diesel::sql_types::Datetime {
    const WITH_OFFSET: bool = false;
}
#[cfg(feature = "mysql")]
impl TouchCast<diesel::mysql::Mysql> for diesel::sql_types::Datetime {
    const CAST: Option<&'static str> = Some("DATETIME(6)");
}

impl<ST: TouchColumn> AsExpression<ST> for TouchNow {
    type Expression = TouchTime<ST>;

    fn as_expression(self) -> TouchTime<ST> {
        TouchTime::at(now_micros())
    }
}

/// One instant for several columns (`created_at` and `updated_at` of one insert get the
/// same value, as ActiveRecord gives them).
#[derive(Debug, Clone, Copy)]
pub struct Instant(i64);

impl Instant {
    /// Now, by the clock [`TouchNow`] reads.
    pub fn now() -> Self {
        Instant(now_micros())
    }

    /// This instant as a value of the column type `ST`.
    pub fn time<ST: TouchColumn>(self) -> TouchTime<ST> {
        TouchTime::at(self.0)
    }
}

/// The time [`TouchNow`] took, as an expression of the column's SQL type `ST`.
#[derive(Debug, Clone)]
pub struct TouchTime<ST> {
    text: String,
    sql_type: PhantomData<ST>,
}

impl<ST: TouchColumn> TouchTime<ST> {
    fn at(micros: i64) -> Self {
        let mut text = format_utc_micros(micros);
        if ST::WITH_OFFSET {
            text.push_str("+00:00");
        }
        TouchTime {
            text,
            sql_type: PhantomData,
        }
    }
}

impl<ST: TouchColumn> Expression for TouchTime<ST> {
    type SqlType = ST;
}
impl<ST, QS> AppearsOnTable<QS> for TouchTime<ST> where Self: Expression {}
impl<ST, QS> SelectableExpression<QS> for TouchTime<ST> where Self: Expression {}
impl<ST, GB> ValidGrouping<GB> for TouchTime<ST> {
    type IsAggregate = is_aggregate::Never;
}
// The SQL depends only on the type (the time is a bound parameter): cacheable.
impl<ST: 'static> QueryId for TouchTime<ST> {
    type QueryId = TouchTime<ST>;
    const HAS_STATIC_QUERY_ID: bool = true;
}
impl<ST, DB> QueryFragment<DB> for TouchTime<ST>
where
    ST: TouchCast<DB>,
    DB: Backend + HasSqlType<Text>,
    String: ToSql<Text, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        match ST::CAST {
            Some(sql_type) => {
                out.push_sql("CAST(");
                out.push_bind_param::<Text, String>(&self.text)?;
                out.push_sql(" AS ");
                out.push_sql(sql_type);
                out.push_sql(")");
            }
            None => out.push_bind_param::<Text, String>(&self.text)?,
        }
        Ok(())
    }
}

/// Microseconds since the Unix epoch by the system clock, never less than the value this
/// process took before.
fn now_micros() -> i64 {
    static LAST: AtomicI64 = AtomicI64::new(i64::MIN);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX));
    LAST.fetch_max(now, Ordering::Relaxed).max(now)
}

/// `YYYY-MM-DD HH:MM:SS.ffffff` (UTC) of `micros` since the Unix epoch.
fn format_utc_micros(micros: i64) -> String {
    let secs = micros.div_euclid(1_000_000);
    let fraction = micros.rem_euclid(1_000_000);
    let days = secs.div_euclid(86_400);
    let of_day = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{fraction:06}",
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, <https://howardhinnant.github.io/date_algorithms.html>).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March first
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_with_microseconds() {
        assert_eq!(format_utc_micros(0), "1970-01-01 00:00:00.000000");
        assert_eq!(format_utc_micros(1), "1970-01-01 00:00:00.000001");
        assert_eq!(format_utc_micros(-1), "1969-12-31 23:59:59.999999");
        // 2024-02-29 11:32:16.301491 UTC (a leap day)
        assert_eq!(
            format_utc_micros(1_709_206_336_301_491),
            "2024-02-29 11:32:16.301491"
        );
        assert_eq!(
            format_utc_micros(951_782_400_000_000),
            "2000-02-29 00:00:00.000000"
        );
        assert_eq!(
            format_utc_micros(253_402_300_799_999_999),
            "9999-12-31 23:59:59.999999"
        );
    }

    #[test]
    fn every_day_follows_the_previous_one() {
        // 1900-03-01 … 2400-12-31: the calendar advances by one day at a time
        let mut previous = civil_from_days(-25_508 - 1);
        for days in -25_508..157_000 {
            let (y, m, d) = civil_from_days(days);
            let (py, pm, pd) = previous;
            let next_day = y == py && m == pm && d == pd + 1;
            let next_month = y == py && m == pm + 1 && d == 1;
            let next_year = y == py + 1 && m == 1 && d == 1 && pm == 12 && pd == 31;
            assert!(
                next_day || next_month || next_year,
                "{previous:?} → {:?}",
                (y, m, d)
            );
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            let len = [
                31,
                if leap { 29 } else { 28 },
                31,
                30,
                31,
                30,
                31,
                31,
                30,
                31,
                30,
                31,
            ];
            assert!(d >= 1 && d <= len[m as usize - 1]);
            previous = (y, m, d);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
    }

    #[test]
    fn the_clock_never_goes_back_within_the_process() {
        let mut last = now_micros();
        for _ in 0..10_000 {
            let now = now_micros();
            assert!(now >= last);
            last = now;
        }
    }
}

/// No `touch` option.
#[derive(Debug, Clone, Copy)]
pub struct NoTouch;

/// `touch`: the linked row's column `Col` is set to now when the owner is saved or
/// destroyed through the library.
#[derive(Debug, Clone, Copy)]
pub struct Touches<Col>(PhantomData<Col>);
