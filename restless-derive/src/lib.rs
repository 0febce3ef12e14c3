//! `#[derive(JsonApiResource)]`: the proc-macro of restless.
//!
//! Use it through the `restless` crate, which re-exports it beside the trait of the same name
//! and documents every attribute. This crate parses `#[jsonapi(...)]` (and reads Diesel's own
//! `#[diesel(...)]` for defaults), checks it, and emits the trait impl with static metadata; it
//! contains no request logic.

mod attr;
mod ctxt;
mod expand;
mod model;

use proc_macro::TokenStream;

/// Derives `restless::JsonApiResource`; the attributes are documented (with a runnable
/// example) on the re-export `restless::JsonApiResource`.
#[proc_macro_derive(JsonApiResource, attributes(jsonapi, diesel))]
pub fn derive_json_api_resource(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
