//! Compile-time checks of `#[derive(JsonApiResource)]`: every case under `tests/ui/*/` must fail
//! with the recorded message, and `tests/ui/pass/` must compile. Bless changes with
//! `TRYBUILD=overwrite cargo test --test ui` and review the diff.
//!
//! The cases under `tests/ui-messages/` fail in the compiler's own checks (trait bounds, a
//! missing column), whose wording changes between Rust and Diesel releases: for those only
//! restless's own message (and the name the error points at) is checked, not the whole text.

use std::path::Path;
use std::process::Command;

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

/// Each case, and what its compiler output must contain.
const MESSAGES: [(&str, &[&str]); 3] = [
    (
        "column-type-mismatch",
        &[
            "`i64` cannot be served as a JSON:API attribute of SQL type `diesel::sql_types::Text`",
            "a nullable column needs an `Option` of such a type",
            "title: i64",
        ],
    ),
    // No message of restless's: the column does not exist, and the compiler says so where
    // the field is.
    ("missing-column", &["headline", "error[E0425]"]),
    (
        "target-not-a-resource",
        &[
            "`String` is not a JSON:API resource type",
            "are Diesel models that derive `JsonApiResource`",
        ],
    ),
];

#[test]
fn ui_messages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = root.join("target/tests/ui-messages");
    std::fs::create_dir_all(project.join("src")).expect("the project's directory");
    let manifest = format!(
        "[package]\nname = \"restless-ui-messages\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nrestless = {{ path = {root:?} }}\ndiesel = {{ version = \"2.3\", default-features = false }}\n\n\
         [workspace]\n",
        root = root.display().to_string()
    );
    std::fs::write(project.join("Cargo.toml"), manifest).expect("its manifest");
    // The workspace's versions of every dependency.
    std::fs::copy(root.join("Cargo.lock"), project.join("Cargo.lock")).expect("the lock file");
    for (case, expected) in MESSAGES {
        let source = std::fs::read_to_string(root.join(format!("tests/ui-messages/{case}.rs")))
            .expect("the case");
        std::fs::write(project.join("src/main.rs"), source).expect("the case in the project");
        let output = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--color=never"])
            .current_dir(&project)
            // trybuild's, where restless and its dependencies are built already.
            .env("CARGO_TARGET_DIR", root.join("target/tests/trybuild"))
            .output()
            .expect("cargo");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{case} compiled");
        for text in expected {
            assert!(stderr.contains(text), "{case}: no {text:?} in\n{stderr}");
        }
    }
}
