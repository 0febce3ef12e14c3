//! The derive's model of one resource: attributes parsed, defaults resolved, rules checked.

use proc_macro2::Span;
use syn::{Data, DeriveInput, Fields, Ident, Path, Type};

use crate::attr::{ContainerAttrs, FieldAttrs};
use crate::ctxt::Ctxt;

/// One resource type.
pub(crate) struct Resource<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) type_name: String,
    pub(crate) table: Path,
    /// Index into `fields`.
    pub(crate) primary_key: usize,
    /// Whether the key was named explicitly (else it must be the table's primary key).
    pub(crate) explicit_key: bool,
    pub(crate) fields: Vec<Field<'a>>,
    pub(crate) to_many: Vec<ToMany>,
    /// The skipped fields: columns the API never shows, which scopes and deserialization hooks
    /// may still name (V4.3, V6.2).
    pub(crate) skipped: Vec<Skipped<'a>>,
}

/// A field with `#[jsonapi(skip)]`: still a column of the table.
pub(crate) struct Skipped<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) ty: &'a Type,
    pub(crate) column: Ident,
}

/// A to-many relationship declared on the container.
pub(crate) struct ToMany {
    pub(crate) name: String,
    pub(crate) target: Path,
    pub(crate) storage: ToManyStorage,
}

/// Where a to-many relationship lives.
pub(crate) enum ToManyStorage {
    /// A foreign-key column of the target's table.
    ForeignKey(Path),
    /// A join table's two columns: the one referencing this type, the one referencing the target.
    Join { local: Path, remote: Path },
}

/// One field that is not skipped.
pub(crate) struct Field<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) ty: &'a Type,
    pub(crate) name: String,
    pub(crate) name_span: Span,
    pub(crate) column: Ident,
    pub(crate) to_one: Option<(String, Path)>,
    pub(crate) db_default: bool,
    /// A `Numeric` column's precision and scale (G1.2).
    pub(crate) precision: Option<u16>,
    pub(crate) scale: Option<u16>,
}

/// Whether `name` matches C5.3: `^[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?$`.
fn is_member_name(name: &str) -> bool {
    let b = name.as_bytes();
    match (b.first(), b.last()) {
        (Some(f), Some(l)) => {
            f.is_ascii_alphanumeric()
                && l.is_ascii_alphanumeric()
                && b.iter()
                    .all(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
        }
        _ => false,
    }
}

impl<'a> Resource<'a> {
    /// Builds the model, recording every problem in `cx`; `None` when it cannot be built.
    pub(crate) fn from_ast(cx: &Ctxt, input: &'a DeriveInput) -> Option<Self> {
        let attrs = ContainerAttrs::parse(cx, &input.attrs);
        let named = match &input.data {
            Data::Struct(s) => match &s.fields {
                Fields::Named(f) => Some(&f.named),
                _ => None,
            },
            _ => None,
        };
        let Some(named) = named else {
            cx.error_spanned_by(
                &input.ident,
                "JsonApiResource can only be derived for structs with named fields",
            );
            return None;
        };
        if !input.generics.params.is_empty() {
            cx.error_spanned_by(
                &input.generics,
                "JsonApiResource cannot be derived for generic structs",
            );
        }
        let Some(table) = attrs.table else {
            cx.error_spanned_by(
                &input.ident,
                "missing table: add `#[diesel(table_name = ...)]` or `#[jsonapi(table = ...)]`",
            );
            return None;
        };
        let table_name = table
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();

        let mut fields = Vec::new();
        let mut skipped = Vec::new();
        for f in named {
            let fa = FieldAttrs::parse(cx, &f.attrs);
            let Some(ident) = f.ident.as_ref() else {
                continue;
            };
            if fa.skip {
                if fa.rename.is_some() || fa.to_one.is_some() {
                    cx.error_spanned_by(
                        ident,
                        "a skipped field cannot also be renamed or a relationship",
                    );
                }
                skipped.push(Skipped {
                    ident,
                    ty: &f.ty,
                    column: fa.column.unwrap_or_else(|| ident.clone()),
                });
                continue;
            }
            let to_one = match (fa.to_one, fa.target) {
                (Some((span, name)), Some((_, target))) => {
                    if !is_member_name(&name) {
                        cx.syn_error(syn::Error::new(
                            span,
                            format!(
                                "relationship name `{name}` is not a URL-safe member name (C5.3)"
                            ),
                        ));
                    }
                    if matches!(name.as_str(), "id" | "type" | "relationships") {
                        cx.syn_error(syn::Error::new(
                            span,
                            format!("`{name}` is reserved and cannot name a relationship"),
                        ));
                    }
                    Some((name, target))
                }
                (Some((span, _)), None) => {
                    cx.syn_error(syn::Error::new(span, "`to_one` needs `target`\nhelp: the correct format looks like `#[jsonapi(to_one = \"author\", target = Person)]`"));
                    None
                }
                (None, Some((span, _))) => {
                    cx.syn_error(syn::Error::new(
                        span,
                        "`target` is only valid together with `to_one`",
                    ));
                    None
                }
                (None, None) => None,
            };
            let raw = ident.to_string();
            let raw = raw.strip_prefix("r#").unwrap_or(&raw).to_owned();
            let (name, name_span) = match fa.rename {
                Some((span, n)) => (n, span),
                None => (raw, ident.span()),
            };
            if !is_member_name(&name) {
                cx.syn_error(syn::Error::new(
                    name_span,
                    format!("`{name}` is not a URL-safe member name (C5.3)"),
                ));
            }
            fields.push(Field {
                ident,
                ty: &f.ty,
                name,
                name_span,
                column: fa.column.unwrap_or_else(|| ident.clone()),
                to_one,
                db_default: fa.db_default,
                precision: fa.precision,
                scale: fa.scale,
            });
        }

        let (primary_key, explicit_key) = match &attrs.primary_key {
            Some((span, pk)) => match fields
                .iter()
                .position(|f| f.name == *pk || f.ident == pk.as_str())
            {
                Some(i) => (i, true),
                None => {
                    let skipped = named
                        .iter()
                        .any(|f| f.ident.as_ref().is_some_and(|i| i == pk.as_str()));
                    let msg = if skipped {
                        format!("primary key field `{pk}` is skipped")
                    } else {
                        format!("unknown primary key field `{pk}`")
                    };
                    cx.syn_error(syn::Error::new(*span, msg));
                    return None;
                }
            },
            None => match fields.iter().position(|f| f.ident == "id") {
                Some(i) => (i, false),
                None => {
                    cx.error_spanned_by(
                        &input.ident,
                        "no `id` field: name the key with `#[jsonapi(primary_key = \"...\")]`",
                    );
                    return None;
                }
            },
        };
        if fields[primary_key].to_one.is_some() {
            cx.error_spanned_by(
                fields[primary_key].ident,
                "the key field cannot be a relationship",
            );
        }

        let type_name = match attrs.type_name {
            Some((span, t)) => {
                if !is_member_name(&t) || t == "eval" {
                    cx.syn_error(syn::Error::new(
                        span,
                        format!("type name `{t}` is reserved or not a URL-safe member name (C5.3)"),
                    ));
                }
                t
            }
            None => table_name,
        };

        let mut to_many = Vec::new();
        for tm in attrs.to_many {
            let Some((name_span, name)) = tm.name else {
                cx.syn_error(syn::Error::new(tm.span, "`to_many` needs `name = \"...\"`"));
                continue;
            };
            Self::check_relationship_name(cx, name_span, &name);
            let Some(target) = tm.target else {
                cx.syn_error(syn::Error::new(tm.span, "`to_many` needs `target = Type`"));
                continue;
            };
            let storage = match (tm.foreign_key, tm.local, tm.remote) {
                (Some(fk), None, None) => ToManyStorage::ForeignKey(fk),
                (None, Some(local), Some(remote)) => ToManyStorage::Join { local, remote },
                _ => {
                    cx.syn_error(syn::Error::new(
                        tm.span,
                        "`to_many` needs either `foreign_key = target_table::column` or both `local = join_table::column` and `remote = join_table::column`",
                    ));
                    continue;
                }
            };
            to_many.push(ToMany {
                name,
                target,
                storage,
            });
        }

        let model = Resource {
            ident: &input.ident,
            type_name,
            table,
            primary_key,
            explicit_key,
            fields,
            to_many,
            skipped,
        };
        model.check(cx);
        Some(model)
    }

    fn check_relationship_name(cx: &Ctxt, span: Span, name: &str) {
        if !is_member_name(name) {
            cx.syn_error(syn::Error::new(
                span,
                format!("relationship name `{name}` is not a URL-safe member name (C5.3)"),
            ));
        }
        if matches!(name, "id" | "type" | "relationships") {
            cx.syn_error(syn::Error::new(
                span,
                format!("`{name}` is reserved and cannot name a relationship"),
            ));
        }
    }

    /// Cross-field rules (F5, V3.2).
    fn check(&self, cx: &Ctxt) {
        let mut names: Vec<&str> = Vec::new();
        for (i, f) in self.fields.iter().enumerate() {
            let exposed: Vec<&str> = match &f.to_one {
                Some((rel, _)) => vec![rel.as_str()],
                None if i == self.primary_key => vec![],
                None => vec![f.name.as_str()],
            };
            for n in exposed {
                if i != self.primary_key && matches!(n, "id" | "type") {
                    cx.syn_error(syn::Error::new(f.name_span, format!("a field exposed as `{n}` collides with the resource's own `{n}`; rename or skip it")));
                }
                if names.contains(&n) {
                    cx.syn_error(syn::Error::new(
                        f.name_span,
                        format!("two fields are exposed under the name `{n}`"),
                    ));
                }
                names.push(n);
            }
        }
        for tm in &self.to_many {
            if names.contains(&tm.name.as_str()) {
                cx.error_spanned_by(
                    &tm.target,
                    format!("two fields are exposed under the name `{}`", tm.name),
                );
            }
            names.push(&tm.name);
        }
    }

    /// The exposed relationships, in declaration order: `(name, target, field index)`.
    pub(crate) fn to_one(&self) -> impl Iterator<Item = (&str, &Path, usize)> {
        self.fields
            .iter()
            .enumerate()
            .filter_map(|(i, f)| f.to_one.as_ref().map(|(n, t)| (n.as_str(), t, i)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn model(input: &DeriveInput) -> Result<(String, String, usize, Vec<String>), String> {
        let cx = Ctxt::new();
        let m = Resource::from_ast(&cx, input);
        let r = m.map(|m| {
            (
                m.type_name,
                m.table
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default(),
                m.primary_key,
                m.fields.iter().map(|f| f.name.clone()).collect(),
            )
        });
        match cx.check() {
            Ok(()) => r.ok_or_else(|| "no model".into()),
            Err(e) => Err(e.to_compile_error().to_string()),
        }
    }

    #[test]
    fn defaults_come_from_diesel() {
        let input: DeriveInput = parse_quote! {
            #[diesel(table_name = schema::article, check_for_backend(diesel::sqlite::Sqlite))]
            struct Article {
                id: i32,
                title: String,
                #[jsonapi(rename = "content")]
                body: Option<String>,
                #[jsonapi(skip)]
                secret: String,
                #[jsonapi(to_one = "author", target = Person)]
                author_id: Option<i32>,
            }
        };
        assert_eq!(
            model(&input).unwrap(),
            (
                "article".into(),
                "article".into(),
                0,
                vec![
                    "id".into(),
                    "title".into(),
                    "content".into(),
                    "author_id".into()
                ]
            )
        );
    }

    #[test]
    fn explicit_type_and_key() {
        let input: DeriveInput = parse_quote! {
            #[diesel(table_name = tags)]
            #[jsonapi(type = "tag", primary_key = "name")]
            struct Tag { #[jsonapi(rename = "number")] id: i32, name: String }
        };
        let want = (
            "tag".into(),
            "tags".into(),
            1,
            vec!["number".into(), "name".into()],
        );
        assert_eq!(model(&input).unwrap(), want);
        // Without the rename the `id` column would be exposed as an attribute `id` (F5.2).
        let clash: DeriveInput = parse_quote! {
            #[diesel(table_name = tags)]
            #[jsonapi(primary_key = "name")]
            struct Tag { id: i32, name: String }
        };
        assert!(model(&clash)
            .unwrap_err()
            .contains("collides with the resource's own `id`"));
    }

    #[test]
    fn every_error_is_reported() {
        let input: DeriveInput = parse_quote! {
            #[diesel(table_name = t)]
            #[jsonapi(typ = "x")]
            struct M { id: i32, #[jsonapi(rename = "type")] kind: String, #[jsonapi(rename = "a")] b: i32, a: i32 }
        };
        let err = model(&input).unwrap_err();
        assert!(
            err.contains("unknown jsonapi container attribute `typ`"),
            "{err}"
        );
        assert!(
            err.contains("collides with the resource's own `type`"),
            "{err}"
        );
        assert!(
            err.contains("two fields are exposed under the name `a`"),
            "{err}"
        );
    }

    #[test]
    fn missing_key_and_table() {
        let no_table: DeriveInput = parse_quote! { struct M { id: i32 } };
        assert!(model(&no_table).unwrap_err().contains("missing table"));
        let no_key: DeriveInput = parse_quote! { #[diesel(table_name = t)] struct M { code: i32 } };
        assert!(model(&no_key).unwrap_err().contains("no `id` field"));
        let skipped: DeriveInput = parse_quote! {
            #[diesel(table_name = t)] #[jsonapi(primary_key = "code")] struct M { #[jsonapi(skip)] code: i32 }
        };
        assert!(model(&skipped)
            .unwrap_err()
            .contains("primary key field `code` is skipped"));
    }
}
