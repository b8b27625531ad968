//! The terminal's view of a portfolio's files: a snapshot taken from the server, with shell
//! path resolution that can never leave the tenant's root.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::core::names::name_key;

/// One folder or file, as the terminal shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FsEntry {
    /// Canonical absolute path (`/` for the root).
    pub path: String,
    pub folder: bool,
    pub size: i64,
    /// `YYYY-MM-DD HH:MM` (UTC).
    pub modified: String,
}

impl FsEntry {
    pub fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or_default()
    }
}

/// All of a tenant's folders and files.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FsSnapshot {
    pub entries: Vec<FsEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathError {
    NoPreviousDirectory,
}

/// Joins `arg` onto `cwd` the way a shell does: `~` is the root, `-` the previous directory,
/// `..` stops at the root, `.` and empty segments vanish. The result is absolute and clean.
pub fn normalize(cwd: &str, previous: Option<&str>, arg: &str) -> Result<String, PathError> {
    let joined = if arg.is_empty() {
        cwd.to_string()
    } else if arg == "-" {
        previous.ok_or(PathError::NoPreviousDirectory)?.to_string()
    } else if arg == "~" {
        "/".to_string()
    } else if let Some(rest) = arg.strip_prefix("~/") {
        format!("/{rest}")
    } else if arg.starts_with('/') {
        arg.to_string()
    } else {
        format!("{cwd}/{arg}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for segment in joined.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    Ok(format!("/{}", parts.join("/")))
}

fn key(path: &str) -> String {
    name_key(path)
}

/// The snapshot indexed for lookups and listings.
#[derive(Debug, Clone, Default)]
pub struct Vfs {
    entries: Vec<FsEntry>,
    by_key: HashMap<String, usize>,
    children: HashMap<String, Vec<usize>>,
}

impl Vfs {
    pub fn new(snapshot: FsSnapshot) -> Vfs {
        let mut vfs = Vfs {
            entries: snapshot.entries,
            ..Vfs::default()
        };
        for (i, entry) in vfs.entries.iter().enumerate() {
            vfs.by_key.insert(key(&entry.path), i);
            if entry.path != "/" {
                let parent = crate::explorer::parent_of(&entry.path);
                vfs.children.entry(key(&parent)).or_default().push(i);
            }
        }
        let entries = &vfs.entries;
        let keys: Vec<String> = entries.iter().map(|e| key(e.name())).collect();
        for list in vfs.children.values_mut() {
            list.sort_by(|&a, &b| {
                crate::core::names::listing_order(
                    (entries[a].folder, &keys[a]),
                    (entries[b].folder, &keys[b]),
                )
            });
        }
        vfs
    }

    /// The entry at a clean absolute path, matching names case-insensitively.
    pub fn lookup(&self, path: &str) -> Option<&FsEntry> {
        self.by_key.get(&key(path)).map(|&i| &self.entries[i])
    }

    pub fn children(&self, folder: &str) -> impl Iterator<Item = &FsEntry> {
        self.children
            .get(&key(folder))
            .into_iter()
            .flatten()
            .map(|&i| &self.entries[i])
    }

    pub fn all(&self) -> impl Iterator<Item = &FsEntry> {
        self.entries.iter()
    }
}

/// `*` and `?` wildcards, case-insensitive.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    fn go(p: &[char], n: &[char]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], n) || (!n.is_empty() && go(p, &n[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &n[1..]),
            (Some(a), Some(b)) => a == b && go(&p[1..], &n[1..]),
            _ => false,
        }
    }
    let p: Vec<char> = name_key(pattern).chars().collect();
    let n: Vec<char> = name_key(name).chars().collect();
    go(&p, &n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stack_dots_but_never_leave_the_root() {
        let n = |cwd, arg| normalize(cwd, Some("/prev"), arg).unwrap_or_default();
        assert_eq!(n("/a/b", ".."), "/a");
        assert_eq!(n("/a/b", "../../../../etc/passwd"), "/etc/passwd");
        assert_eq!(n("/a", "~"), "/");
        assert_eq!(n("/a", "~/x/y/"), "/x/y");
        assert_eq!(n("/a", "/b/./c//"), "/b/c");
        assert_eq!(n("/a", "-"), "/prev");
        assert_eq!(n("/a", "my notes/año"), "/a/my notes/año");
        assert_eq!(n("/", "../.."), "/");
        assert_eq!(
            normalize("/", None, "-"),
            Err(PathError::NoPreviousDirectory)
        );
    }

    fn entry(path: &str, folder: bool) -> FsEntry {
        FsEntry {
            path: path.into(),
            folder,
            size: 10,
            modified: "2026-12-03 10:00".into(),
        }
    }

    #[test]
    fn lookups_ignore_case_and_listings_put_folders_first() {
        let vfs = Vfs::new(FsSnapshot {
            entries: vec![
                entry("/", true),
                entry("/README.md", false),
                entry("/projects", true),
                entry("/projects/Café.md", false),
            ],
        });
        assert_eq!(
            vfs.lookup("/PROJECTS/cafe\u{301}.MD")
                .map(|e| e.path.as_str()),
            Some("/projects/Café.md")
        );
        let names: Vec<&str> = vfs.children("/").map(FsEntry::name).collect();
        assert_eq!(names, ["projects", "README.md"]);
    }

    #[test]
    fn globs_match_case_insensitively() {
        assert!(glob_match("*.MD", "readme.md"));
        assert!(glob_match("de?ign*", "design.md"));
        assert!(!glob_match("*.txt", "readme.md"));
    }
}
