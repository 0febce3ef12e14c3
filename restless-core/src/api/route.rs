//! Routing (E1–E3): a raw path to a route, and the methods each route serves.

use super::Api;
use crate::config::Method;
use crate::error::{Error, ErrorCode};
use crate::query::RouteKind;

/// Which id segment of a route did not decode (E4.3).
#[derive(Clone, Copy, Debug)]
pub(super) enum BadId {
    /// The resource's id.
    Id,
    /// The related resource's id.
    Rid,
}

#[derive(Clone, Debug)]
pub(super) enum Route {
    Root,
    Collection(usize),
    Resource(usize, String),
    Related(usize, String, String),
    RelatedSingle(usize, String, String, String),
    Relationship(usize, String, String),
    Eval(usize),
}

impl Route {
    pub(super) fn kind(&self) -> RouteKind {
        match self {
            Route::Root => RouteKind::Root,
            Route::Collection(_) => RouteKind::Collection,
            Route::Resource(..) => RouteKind::Resource,
            Route::Related(..) => RouteKind::Related,
            Route::RelatedSingle(..) => RouteKind::RelatedSingle,
            Route::Relationship(..) => RouteKind::Relationship,
            Route::Eval(_) => RouteKind::Eval,
        }
    }
}

impl Api {
    /// Matches a raw path against E1.1's routes; `None` is a route miss (E2). An id segment
    /// whose percent-decoding is not UTF-8 is kept as sent and reported beside the route: it
    /// names no resource (E4.3).
    pub(super) fn route(&self, path: &str) -> Option<(Route, Option<BadId>)> {
        let root = self.config.prefix.as_str();
        if path == root || (root.is_empty() && path == "/") {
            return Some((Route::Root, None));
        }
        // A type with a prefix of its own is served under it only (V2 `url_prefix`); the
        // longest prefix that fits is tried first.
        self.prefixes.iter().find_map(|prefix| {
            let rest = path.strip_prefix(prefix.as_str())?;
            self.route_under(rest, |t| self.prefix_of(t) == prefix)
        })
    }

    /// The prefix type `t` is served under.
    pub(super) fn prefix_of(&self, t: usize) -> &str {
        self.schema.types[t]
            .config
            .url_prefix
            .as_deref()
            .unwrap_or(&self.config.prefix)
    }

    /// Routes the path after a prefix among the types `served` there.
    fn route_under(
        &self,
        rest: &str,
        served: impl Fn(usize) -> bool,
    ) -> Option<(Route, Option<BadId>)> {
        let raw: Vec<&str> = rest.strip_prefix('/')?.split('/').collect();
        let segments: Vec<(String, bool)> = raw
            .iter()
            .map(|s| decode_segment(s))
            .collect::<Option<_>>()?;
        let segs: Vec<&str> = segments.iter().map(|(s, _)| s.as_str()).collect();
        // An id position keeps its raw text when it does not decode.
        let id_at = |i: usize| -> String {
            match (segments.get(i), raw.get(i)) {
                (Some((_, false)), Some(raw)) => (*raw).to_owned(),
                (Some((text, true)), _) => text.clone(),
                _ => String::new(),
            }
        };
        let bad = |i: usize| segments.get(i).is_some_and(|(_, valid)| !valid);
        if let ["eval", name] = segs.as_slice() {
            // Only types that allow it have the route at all (N1.1).
            let t = self.schema.type_index(name).filter(|&t| served(t))?;
            let config = &self.schema.types[t].config;
            return (config.allow_functions && config.allows(Method::Get))
                .then_some((Route::Eval(t), None));
        }
        let ty = self
            .schema
            .type_index(segs.first()?)
            .filter(|&t| served(t))?;
        let route = match segs.as_slice() {
            [_] => Route::Collection(ty),
            [_, _] => Route::Resource(ty, id_at(1)),
            [_, _, "relationships", rel] => Route::Relationship(ty, id_at(1), (*rel).to_owned()),
            [_, _, rel] => Route::Related(ty, id_at(1), (*rel).to_owned()),
            [_, _, rel, _] => Route::RelatedSingle(ty, id_at(1), (*rel).to_owned(), id_at(3)),
            _ => return None,
        };
        let bad_id = if bad(1) {
            Some(BadId::Id)
        } else if matches!(route, Route::RelatedSingle(..)) && bad(3) {
            Some(BadId::Rid)
        } else {
            None
        };
        Some((route, bad_id))
    }

    /// The 404 of a route whose id segment does not decode (E4.3), once every check that needs
    /// no database has passed.
    pub(super) fn bad_id_error(&self, route: &Route, bad: BadId) -> Error {
        match (route, bad) {
            (Route::RelatedSingle(t, id, name, rid), BadId::Rid) => {
                let target = self.schema.rel_index(*t, name).map_or("", |r| {
                    self.schema.meta(self.schema.rel(*t, r).target).type_name
                });
                Error::Missing {
                    code: ErrorCode::RelatedResourceNotFound,
                    detail: format!(
                        "Resource \"{target}\" \"{rid}\" is not related to \"{}\" \"{id}\" through \"{name}\".",
                        self.schema.meta(*t).type_name
                    ),
                }
            }
            (
                Route::Resource(t, id)
                | Route::Related(t, id, _)
                | Route::Relationship(t, id, _)
                | Route::RelatedSingle(t, id, ..),
                _,
            ) => Error::ResourceNotFound {
                type_name: self.schema.meta(*t).type_name.into(),
                id: id.clone(),
            },
            (_, _) => Error::Internal("an id error without an id".into()),
        }
    }

    /// The methods a route serves, in E3.2's order.
    pub(super) fn allow(&self, route: &Route) -> Vec<&'static str> {
        let enabled = |t: usize, m: Method| self.schema.types[t].config.allows(m);
        // (GET, POST, PATCH, DELETE) the route serves (E1.1).
        let (get, post, patch, delete) = match route {
            Route::Root => (true, false, false, false),
            Route::Collection(t) => (
                enabled(*t, Method::Get),
                enabled(*t, Method::Post),
                false,
                false,
            ),
            Route::Resource(t, _) => (
                enabled(*t, Method::Get),
                false,
                enabled(*t, Method::Patch),
                enabled(*t, Method::Delete),
            ),
            Route::Related(t, ..) | Route::RelatedSingle(t, ..) | Route::Eval(t) => {
                (enabled(*t, Method::Get), false, false, false)
            }
            Route::Relationship(t, _, name) => {
                // Writes follow PATCH on the owner; a to-one URL takes only PATCH (R0.1).
                let to_one = self
                    .schema
                    .rel_index(*t, name)
                    .is_some_and(|r| !self.schema.rel(*t, r).is_to_many());
                let writes = enabled(*t, Method::Patch);
                (
                    enabled(*t, Method::Get),
                    writes && !to_one,
                    writes,
                    writes && !to_one,
                )
            }
        };
        let mut allow = Vec::with_capacity(6);
        if get {
            allow.extend(["GET", "HEAD"]);
        }
        if post {
            allow.push("POST");
        }
        if patch {
            allow.push("PATCH");
        }
        if delete {
            allow.push("DELETE");
        }
        allow.push("OPTIONS");
        allow
    }
}

/// Percent-decodes a path segment; an encoded `/` stays inside the segment (E4.2). The flag
/// says whether the bytes were UTF-8 (else the text is decoded lossily).
fn decode_segment(segment: &str) -> Option<(String, bool)> {
    if segment.is_empty() {
        return None;
    }
    let bytes: Vec<u8> = percent_encoding::percent_decode_str(segment).collect();
    Some(match String::from_utf8(bytes) {
        Ok(text) => (text, true),
        Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), false),
    })
}
