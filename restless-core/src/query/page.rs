//! `page[number]` and `page[size]` (catalog I1, I2).

use super::Param;
use crate::error::{Error, ErrorCode};

/// The largest page number or size a client may send (I1.2, I2.1).
const MAX_PAGE_PARAM: u64 = 2_147_483_647;

/// The page a request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    /// Every matching resource (I1.4).
    All,
    /// Page `number` (from 1) of `size` resources.
    Paged {
        /// The page number, from 1.
        number: u32,
        /// The page size, at least 1.
        size: u32,
    },
}

impl Page {
    /// The effective page of a request, given the type's `page_size` and `max_page_size`
    /// (0 = unbounded), per I1.2.
    ///
    /// # Errors
    /// [`Error::BadQuery`] with code `invalid_page` and the I1.3 / I2.1 details.
    pub fn resolve(
        number: Option<&Param>,
        size: Option<&Param>,
        page_size: u32,
        max_page_size: u32,
    ) -> Result<Page, Error> {
        let number = match number {
            None => 1,
            Some(p) => match decimal(&p.value) {
                Some(n @ 1..=MAX_PAGE_PARAM) => n,
                _ => {
                    return Err(invalid(
                        p,
                        format!(
                            "{} must be a positive integer; got \"{}\".",
                            p.name, p.value
                        ),
                    ))
                }
            },
        };
        let size = match size {
            None if max_page_size > 0 => page_size.min(max_page_size),
            None => page_size,
            Some(p) => match decimal(&p.value) {
                None => {
                    return Err(invalid(
                        p,
                        format!(
                            "{} must be a positive integer; got \"{}\".",
                            p.name, p.value
                        ),
                    ))
                }
                Some(0) if max_page_size > 0 => {
                    return Err(invalid(
                        p,
                        format!(
                            "{} must be at least 1 when the maximum page size is {max_page_size}.",
                            p.name
                        ),
                    ))
                }
                Some(n) if max_page_size > 0 && n > u64::from(max_page_size) => {
                    return Err(invalid(
                        p,
                        format!(
                            "{} must not exceed {max_page_size}; got {}.",
                            p.name, p.value
                        ),
                    ))
                }
                Some(n @ 0..=MAX_PAGE_PARAM) => n as u32,
                Some(_) => {
                    return Err(invalid(
                        p,
                        format!(
                            "{} must be a positive integer; got \"{}\".",
                            p.name, p.value
                        ),
                    ))
                }
            },
        };
        Ok(match size {
            0 => Page::All,
            size => Page::Paged {
                number: number as u32,
                size,
            },
        })
    }

    /// `(limit, offset)` for SQL, or `None` for every row.
    pub fn limit_offset(self) -> Option<(i64, i64)> {
        match self {
            Page::All => None,
            Page::Paged { number, size } => {
                let offset = (i64::from(number) - 1) * i64::from(size);
                Some((i64::from(size), offset))
            }
        }
    }
}

/// A string of ASCII digits (no sign, no space) as a number; `None` when it is anything else or
/// too long to matter.
fn decimal(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Too many digits for u64 is still an integer: larger than any limit.
    Some(s.parse().unwrap_or(u64::MAX))
}

/// The cursor parameter of a request, if any (I6.1): `page[after]` or `page[before]`, never
/// both, never with `page[number]`. `true` for `page[before]`.
///
/// # Errors
/// [`Error::BadQuery`] with code `invalid_page`, naming the parameter that cannot be combined.
pub(crate) fn cursor_param<'p>(
    number: Option<&Param>,
    after: Option<&'p Param>,
    before: Option<&'p Param>,
) -> Result<Option<(bool, &'p Param)>, Error> {
    let cursor = match (after, before) {
        (Some(_), Some(b)) => return Err(uncombinable(b)),
        (Some(a), None) => (false, a),
        (None, Some(b)) => (true, b),
        (None, None) => return Ok(None),
    };
    match number {
        Some(n) => Err(uncombinable(n)),
        None => Ok(Some(cursor)),
    }
}

fn uncombinable(p: &Param) -> Error {
    invalid(p, format!("{} cannot be combined with a cursor.", p.name))
}

fn invalid(p: &Param, detail: String) -> Error {
    Error::bad_query(ErrorCode::InvalidPage, &p.name, detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(name: &str, value: &str) -> Param {
        Param {
            name: name.into(),
            value: value.into(),
        }
    }

    fn detail(r: Result<Page, Error>) -> String {
        match r {
            Err(Error::BadQuery {
                code: ErrorCode::InvalidPage,
                detail,
                ..
            }) => detail,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn defaults_and_caps_i1_2() {
        assert_eq!(
            Page::resolve(None, None, 10, 100).unwrap(),
            Page::Paged {
                number: 1,
                size: 10
            }
        );
        assert_eq!(
            Page::resolve(None, None, 500, 100).unwrap(),
            Page::Paged {
                number: 1,
                size: 100
            }
        );
        assert_eq!(Page::resolve(None, None, 0, 100).unwrap(), Page::All);
        assert_eq!(
            Page::resolve(None, Some(&p("page[size]", "0")), 10, 0).unwrap(),
            Page::All
        );
        assert_eq!(
            Page::resolve(
                Some(&p("page[number]", "3")),
                Some(&p("page[size]", "2")),
                10,
                100
            )
            .unwrap(),
            Page::Paged { number: 3, size: 2 }
        );
        assert_eq!(
            Page::resolve(
                Some(&p("page[number]", "2147483647")),
                Some(&p("page[size]", "2147483647")),
                10,
                0
            )
            .unwrap()
            .limit_offset(),
            Some((2_147_483_647, 2_147_483_646 * 2_147_483_647))
        );
    }

    #[test]
    fn bad_sizes_i1_3() {
        for v in ["abc", "1.5", "", "-1", "+1", " 1", "2147483648"] {
            assert_eq!(
                detail(Page::resolve(None, Some(&p("page[size]", v)), 10, 0)),
                format!("page[size] must be a positive integer; got \"{v}\".")
            );
        }
        assert_eq!(
            detail(Page::resolve(None, Some(&p("page[size]", "101")), 10, 100)),
            "page[size] must not exceed 100; got 101."
        );
        assert_eq!(
            detail(Page::resolve(None, Some(&p("page[size]", "0")), 10, 100)),
            "page[size] must be at least 1 when the maximum page size is 100."
        );
    }

    #[test]
    fn bad_numbers_i2_1() {
        for v in ["0", "-1", "abc", "", "2147483648"] {
            assert_eq!(
                detail(Page::resolve(Some(&p("page[number]", v)), None, 10, 100)),
                format!("page[number] must be a positive integer; got \"{v}\".")
            );
        }
    }
}
