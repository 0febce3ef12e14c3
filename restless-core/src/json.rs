//! A compact JSON writer for documents written straight from rows (see `ops::render`).
//!
//! It writes the same bytes as `serde_json::to_writer` would for the same values: strings are
//! escaped exactly as serde_json escapes them (`\"`, `\\`, the short escapes `\b \f \n \r \t`,
//! other control characters as lowercase `\u00xx`, nothing else), integers through `itoa`,
//! floats by serde_json itself. What differs is the cost: the structure restless writes itself
//! (member names it knows, brackets, separators) is copied as bytes, and strings are scanned
//! eight bytes at a time for the few bytes that need escaping, so the long text attributes
//! that make up most of a document are copied rather than looked at byte by byte.

use serde::Serialize;

/// A JSON text being written. Separators are implied: every key and value begins with
/// [`sep`](Self::sep), which writes a comma unless the text ends where a first item goes
/// (`{`, `[`, or a key's `:`).
pub(crate) struct Json {
    buf: Vec<u8>,
}

impl Json {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Json {
            buf: Vec::with_capacity(capacity),
        }
    }

    /// The text written.
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    fn sep(&mut self) {
        if let Some(&last) = self.buf.last() {
            if !matches!(last, b'{' | b'[' | b':') {
                self.buf.push(b',');
            }
        }
    }

    pub(crate) fn begin_object(&mut self) {
        self.sep();
        self.buf.push(b'{');
    }

    pub(crate) fn end_object(&mut self) {
        self.buf.push(b'}');
    }

    pub(crate) fn begin_array(&mut self) {
        self.sep();
        self.buf.push(b'[');
    }

    pub(crate) fn end_array(&mut self) {
        self.buf.push(b']');
    }

    /// A member name; its value follows.
    pub(crate) fn key(&mut self, name: &str) {
        self.sep();
        escaped(&mut self.buf, name);
        self.buf.push(b':');
    }

    /// A string value.
    pub(crate) fn str(&mut self, value: &str) {
        self.sep();
        escaped(&mut self.buf, value);
    }

    /// JSON text written as it is: structure or strings already escaped ([`member`],
    /// [`escape`]). No separator is implied.
    pub(crate) fn raw(&mut self, text: &[u8]) {
        self.buf.extend_from_slice(text);
    }

    /// A member name already quoted and followed by `:` ([`member`]).
    pub(crate) fn key_raw(&mut self, member: &[u8]) {
        self.sep();
        self.buf.extend_from_slice(member);
    }

    /// Begins an item written with [`raw`](Self::raw): a comma when one is due.
    pub(crate) fn item(&mut self) {
        self.sep();
    }

    pub(crate) fn null(&mut self) {
        self.sep();
        self.buf.extend_from_slice(b"null");
    }

    pub(crate) fn bool(&mut self, value: bool) {
        self.sep();
        self.buf
            .extend_from_slice(if value { b"true" } else { b"false" });
    }

    pub(crate) fn int(&mut self, value: impl itoa::Integer) {
        self.sep();
        self.buf
            .extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
    }

    /// A number, or `null` when it is not finite, as serde_json writes it.
    pub(crate) fn float(&mut self, value: f64) {
        self.sep();
        // serde_json's own float format; writing to a vector cannot fail.
        let _ = serde_json::to_writer(&mut self.buf, &value);
    }

    /// Any serializable value, through serde_json.
    pub(crate) fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), String> {
        self.sep();
        serde_json::to_writer(&mut self.buf, value).map_err(|e| e.to_string())
    }
}

/// `"name":`, escaped: a member name as [`Json::key_raw`] writes it.
pub(crate) fn member(name: &str) -> Box<[u8]> {
    let mut out = Vec::with_capacity(name.len() + 3);
    escaped(&mut out, name);
    out.push(b':');
    out.into_boxed_slice()
}

/// The contents of a JSON string for `text` (no quotes), escaped.
pub(crate) fn escape(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    escape_into(&mut out, text.as_bytes());
    // Escaping keeps UTF-8 text UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

/// `value` as a quoted, escaped JSON string.
fn escaped(out: &mut Vec<u8>, value: &str) {
    out.reserve(value.len() + 2);
    out.push(b'"');
    escape_into(out, value.as_bytes());
    out.push(b'"');
}

const ONES: u64 = u64::from_ne_bytes([1; 8]);
const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);

/// The bytes of `word` that are zero, flagged in their high bit; above the lowest zero byte,
/// a flag may be a borrow's, so only "any" is exact.
const fn zero_bytes(word: u64) -> u64 {
    word.wrapping_sub(ONES) & !word & HIGH
}

/// Whether any of the eight bytes of `word` needs escaping: a control character, `"` or `\`.
const fn any_escape(word: u64) -> bool {
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    control | zero_bytes(word ^ (ONES * b'"' as u64)) | zero_bytes(word ^ (ONES * b'\\' as u64))
        != 0
}

/// By byte: whether it needs escaping.
static NEEDS_ESCAPE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

fn needs_escape(byte: u8) -> bool {
    NEEDS_ESCAPE[usize::from(byte)]
}

/// The word of `bytes` at `at`, if eight bytes are left there.
fn word_at(bytes: &[u8], at: usize) -> Option<u64> {
    let word = bytes.get(at..)?.first_chunk::<8>()?;
    Some(u64::from_ne_bytes(*word))
}

/// The contents of a JSON string for the UTF-8 text `bytes`, escaped.
fn escape_into(out: &mut Vec<u8>, bytes: &[u8]) {
    let n = bytes.len();
    // `bytes[run..i]` is checked and not yet written.
    let mut run = 0;
    let mut i = 0;
    while i < n {
        // Eight bytes at a time while none needs escaping.
        while let Some(word) = word_at(bytes, i) {
            if any_escape(word) {
                break;
            }
            i += 8;
        }
        // Fewer than eight left: the last eight bytes, overlapping what was checked.
        if i + 8 > n {
            if let Some(last) = n.checked_sub(8).and_then(|at| word_at(bytes, at)) {
                if !any_escape(last) {
                    break;
                }
            }
        }
        // The word that holds a byte to escape (or a short tail), a byte at a time.
        let stop = n.min(i + 8);
        while i < stop {
            let byte = bytes[i];
            if needs_escape(byte) {
                out.extend_from_slice(&bytes[run..i]);
                escape_byte(out, byte);
                run = i + 1;
            }
            i += 1;
        }
    }
    out.extend_from_slice(&bytes[run..]);
}

fn escape_byte(out: &mut Vec<u8>, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let short = match byte {
        b'"' => b'"',
        b'\\' => b'\\',
        0x08 => b'b',
        0x0c => b'f',
        b'\n' => b'n',
        b'\r' => b'r',
        b'\t' => b't',
        _ => {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(byte >> 4)]);
            out.push(HEX[usize::from(byte & 0xf)]);
            return;
        }
    };
    out.extend_from_slice(&[b'\\', short]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(s: &str) -> String {
        let mut out = Vec::new();
        escaped(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        // Every byte that can stand alone in UTF-8, at every offset within a word, among
        // text that needs no escaping, and multi-byte characters around them.
        let mut cases: Vec<String> = Vec::new();
        for c in (0u8..0x80)
            .map(char::from)
            .chain(['é', '€', '😀', '\u{7f}'])
        {
            for before in 0..17 {
                let mut s = "a".repeat(before);
                s.push(c);
                s.push_str("tail é");
                cases.push(s);
            }
        }
        cases.push(String::new());
        cases.push("\"\\\n\r\t\u{8}\u{c}\u{0}\u{1f}".repeat(5));
        cases.push("x".repeat(1000) + "\"" + &"y".repeat(3));
        for case in &cases {
            assert_eq!(
                written(case),
                serde_json::to_string(case).unwrap(),
                "{case:?}"
            );
        }
    }

    #[test]
    fn words_are_flagged_exactly() {
        for byte in 0..=255u8 {
            for at in 0..8 {
                let mut word = [b'a'; 8];
                word[at] = byte;
                assert_eq!(
                    any_escape(u64::from_ne_bytes(word)),
                    needs_escape(byte),
                    "{byte:#x} at {at}"
                );
                // A hit below other bytes that are themselves near the boundary.
                let mut word = [0xffu8; 8];
                word[at] = byte;
                assert_eq!(any_escape(u64::from_ne_bytes(word)), needs_escape(byte));
                let mut word = [0x20u8; 8];
                word[at] = byte;
                assert_eq!(any_escape(u64::from_ne_bytes(word)), needs_escape(byte));
            }
        }
    }

    #[test]
    fn structure_and_scalars_match_serde_json() {
        let mut json = Json::with_capacity(0);
        json.begin_object();
        json.key("a");
        json.begin_array();
        json.int(-5i64);
        json.float(1.0);
        json.float(0.1);
        json.float(f64::NAN);
        json.float(-1.5e300);
        json.bool(true);
        json.null();
        json.item();
        json.raw(b"\"");
        json.raw(escape("x\"").as_bytes());
        json.raw(b"/y\"");
        json.begin_object();
        json.end_object();
        json.begin_array();
        json.end_array();
        json.end_array();
        json.key_raw(&member("b\n"));
        json.value(&serde_json::json!({"k": [1, "v"]})).unwrap();
        json.end_object();
        let text = String::from_utf8(json.into_bytes()).unwrap();
        let expected = serde_json::json!({
            "a": [-5, 1.0, 0.1, null, -1.5e300, true, null, "x\"/y", {}, []],
            "b\n": {"k": [1, "v"]},
        });
        assert_eq!(text, serde_json::to_string(&expected).unwrap());
    }
}
