//! Reading dates, times and timestamps from request values (catalog G3): one strict grammar,
//! then the conversion to a column's kind (G3.2).

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use crate::meta::ValueKind;
use crate::value::SqlValue;

/// A parsed literal: a date, optionally a time, optionally an offset in seconds east of UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Literal {
    /// The date part, when present.
    pub date: Option<NaiveDate>,
    /// The time part, when present.
    pub time: Option<NaiveTime>,
    /// The offset, when present.
    pub offset: Option<i32>,
}

/// A cursor over ASCII bytes.
struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.i;
        while self.i < self.s.len() && self.i - start < max && self.s[self.i].is_ascii_digit() {
            self.i += 1;
        }
        let n = self.i - start;
        if n < min {
            return None;
        }
        std::str::from_utf8(&self.s[start..self.i])
            .ok()?
            .parse()
            .ok()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn done(&self) -> bool {
        self.i == self.s.len()
    }
}

fn time(c: &mut Cursor<'_>) -> Option<NaiveTime> {
    let h = c.digits(1, 2)?;
    if !c.eat(b':') {
        return None;
    }
    let m = c.digits(2, 2)?;
    let (mut s, mut nanos) = (0, 0);
    if c.eat(b':') {
        s = c.digits(2, 2)?;
        if c.eat(b'.') {
            let start = c.i;
            let f = c.digits(1, 9)?;
            let len = c.i - start;
            nanos = f * 10u32.pow(9 - u32::try_from(len).ok()?);
        }
    }
    NaiveTime::from_hms_nano_opt(h, m, s, nanos)
}

fn offset(c: &mut Cursor<'_>) -> Option<i32> {
    match c.peek()? {
        b'Z' | b'z' => {
            c.i += 1;
            Some(0)
        }
        sign @ (b'+' | b'-') => {
            c.i += 1;
            let h = c.digits(2, 2)?;
            let m = if c.done() {
                0
            } else {
                c.eat(b':');
                c.digits(2, 2)?
            };
            if h > 23 || m > 59 {
                return None;
            }
            let secs = i32::try_from(h * 3600 + m * 60).ok()?;
            Some(if sign == b'-' { -secs } else { secs })
        }
        _ => None,
    }
}

impl Literal {
    /// Parses `datetime` or, with `time_only`, also a bare `time` (G3.1).
    pub fn parse(s: &str, time_only: bool) -> Option<Literal> {
        let mut c = Cursor {
            s: s.as_bytes(),
            i: 0,
        };
        if time_only {
            let mut t = Cursor {
                s: s.as_bytes(),
                i: 0,
            };
            if let Some(tm) = time(&mut t) {
                if t.done() {
                    return Some(Literal {
                        date: None,
                        time: Some(tm),
                        offset: None,
                    });
                }
            }
        }
        let y = c.digits(4, 4)?;
        if !c.eat(b'-') {
            return None;
        }
        let mo = c.digits(1, 2)?;
        if !c.eat(b'-') {
            return None;
        }
        let d = c.digits(1, 2)?;
        let date = NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, mo, d)?;
        if c.done() {
            return Some(Literal {
                date: Some(date),
                time: None,
                offset: None,
            });
        }
        if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
            return None;
        }
        let tm = time(&mut c)?;
        let off = if c.done() {
            None
        } else {
            Some(offset(&mut c)?)
        };
        c.done().then_some(Literal {
            date: Some(date),
            time: Some(tm),
            offset: off,
        })
    }

    /// The value this literal stores in a column of `kind` (G3.2); `None` when it cannot,
    /// including a timestamp that the offset moves outside the years 0000–9999, which could
    /// not be written back as G2.3 requires.
    pub fn to_value(self, kind: ValueKind) -> Option<SqlValue> {
        let value = self.convert(kind)?;
        let year_ok = |d: NaiveDate| (0..=9999).contains(&chrono::Datelike::year(&d));
        let ok = match &value {
            SqlValue::Date(d) => year_ok(*d),
            SqlValue::Timestamp(ts) => year_ok(ts.date()),
            SqlValue::TimestampTz(ts) => year_ok(ts.date_naive()),
            _ => true,
        };
        ok.then_some(value)
    }

    fn convert(self, kind: ValueKind) -> Option<SqlValue> {
        let utc = |date: NaiveDate, time: NaiveTime, offset: Option<i32>| {
            let local = NaiveDateTime::new(date, time);
            local.checked_sub_signed(Duration::seconds(i64::from(offset.unwrap_or(0))))
        };
        match kind {
            ValueKind::Date => self.date.map(SqlValue::Date),
            ValueKind::Time => self.time.map(SqlValue::Time),
            ValueKind::Timestamp => {
                let date = self.date?;
                let time = self.time.unwrap_or(NaiveTime::MIN);
                utc(date, time, self.offset).map(SqlValue::Timestamp)
            }
            ValueKind::TimestampTz => {
                let date = self.date?;
                let time = self.time.unwrap_or(NaiveTime::MIN);
                utc(date, time, self.offset).map(|ts| SqlValue::TimestampTz(ts.and_utc()))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(s: &str, kind: ValueKind) -> Option<SqlValue> {
        Literal::parse(s, kind == ValueKind::Time).and_then(|l| l.to_value(kind))
    }

    fn ts(s: &str) -> SqlValue {
        SqlValue::Timestamp(NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap())
    }

    #[test]
    fn the_catalog_examples_g3_2() {
        assert_eq!(
            value("1990-1-1", ValueKind::Date),
            Some(SqlValue::Date(NaiveDate::from_ymd_opt(1990, 1, 1).unwrap()))
        );
        assert_eq!(
            value("1900-01-02T14:35", ValueKind::Date),
            Some(SqlValue::Date(NaiveDate::from_ymd_opt(1900, 1, 2).unwrap()))
        );
        assert_eq!(
            value("1969-07-20", ValueKind::Timestamp),
            Some(ts("1969-07-20 00:00:00"))
        );
        assert_eq!(
            value("2024-01-15T11:30:00+02:00", ValueKind::Timestamp),
            Some(ts("2024-01-15 09:30:00"))
        );
        assert_eq!(
            value("2024-01-15 09:30", ValueKind::Timestamp),
            Some(ts("2024-01-15 09:30:00"))
        );
        assert_eq!(
            value("1:00", ValueKind::Time),
            Some(SqlValue::Time(NaiveTime::from_hms_opt(1, 0, 0).unwrap()))
        );
        assert_eq!(
            value("2024-05-20t08:15:30.25z", ValueKind::Timestamp),
            Some(ts("2024-05-20 08:15:30.25"))
        );
        assert_eq!(
            value("2024-01-15T09:30:00-0130", ValueKind::Timestamp),
            Some(ts("2024-01-15 11:00:00"))
        );
        assert_eq!(
            value("2024-01-15T09:30:00+05", ValueKind::Timestamp),
            Some(ts("2024-01-15 04:30:00"))
        );
    }

    #[test]
    fn everything_else_is_rejected_g3_4() {
        for bad in [
            "2nd Jan 1900",
            "1990-13-45",
            "",
            " 2024-01-01",
            "2024-01-01 ",
            "01/02/2000",
            "2024-02-30",
            "24-01-01",
            "2024-01-01T25:00",
            "2024-01-01T10:5",
            "2024-01-01T10:00:00.",
            "2024-01-01T10:00:00+1",
            "2024-01-01T10:00:00.1234567890",
        ] {
            assert_eq!(Literal::parse(bad, false), None, "{bad}");
        }
        assert_eq!(
            value("2024-01-01", ValueKind::Time),
            None,
            "a date alone is no time"
        );
        assert_eq!(
            value("9999-12-31T23:59:59-01:00", ValueKind::Timestamp),
            None,
            "year 10000"
        );
        assert_eq!(
            value("0000-01-01T00:00:00+01:00", ValueKind::Timestamp),
            None,
            "year -1"
        );
        assert!(value("9999-12-31T23:59:59Z", ValueKind::Timestamp).is_some());
    }
}
