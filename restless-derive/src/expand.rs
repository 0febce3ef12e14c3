//! Code generation: reads only the model and emits the trait impl with static metadata.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::DeriveInput;

use crate::ctxt::Ctxt;
use crate::model::{Resource, ToManyStorage};

/// Expands `#[derive(JsonApiResource)]`.
pub(crate) fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    let cx = Ctxt::new();
    let model = Resource::from_ast(&cx, input);
    cx.check()?;
    let Some(model) = model else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "JsonApiResource could not be derived",
        ));
    };
    Ok(expand(&model))
}

fn expand(m: &Resource<'_>) -> TokenStream {
    let ident = m.ident;
    let type_name = &m.type_name;
    let table = &m.table;
    let primary_key = m.primary_key;
    let p = quote!(::restless::__private);

    let fields = m.fields.iter().enumerate().map(|(i, f)| {
        let name = &f.name;
        let column = &f.column;
        let ty = f.ty;
        let role = if i == m.primary_key {
            quote!(#p::FieldRole::Key)
        } else if f.to_one.is_some() {
            quote!(#p::FieldRole::ForeignKey)
        } else {
            quote!(#p::FieldRole::Attribute)
        };
        // The kind is worked out the first time it is asked for: G1.1's built-in type, an
        // `Option` of a user type, or a user type (G1.3), whichever applies first. A type that
        // is none of them fails to compile here, at the field.
        let option_u16 = |v: Option<u16>| match v {
            Some(v) => quote!(::core::option::Option::Some(#v)),
            None => quote!(::core::option::Option::None),
        };
        let precision = option_u16(f.precision);
        let scale = option_u16(f.scale);
        let st = quote!(<#table::#column as #p::diesel::Expression>::SqlType);
        let kind = quote_spanned! {ty.span()=>
            #p::KindOf::Resolved(|| {
                static __RESTLESS_KIND: #p::OnceLock<#p::ValueKind> = #p::OnceLock::new();
                #p::probe::resolve(&__RESTLESS_KIND, || {
                    #[allow(unused_imports)]
                    use #p::probe::{Builtin as _, KnownSql as _, NullableUser as _, OwnSql as _, Unsupported as _, User as _};
                    #p::probe::numeric(
                        (&&&&#p::probe::Probe::<#ty, #st>::NEW)
                            .field_kind((&&#p::probe::SqlProbe::<#st>::NEW).sql_kind()),
                        #precision,
                        #scale,
                    )
                })
            })
        };
        let nullable = is_option(ty);

        let has_default = f.db_default;
        quote! {
            #p::FieldMeta {
                name: #name,
                column: <#table::#column as #p::diesel::Column>::NAME,
                kind: #kind,
                nullable: #nullable,
                has_default: #has_default,
                role: #role,
            }
        }
    });

    // Skipped fields last, so that the indices of the others stay what the model says. Their
    // kind is their column's SQL type's: the API never reads them into the Rust type.
    let skipped = m.skipped.iter().map(|f| {
        let name = f.ident.to_string();
        let column = &f.column;
        let nullable = is_option(f.ty);
        let st = quote!(<#table::#column as #p::diesel::Expression>::SqlType);
        quote_spanned! {f.ident.span()=>
            #p::FieldMeta {
                name: #name,
                column: <#table::#column as #p::diesel::Column>::NAME,
                kind: #p::KindOf::Resolved(|| {
                    static __RESTLESS_KIND: #p::OnceLock<#p::ValueKind> = #p::OnceLock::new();
                    #p::probe::resolve(&__RESTLESS_KIND, || {
                        #[allow(unused_imports)]
                        use #p::probe::{KnownSql as _, OwnSql as _};
                        (&&#p::probe::SqlProbe::<#st>::NEW).sql_kind()
                    })
                }),
                nullable: #nullable,
                has_default: false,
                role: #p::FieldRole::Skipped,
            }
        }
    });

    let key_check = if m.explicit_key {
        quote!()
    } else {
        let column = &m.fields[m.primary_key].column;
        quote! {
            // Without `primary_key`, the `id` field must be the table's primary key.
            let _: <#table::table as #p::diesel::Table>::PrimaryKey = #table::#column;
        }
    };

    let relationships = m.to_one().map(|(name, target, field)| {
        quote_spanned! {target.span()=>
            #p::RelationshipMeta {
                name: #name,
                target: || <#target as #p::JsonApiResource>::META,
                kind: #p::RelationshipKind::ToOne { field: #field },
            }
        }
    });

    let to_many = m.to_many.iter().map(|tm| {
        let name = &tm.name;
        let target = &tm.target;
        let kind = match &tm.storage {
            ToManyStorage::ForeignKey(fk) => {
                quote! {
                    #p::RelationshipKind::ToMany {
                        table: #p::table!(<#fk as #p::diesel::Column>::Table),
                        foreign_key: <#fk as #p::diesel::Column>::NAME,
                    }
                }
            }
            ToManyStorage::Join { local, remote } => {
                quote! {
                    #p::RelationshipKind::ManyToMany {
                        table: #p::table!(<#local as #p::diesel::Column>::Table),
                        local: <#local as #p::diesel::Column>::NAME,
                        remote: <#remote as #p::diesel::Column>::NAME,
                    }
                }
            }
        };
        quote_spanned! {target.span()=>
            #p::RelationshipMeta {
                name: #name,
                target: || <#target as #p::JsonApiResource>::META,
                kind: #kind,
            }
        }
    });
    let join_checks = m.to_many.iter().filter_map(|tm| match &tm.storage {
        ToManyStorage::Join { local, remote } => Some(quote_spanned! {remote.span()=>
            #p::assert_same_table::<#local, #remote>();
        }),
        ToManyStorage::ForeignKey(_) => None,
    });

    quote! {
        const _: () = {
            #[automatically_derived]
            impl #p::JsonApiResource for #ident {
                const META: &'static #p::ResourceMeta = &#p::ResourceMeta {
                    type_name: #type_name,
                    table: #p::table!(#table::table),
                    primary_key: #primary_key,
                    fields: &[#(#fields,)* #(#skipped,)*],
                    relationships: &[#(#relationships,)* #(#to_many,)*],
                };
            }

            #[allow(dead_code, clippy::no_effect_underscore_binding)]
            fn __restless_checks() {
                #(#join_checks)*
                #key_check
            }
        };
    }
}

/// Whether a field's type is an `Option` (its column is nullable, as Diesel requires).
fn is_option(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => {
            p.path.segments.last().is_some_and(|s| s.ident == "Option")
        }
        syn::Type::Group(g) => is_option(&g.elem),
        syn::Type::Paren(p) => is_option(&p.elem),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    #[test]
    fn expansion_names_columns_through_diesel() {
        let input: DeriveInput = parse_quote! {
            #[diesel(table_name = tag)]
            struct Tag { id: i32, name: String }
        };
        let out = derive(&input).unwrap();
        let file: syn::File = syn::parse2(out).unwrap();
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains("<tag::name as ::restless::__private::diesel::Column>::NAME"),
            "{text}"
        );
        assert!(text.contains("type_name: \"tag\""), "{text}");
        assert!(text.contains("let _: <tag::table as ::restless::__private::diesel::Table>::PrimaryKey = tag::id;"), "{text}");
    }
}
