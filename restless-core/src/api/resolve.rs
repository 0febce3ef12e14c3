//! Steps 5, 8 and 9 of B4.1: query values, then the names that need the types, resolved into
//! what an operation does and how its document is shaped.

use serde_json::{Map, Value};

use super::hooks::Hooked;
use super::route::Route;
use super::{Api, Target};
use crate::config::Count;
use crate::error::{Error, ErrorCode};
use crate::ops::fetch::{CursorPage, Shaping};
use crate::ops::write::Change;
use crate::query::filter::{self, Filter};
use crate::query::{cursor, cursor_param, eval, fields, include, sort, Page, QueryParams};

impl Api {
    /// Steps 8 and 9 of B4.1: names that need the types. `None` is the root.
    pub(super) fn resolve(
        &self,
        route: Route,
        params: &QueryParams,
        method: &str,
        document: Option<Map<String, Value>>,
        hooked: &Hooked,
    ) -> Result<Option<(Target, Shaping)>, Error> {
        let doc = || document.clone().unwrap_or_default();
        let rel = |t: usize, name: &str| {
            self.schema
                .rel_index(t, name)
                .ok_or_else(|| Error::RelationshipNotFound {
                    type_name: self.schema.meta(t).type_name.into(),
                    name: name.into(),
                })
        };
        Ok(Some(match route {
            Route::Root => return Ok(None),
            Route::Eval(t) => {
                let mut shaping = Shaping {
                    fieldsets: vec![None; self.schema.types.len()],
                    ..Shaping::default()
                };
                shaping.filter = self.filter(hooked, params, t)?;
                shaping.functions = eval::parse(
                    &self.schema,
                    t,
                    params.eval_functions.as_ref(),
                    self.config.limits.max_functions,
                )?;
                (Target::Eval(t), shaping)
            }
            Route::Collection(t) if method == "POST" => (
                Target::Create(t, doc()),
                self.shaping(hooked, params, t, None, None)?,
            ),
            Route::Collection(t) => (
                Target::Collection(t),
                self.shaping(hooked, params, t, Some((t, "")), None)?,
            ),
            Route::Resource(t, id) if method == "PATCH" => (
                Target::Update(t, id, doc()),
                self.shaping(hooked, params, t, None, None)?,
            ),
            Route::Resource(t, id) if method == "DELETE" => (
                Target::Delete(t, id),
                self.shaping(hooked, params, t, None, None)?,
            ),
            Route::Resource(t, id) => (
                Target::Resource(t, id),
                self.shaping(hooked, params, t, None, None)?,
            ),
            Route::Relationship(t, id, name) if !matches!(method, "GET" | "HEAD") => {
                let r = rel(t, &name)?;
                let to_many = self.schema.rel(t, r).is_to_many();
                let config = &self.schema.types[t].config;
                let type_name = self.schema.meta(t).type_name;
                let change = match method {
                    "POST" => Change::Add,
                    "DELETE" => Change::Remove,
                    _ => Change::Replace,
                };
                // Static permissions (R2.1, R4.1), before the document is examined.
                if to_many && change == Change::Replace && !config.allow_to_many_replacement {
                    return Err(Error::Missing {
                        code: ErrorCode::ToManyReplacementForbidden,
                        detail: format!("Replacing the to-many relationship \"{name}\" of type \"{type_name}\" is not allowed."),
                    });
                }
                if change == Change::Remove && !config.allow_delete_from_to_many_relationships {
                    return Err(Error::Missing {
                        code: ErrorCode::ToManyDeletionForbidden,
                        detail: format!("Removing members from the to-many relationship \"{name}\" of type \"{type_name}\" is not allowed."),
                    });
                }
                (
                    Target::RelationshipWrite(t, id, r, change, doc()),
                    Shaping::default(),
                )
            }
            Route::Related(t, id, name) => {
                let r = rel(t, &name)?;
                let target = self.schema.rel(t, r).target;
                let route = format!("related {name}");
                let pages = self
                    .schema
                    .rel(t, r)
                    .is_to_many()
                    .then_some((t, route.as_str()));
                (
                    Target::Related(t, id, r),
                    self.shaping(hooked, params, target, pages, None)?,
                )
            }
            Route::RelatedSingle(t, id, name, rid) => {
                let r = rel(t, &name)?;
                if !self.schema.rel(t, r).is_to_many() {
                    return Err(Error::Missing {
                        code: ErrorCode::NotToMany,
                        detail: format!(
                            "Relationship \"{name}\" of type \"{}\" is to-one; only members of to-many relationships can be addressed by id.",
                            self.schema.meta(t).type_name
                        ),
                    });
                }
                let target = self.schema.rel(t, r).target;
                (
                    Target::RelatedSingle(t, id, r, rid),
                    self.shaping(hooked, params, target, None, None)?,
                )
            }
            Route::Relationship(t, id, name) => {
                let r = rel(t, &name)?;
                let target = self.schema.rel(t, r).target;
                let route = format!("relationship {name}");
                let pages = self
                    .schema
                    .rel(t, r)
                    .is_to_many()
                    .then_some((t, route.as_str()));
                let mut shaping =
                    self.shaping(hooked, params, target, pages, Some((t, name.as_str())))?;
                // Identifiers are the primary data: no default includes (L1.9).
                if params.include.is_none() {
                    shaping.include = None;
                }
                (Target::Relationship(t, id, r), shaping)
            }
        }))
    }

    /// B4.1 step 5: the values that are checkable on their own come before the names that need
    /// the types (step 8 and 9).
    pub(super) fn check_values(&self, route: &Route, params: &QueryParams) -> Result<(), Error> {
        let owner = match route {
            Route::Collection(t) | Route::Related(t, ..) | Route::Relationship(t, ..) => Some(*t),
            _ => None,
        };
        if let Some(t) = owner {
            let c = &self.schema.types[t].config;
            Page::resolve(
                params.page_number.as_ref(),
                params.page_size.as_ref(),
                c.page_size,
                c.max_page_size,
            )?;
            cursor_param(
                params.page_number.as_ref(),
                params.page_after.as_ref(),
                params.page_before.as_ref(),
            )?;
        }
        sort::ignore_case(params.ignore_case.as_ref())?;
        single_flag(params)?;
        if let Some(p) = &params.filter_objects {
            filter::check_syntax(p, self.config.limits.filter)?;
        }
        Ok(())
    }

    /// Resolves the shaping parameters for primary data of type `t`. `pages`, when the primary
    /// data is a collection, is the type whose page sizes apply (H4.3) and the route its cursors
    /// are made for (I6.2: `related <rel>`, `relationship <rel>`, empty for a collection);
    /// `relationship` is the owner and name on relationship URLs (L1.3).
    fn shaping(
        &self,
        hooked: &Hooked,
        params: &QueryParams,
        t: usize,
        pages: Option<(usize, &str)>,
        relationship: Option<(usize, &str)>,
    ) -> Result<Shaping, Error> {
        let schema = &self.schema;
        if pages.is_none() {
            // Collection parameters on an endpoint whose primary data is not a collection (D2.2).
            let single = [
                &params.sort,
                &params.group_by,
                &params.ignore_case,
                &params.page_number,
                &params.page_size,
                &params.page_after,
                &params.page_before,
                &params.filter_objects,
                &params.filter_single,
            ];
            let simple = params.filters.iter().map(|(_, p)| p);
            if let Some(p) = single.into_iter().flatten().chain(simple).next() {
                return Err(Error::bad_query(
                    ErrorCode::UnsupportedQueryParameter,
                    &p.name,
                    format!(
                        "Query parameter \"{}\" is not supported by this endpoint.",
                        p.name
                    ),
                ));
            }
        }
        let page = match pages {
            Some((owner, _)) => {
                let c = &schema.types[owner].config;
                Some(Page::resolve(
                    params.page_number.as_ref(),
                    params.page_size.as_ref(),
                    c.page_size,
                    c.max_page_size,
                )?)
            }
            None => None,
        };
        let ignore_case = sort::ignore_case(params.ignore_case.as_ref())?;
        let limits = sort::SortLimits {
            fields: self.config.limits.max_sort_fields,
            depth: self.config.limits.max_sort_depth,
        };
        let sort = match &params.sort {
            Some(p) => sort::resolve_sort(schema, t, p, limits)?,
            None => Vec::new(),
        };
        let group = match &params.group_by {
            Some(p) => sort::resolve_group(schema, t, p, limits)?,
            None => Vec::new(),
        };
        let joins = self.config.limits.max_sort_joins;
        if sort::join_count(sort.iter().chain(&group)) > joins {
            return Err(Error::bad_query(
                ErrorCode::InvalidSort,
                "sort",
                format!("Sort and group fields reach too many relationships (limit {joins})."),
            ));
        }
        let fieldsets = fields::resolve(schema, &params.fields)?;
        let include = match (&params.include, relationship) {
            (Some(p), Some((owner, name))) => Some(include::resolve(
                schema,
                owner,
                p,
                Some(name),
                self.config.limits.include,
            )?),
            (Some(p), None) => Some(include::resolve(
                schema,
                t,
                p,
                None,
                self.config.limits.include,
            )?),
            (None, _) => self.default_includes[t].clone(),
        };
        let single = single_flag(params)?;
        let filter = self.filter(hooked, params, t)?;
        let cursor = match pages {
            Some((owner, route)) => {
                self.cursor_page(params, t, owner, route, &sort, &group, ignore_case)?
            }
            None => None,
        };
        Ok(Shaping {
            include,
            fieldsets,
            sort,
            group,
            ignore_case,
            page,
            cursor,
            filter,
            single,
            functions: Vec::new(),
        })
    }

    /// The cursor page a request asks for (I6), its cursor decoded: made for this type, route,
    /// sort, `ignore_case` and `group_by`, with a value of the right kind for each order term
    /// (I6.2). `owner` is the type whose options apply.
    #[allow(clippy::too_many_arguments, reason = "the parts a cursor is made for")]
    fn cursor_page(
        &self,
        params: &QueryParams,
        t: usize,
        owner: usize,
        route: &str,
        sort: &[sort::SortTerm],
        group: &[sort::SortTerm],
        ignore_case: bool,
    ) -> Result<Option<CursorPage>, Error> {
        let Some((before, param)) = cursor_param(
            params.page_number.as_ref(),
            params.page_after.as_ref(),
            params.page_before.as_ref(),
        )?
        else {
            return Ok(None);
        };
        let schema = &self.schema;
        let terms = |terms: &[sort::SortTerm]| {
            terms
                .iter()
                .map(|s| format!("{:?}.{}.{}", s.path, s.field, s.desc))
                .collect::<Vec<_>>()
                .join(",")
        };
        let fingerprint = cursor::fingerprint(&[
            schema.meta(t).type_name,
            schema.meta(owner).type_name,
            route,
            &terms(sort),
            &terms(group),
            if ignore_case { "i" } else { "" },
        ]);
        let values = match param.value.as_str() {
            "" => None,
            text => {
                let kinds: Vec<_> = crate::ops::sql::order_terms(schema, t, sort, ignore_case)
                    .iter()
                    .map(|term| schema.meta(term.at).fields[term.field].kind())
                    .collect();
                let values = cursor::decode(text, fingerprint, &kinds).ok_or_else(|| {
                    Error::bad_query(
                        ErrorCode::InvalidPage,
                        &param.name,
                        format!("{} is not a valid cursor for this request.", param.name),
                    )
                })?;
                Some(values)
            }
        };
        let count = schema.types[owner]
            .config
            .count
            .unwrap_or(self.config.count);
        Ok(Some(CursorPage {
            before,
            text: values.as_ref().map(|_| param.value.clone()),
            values,
            fingerprint,
            exact: count == Count::Exact,
        }))
    }

    /// `filter[objects]` and the simple filters, combined with AND (M7.2); `None` when absent.
    fn filter(
        &self,
        hooked: &Hooked,
        params: &QueryParams,
        t: usize,
    ) -> Result<Option<Filter>, Error> {
        let limits = self.config.limits.filter;
        let mut parts = Vec::new();
        if let Some(p) = &params.filter_objects {
            parts.push(filter::parse_objects(
                &self.schema,
                t,
                p,
                limits,
                &self.config.operators,
            )?);
        }
        for (name, p) in &params.filters {
            parts.push(filter::parse_simple(&self.schema, t, name, p, limits)?);
        }
        // Filter objects appended by pre-hooks: validated like the client's, but an invalid
        // one is the server's fault (U3.3).
        if let Some(p) = &hooked.appended_filters {
            let appended =
                filter::parse_objects(&self.schema, t, p, limits, &self.config.operators).map_err(
                    |e| Error::Internal(format!("a pre-hook produced an invalid filter: {e}")),
                )?;
            parts.push(appended);
        }
        Ok((!parts.is_empty()).then_some(Filter::And(parts)))
    }
}

/// `filter[single]`: `0`/absent or `1` (H7.1).
fn single_flag(params: &QueryParams) -> Result<bool, Error> {
    match params.filter_single.as_ref() {
        None => Ok(false),
        Some(p) if p.value == "0" => Ok(false),
        Some(p) if p.value == "1" => Ok(true),
        Some(p) => Err(Error::bad_query(
            ErrorCode::InvalidQueryParameter,
            &p.name,
            format!("filter[single] must be 0 or 1; got \"{}\".", p.value),
        )),
    }
}
