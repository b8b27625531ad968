//! Text analysis for retrieval, for English and Spanish at once.
//!
//! A question and a memory may be in either language (owners mix them, keywords often hold both),
//! so instead of guessing a language we index every word under a few *variants*: the case- and
//! accent-folded word, its English stem and its Spanish stem. A query word matches a memory when
//! any of its variants does; scoring takes the best variant so a word is never counted twice.

use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));
static SPANISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Spanish));

/// Lower-cases and strips accents: `Trabajó` → `trabajo`, `Ñandú` → `nandu`.
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The words of `text` (lower-cased, accents kept), stopwords removed.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.nfc().flat_map(char::to_lowercase).collect::<String>())
        .filter(|w| !is_stopword(&fold(w)))
}

/// The index terms of one word (see the module docs). The Spanish stemmer runs on the accented
/// word because Snowball's Spanish suffixes carry accents (`-ación`), and on the folded one
/// because visitors often type without them.
pub fn variants(word: &str) -> Vec<String> {
    let folded = fold(word);
    let mut out = Vec::with_capacity(4);
    for term in [
        ENGLISH.stem(&folded).into_owned(),
        fold(&SPANISH.stem(word)),
        SPANISH.stem(&folded).into_owned(),
        folded,
    ] {
        if !term.is_empty() && !out.contains(&term) {
            out.push(term);
        }
    }
    out
}

/// Whether the folded word `w` carries no meaning for retrieval, in English or Spanish.
pub fn is_stopword(w: &str) -> bool {
    STOPWORDS.binary_search(&w).is_ok()
}

/// Greetings in both languages, so "hola" or "hi there" gets the personality's greeting.
pub fn is_greeting(text: &str) -> bool {
    const GREETINGS: &[&str] = &[
        "afternoon",
        "buenas",
        "buenos",
        "dias",
        "evening",
        "good",
        "greetings",
        "hello",
        "hey",
        "hi",
        "hola",
        "morning",
        "noches",
        "saludos",
        "tardes",
        "there",
    ];
    let mut any = false;
    for w in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !GREETINGS.contains(&fold(w).as_str()) {
            return false;
        }
        any = true;
    }
    any
}

/// English and Spanish stopwords, folded, sorted (a test checks the order). Besides the usual
/// function words it holds the words that frame a question ("tell", "dime", "know") because they
/// say nothing about which memory is wanted.
static STOPWORDS: &[&str] = &[
    "a", "about", "after", "again", "al", "algo", "algun", "alguna", "algunas", "alguno",
    "algunos", "all", "also", "am", "an", "and", "ante", "antes", "any", "are", "as", "at", "be",
    "been", "before", "being", "both", "but", "by", "can", "como", "con", "could", "cual",
    "cuales", "cuando", "cuanto", "cuantos", "cuentame", "cuentas", "d", "de", "del", "desde",
    "did", "dime", "do", "does", "doing", "donde", "during", "e", "el", "ella", "ellas", "ello",
    "ellos", "en", "entre", "era", "eran", "eres", "es", "esa", "esas", "ese", "eso", "esos",
    "esta", "estan", "estar", "estas", "este", "esto", "estos", "for", "from", "fue", "fueron",
    "ha", "habla", "had", "han", "has", "hasta", "have", "having", "hay", "he", "her", "here",
    "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its",
    "itself", "know", "la", "las", "le", "les", "ll", "lo", "los", "m", "mas", "me", "mi", "mis",
    "mucho", "muchos", "muy", "my", "nada", "ni", "no", "nos", "nosotros", "o", "of", "on", "or",
    "os", "other", "otra", "otras", "otro", "otros", "our", "para", "pero", "please", "poco",
    "por", "porque", "puede", "puedes", "que", "quien", "quienes", "re", "s", "sabe", "saber",
    "sabes", "se", "ser", "she", "should", "si", "sido", "sin", "so", "sobre", "some", "son",
    "soy", "su", "sus", "t", "tal", "tambien", "te", "tell", "than", "that", "the", "their",
    "them", "then", "there", "these", "they", "this", "those", "ti", "tiene", "tienen", "to",
    "todo", "todos", "tu", "tus", "un", "una", "uno", "unos", "us", "usted", "ve", "was", "we",
    "were", "what", "when", "where", "which", "who", "whom", "why", "will", "with", "would", "y",
    "ya", "yo", "you", "your", "yours",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopwords_are_sorted_folded_and_unique_so_binary_search_works() {
        for pair in STOPWORDS.windows(2) {
            assert!(pair[0] < pair[1], "{:?} before {:?}", pair[0], pair[1]);
        }
        for w in STOPWORDS {
            assert_eq!(fold(w), *w, "stopword {w:?} is not folded");
        }
    }

    #[test]
    fn folding_drops_case_and_accents() {
        assert_eq!(fold("¿Dónde TRABAJÓ?"), "¿donde trabajo?");
        assert_eq!(fold("Ñandú"), "nandu");
    }

    #[test]
    fn accented_and_unaccented_spanish_share_a_variant() {
        let accented = variants("programación");
        let plain = variants("programacion");
        assert!(accented.iter().any(|v| plain.contains(v)));
        let past = variants("trabajó");
        let noun = variants("trabajo");
        assert!(past.iter().any(|v| noun.contains(v)));
    }

    #[test]
    fn english_inflections_share_a_variant() {
        let a = variants("languages");
        let b = variants("language");
        assert!(a.iter().any(|v| b.contains(v)));
        let c = variants("programming");
        let d = variants("program");
        assert!(c.iter().any(|v| d.contains(v)));
    }

    #[test]
    fn question_framing_words_are_dropped() {
        let w: Vec<String> = words("¿Dónde trabajó? Where did she work?").collect();
        assert_eq!(w, ["trabajó", "work"]);
    }

    #[test]
    fn greetings_are_recognised_in_both_languages() {
        assert!(is_greeting("Hola!"));
        assert!(is_greeting("hi there"));
        assert!(is_greeting("Buenos días"));
        assert!(!is_greeting("hi, where does she work?"));
        assert!(!is_greeting("  "));
    }
}
