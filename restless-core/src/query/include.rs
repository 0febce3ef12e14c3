//! `include` (catalog L): relationship paths, parsed and resolved into a tree.

use super::Param;
use crate::error::{Error, ErrorCode};
use crate::schema::Schema;

/// The include limits of L1.8 (manager options, V1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IncludeLimits {
    /// Most paths in one `include`. Default 16.
    pub paths: usize,
    /// Most segments in one path. Default 8.
    pub depth: usize,
}

impl Default for IncludeLimits {
    fn default() -> Self {
        IncludeLimits {
            paths: 16,
            depth: 8,
        }
    }
}

/// The relationships to follow from a set of resources: each child is a relationship index of
/// the type reached so far, with what to follow from its targets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct IncludeTree {
    pub(crate) children: Vec<(usize, IncludeTree)>,
}

impl IncludeTree {
    fn insert(&mut self, path: &[usize]) {
        if let Some((first, rest)) = path.split_first() {
            let child = match self.children.iter().position(|(r, _)| r == first) {
                Some(i) => &mut self.children[i].1,
                None => {
                    self.children.push((*first, IncludeTree::default()));
                    let last = self.children.len() - 1;
                    &mut self.children[last].1
                }
            };
            child.insert(rest);
        }
    }
}

fn invalid(detail: String) -> Error {
    Error::bad_query(ErrorCode::InvalidInclude, "include", detail)
}

/// Splits an `include` value into paths (L1.2, L1.8); `""` is no path at all (L1.7).
pub(crate) fn split(value: &str, limits: IncludeLimits) -> Result<Vec<Vec<&str>>, Error> {
    if value.is_empty() {
        return Ok(Vec::new());
    }
    let paths: Vec<&str> = value.split(',').collect();
    if paths.len() > limits.paths {
        return Err(invalid(format!(
            "Too many include paths (limit {}).",
            limits.paths
        )));
    }
    paths
        .into_iter()
        .map(|path| {
            let segments: Vec<&str> = path.split('.').collect();
            if segments.iter().any(|s| s.is_empty()) {
                return Err(invalid(format!(
                    "Empty relationship name in include path \"{path}\"."
                )));
            }
            if segments.len() > limits.depth {
                return Err(invalid(format!(
                    "Include path \"{path}\" is too deep (limit {}).",
                    limits.depth
                )));
            }
            Ok(segments)
        })
        .collect()
}

/// Resolves `include` from type `t` (L1.2). With `first` (relationship URLs, L1.3) every path
/// must start with that relationship.
pub(crate) fn resolve(
    schema: &Schema,
    t: usize,
    param: &Param,
    first: Option<&str>,
    limits: IncludeLimits,
) -> Result<IncludeTree, Error> {
    let mut tree = IncludeTree::default();
    for segments in split(&param.value, limits)? {
        if let Some(first) = first {
            if segments.first() != Some(&first) {
                return Err(invalid(format!(
                    "On this relationship URL every include path must start with \"{first}\"."
                )));
            }
        }
        let mut at = t;
        let mut path = Vec::with_capacity(segments.len());
        for name in &segments {
            let r = schema.rel_index(at, name).ok_or_else(|| {
                invalid(format!(
                    "Type \"{}\" has no relationship \"{name}\" (in include path \"{}\").",
                    schema.meta(at).type_name,
                    segments.join(".")
                ))
            })?;
            path.push(r);
            at = schema.rel(at, r).target;
        }
        tree.insert(&path);
    }
    Ok(tree)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detail(r: Result<Vec<Vec<&str>>, Error>) -> String {
        match r {
            Err(Error::BadQuery {
                code: ErrorCode::InvalidInclude,
                detail,
                ..
            }) => detail,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn paths_split_on_commas_and_dots_l1_2() {
        assert_eq!(
            split("author,comments.author", IncludeLimits::default()).unwrap(),
            vec![vec!["author"], vec!["comments", "author"]]
        );
        assert_eq!(
            split("", IncludeLimits::default()).unwrap(),
            Vec::<Vec<&str>>::new()
        );
        assert_eq!(
            detail(split("articles.", IncludeLimits::default())),
            "Empty relationship name in include path \"articles.\"."
        );
        assert_eq!(
            detail(split("articles,,comments", IncludeLimits::default())),
            "Empty relationship name in include path \"\"."
        );
    }

    #[test]
    fn limits_l1_8() {
        let many = vec!["a"; 17].join(",");
        assert_eq!(
            detail(split(&many, IncludeLimits::default())),
            "Too many include paths (limit 16)."
        );
        assert!(split(&vec!["a"; 16].join(","), IncludeLimits::default()).is_ok());
        assert_eq!(
            detail(split("a.b.c.d.e.f.g.h.i", IncludeLimits::default())),
            "Include path \"a.b.c.d.e.f.g.h.i\" is too deep (limit 8)."
        );
        assert!(split("a.b.c.d.e.f.g.h", IncludeLimits::default()).is_ok());
    }

    #[test]
    fn the_tree_merges_shared_prefixes() {
        let mut t = IncludeTree::default();
        t.insert(&[1, 2]);
        t.insert(&[1]);
        t.insert(&[0]);
        t.insert(&[1, 3]);
        let inner = IncludeTree {
            children: vec![(2, IncludeTree::default()), (3, IncludeTree::default())],
        };
        assert_eq!(
            t,
            IncludeTree {
                children: vec![(1, inner), (0, IncludeTree::default())]
            }
        );
    }
}

#[cfg(test)]
mod resolve_tests {
    use super::*;
    use crate::query::sort::tests::schema;

    fn param(value: &str) -> Param {
        Param {
            name: "include".into(),
            value: value.into(),
        }
    }

    #[test]
    fn paths_resolve_through_relationships_l1_2() {
        let s = schema();
        let tree = resolve(
            &s,
            0,
            &param("articles.author,articles"),
            None,
            IncludeLimits::default(),
        )
        .unwrap();
        let author = IncludeTree {
            children: vec![(0, IncludeTree::default())],
        };
        assert_eq!(
            tree,
            IncludeTree {
                children: vec![(0, author)]
            }
        );
        let e = resolve(
            &s,
            0,
            &param("articles.bogus"),
            None,
            IncludeLimits::default(),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "Type \"article\" has no relationship \"bogus\" (in include path \"articles.bogus\")."
        );
    }

    #[test]
    fn relationship_urls_fix_the_first_segment_l1_3() {
        let s = schema();
        assert!(resolve(
            &s,
            0,
            &param("articles.author"),
            Some("articles"),
            IncludeLimits::default()
        )
        .is_ok());
        let e = resolve(
            &s,
            0,
            &param("author"),
            Some("articles"),
            IncludeLimits::default(),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "On this relationship URL every include path must start with \"articles\"."
        );
    }
}
