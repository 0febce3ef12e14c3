//! Query parameters (catalog D): decoding, names, and where each parameter is accepted.
//!
//! [`QueryParams::parse`] is pure: it takes the raw query string and the route kind and returns
//! the recognised parameters or the first error of B4.1 step 5, without knowing any type.

pub(crate) mod cursor;
pub(crate) mod eval;
pub(crate) mod fields;
pub mod filter;
pub mod include;
mod page;
pub(crate) mod sort;

pub use filter::FilterLimits;
pub use include::IncludeLimits;
pub(crate) use page::cursor_param;
pub use page::Page;

use percent_encoding::percent_decode;

use crate::error::{Error, ErrorCode};

/// One query parameter, decoded (D1.1), as the request spelled it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    /// The decoded name.
    pub name: String,
    /// The decoded value (empty when the pair had no `=`).
    pub value: String,
}

/// Options that change which names are recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NameOptions {
    /// Accept only the spec-conforming names (D4.1).
    pub strict_query_names: bool,
    /// JSONP is enabled (T1.1, T1.6).
    pub jsonp: bool,
}

/// What a parameter name means (D2.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamName {
    /// `include`.
    Include,
    /// `fields[TYPE]`.
    Fields(String),
    /// `sort`.
    Sort,
    /// `group_by` (FR: `group`).
    GroupBy,
    /// `ignore_case` (FR: `ignorecase`).
    IgnoreCase,
    /// `page[number]`.
    PageNumber,
    /// `page[size]`.
    PageSize,
    /// `page[after]`: the rows after a cursor (I6).
    PageAfter,
    /// `page[before]`: the rows before a cursor (I6).
    PageBefore,
    /// `filter[objects]`.
    FilterObjects,
    /// `filter[single]`.
    FilterSingle,
    /// `filter[NAME]`, a simple filter (M7).
    Filter(String),
    /// `eval_functions` (FR: `functions`).
    EvalFunctions,
    /// `jsonp_callback` (FR: `callback`).
    JsonpCallback,
    /// An implementation-specific parameter of someone else: ignored, kept in links (D3.1).
    Foreign,
}

/// The kinds of route, for deciding which parameters an endpoint takes (D2.1, D2.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RouteKind {
    /// `P`.
    Root,
    /// `P/T`.
    Collection,
    /// `P/T/{id}`.
    Resource,
    /// `P/T/{id}/{rel}`.
    Related,
    /// `P/T/{id}/{rel}/{rid}`.
    RelatedSingle,
    /// `P/T/{id}/relationships/{rel}`.
    Relationship,
    /// `P/eval/T`.
    Eval,
}

/// The recognised parameters of one request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueryParams {
    /// Every parameter in original order, for `links.self` and pagination links (C3.4, I3.2).
    pub all: Vec<Param>,
    /// `include`.
    pub include: Option<Param>,
    /// `fields[TYPE]`, with the type name.
    pub fields: Vec<(String, Param)>,
    /// `sort`.
    pub sort: Option<Param>,
    /// `group_by` or `group`.
    pub group_by: Option<Param>,
    /// `ignore_case` or `ignorecase`.
    pub ignore_case: Option<Param>,
    /// `page[number]`.
    pub page_number: Option<Param>,
    /// `page[size]`.
    pub page_size: Option<Param>,
    /// `page[after]` (I6).
    pub page_after: Option<Param>,
    /// `page[before]` (I6).
    pub page_before: Option<Param>,
    /// `filter[objects]`.
    pub filter_objects: Option<Param>,
    /// `filter[single]`.
    pub filter_single: Option<Param>,
    /// Simple filters `filter[NAME]`, with the name.
    pub filters: Vec<(String, Param)>,
    /// `eval_functions` or `functions`.
    pub eval_functions: Option<Param>,
    /// `jsonp_callback` or `callback`.
    pub callback: Option<Param>,
}

impl QueryParams {
    /// Decodes and checks a raw query string for a route of kind `route` requested with
    /// `method` (B4.1 step 5).
    ///
    /// # Errors
    /// [`Error::BadQuery`] with `invalid_query_parameter` (bad UTF-8, malformed family names),
    /// `repeated_query_parameter`, `unknown_query_parameter` or `unsupported_query_parameter`.
    pub fn parse(
        raw: &str,
        route: RouteKind,
        method: &str,
        opts: NameOptions,
    ) -> Result<Self, Error> {
        let all = decode(raw)?;
        let mut q = QueryParams::default();
        let mut seen: Vec<(&str, ParamName)> = Vec::with_capacity(all.len());
        for p in &all {
            if seen.iter().any(|(n, _)| *n == p.name) {
                return Err(repeated(&p.name));
            }
            let kind = classify(&p.name, opts)?;
            // Both names of one parameter (D4.1): the error names the FR spelling.
            if kind != ParamName::Foreign {
                if let Some((other, _)) = seen.iter().find(|(_, k)| *k == kind) {
                    let fr = if is_fr_name(&p.name) { &p.name } else { *other };
                    return Err(repeated(fr));
                }
            }
            if !accepts(&kind, route, method) {
                return Err(Error::bad_query(
                    ErrorCode::UnsupportedQueryParameter,
                    &p.name,
                    format!(
                        "Query parameter \"{}\" is not supported by this endpoint.",
                        p.name
                    ),
                ));
            }
            let slot = match &kind {
                ParamName::Include => &mut q.include,
                ParamName::Sort => &mut q.sort,
                ParamName::GroupBy => &mut q.group_by,
                ParamName::IgnoreCase => &mut q.ignore_case,
                ParamName::PageNumber => &mut q.page_number,
                ParamName::PageSize => &mut q.page_size,
                ParamName::PageAfter => &mut q.page_after,
                ParamName::PageBefore => &mut q.page_before,
                ParamName::FilterObjects => &mut q.filter_objects,
                ParamName::FilterSingle => &mut q.filter_single,
                ParamName::EvalFunctions => &mut q.eval_functions,
                ParamName::JsonpCallback => &mut q.callback,
                ParamName::Fields(t) => {
                    q.fields.push((t.clone(), p.clone()));
                    seen.push((&p.name, kind.clone()));
                    continue;
                }
                ParamName::Filter(n) => {
                    q.filters.push((n.clone(), p.clone()));
                    seen.push((&p.name, kind.clone()));
                    continue;
                }
                ParamName::Foreign => {
                    seen.push((&p.name, kind.clone()));
                    continue;
                }
            };
            *slot = Some(p.clone());
            seen.push((&p.name, kind));
        }
        q.all = all;
        Ok(q)
    }

    /// The parameters other than `page[number]`, `page[size]`, `page[after]` and
    /// `page[before]`, in original order (I3.2, I6.4).
    pub fn non_page(&self) -> impl Iterator<Item = &Param> {
        self.all.iter().filter(|p| !is_page_param(&p.name))
    }
}

/// Whether `name` is one of the page parameters pagination links replace (I3.2, I6.4).
pub(crate) fn is_page_param(name: &str) -> bool {
    matches!(
        name,
        "page[number]" | "page[size]" | "page[after]" | "page[before]"
    )
}

/// Finds the JSONP callback before anything else is checked (B4.1 step 4): the parameter as
/// sent (name, value), decoded leniently. `jsonp_callback` wins over `callback`.
pub fn find_callback(raw: &str, opts: NameOptions) -> Option<Param> {
    if !opts.jsonp {
        return None;
    }
    let mut fr = None;
    for p in pairs(raw) {
        let name = String::from_utf8_lossy(&p.0);
        if name == "jsonp_callback" {
            return Some(Param {
                name: name.into_owned(),
                value: String::from_utf8_lossy(&p.1).into_owned(),
            });
        }
        if name == "callback" && !opts.strict_query_names && fr.is_none() {
            fr = Some(Param {
                name: name.into_owned(),
                value: String::from_utf8_lossy(&p.1).into_owned(),
            });
        }
    }
    fr
}

fn repeated(name: &str) -> Error {
    Error::bad_query(
        ErrorCode::RepeatedQueryParameter,
        name,
        format!("Query parameter \"{name}\" is given more than once."),
    )
}

fn is_fr_name(name: &str) -> bool {
    matches!(name, "group" | "ignorecase" | "callback" | "functions")
}

/// The pairs of a raw query string decoded as [`QueryParams::parse`] does, but never failing:
/// bytes that are not UTF-8 become U+FFFD (for showing a request, B1.4).
pub(crate) fn lenient_pairs(raw: &str) -> Vec<Param> {
    pairs(raw)
        .map(|(name, value)| Param {
            name: String::from_utf8_lossy(&name).into_owned(),
            value: String::from_utf8_lossy(&value).into_owned(),
        })
        .collect()
}

/// Splits and form-decodes the pairs, as bytes; empty pairs are skipped (D1.1).
fn pairs(raw: &str) -> impl Iterator<Item = (Vec<u8>, Vec<u8>)> + '_ {
    fn form_decode(s: &str) -> Vec<u8> {
        let plus_as_space = s.replace('+', " ");
        percent_decode(plus_as_space.as_bytes()).collect()
    }
    raw.split('&').filter(|p| !p.is_empty()).map(|pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        (form_decode(name), form_decode(value))
    })
}

/// Decodes a raw query string (D1.1).
fn decode(raw: &str) -> Result<Vec<Param>, Error> {
    pairs(raw)
        .map(|(name, value)| {
            let lossy = String::from_utf8_lossy(&name).into_owned();
            let bad = || {
                Error::bad_query(
                    ErrorCode::InvalidQueryParameter,
                    &lossy,
                    "Query parameter is not valid UTF-8.",
                )
            };
            let name = String::from_utf8(name).map_err(|_| bad())?;
            let value = String::from_utf8(value).map_err(|_| bad())?;
            Ok(Param { name, value })
        })
        .collect()
}

/// What a name means, or why it is not allowed (D2, D3, D4).
fn classify(name: &str, opts: NameOptions) -> Result<ParamName, Error> {
    let fr = !opts.strict_query_names;
    let kind = match name {
        "include" => ParamName::Include,
        "sort" => ParamName::Sort,
        "group_by" => ParamName::GroupBy,
        "group" if fr => ParamName::GroupBy,
        "ignore_case" => ParamName::IgnoreCase,
        "ignorecase" if fr => ParamName::IgnoreCase,
        "page[number]" => ParamName::PageNumber,
        "page[size]" => ParamName::PageSize,
        "page[after]" => ParamName::PageAfter,
        "page[before]" => ParamName::PageBefore,
        "filter[objects]" => ParamName::FilterObjects,
        "filter[single]" => ParamName::FilterSingle,
        "eval_functions" => ParamName::EvalFunctions,
        "functions" if fr => ParamName::EvalFunctions,
        "jsonp_callback" if opts.jsonp => ParamName::JsonpCallback,
        "callback" if opts.jsonp && fr => ParamName::JsonpCallback,
        _ if name.starts_with("page[") => {
            return Err(Error::bad_query(
                ErrorCode::UnsupportedQueryParameter,
                name,
                format!("Query parameter \"{name}\" is not supported by this endpoint."),
            ))
        }
        _ if name.starts_with("fields[") || name.starts_with("filter[") => {
            let (family, rest) = name.split_once('[').unwrap_or((name, ""));
            let inner = rest
                .strip_suffix(']')
                .filter(|i| !i.is_empty() && !i.contains(['[', ']']));
            return match (family, inner) {
                ("fields", Some(t)) => Ok(ParamName::Fields(t.to_owned())),
                ("filter", Some(f)) => Ok(ParamName::Filter(f.to_owned())),
                _ => Err(Error::bad_query(
                    ErrorCode::InvalidQueryParameter,
                    name,
                    format!("Query parameter \"{name}\" is malformed: expected {family}[NAME]."),
                )),
            };
        }
        _ if is_member_name(name) && name.chars().any(|c| !c.is_ascii_lowercase()) => {
            ParamName::Foreign
        }
        _ => {
            return Err(Error::bad_query(
                ErrorCode::UnknownQueryParameter,
                name,
                format!("Unknown query parameter \"{name}\"."),
            ))
        }
    };
    Ok(kind)
}

/// A member name per JSON:API 1.0 (D3.1): globally allowed characters, and `-`, `_` or space
/// anywhere but first and last.
fn is_member_name(name: &str) -> bool {
    let global = |c: char| c.is_ascii_alphanumeric() || u32::from(c) >= 0x80;
    let inner = |c: char| global(c) || matches!(c, '-' | '_' | ' ');
    let mut chars = name.chars();
    match (chars.next(), chars.next_back()) {
        (None, _) => false,
        (Some(first), None) => global(first),
        (Some(first), Some(last)) => global(first) && global(last) && chars.all(inner),
    }
}

/// Whether a route kind takes a parameter at all (D2.1); `Related` is checked again once the
/// relationship is known to be to-one or to-many.
fn accepts(kind: &ParamName, route: RouteKind, method: &str) -> bool {
    use RouteKind as R;
    let reads = matches!(method, "GET" | "HEAD");
    let primary = match route {
        R::Root | R::Eval => false,
        R::Collection => reads || method == "POST",
        R::Resource => reads || method == "PATCH",
        R::Related | R::RelatedSingle | R::Relationship => reads,
    };
    let collection = reads && matches!(route, R::Collection | R::Related | R::Relationship);
    match kind {
        ParamName::JsonpCallback | ParamName::Foreign => true,
        ParamName::Include | ParamName::Fields(_) => primary,
        ParamName::Sort
        | ParamName::GroupBy
        | ParamName::IgnoreCase
        | ParamName::PageNumber
        | ParamName::PageSize
        | ParamName::PageAfter
        | ParamName::PageBefore
        | ParamName::FilterSingle => collection,
        ParamName::FilterObjects | ParamName::Filter(_) => {
            collection || (reads && route == R::Eval)
        }
        ParamName::EvalFunctions => reads && route == R::Eval,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTS: NameOptions = NameOptions {
        strict_query_names: false,
        jsonp: true,
    };

    fn parse(raw: &str) -> Result<QueryParams, Error> {
        QueryParams::parse(raw, RouteKind::Collection, "GET", OPTS)
    }

    fn err(raw: &str, route: RouteKind, opts: NameOptions) -> (ErrorCode, String, String) {
        match QueryParams::parse(raw, route, "GET", opts) {
            Err(Error::BadQuery {
                code,
                parameter,
                detail,
            }) => (code, parameter, detail),
            other => panic!("{raw}: {other:?}"),
        }
    }

    #[test]
    fn decoding_handles_plus_percent_and_empty_pairs_d1_1() {
        let q = parse("&sort=a+b&&page%5Bsize%5D=2&fooBar&").unwrap();
        assert_eq!(
            q.all,
            vec![
                Param {
                    name: "sort".into(),
                    value: "a b".into()
                },
                Param {
                    name: "page[size]".into(),
                    value: "2".into()
                },
                Param {
                    name: "fooBar".into(),
                    value: String::new()
                },
            ]
        );
        assert_eq!(q.page_size.unwrap().value, "2");
    }

    #[test]
    fn invalid_utf8_is_a_400_d1_1() {
        assert_eq!(
            err("sort=%FF", RouteKind::Collection, OPTS),
            (
                ErrorCode::InvalidQueryParameter,
                "sort".into(),
                "Query parameter is not valid UTF-8.".into()
            )
        );
    }

    #[test]
    fn repeated_names_d1_2_and_both_spellings_d4_1() {
        assert_eq!(
            err("sort=a&sort=b", RouteKind::Collection, OPTS),
            (
                ErrorCode::RepeatedQueryParameter,
                "sort".into(),
                "Query parameter \"sort\" is given more than once.".into()
            )
        );
        assert_eq!(
            err("group_by=a&group=b", RouteKind::Collection, OPTS).1,
            "group"
        );
        assert_eq!(
            err("callback=a&jsonp_callback=b", RouteKind::Collection, OPTS).1,
            "callback"
        );
    }

    #[test]
    fn unknown_names_d3_1() {
        for ok in [
            "fooBar=1",
            "foo_bar=1",
            "x-trace=abc",
            "v2=1",
            "caf%C3%A9=1",
        ] {
            assert!(parse(ok).is_ok(), "{ok}");
        }
        for bad in ["foo=bar", "_x=1", "x_=1", "fields=1", "a%20=1"] {
            let (code, ..) = err(bad, RouteKind::Collection, OPTS);
            assert_eq!(code, ErrorCode::UnknownQueryParameter, "{bad}");
        }
        let strict = NameOptions {
            strict_query_names: true,
            jsonp: true,
        };
        assert_eq!(
            err("group=name", RouteKind::Collection, strict).0,
            ErrorCode::UnknownQueryParameter
        );
        assert_eq!(
            err("callback=f", RouteKind::Collection, strict).0,
            ErrorCode::UnknownQueryParameter
        );
        let no_jsonp = NameOptions {
            strict_query_names: false,
            jsonp: false,
        };
        assert_eq!(
            err("callback=f", RouteKind::Collection, no_jsonp).0,
            ErrorCode::UnknownQueryParameter
        );
        assert!(
            QueryParams::parse("jsonp_callback=f", RouteKind::Collection, "GET", no_jsonp)
                .unwrap()
                .callback
                .is_none()
        );
    }

    #[test]
    fn families_d2_3() {
        assert_eq!(
            err("page[offset]=1", RouteKind::Collection, OPTS).0,
            ErrorCode::UnsupportedQueryParameter
        );
        for bad in [
            "fields[person=a",
            "fields[]=a",
            "filter[a[b]]=1",
            "filter[=1",
        ] {
            assert_eq!(
                err(bad, RouteKind::Collection, OPTS).0,
                ErrorCode::InvalidQueryParameter,
                "{bad}"
            );
        }
        let q = parse("fields[person]=name&filter[age]=3").unwrap();
        assert_eq!(q.fields[0].0, "person");
        assert_eq!(q.filters[0].0, "age");
    }

    #[test]
    fn parameters_only_where_accepted_d2_2() {
        let cases = [
            ("sort=name", RouteKind::Resource),
            ("page[size]=5", RouteKind::Resource),
            ("filter[objects]=[]", RouteKind::Root),
            ("include=x", RouteKind::Root),
            ("eval_functions=[]", RouteKind::Collection),
        ];
        for (raw, route) in cases {
            let (code, _, detail) = err(raw, route, OPTS);
            assert_eq!(code, ErrorCode::UnsupportedQueryParameter, "{raw}");
            let name = raw.split('=').next().unwrap();
            assert_eq!(
                detail,
                format!("Query parameter \"{name}\" is not supported by this endpoint.")
            );
        }
        assert!(QueryParams::parse("jsonp_callback=f&x-y=1", RouteKind::Root, "GET", OPTS).is_ok());
        assert!(
            QueryParams::parse("include=a&fields[a]=b", RouteKind::Resource, "GET", OPTS).is_ok()
        );
    }

    #[test]
    fn callback_is_found_before_validation() {
        assert_eq!(find_callback("a=%FF&callback=f", OPTS).unwrap().value, "f");
        assert_eq!(
            find_callback("callback=f&jsonp_callback=g", OPTS)
                .unwrap()
                .name,
            "jsonp_callback"
        );
        assert_eq!(
            find_callback(
                "callback=f",
                NameOptions {
                    strict_query_names: true,
                    jsonp: true
                }
            ),
            None
        );
        assert_eq!(
            find_callback(
                "jsonp_callback=f",
                NameOptions {
                    strict_query_names: false,
                    jsonp: false
                }
            ),
            None
        );
    }

    #[test]
    fn non_page_keeps_order() {
        let q = parse("page[size]=2&sort=-age&page[number]=1&x-y=1").unwrap();
        let names: Vec<_> = q.non_page().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["sort", "x-y"]);
    }
}
