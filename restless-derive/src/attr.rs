//! `#[jsonapi(...)]` and the parts of `#[diesel(...)]` the derive reads, parsed into typed,
//! spanned values. Unknown or repeated keys are recorded in the [`Ctxt`] and skipped.

use syn::spanned::Spanned;
use syn::{Attribute, Path};

use crate::ctxt::Ctxt;

pub(crate) const CONTAINER_KEYS: &str = "`type`, `table`, `primary_key`, `to_many`";
pub(crate) const TO_MANY_KEYS: &str = "`name`, `target`, `foreign_key`, `local`, `remote`";
pub(crate) const FIELD_KEYS: &str =
    "`rename`, `skip`, `to_one`, `target`, `db_default`, `precision`, `scale`";

/// A value that may be given once; the second occurrence is an error at its key.
pub(crate) struct Attr<T> {
    name: &'static str,
    value: Option<(proc_macro2::Span, T)>,
}

impl<T> Attr<T> {
    pub(crate) fn none(name: &'static str) -> Self {
        Attr { name, value: None }
    }

    pub(crate) fn set(&mut self, cx: &Ctxt, span: proc_macro2::Span, value: T) {
        if self.value.is_some() {
            cx.syn_error(syn::Error::new(
                span,
                format!("duplicate jsonapi attribute `{}`", self.name),
            ));
        } else {
            self.value = Some((span, value));
        }
    }

    pub(crate) fn get(self) -> Option<(proc_macro2::Span, T)> {
        self.value
    }
}

/// Container attributes.
pub(crate) struct ContainerAttrs {
    pub(crate) type_name: Option<(proc_macro2::Span, String)>,
    pub(crate) table: Option<Path>,
    pub(crate) primary_key: Option<(proc_macro2::Span, String)>,
    pub(crate) to_many: Vec<ToManyAttr>,
}

/// `to_many(name = "...", target = Type, foreign_key = table::column)` or
/// `to_many(name = "...", target = Type, local = join::column, remote = join::column)`.
pub(crate) struct ToManyAttr {
    pub(crate) span: proc_macro2::Span,
    pub(crate) name: Option<(proc_macro2::Span, String)>,
    pub(crate) target: Option<Path>,
    pub(crate) foreign_key: Option<Path>,
    pub(crate) local: Option<Path>,
    pub(crate) remote: Option<Path>,
}

fn path_value(cx: &Ctxt, meta: &syn::meta::ParseNestedMeta<'_>, example: &str) -> Option<Path> {
    match meta.value().and_then(|v| v.parse::<syn::Expr>()) {
        Ok(syn::Expr::Path(p)) => Some(p.path),
        _ => {
            cx.syn_error(meta.error(format!(
                "expected a path\nhelp: the correct format looks like `{example}`"
            )));
            None
        }
    }
}

fn parse_to_many(cx: &Ctxt, meta: &syn::meta::ParseNestedMeta<'_>) -> ToManyAttr {
    let mut name = Attr::none("name");
    let mut target = Attr::none("target");
    let mut foreign_key = Attr::none("foreign_key");
    let mut local = Attr::none("local");
    let mut remote = Attr::none("remote");
    let example = "#[jsonapi(to_many(name = \"articles\", target = Article, foreign_key = article::author_id))]";
    let r = meta.parse_nested_meta(|inner| {
        let span = inner.path.span();
        if inner.path.is_ident("name") {
            if let Some(v) = lit_str(cx, &inner, "name") {
                name.set(cx, span, v);
            }
        } else if inner.path.is_ident("target") {
            if let Some(p) = path_value(cx, &inner, example) {
                target.set(cx, span, p);
            }
        } else if inner.path.is_ident("foreign_key") {
            if let Some(p) = path_value(cx, &inner, example) {
                foreign_key.set(cx, span, p);
            }
        } else if inner.path.is_ident("local") {
            if let Some(p) = path_value(cx, &inner, example) {
                local.set(cx, span, p);
            }
        } else if inner.path.is_ident("remote") {
            if let Some(p) = path_value(cx, &inner, example) {
                remote.set(cx, span, p);
            }
        } else {
            let key = inner
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            cx.syn_error(inner.error(format!(
                "unknown to_many attribute `{key}`, expected one of {TO_MANY_KEYS}"
            )));
            // Skip its value so that the rest of the list is still checked.
            if inner.input.peek(syn::Token![=]) {
                inner.value()?.parse::<syn::Expr>()?;
            }
        }
        Ok(())
    });
    if let Err(e) = r {
        cx.syn_error(e);
    }
    ToManyAttr {
        span: meta.path.span(),
        name: name.get(),
        target: target.get().map(|(_, p)| p),
        foreign_key: foreign_key.get().map(|(_, p)| p),
        local: local.get().map(|(_, p)| p),
        remote: remote.get().map(|(_, p)| p),
    }
}

/// Field attributes.
pub(crate) struct FieldAttrs {
    pub(crate) rename: Option<(proc_macro2::Span, String)>,
    pub(crate) skip: bool,
    pub(crate) db_default: bool,
    /// A `Numeric` column's precision and scale (G1.2).
    pub(crate) precision: Option<u16>,
    pub(crate) scale: Option<u16>,
    pub(crate) column: Option<syn::Ident>,
    pub(crate) to_one: Option<(proc_macro2::Span, String)>,
    pub(crate) target: Option<(proc_macro2::Span, Path)>,
}

/// The value of `key = "..."`; anything else is recorded (once) and skipped whole.
fn lit_str(cx: &Ctxt, meta: &syn::meta::ParseNestedMeta<'_>, key: &str) -> Option<String> {
    let value = meta.value().and_then(|v| v.parse::<syn::Expr>());
    match value {
        Ok(syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        })) => Some(s.value()),
        _ => {
            cx.syn_error(meta.error(format!(
                "expected a string literal\nhelp: the correct format looks like `#[jsonapi({key} = \"...\")]`"
            )));
            None
        }
    }
}

fn lit_u16(cx: &Ctxt, meta: &syn::meta::ParseNestedMeta<'_>, key: &str) -> Option<u16> {
    let value = meta.value().and_then(|v| v.parse::<syn::Expr>());
    match value {
        Ok(syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        })) => match i.base10_parse::<u16>() {
            Ok(v) => Some(v),
            Err(e) => {
                cx.syn_error(e);
                None
            }
        },
        _ => {
            cx.syn_error(meta.error(format!(
                "expected an integer\nhelp: the correct format looks like `#[jsonapi({key} = 2)]`"
            )));
            None
        }
    }
}

impl ContainerAttrs {
    pub(crate) fn parse(cx: &Ctxt, attrs: &[Attribute]) -> Self {
        let mut type_name = Attr::none("type");
        let mut table = Attr::none("table");
        let mut primary_key = Attr::none("primary_key");
        let mut to_many = Vec::new();
        let mut diesel_table = None;
        for attr in attrs {
            if attr.path().is_ident("jsonapi") {
                let r = attr.parse_nested_meta(|meta| {
                    let span = meta.path.span();
                    if meta.path.is_ident("type") {
                        if let Some(v) = lit_str(cx, &meta, "type") {
                            type_name.set(cx, span, v);
                        }
                    } else if meta.path.is_ident("table") {
                        match meta.value().and_then(|v| v.parse::<Path>()) {
                            Ok(p) => table.set(cx, span, p),
                            Err(_) => cx.syn_error(meta.error(
                                "expected a path\nhelp: the correct format looks like `#[jsonapi(table = schema::article)]`",
                            )),
                        }
                    } else if meta.path.is_ident("primary_key") {
                        if let Some(v) = lit_str(cx, &meta, "primary_key") {
                            primary_key.set(cx, span, v);
                        }
                    } else if meta.path.is_ident("to_many") {
                        to_many.push(parse_to_many(cx, &meta));
                    } else {
                        let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
                        return Err(meta.error(format!(
                            "unknown jsonapi container attribute `{key}`, expected one of {CONTAINER_KEYS}"
                        )));
                    }
                    Ok(())
                });
                if let Err(e) = r {
                    cx.syn_error(e);
                }
            } else if attr.path().is_ident("diesel") {
                // Read Diesel's table name; never reject anything Diesel accepts.
                let _ = attr.parse_nested_meta(|meta| {
                    if meta.path.is_ident("table_name") {
                        if let Ok(p) = meta.value().and_then(|v| v.parse::<Path>()) {
                            diesel_table = Some(p);
                        }
                    } else if meta.input.peek(syn::Token![=]) {
                        let _ = meta.value()?.parse::<syn::Expr>();
                    } else if meta.input.peek(syn::token::Paren) {
                        let _ = meta.input.parse::<proc_macro2::Group>();
                    }
                    Ok(())
                });
            }
        }
        ContainerAttrs {
            type_name: type_name.get(),
            table: table.get().map(|(_, p)| p).or(diesel_table),
            primary_key: primary_key.get(),
            to_many,
        }
    }
}

impl FieldAttrs {
    pub(crate) fn parse(cx: &Ctxt, attrs: &[Attribute]) -> Self {
        let mut rename = Attr::none("rename");
        let mut skip = Attr::none("skip");
        let mut db_default = Attr::none("db_default");
        let mut precision = Attr::none("precision");
        let mut scale = Attr::none("scale");
        let mut to_one = Attr::none("to_one");
        let mut target = Attr::none("target");
        let mut column = None;
        for attr in attrs {
            if attr.path().is_ident("jsonapi") {
                let r = attr.parse_nested_meta(|meta| {
                    let span = meta.path.span();
                    if meta.path.is_ident("rename") {
                        if let Some(v) = lit_str(cx, &meta, "rename") {
                            rename.set(cx, span, v);
                        }
                    } else if meta.path.is_ident("skip") {
                        skip.set(cx, span, ());
                    } else if meta.path.is_ident("db_default") {
                        db_default.set(cx, span, ());
                    } else if meta.path.is_ident("precision") || meta.path.is_ident("scale") {
                        let key = if meta.path.is_ident("scale") { "scale" } else { "precision" };
                        if let Some(v) = lit_u16(cx, &meta, key) {
                            if key == "scale" {
                                scale.set(cx, span, v);
                            } else {
                                precision.set(cx, span, v);
                            }
                        }
                    } else if meta.path.is_ident("to_one") {
                        if let Some(v) = lit_str(cx, &meta, "to_one") {
                            to_one.set(cx, span, v);
                        }
                    } else if meta.path.is_ident("target") {
                        match meta.value().and_then(|v| v.parse::<Path>()) {
                            Ok(p) => target.set(cx, span, p),
                            Err(_) => cx.syn_error(meta.error(
                                "expected a type path\nhelp: the correct format looks like `#[jsonapi(to_one = \"author\", target = Person)]`",
                            )),
                        }
                    } else {
                        let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
                        return Err(meta.error(format!(
                            "unknown jsonapi field attribute `{key}`, expected one of {FIELD_KEYS}"
                        )));
                    }
                    Ok(())
                });
                if let Err(e) = r {
                    cx.syn_error(e);
                }
            } else if attr.path().is_ident("diesel") {
                let _ = attr.parse_nested_meta(|meta| {
                    if meta.path.is_ident("column_name") {
                        if let Ok(i) = meta.value().and_then(|v| v.parse::<syn::Ident>()) {
                            column = Some(i);
                        }
                    } else if meta.input.peek(syn::Token![=]) {
                        let _ = meta.value()?.parse::<syn::Expr>();
                    } else if meta.input.peek(syn::token::Paren) {
                        let _ = meta.input.parse::<proc_macro2::Group>();
                    }
                    Ok(())
                });
            }
        }
        FieldAttrs {
            rename: rename.get(),
            skip: skip.get().is_some(),
            db_default: db_default.get().is_some(),
            precision: precision.get().map(|(_, v)| v),
            scale: scale.get().map(|(_, v)| v),
            column,
            to_one: to_one.get(),
            target: target.get(),
        }
    }
}
