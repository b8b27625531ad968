//! Shell-style parsing of a command line: words, quotes, backslash escapes and flags.

/// Why a line could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    UnterminatedQuote(char),
    TrailingBackslash,
}

/// Splits a line into words. Single quotes keep everything literally; double quotes allow
/// `\"`, `\\` escapes; a backslash outside quotes escapes the next character.
pub fn split_words(line: &str) -> Result<Vec<String>, ParseError> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => current.push(ch),
                        None => return Err(ParseError::UnterminatedQuote('\'')),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(ch @ ('"' | '\\')) => current.push(ch),
                            Some(ch) => {
                                current.push('\\');
                                current.push(ch);
                            }
                            None => return Err(ParseError::UnterminatedQuote('"')),
                        },
                        Some(ch) => current.push(ch),
                        None => return Err(ParseError::UnterminatedQuote('"')),
                    }
                }
            }
            '\\' => match chars.next() {
                Some(ch) => {
                    in_word = true;
                    current.push(ch);
                }
                None => return Err(ParseError::TrailingBackslash),
            },
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                current.push(c);
            }
        }
    }
    if in_word {
        words.push(current);
    }
    Ok(words)
}

/// A command's arguments split into flags and operands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Args {
    /// Flags by canonical long name, with their value when they take one.
    pub flags: Vec<(String, Option<String>)>,
    pub operands: Vec<String>,
}

impl Args {
    pub fn has(&self, name: &str) -> bool {
        self.flags.iter().any(|(n, _)| n == name)
    }

    pub fn value(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }
}

/// A flag a command accepts: short letter, long name, and whether it takes a value.
#[derive(Debug, Clone, Copy)]
pub struct FlagSpec {
    pub short: Option<char>,
    pub long: &'static str,
    pub takes_value: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlagError {
    Unknown(String),
    MissingValue(String),
}

/// Parses `-a`, `-la` (clustered), `--all`, `--level=2`, `-L 2` and `--` (end of flags).
/// A lone `-` is an operand (as in `cd -`).
pub fn parse_flags(words: &[String], specs: &[FlagSpec]) -> Result<Args, FlagError> {
    let mut args = Args::default();
    let mut iter = words.iter().peekable();
    let mut only_operands = false;
    while let Some(word) = iter.next() {
        if only_operands || word == "-" || !word.starts_with('-') {
            args.operands.push(word.clone());
            continue;
        }
        if word == "--" {
            only_operands = true;
            continue;
        }
        if let Some(long) = word.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let spec = specs
                .iter()
                .find(|s| s.long == name)
                .ok_or_else(|| FlagError::Unknown(word.clone()))?;
            let value = if spec.takes_value {
                match inline {
                    Some(v) => Some(v),
                    None => Some(
                        iter.next()
                            .cloned()
                            .ok_or_else(|| FlagError::MissingValue(word.clone()))?,
                    ),
                }
            } else {
                None
            };
            args.flags.push((spec.long.to_string(), value));
            continue;
        }
        let letters: Vec<char> = word.chars().skip(1).collect();
        for (i, letter) in letters.iter().enumerate() {
            let spec = specs
                .iter()
                .find(|s| s.short == Some(*letter))
                .ok_or_else(|| FlagError::Unknown(format!("-{letter}")))?;
            if spec.takes_value {
                let rest: String = letters[i + 1..].iter().collect();
                let value = if rest.is_empty() {
                    iter.next()
                        .cloned()
                        .ok_or_else(|| FlagError::MissingValue(format!("-{letter}")))?
                } else {
                    rest
                };
                args.flags.push((spec.long.to_string(), Some(value)));
                break;
            }
            args.flags.push((spec.long.to_string(), None));
        }
    }
    Ok(args)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        split_words(line).unwrap_or_default()
    }

    #[test]
    fn words_quotes_and_escapes() {
        assert_eq!(words("  ls   -l  projects "), ["ls", "-l", "projects"]);
        assert_eq!(
            words("cat 'my notes.md' \"a \\\"b\\\" c\""),
            ["cat", "my notes.md", "a \"b\" c"]
        );
        assert_eq!(words("cd my\\ folder"), ["cd", "my folder"]);
        assert_eq!(words("echo ''"), ["echo", ""]);
        assert_eq!(words("echo a'b'\"c\""), ["echo", "abc"]);
        assert_eq!(words("cat año/ñandú.md"), ["cat", "año/ñandú.md"]);
    }

    #[test]
    fn unfinished_quotes_and_escapes_are_errors() {
        assert_eq!(
            split_words("cat 'open"),
            Err(ParseError::UnterminatedQuote('\''))
        );
        assert_eq!(
            split_words("cat \"open"),
            Err(ParseError::UnterminatedQuote('"'))
        );
        assert_eq!(split_words("cat end\\"), Err(ParseError::TrailingBackslash));
    }

    const LS: &[FlagSpec] = &[
        FlagSpec {
            short: Some('l'),
            long: "long",
            takes_value: false,
        },
        FlagSpec {
            short: Some('a'),
            long: "all",
            takes_value: false,
        },
        FlagSpec {
            short: Some('L'),
            long: "level",
            takes_value: true,
        },
    ];

    fn flags(line: &str) -> Result<Args, FlagError> {
        parse_flags(&words(line), LS)
    }

    #[test]
    fn short_long_clustered_and_valued_flags() {
        let args = flags("-la --level=2 x").unwrap_or_default();
        assert!(args.has("long") && args.has("all"));
        assert_eq!(args.value("level"), Some("2"));
        assert_eq!(args.operands, ["x"]);
        assert_eq!(flags("-L 3").unwrap_or_default().value("level"), Some("3"));
        assert_eq!(flags("-L3").unwrap_or_default().value("level"), Some("3"));
        assert_eq!(flags("-- -l").unwrap_or_default().operands, ["-l"]);
        assert_eq!(flags("-").unwrap_or_default().operands, ["-"]);
    }

    #[test]
    fn unknown_flags_and_missing_values_are_errors() {
        assert_eq!(flags("-x"), Err(FlagError::Unknown("-x".into())));
        assert_eq!(flags("--nope"), Err(FlagError::Unknown("--nope".into())));
        assert_eq!(flags("-L"), Err(FlagError::MissingValue("-L".into())));
    }
}
