//! The key values associations compare: the owner's key and the target's foreign key.

use std::hash::Hash;

use diesel::sql_types::{BigInt, Integer, Nullable, SingleValue, SmallInt, SqlType, Text};
use serde::de::DeserializeOwned;
use serde::{Serialize, Serializer};

/// A value that can be the key of a `has_one`: the owner's primary key (or the column named
/// by `primary_key = "…"`) and, with the same SQL type, the target's foreign key.
///
/// Implemented for `i16`, `i32`, `i64`, `String` and (features `uuid` and `postgres`)
/// `uuid::Uuid`; your
/// own key type, a newtype around one of them with Diesel's `AsExpression` and
/// `FromSqlRow`, gets it from `#[derive(diesel_has_one::Key)]`:
///
/// ```
/// use diesel::backend::Backend;
/// use diesel::deserialize::{self, FromSql, FromSqlRow};
/// use diesel::expression::AsExpression;
/// use diesel::serialize::{self, Output, ToSql};
/// use diesel::sql_types::BigInt;
///
/// #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, AsExpression, FromSqlRow, diesel_has_one::Key)]
/// #[diesel(sql_type = BigInt)]
/// pub struct UserId(pub i64);
///
/// // what Diesel needs of any column value, for every backend at once
/// impl<DB: Backend> FromSql<BigInt, DB> for UserId
/// where
///     i64: FromSql<BigInt, DB>,
/// {
///     fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
///         i64::from_sql(bytes).map(UserId)
///     }
/// }
///
/// impl<DB: Backend> ToSql<BigInt, DB> for UserId
/// where
///     i64: ToSql<BigInt, DB>,
/// {
///     fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
///         self.0.to_sql(out)
///     }
/// }
/// ```
///
/// `Key` needs neither `Ord` nor serde of the newtype: locks are taken in the order of
/// the wrapped key, and key sets are written from it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the key of a `has_one`",
    note = "keys are `i16`, `i32`, `i64`, `String`, `uuid::Uuid` (features `uuid` + `postgres` of diesel_has_one), or a newtype around one of them with `#[derive(diesel_has_one::Key)]`"
)]
pub trait Key: Clone + Eq + Hash + Send + Sync + 'static {
    /// The key's (not nullable) SQL type.
    type SqlType: KeySql;

    /// The built-in key this one is stored as in key sets and job payloads (JSON): the
    /// type itself for the built-in keys, the wrapped key for a newtype.
    type Repr: BuiltIn;

    /// The key as its [`Repr`](Key::Repr).
    fn repr(&self) -> &Self::Repr;

    /// The key from its [`Repr`](Key::Repr).
    fn from_repr(repr: Self::Repr) -> Self;
}

/// The SQL type of a key column.
pub trait KeySql: SqlType + SingleValue {
    /// The SQL type MySQL's `JSON_TABLE` gives a key column (see [`KeyIn`](crate::key_set::KeyIn)).
    const MYSQL_TYPE: &'static str;
}

/// A key the crate itself writes as JSON: `i16`, `i32`, `i64`, `String`, `uuid::Uuid`.
/// Sealed, so writing a key set never fails (every one of them serializes).
pub trait BuiltIn: Key<Repr = Self> + Ord + Serialize + DeserializeOwned + sealed::Sealed {
    /// Whether `Ord` orders these keys as every backend's `ORDER BY` orders their column:
    /// integers and UUIDs (bytes); not text, which the database orders by its collation.
    /// A preload of an unscoped association then picks each owner's lowest key itself and
    /// sends no `ORDER BY` (see [`PreloadOrder`](crate::preload_order::PreloadOrder)).
    const ORDERED_LIKE_SQL: bool;
}

mod sealed {
    pub trait Sealed {}
}

/// The keys `keys` as one JSON array (`[1,2]`, `["a","b"]`).
pub fn to_json_array<K: Key>(keys: &[K]) -> String {
    struct Reprs<'a, K>(&'a [K]);
    impl<K: Key> Serialize for Reprs<'_, K> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.0.iter().map(Key::repr))
        }
    }
    let mut out = Vec::with_capacity(keys.len() * 8 + 2);
    serde_json::to_writer(&mut out, &Reprs(keys))
        .expect("integers, strings and UUIDs always serialize to JSON");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// The keys of a JSON array written by [`to_json_array`]; `None` if the text is not a
/// JSON array of such keys.
pub fn from_json_array<K: Key>(text: &str) -> Option<Vec<K>> {
    let reprs: Vec<K::Repr> = serde_json::from_str(text).ok()?;
    Some(reprs.into_iter().map(K::from_repr).collect())
}

/// The owner's key type `Self` fits the foreign key column's SQL type `ST`.
#[diagnostic::on_unimplemented(
    message = "the foreign key column has SQL type `{ST}`, which does not hold the owner's key `{Self}`",
    label = "foreign key type differs from the owner's key type",
    note = "make the foreign key column the same SQL type as the owner's key (nullable or not), or name another owner key with `primary_key = \"…\"`"
)]
pub trait KeyFits<ST>: diesel::expression::AsExpression<ST>
where
    ST: SqlType + diesel::expression::TypedExpressionType,
{
}

/// `Key`, `KeyFits` and `KeySql` for built-in keys.
macro_rules! built_in_keys {
    ($($(#[$cfg:meta])* $rust:ty => $sql:ty, $mysql:literal, $ordered:literal;)*) => {$(
        $(#[$cfg])*
        impl KeySql for $sql {
            const MYSQL_TYPE: &'static str = $mysql;
        }
        $(#[$cfg])*
        impl Key for $rust {
            type SqlType = $sql;
            type Repr = Self;

            fn repr(&self) -> &Self {
                self
            }

            fn from_repr(repr: Self) -> Self {
                repr
            }
        }
        $(#[$cfg])*
        impl sealed::Sealed for $rust {}
        $(#[$cfg])*
        impl BuiltIn for $rust {
            const ORDERED_LIKE_SQL: bool = $ordered;
        }
        $(#[$cfg])*
        impl KeyFits<$sql> for $rust {}
        $(#[$cfg])*
        impl KeyFits<Nullable<$sql>> for $rust {}
    )*};
}

built_in_keys! {
    i16 => SmallInt, "SMALLINT", true;
    i32 => Integer, "INT", true;
    i64 => BigInt, "BIGINT", true;
    // TEXT, not VARCHAR(n): JSON_TABLE truncates a longer key, which then matches nothing.
    // Ordered by the column's collation, which `Ord` on bytes need not agree with.
    String => Text, "TEXT", false;
    // Diesel has the `Uuid` SQL type on PostgreSQL only; the MySQL type is never used.
    // PostgreSQL orders `uuid` by its 16 bytes, as `Uuid`'s `Ord` does.
    #[cfg(all(feature = "uuid", feature = "postgres"))]
    uuid::Uuid => diesel::sql_types::Uuid, "CHAR(36)", true;
}

#[cfg(test)]
mod tests {
    use super::{from_json_array, to_json_array};

    #[test]
    fn json_arrays_round_trip() {
        let keys = vec![
            "a\"b\\c\n,]'; drop table x;--".to_string(),
            String::new(),
            "ü".into(),
            "😀".into(),
        ];
        let text = to_json_array(&keys);
        assert_eq!(from_json_array::<String>(&text), Some(keys));
        assert_eq!(from_json_array::<i64>("[1,-2, 3]"), Some(vec![1, -2, 3]));
        assert_eq!(from_json_array::<i32>("[]"), Some(vec![]));
    }

    #[test]
    fn integers_and_strings_are_valid_json() {
        assert_eq!(to_json_array(&[1i32, -7]), "[1,-7]");
        assert_eq!(
            to_json_array(&["a\"b\\c\n'; drop table x;--".to_string()]),
            r#"["a\"b\\c\n'; drop table x;--"]"#
        );
    }

    #[test]
    fn invalid_json_is_rejected() {
        for text in [
            r#"["a" "b"]"#,
            "[1,x]",
            "[1,]",
            "[1",
            "1",
            r#"{"a":1}"#,
            "[1.5]",
        ] {
            assert_eq!(from_json_array::<String>(text), None, "{text}");
            assert_eq!(from_json_array::<i32>(text), None, "{text}");
        }
        // out of range for the key type
        assert_eq!(from_json_array::<i16>("[40000]"), None);
    }

    #[test]
    fn surrogate_pair_escapes_are_read() {
        assert_eq!(
            from_json_array::<String>(r#"["\ud83d\ude00", "\u00fc\/"]"#),
            Some(vec!["😀".to_string(), "ü/".to_string()])
        );
    }

    #[cfg(all(feature = "uuid", feature = "postgres"))]
    #[test]
    fn uuids_round_trip_as_strings() {
        let id = uuid::Uuid::from_u128(0x1234_5678_9abc_def0_1234_5678_9abc_def0);
        let text = to_json_array(&[id]);
        assert_eq!(text, r#"["12345678-9abc-def0-1234-56789abcdef0"]"#);
        assert_eq!(from_json_array::<uuid::Uuid>(&text), Some(vec![id]));
    }
}
