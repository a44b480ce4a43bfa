//! Compile-fail cases: one bad declaration per file, its `.stderr` is the user experience.
//! Regenerate with `TRYBUILD=overwrite cargo test -p diesel_has_one_ui_tests`, then review
//! every diff like documentation.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*/*.rs");
    t.pass("tests/pass/*.rs");
}
