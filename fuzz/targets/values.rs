//! The value grammars: dates, times and timestamps (G3) and the canonical query encoding
//! (C3.3). The input's first byte chooses the grammar. A panic, or a canonical encoding that
//! does not decode to what was encoded (or encodes again differently), is a crash.

use restless::core::temporal::Literal;
use restless::core::url::{encode_query, encode_segment};

fn check(data: &[u8]) {
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    match choice % 3 {
        0 | 1 => {
            if let Some(literal) = Literal::parse(&text, choice % 3 == 1) {
                assert!(literal.date.is_some() || literal.time.is_some());
            }
        }
        _ => {
            let pairs: Vec<(&str, &str)> = text
                .split('\n')
                .map(|line| line.split_once('\t').unwrap_or((line, "")))
                .collect();
            let canonical = encode_query(pairs.iter().copied());
            let decoded: Vec<(String, String)> = url::form_urlencoded::parse(canonical.as_bytes())
                .map(|(n, v)| (n.into_owned(), v.into_owned()))
                .collect();
            let sent: Vec<(String, String)> = pairs
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect();
            assert_eq!(decoded, sent);
            let again = encode_query(decoded.iter().map(|(n, v)| (n.as_str(), v.as_str())));
            assert_eq!(again, canonical);
            let segment = encode_segment(&text);
            assert!(!segment.contains(['/', '?', '#', ' ']));
        }
    }
}

fn main() {
    afl::fuzz!(|data: &[u8]| check(data));
}
