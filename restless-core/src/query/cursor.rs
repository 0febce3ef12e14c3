//! Cursors of keyset pages (catalog I6.2): the sort values and key of a boundary row, with what
//! they were made for, as opaque URL-safe text.
//!
//! The text is base64url (no padding) of a version byte and the JSON array
//! `["<fingerprint>", [value, ...]]`: each value written as the document writes it, read back
//! by its field's kind as a filter operand is (strictly). The fingerprint is a hash of the type,
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
    let values: Vec<Value> = values.iter().map(|v| v.to_json()).collect();
    let body = Value::Array(vec![
        Value::String(format!("{fingerprint:016x}")),
        Value::Array(values),
    ]);
    let mut bytes = vec![VERSION];
    // Writing a `Value` tree cannot fail.
    bytes.extend(serde_json::to_vec(&body).unwrap_or_default());
    URL_SAFE_NO_PAD.encode(bytes)
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
        .map(|(v, &kind)| match v {
            Value::Null => Some(SqlValue::Null),
            v => crate::query::filter::exact_value(kind, v),
        })
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
    fn fingerprints_tell_parts_apart() {
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
        assert_eq!(fingerprint(&["a", "b"]), fingerprint(&["a", "b"]));
    }
}
