//! Shared helpers and the scenarios run against both stores.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{IpAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, TimeZone, Utc};
use fred::prelude::{Builder, Client, ClientLike, Config};
use limiter::{
    Backend, Clock, DEFAULT_LIMIT_PER_DAY, DEFAULT_REDIS_TIMEOUT, Decision, Limiter, ManualClock,
    VisitorId,
};

/// The machine's Redis. The tests fail, never skip, when it is not there.
pub const REDIS_URL: &str = "redis://127.0.0.1:6379";
pub const LIMIT: u32 = DEFAULT_LIMIT_PER_DAY;
pub const CAPACITY: u64 = 10_000;

/// A tenant id no other test or earlier run uses, so keys in the shared Redis never collide.
pub fn unique_tenant() -> i64 {
    static NEXT: AtomicI64 = AtomicI64::new(0);
    let base = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_micros() as i64;
    base * 1000 + NEXT.fetch_add(1, Ordering::Relaxed) % 1000
}

pub fn visitor(ip: &str) -> VisitorId {
    VisitorId::from_ip(ip.parse::<IpAddr>().unwrap())
}

pub fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
}

pub fn manual_clock(at: DateTime<Utc>) -> (Arc<ManualClock>, Arc<dyn Clock>) {
    let clock = Arc::new(ManualClock::new(at));
    (clock.clone(), clock)
}

/// A limiter on the machine's Redis; panics when Redis does not answer.
pub async fn redis_limiter(clock: Arc<dyn Clock>) -> Limiter {
    let limiter = Limiter::redis(REDIS_URL, DEFAULT_REDIS_TIMEOUT, clock, CAPACITY)
        .await
        .unwrap();
    assert_eq!(
        limiter.backend(),
        Backend::Redis,
        "Redis must be reachable at {REDIS_URL}"
    );
    limiter
}

/// A plain client for looking at keys; panics when Redis does not answer.
pub async fn redis_client() -> Client {
    let client = Builder::from_config(Config::from_url(REDIS_URL).unwrap())
        .build()
        .unwrap();
    client
        .init()
        .await
        .unwrap_or_else(|e| panic!("Redis must be reachable at {REDIS_URL}: {e}"));
    client
}

/// `count` questions at once from one visitor, spread round-robin over `limiters`.
pub async fn ask_concurrently(
    limiters: &[Limiter],
    tenant: i64,
    visitor: VisitorId,
    count: usize,
) -> Vec<Decision> {
    let barrier = Arc::new(tokio::sync::Barrier::new(count));
    let tasks: Vec<_> = (0..count)
        .map(|i| {
            let limiter = limiters[i % limiters.len()].clone();
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                limiter.check(tenant, &visitor, LIMIT).await
            })
        })
        .collect();
    let mut decisions = Vec::with_capacity(count);
    for task in tasks {
        decisions.push(task.await.unwrap());
    }
    decisions
}

/// 40 questions at once: exactly `LIMIT` pass, each `remaining` value appears exactly once.
pub fn assert_exactly_limit_allowed(decisions: &[Decision], backend: Backend) {
    let allowed: Vec<_> = decisions.iter().filter(|d| d.allowed).collect();
    assert_eq!(allowed.len(), LIMIT as usize);
    assert_eq!(decisions.len() - allowed.len(), 40 - LIMIT as usize);
    let mut remaining: Vec<u32> = allowed.iter().map(|d| d.remaining).collect();
    remaining.sort_unstable();
    assert_eq!(remaining, (0..LIMIT).collect::<Vec<_>>());
    assert!(
        decisions
            .iter()
            .filter(|d| !d.allowed)
            .all(|d| d.remaining == 0)
    );
    assert!(decisions.iter().all(|d| d.backend == backend));
}

pub async fn forty_concurrent_questions_allow_exactly_the_limit(
    limiter: &Limiter,
    backend: Backend,
) {
    let decisions = ask_concurrently(
        std::slice::from_ref(limiter),
        unique_tenant(),
        visitor("198.51.100.40"),
        40,
    )
    .await;
    assert_exactly_limit_allowed(&decisions, backend);
}

pub async fn count_resets_at_utc_midnight(
    limiter: &Limiter,
    clock: &ManualClock,
    backend: Backend,
) {
    let (tenant, v) = (unique_tenant(), visitor("192.0.2.1"));
    clock.set(utc(2031, 3, 4, 23, 59, 58));
    for i in 0..LIMIT {
        let d = limiter.check(tenant, &v, LIMIT).await;
        assert!(d.allowed && d.remaining == LIMIT - 1 - i && d.backend == backend);
    }
    let refused = limiter.check(tenant, &v, LIMIT).await;
    assert!(!refused.allowed);
    assert_eq!(refused.remaining, 0);
    assert_eq!(refused.reset, utc(2031, 3, 5, 0, 0, 0));

    // One second before midnight the day is still used up; at midnight it starts again.
    clock.set(utc(2031, 3, 4, 23, 59, 59));
    assert!(!limiter.check(tenant, &v, LIMIT).await.allowed);
    clock.set(utc(2031, 3, 5, 0, 0, 0));
    let next_day = limiter.check(tenant, &v, LIMIT).await;
    assert!(next_day.allowed);
    assert_eq!(next_day.remaining, LIMIT - 1);
    assert_eq!(next_day.reset, utc(2031, 3, 6, 0, 0, 0));
}

pub async fn ipv6_in_one_64_share_a_counter_and_mapped_ipv4_is_ipv4(limiter: &Limiter) {
    let tenant = unique_tenant();
    let a = limiter
        .check(tenant, &visitor("2001:db8:7:8:1::1"), LIMIT)
        .await;
    let b = limiter
        .check(tenant, &visitor("2001:db8:7:8:ffff:2:3:4"), LIMIT)
        .await;
    let other_64 = limiter
        .check(tenant, &visitor("2001:db8:7:9::1"), LIMIT)
        .await;
    assert_eq!((a.remaining, b.remaining), (LIMIT - 1, LIMIT - 2));
    assert_eq!(other_64.remaining, LIMIT - 1);

    let v4 = limiter.check(tenant, &visitor("203.0.113.9"), LIMIT).await;
    let mapped = limiter
        .check(tenant, &visitor("::ffff:203.0.113.9"), LIMIT)
        .await;
    assert_eq!((v4.remaining, mapped.remaining), (LIMIT - 1, LIMIT - 2));
}

pub async fn refund_gives_back_one_question_never_below_zero(limiter: &Limiter) {
    let (tenant, v) = (unique_tenant(), visitor("192.0.2.77"));
    let first = limiter.check(tenant, &v, LIMIT).await;
    assert_eq!(first.remaining, LIMIT - 1);
    assert!(limiter.refund(tenant, &v, &first).await);
    // Refunding the same question twice cannot take the count below zero.
    assert!(!limiter.refund(tenant, &v, &first).await);
    // So the visitor still has exactly LIMIT questions, not LIMIT + 1.
    let mut last = None;
    for i in 0..LIMIT {
        let d = limiter.check(tenant, &v, LIMIT).await;
        assert!(d.allowed && d.remaining == LIMIT - 1 - i);
        last = Some(d);
    }
    let refused = limiter.check(tenant, &v, LIMIT).await;
    assert!(!refused.allowed);
    // A refused question took nothing, so it gives nothing back.
    assert!(!limiter.refund(tenant, &v, &refused).await);
    assert!(!limiter.check(tenant, &v, LIMIT).await.allowed);
    // A failed answer gives its question back: one more is allowed.
    assert!(limiter.refund(tenant, &v, &last.unwrap()).await);
    let again = limiter.check(tenant, &v, LIMIT).await;
    assert!(again.allowed);
    assert_eq!(again.remaining, 0);
}

/// A throwaway `redis-server` on a loopback port, killed (by its own pid) when dropped.
pub struct RedisServer {
    pub port: u16,
    child: Option<Child>,
}

impl RedisServer {
    pub fn free_port() -> u16 {
        TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    pub fn start(port: u16) -> Self {
        let child = Command::new("/usr/bin/redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("/usr/bin/redis-server must be installed");
        let server = Self {
            port,
            child: Some(child),
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !server.answers_ping() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    fn answers_ping(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
        let mut reply = [0u8; 7];
        stream.write_all(b"PING\r\n").is_ok()
            && stream.read_exact(&mut reply).is_ok()
            && &reply == b"+PONG\r\n"
    }

    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGSTOP / SIGCONT: a Redis that keeps its connections open but stops answering.
    pub fn signal(&self, signal: &str) {
        let pid = self.child.as_ref().unwrap().id().to_string();
        let status = Command::new("kill").args([signal, &pid]).status().unwrap();
        assert!(status.success());
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Polls up to `within` until a decision comes from `backend`; returns how long that took.
pub async fn wait_for_backend(
    limiter: &Limiter,
    tenant: i64,
    backend: Backend,
    within: Duration,
) -> Duration {
    let started = Instant::now();
    let v = visitor("192.0.2.200");
    loop {
        let d = limiter.check(tenant, &v, u32::MAX).await;
        if d.backend == backend {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < within,
            "still {:?} after {within:?}, expected {backend:?}",
            d.backend
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
