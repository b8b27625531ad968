//! The OpenAI-compatible client against a local server that speaks the protocol byte by byte.
//! Loopback only; every wait is bounded.

use std::time::{Duration, Instant};

use assistant::{
    AnswerContext, ChatMessage, OpenAiCompatible, Provider, ProviderError, Role, TimeoutPhase,
    Timeouts,
};
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// No test waits longer than this for anything.
const BOUND: Duration = Duration::from_secs(10);
const SSE_HEADERS: &str = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n";

/// What the local server does once it has read a request.
enum Script {
    /// Writes this whole response, then closes.
    Raw(String),
    /// SSE headers, then each piece as its own write (a pause between), then closes or hangs.
    Sse {
        pieces: Vec<Vec<u8>>,
        then_hang: bool,
    },
    /// Never answers.
    Silent,
    /// SSE headers, then a keep-alive comment every 50 ms, forever.
    Trickle,
}

/// A request as the server saw it.
#[derive(Debug)]
struct Captured {
    request_line: String,
    headers: Vec<(String, String)>,
    body: serde_json::Value,
}

impl Captured {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Starts a one-shot server on 127.0.0.1:0; returns its base URL and the request it receives.
async fn serve(script: Script) -> (String, mpsc::UnboundedReceiver<Captured>) {
    let listener = match TcpListener::bind("127.0.0.1:0").await {
        Ok(l) => l,
        Err(e) => panic!("bind: {e}"),
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => panic!("local_addr: {e}"),
    };
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        let _ = socket.set_nodelay(true);
        let Some(captured) = read_request(&mut socket).await else {
            return;
        };
        let _ = tx.send(captured);
        let _ = respond(&mut socket, script).await;
    });
    (format!("http://{addr}/v1"), rx)
}

async fn read_request(socket: &mut TcpStream) -> Option<Captured> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buf[..head_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let request_line = lines.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())?;
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Captured {
        request_line,
        headers,
        body: serde_json::from_slice(&body).ok()?,
    })
}

async fn respond(socket: &mut TcpStream, script: Script) -> std::io::Result<()> {
    match script {
        Script::Raw(response) => socket.write_all(response.as_bytes()).await?,
        Script::Sse { pieces, then_hang } => {
            socket.write_all(SSE_HEADERS.as_bytes()).await?;
            for piece in pieces {
                tokio::time::sleep(Duration::from_millis(15)).await;
                socket.write_all(&piece).await?;
                socket.flush().await?;
            }
            if then_hang {
                tokio::time::sleep(BOUND).await;
            }
        }
        Script::Silent => tokio::time::sleep(BOUND).await,
        Script::Trickle => {
            socket.write_all(SSE_HEADERS.as_bytes()).await?;
            for _ in 0..200 {
                socket.write_all(b": still thinking\n\n").await?;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    socket.shutdown().await
}

fn sse(pieces: &[&str]) -> Script {
    Script::Sse {
        pieces: pieces.iter().map(|p| p.as_bytes().to_vec()).collect(),
        then_hang: false,
    }
}

fn content(text: &str) -> String {
    format!("data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":{text:?}}}}}]}}\n\n")
}

fn short_timeouts() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(2),
        first_token: Duration::from_millis(300),
        idle: Duration::from_millis(300),
        total: Duration::from_secs(5),
    }
}

fn client(base_url: &str, api_key: Option<&str>, timeouts: Timeouts) -> OpenAiCompatible {
    match OpenAiCompatible::new(
        base_url,
        api_key.map(str::to_string),
        "test-model",
        timeouts,
    ) {
        Ok(c) => c,
        Err(e) => panic!("client: {e}"),
    }
}

fn messages() -> Vec<ChatMessage> {
    vec![
        ChatMessage::new(Role::System, "You are Pixel."),
        ChatMessage::new(
            Role::User,
            "<visitor_question>\nWhere did she work?\n</visitor_question>",
        ),
    ]
}

/// Everything the provider yields: the text chunks, then the error that ended it, if any.
async fn ask(provider: &OpenAiCompatible) -> (Vec<String>, Option<ProviderError>) {
    let ctx = AnswerContext::default();
    let run = async {
        let mut stream = match provider.stream(messages(), &ctx).await {
            Ok(s) => s,
            Err(e) => return (Vec::new(), Some(e)),
        };
        let mut chunks = Vec::new();
        while let Some(item) = stream.next().await {
            match item {
                Ok(text) => chunks.push(text),
                Err(e) => {
                    // Nothing may follow an error.
                    assert!(stream.next().await.is_none(), "items after an error");
                    return (chunks, Some(e));
                }
            }
        }
        (chunks, None)
    };
    match tokio::time::timeout(BOUND, run).await {
        Ok(result) => result,
        Err(_) => panic!("the client did not finish within {BOUND:?}"),
    }
}

#[tokio::test]
async fn streamed_chunks_split_mid_line_are_assembled_in_order() {
    let role_only = "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n";
    let first = content("Ada works");
    let (first_a, first_b) = first.split_at(17);
    let last = "data: {\"choices\":[{\"delta\":{\"content\":\"in València.\"},\"finish_reason\":\"stop\"}]}\n\n";
    // Split inside the two-byte "à", so a piece is not valid UTF-8 on its own.
    let cut = last.find('à').map_or(0, |i| i + 1);
    let pieces = vec![
        b": keep-alive\n\n".to_vec(),
        format!("{role_only}{first_a}").into_bytes(),
        first_b.as_bytes().to_vec(),
        content(" at Example Corp, ")
            .replace("\n\n", "\r\n\r\n")
            .into_bytes(),
        last.as_bytes()[..cut].to_vec(),
        last.as_bytes()[cut..].to_vec(),
        b"data: [DONE]\n\n".to_vec(),
        content("after done is ignored").into_bytes(),
    ];
    let (url, _requests) = serve(Script::Sse {
        pieces,
        then_hang: false,
    })
    .await;
    let (chunks, error) = ask(&client(&url, None, short_timeouts())).await;
    assert_eq!(error, None);
    assert_eq!(chunks, ["Ada works", " at Example Corp, ", "in València."]);
}

#[tokio::test]
async fn request_carries_model_messages_stream_flag_and_bearer_key() {
    let (url, mut requests) = serve(sse(&[&content("ok"), "data: [DONE]\n\n"])).await;
    let (chunks, error) = ask(&client(&url, Some("sk-test-123"), short_timeouts())).await;
    assert_eq!((chunks.concat(), error), ("ok".to_string(), None));

    let Ok(request) = requests.try_recv() else {
        panic!("the server saw no request");
    };
    assert_eq!(request.request_line, "POST /v1/chat/completions HTTP/1.1");
    assert_eq!(request.header("authorization"), Some("Bearer sk-test-123"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("accept"), Some("text/event-stream"));
    assert_eq!(request.body["model"], "test-model");
    assert_eq!(request.body["stream"], true);
    assert_eq!(
        request.body["messages"],
        serde_json::json!([
            {"role": "system", "content": "You are Pixel."},
            {"role": "user", "content": "<visitor_question>\nWhere did she work?\n</visitor_question>"},
        ])
    );
}

#[tokio::test]
async fn without_a_key_no_authorization_header_is_sent() {
    let (url, mut requests) = serve(sse(&[&content("ok"), "data: [DONE]\n\n"])).await;
    let (_, error) = ask(&client(&url, None, short_timeouts())).await;
    assert_eq!(error, None);
    let Ok(request) = requests.try_recv() else {
        panic!("the server saw no request");
    };
    assert_eq!(request.header("authorization"), None);
}

fn error_response(status: &str, body: &str) -> Script {
    Script::Raw(format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    ))
}

#[tokio::test]
async fn server_error_status_is_a_clear_error_without_the_provider_body() {
    let body = r#"{"error":{"message":"internal: key sk-live-SECRET rejected by shard 7"}}"#;
    let (url, _requests) = serve(error_response("500 Internal Server Error", body)).await;
    let (chunks, error) = ask(&client(&url, Some("sk-live-SECRET"), short_timeouts())).await;
    assert!(chunks.is_empty());
    let Some(error) = error else {
        panic!("a 500 must fail");
    };
    assert_eq!(error, ProviderError::Status(500));
    let message = error.to_string();
    assert!(message.contains("having trouble"), "{message}");
    assert!(!format!("{error:?}{message}").contains("SECRET"));
}

#[tokio::test]
async fn unauthorized_status_says_the_assistant_is_not_set_up() {
    let (url, _requests) =
        serve(error_response("401 Unauthorized", r#"{"error":"bad key"}"#)).await;
    let (_, error) = ask(&client(&url, Some("sk-wrong"), short_timeouts())).await;
    assert_eq!(error, Some(ProviderError::Status(401)));
    let message = error.map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("isn't set up correctly"), "{message}");
    assert!(!message.contains("bad key"));
}

#[tokio::test]
async fn a_provider_that_never_answers_times_out_within_the_first_token_bound() {
    let (url, _requests) = serve(Script::Silent).await;
    let started = Instant::now();
    let (_, error) = ask(&client(&url, None, short_timeouts())).await;
    let elapsed = started.elapsed();
    assert_eq!(
        error,
        Some(ProviderError::Timeout(TimeoutPhase::FirstToken))
    );
    assert!(elapsed >= Duration::from_millis(250), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[tokio::test]
async fn a_stream_that_stalls_mid_answer_times_out_as_idle() {
    let (url, _requests) = serve(Script::Sse {
        pieces: vec![content("Hello").into_bytes()],
        then_hang: true,
    })
    .await;
    let started = Instant::now();
    let (chunks, error) = ask(&client(&url, None, short_timeouts())).await;
    assert_eq!(chunks, ["Hello"]);
    assert_eq!(error, Some(ProviderError::Timeout(TimeoutPhase::Idle)));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn the_total_timeout_bounds_an_endless_trickle_of_keep_alives() {
    let (url, _requests) = serve(Script::Trickle).await;
    let timeouts = Timeouts {
        total: Duration::from_millis(600),
        ..short_timeouts()
    };
    let started = Instant::now();
    let (chunks, error) = ask(&client(&url, None, timeouts)).await;
    let elapsed = started.elapsed();
    assert!(chunks.is_empty());
    assert_eq!(error, Some(ProviderError::Timeout(TimeoutPhase::Total)));
    assert!(elapsed >= Duration::from_millis(550), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[tokio::test]
async fn a_malformed_chunk_ends_the_answer_with_an_error() {
    let (url, _requests) = serve(sse(&[
        &content("Hi"),
        "data: {\"choices\": [{\"delta\": {\"content\": \"oops\"\n\n",
        &content("never delivered"),
        "data: [DONE]\n\n",
    ]))
    .await;
    let (chunks, error) = ask(&client(&url, None, short_timeouts())).await;
    assert_eq!(chunks, ["Hi"]);
    assert!(
        matches!(error, Some(ProviderError::MalformedStream(_))),
        "{error:?}"
    );
    let message = error.map(|e| e.to_string()).unwrap_or_default();
    assert_eq!(
        message,
        "The assistant's answer could not be read. Please try again."
    );
}

#[tokio::test]
async fn a_stream_cut_before_done_is_an_error() {
    let (url, _requests) = serve(sse(&[&content("Half an ans")])).await;
    let (chunks, error) = ask(&client(&url, None, short_timeouts())).await;
    assert_eq!(chunks, ["Half an ans"]);
    assert!(
        matches!(error, Some(ProviderError::MalformedStream(_))),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_finish_reason_without_done_is_a_complete_answer() {
    let end = "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}";
    let (url, _requests) = serve(sse(&[&content("All of it."), end])).await;
    let (chunks, error) = ask(&client(&url, None, short_timeouts())).await;
    assert_eq!((chunks, error), (vec!["All of it.".to_string()], None));
}

#[tokio::test]
async fn an_error_object_in_the_stream_is_reported_without_its_text() {
    let (url, _requests) = serve(sse(&[
        &content("Ada"),
        "data: {\"error\":{\"message\":\"quota exceeded for key sk-SECRET\"}}\n\n",
    ]))
    .await;
    let (chunks, error) = ask(&client(&url, None, short_timeouts())).await;
    assert_eq!(chunks, ["Ada"]);
    assert!(
        matches!(error, Some(ProviderError::Upstream(_))),
        "{error:?}"
    );
    assert!(!format!("{error:?}").contains("SECRET"));
}

#[tokio::test]
async fn a_json_answer_is_accepted_when_the_server_ignores_streaming() {
    let body =
        r#"{"choices":[{"index":0,"message":{"role":"assistant","content":"Whole answer."}}]}"#;
    let (url, _requests) = serve(error_response("200 OK", body)).await;
    let (chunks, error) = ask(&client(&url, None, short_timeouts())).await;
    assert_eq!((chunks, error), (vec!["Whole answer.".to_string()], None));
}

#[tokio::test]
async fn an_unreachable_provider_is_a_connection_error() {
    // A port that was free a moment ago: nothing listens there now.
    let port = match TcpListener::bind("127.0.0.1:0")
        .await
        .and_then(|l| l.local_addr())
    {
        Ok(addr) => addr.port(),
        Err(e) => panic!("bind: {e}"),
    };
    let provider = client(
        &format!("http://127.0.0.1:{port}/v1"),
        None,
        short_timeouts(),
    );
    let (_, error) = ask(&provider).await;
    let Some(error) = error else {
        panic!("nothing listens, yet the request succeeded");
    };
    assert!(matches!(error, ProviderError::Connection(_)), "{error:?}");
    assert_eq!(
        error.to_string(),
        "The assistant can't be reached right now. Please try again later."
    );
}
