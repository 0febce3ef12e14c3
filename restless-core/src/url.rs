//! Building absolute links with the canonical encodings of C3.2 and C3.3.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Bytes left unencoded in path segments taken from data (C3.2).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Bytes left unencoded in query names and values (C3.3).
const QUERY: &AsciiSet = &SEGMENT
    .remove(b'!')
    .remove(b'$')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b',')
    .remove(b':')
    .remove(b'@')
    .remove(b'/')
    .remove(b'?');

/// Bytes left as they are in the host part of a link: an authority's usual characters.
const AUTHORITY: &AsciiSet = &SEGMENT.remove(b':').remove(b'[').remove(b']');

/// `scheme://host` for links (C3.1), from what the server was told: any byte that has no place in
/// a URI authority is percent-encoded, so a hostile `Host` header cannot break a link or the
/// `Link` header.
pub fn base_url(scheme: &str, host: &str) -> String {
    let scheme = if scheme
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    {
        scheme
    } else {
        "http"
    };
    format!("{scheme}://{}", utf8_percent_encode(host, AUTHORITY))
}

/// Percent-encodes one path segment (an id) per C3.2.
pub fn encode_segment(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

/// Appends `segment`, percent-encoded as [`encode_segment`] does, to `out`.
pub fn push_segment(out: &mut String, segment: &str) {
    out.extend(utf8_percent_encode(segment, SEGMENT));
}

/// Appends `name=value` in canonical query encoding (C3.3).
pub fn push_query_pair(out: &mut String, name: &str, value: &str) {
    out.extend(utf8_percent_encode(name, QUERY));
    out.push('=');
    out.extend(utf8_percent_encode(value, QUERY));
}

/// Canonically encodes a list of decoded query parameters, joined with `&` (C3.3).
pub fn encode_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        push_query_pair(&mut out, name, value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_query_encoding_c3_3() {
        let cases = [
            ("page[number]", "2", "page%5Bnumber%5D=2"),
            ("sort", "-age,name", "sort=-age,name"),
            (
                "filter[objects]",
                r#"[{"name":"age","op":"gt","val":28}]"#,
                "filter%5Bobjects%5D=%5B%7B%22name%22:%22age%22,%22op%22:%22gt%22,%22val%22:28%7D%5D",
            ),
            ("fields[person]", "name,age", "fields%5Bperson%5D=name,age"),
            ("q", "a b+c%é", "q=a%20b%2Bc%25%C3%A9"),
        ];
        for (name, value, want) in cases {
            assert_eq!(encode_query([(name, value)]), want);
        }
        assert_eq!(encode_query([("a", "1"), ("b", "")]), "a=1&b=");
    }

    #[test]
    fn hostile_hosts_cannot_break_links() {
        assert_eq!(base_url("http", "localhost:8080"), "http://localhost:8080");
        assert_eq!(base_url("https", "[::1]:443"), "https://[::1]:443");
        assert_eq!(
            base_url("http", "a>; rel=\"evil\", <http://x"),
            "http://a%3E%3B%20rel%3D%22evil%22%2C%20%3Chttp:%2F%2Fx"
        );
    }

    #[test]
    fn segments_keep_only_unreserved_c3_2() {
        assert_eq!(encode_segment("42"), "42");
        assert_eq!(encode_segment("a/b c"), "a%2Fb%20c");
        assert_eq!(encode_segment("x-y.z_~"), "x-y.z_~");
    }
}
