//! The browser side of `POST /api/chat`: a streamed fetch whose server-sent events are handed
//! to the caller as they arrive. Shared by the chat window and the terminal's `ai` command.

use serde::{Deserialize, Serialize};

use super::ChatTurn;

/// One event of an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum ChatEvent {
    /// The question was counted: the day's allowance (`None`: unlimited).
    Meta {
        limit: Option<u32>,
        remaining: Option<u32>,
    },
    Token(String),
    /// The whole answer as sanitised HTML.
    Done {
        html: String,
        remaining: Option<u32>,
    },
    /// The answer failed; the question was not counted.
    Failed(String),
}

/// Why a question was not answered at all.
#[derive(Debug, Clone, PartialEq)]
pub enum AskError {
    /// Over the daily limit; `reset` is an ISO-8601 UTC instant.
    Limited {
        message: String,
        reset: String,
        limit: Option<u32>,
    },
    /// The server refused the question (empty, too long…).
    Refused(String),
    /// Stopped by the visitor.
    Stopped,
    Network(String),
}

#[derive(Serialize)]
struct Body<'a> {
    prompt: &'a str,
    history: &'a [ChatTurn],
    #[serde(skip_serializing_if = "Option::is_none")]
    personality: Option<i64>,
}

#[derive(Deserialize)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
struct Refusal {
    #[serde(default)]
    error: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    reset: Option<String>,
    #[serde(default)]
    limit: Option<u32>,
}

/// Splits complete SSE events off the front of `buffer` and returns them as (event, data).
pub fn take_events(buffer: &mut String) -> Vec<(String, String)> {
    let mut out = Vec::new();
    while let Some(end) = buffer.find("\n\n") {
        let block: String = buffer.drain(..end + 2).collect();
        let mut name = String::from("message");
        let mut data = String::new();
        for line in block.lines() {
            if let Some(v) = line.strip_prefix("event:") {
                name = v.trim().to_string();
            } else if let Some(v) = line.strip_prefix("data:") {
                if !data.is_empty() {
                    data.push('\n');
                }
                data.push_str(v.strip_prefix(' ').unwrap_or(v));
            }
        }
        if !data.is_empty() {
            out.push((name, data));
        }
    }
    out
}

/// Turns one (event, data) pair into a `ChatEvent`.
pub fn parse_event(name: &str, data: &str) -> Option<ChatEvent> {
    let value: serde_json::Value = serde_json::from_str(data).ok()?;
    let count = |key: &str| value.get(key).and_then(|v| v.as_u64()).map(|n| n as u32);
    let string = |key: &str| {
        value
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    Some(match name {
        "meta" => ChatEvent::Meta {
            limit: count("limit"),
            remaining: count("remaining"),
        },
        "token" => ChatEvent::Token(string("t")),
        "done" => ChatEvent::Done {
            html: string("html"),
            remaining: count("remaining"),
        },
        "error" => ChatEvent::Failed(string("message")),
        _ => return None,
    })
}

/// A handle that stops an answer in flight.
#[derive(Clone)]
pub struct Stopper {
    #[cfg(feature = "hydrate")]
    controller: Option<web_sys::AbortController>,
}

impl Stopper {
    pub fn new() -> Stopper {
        Stopper {
            #[cfg(feature = "hydrate")]
            controller: web_sys::AbortController::new().ok(),
        }
    }

    pub fn stop(&self) {
        #[cfg(feature = "hydrate")]
        if let Some(c) = &self.controller {
            c.abort();
        }
    }
}

impl Default for Stopper {
    fn default() -> Self {
        Self::new()
    }
}

/// Asks the tenant's assistant and reports each event to `on_event` as it streams in.
#[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
pub async fn ask(
    prompt: &str,
    history: &[ChatTurn],
    personality: Option<i64>,
    stopper: &Stopper,
    #[allow(unused_mut)] mut on_event: impl FnMut(ChatEvent),
) -> Result<(), AskError> {
    let body = serde_json::to_string(&Body {
        prompt,
        history,
        personality,
    })
    .map_err(|e| AskError::Network(e.to_string()))?;
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        use wasm_bindgen_futures::JsFuture;
        let net = |e: wasm_bindgen::JsValue| {
            if stopper
                .controller
                .as_ref()
                .is_some_and(|c| c.signal().aborted())
            {
                AskError::Stopped
            } else {
                AskError::Network(format!("{e:?}"))
            }
        };
        let window = web_sys::window().ok_or_else(|| AskError::Network("no window".into()))?;
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_body(&wasm_bindgen::JsValue::from_str(&body));
        let headers = web_sys::Headers::new().map_err(net)?;
        headers
            .set("content-type", "application/json")
            .map_err(net)?;
        init.set_headers(&headers);
        init.set_signal(stopper.controller.as_ref().map(|c| c.signal()).as_ref());
        let response: web_sys::Response =
            JsFuture::from(window.fetch_with_str_and_init("/api/chat", &init))
                .await
                .map_err(net)?
                .dyn_into()
                .map_err(net)?;
        if !response.ok() {
            let text = JsFuture::from(response.text().map_err(net)?)
                .await
                .map_err(net)?
                .as_string()
                .unwrap_or_default();
            let refusal: Option<Refusal> = serde_json::from_str(&text).ok();
            return Err(match refusal {
                Some(r) if r.error == "rate_limit" => AskError::Limited {
                    message: r.message,
                    reset: r.reset.unwrap_or_default(),
                    limit: r.limit,
                },
                Some(r) if !r.message.is_empty() => AskError::Refused(r.message),
                _ => AskError::Network(format!("HTTP {}", response.status())),
            });
        }
        let stream = response
            .body()
            .ok_or_else(|| AskError::Network("empty answer".into()))?;
        let reader: web_sys::ReadableStreamDefaultReader = stream
            .get_reader()
            .dyn_into()
            .map_err(|o: js_sys::Object| net(o.into()))?;
        let mut bytes: Vec<u8> = Vec::new();
        let mut buffer = String::new();
        loop {
            let chunk = JsFuture::from(reader.read()).await.map_err(net)?;
            let done = js_sys::Reflect::get(&chunk, &"done".into())
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(true);
            if done {
                break;
            }
            if let Ok(value) = js_sys::Reflect::get(&chunk, &"value".into()) {
                bytes.extend(js_sys::Uint8Array::new(&value).to_vec());
            }
            // Only whole UTF-8 characters become text; a split one waits for its next bytes.
            let valid = match std::str::from_utf8(&bytes) {
                Ok(_) => bytes.len(),
                Err(e) => e.valid_up_to(),
            };
            buffer.push_str(&String::from_utf8_lossy(&bytes[..valid]));
            bytes.drain(..valid);
            for (name, data) in take_events(&mut buffer) {
                if let Some(event) = parse_event(&name, &data) {
                    on_event(event);
                }
            }
        }
        Ok(())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = body;
        Err(AskError::Network(
            "the assistant answers in the browser".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_taken_only_when_complete() {
        let mut buffer =
            String::from("event: token\ndata: {\"t\":\" hi\"}\n\nevent: done\ndata: {\"ht");
        let events = take_events(&mut buffer);
        assert_eq!(
            events,
            vec![("token".to_string(), "{\"t\":\" hi\"}".to_string())]
        );
        assert_eq!(
            parse_event(&events[0].0, &events[0].1),
            Some(ChatEvent::Token(" hi".into()))
        );
        buffer.push_str("ml\":\"<p>x</p>\",\"remaining\":3}\n\n");
        let events = take_events(&mut buffer);
        assert_eq!(
            parse_event(&events[0].0, &events[0].1),
            Some(ChatEvent::Done {
                html: "<p>x</p>".into(),
                remaining: Some(3)
            })
        );
        assert!(buffer.is_empty());
    }

    #[test]
    fn keep_alive_comments_are_not_events() {
        let mut buffer = String::from(":\n\n");
        assert!(take_events(&mut buffer).is_empty());
    }
}
