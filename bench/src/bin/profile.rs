//! Runs one benchmarked operation a given number of times, for instruction counting under
//! `valgrind --tool=callgrind` (repeatable on a shared machine, unlike wall time):
//!
//! ```sh
//! valgrind --tool=callgrind target/release/profile preload generated 5
//! ```
//!
//! Operations: `reader`, `preload`, `eager`, `replace`; contenders: `generated`,
//! `hand_written`, `hand_written_json_each` (preload only), `hand_written_left_join`
//! (eager only: the plain `LEFT JOIN`, without the lowest-key subquery). Run it with two iteration
//! counts and divide the difference to leave out the seeding.

use std::hint::black_box;

use diesel_has_one_bench::{
    all_users, db_path, generated_eager, hand, read_owner, seed, NewProfile, User,
};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [op, contender, n] = &args[..] else {
        eprintln!("usage: profile OPERATION CONTENDER ITERATIONS");
        std::process::exit(2);
    };
    let n: usize = n.parse().expect("ITERATIONS is a number");
    let conn = &mut seed(&db_path(&format!("profile-{op}-{contender}-{n}")));
    let owner = read_owner(conn);
    let owners = all_users(conn);
    for _ in 0..n {
        match (op.as_str(), contender.as_str()) {
            ("reader", "generated") => drop(black_box(owner.profile(conn).unwrap())),
            ("reader", "hand_written") => drop(black_box(hand::reader(&owner, conn).unwrap())),
            ("preload", "generated") => {
                drop(black_box(User::preload_profile(&owners, conn).unwrap()))
            }
            ("preload", "hand_written") => drop(black_box(hand::preload(&owners, conn).unwrap())),
            ("preload", "hand_written_json_each") => {
                drop(black_box(hand::preload_json_each(&owners, conn).unwrap()))
            }
            ("eager", "generated") => drop(black_box(generated_eager(conn).unwrap())),
            ("eager", "hand_written") => drop(black_box(hand::eager(conn).unwrap())),
            ("eager", "hand_written_left_join") => drop(black_box(hand::left_join(conn).unwrap())),
            ("replace", "generated") => drop(black_box(
                owner
                    .create_profile(NewProfile { bio: "replaced" }, conn)
                    .unwrap(),
            )),
            ("replace", "hand_written") => {
                drop(black_box(hand::replace(&owner, "replaced", conn).unwrap()))
            }
            _ => {
                eprintln!("unknown operation or contender: {op} {contender}");
                std::process::exit(2);
            }
        }
    }
}
