//! JSONP (catalog T): callback names and wrapping.

use crate::error::{Error, ErrorCode};

/// The longest callback accepted (T1.2).
pub const MAX_CALLBACK_LEN: usize = 64;

/// Checks a callback name (T1.2): a JavaScript identifier or a dotted path of them, at most
/// 64 characters. `parameter` is the parameter name as sent.
///
/// # Errors
/// [`Error::BadQuery`] with code `invalid_callback`.
pub fn check_callback(parameter: &str, callback: &str) -> Result<(), Error> {
    let ident = |s: &str| {
        let mut b = s.bytes();
        b.next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_' || c == b'$')
            && b.all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'$')
    };
    if callback.len() <= MAX_CALLBACK_LEN && callback.split('.').all(ident) {
        Ok(())
    } else {
        Err(Error::bad_query(
            ErrorCode::InvalidCallback,
            parameter,
            format!("{parameter} must be a JavaScript identifier or a dotted path of identifiers."),
        ))
    }
}

/// `callback(json)`, with U+2028 and U+2029 escaped (T1.4).
pub fn wrap(callback: &str, json: &str) -> String {
    let mut out = String::with_capacity(callback.len() + json.len() + 2);
    out.push_str(callback);
    out.push('(');
    for c in json.chars() {
        match c {
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.push(')');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_names_t1_2() {
        for ok in ["show", "_f", "$", "a.b.c", "jQuery123_456", &"a".repeat(64)] {
            assert!(check_callback("callback", ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "alert(1);//",
            "1a",
            "a..b",
            "a.",
            ".a",
            "a-b",
            "é",
            &"a".repeat(65),
        ] {
            let e = check_callback("jsonp_callback", bad).unwrap_err();
            assert_eq!(
                e.to_error_object().detail.as_deref(),
                Some(
                    "jsonp_callback must be a JavaScript identifier or a dotted path of identifiers."
                )
            );
        }
    }

    #[test]
    fn wrapping_escapes_line_separators_t1_4() {
        assert_eq!(
            wrap("f", "{\"a\":\"x\u{2028}y\u{2029}\"}"),
            "f({\"a\":\"x\\u2028y\\u2029\"})"
        );
    }
}
