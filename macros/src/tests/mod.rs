//! Expansion snapshots (insta + prettyplease over the derive's inner function): a reviewer
//! sees what a change does to generated code.

mod fallback;
mod labels;
mod proptest;
mod snapshots;
