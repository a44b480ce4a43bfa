//! Criterion wall times of the async bench (issue 11): each operation of
//! `diesel_has_one_async_bench` by both contenders, on each backend (`BACKENDS`, default
//! all three), on one connection and a current-thread tokio runtime. Seed first:
//! `async_bench seed <backend> 10000` (bench/async.sh does).

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use diesel_has_one_async_bench::{db, once, owners, runtime, with_async_connection};

fn async_ops(c: &mut Criterion) {
    let runtime = runtime();
    let backends = std::env::var("BACKENDS").unwrap_or_else(|_| "sqlite,postgres,mysql".into());
    let list = owners(10_000);
    for name in backends.split(',') {
        let backend = db(name);
        with_async_connection!(&runtime, backend, |conn| {
            for (op, owners) in [("reader", &list[4241..4242]), ("preload", &list[..]), ("replace", &list[4241..4242])] {
                for contender in ["generated", "hand_written"] {
                    c.bench_function(&format!("{name}/{op}/{contender}"), |b| {
                        b.iter_custom(|iters| {
                            runtime.block_on(async {
                                let start = Instant::now();
                                for _ in 0..iters {
                                    once!(backend, &mut *conn, op, contender, owners);
                                }
                                start.elapsed()
                            })
                        })
                    });
                }
            }
            Duration::ZERO
        });
    }
}

criterion_group!(benches, async_ops);
criterion_main!(benches);
