//! Ranking memories for a question: BM25F over title, content and keywords.
//!
//! A tenant has tens of memories, not millions, so the index is built per question in memory;
//! that keeps it trivially consistent with the owner's edits and needs no storage.

use std::collections::HashMap;

use crate::text;
use crate::types::Memory;

/// How much a word counts in each field (keywords, title, content): keywords are the owner's
/// own labels for a memory and a title names its subject, so both say more than a word in
/// passing in the content.
const WEIGHTS: [f64; 3] = [3.0, 2.0, 1.0];
/// The usual BM25 saturation and length normalisation.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Each point of priority adds this much to a score (clamped), enough to break near-ties.
const PRIORITY_STEP: f64 = 0.05;
/// Matches scoring below this fraction of the best one are noise (a shared common word).
const RELATIVE_CUTOFF: f64 = 0.2;

/// A memory and how well it matches the question.
#[derive(Debug, Clone, Copy)]
pub struct Scored<'a> {
    pub memory: &'a Memory,
    pub score: f64,
}

/// What [`search`] found.
#[derive(Debug, Clone)]
pub struct Retrieved<'a> {
    /// Best first, within the budget.
    pub memories: Vec<&'a Memory>,
    /// False when nothing matched and `memories` is the highest-priority fallback.
    pub matched: bool,
}

/// The memories most relevant to `question`, best first, whose sizes
/// ([`Memory::size_chars`]) add up to at most `budget_chars`. When nothing matches, the
/// highest-priority memories within the budget, so a provider still knows the basics.
pub fn retrieve<'a>(
    question: &str,
    memories: &'a [Memory],
    budget_chars: usize,
) -> Vec<&'a Memory> {
    search(question, memories, budget_chars).memories
}

/// [`retrieve`], also telling whether anything matched.
pub fn search<'a>(question: &str, memories: &'a [Memory], budget_chars: usize) -> Retrieved<'a> {
    let ranked = rank(question, memories);
    let best = ranked.first().map_or(0.0, |s| s.score);
    let matched = best > 0.0;
    let ordered: Vec<&Memory> = if matched {
        ranked
            .iter()
            .take_while(|s| s.score >= best * RELATIVE_CUTOFF)
            .map(|s| s.memory)
            .collect()
    } else {
        let mut all: Vec<&Memory> = memories.iter().collect();
        all.sort_by(|a, b| b.priority.cmp(&a.priority).then(a.id.cmp(&b.id)));
        all
    };
    Retrieved {
        memories: within_budget(ordered, budget_chars),
        matched,
    }
}

/// Every memory that shares a term with `question`, best first (ties: higher priority, then
/// lower id, so the order is deterministic).
pub fn rank<'a>(question: &str, memories: &'a [Memory]) -> Vec<Scored<'a>> {
    let mut query: Vec<Vec<String>> = Vec::new();
    for word in text::words(question) {
        let v = text::variants(&word);
        if !query.contains(&v) {
            query.push(v);
        }
    }
    if query.is_empty() || memories.is_empty() {
        return Vec::new();
    }

    let docs: Vec<[Field; 3]> = memories.iter().map(fields).collect();
    let n = docs.len() as f64;
    let mut avg_len = [0.0; 3];
    for (f, avg) in avg_len.iter_mut().enumerate() {
        *avg = (docs.iter().map(|d| d[f].len).sum::<f64>() / n).max(1.0);
    }
    let idf: HashMap<&str, f64> = query
        .iter()
        .flatten()
        .map(|term| {
            let df = docs
                .iter()
                .filter(|d| d.iter().any(|f| f.tf.contains_key(term)))
                .count() as f64;
            // The "+1" form of IDF stays positive even for a term every memory has.
            (term.as_str(), (1.0 + (n - df + 0.5) / (df + 0.5)).ln())
        })
        .collect();

    let mut scored: Vec<Scored> = docs
        .iter()
        .zip(memories)
        .filter_map(|(doc, memory)| {
            // BM25F: each field is length-normalised against its own average, so a long content
            // does not dilute a keyword match; the weighted frequencies then saturate together.
            let term_score = |term: &String| {
                let tf: f64 = doc
                    .iter()
                    .zip(avg_len)
                    .zip(WEIGHTS)
                    .filter_map(|((field, avg), weight)| {
                        let tf = field.tf.get(term)?;
                        Some(weight * tf / (1.0 - B + B * field.len / avg))
                    })
                    .sum();
                idf.get(term.as_str()).copied().unwrap_or_default() * tf * (K1 + 1.0) / (tf + K1)
            };
            let score: f64 = query
                .iter()
                .map(|variants| variants.iter().map(term_score).fold(0.0, f64::max))
                .sum();
            (score > 0.0).then(|| Scored {
                memory,
                score: score * priority_boost(memory.priority),
            })
        })
        .collect();
    scored.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.memory.priority.cmp(&a.memory.priority))
            .then(a.memory.id.cmp(&b.memory.id))
    });
    scored
}

fn priority_boost(priority: i32) -> f64 {
    1.0 + PRIORITY_STEP * f64::from(priority.clamp(-10, 10))
}

/// Greedy: a memory too big for what is left is skipped, and smaller ones after it still fit.
fn within_budget(ordered: Vec<&Memory>, budget_chars: usize) -> Vec<&Memory> {
    let mut left = budget_chars;
    ordered
        .into_iter()
        .filter(|m| {
            let size = m.size_chars();
            let fits = size <= left;
            if fits {
                left -= size;
            }
            fits
        })
        .collect()
}

/// One field of a memory: term frequencies and length in words.
#[derive(Default)]
struct Field {
    tf: HashMap<String, f64>,
    len: f64,
}

/// Keywords, title, content (the order of [`WEIGHTS`]).
fn fields(memory: &Memory) -> [Field; 3] {
    let mut keywords = Field::default();
    for keyword in &memory.keywords {
        keywords.add(keyword);
    }
    let mut title = Field::default();
    title.add(&memory.title);
    let mut content = Field::default();
    content.add(&memory.content);
    [keywords, title, content]
}

impl Field {
    fn add(&mut self, text: &str) {
        for word in text::words(text) {
            self.len += 1.0;
            for term in text::variants(&word) {
                *self.tf.entry(term).or_default() += 1.0;
            }
        }
    }
}
