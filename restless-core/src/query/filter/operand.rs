//! Operands typed by their field (M4): coercion of JSON values, and how kinds are named in errors.

use serde_json::Value;

use super::{Marker, Operand};
use crate::codec::Codec;
use crate::meta::ValueKind;
use crate::temporal::Literal;
use crate::value::{SqlValue, UserValue};

/// How a kind is named in errors (M3.2).
pub(super) fn kind_name(kind: ValueKind) -> &'static str {
    match kind.base() {
        ValueKind::SmallInt | ValueKind::Integer | ValueKind::BigInt => "integer",
        ValueKind::Float | ValueKind::Double | ValueKind::Numeric { .. } => "number",
        ValueKind::Binary => "binary",
        ValueKind::Json | ValueKind::Jsonb => "JSON",
        ValueKind::Inet => "inet",
        ValueKind::Cidr => "cidr",
        ValueKind::Text => "text",
        ValueKind::Bool => "boolean",
        ValueKind::Date => "date",
        ValueKind::Time => "time",
        ValueKind::Timestamp | ValueKind::TimestampTz => "timestamp",
        ValueKind::Uuid => "uuid",
        ValueKind::Interval => "interval",
        ValueKind::Enum => "enum",
        ValueKind::User(_) => "value",
    }
}

/// What a kind expects, in M4.6's and G6.1's words.
pub(crate) fn expects(kind: ValueKind) -> &'static str {
    match kind {
        ValueKind::SmallInt | ValueKind::Integer | ValueKind::BigInt => "an integer",
        ValueKind::Float | ValueKind::Double => "a number",
        ValueKind::Numeric { .. } => "a decimal number",
        ValueKind::Binary => "a base64 string",
        ValueKind::Json | ValueKind::Jsonb => "a JSON value",
        ValueKind::Inet => "an IP address or network",
        ValueKind::Cidr => "an IP network",
        ValueKind::Text => "a string",
        ValueKind::Bool => "a boolean",
        ValueKind::Date => "a date (YYYY-MM-DD)",
        ValueKind::Time => "a time (HH:MM:SS)",
        ValueKind::Timestamp | ValueKind::TimestampTz => "a timestamp (YYYY-MM-DDTHH:MM:SS)",
        ValueKind::Uuid => "a UUID",
        ValueKind::Interval => "a number of seconds",
        ValueKind::Enum | ValueKind::User(_) => "a value of its type",
    }
}

fn is_temporal(kind: ValueKind) -> bool {
    matches!(
        kind,
        ValueKind::Date | ValueKind::Time | ValueKind::Timestamp | ValueKind::TimestampTz
    )
}

/// The class of kinds that compare with each other (M4.5).
pub(super) fn comparable(a: ValueKind, b: ValueKind) -> bool {
    let class = |k: ValueKind| match k {
        ValueKind::SmallInt
        | ValueKind::Integer
        | ValueKind::BigInt
        | ValueKind::Float
        | ValueKind::Double
        | ValueKind::Numeric { .. } => 0,
        ValueKind::Timestamp | ValueKind::TimestampTz => 1,
        _ => 2,
    };
    // Values of SQL types of the application's own compare only with their own type.
    if a.base() == ValueKind::Enum || b.base() == ValueKind::Enum {
        return a == b;
    }
    let (a, b) = (a.base(), b.base());
    match (class(a), class(b)) {
        (2, 2) => a == b,
        (x, y) => x == y,
    }
}

/// Coerces a JSON operand to `kind` (M4.1, M4.2); `Err` carries the "expects" sentence.
pub(super) fn coerce(kind: ValueKind, v: &Value, lenient: bool) -> Result<Operand, ()> {
    let text = v.as_str();
    let int = |min: i64, max: i64| -> Result<i64, ()> {
        let n = match v {
            Value::Number(n) => n.as_i64().ok_or(())?,
            Value::String(s) if lenient => s.parse::<i64>().map_err(|_| ())?,
            _ => return Err(()),
        };
        if (min..=max).contains(&n) {
            Ok(n)
        } else {
            Err(())
        }
    };
    let value = match kind {
        ValueKind::User(codec) => user_operand(codec, v, lenient).ok_or(())?,
        ValueKind::SmallInt => SqlValue::SmallInt(int(i16::MIN.into(), i16::MAX.into())? as i16),
        ValueKind::Integer => SqlValue::Integer(int(i32::MIN.into(), i32::MAX.into())? as i32),
        ValueKind::BigInt => SqlValue::BigInt(int(i64::MIN, i64::MAX)?),
        ValueKind::Float | ValueKind::Double => {
            let f = match v {
                Value::Number(n) => n.as_f64().ok_or(())?,
                Value::String(s) if lenient => {
                    s.parse::<f64>().ok().filter(|f| f.is_finite()).ok_or(())?
                }
                _ => return Err(()),
            };
            if kind == ValueKind::Float {
                if f.abs() > f64::from(f32::MAX) {
                    return Err(());
                }
                SqlValue::Float(f as f32)
            } else {
                SqlValue::Double(f)
            }
        }
        ValueKind::Numeric { .. } => {
            let d = match v {
                Value::Number(n) => crate::value::parse_decimal(&n.to_string()),
                Value::String(s) => crate::value::parse_decimal(s),
                _ => None,
            };
            SqlValue::Numeric(d.ok_or(())?)
        }
        ValueKind::Binary => {
            SqlValue::Binary(crate::value::decode_base64(text.ok_or(())?).ok_or(())?)
        }
        #[cfg(feature = "postgres")]
        ValueKind::Inet | ValueKind::Cidr => {
            crate::value::parse_network(text.ok_or(())?, kind == ValueKind::Cidr).ok_or(())?
        }
        ValueKind::Text => SqlValue::Text(text.filter(|s| !s.contains('\0')).ok_or(())?.to_owned()),
        ValueKind::Bool => match v {
            Value::Bool(b) => SqlValue::Bool(*b),
            Value::String(s) if lenient && s == "true" => SqlValue::Bool(true),
            Value::String(s) if lenient && s == "false" => SqlValue::Bool(false),
            _ => return Err(()),
        },
        ValueKind::Uuid => SqlValue::Uuid(uuid::Uuid::parse_str(text.ok_or(())?).map_err(|_| ())?),
        k if is_temporal(k) => {
            let s = text.ok_or(())?;
            if let Some(m) = Marker::parse(s) {
                return Ok(Operand::Marker(m, k));
            }
            Literal::parse(s, k == ValueKind::Time)
                .and_then(|l| l.to_value(k))
                .ok_or(())?
        }
        _ => return Err(()),
    };
    Ok(Operand::Value(value))
}

/// A user type's operand: its serde form (G1.3, M4.8); leniently, a string holding the JSON
/// text of a number or boolean too, as for the built-in kinds (G6.3).
fn user_operand(codec: &'static Codec, v: &Value, lenient: bool) -> Option<SqlValue> {
    let value = codec.from_json(v).ok().or_else(|| {
        let s = v.as_str().filter(|_| lenient)?;
        let parsed: Value = serde_json::from_str(s).ok()?;
        matches!(parsed, Value::Number(_) | Value::Bool(_))
            .then(|| codec.from_json(&parsed).ok())
            .flatten()
    })?;
    Some(SqlValue::User(UserValue { value, codec }))
}

/// An id operand of a key of `kind` (M4.7): `Ok(None)` when it names no resource.
pub(super) fn coerce_id(kind: ValueKind, v: &Value) -> Result<Option<SqlValue>, ()> {
    match v {
        Value::String(s) => Ok(SqlValue::parse_id(kind, s)),
        Value::Number(_)
            if matches!(
                kind,
                ValueKind::SmallInt | ValueKind::Integer | ValueKind::BigInt | ValueKind::User(_)
            ) =>
        {
            match coerce(kind, v, false) {
                Ok(Operand::Value(v)) => Ok(Some(v)),
                _ => Err(()),
            }
        }
        _ => Err(()),
    }
}
