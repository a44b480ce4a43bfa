//! `async_bench seed <mysql|postgres|sqlite> <owners>`: creates and seeds the tables.
//! `async_bench run <backend> <reader|preload|replace> <generated|hand_written> <owners> <repeat>`:
//! connects, builds the owner list, runs the operation `repeat` times on a current-thread
//! tokio runtime and prints the rows found by the last run. Under callgrind
//! (`bench/async.sh`) the difference between two values of `repeat` is the cost of the
//! operations alone.

use diesel_has_one_async_bench::{db, once, owners, runtime, seed, with_async_connection};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize| -> i32 { args[i].parse().expect("a number") };
    let backend = db(&args[1]);
    match args[0].as_str() {
        "seed" => seed(backend, number(2)),
        "run" => {
            let (op, contender) = (args[2].clone(), args[3].clone());
            let (list, repeat) = (owners(number(4)), number(5));
            let runtime = runtime();
            let found = with_async_connection!(&runtime, backend, |conn| {
                runtime.block_on(async {
                    let mut found = 0;
                    for _ in 0..repeat {
                        found = once!(backend, &mut *conn, op.as_str(), contender.as_str(), &list);
                    }
                    found
                })
            });
            println!("{found}");
        }
        other => panic!("unknown mode {other}"),
    }
}
