//! The built-in responder: answers from the retrieved memories with no network and no model.
//! Deterministic, so the default setup and the tests behave the same everywhere.

use futures_util::future::BoxFuture;
use futures_util::{StreamExt, stream};

use crate::prompt::{AnswerContext, primary_language};
use crate::provider::{Provider, ProviderError, TextStream};
use crate::text;
use crate::types::{ChatMessage, Memory};

/// At most this many memories make up an answer: more would not be "short".
const MAX_MEMORIES: usize = 3;
/// Words per streamed chunk.
const WORDS_PER_CHUNK: usize = 2;

/// The offline provider. It ignores the messages and reads the [`AnswerContext`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Offline;

impl Provider for Offline {
    fn kind(&self) -> &'static str {
        "offline"
    }

    fn stream<'a>(
        &'a self,
        _messages: Vec<ChatMessage>,
        ctx: &'a AnswerContext,
    ) -> BoxFuture<'a, Result<TextStream, ProviderError>> {
        let chunks = chunks(&compose(ctx));
        Box::pin(async move {
            let answer = stream::iter(chunks).then(|chunk| async move {
                // Let other tasks (and the SSE writer) run between chunks; no artificial delay.
                tokio::task::yield_now().await;
                Ok(chunk)
            });
            Ok(answer.boxed())
        })
    }
}

/// The whole answer, as markdown.
pub fn compose(ctx: &AnswerContext) -> String {
    let words = Phrases::for_context(ctx);
    let owner = ctx.owner_name.as_str();

    if text::is_greeting(&ctx.question) {
        let greeting = ctx.personality.greeting.trim();
        return if greeting.is_empty() {
            (words.greeting)(owner)
        } else {
            greeting.to_string()
        };
    }

    if !ctx.matched || ctx.memories.is_empty() {
        let mut answer = (words.unknown)(owner);
        let topics: Vec<String> = ctx
            .memories
            .iter()
            .map(|m| m.title.trim())
            .filter(|t| !t.is_empty())
            .take(MAX_MEMORIES)
            // Italics mark them as topic names mid-sentence ("ask me about *Current role*").
            .map(|t| format!("*{t}*"))
            .collect();
        if !topics.is_empty() {
            answer.push(' ');
            answer.push_str(&(words.topics)(&list(&topics, words.and)));
        }
        answer.push(' ');
        answer.push_str(words.contact);
        return answer;
    }

    let memories: Vec<&Memory> = ctx.memories.iter().take(MAX_MEMORIES).collect();
    let mut answer = (words.opening)(owner);
    answer.push_str("\n\n");
    if let [only] = memories.as_slice() {
        answer.push_str(only.content.trim());
    } else {
        for m in &memories {
            let title = m.title.trim();
            // Continuation lines are indented so a multi-line memory stays inside its item.
            let content = m.content.trim().replace('\n', "\n  ");
            if title.is_empty() {
                answer.push_str(&format!("- {content}\n"));
            } else {
                answer.push_str(&format!("- **{title}:** {content}\n"));
            }
        }
        answer.truncate(answer.trim_end().len());
    }
    if let Some(closing) = words.closing {
        answer.push_str("\n\n");
        answer.push_str(closing);
    }
    answer
}

/// Splits text into chunks of a couple of words, each keeping its trailing whitespace, so the
/// chunks concatenate back to exactly the text.
fn chunks(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut words = 0;
    for piece in text.split_inclusive(char::is_whitespace) {
        current.push_str(piece);
        if !piece.trim().is_empty() {
            words += 1;
        }
        if words >= WORDS_PER_CHUNK && piece.ends_with(char::is_whitespace) {
            out.push(std::mem::take(&mut current));
            words = 0;
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// "a", "a and b", "a, b and c".
fn list(items: &[String], and: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {and} {last}", init.join(", ")),
    }
}

/// The responder's sentences in one language and register.
struct Phrases {
    greeting: fn(&str) -> String,
    opening: fn(&str) -> String,
    unknown: fn(&str) -> String,
    topics: fn(&str) -> String,
    contact: &'static str,
    closing: Option<&'static str>,
    and: &'static str,
}

impl Phrases {
    /// Spanish for `es*`, English otherwise; formal when the personality's tone says so.
    fn for_context(ctx: &AnswerContext) -> &'static Phrases {
        let tone = text::fold(&ctx.personality.tone);
        let formal = tone.contains("formal") && !tone.contains("informal");
        match (primary_language(&ctx.personality.language).as_str(), formal) {
            ("es", false) => &ES,
            ("es", true) => &ES_FORMAL,
            (_, false) => &EN,
            (_, true) => &EN_FORMAL,
        }
    }
}

fn or(owner: &str, fallback: &'static str) -> String {
    if owner.is_empty() {
        fallback.to_string()
    } else {
        owner.to_string()
    }
}

static EN: Phrases = Phrases {
    greeting: |o| {
        format!(
            "Hi! Ask me anything about {}.",
            or(o, "the owner of this site")
        )
    },
    opening: |o| {
        format!(
            "Here's what I know about {}:",
            or(o, "the owner of this site")
        )
    },
    unknown: |o| format!("Sorry, I don't know that about {} yet.", or(o, "the owner")),
    topics: |t| format!("You could ask me about {t}."),
    contact: "Or send a message through the contact form.",
    closing: Some("Anything else you'd like to know?"),
    and: "and",
};

static EN_FORMAL: Phrases = Phrases {
    greeting: |o| {
        format!(
            "Good day. I can answer your questions about {}.",
            or(o, "the owner of this site")
        )
    },
    opening: |o| format!("Here is what I can tell you about {}:", or(o, "the owner")),
    unknown: |o| {
        format!(
            "I'm afraid I don't have that information about {}.",
            or(o, "the owner")
        )
    },
    topics: |t| format!("I can tell you about {t}."),
    contact: "You are welcome to use the contact form.",
    closing: None,
    and: "and",
};

static ES: Phrases = Phrases {
    greeting: |o| {
        format!(
            "¡Hola! Pregúntame lo que quieras sobre {}.",
            or(o, "quien tiene este sitio")
        )
    },
    opening: |o| {
        format!(
            "¡Claro! Esto es lo que sé sobre {}:",
            or(o, "quien tiene este sitio")
        )
    },
    unknown: |o| {
        format!(
            "Lo siento, todavía no sé eso sobre {}.",
            or(o, "esta persona")
        )
    },
    topics: |t| format!("Puedes preguntarme sobre {t}."),
    contact: "O escribe un mensaje en el formulario de contacto.",
    closing: Some("¿Quieres saber algo más?"),
    and: "y",
};

static ES_FORMAL: Phrases = Phrases {
    greeting: |o| {
        format!(
            "Buenos días. Puedo responder a sus preguntas sobre {}.",
            or(o, "quien tiene este sitio")
        )
    },
    opening: |o| {
        format!(
            "Esto es lo que puedo contarle sobre {}:",
            or(o, "esta persona")
        )
    },
    unknown: |o| {
        format!(
            "Lamentablemente no dispongo de esa información sobre {}.",
            or(o, "esta persona")
        )
    },
    topics: |t| format!("Puedo hablarle de {t}."),
    contact: "También puede usar el formulario de contacto.",
    closing: None,
    and: "y",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_a_word_or_two_and_concatenate_to_the_text() {
        let text = "Here's what I know:\n\n- **Rust:** yes\n\nAnything else?";
        let parts = chunks(text);
        assert_eq!(parts.concat(), text);
        assert!(parts.len() > 3);
        for part in &parts {
            assert!(
                part.split_whitespace().count() <= WORDS_PER_CHUNK,
                "{part:?}"
            );
        }
    }

    #[test]
    fn lists_join_with_the_language_conjunction() {
        let items = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(list(&items(&["a"]), "and"), "a");
        assert_eq!(list(&items(&["a", "b"]), "y"), "a y b");
        assert_eq!(list(&items(&["a", "b", "c"]), "and"), "a, b and c");
    }
}
