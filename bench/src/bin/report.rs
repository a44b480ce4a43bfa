//! Prints the Markdown results table: criterion's median estimates
//! (`target/criterion/<group>/<contender>/new/estimates.json`), the statements each
//! operation runs (counted here, on a freshly seeded database), the build cost written by
//! `scripts/bench.sh` (`target/buildcost.tsv`, with rustc's instructions from
//! `bench/buildcost_instructions.sh`'s `target/buildcost_instructions.tsv` when present) and
//! the machine.
//!
//! Run after `cargo bench`: `cargo run --release --bin report`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::Ordering;

use diesel::prelude::*;
use diesel_has_one_bench::{
    all_users, db_path, generated_eager, hand, read_owner, seaorm, seed, NewProfile, Statements,
    User,
};

/// The statements of one operation, generated and hand-written, plus SeaORM's count.
struct Counted {
    generated: Vec<String>,
    hand_written: Vec<String>,
    seaorm: Option<usize>,
}

/// One row of the table: which criterion group and contenders, and their statements.
struct Row {
    operation: &'static str,
    group: &'static str,
    /// The operation's name for `profile` (callgrind).
    op: &'static str,
    hand_written: &'static str,
    seaorm: Option<&'static str>,
    counted: Counted,
}

fn main() {
    let criterion = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/criterion");
    let rows = count_statements();

    println!("## Results\n");
    println!("Medians of criterion's estimates; ratio = generated / hand-written Diesel (goal: ≤ 1.05). Statements exclude BEGIN/COMMIT; \"same SQL\" compares the statement texts without binds.\n");
    println!("| operation | generated | hand-written Diesel | ratio | statements (gen / hand) | same SQL | SeaORM | SeaORM / hand-written | SeaORM statements |");
    println!("|---|---:|---:|---:|---:|:-:|---:|---:|---:|");
    for row in &rows {
        let generated = median(&criterion, row.group, "generated");
        let hand = median(&criterion, row.group, row.hand_written);
        let sea = row
            .seaorm
            .and_then(|name| median(&criterion, row.group, name));
        let same = if sql_only(&row.counted.generated) == sql_only(&row.counted.hand_written) {
            "yes"
        } else if unaliased(&row.counted.generated) == unaliased(&row.counted.hand_written) {
            "yes, but the alias"
        } else {
            "no"
        };
        println!(
            "| {} | {} | {} | {} | {} / {} | {} | {} | {} | {} |",
            row.operation,
            time(generated),
            time(hand),
            ratio(generated, hand),
            row.counted.generated.len(),
            row.counted.hand_written.len(),
            same,
            time(sea),
            ratio(sea, hand),
            row.counted
                .seaorm
                .map_or("–".to_string(), |n| n.to_string()),
        );
    }

    instructions(
        &rows,
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("target/callgrind.tsv"),
    );

    println!("\n### Statements\n");
    for row in &rows {
        println!("**{}**\n", row.operation);
        println!("- generated:");
        for sql in &row.counted.generated {
            println!("  - `{}`", shorten(sql));
        }
        println!("- hand-written:");
        for sql in &row.counted.hand_written {
            println!("  - `{}`", shorten(sql));
        }
        println!();
    }

    query_plans(&rows);
    build_cost(&Path::new(env!("CARGO_MANIFEST_DIR")).join("target/buildcost.tsv"));
    machine();
}

/// Runs each operation once per contender with a statement recorder installed.
fn count_statements() -> Vec<Row> {
    let path = db_path("report");
    let conn = &mut seed(&path);
    let owner = read_owner(conn);
    let owners = all_users(conn);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let mut db = rt.block_on(seaorm::connect(&path)).expect("seaorm connect");
    let sea_owners = rt.block_on(seaorm::all_users(&db)).expect("seaorm users");
    let sea_owner = sea_owners
        .iter()
        .find(|u| u.id == owner.id)
        .expect("owner")
        .clone();
    let sea_count = seaorm::count_statements(&mut db);
    let sea = |f: &dyn Fn(&sea_orm::DatabaseConnection)| {
        sea_count.store(0, Ordering::Relaxed);
        f(&db);
        Some(sea_count.load(Ordering::Relaxed))
    };
    let log = Statements::record(conn);

    owner.profile(conn).unwrap();
    let generated = log.take();
    hand::reader(&owner, conn).unwrap();
    let reader = Counted {
        generated,
        hand_written: log.take(),
        seaorm: sea(&|db| {
            rt.block_on(seaorm::reader(&sea_owner, db)).unwrap();
        }),
    };

    User::preload_profile(&owners, conn).unwrap();
    let generated = log.take();
    hand::preload(&owners, conn).unwrap();
    let preload = Counted {
        generated: generated.clone(),
        hand_written: log.take(),
        seaorm: sea(&|db| {
            rt.block_on(seaorm::preload(&sea_owners, db)).unwrap();
        }),
    };
    hand::preload_json_each(&owners, conn).unwrap();
    let preload_json = Counted {
        generated,
        hand_written: log.take(),
        seaorm: None,
    };

    let eager_rows = generated_eager(conn).unwrap();
    let generated = log.take();
    let hand_rows = hand::eager(conn).unwrap();
    assert_eq!(
        eager_rows, hand_rows,
        "generated and hand-written eager load differ"
    );
    let eager = Counted {
        generated: generated.clone(),
        hand_written: log.take(),
        seaorm: sea(&|db| {
            rt.block_on(seaorm::eager(db)).unwrap();
        }),
    };
    hand::left_join(conn).unwrap();
    let eager_plain = Counted {
        generated,
        hand_written: log.take(),
        seaorm: None,
    };

    owner
        .create_profile(NewProfile { bio: "replaced" }, conn)
        .unwrap();
    let generated = log.take();
    hand::replace(&owner, "replaced", conn).unwrap();
    let replace = Counted {
        generated,
        hand_written: log.take(),
        seaorm: None,
    };

    vec![
        Row {
            operation: "reader `user.profile(conn)`",
            group: "reader",
            op: "reader",
            hand_written: "hand_written",
            seaorm: Some("seaorm"),
            counted: reader,
        },
        Row {
            operation: "preload 10,000 owners vs `belonging_to` + `grouped_by`",
            group: "preload_10000",
            op: "preload",
            hand_written: "hand_written",
            seaorm: Some("seaorm"),
            counted: preload,
        },
        Row {
            operation: "preload 10,000 owners vs hand-written `json_each` (same key set) + `grouped_by`",
            group: "preload_10000",
            op: "preload",
            hand_written: "hand_written_json_each",
            seaorm: None,
            counted: preload_json,
        },
        Row {
            operation: "eager load 10,000 owners `eager_load_profile` vs hand-written `LEFT JOIN` + lowest-key subquery (alias) (SeaORM: `find_also_related`)",
            group: "eager_10000",
            op: "eager",
            hand_written: "hand_written",
            seaorm: Some("seaorm"),
            counted: eager,
        },
        Row {
            operation: "eager load 10,000 owners `eager_load_profile` vs plain `users.left_join(profiles)` (no subquery; duplicates owners with several profiles)",
            group: "eager_10000",
            op: "eager",
            hand_written: "hand_written_left_join",
            seaorm: None,
            counted: eager_plain,
        },
        Row {
            operation: "replace `create_profile` (destroy old row, insert, reselect)",
            group: "replace",
            op: "replace",
            hand_written: "hand_written",
            seaorm: None,
            counted: replace,
        },
    ]
}

/// The instructions-per-operation table from `callgrind.sh`'s
/// `op<TAB>contender<TAB>instructions` lines.
fn instructions(rows: &[Row], file: &Path) {
    let Ok(text) = std::fs::read_to_string(file) else {
        return;
    };
    let count = |op: &str, contender: &str| -> Option<f64> {
        text.lines().find_map(|line| {
            let mut cols = line.split('\t');
            (cols.next() == Some(op) && cols.next() == Some(contender))
                .then(|| cols.next()?.trim().parse().ok())
                .flatten()
        })
    };
    println!("\n### Instructions per operation (callgrind)\n");
    println!("`valgrind --tool=callgrind target/release/profile OP CONTENDER N` at two N (1 and 2001 for reader and replace, 1 and 3 for preload and eager); per operation = difference / ΔN, so the seeding is left out. Repeatable whatever else runs on the machine.\n");
    println!("| operation | generated | hand-written Diesel | ratio |");
    println!("|---|---:|---:|---:|");
    for row in rows {
        let generated = count(row.op, "generated");
        let hand = count(row.op, row.hand_written);
        println!(
            "| {} | {} | {} | {} |",
            row.operation,
            instr(generated),
            instr(hand),
            ratio(generated, hand)
        );
    }
}

/// An instruction count: thousands separated below ten million, else in millions.
fn instr(n: Option<f64>) -> String {
    match n {
        None => "–".into(),
        Some(n) if n >= 1e7 => format!("{:.2} M", n / 1e6),
        Some(n) => {
            let digits = format!("{n:.0}");
            let mut out = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 {
                    out.push(',');
                }
                out.push(c);
            }
            out
        }
    }
}

/// One row of SQLite's `EXPLAIN QUERY PLAN`.
#[derive(QueryableByName)]
struct PlanRow {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    id: i32,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    parent: i32,
    #[diesel(sql_type = diesel::sql_types::Text)]
    detail: String,
}

/// `EXPLAIN QUERY PLAN` (bundled SQLite, on the seeded file) of the eager-load
/// statements: the generated query and the two hand-written ones.
fn query_plans(rows: &[Row]) {
    let conn = &mut seed(&db_path("plans"));
    println!("### Query plans (eager load)\n");
    let mut seen = Vec::new();
    for row in rows.iter().filter(|r| r.group == "eager_10000") {
        for (who, statements) in [
            ("generated", &row.counted.generated),
            (row.hand_written, &row.counted.hand_written),
        ] {
            let Some(statement) = statements.first() else {
                continue;
            };
            let sql = statement.split(" -- binds:").next().unwrap_or(statement);
            if seen.contains(&who) {
                continue;
            }
            seen.push(who);
            let plan: Vec<PlanRow> = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
                .load(conn)
                .expect("query plan");
            println!("- {who}:");
            let depth = |mut parent: i32| {
                let mut d = 0;
                while let Some(p) = plan.iter().find(|r| r.id == parent) {
                    d += 1;
                    parent = p.parent;
                }
                d
            };
            for step in &plan {
                println!("  {}- `{}`", "  ".repeat(depth(step.parent)), step.detail);
            }
        }
    }
    println!();
}

/// Criterion's median point estimate (ns) of `group/name`, if that benchmark ran.
fn median(root: &Path, group: &str, name: &str) -> Option<f64> {
    let file: PathBuf = root.join(group).join(name).join("new/estimates.json");
    let text = std::fs::read_to_string(file).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["median"]["point_estimate"].as_f64()
}

/// The SQL texts without their bind values, an explicit ` ASC` dropped (Diesel's
/// `.order(col)` and `.order(col.asc())` sort the same way).
fn sql_only(statements: &[String]) -> Vec<String> {
    statements
        .iter()
        .map(|s| {
            let sql = s.split(" -- binds:").next().unwrap_or(s);
            sql.replace(" ASC", "")
        })
        .collect()
}

/// [`sql_only`] with the hand-written eager load's alias (`profiles AS first_profile`)
/// read as the table itself and parentheses dropped: the generated subquery names the
/// table unaliased, and SQL resolves its columns to the inner `FROM` either way.
fn unaliased(statements: &[String]) -> Vec<String> {
    sql_only(statements)
        .into_iter()
        .map(|s| {
            s.replace("profiles` AS `first_profile", "profiles")
                .replace("first_profile", "profiles")
                .replace(['(', ')'], "")
        })
        .collect()
}

/// A duration in ns, with a unit that keeps three significant digits.
fn time(ns: Option<f64>) -> String {
    match ns {
        None => "–".into(),
        Some(ns) if ns < 1e3 => format!("{ns:.0} ns"),
        Some(ns) if ns < 1e6 => format!("{:.2} µs", ns / 1e3),
        Some(ns) if ns < 1e9 => format!("{:.2} ms", ns / 1e6),
        Some(ns) => format!("{:.2} s", ns / 1e9),
    }
}

/// `a / b` to three decimals.
fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.3}", a / b),
        _ => "–".into(),
    }
}

/// The SQL text cut after 400 characters and its binds after 60 (bind lists of 10,000
/// owners are long).
fn shorten(statement: &str) -> String {
    let statement = statement.replace('`', "");
    let (sql, binds) = match statement.split_once(" -- binds: ") {
        Some((sql, binds)) => (sql, Some(binds)),
        None => (statement.as_str(), None),
    };
    let cut = |text: &str, n: usize| match text.char_indices().nth(n) {
        Some((i, _)) => format!("{} …", &text[..i]),
        None => text.to_string(),
    };
    match binds {
        Some(binds) => format!("{} -- binds: {}", cut(sql, 400), cut(binds, 60)),
        None => cut(sql, 400),
    }
}

/// The build-cost tables: wall time from `target/buildcost.tsv` (`variant<TAB>command<TAB>seconds`
/// per run; a line of the older `variant<TAB>seconds` is a `cargo check`) and, when
/// `bench/buildcost_instructions.sh` has run, rustc's instructions from
/// `target/buildcost_instructions.tsv` (`variant<TAB>command<TAB>instructions`, after a
/// `#models<TAB>N` line). Variants and commands it does not know are listed after the others.
fn build_cost(file: &Path) {
    use std::collections::BTreeMap;
    let Ok(text) = std::fs::read_to_string(file) else {
        return;
    };
    let mut runs: BTreeMap<(&str, &str), Vec<f64>> = BTreeMap::new();
    for line in text.lines() {
        let (variant, command, secs) = match line.split('\t').collect::<Vec<_>>()[..] {
            [variant, secs] => (variant, "check", secs),
            [variant, command, secs] => (variant, command, secs),
            _ => continue,
        };
        if let Ok(secs) = secs.trim().parse() {
            runs.entry((variant, command)).or_default().push(secs);
        }
    }
    let ir_text = std::fs::read_to_string(file.with_file_name("buildcost_instructions.tsv"))
        .unwrap_or_default();
    let mut ir: BTreeMap<(&str, &str), f64> = BTreeMap::new();
    let mut ir_models = "?";
    for line in ir_text.lines() {
        match line.split('\t').collect::<Vec<_>>()[..] {
            ["#models", n] => ir_models = n,
            [variant, command, n] => {
                if let Ok(n) = n.trim().parse() {
                    ir.insert((variant, command), n);
                }
            }
            _ => {}
        }
    }
    // known names first, in this order, then any others
    let rank =
        |name: &str, known: &[&str]| known.iter().position(|k| *k == name).unwrap_or(known.len());
    const VARIANTS: [&str; 5] = ["derive", "plain", "hand", "derive_calls", "hand_calls"];
    const COMMANDS: [&str; 2] = ["check", "build"];
    let mut keys: Vec<(&str, &str)> = runs.keys().chain(ir.keys()).copied().collect();
    keys.sort_by_key(|&(v, c)| (rank(v, &VARIANTS), v, rank(c, &COMMANDS), c));
    keys.dedup();
    let mut medians: BTreeMap<(&str, &str), f64> = BTreeMap::new();
    for (key, secs) in runs.iter_mut() {
        secs.sort_by(f64::total_cmp);
        medians.insert(*key, secs[secs.len() / 2]);
    }

    println!("## Build cost\n");
    println!(
        "`cargo check` and `cargo build` (dev profile) of generated crates of 100 owner models and their 100 targets: `derive` (each owner with a `has_one`), `plain` (Diesel's derives only), `hand` (plain + the reader, preload, `create_` and `destroy` written by hand on `SqliteConnection`), and `derive_calls` / `hand_calls` (the same + one function per model calling the four methods); dependencies built beforehand, the crate's own artifacts removed before each run.{}\n",
        if ir.is_empty() {
            String::new()
        } else {
            format!(" Instructions: rustc's, under cachegrind (`bench/buildcost_instructions.sh`), {ir_models} models.")
        }
    );
    println!("| crate | command | runs (s) | median (s) | instructions |");
    println!("|---|---|---|---:|---:|");
    for key in &keys {
        let list = runs.get(key).map_or("–".to_string(), |secs| {
            secs.iter()
                .map(|s| format!("{s:.2}"))
                .collect::<Vec<_>>()
                .join(", ")
        });
        let median = medians
            .get(key)
            .map_or("–".to_string(), |m| format!("{m:.2}"));
        let count = ir
            .get(key)
            .map_or("–".to_string(), |n| format!("{:.2} G", n / 1e9));
        println!("| {} | {} | {list} | {median} | {count} |", key.0, key.1);
    }
    let ratio = |table: &BTreeMap<(&str, &str), f64>,
                 a: &str,
                 b: &str,
                 command: &str,
                 digits: usize| {
        match (table.get(&(a, command)), table.get(&(b, command))) {
            (Some(x), Some(y)) => format!("{:.digits$}", x / y),
            _ => "–".to_string(),
        }
    };
    println!("\n| ratio | check, wall | build, wall | check, instructions | build, instructions |");
    println!("|---|---:|---:|---:|---:|");
    for (a, b) in [
        ("derive", "plain"),
        ("derive", "hand"),
        ("derive_calls", "hand_calls"),
    ] {
        println!(
            "| {a} / {b} | {} | {} | {} | {} |",
            ratio(&medians, a, b, "check", 2),
            ratio(&medians, a, b, "build", 2),
            ratio(&ir, a, b, "check", 3),
            ratio(&ir, a, b, "build", 3),
        );
    }
    println!();
}

/// The machine: cores, CPU model, rustc and SQLite versions.
fn machine() {
    let cpu = Command::new("lscpu")
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .find(|l| l.starts_with("Model name:"))
                .map(|l| l["Model name:".len()..].trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|_| "unknown".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let conn = &mut SqliteConnection::establish(":memory:").expect("sqlite");
    let sqlite: String = diesel::select(diesel::dsl::sql::<diesel::sql_types::Text>(
        "sqlite_version()",
    ))
    .get_result(conn)
    .unwrap_or_default();
    println!("## Machine\n");
    println!("- cores: {cores} (shared with other builds while measuring)");
    println!("- CPU: {cpu}");
    println!("- {rustc}");
    println!("- SQLite {sqlite} (bundled, `libsqlite3-sys` 0.35), file database, WAL, `synchronous = OFF`");
}
