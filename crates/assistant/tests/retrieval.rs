//! Retrieval picks the right memories for English and Spanish questions.

mod common;

use assistant::{Memory, retrieve, search};
use common::*;

/// The memories as the prompt sees them: placeholders filled.
fn filled() -> Vec<Memory> {
    let profile = profile();
    let fill = filler(&profile);
    memories().iter().map(|m| m.filled(&fill)).collect()
}

fn ids(found: &[&Memory]) -> Vec<i64> {
    found.iter().map(|m| m.id).collect()
}

const BUDGET: usize = 6_000;

#[test]
fn where_did_she_work_finds_the_work_memories_in_english_and_spanish() {
    let memories = filled();
    for question in ["Where did she work?", "¿Dónde trabajó?", "donde trabajo"] {
        let found = ids(&retrieve(question, &memories, BUDGET));
        // Both memories about work, and nothing else: the current job and the past ones.
        assert_eq!(found.len(), 2, "{question}: {found:?}");
        assert!(found.contains(&EXPERIENCE), "{question}: {found:?}");
        assert!(found.contains(&CURRENT_ROLE), "{question}: {found:?}");
    }
}

#[test]
fn programming_languages_rank_skills_above_spoken_languages() {
    let memories = filled();
    for question in [
        "what languages does he program in",
        "¿Qué lenguajes de programación usa?",
        "lenguajes de programacion",
        "Does she know Python?",
    ] {
        let found = ids(&retrieve(question, &memories, BUDGET));
        assert_eq!(found.first(), Some(&SKILLS), "{question}: {found:?}");
    }
}

#[test]
fn spoken_languages_find_the_languages_memory() {
    let memories = filled();
    for question in ["¿Qué idiomas habla?", "Which languages does she speak?"] {
        let found = ids(&retrieve(question, &memories, BUDGET));
        assert_eq!(found.first(), Some(&LANGUAGES), "{question}: {found:?}");
    }
}

#[test]
fn questions_find_memories_written_in_the_other_language() {
    let memories = filled();
    // The studies memory is written in Spanish; its keywords cover English too.
    for question in ["Where did she study?", "¿Qué estudió?", "universidad"] {
        let found = ids(&retrieve(question, &memories, BUDGET));
        assert_eq!(found, [STUDIES], "{question}");
    }
    for question in ["How can I contact her?", "¿Cómo la contacto?"] {
        let found = ids(&retrieve(question, &memories, BUDGET));
        assert_eq!(found, [CONTACT], "{question}");
    }
}

#[test]
fn inflections_and_missing_accents_still_match() {
    let memories = filled();
    let found = ids(&retrieve(
        "What does she do on weekends?",
        &memories,
        BUDGET,
    ));
    assert_eq!(found, [HOBBIES]);
    let found = ids(&retrieve("PROGRAMACION", &memories, BUDGET));
    assert_eq!(found, [SKILLS]);
}

#[test]
fn the_owner_name_matches_once_placeholders_are_filled() {
    let memories = filled();
    let found = search("Who is Ada?", &memories, BUDGET);
    assert!(found.matched);
    // Every memory that names her, and only those.
    let mut found = ids(&found.memories);
    found.sort_unstable();
    assert_eq!(found, [CURRENT_ROLE, LANGUAGES, HOBBIES, STUDIES, CONTACT]);
}

#[test]
fn no_match_falls_back_to_the_highest_priority_memories() {
    let memories = filled();
    for question in ["What is her favourite colour?", "¿y qué?", "", "???"] {
        let found = search(question, &memories, BUDGET);
        assert!(!found.matched, "{question}");
        // Priority first (3, 2, 2, 1, 1, 1, 0), then id.
        assert_eq!(
            ids(&found.memories),
            [
                CURRENT_ROLE,
                EXPERIENCE,
                SKILLS,
                LANGUAGES,
                HOBBIES,
                STUDIES,
                CONTACT
            ],
            "{question}"
        );
    }
}

#[test]
fn results_fit_the_budget_skipping_what_does_not_fit() {
    let memories = filled();
    let experience = memories
        .iter()
        .find(|m| m.id == EXPERIENCE)
        .map(Memory::size_chars);
    let role = memories
        .iter()
        .find(|m| m.id == CURRENT_ROLE)
        .map(Memory::size_chars);
    let (Some(experience), Some(role)) = (experience, role) else {
        panic!("fixtures changed");
    };
    assert!(role < experience);
    // Room for the shorter work memory only: the longer one is skipped, whatever its rank.
    let found = ids(&retrieve("Where did she work?", &memories, role));
    assert_eq!(found, [CURRENT_ROLE]);
    assert!(retrieve("Where did she work?", &memories, role - 1).is_empty());
    // The fallback respects the budget too.
    let found = search("favourite colour", &memories, role);
    assert_eq!(ids(&found.memories), [CURRENT_ROLE]);
}

#[test]
fn priority_breaks_ties_between_equal_matches() {
    let twin = |id, priority| Memory {
        id,
        title: "Paella".into(),
        content: "Cooks paella on Sundays.".into(),
        keywords: vec!["paella".into()],
        priority,
    };
    let memories = [twin(1, 0), twin(2, 5), twin(3, 0)];
    assert_eq!(ids(&retrieve("paella", &memories, BUDGET)), [2, 1, 3]);
}

#[test]
fn keywords_and_title_outweigh_a_mention_in_passing() {
    let memories = [
        Memory {
            id: 1,
            title: "Cooking".into(),
            content: "Her trail maps are famous among hikers; she also likes cooking.".into(),
            keywords: vec![],
            priority: 0,
        },
        Memory {
            id: 2,
            title: "Trail maps".into(),
            content: "Offline hiking maps for the Sierra Calderona.".into(),
            keywords: vec!["maps".into(), "hiking".into()],
            priority: 0,
        },
    ];
    assert_eq!(
        ids(&retrieve("trail maps", &memories, BUDGET)).first(),
        Some(&2)
    );
}
