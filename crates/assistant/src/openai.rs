//! A client for any OpenAI-compatible chat-completions endpoint (OpenAI, Gemini's compatible
//! endpoint, Ollama, vLLM, llama.cpp), streaming with server-sent events.

use std::collections::VecDeque;
use std::error::Error as _;
use std::fmt;
use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::{Stream, StreamExt, TryStreamExt, stream};
use reqwest::Url;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde::{Deserialize, Serialize};
use tokio::time::{Instant, timeout_at};

use crate::config::ConfigError;
use crate::prompt::AnswerContext;
use crate::provider::{Provider, ProviderError, TextStream, TimeoutPhase};
use crate::types::ChatMessage;

/// A single SSE line longer than this is not a chat chunk; stop before buffering without bound.
const MAX_LINE_BYTES: usize = 1 << 20;

/// How long each phase of a request may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Opening the TCP (and TLS) connection.
    pub connect: Duration,
    /// From sending the request until the provider sends its first bytes. Generous by default:
    /// a local model may need to load first.
    pub first_token: Duration,
    /// The longest silence once bytes flow (keep-alive comments count as activity).
    pub idle: Duration,
    /// The whole answer, first byte to last.
    pub total: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            first_token: Duration::from_secs(30),
            idle: Duration::from_secs(20),
            total: Duration::from_secs(90),
        }
    }
}

impl Timeouts {
    /// The defaults, with `total` as given and every other bound no longer than it.
    pub fn with_total(total: Duration) -> Self {
        let d = Self::default();
        Self {
            connect: d.connect.min(total),
            first_token: d.first_token.min(total),
            idle: d.idle.min(total),
            total,
        }
    }
}

/// The OpenAI-compatible provider. Cheap to share: hold it in an `Arc` or a `Box<dyn Provider>`;
/// its HTTP client keeps a connection pool.
pub struct OpenAiCompatible {
    client: reqwest::Client,
    endpoint: Url,
    api_key: Option<String>,
    model: String,
    timeouts: Timeouts,
}

impl fmt::Debug for OpenAiCompatible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the key.
        f.debug_struct("OpenAiCompatible")
            .field("endpoint", &self.endpoint.as_str())
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("model", &self.model)
            .field("timeouts", &self.timeouts)
            .finish()
    }
}

impl OpenAiCompatible {
    /// `base_url` is the API root, e.g. `https://api.openai.com/v1` or
    /// `http://127.0.0.1:11434/v1` (Ollama); requests go to `{base_url}/chat/completions`.
    pub fn new(
        base_url: &str,
        api_key: Option<String>,
        model: impl Into<String>,
        timeouts: Timeouts,
    ) -> Result<Self, ConfigError> {
        let endpoint = chat_completions_url(base_url)?;
        let model = model.into();
        if model.trim().is_empty() {
            return Err(ConfigError::MissingModel);
        }
        let client = reqwest::Client::builder()
            .connect_timeout(timeouts.connect)
            // A redirect would re-send the question somewhere unexpected; report it instead.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("deskfolio-assistant/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ConfigError::HttpClient(e.to_string()))?;
        Ok(Self {
            client,
            endpoint,
            api_key: api_key.filter(|k| !k.trim().is_empty()),
            model: model.trim().to_string(),
            timeouts,
        })
    }

    /// Where requests go.
    pub fn endpoint(&self) -> &Url {
        &self.endpoint
    }

    pub fn model(&self) -> &str {
        &self.model
    }

    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    async fn start(&self, messages: Vec<ChatMessage>) -> Result<TextStream, ProviderError> {
        let start = Instant::now();
        let deadline = start + self.timeouts.total;
        let first_deadline = deadline.min(start + self.timeouts.first_token);
        let body = ChatRequest {
            model: &self.model,
            messages: &messages,
            stream: true,
        };
        let mut request = self
            .client
            .post(self.endpoint.clone())
            .header(ACCEPT, "text/event-stream")
            .json(&body);
        if let Some(key) = &self.api_key {
            request = request.bearer_auth(key);
        }

        let response = match timeout_at(first_deadline, request.send()).await {
            Err(_) => return Err(ProviderError::Timeout(phase(deadline, false))),
            Ok(Err(e)) => return Err(from_reqwest(e)),
            Ok(Ok(response)) => response,
        };
        let status = response.status();
        if !status.is_success() {
            // The body may echo the request or hold provider internals: it is not read.
            tracing::warn!(
                status = status.as_u16(),
                "AI provider answered with an error status"
            );
            return Err(ProviderError::Status(status.as_u16()));
        }
        let is_json = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if is_json {
            // Some servers ignore `stream: true` and answer in one JSON document.
            let bytes = match timeout_at(deadline, response.bytes()).await {
                Err(_) => return Err(ProviderError::Timeout(TimeoutPhase::Total)),
                Ok(result) => result.map_err(from_reqwest)?,
            };
            let text = whole_answer(&bytes)?;
            return Ok(stream::once(async move { Ok(text) }).boxed());
        }
        let body = response.bytes_stream().map_err(from_reqwest);
        Ok(sse_answer(
            body,
            Deadlines {
                first: first_deadline,
                total: deadline,
                idle: self.timeouts.idle,
            },
        ))
    }
}

impl Provider for OpenAiCompatible {
    fn kind(&self) -> &'static str {
        "openai-compatible"
    }

    fn stream<'a>(
        &'a self,
        messages: Vec<ChatMessage>,
        _ctx: &'a AnswerContext,
    ) -> BoxFuture<'a, Result<TextStream, ProviderError>> {
        Box::pin(self.start(messages))
    }
}

/// `{base_url}/chat/completions`; also accepts the full endpoint, since people paste that.
pub(crate) fn chat_completions_url(base_url: &str) -> Result<Url, ConfigError> {
    let trimmed = base_url.trim();
    let mut url = Url::parse(trimmed).map_err(|e| ConfigError::InvalidBaseUrl(format!("{e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ConfigError::InvalidBaseUrl(format!(
            "the scheme must be http or https, not {:?}",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(ConfigError::InvalidBaseUrl("it has no host".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ConfigError::InvalidBaseUrl(
            "put credentials in AI_API_KEY, not in the URL".into(),
        ));
    }
    let path = url.path().trim_end_matches('/').to_string();
    if !path.ends_with("/chat/completions") {
        url.set_path(&format!("{path}/chat/completions"));
    }
    Ok(url)
}

#[derive(Serialize)]
struct ChatRequest<'a> {
    model: &'a str,
    messages: &'a [ChatMessage],
    stream: bool,
}

/// One streamed chunk; fields we don't use are ignored, missing ones default.
#[derive(Deserialize)]
struct Chunk {
    #[serde(default)]
    choices: Vec<Choice>,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Choice {
    #[serde(default)]
    delta: Option<Content>,
    #[serde(default)]
    message: Option<Content>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct Content {
    #[serde(default)]
    content: Option<String>,
}

fn parse_chunk(data: &str) -> Result<Chunk, ProviderError> {
    let chunk: Chunk = serde_json::from_str(data).map_err(|e| {
        // Position and category only: the message could quote the provider's text.
        ProviderError::MalformedStream(format!(
            "invalid JSON chunk ({:?} error at column {})",
            e.classify(),
            e.column()
        ))
    })?;
    if chunk.error.is_some() {
        return Err(ProviderError::Upstream(
            "error object in the response".into(),
        ));
    }
    Ok(chunk)
}

fn whole_answer(body: &[u8]) -> Result<String, ProviderError> {
    let text = std::str::from_utf8(body)
        .map_err(|_| ProviderError::MalformedStream("response is not UTF-8".into()))?;
    parse_chunk(text)?
        .choices
        .into_iter()
        .next()
        .and_then(|c| c.message)
        .and_then(|m| m.content)
        .ok_or_else(|| ProviderError::MalformedStream("JSON response without a message".into()))
}

fn from_reqwest(e: reqwest::Error) -> ProviderError {
    let e = e.without_url();
    // The source chain says what actually failed ("connection refused"); it holds no secrets.
    let mut detail = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        detail.push_str(": ");
        detail.push_str(&s.to_string());
        source = s.source();
    }
    if e.is_timeout() {
        ProviderError::Timeout(if e.is_connect() {
            TimeoutPhase::Connect
        } else {
            TimeoutPhase::FirstToken
        })
    } else {
        ProviderError::Connection(detail)
    }
}

#[derive(Debug, Clone, Copy)]
struct Deadlines {
    first: Instant,
    total: Instant,
    idle: Duration,
}

fn phase(total: Instant, active: bool) -> TimeoutPhase {
    if Instant::now() >= total {
        TimeoutPhase::Total
    } else if active {
        TimeoutPhase::Idle
    } else {
        TimeoutPhase::FirstToken
    }
}

/// Turns an SSE body into the answer's text chunks, enforcing the deadlines between reads.
fn sse_answer<S, B>(body: S, deadlines: Deadlines) -> TextStream
where
    S: Stream<Item = Result<B, ProviderError>> + Send + Unpin + 'static,
    B: AsRef<[u8]> + Send + 'static,
{
    struct State<S> {
        body: S,
        decoder: SseDecoder,
        pending: VecDeque<Result<String, ProviderError>>,
        deadlines: Deadlines,
        /// Bytes arrived: the idle bound applies from now on.
        active: bool,
        /// No more reading: `[DONE]`, the end of the body, or an error.
        stopped: bool,
        /// A choice carried a finish reason: a body ending without `[DONE]` is still complete.
        finished: bool,
    }

    impl<S> State<S> {
        fn handle(&mut self, events: Vec<SseEvent>) {
            for event in events {
                if self.stopped {
                    return;
                }
                if event.data.trim() == "[DONE]" {
                    self.stopped = true;
                    return;
                }
                if event.event == "error" {
                    self.fail(ProviderError::Upstream("error event in the stream".into()));
                    return;
                }
                match parse_chunk(&event.data) {
                    Err(e) => {
                        self.fail(e);
                        return;
                    }
                    Ok(chunk) => {
                        for choice in chunk.choices.into_iter().take(1) {
                            if let Some(text) = choice.delta.and_then(|d| d.content)
                                && !text.is_empty()
                            {
                                self.pending.push_back(Ok(text));
                            }
                            self.finished |= choice.finish_reason.is_some();
                        }
                    }
                }
            }
        }

        fn fail(&mut self, e: ProviderError) {
            self.pending.push_back(Err(e));
            self.stopped = true;
        }
    }

    let state = State {
        body,
        decoder: SseDecoder::default(),
        pending: VecDeque::new(),
        deadlines,
        active: false,
        stopped: false,
        finished: false,
    };
    stream::unfold(state, |mut st| async move {
        loop {
            if let Some(item) = st.pending.pop_front() {
                if item.is_err() {
                    // An error ends the answer; nothing after it is delivered.
                    st.pending.clear();
                    st.stopped = true;
                }
                return Some((item, st));
            }
            if st.stopped {
                return None;
            }
            let until = if st.active {
                st.deadlines.total.min(Instant::now() + st.deadlines.idle)
            } else {
                st.deadlines.first
            };
            match timeout_at(until, st.body.next()).await {
                Err(_) => {
                    let p = phase(st.deadlines.total, st.active);
                    st.fail(ProviderError::Timeout(p));
                }
                Ok(Some(Err(e))) => st.fail(e),
                Ok(Some(Ok(bytes))) => {
                    st.active = true;
                    match st.decoder.push(bytes.as_ref()) {
                        Ok(events) => st.handle(events),
                        Err(e) => st.fail(e),
                    }
                }
                Ok(None) => {
                    match st.decoder.finish() {
                        Ok(events) => st.handle(events),
                        Err(e) => st.fail(e),
                    }
                    if !st.stopped && !st.finished {
                        st.fail(ProviderError::MalformedStream(
                            "the stream ended before [DONE]".into(),
                        ));
                    }
                    st.stopped = true;
                }
            }
        }
    })
    .boxed()
}

/// One server-sent event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SseEvent {
    pub event: String,
    pub data: String,
}

/// An incremental server-sent-events parser. Network chunks split lines (and UTF-8 characters)
/// anywhere, so bytes are buffered until a line is complete, and lines until a blank line ends
/// the event.
#[derive(Debug, Default)]
pub(crate) struct SseDecoder {
    buf: Vec<u8>,
    event: String,
    data: Option<String>,
}

impl SseDecoder {
    /// Feeds bytes; returns the events they complete.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<SseEvent>, ProviderError> {
        let scanned = self.buf.len();
        self.buf.extend_from_slice(bytes);
        let mut events = Vec::new();
        let mut start = 0;
        let mut from = scanned;
        while let Some(i) = self.buf[from..].iter().position(|b| *b == b'\n') {
            let end = from + i;
            let line = &self.buf[start..end];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let line = std::str::from_utf8(line)
                .map_err(|_| ProviderError::MalformedStream("stream line is not UTF-8".into()))?
                .to_string();
            if let Some(event) = self.line(&line) {
                events.push(event);
            }
            start = end + 1;
            from = start;
        }
        self.buf.drain(..start);
        if self.buf.len() > MAX_LINE_BYTES {
            return Err(ProviderError::MalformedStream(
                "stream line too long".into(),
            ));
        }
        Ok(events)
    }

    /// The body ended: a last line without a newline, and an event without its blank line,
    /// still count.
    pub fn finish(&mut self) -> Result<Vec<SseEvent>, ProviderError> {
        let mut events = self.push(b"\n")?;
        events.extend(self.line(""));
        Ok(events)
    }

    fn line(&mut self, line: &str) -> Option<SseEvent> {
        if line.is_empty() {
            let data = self.data.take()?;
            let event = std::mem::take(&mut self.event);
            return Some(SseEvent {
                event: if event.is_empty() {
                    "message".into()
                } else {
                    event
                },
                data,
            });
        }
        if line.starts_with(':') {
            return None; // a comment, used as keep-alive
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "data" => match &mut self.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => self.data = Some(value.to_string()),
            },
            "event" => self.event = value.to_string(),
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_in_pieces(input: &str, piece: usize) -> Vec<SseEvent> {
        let mut decoder = SseDecoder::default();
        let mut events = Vec::new();
        for bytes in input.as_bytes().chunks(piece) {
            events.extend(decoder.push(bytes).unwrap_or_default());
        }
        events.extend(decoder.finish().unwrap_or_default());
        events
    }

    #[test]
    fn sse_events_survive_any_split_including_inside_utf8_characters() {
        let input = ": keep-alive\r\n\r\ndata: {\"a\":\"ñandú\"}\r\n\r\nevent: error\ndata: x\ndata: y\n\ndata:[DONE]";
        let whole = decode_in_pieces(input, input.len());
        assert_eq!(
            whole,
            vec![
                SseEvent {
                    event: "message".into(),
                    data: "{\"a\":\"ñandú\"}".into()
                },
                SseEvent {
                    event: "error".into(),
                    data: "x\ny".into()
                },
                SseEvent {
                    event: "message".into(),
                    data: "[DONE]".into()
                },
            ]
        );
        for piece in 1..8 {
            assert_eq!(decode_in_pieces(input, piece), whole, "pieces of {piece}");
        }
    }

    #[test]
    fn an_endless_line_is_an_error_not_unbounded_memory() {
        let mut decoder = SseDecoder::default();
        let big = vec![b'x'; MAX_LINE_BYTES + 1];
        assert!(matches!(
            decoder.push(&big),
            Err(ProviderError::MalformedStream(_))
        ));
    }

    #[test]
    fn base_urls_gain_the_chat_completions_path_once() {
        let url = |s: &str| chat_completions_url(s).map(|u| u.to_string());
        assert_eq!(
            url("https://api.openai.com/v1").ok().as_deref(),
            Some("https://api.openai.com/v1/chat/completions")
        );
        assert_eq!(
            url("http://127.0.0.1:11434/v1/").ok().as_deref(),
            Some("http://127.0.0.1:11434/v1/chat/completions")
        );
        assert_eq!(
            url("https://x.example/v1/chat/completions").ok().as_deref(),
            Some("https://x.example/v1/chat/completions")
        );
        assert!(url("ftp://x.example").is_err());
        assert!(url("not a url").is_err());
        assert!(url("https://user:pw@x.example/v1").is_err());
    }
}
