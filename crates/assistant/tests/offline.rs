//! The offline responder: answers from memories, in the personality's language, streamed fast.

mod common;

use std::time::{Duration, Instant};

use assistant::{Offline, Personality, Provider, Turn, compose_offline_answer, prepare};
use common::*;
use futures_util::StreamExt;

/// Asks the offline responder; returns the chunks and how long the first one took.
async fn ask(
    personality: &Personality,
    history: &[Turn],
    question: &str,
) -> (Vec<String>, Duration) {
    let (profile, memories) = (profile(), memories());
    let fill = filler(&profile);
    let prompt = prepare(
        &input(personality, &profile, &memories, history, question),
        &fill,
    );
    let started = Instant::now();
    let stream = Offline.stream(prompt.messages, &prompt.context).await;
    let Ok(mut stream) = stream else {
        panic!("the offline responder failed to start");
    };
    let mut chunks = Vec::new();
    let mut first = None;
    while let Some(chunk) = tokio::time::timeout(Duration::from_secs(5), stream.next())
        .await
        .ok()
        .flatten()
    {
        first.get_or_insert_with(|| started.elapsed());
        match chunk {
            Ok(text) => chunks.push(text),
            Err(e) => panic!("offline chunk failed: {e}"),
        }
    }
    (chunks, first.unwrap_or(Duration::MAX))
}

#[tokio::test]
async fn english_answer_composes_the_work_memories_word_by_word() {
    let (chunks, first) = ask(&english_personality(), &[], "Where did she work?").await;
    assert!(
        first < Duration::from_millis(50),
        "first chunk after {first:?}"
    );
    assert!(chunks.len() > 10);
    assert!(
        chunks.iter().all(|c| c.split_whitespace().count() <= 2),
        "{chunks:?}"
    );
    let answer = chunks.concat();
    assert!(answer.starts_with("Here's what I know about Ada Demo:"));
    assert!(answer.contains("Example Corp"));
    insta::assert_snapshot!(answer);
}

#[tokio::test]
async fn spanish_answer_uses_the_personality_language() {
    let (chunks, _) = ask(&spanish_personality(), &[], "¿Qué estudió?").await;
    let answer = chunks.concat();
    assert!(answer.starts_with("¡Claro! Esto es lo que sé sobre Ada Demo:"));
    assert!(answer.contains("Universitat Politècnica"));
    assert!(!answer.contains("{{"));
    insta::assert_snapshot!(answer);
}

#[tokio::test]
async fn several_matches_become_a_short_markdown_list_of_at_most_three() {
    let (chunks, _) = ask(&english_personality(), &[], "Who is Ada?").await;
    let answer = chunks.concat();
    assert_eq!(answer.matches("\n- **").count(), 3, "{answer}");
}

#[tokio::test]
async fn unknown_question_gets_a_polite_i_dont_know_in_english() {
    let (chunks, _) = ask(&english_personality(), &[], "What is her favourite colour?").await;
    let answer = chunks.concat();
    assert!(answer.starts_with("Sorry, I don't know that about Ada Demo yet."));
    assert!(answer.contains("contact form"));
    insta::assert_snapshot!(answer);
}

#[tokio::test]
async fn unknown_question_gets_a_polite_i_dont_know_in_spanish() {
    let (chunks, _) = ask(&spanish_personality(), &[], "¿Cuál es su color favorito?").await;
    let answer = chunks.concat();
    assert!(answer.starts_with("Lo siento, todavía no sé eso sobre Ada Demo."));
    assert!(answer.contains("formulario de contacto"));
    insta::assert_snapshot!(answer);
}

#[tokio::test]
async fn a_greeting_gets_the_personality_greeting_filled() {
    let (chunks, _) = ask(&english_personality(), &[], "Hello!").await;
    assert_eq!(
        chunks.concat(),
        "Hi! I'm Pixel. Ask me anything about Ada Demo."
    );
    let (chunks, _) = ask(&spanish_personality(), &[], "¡Hola!").await;
    assert_eq!(
        chunks.concat(),
        "¡Hola! Soy Lola. Pregúntame lo que quieras sobre Ada Demo."
    );
}

#[tokio::test]
async fn a_formal_tone_changes_the_voice() {
    let formal = Personality {
        tone: "Formal y profesional".into(),
        ..spanish_personality()
    };
    let (chunks, _) = ask(&formal, &[], "¿Qué estudió?").await;
    let answer = chunks.concat();
    assert!(
        answer.starts_with("Esto es lo que puedo contarle sobre Ada Demo:"),
        "{answer}"
    );
    assert!(!answer.contains("¿Quieres saber algo más?"));
}

#[tokio::test]
async fn answers_are_deterministic_and_match_the_composed_text() {
    let (a, _) = ask(
        &english_personality(),
        &[],
        "what languages does he program in",
    )
    .await;
    let (b, _) = ask(
        &english_personality(),
        &[],
        "what languages does he program in",
    )
    .await;
    assert_eq!(a, b);

    let (profile, memories, personality) = (profile(), memories(), english_personality());
    let fill = filler(&profile);
    let prompt = prepare(
        &input(
            &personality,
            &profile,
            &memories,
            &[],
            "what languages does he program in",
        ),
        &fill,
    );
    assert_eq!(a.concat(), compose_offline_answer(&prompt.context));
}
