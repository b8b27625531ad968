//! The shared store: one Lua script per decision, so the increment and the expiry are a single
//! atomic step and concurrent requests on any number of nodes can never pass the limit.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use fred::prelude::{
    Builder, ClientLike, Config, Error as FredError, ErrorKind, Options, ReconnectPolicy,
};
use fred::types::ConnectHandle;
use fred::types::scripts::Script;

use crate::{Error, Outcome};

/// Takes a question unless the limit is reached (so a refused request never inflates the
/// counter); every increment sets the expiry in the same step, so no key lives without a TTL.
/// KEYS[1] counter, ARGV[1] limit, ARGV[2] TTL in seconds. Returns {allowed (0|1), used}.
const CHECK_LUA: &str = r"
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[1]) then
  return {0, used}
end
used = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return {1, used}
";

/// Gives a question back: DECR keeps the key's TTL, and a missing or zero counter is left alone
/// (never negative, and no key is created without a TTL). Returns {refunded (0|1), used}.
const REFUND_LUA: &str = r"
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used <= 0 then
  return {0, 0}
end
return {1, redis.call('DECR', KEYS[1])}
";

/// How long connecting (TCP, AUTH, SELECT) may take, and how long start-up waits for it.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// fred's own reconnect loop retries this often (ms) for as long as the limiter lives.
const RECONNECT_DELAY_MS: u32 = 500;
/// Repeat a "Redis is unavailable" warning at most this often, however much it flaps.
const WARN_EVERY: Duration = Duration::from_secs(60);

pub(crate) struct RedisStore {
    pub(crate) client: fred::prelude::Client,
    up: AtomicBool,
    check: Script,
    refund: Script,
    last_warning: Mutex<Option<Instant>>,
    suppressed_warnings: AtomicU64,
}

impl RedisStore {
    /// Builds the client and waits up to `CONNECT_TIMEOUT` for a first connection. Also returns
    /// the connection task, which ends only if that first connection fails (the probe restarts
    /// it then); after a connection was made, fred's reconnect policy handles every drop.
    pub(crate) async fn connect(
        url: &str,
        timeout: Duration,
    ) -> Result<(Self, ConnectHandle), Error> {
        let config = parse_url(url)?;
        let client = Builder::from_config(config)
            .with_connection_config(|c| {
                c.connection_timeout = CONNECT_TIMEOUT;
                c.internal_command_timeout = CONNECT_TIMEOUT;
                // A retried increment could count twice.
                c.max_command_attempts = 1;
            })
            // fred's own timeout (unlike dropping the future) marks a command as timed out, so it
            // is never written after a reconnect. Set client-wide: fred 10.1's `with_options`
            // does not reach the script commands. Zero would mean "no timeout" to fred.
            .with_performance_config(|p| {
                p.default_command_timeout = timeout.max(Duration::from_millis(1));
            })
            .set_policy(ReconnectPolicy::new_constant(0, RECONNECT_DELAY_MS))
            .build()
            .map_err(Error::RedisClient)?;
        let task = client.connect();
        let deadline = Instant::now() + CONNECT_TIMEOUT;
        while !client.is_connected() && !task.is_finished() && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let store = Self {
            up: AtomicBool::new(client.is_connected()),
            client,
            check: Script::from_lua(CHECK_LUA),
            refund: Script::from_lua(REFUND_LUA),
            last_warning: Mutex::new(None),
            suppressed_warnings: AtomicU64::new(0),
        };
        Ok((store, task))
    }

    pub(crate) fn is_up(&self) -> bool {
        self.up.load(Ordering::Acquire)
    }

    pub(crate) async fn check(
        &self,
        key: String,
        limit: u32,
        ttl_secs: i64,
    ) -> Result<Outcome, FredError> {
        let [allowed, used] = self
            .run(&self.check, key, vec![i64::from(limit), ttl_secs])
            .await?;
        Ok(Outcome {
            allowed: allowed == 1,
            used: u32::try_from(used).unwrap_or(u32::MAX),
        })
    }

    /// Returns the count after the refund, or `None` when there was nothing to give back.
    pub(crate) async fn refund(&self, key: String) -> Result<Option<u32>, FredError> {
        let [refunded, used] = self.run(&self.refund, key, Vec::new()).await?;
        Ok((refunded == 1).then(|| u32::try_from(used).unwrap_or(0)))
    }

    /// One round trip (three, once, to reload the script after a Redis restart), each bounded
    /// by the client's command timeout.
    async fn run(
        &self,
        script: &Script,
        key: String,
        args: Vec<i64>,
    ) -> Result<[i64; 2], FredError> {
        let reply: Vec<i64> = script.evalsha_with_reload(&self.client, key, args).await?;
        match reply.as_slice() {
            &[a, b] => Ok([a, b]),
            _ => Err(FredError::new(ErrorKind::Parse, "unexpected script reply")),
        }
    }

    /// The background probe's question: is Redis answering again? Returns true when this
    /// switched the limiter back to Redis. Only the probe sets `up`, so requests stay on memory
    /// (without paying the timeout) until Redis really answers.
    pub(crate) async fn probe(&self, timeout: Duration) -> bool {
        let options = Options {
            timeout: Some(timeout),
            ..Options::default()
        };
        let answered = self
            .client
            .with_options(&options)
            .ping::<()>(None)
            .await
            .is_ok();
        let recovered = answered && !self.up.swap(true, Ordering::AcqRel);
        if recovered {
            tracing::info!("Redis is answering again; the question limiter is back on Redis");
        }
        recovered
    }

    /// Marks Redis down (requests go straight to memory until the probe says otherwise) and
    /// logs it, at most once per `WARN_EVERY`.
    pub(crate) fn failed(&self, error: &FredError) {
        self.up.store(false, Ordering::Release);
        let mut last = self
            .last_warning
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if last.is_some_and(|at| at.elapsed() < WARN_EVERY) {
            self.suppressed_warnings.fetch_add(1, Ordering::Relaxed);
            return;
        }
        *last = Some(Instant::now());
        let suppressed = self.suppressed_warnings.swap(0, Ordering::Relaxed);
        tracing::warn!(
            %error,
            suppressed,
            "Redis failed; the question limiter answers from memory until Redis is back"
        );
    }

    pub(crate) fn warn_unreachable_at_start(&self) {
        *self
            .last_warning
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(Instant::now());
        tracing::warn!(
            "Redis is unreachable at start-up; the question limiter answers from memory until it is"
        );
    }
}

/// fred accepts any scheme (`http://` would be taken for Redis), so check it here.
fn parse_url(url: &str) -> Result<Config, Error> {
    let scheme = url.split_once("://").map_or("", |(scheme, _)| scheme);
    if scheme.starts_with("rediss") || scheme.starts_with("valkeys") {
        return Err(Error::InvalidRedisUrl(
            "TLS (rediss://) needs a fred TLS feature, which this build does not enable".into(),
        ));
    }
    if !(scheme.starts_with("redis") || scheme.starts_with("valkey")) {
        return Err(Error::InvalidRedisUrl(
            "expected redis://[user:password@]host[:port][/db]".into(),
        ));
    }
    Config::from_url(url).map_err(|e| Error::InvalidRedisUrl(e.details().to_string()))
}
