//! Decisions per second and latency of the limiter, Redis path and in-memory path side by side.
//!
//! cargo run --release -p limiter --example bench -- [--redis URL] [--requests N] [--concurrency C]
//!
//! Requests come from 2 000 visitors of one fresh tenant, so most visitors soon hit the limit
//! and both allowed and refused paths are measured. The Redis keys expire at the next UTC
//! midnight like any others.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use limiter::{
    Backend, DEFAULT_LIMIT_PER_DAY, DEFAULT_MEMORY_CAPACITY, DEFAULT_REDIS_TIMEOUT, Limiter,
    SystemClock, VisitorId,
};

const VISITORS: u32 = 2_000;

struct Report {
    per_second: f64,
    p50: Duration,
    p99: Duration,
    max: Duration,
    allowed: usize,
    backends_ok: bool,
}

async fn run(limiter: &Limiter, expected: Backend, requests: usize, concurrency: usize) -> Report {
    let tenant = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_micros() as i64;
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|worker| {
            let limiter = limiter.clone();
            tokio::spawn(async move {
                let mut samples = Vec::new();
                let (mut allowed, mut backends_ok) = (0, true);
                for i in (worker..requests).step_by(concurrency) {
                    let ip = Ipv4Addr::from(0x0A00_0000 + (i as u32 % VISITORS));
                    let visitor = VisitorId::from_ip(IpAddr::V4(ip));
                    let t = Instant::now();
                    let d = limiter.check(tenant, &visitor, DEFAULT_LIMIT_PER_DAY).await;
                    samples.push(t.elapsed());
                    allowed += usize::from(d.allowed);
                    backends_ok &= d.backend == expected;
                }
                (samples, allowed, backends_ok)
            })
        })
        .collect();
    let (mut samples, mut allowed, mut backends_ok) = (Vec::with_capacity(requests), 0, true);
    for task in tasks {
        let (s, a, ok) = task.await.unwrap();
        samples.extend(s);
        allowed += a;
        backends_ok &= ok;
    }
    let elapsed = started.elapsed();
    samples.sort_unstable();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    Report {
        per_second: requests as f64 / elapsed.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
        max: at(1.0),
        allowed,
        backends_ok,
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (mut url, mut requests, mut concurrency) =
        ("redis://127.0.0.1:6379".to_string(), 100_000, 16);
    while let Some(flag) = args.next() {
        let value = args.next().expect("every flag takes a value");
        match flag.as_str() {
            "--redis" => url = value,
            "--requests" => requests = value.parse().expect("--requests N"),
            "--concurrency" => concurrency = value.parse().expect("--concurrency C"),
            other => panic!("unknown flag {other}; see the top of bench.rs"),
        }
    }
    let memory = Limiter::memory(Arc::new(SystemClock), DEFAULT_MEMORY_CAPACITY);
    let redis = Limiter::redis(
        &url,
        DEFAULT_REDIS_TIMEOUT,
        Arc::new(SystemClock),
        DEFAULT_MEMORY_CAPACITY,
    )
    .await
    .expect("valid Redis URL");
    assert_eq!(
        redis.backend(),
        Backend::Redis,
        "Redis is not answering at {url}"
    );

    // Warm up connections, the script cache and the allocator.
    run(&redis, Backend::Redis, 2_000, concurrency).await;
    run(&memory, Backend::Memory, 2_000, concurrency).await;

    println!(
        "{requests} decisions, concurrency {concurrency}, {VISITORS} visitors, limit {DEFAULT_LIMIT_PER_DAY}"
    );
    println!(
        "{:<8} {:>12} {:>10} {:>10} {:>10} {:>9}",
        "path", "decisions/s", "p50", "p99", "max", "allowed"
    );
    for (name, limiter, backend) in [
        ("redis", &redis, Backend::Redis),
        ("memory", &memory, Backend::Memory),
    ] {
        let r = run(limiter, backend, requests, concurrency).await;
        assert!(
            r.backends_ok,
            "some {name} decisions came from another backend"
        );
        println!(
            "{name:<8} {:>12.0} {:>10.1?} {:>10.1?} {:>10.1?} {:>9}",
            r.per_second, r.p50, r.p99, r.max, r.allowed
        );
    }
    let stats = redis.stats();
    assert_eq!(
        stats.redis_errors, 0,
        "Redis errors during the run: {stats:?}"
    );
}
