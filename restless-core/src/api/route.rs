//! Routing (E1–E3): a raw path to a route, and the methods each route serves.

use super::Api;
use crate::config::Method;
use crate::query::RouteKind;

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
    /// Matches a raw path against E1.1's routes; `None` is a route miss (E2).
    pub(super) fn route(&self, path: &str) -> Option<Route> {
        let rest = path.strip_prefix(self.config.prefix.as_str())?;
        if rest.is_empty() || (self.config.prefix.is_empty() && rest == "/") {
            return Some(Route::Root);
        }
        let segments: Vec<String> = rest
            .strip_prefix('/')?
            .split('/')
            .map(decode_segment)
            .collect::<Option<_>>()?;
        let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
        if let ["eval", name] = segs.as_slice() {
            // Only types that allow it have the route at all (N1.1).
            let t = self.schema.type_index(name)?;
            let config = &self.schema.types[t].config;
            return (config.allow_functions && config.allows(Method::Get))
                .then_some(Route::Eval(t));
        }
        let ty = self.schema.type_index(segs.first()?)?;
        Some(match segs.as_slice() {
            [_] => Route::Collection(ty),
            [_, id] => Route::Resource(ty, (*id).to_owned()),
            [_, id, "relationships", rel] => {
                Route::Relationship(ty, (*id).to_owned(), (*rel).to_owned())
            }
            [_, id, rel] => Route::Related(ty, (*id).to_owned(), (*rel).to_owned()),
            [_, id, rel, rid] => {
                Route::RelatedSingle(ty, (*id).to_owned(), (*rel).to_owned(), (*rid).to_owned())
            }
            _ => return None,
        })
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

/// Percent-decodes a path segment; an encoded `/` stays inside the segment (E4.2). Invalid
/// UTF-8 is kept lossily so that an id still answers 404, not a route miss.
fn decode_segment(segment: &str) -> Option<String> {
    if segment.is_empty() {
        return None;
    }
    Some(
        percent_encoding::percent_decode_str(segment)
            .decode_utf8_lossy()
            .into_owned(),
    )
}
