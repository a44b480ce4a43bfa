//! Reads: reader, preload of 10,000 owners and eager load, generated vs hand-written Diesel
//! vs SeaORM, on one seeded SQLite file. Criterion groups: `reader`, `preload_10000`,
//! `eager_10000`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use diesel_has_one_bench::{all_users, db_path, hand, read_owner, seaorm, seed, User};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn reads(c: &mut Criterion) {
    let path = db_path("reads");
    let conn = &mut seed(&path);
    let owner = read_owner(conn);
    let owners = all_users(conn);
    let rt = runtime();
    let db = rt.block_on(seaorm::connect(&path)).expect("seaorm connect");
    let sea_owner = rt
        .block_on(seaorm::all_users(&db))
        .expect("seaorm users")
        .into_iter()
        .find(|u| u.id == owner.id)
        .expect("owner");
    let sea_owners = rt.block_on(seaorm::all_users(&db)).expect("seaorm users");

    let mut group = c.benchmark_group("reader");
    group.bench_function("generated", |b| {
        b.iter(|| black_box(owner.profile(conn).unwrap()))
    });
    group.bench_function("hand_written", |b| {
        b.iter(|| black_box(hand::reader(&owner, conn).unwrap()))
    });
    group.bench_function("seaorm", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(seaorm::reader(&sea_owner, &db).await.unwrap()) })
    });
    group.finish();

    let mut group = c.benchmark_group("preload_10000");
    group.bench_function("generated", |b| {
        b.iter(|| black_box(User::preload_profile(&owners, conn).unwrap()))
    });
    group.bench_function("hand_written", |b| {
        b.iter(|| black_box(hand::preload(&owners, conn).unwrap()))
    });
    group.bench_function("hand_written_json_each", |b| {
        b.iter(|| black_box(hand::preload_json_each(&owners, conn).unwrap()))
    });
    group.bench_function("seaorm", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(seaorm::preload(&sea_owners, &db).await.unwrap()) })
    });
    group.finish();

    let mut group = c.benchmark_group("eager_10000");
    group.bench_function("generated", |b| {
        b.iter(|| black_box(diesel_has_one_bench::generated_eager(conn).unwrap()))
    });
    group.bench_function("hand_written", |b| {
        b.iter(|| black_box(hand::eager(conn).unwrap()))
    });
    group.bench_function("hand_written_left_join", |b| {
        b.iter(|| black_box(hand::left_join(conn).unwrap()))
    });
    group.bench_function("seaorm", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(seaorm::eager(&db).await.unwrap()) })
    });
    group.finish();
}

criterion_group!(benches, reads);
criterion_main!(benches);
