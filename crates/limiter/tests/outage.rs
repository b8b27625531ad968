//! Redis failing and coming back, on a private `redis-server` started by each test on a free
//! loopback port (the machine's Redis on 6379 is never touched).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use common::*;
use limiter::{Backend, DEFAULT_REDIS_TIMEOUT, Limiter, SystemClock};
use metrics::{
    Counter, CounterFn, Gauge, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit,
};

/// Sums counters by name, to check that the limiter reports through the `metrics` facade.
#[derive(Default, Clone)]
struct CountingRecorder(Arc<Mutex<HashMap<String, Arc<Total>>>>);

#[derive(Default)]
struct Total(AtomicU64);

impl CounterFn for Total {
    fn increment(&self, value: u64) {
        self.0.fetch_add(value, Ordering::Relaxed);
    }
    fn absolute(&self, value: u64) {
        self.0.fetch_max(value, Ordering::Relaxed);
    }
}

impl Recorder for CountingRecorder {
    fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
        let mut totals = self.0.lock().unwrap();
        Counter::from_arc(totals.entry(key.name().to_owned()).or_default().clone())
    }
    fn register_gauge(&self, _: &Key, _: &Metadata<'_>) -> Gauge {
        Gauge::noop()
    }
    fn register_histogram(&self, _: &Key, _: &Metadata<'_>) -> Histogram {
        Histogram::noop()
    }
}

fn metric(name: &str) -> u64 {
    static RECORDER: OnceLock<CountingRecorder> = OnceLock::new();
    let recorder = RECORDER.get_or_init(|| {
        let recorder = CountingRecorder::default();
        metrics::set_global_recorder(recorder.clone()).unwrap();
        recorder
    });
    let totals = recorder.0.lock().unwrap();
    totals.get(name).map_or(0, |t| t.0.load(Ordering::Relaxed))
}

const RECOVERY_WAIT: Duration = Duration::from_secs(10);
/// Slack over the timeout for scheduling on a busy 2-core machine.
const SLACK: Duration = Duration::from_millis(150);

#[tokio::test(flavor = "multi_thread")]
async fn redis_outage_falls_back_to_memory_and_recovers_without_restart() {
    let (fallbacks_before, errors_before) = (
        metric("limiter_fallback_total"),
        metric("limiter_redis_errors_total"),
    );
    let mut server = RedisServer::start(RedisServer::free_port());
    let limiter = Limiter::redis(
        &server.url(),
        DEFAULT_REDIS_TIMEOUT,
        Arc::new(SystemClock),
        CAPACITY,
    )
    .await
    .unwrap();
    assert_eq!(limiter.backend(), Backend::Redis);
    let (tenant, v) = (unique_tenant(), visitor("192.0.2.10"));
    for i in 0..3 {
        let d = limiter.check(tenant, &v, LIMIT).await;
        assert_eq!((d.backend, d.remaining), (Backend::Redis, LIMIT - 1 - i));
    }

    server.kill();
    // The first request after the crash may pay for finding out, within the timeout...
    let started = Instant::now();
    let d = limiter.check(tenant, &v, LIMIT).await;
    assert!(started.elapsed() < DEFAULT_REDIS_TIMEOUT + SLACK);
    assert!(d.allowed);
    assert_eq!(d.backend, Backend::Fallback);
    // ...and memory goes on from the count Redis last gave, not from zero.
    assert_eq!(d.remaining, LIMIT - 4);
    assert_eq!(limiter.backend(), Backend::Fallback);

    // ...the following ones go straight to memory, with the same limit semantics.
    let started = Instant::now();
    let mut allowed = 0;
    for _ in 0..20 {
        let d = limiter.check(tenant, &v, LIMIT).await;
        assert_eq!(d.backend, Backend::Fallback);
        allowed += u32::from(d.allowed);
    }
    assert_eq!(allowed, LIMIT - 4);
    assert!(
        started.elapsed() < DEFAULT_REDIS_TIMEOUT,
        "20 fallback decisions took {:?}",
        started.elapsed()
    );
    let stats = limiter.stats();
    assert!(stats.redis_errors >= 1 && stats.fallback == 21, "{stats:?}");
    assert!(metric("limiter_fallback_total") >= fallbacks_before + 21);
    assert!(metric("limiter_redis_errors_total") > errors_before);

    // Redis comes back on the same port, empty (no script cached): the same limiter uses it.
    let server = RedisServer::start(server.port);
    let took = wait_for_backend(&limiter, tenant, Backend::Redis, RECOVERY_WAIT).await;
    assert_eq!(limiter.backend(), Backend::Redis);
    assert_eq!(limiter.stats().recoveries, 1);
    let fresh = limiter.check(tenant, &visitor("192.0.2.11"), LIMIT).await;
    assert_eq!(
        (fresh.backend, fresh.remaining),
        (Backend::Redis, LIMIT - 1)
    );
    eprintln!("back on Redis {took:?} after the restart");
    drop(server);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_frozen_redis_costs_one_timeout_then_requests_skip_it_until_it_answers() {
    let server = RedisServer::start(RedisServer::free_port());
    let limiter = Limiter::redis(
        &server.url(),
        DEFAULT_REDIS_TIMEOUT,
        Arc::new(SystemClock),
        CAPACITY,
    )
    .await
    .unwrap();
    let (tenant, v) = (unique_tenant(), visitor("192.0.2.20"));
    assert_eq!(
        limiter.check(tenant, &v, LIMIT).await.backend,
        Backend::Redis
    );

    // SIGSTOP: the connection stays open but nothing answers, so only the timeout can tell.
    server.signal("-STOP");
    let started = Instant::now();
    let d = limiter.check(tenant, &v, LIMIT).await;
    let first = started.elapsed();
    assert_eq!(d.backend, Backend::Fallback);
    assert!(first >= DEFAULT_REDIS_TIMEOUT / 2, "{first:?}");
    assert!(first < DEFAULT_REDIS_TIMEOUT + SLACK, "{first:?}");
    let started = Instant::now();
    for _ in 0..20 {
        assert_eq!(
            limiter.check(tenant, &v, LIMIT).await.backend,
            Backend::Fallback
        );
    }
    assert!(
        started.elapsed() < DEFAULT_REDIS_TIMEOUT,
        "{:?}",
        started.elapsed()
    );

    server.signal("-CONT");
    wait_for_backend(&limiter, tenant, Backend::Redis, RECOVERY_WAIT).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unreachable_redis_at_start_up_gives_a_working_limiter_that_switches_to_redis_later() {
    let port = RedisServer::free_port();
    let started = Instant::now();
    let limiter = Limiter::redis(
        &format!("redis://127.0.0.1:{port}"),
        DEFAULT_REDIS_TIMEOUT,
        Arc::new(SystemClock),
        CAPACITY,
    )
    .await
    .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(limiter.backend(), Backend::Fallback);
    let (tenant, v) = (unique_tenant(), visitor("192.0.2.30"));
    let d = limiter.check(tenant, &v, LIMIT).await;
    assert!(d.allowed);
    assert_eq!((d.backend, d.remaining), (Backend::Fallback, LIMIT - 1));

    let _server = RedisServer::start(port);
    wait_for_backend(&limiter, tenant, Backend::Redis, RECOVERY_WAIT).await;
    assert_eq!(
        limiter.check(tenant, &v, LIMIT).await.backend,
        Backend::Redis
    );
}
