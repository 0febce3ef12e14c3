//! The derive's output names everything by full path: it compiles next to local items that
//! shadow the prelude and common names.

#![allow(
    dead_code,
    non_camel_case_types,
    reason = "shadowing items exist only to be shadowed"
)]
#![allow(missing_docs, reason = "diesel's table! generates undocumented items")]

struct Result;
struct Ok;
struct Option;
struct Some;
struct None;
struct String;
struct Vec;
struct Box;
mod diesel {}
mod restless {}

::diesel::table! {
    gadget (id) {
        id -> Integer,
        label -> Text,
        weight -> Nullable<Double>,
    }
}

#[derive(::restless::JsonApiResource)]
#[diesel(table_name = gadget)]
struct Gadget {
    id: i32,
    label: ::std::string::String,
    weight: ::std::option::Option<f64>,
}

#[test]
fn derive_output_is_hygienic() {
    let meta = <Gadget as ::restless::JsonApiResource>::META;
    assert_eq!(meta.type_name, "gadget");
    let names: ::std::vec::Vec<&str> = meta.fields.iter().map(|f| f.name).collect();
    assert_eq!(names, ["id", "label", "weight"]);
}
