//! Cursors of keyset pages (catalog I6.2): the sort values and key of a boundary row, with what
//! they were made for, as opaque URL-safe text.
//!
//! The text is base64url (no padding) of a version byte and the JSON array
//! `["<fingerprint>", [value, ...]]`: each value exactly as the row holds it. Floats are
//! written as their bits (so that every value, NaN and the infinities included, comes back
//! unchanged), intervals as their three parts, text as it is; every other value as the
//! document writes it, read back by its field's kind as a filter operand is (strictly). The fingerprint is a hash of the type,
//! the route, the sort, `ignore_case` and `group_by` the cursor was made for; a cursor used
//! anywhere else does not decode. Values are bound when the page's query runs, never spliced.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;

use crate::meta::ValueKind;
use crate::value::SqlValue;

/// The format of the cursor's text.
const VERSION: u8 = 1;

/// What a cursor is made for (I6.2), as one number: FNV-1a over the parts' text.
pub(crate) fn fingerprint(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// The cursor of a row whose order values (sort terms, then the key) are `values`.
pub(crate) fn encode(fingerprint: u64, values: &[&SqlValue]) -> String {
    let values: Vec<Value> = values.iter().map(|v| exact_json(v)).collect();
    let body = Value::Array(vec![
        Value::String(format!("{fingerprint:016x}")),
        Value::Array(values),
    ]);
    let mut bytes = vec![VERSION];
    // Writing a `Value` tree cannot fail.
    bytes.extend(serde_json::to_vec(&body).unwrap_or_default());
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A value as a cursor holds it: unchanged by the way back ([`read_back`]).
fn exact_json(value: &SqlValue) -> Value {
    match value {
        SqlValue::Float(f) => Value::String(format!("{:08x}", f.to_bits())),
        SqlValue::Double(f) => Value::String(format!("{:016x}", f.to_bits())),
        SqlValue::Interval {
            microseconds,
            days,
            months,
        } => serde_json::json!([microseconds, days, months]),
        SqlValue::Null | SqlValue::TypedNull(_) => Value::Null,
        other => other.to_json(),
    }
}

/// A value of `kind` as [`exact_json`] wrote it.
fn read_back(kind: ValueKind, v: &Value) -> Option<SqlValue> {
    match (kind, v) {
        (_, Value::Null) => Some(SqlValue::Null),
        (ValueKind::Float, Value::String(bits)) => u32::from_str_radix(bits, 16)
            .ok()
            .map(|b| SqlValue::Float(f32::from_bits(b))),
        (ValueKind::Double, Value::String(bits)) => u64::from_str_radix(bits, 16)
            .ok()
            .map(|b| SqlValue::Double(f64::from_bits(b))),
        (ValueKind::Interval, Value::Array(parts)) => match parts.as_slice() {
            [micros, days, months] => Some(SqlValue::Interval {
                microseconds: micros.as_i64()?,
                days: i32::try_from(days.as_i64()?).ok()?,
                months: i32::try_from(months.as_i64()?).ok()?,
            }),
            _ => None,
        },
        (ValueKind::Text, Value::String(text)) => Some(SqlValue::Text(text.clone())),
        (ValueKind::Float | ValueKind::Double | ValueKind::Interval | ValueKind::Text, _) => None,
        (kind, v) => crate::query::filter::exact_value(kind, v),
    }
}

/// The order values a cursor holds, one per kind of `kinds`; `None` when it is not text
/// [`encode`] made for `fingerprint` with values of those kinds.
pub(crate) fn decode(text: &str, fingerprint: u64, kinds: &[ValueKind]) -> Option<Vec<SqlValue>> {
    let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
    let (&version, json) = bytes.split_first()?;
    if version != VERSION {
        return None;
    }
    let body: Value = serde_json::from_slice(json).ok()?;
    let [Value::String(made_for), Value::Array(values)] = body.as_array()?.as_slice() else {
        return None;
    };
    if *made_for != format!("{fingerprint:016x}") || values.len() != kinds.len() {
        return None;
    }
    values
        .iter()
        .zip(kinds)
        .map(|(v, &kind)| read_back(kind, v))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_is_url_safe() {
        let fp = fingerprint(&["article", "sort=-title"]);
        let values = [
            SqlValue::Text("a/b+c?&=é".into()),
            SqlValue::Null,
            SqlValue::Integer(7),
        ];
        let kinds = [ValueKind::Text, ValueKind::Double, ValueKind::Integer];
        let text = encode(fp, &values.iter().collect::<Vec<_>>());
        assert!(text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(decode(&text, fp, &kinds), Some(values.to_vec()));
        // Made for something else, of other kinds, or tampered with: no cursor.
        assert_eq!(decode(&text, fp ^ 1, &kinds), None);
        assert_eq!(decode(&text, fp, &kinds[..2]), None);
        assert_eq!(
            decode(
                &text,
                fp,
                &[ValueKind::Text, ValueKind::Double, ValueKind::Text]
            ),
            None
        );
        let mut tampered = text.clone().into_bytes();
        tampered[3] = if tampered[3] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            decode(&String::from_utf8(tampered).unwrap(), fp, &kinds),
            None
        );
        assert_eq!(decode("", fp, &kinds), None);
        assert_eq!(decode("not a cursor!", fp, &kinds), None);
    }

    #[test]
    fn every_value_comes_back_unchanged() {
        let fp = 7;
        let values = [
            (SqlValue::Double(120.889_959_805_806_41), ValueKind::Double),
            (SqlValue::Double(1.0 / 3.0), ValueKind::Double),
            (SqlValue::Double(f64::NAN), ValueKind::Double),
            (SqlValue::Double(f64::NEG_INFINITY), ValueKind::Double),
            (SqlValue::Float(f32::MAX), ValueKind::Float),
            (SqlValue::Float(0.1), ValueKind::Float),
            (
                SqlValue::Interval {
                    microseconds: -5,
                    days: 2,
                    months: 1,
                },
                ValueKind::Interval,
            ),
            (SqlValue::Text("a\0b".into()), ValueKind::Text),
            (SqlValue::BigInt(i64::MIN), ValueKind::BigInt),
        ];
        let refs: Vec<&SqlValue> = values.iter().map(|(v, _)| v).collect();
        let kinds: Vec<ValueKind> = values.iter().map(|(_, k)| *k).collect();
        let back = decode(&encode(fp, &refs), fp, &kinds).unwrap();
        for ((sent, _), got) in values.iter().zip(&back) {
            match (sent, got) {
                (SqlValue::Double(a), SqlValue::Double(b)) => assert_eq!(a.to_bits(), b.to_bits()),
                (SqlValue::Float(a), SqlValue::Float(b)) => assert_eq!(a.to_bits(), b.to_bits()),
                _ => assert_eq!(sent, got),
            }
        }
    }

    #[test]
    fn fingerprints_tell_parts_apart() {
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
        assert_eq!(fingerprint(&["a", "b"]), fingerprint(&["a", "b"]));
    }
}
