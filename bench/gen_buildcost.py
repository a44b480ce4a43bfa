#!/usr/bin/env python3
"""Generates the build-cost workspace: five crates of 100 owner models and 100 targets each.

`derive/`:       each owner derives `Model` with a `#[has_one]`, each target derives `Model`.
`plain/`:        the same structs with Diesel's derives only.
`hand/`:         `plain` plus, per owner, the four association methods written by hand as a
                 Diesel user would (concrete on `SqliteConnection`): `target`,
                 `preload_target`, `create_target`, `destroy`, with the derive's names and
                 argument order.
`derive_calls/`, `hand_calls/`: `derive` and `hand` plus one `pub fn use_I` per model calling
                 the four methods (the same body in both), so that the generic generated
                 methods are instantiated and compiled as well.
`warmup/`:       no models, the same dependencies: building it builds them.
All depend on the same crates (diesel, diesel_has_one), so their dependencies build once
(shared target dir) and `cargo check -p <crate>` / `cargo build -p <crate>` measures the crate
itself.

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

# name -> (derive, hand-written methods, call sites)
VARIANTS = {
    "derive": (True, False, False),
    "plain": (False, False, False),
    "hand": (False, True, False),
    "derive_calls": (True, False, True),
    "hand_calls": (False, True, True),
}

os.makedirs(out, exist_ok=True)
members = ", ".join(f'"{name}"' for name in [*VARIANTS, "warmup"])
with open(os.path.join(out, "Cargo.toml"), "w") as f:
    f.write(f"[workspace]\nmembers = [{members}]\nresolver = \"2\"\n")
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


def hand(i):
    """The derive's reader, preload, create_ and destroy (dependent = "destroy") by hand."""
    return f"""
impl Owner{i} {{
    /// `SELECT … WHERE owner_id = ? ORDER BY id LIMIT 1`
    pub fn target(&self, conn: &mut SqliteConnection) -> QueryResult<Option<Target{i}>> {{
        targets_{i}::table
            .filter(targets_{i}::owner_id.eq(self.id))
            .order(targets_{i}::id)
            .limit(1)
            .select(Target{i}::as_select())
            .first(conn)
            .optional()
    }}

    /// `belonging_to` + `grouped_by`, each owner's row with the lowest id
    pub fn preload_target(
        owners: &[Self],
        conn: &mut SqliteConnection,
    ) -> QueryResult<Vec<Option<Target{i}>>> {{
        let rows = Target{i}::belonging_to(owners)
            .select(Target{i}::as_select())
            .load(conn)?;
        Ok(rows
            .grouped_by(owners)
            .into_iter()
            .map(|group| group.into_iter().min_by_key(|t| t.id))
            .collect())
    }}

    /// the replace: delete the owner's rows, insert the new one with the key set
    pub fn create_target(
        &self,
        values: NewTarget{i}<'_>,
        conn: &mut SqliteConnection,
    ) -> QueryResult<Target{i}> {{
        conn.transaction(|conn| {{
            diesel::delete(targets_{i}::table.filter(targets_{i}::owner_id.eq(self.id)))
                .execute(conn)?;
            diesel::insert_into(targets_{i}::table)
                .values((values, targets_{i}::owner_id.eq(self.id)))
                .returning(Target{i}::as_returning())
                .get_result(conn)
        }})
    }}

    /// `dependent = "destroy"`: the owner's targets, then the owner
    pub fn destroy(&self, conn: &mut SqliteConnection) -> QueryResult<()> {{
        conn.transaction(|conn| {{
            diesel::delete(targets_{i}::table.filter(targets_{i}::owner_id.eq(self.id)))
                .execute(conn)?;
            diesel::delete(owners_{i}::table.find(self.id)).execute(conn)?;
            Ok(())
        }})
    }}
}}
"""


def calls(i, error):
    """One call of each of the four methods (the same text for generated and hand-written)."""
    return f"""
pub fn use_{i}(conn: &mut SqliteConnection, owners: &[Owner{i}]) -> Result<(), {error}> {{
    let _all: Vec<Option<Target{i}>> = Owner{i}::preload_target(owners, conn)?;
    if let Some(owner) = owners.first() {{
        let _one: Option<Target{i}> = owner.target(conn)?;
        let _new: Target{i} = owner.create_target(NewTarget{i} {{ bio: "new" }}, conn)?;
        owner.destroy(conn)?;
    }}
    Ok(())
}}
"""


def crate(name, body):
    d = os.path.join(out, name)
    os.makedirs(os.path.join(d, "src"), exist_ok=True)
    with open(os.path.join(d, "Cargo.toml"), "w") as f:
        f.write(
            f"""[package]
name = "{name if name == "warmup" else "buildcost_" + name}"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
diesel = {{ version = "2.3", default-features = false, features = ["sqlite", "returning_clauses_for_sqlite_3_35"] }}
diesel_has_one = {{ path = "{runtime}" }}
"""
        )
    with open(os.path.join(d, "src", "lib.rs"), "w") as f:
        f.write(body)


for name, (derive, by_hand, call_sites) in VARIANTS.items():
    parts = [f"//! {models} models, generated ({name}).\n#![allow(missing_docs, dead_code)]\n\n"]
    parts.append("use diesel::prelude::*;\n")
    if derive:
        parts.append("use diesel_has_one::Model;\n")
    for i in range(models):
        parts.append(model(i, derive))
        if by_hand:
            parts.append(hand(i))
        if call_sites:
            parts.append(calls(i, "diesel_has_one::Error" if derive else "diesel::result::Error"))
    crate(name, "".join(parts))
crate("warmup", "//! The build-cost crates' dependencies, built once before measuring.\n")
