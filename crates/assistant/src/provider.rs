//! The provider abstraction: something that turns chat messages into a stream of text chunks.

use std::fmt;

use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;

use crate::prompt::AnswerContext;
use crate::types::ChatMessage;

/// An answer as it arrives: text chunks in order; an `Err` item ends the answer.
pub type TextStream = BoxStream<'static, Result<String, ProviderError>>;

/// A source of answers. Object-safe, so the server holds one `Box<dyn Provider>` (or an `Arc`)
/// chosen by configuration.
pub trait Provider: Send + Sync + fmt::Debug {
    /// A short name for logs and metrics: `offline`, `openai-compatible`.
    fn kind(&self) -> &'static str;

    /// Starts answering. The future resolves once the provider has accepted the request (for a
    /// network provider: the response headers arrived with a success status); the text follows
    /// on the stream. Every wait is bounded by the provider's timeouts.
    fn stream<'a>(
        &'a self,
        messages: Vec<ChatMessage>,
        ctx: &'a AnswerContext,
    ) -> BoxFuture<'a, Result<TextStream, ProviderError>>;
}

/// Which wait ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutPhase {
    /// Opening the connection.
    Connect,
    /// Waiting for the provider to start answering.
    FirstToken,
    /// Silence in the middle of an answer.
    Idle,
    /// The whole answer took too long.
    Total,
}

/// Why an answer failed. `Display` is a message fit for a visitor: it never holds secrets or the
/// provider's own words. The `String` details are for logs; they are built here, from error
/// kinds, never from response bodies.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    #[error("The assistant took too long to answer. Please try again in a moment.")]
    Timeout(TimeoutPhase),
    #[error("{}", status_message(*.0))]
    Status(u16),
    #[error("The assistant's answer could not be read. Please try again.")]
    MalformedStream(String),
    #[error("The assistant can't be reached right now. Please try again later.")]
    Connection(String),
    #[error("The assistant could not finish its answer. Please try again later.")]
    Upstream(String),
}

impl ProviderError {
    /// A stable label for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Timeout(_) => "timeout",
            Self::Status(_) => "status",
            Self::MalformedStream(_) => "malformed_stream",
            Self::Connection(_) => "connection",
            Self::Upstream(_) => "upstream",
        }
    }

    /// The message to show a visitor (the same as `Display`).
    pub fn visitor_message(&self) -> String {
        self.to_string()
    }
}

fn status_message(status: u16) -> &'static str {
    match status {
        401 | 403 => {
            "The assistant isn't set up correctly right now (its AI service refused the \
             credentials). Please try again later or use the contact form."
        }
        404 => {
            "The assistant isn't set up correctly right now (its AI service or model was not \
             found). Please try again later or use the contact form."
        }
        408 | 504 => "The assistant took too long to answer. Please try again in a moment.",
        413 => "That conversation is too long for the assistant. Please start a new one.",
        429 => "The assistant is busy right now. Please try again in a minute.",
        400..=499 => {
            "The assistant's AI service could not handle this question. Please rephrase it."
        }
        _ => "The assistant's AI service is having trouble. Please try again later.",
    }
}
