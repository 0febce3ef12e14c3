//! Compile-time checks of `#[derive(JsonApiResource)]`: every case under `tests/ui/*/` must fail
//! with the recorded message, and `tests/ui/pass/` must compile. Bless changes with
//! `TRYBUILD=overwrite cargo test --test ui` and review the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    for area in [
        "unknown-attribute",
        "duplicate-attribute",
        "malformed",
        "primary-key",
        "unsupported-shape",
        "names",
        "relationship",
        "types",
    ] {
        t.compile_fail(format!("tests/ui/{area}/*.rs"));
    }
    t.pass("tests/ui/pass/*.rs");
}
