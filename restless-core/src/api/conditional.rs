//! Entity tags and their comparison (RFC 9110 §8.8.3, §13.1; catalog B3.8).

use xxhash_rust::xxh3::Xxh3;

/// The strong entity tag of a representation: a 128-bit hash of its content type and exact
/// body, quoted.
pub(super) fn entity_tag(content_type: &str, body: &str) -> String {
    let mut hash = Xxh3::new();
    hash.update(content_type.as_bytes());
    // The content type ends where the body begins.
    hash.update(&[0]);
    hash.update(body.as_bytes());
    format!("\"{:032x}\"", hash.digest128())
}

/// Whether the `If-Match` / `If-None-Match` field value `list` matches `tag` (one of ours,
/// strong): `*`, or a listed tag that compares equal to it, strongly (both strong, same
/// opaque text) or weakly (same opaque text). A list that does not parse matches nothing past
/// the point where it stops parsing.
pub(super) fn matches(list: &str, tag: &str, strong: bool) -> bool {
    let ours = tag.trim_matches('"');
    let mut rest = list.trim();
    if rest == "*" {
        return true;
    }
    loop {
        rest = rest.trim_start_matches([' ', '\t', ',']);
        if rest.is_empty() {
            return false;
        }
        let weak = match rest.strip_prefix("W/") {
            Some(after) => {
                rest = after;
                true
            }
            None => false,
        };
        let Some(quoted) = rest.strip_prefix('"') else {
            return false;
        };
        let Some(end) = quoted.find('"') else {
            return false;
        };
        if &quoted[..end] == ours && !(strong && weak) {
            return true;
        }
        rest = &quoted[end + 1..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_differ_with_the_body_and_the_content_type() {
        let a = entity_tag("application/vnd.api+json", "{}");
        assert_eq!(a.len(), 34);
        assert!(a.starts_with('"') && a.ends_with('"'));
        assert_eq!(a, entity_tag("application/vnd.api+json", "{}"));
        assert_ne!(a, entity_tag("application/vnd.api+json", "{ }"));
        assert_ne!(a, entity_tag("text/html; charset=utf-8", "{}"));
    }

    #[test]
    fn comparison_is_strong_or_weak_rfc_9110_8_8_3_2() {
        let tag = "\"abc\"";
        assert!(matches("\"abc\"", tag, true));
        assert!(matches("\"x\", \"abc\"", tag, true));
        assert!(matches("*", tag, true));
        assert!(
            !matches("W/\"abc\"", tag, true),
            "weak never matches strongly"
        );
        assert!(matches("W/\"abc\"", tag, false));
        assert!(matches("\"x\",W/\"abc\"", tag, false));
        assert!(!matches("\"abcd\"", tag, false));
        assert!(!matches("abc", tag, false), "unquoted");
        assert!(!matches("", tag, false));
        assert!(!matches("\"abc", tag, false), "unterminated");
    }
}
