//! The key values associations compare: the owner's key and the target's foreign key.

use std::hash::Hash;

use diesel::sql_types::{BigInt, Integer, Nullable, SmallInt, SqlType, Text};

/// A value that can be the key of a `has_one`: the owner's primary key (or the column named
/// by `primary_key = "…"`) and, with the same SQL type, the target's foreign key.
///
/// Implemented for `i16`, `i32`, `i64` and `String`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the key of a `has_one`",
    note = "owner keys must be `i16`, `i32`, `i64` or `String`"
)]
pub trait Key: Clone + Eq + Hash + 'static {
    /// The key's (not nullable) SQL type.
    type SqlType: SqlType + diesel::sql_types::SingleValue;

    /// The SQL type MySQL's `JSON_TABLE` gives a key column (see [`KeyIn`](crate::key_set::KeyIn)).
    const MYSQL_TYPE: &'static str;

    /// Appends the key as a JSON value.
    fn write_json(&self, out: &mut String);

    /// Reads one JSON value written by [`write_json`](Key::write_json); `None` if it is
    /// not one. Used by durable jobs, which store keys as JSON arrays.
    fn read_json(text: &str) -> Option<Self>;
}

/// `[k1,k2,…]` as JSON.
pub fn to_json_array<K: Key>(keys: &[K]) -> String {
    let mut out = String::from("[");
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        k.write_json(&mut out);
    }
    out.push(']');
    out
}

/// The keys of a JSON array written by [`to_json_array`]; `None` if it is not one.
pub fn from_json_array<K: Key>(text: &str) -> Option<Vec<K>> {
    let inner = text.trim().strip_prefix('[')?.strip_suffix(']')?.trim();
    if inner.is_empty() {
        return Some(Vec::new());
    }
    split_json_values(inner)
        .iter()
        .map(|v| K::read_json(v.trim()))
        .collect()
}

/// Splits the top level of a JSON array's contents at commas outside strings.
fn split_json_values(inner: &str) -> Vec<&str> {
    let (mut parts, mut start, mut in_string, mut escaped) = (Vec::new(), 0, false, false);
    for (i, c) in inner.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            ',' if !in_string => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
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

macro_rules! integer_keys {
    ($($rust:ty => $sql:ty, $mysql:literal;)*) => {$(
        impl Key for $rust {
            type SqlType = $sql;
            const MYSQL_TYPE: &'static str = $mysql;

            fn write_json(&self, out: &mut String) {
                use std::fmt::Write;
                let _ = write!(out, "{self}");
            }

            fn read_json(text: &str) -> Option<Self> {
                text.parse().ok()
            }
        }
        impl KeyFits<$sql> for $rust {}
        impl KeyFits<Nullable<$sql>> for $rust {}
    )*};
}

integer_keys! {
    i16 => SmallInt, "SMALLINT";
    i32 => Integer, "INT";
    i64 => BigInt, "BIGINT";
}

impl Key for String {
    type SqlType = Text;
    // TEXT, not VARCHAR(n): JSON_TABLE truncates a longer key, which then matches nothing.
    const MYSQL_TYPE: &'static str = "TEXT";

    fn write_json(&self, out: &mut String) {
        out.push('"');
        for c in self.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if (c as u32) < 0x20 => {
                    use std::fmt::Write;
                    let _ = write!(out, "\\u{:04x}", c as u32);
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }

    fn read_json(text: &str) -> Option<Self> {
        let body = text.strip_prefix('"')?.strip_suffix('"')?;
        let mut out = String::with_capacity(body.len());
        let mut chars = body.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next()? {
                '"' => out.push('"'),
                '\\' => out.push('\\'),
                '/' => out.push('/'),
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                _ => return None,
            }
        }
        Some(out)
    }
}
impl KeyFits<Text> for String {}
impl KeyFits<Nullable<Text>> for String {}

#[cfg(test)]
mod tests {
    use super::Key;

    fn json<K: Key>(keys: &[K]) -> String {
        let mut out = String::new();
        for k in keys {
            k.write_json(&mut out);
            out.push(',');
        }
        out
    }

    #[test]
    fn json_arrays_round_trip() {
        let keys = vec![
            "a\"b\\c\n,]'; drop table x;--".to_string(),
            String::new(),
            "ü".into(),
        ];
        let text = super::to_json_array(&keys);
        assert_eq!(super::from_json_array::<String>(&text), Some(keys));
        assert_eq!(
            super::from_json_array::<i64>("[1,-2, 3]"),
            Some(vec![1, -2, 3])
        );
        assert_eq!(super::from_json_array::<i32>("[]"), Some(vec![]));
        assert_eq!(super::from_json_array::<i32>("[1,x]"), None);
    }

    #[test]
    fn integers_and_strings_are_valid_json() {
        assert_eq!(json(&[1i32, -7]), "1,-7,");
        assert_eq!(
            json(&["a\"b\\c\n'; drop table x;--".to_string()]),
            "\"a\\\"b\\\\c\\u000a'; drop table x;--\","
        );
    }
}
