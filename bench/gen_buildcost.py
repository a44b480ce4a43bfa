#!/usr/bin/env python3
"""Generates the build-cost workspace: two crates of 100 owner models and 100 targets.

`derive/`: each owner derives `Model` with a `#[has_one]`, each target derives `Model`.
`plain/`:  the same structs with Diesel's derives only.
Both depend on the same crates (diesel, diesel_has_one), so their dependencies build once
(shared target dir) and `cargo check -p <crate>` measures the crate itself.

Usage: gen_buildcost.py OUT_DIR [MODELS] [RUNTIME_DIR]
(RUNTIME_DIR: the diesel_has_one crate to use, default ../runtime; scripts/bench.sh passes a
snapshot of the committed tree so that edits in progress do not rebuild it between runs)
"""
import os
import shutil
import sys

out = sys.argv[1]
models = int(sys.argv[2]) if len(sys.argv) > 2 else 100
runtime = os.path.abspath(
    sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(__file__), "..", "runtime")
)
here = os.path.dirname(os.path.abspath(__file__))

os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "Cargo.toml"), "w") as f:
    f.write('[workspace]\nmembers = ["derive", "plain"]\nresolver = "2"\n')
# same dependency versions as the bench crate
shutil.copy(os.path.join(here, "Cargo.lock"), os.path.join(out, "Cargo.lock"))


def model(i, derive):
    owner_derives = "Debug, Clone, Queryable, Selectable, Identifiable"
    target_derives = "Debug, Clone, Queryable, Selectable, Identifiable, Associations"
    has_one = ""
    if derive:
        owner_derives += ", Model"
        target_derives += ", Model"
        has_one = (
            f'#[has_one(target, class_name = "Target{i}", foreign_key = "owner_id", '
            f'dependent = "destroy")]\n'
        )
    return f"""
diesel::table! {{ owners_{i} (id) {{ id -> Integer, name -> Text }} }}
diesel::table! {{ targets_{i} (id) {{ id -> Integer, owner_id -> Nullable<Integer>, bio -> Text }} }}

#[derive({owner_derives})]
#[diesel(table_name = owners_{i})]
{has_one}pub struct Owner{i} {{
    pub id: i32,
    pub name: String,
}}

#[derive({target_derives})]
#[diesel(table_name = targets_{i}, belongs_to(Owner{i}, foreign_key = owner_id))]
pub struct Target{i} {{
    pub id: i32,
    pub owner_id: Option<i32>,
    pub bio: String,
}}

#[derive(Insertable)]
#[diesel(table_name = targets_{i})]
pub struct NewTarget{i}<'a> {{
    pub bio: &'a str,
}}
"""


for name, derive in (("derive", True), ("plain", False)):
    d = os.path.join(out, name)
    os.makedirs(os.path.join(d, "src"), exist_ok=True)
    with open(os.path.join(d, "Cargo.toml"), "w") as f:
        f.write(
            f"""[package]
name = "buildcost_{name}"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
diesel = {{ version = "2.3", default-features = false, features = ["sqlite", "returning_clauses_for_sqlite_3_35"] }}
diesel_has_one = {{ path = "{runtime}" }}
"""
        )
    with open(os.path.join(d, "src", "lib.rs"), "w") as f:
        f.write(f"//! {models} models, generated ({name}).\n#![allow(missing_docs, dead_code)]\n\n")
        f.write("use diesel::prelude::*;\n")
        if derive:
            f.write("use diesel_has_one::Model;\n")
        for i in range(models):
            f.write(model(i, derive))
