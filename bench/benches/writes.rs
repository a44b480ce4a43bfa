//! Writes: the replace transaction (`create_profile` with `dependent = "destroy"` on an
//! owner that has a profile) vs the same statements by hand in `immediate_transaction`.
//! Criterion group: `replace`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use diesel_has_one_bench::{db_path, hand, read_owner, seed, NewProfile};

fn writes(c: &mut Criterion) {
    let conn = &mut seed(&db_path("writes"));
    let owner = read_owner(conn);

    let mut group = c.benchmark_group("replace");
    group.bench_function("generated", |b| {
        b.iter(|| {
            black_box(
                owner
                    .create_profile(NewProfile { bio: "replaced" }, conn)
                    .unwrap(),
            )
        })
    });
    group.bench_function("hand_written", |b| {
        b.iter(|| black_box(hand::replace(&owner, "replaced", conn).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, writes);
criterion_main!(benches);
