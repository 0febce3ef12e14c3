//! Column values: the one owned representation restless reads from and binds to every backend,
//! and how values are written in documents (catalog G1, G2, G5.1) and ids (F1.2, E4.1).

use base64::Engine as _;
use bigdecimal::BigDecimal;
use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use serde_json::Value;

use crate::codec::{AnyValue, Codec};
use crate::json::Json;
use crate::meta::ValueKind;

/// One column value, as read from or bound to the database.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum SqlValue {
    /// SQL NULL.
    Null,
    /// SQL NULL bound with the type of a column of `kind` (PostgreSQL types every parameter).
    TypedNull(ValueKind),
    /// A `SmallInt`.
    SmallInt(i16),
    /// An `Integer`.
    Integer(i32),
    /// A `BigInt`.
    BigInt(i64),
    /// A `Float`.
    Float(f32),
    /// A `Double`.
    Double(f64),
    /// A `Text`.
    Text(String),
    /// A `Bool`.
    Bool(bool),
    /// A `Date`.
    Date(NaiveDate),
    /// A `Time`.
    Time(NaiveTime),
    /// A `Timestamp` without time zone (taken as UTC, G2.3).
    Timestamp(NaiveDateTime),
    /// A `Timestamptz`.
    TimestampTz(DateTime<Utc>),
    /// A `Uuid`.
    Uuid(uuid::Uuid),
    /// An interval as PostgreSQL stores it.
    Interval {
        /// Microseconds.
        microseconds: i64,
        /// Days.
        days: i32,
        /// Months.
        months: i32,
    },
    /// A `Numeric` (G1.2).
    Numeric(BigDecimal),
    /// A `Binary`.
    Binary(Vec<u8>),
    /// A `Json` value.
    Json(Value),
    /// A `Jsonb` value.
    Jsonb(Value),
    /// An `Inet` (PostgreSQL).
    #[cfg(feature = "postgres")]
    Inet(ipnetwork::IpNetwork),
    /// A `Cidr` (PostgreSQL).
    #[cfg(feature = "postgres")]
    Cidr(ipnetwork::IpNetwork),
    /// A value of a Rust type of the application's own (G1.3).
    User(UserValue),
}

/// A value of a user type with the codec that reads, writes and binds it.
#[derive(Clone)]
pub struct UserValue {
    /// The value, of the codec's Rust type.
    pub value: AnyValue,
    /// Its codec.
    pub codec: &'static Codec,
}

impl UserValue {
    /// The value's serde form (G1.3); `null` if it cannot be serialized.
    pub fn to_json(&self) -> Value {
        self.codec.to_json(&*self.value).unwrap_or(Value::Null)
    }
}

impl PartialEq for UserValue {
    fn eq(&self, other: &Self) -> bool {
        self.codec == other.codec && self.to_json() == other.to_json()
    }
}

impl std::fmt::Debug for UserValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}({})", self.codec.type_name(), self.to_json())
    }
}

impl SqlValue {
    /// The value as written in a document's `attributes` (G1.1).
    pub fn to_json(&self) -> Value {
        match self {
            SqlValue::Null | SqlValue::TypedNull(_) => Value::Null,
            SqlValue::SmallInt(v) => Value::from(*v),
            SqlValue::Integer(v) => Value::from(*v),
            SqlValue::BigInt(v) => Value::from(*v),
            // The shortest decimal that reads back as the same f32, not its f64 widening.
            SqlValue::Float(v) => finite(v.to_string().parse::<f64>().unwrap_or(f64::NAN)),
            SqlValue::Double(v) => finite(*v),
            SqlValue::Text(v) => Value::String(v.clone()),
            SqlValue::Bool(v) => Value::Bool(*v),
            SqlValue::Date(d) => Value::String(format_date(*d)),
            SqlValue::Time(t) => Value::String(format_time(*t)),
            SqlValue::Timestamp(ts) => Value::String(format_timestamp(*ts)),
            SqlValue::TimestampTz(ts) => {
                Value::String(format!("{}+00:00", format_timestamp(ts.naive_utc())))
            }
            SqlValue::Uuid(u) => Value::String(u.hyphenated().to_string()),
            SqlValue::Interval {
                microseconds,
                days,
                months,
            } => interval_seconds(*microseconds, *days, *months),
            SqlValue::Numeric(d) => Value::String(d.to_plain_string()),
            SqlValue::Binary(b) => {
                Value::String(base64::engine::general_purpose::STANDARD.encode(b))
            }
            SqlValue::Json(v) | SqlValue::Jsonb(v) => v.clone(),
            // As PostgreSQL writes them: a host address without its full-length prefix.
            #[cfg(feature = "postgres")]
            SqlValue::Inet(n) if n.prefix() == max_prefix(n) => Value::String(n.ip().to_string()),
            #[cfg(feature = "postgres")]
            SqlValue::Inet(n) | SqlValue::Cidr(n) => Value::String(n.to_string()),
            SqlValue::User(v) => v.to_json(),
        }
    }

    /// The value as a resource `id` string (F1.2), for key kinds; `None` for NULL and for kinds
    /// that cannot be keys.
    pub fn to_id(&self) -> Option<String> {
        match self {
            SqlValue::SmallInt(v) => Some(v.to_string()),
            SqlValue::Integer(v) => Some(v.to_string()),
            SqlValue::BigInt(v) => Some(v.to_string()),
            SqlValue::Text(v) => Some(v.clone()),
            SqlValue::Uuid(u) => Some(u.hyphenated().to_string()),
            // A user key is the string or the integer it serializes as (F1.3).
            SqlValue::User(v) => match v.to_json() {
                Value::String(s) => Some(s),
                Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether [`to_id`](Self::to_id) gives an id, without building it.
    pub(crate) fn is_id(&self) -> bool {
        match self {
            SqlValue::SmallInt(_)
            | SqlValue::Integer(_)
            | SqlValue::BigInt(_)
            | SqlValue::Text(_)
            | SqlValue::Uuid(_) => true,
            SqlValue::User(_) => self.to_id().is_some(),
            _ => false,
        }
    }

    /// Parses an id from a URL segment (already percent-decoded) into a value of `kind`, in the
    /// canonical form only (E4.1): `None` means "no such resource", never an error.
    pub fn parse_id(kind: ValueKind, id: &str) -> Option<SqlValue> {
        fn canonical_int<T: std::str::FromStr + ToString>(id: &str) -> Option<T> {
            let v = id.parse::<T>().ok()?;
            (v.to_string() == id).then_some(v)
        }
        match kind {
            ValueKind::SmallInt => canonical_int(id).map(SqlValue::SmallInt),
            ValueKind::Integer => canonical_int(id).map(SqlValue::Integer),
            ValueKind::BigInt => canonical_int(id).map(SqlValue::BigInt),
            // No stored key holds U+0000 (PostgreSQL cannot store it).
            ValueKind::Text => (!id.contains('\0')).then(|| SqlValue::Text(id.to_owned())),
            ValueKind::Uuid => {
                let u = uuid::Uuid::parse_str(id).ok()?;
                (u.hyphenated().to_string() == id).then_some(SqlValue::Uuid(u))
            }
            // The segment as a JSON string, or as an integer; canonical when it writes back
            // to the same text (F1.3).
            // No stored key holds U+0000 (PostgreSQL cannot store it in text).
            ValueKind::User(_) if id.contains('\0') => None,
            ValueKind::User(codec) => {
                let as_number = || {
                    id.parse::<i64>()
                        .ok()
                        .filter(|n| n.to_string() == id)
                        .map(Value::from)
                };
                let value = codec
                    .from_json(&Value::String(id.to_owned()))
                    .ok()
                    .or_else(|| as_number().and_then(|n| codec.from_json(&n).ok()))?;
                let value = SqlValue::User(UserValue { value, codec });
                (value.to_id().as_deref() == Some(id)).then_some(value)
            }
            _ => None,
        }
    }
}

/// A decimal in plain or scientific notation (`"12.50"`, `"1e3"`), finite; `None` otherwise.
pub(crate) fn parse_decimal(s: &str) -> Option<BigDecimal> {
    use std::str::FromStr;
    let s = s.trim();
    // Bounded, so that "1e999999999" cannot make a huge number.
    if s.is_empty() || s.len() > 100 {
        return None;
    }
    let d = BigDecimal::from_str(s).ok()?;
    let (_, exponent) = d.as_bigint_and_exponent();
    (exponent.abs() <= 1000).then_some(d)
}

/// The prefix length of a single host of `n`'s family.
#[cfg(feature = "postgres")]
fn max_prefix(n: &ipnetwork::IpNetwork) -> u8 {
    if n.is_ipv4() {
        32
    } else {
        128
    }
}

/// An address or network in PostgreSQL's input syntax (`"192.168.1.0/24"`, `"::1"`); a `Cidr`
/// has no bits set right of its prefix.
#[cfg(feature = "postgres")]
pub(crate) fn parse_network(s: &str, cidr: bool) -> Option<SqlValue> {
    let n: ipnetwork::IpNetwork = s.trim().parse().ok()?;
    if cidr {
        (n.network() == n.ip()).then_some(SqlValue::Cidr(n))
    } else {
        Some(SqlValue::Inet(n))
    }
}

/// Standard base64 with padding (G1.1 `Binary`).
pub(crate) fn decode_base64(s: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(s).ok()
}

/// A decimal with exactly `scale` digits after the point (G1.2), rounded half to even.
pub(crate) fn with_scale(d: BigDecimal, scale: Option<u16>) -> BigDecimal {
    match scale {
        Some(scale) => d.with_scale_round(i64::from(scale), bigdecimal::RoundingMode::HalfEven),
        None => d,
    }
}

fn finite(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// `YYYY-MM-DD` (G2.1).
pub fn format_date(d: NaiveDate) -> String {
    DateText(d).to_string()
}

/// `HH:MM:SS`, or `HH:MM:SS.ffffff` when the fraction is not zero (G2.2).
pub fn format_time(t: NaiveTime) -> String {
    TimeText(t).to_string()
}

/// Date, `T`, time, no offset (G2.3).
pub fn format_timestamp(ts: NaiveDateTime) -> String {
    TimestampText(ts).to_string()
}

/// A date, time or timestamp written into a buffer on the stack, digit by digit (the usual
/// years 0–9999 and times without a leap second); `None` for the rest, which chrono writes.
struct Text {
    buf: [u8; 32],
    len: usize,
}

impl Text {
    fn new() -> Self {
        Text {
            buf: [0; 32],
            len: 0,
        }
    }

    fn byte(&mut self, b: u8) {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        }
    }

    /// `value` in exactly `width` decimal digits.
    fn digits(&mut self, value: u32, width: u32) {
        for i in (0..width).rev() {
            let digit = (value / 10u32.pow(i)) % 10;
            self.byte(b'0' + digit as u8);
        }
    }

    fn date(&mut self, d: NaiveDate) -> Option<()> {
        let year = u32::try_from(d.year()).ok().filter(|y| *y <= 9999)?;
        self.digits(year, 4);
        self.byte(b'-');
        self.digits(d.month(), 2);
        self.byte(b'-');
        self.digits(d.day(), 2);
        Some(())
    }

    fn time(&mut self, t: NaiveTime) -> Option<()> {
        // A leap second's nanoseconds run past 10^9 (chrono shows it as second 60).
        if t.nanosecond() >= 1_000_000_000 {
            return None;
        }
        self.digits(t.hour(), 2);
        self.byte(b':');
        self.digits(t.minute(), 2);
        self.byte(b':');
        self.digits(t.second(), 2);
        let micros = t.nanosecond() / 1_000;
        if micros != 0 {
            self.byte(b'.');
            self.digits(micros, 6);
        }
        Some(())
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }
}

/// A date as [`format_date`] writes it, without an intermediate string.
struct DateText(NaiveDate);

impl fmt::Display for DateText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = Text::new();
        match text.date(self.0) {
            Some(()) => f.write_str(text.as_str()),
            // chrono's `%Y` signs years outside 0..=9999.
            None => write!(f, "{}", self.0.format("%Y-%m-%d")),
        }
    }
}

/// A time as [`format_time`] writes it.
struct TimeText(NaiveTime);

impl fmt::Display for TimeText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        let mut text = Text::new();
        if text.time(t).is_some() {
            return f.write_str(text.as_str());
        }
        write!(f, "{}", t.format("%H:%M:%S"))?;
        // The fraction is what lies beyond whole seconds.
        let micros = (t.nanosecond() % 1_000_000_000) / 1_000;
        if micros != 0 {
            write!(f, ".{micros:06}")?;
        }
        Ok(())
    }
}

/// A timestamp as [`format_timestamp`] writes it.
struct TimestampText(NaiveDateTime);

impl fmt::Display for TimestampText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}T{}", DateText(self.0.date()), TimeText(self.0.time()))
    }
}

/// A string value from the stack buffer when `fill` wrote it there, else from `display`.
fn write_text(
    out: &mut Json,
    fill: impl FnOnce(&mut Text) -> Option<()>,
    display: &dyn fmt::Display,
) {
    let mut text = Text::new();
    match fill(&mut text) {
        Some(()) => out.str(text.as_str()),
        None => out.str(&display.to_string()),
    }
}

impl SqlValue {
    /// Writes the value as [`SqlValue::to_json`] shows it, straight into the document's text
    /// for the usual kinds (documents are written without a `Value` tree).
    pub(crate) fn write_json(&self, out: &mut Json) -> Result<(), String> {
        match self {
            SqlValue::Null | SqlValue::TypedNull(_) => out.null(),
            SqlValue::SmallInt(v) => out.int(*v),
            SqlValue::Integer(v) => out.int(*v),
            SqlValue::BigInt(v) => out.int(*v),
            SqlValue::Double(v) => out.float(*v),
            SqlValue::Text(v) => out.str(v),
            SqlValue::Bool(v) => out.bool(*v),
            SqlValue::Date(d) => write_text(out, |t| t.date(*d), &DateText(*d)),
            SqlValue::Time(t) => write_text(out, |x| x.time(*t), &TimeText(*t)),
            SqlValue::Timestamp(ts) => write_text(
                out,
                |t| {
                    t.date(ts.date())?;
                    t.byte(b'T');
                    t.time(ts.time())
                },
                &TimestampText(*ts),
            ),
            SqlValue::Uuid(u) => out.str(
                u.hyphenated()
                    .encode_lower(&mut uuid::Uuid::encode_buffer()),
            ),
            other => return out.value(&other.to_json()),
        }
        Ok(())
    }
}

/// Seconds as a JSON number: an integer when whole, else up to six fractional digits (G5.1);
/// a month counts 30 days, a day 86 400 seconds.
fn interval_seconds(microseconds: i64, days: i32, months: i32) -> Value {
    const DAY: i128 = 86_400 * 1_000_000;
    let total = i128::from(microseconds) + i128::from(days) * DAY + i128::from(months) * 30 * DAY;
    if total % 1_000_000 == 0 {
        match i64::try_from(total / 1_000_000) {
            Ok(secs) => Value::from(secs),
            Err(_) => finite(total as f64 / 1e6),
        }
    } else {
        finite(total as f64 / 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ts(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap()
    }

    #[test]
    fn dates_and_times_are_written_per_g2() {
        assert_eq!(
            SqlValue::Date(NaiveDate::from_ymd_opt(1993, 4, 12).unwrap()).to_json(),
            json!("1993-04-12")
        );
        assert_eq!(
            SqlValue::Time(NaiveTime::from_hms_opt(19, 0, 0).unwrap()).to_json(),
            json!("19:00:00")
        );
        assert_eq!(
            SqlValue::Time(NaiveTime::from_hms_micro_opt(8, 15, 30, 250_000).unwrap()).to_json(),
            json!("08:15:30.250000")
        );
        // Finer precision is truncated, not rounded.
        assert_eq!(
            SqlValue::Time(NaiveTime::from_hms_nano_opt(0, 0, 1, 999_999_999).unwrap()).to_json(),
            json!("00:00:01.999999")
        );
        assert_eq!(
            SqlValue::Timestamp(ts("2024-01-15 09:30:00")).to_json(),
            json!("2024-01-15T09:30:00")
        );
        assert_eq!(
            SqlValue::Timestamp(ts("2024-05-20 08:15:30.25")).to_json(),
            json!("2024-05-20T08:15:30.250000")
        );
        assert_eq!(
            SqlValue::TimestampTz(ts("2024-01-15 09:30:00").and_utc()).to_json(),
            json!("2024-01-15T09:30:00+00:00")
        );
    }

    #[test]
    fn numbers_follow_g1_and_c5_2() {
        assert_eq!(SqlValue::Double(f64::NAN).to_json(), json!(null));
        assert_eq!(SqlValue::Double(f64::INFINITY).to_json(), json!(null));
        assert_eq!(SqlValue::Double(4.5).to_json(), json!(4.5));
        assert_eq!(SqlValue::Float(1.1).to_json(), json!(1.1));
        assert_eq!(
            SqlValue::BigInt(i64::MAX).to_json(),
            json!(9_223_372_036_854_775_807_i64)
        );
        assert_eq!(SqlValue::Null.to_json(), json!(null));
    }

    #[test]
    fn intervals_are_seconds_g5_1() {
        let iv = |microseconds, days, months| {
            SqlValue::Interval {
                microseconds,
                days,
                months,
            }
            .to_json()
        };
        assert_eq!(iv(300_000_000, 0, 0), json!(300));
        assert_eq!(iv(1_500_000, 0, 0), json!(1.5));
        assert_eq!(iv(0, 1, 1), json!(31 * 86_400));
        assert_eq!(iv(-1_000_001, 0, 0), json!(-1.000001));
    }

    #[test]
    fn ids_parse_only_in_canonical_form_e4_1() {
        assert_eq!(
            SqlValue::parse_id(ValueKind::Integer, "1"),
            Some(SqlValue::Integer(1))
        );
        assert_eq!(
            SqlValue::parse_id(ValueKind::Integer, "-7"),
            Some(SqlValue::Integer(-7))
        );
        for bad in ["01", "+1", " 1", "1.0", "abc", "", "99999999999", "-0"] {
            assert_eq!(SqlValue::parse_id(ValueKind::Integer, bad), None, "{bad}");
        }
        assert_eq!(
            SqlValue::parse_id(ValueKind::Text, "a/b c"),
            Some(SqlValue::Text("a/b c".into()))
        );
        let u = "550e8400-e29b-41d4-a716-446655440000";
        assert_eq!(
            SqlValue::parse_id(ValueKind::Uuid, u).and_then(|v| v.to_id()),
            Some(u.to_owned())
        );
        assert_eq!(SqlValue::parse_id(ValueKind::Uuid, &u.to_uppercase()), None);
        assert_eq!(SqlValue::parse_id(ValueKind::Date, "2024-01-01"), None);
    }
}
