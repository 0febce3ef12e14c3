//! Content negotiation (catalog B1, B2): checks that answer 406 and 415.

use crate::error::Error;

/// The JSON:API media type.
pub const MEDIA_TYPE: &str = "application/vnd.api+json";

/// One parsed media range of an Accept header.
struct Range<'a> {
    essence: String,
    has_parameters: bool,
    weight_zero: bool,
    _raw: &'a str,
}

fn parse_range(raw: &str) -> Option<Range<'_>> {
    let mut parts = raw.split(';');
    let essence = parts.next()?.trim();
    let (ty, sub) = essence.split_once('/')?;
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b))
    };
    if !token(ty) || !token(sub) {
        return None;
    }
    let mut has_parameters = false;
    let mut weight_zero = false;
    for param in parts {
        let (name, value) = param.split_once('=').unwrap_or((param, ""));
        if name.trim().eq_ignore_ascii_case("q") {
            // The weight; it and everything after it are not media type parameters (B1.1).
            weight_zero = value.trim().parse::<f32>().is_ok_and(|q| q <= 0.0);
            break;
        }
        if !param.trim().is_empty() {
            has_parameters = true;
        }
    }
    Some(Range {
        essence: essence.to_ascii_lowercase(),
        has_parameters,
        weight_zero,
        _raw: raw,
    })
}

/// Checks the Accept header (B1.2).
///
/// # Errors
/// [`Error::NotAcceptable`] per rule 1 or rule 2 of B1.2.
pub fn check_accept(accept: Option<&str>) -> Result<(), Error> {
    let Some(header) = accept.map(str::trim).filter(|h| !h.is_empty()) else {
        return Ok(());
    };
    let ranges: Vec<Range<'_>> = header.split(',').filter_map(parse_range).collect();
    if ranges.is_empty() {
        return Ok(());
    }
    let jsonapi: Vec<&Range<'_>> = ranges.iter().filter(|r| r.essence == MEDIA_TYPE).collect();
    if !jsonapi.is_empty() && jsonapi.iter().all(|r| r.has_parameters) {
        return Err(Error::NotAcceptable {
            only_with_parameters: true,
        });
    }
    let allows = ranges.iter().any(|r| {
        !r.weight_zero
            && match r.essence.as_str() {
                MEDIA_TYPE => !r.has_parameters,
                "application/*" | "*/*" => true,
                _ => false,
            }
    });
    if allows {
        Ok(())
    } else {
        Err(Error::NotAcceptable {
            only_with_parameters: false,
        })
    }
}

/// Whether the HTML view answers a `GET` or `HEAD` with this Accept header (B1.4, B1.5): some
/// range is `text/html` with a weight above 0, and no range names the JSON:API media type
/// (`*/*` and `application/*` do not name it).
///
/// ```
/// use restless_core::negotiate::prefers_html;
///
/// let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
/// assert!(prefers_html(Some(browser)));
/// assert!(!prefers_html(Some("text/html, application/vnd.api+json")));
/// assert!(!prefers_html(Some("text/html;q=0, */*")));
/// assert!(!prefers_html(None));
/// ```
pub fn prefers_html(accept: Option<&str>) -> bool {
    let Some(header) = accept else {
        return false;
    };
    let mut html = false;
    for range in header.split(',').filter_map(parse_range) {
        match range.essence.as_str() {
            MEDIA_TYPE => return false,
            "text/html" if !range.weight_zero => html = true,
            _ => {}
        }
    }
    html
}

/// Checks the request Content-Type (B2). `carries_document` is true for POST and PATCH, and for
/// DELETE to a relationship URL.
///
/// # Errors
/// [`Error::UnsupportedMediaType`] per B2.1 and B2.2.
pub fn check_content_type(content_type: Option<&str>, carries_document: bool) -> Result<(), Error> {
    let parsed = content_type.map(|ct| {
        let (essence, params) = ct.split_once(';').unwrap_or((ct, ""));
        (
            essence.trim().eq_ignore_ascii_case(MEDIA_TYPE),
            !params.trim().is_empty(),
        )
    });
    match parsed {
        Some((true, true)) => Err(Error::UnsupportedMediaType {
            has_parameters: true,
        }),
        Some((true, false)) => Ok(()),
        _ if carries_document => Err(Error::UnsupportedMediaType {
            has_parameters: false,
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_table_b1_2() {
        let ok = [
            None,
            Some(""),
            Some("   "),
            Some("application/vnd.api+json"),
            Some("APPLICATION/VND.API+JSON"),
            Some("*/*"),
            Some("application/*"),
            Some("text/html, */*;q=0.1"),
            Some("application/vnd.api+json; q=0.8"),
            Some("application/vnd.api+json; q=0.8, application/vnd.api+json; q=0.9"),
            Some("application/vnd.api+json; ext=bulk, application/vnd.api+json"),
            Some("garbage"),
        ];
        for a in ok {
            assert!(check_accept(a).is_ok(), "{a:?}");
        }
        let rule1 = [
            "application/vnd.api+json; ext=bulk",
            "application/vnd.api+json; ext=bulk, */*",
        ];
        for a in rule1 {
            assert!(
                matches!(
                    check_accept(Some(a)),
                    Err(Error::NotAcceptable {
                        only_with_parameters: true
                    })
                ),
                "{a}"
            );
        }
        let rule2 = [
            "application/json",
            "text/html",
            "application/vnd.api+json; q=0",
            "*/*;q=0",
        ];
        for a in rule2 {
            assert!(
                matches!(
                    check_accept(Some(a)),
                    Err(Error::NotAcceptable {
                        only_with_parameters: false
                    })
                ),
                "{a}"
            );
        }
    }

    #[test]
    fn html_view_rule_b1_4_b1_5() {
        let html = [
            "text/html",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "TEXT/HTML; level=1",
            "text/html;q=0.5, application/json",
        ];
        for a in html {
            assert!(prefers_html(Some(a)), "{a}");
        }
        let not_html = [
            None,
            Some(""),
            Some("*/*"),
            Some("application/*, text/*"),
            Some("text/html;q=0"),
            Some("text/html, application/vnd.api+json"),
            Some("text/html, application/vnd.api+json;q=0"),
            Some("application/vnd.api+json; ext=bulk, text/html"),
            Some("application/vnd.api+json"),
        ];
        for a in not_html {
            assert!(!prefers_html(a), "{a:?}");
        }
    }

    #[test]
    fn content_type_b2() {
        assert!(check_content_type(Some("application/vnd.api+json"), true).is_ok());
        assert!(matches!(
            check_content_type(None, true),
            Err(Error::UnsupportedMediaType {
                has_parameters: false
            })
        ));
        assert!(matches!(
            check_content_type(Some("application/json"), true),
            Err(Error::UnsupportedMediaType {
                has_parameters: false
            })
        ));
        for ct in [
            "application/vnd.api+json; charset=utf-8",
            "application/vnd.api+json;ext=bulk",
        ] {
            assert!(matches!(
                check_content_type(Some(ct), true),
                Err(Error::UnsupportedMediaType {
                    has_parameters: true
                })
            ));
            assert!(matches!(
                check_content_type(Some(ct), false),
                Err(Error::UnsupportedMediaType {
                    has_parameters: true
                })
            ));
        }
        assert!(check_content_type(Some("text/plain"), false).is_ok());
        assert!(check_content_type(None, false).is_ok());
    }
}
