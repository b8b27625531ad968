//! The terminal's commands: pure functions of the shell state and the file snapshot, so every
//! command is tested without a browser.

use super::fs::{FsEntry, PathError, Vfs, glob_match, normalize};
use super::parse::{Args, FlagError, FlagSpec, ParseError, parse_flags, split_words};
use crate::core::i18n::{Lang, Theme};
use crate::core::names::{NodeName, name_key};
use crate::core::site::TenantProfile;
use crate::explorer::{join, parent_of};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Out,
    Err,
    Hint,
}

/// One printed line; always shown as text, never as HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub kind: LineKind,
    pub text: String,
}

/// What the window must do besides printing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Followup {
    None,
    Clear,
    Exit,
    /// Open a path in its desktop window.
    Open {
        path: String,
    },
    /// Print these files' contents (fetched from the server).
    Cat {
        paths: Vec<String>,
    },
    SetTheme(Theme),
    SetLang(Lang),
    /// Ask the assistant one question.
    Ask {
        question: String,
    },
    /// Plain lines go to the assistant until `exit`.
    ChatMode,
    /// Read a password (hidden, never echoed or kept in history), then log in.
    PasswordPrompt {
        username: String,
    },
    Logout,
    /// Change the owner's files, step by step, printing each step's `done` line.
    Change(Vec<Change>),
    /// A question was printed; the next line answers it, and "yes" makes these changes.
    Confirm(Vec<Change>),
    /// Open the file in the editor window.
    Edit {
        path: String,
    },
    /// Open the contact window (a form for visitors, the inbox for the owner).
    Contact,
}

/// A change to the owner's files, made through the same server functions as the explorer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOp {
    CreateFolder {
        parent: String,
        name: String,
    },
    CreateFile {
        parent: String,
        name: String,
    },
    Rename {
        path: String,
        new_name: String,
    },
    Move {
        paths: Vec<String>,
        target: String,
    },
    /// To the trash (with everything inside), all or none.
    Trash {
        paths: Vec<String>,
    },
}

/// One step of a change, the command it is for (to prefix errors) and what to print once
/// it worked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub command: &'static str,
    pub op: FileOp,
    pub done: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub lines: Vec<Line>,
    pub followup: Followup,
}

/// The shell's state while the window is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shell {
    pub cwd: String,
    pub previous: Option<String>,
    pub history: Vec<String>,
}

impl Default for Shell {
    fn default() -> Self {
        Shell {
            cwd: "/".into(),
            previous: None,
            history: Vec::new(),
        }
    }
}

impl Shell {
    /// After files changed: the current (and previous) folder may be gone; move up to the
    /// nearest folder that is still there, and use its stored spelling.
    pub fn settle(&mut self, vfs: &Vfs) {
        fn nearest(vfs: &Vfs, path: &str) -> String {
            let mut path = path.to_string();
            loop {
                match vfs.lookup(&path) {
                    Some(entry) if entry.folder => return entry.path.clone(),
                    _ if path == "/" => return path,
                    _ => path = crate::explorer::parent_of(&path),
                }
            }
        }
        self.cwd = nearest(vfs, &self.cwd);
        self.previous = self.previous.as_deref().map(|p| nearest(vfs, p));
    }
}

/// "Yes" to a `[y/N]` question, in either language; anything else is no.
pub fn is_yes(answer: &str) -> bool {
    matches!(
        answer.trim().to_lowercase().as_str(),
        "y" | "yes" | "s" | "si" | "sí"
    )
}

/// What commands may read besides the shell.
pub struct Env<'a> {
    pub vfs: &'a Vfs,
    pub lang: Lang,
    pub theme: Theme,
    pub profile: &'a TenantProfile,
    /// The current date and time, formatted by the caller (the browser's clock).
    pub now: String,
    /// Who is logged in on this host, if anyone.
    pub viewer: Option<&'a str>,
}

fn l(lang: Lang, en: &str, es: &str) -> String {
    match lang {
        Lang::En => en.to_string(),
        Lang::Es => es.to_string(),
    }
}

struct CommandSpec {
    name: &'static str,
    aliases: &'static [&'static str],
    flags: &'static [FlagSpec],
    usage: &'static str,
    summary: (&'static str, &'static str),
    example: &'static str,
    group: Group,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Files,
    Owner,
    Assistant,
    Account,
    Look,
    Other,
}

const LONG: FlagSpec = FlagSpec {
    short: Some('l'),
    long: "long",
    takes_value: false,
};
const ALL: FlagSpec = FlagSpec {
    short: Some('a'),
    long: "all",
    takes_value: false,
};
const LEVEL: FlagSpec = FlagSpec {
    short: Some('L'),
    long: "level",
    takes_value: true,
};
const RECURSIVE: FlagSpec = FlagSpec {
    short: Some('r'),
    long: "recursive",
    takes_value: false,
};
const RECURSIVE_UPPER: FlagSpec = FlagSpec {
    short: Some('R'),
    long: "recursive",
    takes_value: false,
};
const NAME: FlagSpec = FlagSpec {
    short: None,
    long: "name",
    takes_value: true,
};

const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "ls",
        aliases: &["dir", "ll"],
        flags: &[LONG, ALL],
        usage: "ls [-l] [-a] [path…]",
        summary: ("list a folder", "lista una carpeta"),
        example: "ls -l projects",
        group: Group::Files,
    },
    CommandSpec {
        name: "cd",
        aliases: &[],
        flags: &[],
        usage: "cd [path | .. | ~ | -]",
        summary: ("change folder", "cambia de carpeta"),
        example: "cd projects/tinykv",
        group: Group::Files,
    },
    CommandSpec {
        name: "pwd",
        aliases: &[],
        flags: &[],
        usage: "pwd",
        summary: ("print the current folder", "muestra la carpeta actual"),
        example: "pwd",
        group: Group::Files,
    },
    CommandSpec {
        name: "cat",
        aliases: &[],
        flags: &[],
        usage: "cat <file…>",
        summary: ("print files", "muestra archivos"),
        example: "cat README.md",
        group: Group::Files,
    },
    CommandSpec {
        name: "tree",
        aliases: &[],
        flags: &[LEVEL],
        usage: "tree [-L depth] [path]",
        summary: ("show the folder tree", "muestra el árbol de carpetas"),
        example: "tree -L 2",
        group: Group::Files,
    },
    CommandSpec {
        name: "find",
        aliases: &[],
        flags: &[NAME],
        usage: "find [path] [pattern] [--name pattern]",
        summary: (
            "find by name (* and ? wildcards)",
            "busca por nombre (comodines * y ?)",
        ),
        example: "find projects '*.md'",
        group: Group::Files,
    },
    CommandSpec {
        name: "open",
        aliases: &[],
        flags: &[],
        usage: "open <path>",
        summary: (
            "open in a desktop window",
            "abre en una ventana del escritorio",
        ),
        example: "open about.md",
        group: Group::Files,
    },
    CommandSpec {
        name: "mkdir",
        aliases: &[],
        flags: &[],
        usage: "mkdir <folder…>",
        summary: ("create folders", "crea carpetas"),
        example: "mkdir projects/new-idea",
        group: Group::Owner,
    },
    CommandSpec {
        name: "touch",
        aliases: &[],
        flags: &[],
        usage: "touch <file…>",
        summary: ("create empty files", "crea archivos vacíos"),
        example: "touch notes.md",
        group: Group::Owner,
    },
    CommandSpec {
        name: "mv",
        aliases: &[],
        flags: &[],
        usage: "mv <from> <to> | mv <item…> <folder>",
        summary: (
            "rename, or move into a folder",
            "renombra, o mueve a una carpeta",
        ),
        example: "mv notes.md projects/",
        group: Group::Owner,
    },
    CommandSpec {
        name: "rm",
        aliases: &[],
        flags: &[RECURSIVE, RECURSIVE_UPPER],
        usage: "rm [-r] <item…>",
        summary: (
            "move to the trash (-r for folders)",
            "mueve a la papelera (-r para carpetas)",
        ),
        example: "rm -r old-drafts",
        group: Group::Owner,
    },
    CommandSpec {
        name: "edit",
        aliases: &[],
        flags: &[],
        usage: "edit <file>",
        summary: ("open a file in the editor", "abre un archivo en el editor"),
        example: "edit about.md",
        group: Group::Owner,
    },
    CommandSpec {
        name: "about",
        aliases: &["neofetch"],
        flags: &[],
        usage: "about",
        summary: ("about the owner", "sobre la persona"),
        example: "about",
        group: Group::Other,
    },
    CommandSpec {
        name: "cv",
        aliases: &["resume"],
        flags: &[],
        usage: "cv",
        summary: ("open the owner's CV", "abre el CV de la persona"),
        example: "cv",
        group: Group::Files,
    },
    CommandSpec {
        name: "contact",
        aliases: &["mail"],
        flags: &[],
        usage: "contact",
        summary: ("write to the owner", "escribe a la persona"),
        example: "contact",
        group: Group::Other,
    },
    CommandSpec {
        name: "ai",
        aliases: &["ask"],
        flags: &[],
        usage: "ai [question…]",
        summary: (
            "ask the assistant (alone: chat until 'exit')",
            "pregunta al asistente (sola: conversa hasta 'exit')",
        ),
        example: "ai what are you working on?",
        group: Group::Assistant,
    },
    CommandSpec {
        name: "whoami",
        aliases: &[],
        flags: &[],
        usage: "whoami",
        summary: ("who you are here", "quién eres aquí"),
        example: "whoami",
        group: Group::Account,
    },
    CommandSpec {
        name: "login",
        aliases: &[],
        flags: &[],
        usage: "login [username]",
        summary: (
            "log in as the owner (asks for the password)",
            "inicia sesión como propietario (pide la contraseña)",
        ),
        example: "login",
        group: Group::Account,
    },
    CommandSpec {
        name: "logout",
        aliases: &[],
        flags: &[],
        usage: "logout",
        summary: ("end your session", "cierra tu sesión"),
        example: "logout",
        group: Group::Account,
    },
    CommandSpec {
        name: "register",
        aliases: &[],
        flags: &[],
        usage: "register",
        summary: (
            "get a portfolio of your own",
            "consigue tu propio portafolio",
        ),
        example: "register",
        group: Group::Account,
    },
    CommandSpec {
        name: "theme",
        aliases: &[],
        flags: &[],
        usage: "theme [list | show | set <name>]",
        summary: ("list or change the theme", "lista o cambia el tema"),
        example: "theme set light",
        group: Group::Look,
    },
    CommandSpec {
        name: "lang",
        aliases: &[],
        flags: &[],
        usage: "lang [list | show | set <code>]",
        summary: ("list or change the language", "lista o cambia el idioma"),
        example: "lang set es",
        group: Group::Look,
    },
    CommandSpec {
        name: "clear",
        aliases: &["cls"],
        flags: &[],
        usage: "clear",
        summary: ("clear the screen (Ctrl+L)", "limpia la pantalla (Ctrl+L)"),
        example: "clear",
        group: Group::Look,
    },
    CommandSpec {
        name: "history",
        aliases: &[],
        flags: &[],
        usage: "history",
        summary: ("show earlier commands", "muestra órdenes anteriores"),
        example: "history",
        group: Group::Other,
    },
    CommandSpec {
        name: "echo",
        aliases: &[],
        flags: &[],
        usage: "echo [text…]",
        summary: ("print text", "imprime texto"),
        example: "echo hello",
        group: Group::Other,
    },
    CommandSpec {
        name: "date",
        aliases: &[],
        flags: &[],
        usage: "date",
        summary: ("print the date and time", "muestra la fecha y la hora"),
        example: "date",
        group: Group::Other,
    },
    CommandSpec {
        name: "help",
        aliases: &[],
        flags: &[],
        usage: "help [command]",
        summary: (
            "list commands or explain one",
            "lista órdenes o explica una",
        ),
        example: "help ls",
        group: Group::Other,
    },
    CommandSpec {
        name: "exit",
        aliases: &[],
        flags: &[],
        usage: "exit",
        summary: ("close the terminal", "cierra la terminal"),
        example: "exit",
        group: Group::Other,
    },
];

fn spec(name: &str) -> Option<&'static CommandSpec> {
    COMMANDS
        .iter()
        .find(|c| c.name == name || c.aliases.contains(&name))
}

/// Every command name and alias, for completion.
pub fn command_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = COMMANDS
        .iter()
        .flat_map(|c| std::iter::once(c.name).chain(c.aliases.iter().copied()))
        .collect();
    names.sort_unstable();
    names
}

fn out(text: impl Into<String>) -> Line {
    Line {
        kind: LineKind::Out,
        text: text.into(),
    }
}

fn err(text: impl Into<String>) -> Line {
    Line {
        kind: LineKind::Err,
        text: text.into(),
    }
}

fn hint(text: impl Into<String>) -> Line {
    Line {
        kind: LineKind::Hint,
        text: text.into(),
    }
}

fn lines(lines: Vec<Line>) -> Outcome {
    Outcome {
        lines,
        followup: Followup::None,
    }
}

fn failure(lang: Lang, command: &str, message: String) -> Outcome {
    lines(vec![
        err(format!("{command}: {message}")),
        hint(l(
            lang,
            &format!("try 'help {command}'"),
            &format!("prueba 'help {command}'"),
        )),
    ])
}

/// Runs one line. History is recorded by the caller (so password prompts can skip it).
pub fn run(shell: &mut Shell, line: &str, env: &Env) -> Outcome {
    let lang = env.lang;
    let words = match split_words(line) {
        Ok(words) => words,
        Err(ParseError::UnterminatedQuote(q)) => {
            return lines(vec![err(l(
                lang,
                &format!("unterminated {q} quote"),
                &format!("falta cerrar la comilla {q}"),
            ))]);
        }
        Err(ParseError::TrailingBackslash) => {
            return lines(vec![err(l(
                lang,
                "the line ends with a lone \\",
                "la línea termina con una \\ suelta",
            ))]);
        }
    };
    let Some((name, rest)) = words.split_first() else {
        return lines(Vec::new());
    };
    let Some(command) = spec(name) else {
        return lines(vec![
            err(l(
                lang,
                &format!("{name}: command not found"),
                &format!("{name}: orden no encontrada"),
            )),
            hint(l(
                lang,
                "type 'help' to see the commands",
                "escribe 'help' para ver las órdenes",
            )),
        ]);
    };
    if rest.iter().any(|w| w == "--help") {
        return help_for(command, lang);
    }
    let mut args = match parse_flags(rest, command.flags) {
        Ok(args) => args,
        Err(FlagError::Unknown(flag)) => {
            return failure(
                lang,
                command.name,
                l(
                    lang,
                    &format!("unknown option '{flag}'"),
                    &format!("opción desconocida '{flag}'"),
                ),
            );
        }
        Err(FlagError::MissingValue(flag)) => {
            return failure(
                lang,
                command.name,
                l(
                    lang,
                    &format!("option '{flag}' needs a value"),
                    &format!("la opción '{flag}' necesita un valor"),
                ),
            );
        }
    };
    if name == "ll" {
        args.flags.push(("long".into(), None));
    }
    let resolve = |shell: &Shell, arg: &str| -> Result<&FsEntry, String> {
        let path = normalize(&shell.cwd, shell.previous.as_deref(), arg).map_err(|e| match e {
            PathError::NoPreviousDirectory => {
                l(lang, "no previous folder", "no hay carpeta anterior")
            }
        })?;
        env.vfs.lookup(&path).ok_or_else(|| {
            l(
                lang,
                &format!("{arg}: no such file or folder"),
                &format!("{arg}: no existe ese archivo o carpeta"),
            )
        })
    };
    if command.group == Group::Owner {
        if env.viewer.is_none() {
            return lines(vec![err(l(
                lang,
                &format!(
                    "{}: only the owner can change files; try 'login'",
                    command.name
                ),
                &format!(
                    "{}: solo la persona propietaria puede cambiar archivos; prueba 'login'",
                    command.name
                ),
            ))]);
        }
        return owner_command(shell, command.name, &args, env);
    }
    match command.name {
        "help" => match args.operands.first() {
            Some(topic) => match spec(topic) {
                Some(c) => help_for(c, lang),
                None => failure(
                    lang,
                    "help",
                    l(
                        lang,
                        &format!("no help for '{topic}'"),
                        &format!("no hay ayuda para '{topic}'"),
                    ),
                ),
            },
            None => help_all(lang),
        },
        "pwd" => lines(vec![out(shell.cwd.clone())]),
        "cd" => {
            let target = args.operands.first().map(String::as_str).unwrap_or("~");
            match resolve(shell, target) {
                Ok(entry) if entry.folder => {
                    let previous = std::mem::replace(&mut shell.cwd, entry.path.clone());
                    shell.previous = Some(previous);
                    lines(Vec::new())
                }
                Ok(entry) => failure(
                    lang,
                    "cd",
                    l(
                        lang,
                        &format!("{}: not a folder", entry.name()),
                        &format!("{}: no es una carpeta", entry.name()),
                    ),
                ),
                Err(message) => failure(lang, "cd", message),
            }
        }
        "ls" => {
            let targets: Vec<String> = if args.operands.is_empty() {
                vec![String::new()]
            } else {
                args.operands.clone()
            };
            let long = args.has("long");
            let all = args.has("all");
            let mut printed = Vec::new();
            for (i, target) in targets.iter().enumerate() {
                match resolve(shell, target) {
                    Ok(entry) if entry.folder => {
                        if targets.len() > 1 {
                            if i > 0 {
                                printed.push(out(""));
                            }
                            printed.push(out(format!("{}:", entry.path)));
                        }
                        let children: Vec<&FsEntry> = env
                            .vfs
                            .children(&entry.path)
                            .filter(|c| all || !c.name().starts_with('.'))
                            .collect();
                        if long {
                            printed.extend(children.iter().map(|c| out(long_line(c))));
                        } else if !children.is_empty() {
                            printed.push(out(children
                                .iter()
                                .map(|c| short_name(c))
                                .collect::<Vec<_>>()
                                .join("  ")));
                        }
                    }
                    Ok(entry) => printed.push(out(if long {
                        long_line(entry)
                    } else {
                        entry.name().to_string()
                    })),
                    Err(message) => printed.push(err(format!("ls: {message}"))),
                }
            }
            lines(printed)
        }
        "cat" => {
            if args.operands.is_empty() {
                return failure(lang, "cat", l(lang, "name a file", "indica un archivo"));
            }
            let mut paths = Vec::new();
            let mut problems = Vec::new();
            for arg in &args.operands {
                match resolve(shell, arg) {
                    Ok(entry) if entry.folder => problems.push(err(format!(
                        "cat: {}",
                        l(
                            lang,
                            &format!("{}: is a folder", entry.name()),
                            &format!("{}: es una carpeta", entry.name())
                        )
                    ))),
                    Ok(entry) => paths.push(entry.path.clone()),
                    Err(message) => problems.push(err(format!("cat: {message}"))),
                }
            }
            Outcome {
                lines: problems,
                followup: if paths.is_empty() {
                    Followup::None
                } else {
                    Followup::Cat { paths }
                },
            }
        }
        "tree" => {
            let depth = match args.value("level").map(str::parse::<usize>) {
                None => usize::MAX,
                Some(Ok(n)) if n > 0 => n,
                Some(_) => {
                    return failure(
                        lang,
                        "tree",
                        l(
                            lang,
                            "-L needs a number above 0",
                            "-L necesita un número mayor que 0",
                        ),
                    );
                }
            };
            let target = args.operands.first().map(String::as_str).unwrap_or("");
            match resolve(shell, target) {
                Ok(entry) if entry.folder => {
                    let mut printed = vec![out(if entry.path == "/" {
                        "~".to_string()
                    } else {
                        entry.name().to_string()
                    })];
                    let (mut folders, mut files) = (0, 0);
                    tree_lines(
                        env.vfs,
                        &entry.path,
                        "",
                        depth,
                        &mut printed,
                        &mut folders,
                        &mut files,
                    );
                    printed.push(out(""));
                    printed.push(out(l(
                        lang,
                        &format!(
                            "{folders} {}, {files} {}",
                            plural(folders, "folder", "folders"),
                            plural(files, "file", "files")
                        ),
                        &format!(
                            "{folders} {}, {files} {}",
                            plural(folders, "carpeta", "carpetas"),
                            plural(files, "archivo", "archivos")
                        ),
                    )));
                    lines(printed)
                }
                Ok(entry) => lines(vec![out(entry.name().to_string())]),
                Err(message) => failure(lang, "tree", message),
            }
        }
        "find" => {
            let is_glob = |w: &str| w.contains(['*', '?']);
            // `find [path] [pattern]`: a lone operand with a wildcard is the pattern.
            let (target, operand_pattern) = match args.operands.as_slice() {
                [] => ("", None),
                [one] if is_glob(one) => ("", Some(one.as_str())),
                [one] => (one.as_str(), None),
                [path, pattern] => (path.as_str(), Some(pattern.as_str())),
                _ => {
                    return failure(
                        lang,
                        "find",
                        l(
                            lang,
                            "give at most a folder and a pattern",
                            "indica como mucho una carpeta y un patrón",
                        ),
                    );
                }
            };
            let pattern = args.value("name").or(operand_pattern).unwrap_or("*");
            match resolve(shell, target) {
                Ok(base) => {
                    let prefix = if base.path == "/" {
                        "/".to_string()
                    } else {
                        format!("{}/", base.path)
                    };
                    let mut found: Vec<&FsEntry> = env
                        .vfs
                        .all()
                        .filter(|e| {
                            e.path != "/" && (e.path == base.path || e.path.starts_with(&prefix))
                        })
                        .filter(|e| glob_match(pattern, e.name()))
                        .collect();
                    found.sort_by(|a, b| a.path.cmp(&b.path));
                    if found.is_empty() {
                        lines(vec![hint(l(lang, "nothing found", "no se encontró nada"))])
                    } else {
                        lines(found.into_iter().map(|e| out(e.path.clone())).collect())
                    }
                }
                Err(message) => failure(lang, "find", message),
            }
        }
        "open" => match args.operands.first() {
            None => failure(
                lang,
                "open",
                l(lang, "name a file or folder", "indica un archivo o carpeta"),
            ),
            Some(arg) => match resolve(shell, arg) {
                Ok(entry) => Outcome {
                    lines: vec![out(l(
                        lang,
                        &format!("opening {}", entry.path),
                        &format!("abriendo {}", entry.path),
                    ))],
                    followup: Followup::Open {
                        path: entry.path.clone(),
                    },
                },
                Err(message) => failure(lang, "open", message),
            },
        },
        "about" => {
            let p = env.profile;
            let (files, folders) =
                env.vfs.all().fold(
                    (0, 0),
                    |(f, d), e| if e.folder { (f, d + 1) } else { (f + 1, d) },
                );
            lines(vec![
                out(format!("  ▟▙   {}@{}", p.username, p.site_title)),
                out(format!(
                    " ▟██▙  {}",
                    "─".repeat(p.username.len() + p.site_title.len() + 1)
                )),
                out(format!(
                    " ▜██▛  {}: {}",
                    l(lang, "Owner", "Persona"),
                    p.display_name
                )),
                out(format!(
                    "  ▜▛   {}: {}",
                    l(lang, "About", "Sobre"),
                    p.description
                )),
                out(format!(
                    "       {}: {files}  {}: {}",
                    l(lang, "Files", "Archivos"),
                    l(lang, "Folders", "Carpetas"),
                    folders - 1
                )),
                out(format!(
                    "       {}: {}  {}: {}",
                    l(lang, "Theme", "Tema"),
                    env.theme.code(),
                    l(lang, "Language", "Idioma"),
                    env.lang.code()
                )),
            ])
        }
        "whoami" => lines(vec![out(match env.viewer {
            Some(name) => name.to_string(),
            None => l(lang, "visitor", "visitante"),
        })]),
        "login" => match (env.viewer, args.operands.as_slice()) {
            (Some(name), _) => lines(vec![out(l(
                lang,
                &format!("already logged in as {name}"),
                &format!("ya has iniciado sesión como {name}"),
            ))]),
            (None, [] | [_]) => Outcome {
                lines: Vec::new(),
                followup: Followup::PasswordPrompt {
                    username: args
                        .operands
                        .first()
                        .cloned()
                        .unwrap_or_else(|| env.profile.username.clone()),
                },
            },
            (None, _) => failure(
                lang,
                "login",
                l(lang, "too many arguments", "demasiados argumentos"),
            ),
        },
        "logout" => match env.viewer {
            Some(_) => Outcome {
                lines: Vec::new(),
                followup: Followup::Logout,
            },
            None => failure(
                lang,
                "logout",
                l(lang, "you are not logged in", "no has iniciado sesión"),
            ),
        },
        "register" => lines(vec![out(l(
            lang,
            "Create your own portfolio on the platform's main page (Start menu → the address without a name).",
            "Crea tu propio portafolio en la página principal de la plataforma (la dirección sin nombre).",
        ))]),
        "ai" => {
            let question = args.operands.join(" ");
            Outcome {
                lines: Vec::new(),
                followup: if question.trim().is_empty() {
                    Followup::ChatMode
                } else {
                    Followup::Ask { question }
                },
            }
        }
        "cv" => {
            let is_cv = |e: &&FsEntry| {
                let name = e.name().to_lowercase();
                let stem = name.split('.').next().unwrap_or_default();
                !e.folder && matches!(stem, "cv" | "resume" | "résumé" | "curriculum")
            };
            // A CV file wins; otherwise a top-level folder of that name (the demo's `cv/`).
            let is_cv_folder = |e: &&FsEntry| {
                e.folder
                    && parent_of(&e.path) == "/"
                    && matches!(
                        e.name().to_lowercase().as_str(),
                        "cv" | "resume" | "résumé" | "curriculum"
                    )
            };
            match env
                .vfs
                .all()
                .find(is_cv)
                .or_else(|| env.vfs.all().find(is_cv_folder))
            {
                Some(entry) => Outcome {
                    lines: vec![out(l(
                        lang,
                        &format!("opening {}", entry.path),
                        &format!("abriendo {}", entry.path),
                    ))],
                    followup: Followup::Open {
                        path: entry.path.clone(),
                    },
                },
                None => lines(vec![out(l(
                    lang,
                    "There is no CV here yet.",
                    "Todavía no hay ningún CV aquí.",
                ))]),
            }
        }
        "contact" => Outcome {
            lines: vec![out(l(
                lang,
                "opening the contact window",
                "abriendo la ventana de contacto",
            ))],
            followup: Followup::Contact,
        },
        "theme" => {
            let ops: Vec<&str> = args.operands.iter().map(String::as_str).collect();
            match ops.as_slice() {
                [] | ["show"] => lines(vec![out(env.theme.code())]),
                ["list"] => lines(
                    Theme::ALL
                        .iter()
                        .map(|t| {
                            out(format!(
                                "{} {}",
                                if *t == env.theme { "*" } else { " " },
                                t.code()
                            ))
                        })
                        .collect(),
                ),
                ["set", name] | [name] => match Theme::parse(name) {
                    Some(theme) => Outcome {
                        lines: vec![out(l(
                            lang,
                            &format!("theme: {}", theme.code()),
                            &format!("tema: {}", theme.code()),
                        ))],
                        followup: Followup::SetTheme(theme),
                    },
                    None => failure(
                        lang,
                        "theme",
                        l(
                            lang,
                            &format!("unknown theme '{name}' (see 'theme list')"),
                            &format!("tema desconocido '{name}' (mira 'theme list')"),
                        ),
                    ),
                },
                _ => failure(
                    lang,
                    "theme",
                    l(lang, "too many arguments", "demasiados argumentos"),
                ),
            }
        }
        "lang" => {
            let ops: Vec<&str> = args.operands.iter().map(String::as_str).collect();
            match ops.as_slice() {
                [] | ["show"] => lines(vec![out(format!(
                    "{} ({})",
                    env.lang.code(),
                    env.lang.native_name()
                ))]),
                ["list"] => lines(
                    Lang::ALL
                        .iter()
                        .map(|x| {
                            out(format!(
                                "{} {} ({})",
                                if *x == env.lang { "*" } else { " " },
                                x.code(),
                                x.native_name()
                            ))
                        })
                        .collect(),
                ),
                ["set", code] | [code] => match Lang::parse(code) {
                    Some(new) => Outcome {
                        lines: vec![out(format!("{} ({})", new.code(), new.native_name()))],
                        followup: Followup::SetLang(new),
                    },
                    None => failure(
                        lang,
                        "lang",
                        l(
                            lang,
                            &format!("unknown language '{code}' (see 'lang list')"),
                            &format!("idioma desconocido '{code}' (mira 'lang list')"),
                        ),
                    ),
                },
                _ => failure(
                    lang,
                    "lang",
                    l(lang, "too many arguments", "demasiados argumentos"),
                ),
            }
        }
        "clear" => Outcome {
            lines: Vec::new(),
            followup: Followup::Clear,
        },
        "exit" => Outcome {
            lines: Vec::new(),
            followup: Followup::Exit,
        },
        "history" => lines(
            shell
                .history
                .iter()
                .enumerate()
                .map(|(i, h)| out(format!("{:>4}  {h}", i + 1)))
                .collect(),
        ),
        "echo" => lines(vec![out(args.operands.join(" "))]),
        "date" => lines(vec![out(env.now.clone())]),
        _ => lines(Vec::new()),
    }
}

/// Commands that change files: the owner's only, through the explorer's server functions.
/// `inner` is `outer` or lies somewhere inside it (names compared as the server does).
fn is_within(inner: &str, outer: &str) -> bool {
    let (inner, outer) = (name_key(inner), name_key(outer));
    outer == "/" || inner == outer || inner.starts_with(&format!("{outer}/"))
}

/// How many folders and files are inside `folder`, at any depth.
fn items_inside(vfs: &Vfs, folder: &str) -> usize {
    vfs.all()
        .filter(|e| e.path != folder && is_within(&e.path, folder))
        .count()
}

fn items_phrase(lang: Lang, n: usize) -> String {
    l(
        lang,
        &format!("{n} {}", plural(n, "item", "items")),
        &format!("{n} {}", plural(n, "elemento", "elementos")),
    )
}

fn owner_command(shell: &mut Shell, name: &'static str, args: &Args, env: &Env) -> Outcome {
    let lang = env.lang;
    let vfs = env.vfs;
    let path_of = |arg: &str| {
        normalize(&shell.cwd, shell.previous.as_deref(), arg)
            .map_err(|_| l(lang, "no previous folder", "no hay carpeta anterior"))
    };
    let existing = |arg: &str| -> Result<&FsEntry, String> {
        let path = path_of(arg)?;
        vfs.lookup(&path).ok_or_else(|| {
            l(
                lang,
                &format!("{arg}: no such file or folder"),
                &format!("{arg}: no existe ese archivo o carpeta"),
            )
        })
    };
    // Where a new item named by `arg` goes: an existing (or just planned) folder, and a
    // valid name. The error is the reason, to follow "cannot create 'arg': ".
    let place = |arg: &str, planned: &[String]| -> Result<(String, String), String> {
        let path = path_of(arg)?;
        if path == "/" {
            return Err(l(
                lang,
                "the top folder is always there",
                "la carpeta principal ya existe",
            ));
        }
        let parent = parent_of(&path);
        let item = NodeName::parse(path.rsplit('/').next().unwrap_or_default())?;
        let parent = match vfs.lookup(&parent) {
            Some(folder) if folder.folder => folder.path.clone(),
            Some(_) => {
                return Err(l(
                    lang,
                    &format!("{parent} is a file"),
                    &format!("{parent} es un archivo"),
                ));
            }
            None if planned.iter().any(|p| name_key(p) == name_key(&parent)) => parent,
            None => {
                return Err(l(
                    lang,
                    &format!("there is no folder {parent}"),
                    &format!("no existe la carpeta {parent}"),
                ));
            }
        };
        Ok((parent, item.as_str().to_string()))
    };
    let cannot_create = |arg: &str, reason: &str| {
        err(l(
            lang,
            &format!("{name}: cannot create '{arg}': {reason}"),
            &format!("{name}: no se puede crear '{arg}': {reason}"),
        ))
    };

    match name {
        "mkdir" | "touch" => {
            let folder = name == "mkdir";
            if args.operands.is_empty() {
                return failure(
                    lang,
                    name,
                    if folder {
                        l(
                            lang,
                            "name a folder to create",
                            "indica la carpeta que quieres crear",
                        )
                    } else {
                        l(
                            lang,
                            "name a file to create",
                            "indica el archivo que quieres crear",
                        )
                    },
                );
            }
            let mut changes = Vec::new();
            let mut problems = Vec::new();
            // Paths this same line creates, so `mkdir a a/b` works.
            let mut planned: Vec<String> = Vec::new();
            for arg in &args.operands {
                let (parent, item) = match place(arg, &planned) {
                    Ok(found) => found,
                    Err(reason) => {
                        problems.push(cannot_create(arg, &reason));
                        continue;
                    }
                };
                let path = join(&parent, &item);
                let taken = vfs.lookup(&path).is_some()
                    || planned.iter().any(|p| name_key(p) == name_key(&path));
                if taken {
                    // `touch` of something that exists changes nothing, as in a shell.
                    if folder {
                        problems.push(cannot_create(
                            arg,
                            &l(lang, "it already exists", "ya existe"),
                        ));
                    }
                    continue;
                }
                planned.push(path.clone());
                changes.push(Change {
                    command: name,
                    op: if folder {
                        FileOp::CreateFolder { parent, name: item }
                    } else {
                        FileOp::CreateFile { parent, name: item }
                    },
                    done: if folder {
                        l(
                            lang,
                            &format!("created folder {path}"),
                            &format!("carpeta creada: {path}"),
                        )
                    } else {
                        l(
                            lang,
                            &format!("created file {path}"),
                            &format!("archivo creado: {path}"),
                        )
                    },
                });
            }
            Outcome {
                lines: problems,
                followup: if changes.is_empty() {
                    Followup::None
                } else {
                    Followup::Change(changes)
                },
            }
        }
        "mv" => {
            let Some((dest, sources)) = args.operands.split_last().filter(|(_, s)| !s.is_empty())
            else {
                return failure(
                    lang,
                    "mv",
                    l(
                        lang,
                        "name what to move and where to",
                        "indica qué mover y adónde",
                    ),
                );
            };
            let mut items: Vec<&FsEntry> = Vec::new();
            for src in sources {
                match existing(src) {
                    Ok(entry) if entry.path == "/" => {
                        return lines(vec![err(l(
                            lang,
                            "mv: the top folder cannot be moved",
                            "mv: la carpeta principal no se puede mover",
                        ))]);
                    }
                    Ok(entry) => {
                        if !items.iter().any(|i| i.path == entry.path) {
                            items.push(entry);
                        }
                    }
                    Err(message) => return lines(vec![err(format!("mv: {message}"))]),
                }
            }
            let dest_path = match path_of(dest) {
                Ok(path) => path,
                Err(message) => return failure(lang, "mv", message),
            };
            let into_itself = |item: &FsEntry| {
                err(l(
                    lang,
                    &format!("mv: cannot move '{}' into itself", item.name()),
                    &format!("mv: no se puede mover '{}' dentro de sí misma", item.name()),
                ))
            };
            let target = vfs.lookup(&dest_path);
            let same_item =
                matches!((target, items.as_slice()), (Some(t), [only]) if t.path == only.path);
            match target {
                Some(folder) if folder.folder && !same_item => {
                    let mut problems = Vec::new();
                    for item in &items {
                        if is_within(&folder.path, &item.path) {
                            problems.push(into_itself(item));
                        } else if name_key(&parent_of(&item.path)) == name_key(&folder.path) {
                            problems.push(err(l(
                                lang,
                                &format!("mv: '{}' is already in {}", item.name(), folder.path),
                                &format!("mv: '{}' ya está en {}", item.name(), folder.path),
                            )));
                        } else if vfs.lookup(&join(&folder.path, item.name())).is_some() {
                            problems.push(err(l(
                                lang,
                                &format!("mv: {} already exists", join(&folder.path, item.name())),
                                &format!("mv: {} ya existe", join(&folder.path, item.name())),
                            )));
                        }
                    }
                    if !problems.is_empty() {
                        return lines(problems);
                    }
                    let done = match items.as_slice() {
                        [only] => format!("{} → {}", only.path, join(&folder.path, only.name())),
                        many => l(
                            lang,
                            &format!(
                                "moved {} to {}",
                                items_phrase(lang, many.len()),
                                folder.path
                            ),
                            &format!(
                                "{} movidos a {}",
                                items_phrase(lang, many.len()),
                                folder.path
                            ),
                        ),
                    };
                    Outcome {
                        lines: Vec::new(),
                        followup: Followup::Change(vec![Change {
                            command: "mv",
                            op: FileOp::Move {
                                paths: items.iter().map(|i| i.path.clone()).collect(),
                                target: folder.path.clone(),
                            },
                            done,
                        }]),
                    }
                }
                Some(_) if !same_item => lines(vec![err(l(
                    lang,
                    &format!("mv: {dest} already exists; nothing was replaced"),
                    &format!("mv: {dest} ya existe; no se reemplazó nada"),
                ))]),
                _ => {
                    let [item] = items.as_slice() else {
                        return lines(vec![err(l(
                            lang,
                            &format!("mv: {dest} is not a folder"),
                            &format!("mv: {dest} no es una carpeta"),
                        ))]);
                    };
                    let (parent, new_name) = match place(dest, &[]) {
                        Ok(found) => found,
                        Err(reason) => {
                            return lines(vec![err(format!("mv: {dest}: {reason}"))]);
                        }
                    };
                    if is_within(&parent, &item.path) {
                        return lines(vec![into_itself(item)]);
                    }
                    let mut changes = Vec::new();
                    let mut at = item.path.clone();
                    if name_key(&parent) != name_key(&parent_of(&item.path)) {
                        at = join(&parent, item.name());
                        changes.push(Change {
                            command: "mv",
                            op: FileOp::Move {
                                paths: vec![item.path.clone()],
                                target: parent.clone(),
                            },
                            done: String::new(),
                        });
                    }
                    if item.name() != new_name {
                        changes.push(Change {
                            command: "mv",
                            op: FileOp::Rename {
                                path: at,
                                new_name: new_name.clone(),
                            },
                            done: String::new(),
                        });
                    }
                    if let Some(last) = changes.last_mut() {
                        last.done = format!("{} → {}", item.path, join(&parent, &new_name));
                    }
                    Outcome {
                        lines: Vec::new(),
                        followup: if changes.is_empty() {
                            Followup::None
                        } else {
                            Followup::Change(changes)
                        },
                    }
                }
            }
        }
        "rm" => {
            if args.operands.is_empty() {
                return failure(
                    lang,
                    "rm",
                    l(
                        lang,
                        "name what to move to the trash",
                        "indica qué mover a la papelera",
                    ),
                );
            }
            let recursive = args.has("recursive");
            let mut targets: Vec<&FsEntry> = Vec::new();
            let mut problems = Vec::new();
            for arg in &args.operands {
                match existing(arg) {
                    Ok(entry) if entry.path == "/" => problems.push(err(l(
                        lang,
                        "rm: the top folder cannot be removed",
                        "rm: la carpeta principal no se puede eliminar",
                    ))),
                    Ok(entry) if entry.folder && !recursive => problems.push(err(l(
                        lang,
                        &format!("rm: cannot remove '{arg}': it is a folder (use rm -r)"),
                        &format!("rm: no se puede eliminar '{arg}': es una carpeta (usa rm -r)"),
                    ))),
                    Ok(entry) => targets.push(entry),
                    Err(message) => problems.push(err(format!("rm: {message}"))),
                }
            }
            // All or nothing, like the trash itself.
            if !problems.is_empty() {
                return lines(problems);
            }
            // Something inside another target goes with it.
            let chosen: Vec<&FsEntry> = targets
                .iter()
                .enumerate()
                .filter(|(i, t)| {
                    !targets.iter().enumerate().any(|(j, other)| {
                        (j < *i && other.path == t.path)
                            || (other.path != t.path
                                && other.folder
                                && is_within(&t.path, &other.path))
                    })
                })
                .map(|(_, t)| *t)
                .collect();
            let inside: usize = chosen
                .iter()
                .filter(|t| t.folder)
                .map(|t| items_inside(vfs, &t.path))
                .sum();
            let any_folder = chosen.iter().any(|t| t.folder);
            let (question, done) = match chosen.as_slice() {
                [one] if one.folder && inside == 0 => (
                    l(
                        lang,
                        &format!("Move the empty folder '{}' to the trash? [y/N]", one.name()),
                        &format!(
                            "¿Mover la carpeta vacía '{}' a la papelera? [s/N]",
                            one.name()
                        ),
                    ),
                    l(
                        lang,
                        &format!(
                            "moved '{}' to the trash; to undo, restore it from the Trash",
                            one.name()
                        ),
                        &format!(
                            "'{}' está en la papelera; para deshacerlo, restáuralo desde la Papelera",
                            one.name()
                        ),
                    ),
                ),
                [one] if one.folder => (
                    l(
                        lang,
                        &format!(
                            "Move '{}' and its {} to the trash? [y/N]",
                            one.name(),
                            items_phrase(lang, inside)
                        ),
                        &format!(
                            "¿Mover '{}' y sus {} a la papelera? [s/N]",
                            one.name(),
                            items_phrase(lang, inside)
                        ),
                    ),
                    l(
                        lang,
                        &format!(
                            "moved '{}' and its {} to the trash; to undo, restore it from the Trash",
                            one.name(),
                            items_phrase(lang, inside)
                        ),
                        &format!(
                            "'{}' y sus {} están en la papelera; para deshacerlo, restáuralo desde la Papelera",
                            one.name(),
                            items_phrase(lang, inside)
                        ),
                    ),
                ),
                [one] => (
                    String::new(),
                    l(
                        lang,
                        &format!(
                            "moved '{}' to the trash; to undo, restore it from the Trash",
                            one.name()
                        ),
                        &format!(
                            "'{}' está en la papelera; para deshacerlo, restáuralo desde la Papelera",
                            one.name()
                        ),
                    ),
                ),
                many => (
                    l(
                        lang,
                        &format!(
                            "Move {} and the {} inside them to the trash? [y/N]",
                            items_phrase(lang, many.len()),
                            items_phrase(lang, inside)
                        ),
                        &format!(
                            "¿Mover {} y los {} que contienen a la papelera? [s/N]",
                            items_phrase(lang, many.len()),
                            items_phrase(lang, inside)
                        ),
                    ),
                    l(
                        lang,
                        &format!(
                            "moved {} to the trash; to undo, restore them from the Trash",
                            items_phrase(lang, many.len() + inside)
                        ),
                        &format!(
                            "{} están en la papelera; para deshacerlo, restáuralos desde la Papelera",
                            items_phrase(lang, many.len() + inside)
                        ),
                    ),
                ),
            };
            let changes = vec![Change {
                command: "rm",
                op: FileOp::Trash {
                    paths: chosen.iter().map(|t| t.path.clone()).collect(),
                },
                done,
            }];
            if any_folder {
                Outcome {
                    lines: vec![out(question)],
                    followup: Followup::Confirm(changes),
                }
            } else {
                Outcome {
                    lines: Vec::new(),
                    followup: Followup::Change(changes),
                }
            }
        }
        "edit" => match args.operands.as_slice() {
            [] => failure(lang, "edit", l(lang, "name a file", "indica un archivo")),
            [arg] => match existing(arg) {
                Ok(entry) if entry.folder => failure(
                    lang,
                    "edit",
                    l(
                        lang,
                        &format!("{}: is a folder", entry.name()),
                        &format!("{}: es una carpeta", entry.name()),
                    ),
                ),
                Ok(entry) => Outcome {
                    lines: vec![out(l(
                        lang,
                        &format!("editing {}", entry.path),
                        &format!("editando {}", entry.path),
                    ))],
                    followup: Followup::Edit {
                        path: entry.path.clone(),
                    },
                },
                Err(message) => lines(vec![
                    err(format!("edit: {message}")),
                    hint(l(
                        lang,
                        &format!("create it first: touch {arg}"),
                        &format!("créalo primero: touch {arg}"),
                    )),
                ]),
            },
            _ => failure(
                lang,
                "edit",
                l(lang, "edit one file at a time", "edita un archivo cada vez"),
            ),
        },
        _ => lines(Vec::new()),
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

fn short_name(entry: &FsEntry) -> String {
    if entry.folder {
        format!("{}/", entry.name())
    } else {
        entry.name().to_string()
    }
}

fn long_line(entry: &FsEntry) -> String {
    let kind = if entry.folder { "d" } else { "-" };
    format!(
        "{kind}  {:>8}  {}  {}",
        human_size(entry.size),
        entry.modified,
        short_name(entry)
    )
}

fn human_size(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

fn tree_lines(
    vfs: &Vfs,
    folder: &str,
    indent: &str,
    depth: usize,
    printed: &mut Vec<Line>,
    folders: &mut usize,
    files: &mut usize,
) {
    if depth == 0 {
        return;
    }
    let children: Vec<&FsEntry> = vfs.children(folder).collect();
    for (i, child) in children.iter().enumerate() {
        let last = i + 1 == children.len();
        printed.push(out(format!(
            "{indent}{}{}",
            if last { "└── " } else { "├── " },
            child.name()
        )));
        if child.folder {
            *folders += 1;
            let next = format!("{indent}{}", if last { "    " } else { "│   " });
            tree_lines(vfs, &child.path, &next, depth - 1, printed, folders, files);
        } else {
            *files += 1;
        }
    }
}

fn help_all(lang: Lang) -> Outcome {
    let mut printed = Vec::new();
    for (group, title) in [
        (Group::Files, l(lang, "Files", "Archivos")),
        (
            Group::Owner,
            l(lang, "Owner (after 'login')", "Propietario (tras 'login')"),
        ),
        (Group::Assistant, l(lang, "Assistant", "Asistente")),
        (Group::Account, l(lang, "Account", "Cuenta")),
        (Group::Look, l(lang, "Look", "Aspecto")),
        (Group::Other, l(lang, "Other", "Otras")),
    ] {
        printed.push(out(format!("{title}:")));
        for c in COMMANDS.iter().filter(|c| c.group == group) {
            let summary = if lang == Lang::Es {
                c.summary.1
            } else {
                c.summary.0
            };
            printed.push(out(format!("  {:<8} {summary}", c.name)));
        }
    }
    printed.push(hint(l(
        lang,
        "'help <command>' or '<command> --help' for details",
        "'help <orden>' o '<orden> --help' para más detalles",
    )));
    lines(printed)
}

fn help_for(c: &CommandSpec, lang: Lang) -> Outcome {
    let summary = if lang == Lang::Es {
        c.summary.1
    } else {
        c.summary.0
    };
    let mut printed = vec![
        out(format!("{} — {summary}", c.name)),
        out(format!("{}: {}", l(lang, "usage", "uso"), c.usage)),
    ];
    if !c.aliases.is_empty() {
        printed.push(out(format!(
            "{}: {}",
            l(lang, "aliases", "alias"),
            c.aliases.join(", ")
        )));
    }
    for flag in c.flags {
        let short = flag.short.map(|s| format!("-{s}, ")).unwrap_or_default();
        let value = if flag.takes_value { " <value>" } else { "" };
        printed.push(out(format!("  {short}--{}{value}", flag.long)));
    }
    printed.push(out(format!(
        "{}: {}",
        l(lang, "example", "ejemplo"),
        c.example
    )));
    lines(printed)
}

/// What Tab does to the input: the new input, and the candidates to list on a second Tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub input: String,
    pub candidates: Vec<String>,
}

/// Completes the last word: a command name first, then paths relative to the current folder.
pub fn complete(shell: &Shell, vfs: &Vfs, input: &str) -> Completion {
    let word_start = input.rfind(' ').map(|i| i + 1).unwrap_or(0);
    let (head, word) = input.split_at(word_start);
    let candidates: Vec<String> = if head.trim().is_empty() {
        command_names()
            .into_iter()
            .filter(|n| n.starts_with(word))
            .map(str::to_string)
            .collect()
    } else {
        let (dir, prefix) = match word.rfind('/') {
            Some(i) => (&word[..=i], &word[i + 1..]),
            None => ("", word),
        };
        let folder = normalize(&shell.cwd, shell.previous.as_deref(), dir)
            .unwrap_or_else(|_| shell.cwd.clone());
        let prefix_key = crate::core::names::name_key(prefix);
        vfs.children(&folder)
            .filter(|c| crate::core::names::name_key(c.name()).starts_with(&prefix_key))
            .map(|c| format!("{dir}{}", short_name(c)))
            .collect()
    };
    let input = match candidates.as_slice() {
        [] => input.to_string(),
        [only] => {
            let spaced = if only.ends_with('/') { "" } else { " " };
            format!("{head}{}{spaced}", quote_if_needed(only))
        }
        many => {
            let common = many.iter().skip(1).fold(many[0].clone(), |acc, c| {
                acc.chars()
                    .zip(c.chars())
                    .take_while(|(a, b)| a == b)
                    .map(|(a, _)| a)
                    .collect()
            });
            if common.chars().count() > word.chars().count() {
                format!("{head}{}", quote_if_needed(&common))
            } else {
                input.to_string()
            }
        }
    };
    Completion { input, candidates }
}

fn quote_if_needed(word: &str) -> String {
    if word.contains([' ', '\'', '"', '\\']) {
        word.replace('\\', "\\\\")
            .replace(' ', "\\ ")
            .replace('\'', "\\'")
            .replace('"', "\\\"")
    } else {
        word.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terminal::fs::FsSnapshot;

    fn fixture() -> Vfs {
        let e = |path: &str, folder: bool, size: i64| FsEntry {
            path: path.into(),
            folder,
            size,
            modified: "2026-12-03 10:00".into(),
        };
        Vfs::new(FsSnapshot {
            entries: vec![
                e("/", true, 0),
                e("/README.md", false, 120),
                e("/about.md", false, 2048),
                e("/projects", true, 0),
                e("/projects/readme.md", false, 64),
                e("/projects/tinykv", true, 0),
                e("/projects/tinykv/design.md", false, 900),
                e("/my notes", true, 0),
                e("/my notes/año 1.txt", false, 3),
            ],
        })
    }

    fn profile() -> TenantProfile {
        TenantProfile {
            username: "ada".into(),
            display_name: "Ada".into(),
            site_title: "Ada's desk".into(),
            description: "Engineer".into(),
        }
    }

    fn exec(shell: &mut Shell, vfs: &Vfs, line: &str) -> Outcome {
        let profile = profile();
        let env = Env {
            vfs,
            lang: Lang::En,
            theme: Theme::Dark,
            profile: &profile,
            now: "Thu 3 Dec 2026 10:00".into(),
            viewer: None,
        };
        run(shell, line, &env)
    }

    fn texts(o: &Outcome) -> Vec<String> {
        o.lines.iter().map(|l| l.text.clone()).collect()
    }

    #[test]
    fn ls_lists_folders_first_and_long_format_shows_size_and_date() {
        let vfs = fixture();
        let mut shell = Shell::default();
        assert_eq!(
            texts(&exec(&mut shell, &vfs, "ls")),
            ["my notes/  projects/  about.md  README.md"]
        );
        let long = texts(&exec(&mut shell, &vfs, "ll projects"));
        assert_eq!(
            long,
            [
                "d       0 B  2026-12-03 10:00  tinykv/",
                "-      64 B  2026-12-03 10:00  readme.md"
            ]
        );
        assert_eq!(
            texts(&exec(&mut shell, &vfs, "dir -la /about.md")),
            ["-    2.0 KB  2026-12-03 10:00  about.md"]
        );
    }

    #[test]
    fn cd_handles_relative_absolute_parent_home_and_previous() {
        let vfs = fixture();
        let mut shell = Shell::default();
        exec(&mut shell, &vfs, "cd projects/TINYKV");
        assert_eq!(shell.cwd, "/projects/tinykv");
        exec(&mut shell, &vfs, "cd ../../../..");
        assert_eq!(shell.cwd, "/");
        exec(&mut shell, &vfs, "cd -");
        assert_eq!(shell.cwd, "/projects/tinykv");
        exec(&mut shell, &vfs, "cd");
        assert_eq!(shell.cwd, "/");
        exec(&mut shell, &vfs, "cd 'my notes'");
        assert_eq!(texts(&exec(&mut shell, &vfs, "pwd")), ["/my notes"]);
        let o = exec(&mut shell, &vfs, "cd año\\ 1.txt");
        assert_eq!(texts(&o), ["cd: año 1.txt: not a folder", "try 'help cd'"]);
        assert_eq!(shell.cwd, "/my notes");
    }

    #[test]
    fn cat_asks_for_files_and_refuses_folders_and_missing_names() {
        let vfs = fixture();
        let mut shell = Shell::default();
        let o = exec(&mut shell, &vfs, "cat readme.md projects nope.md about.md");
        assert_eq!(
            o.followup,
            Followup::Cat {
                paths: vec!["/README.md".into(), "/about.md".into()]
            }
        );
        assert_eq!(
            texts(&o),
            [
                "cat: projects: is a folder",
                "cat: nope.md: no such file or folder"
            ]
        );
        assert_eq!(
            texts(&exec(&mut shell, &vfs, "cat")),
            ["cat: name a file", "try 'help cat'"]
        );
    }

    #[test]
    fn tree_draws_branches_honours_depth_and_counts() {
        let vfs = fixture();
        let mut shell = Shell::default();
        let full = texts(&exec(&mut shell, &vfs, "tree projects"));
        assert_eq!(
            full,
            [
                "projects",
                "├── tinykv",
                "│   └── design.md",
                "└── readme.md",
                "",
                "1 folder, 2 files"
            ]
        );
        let shallow = texts(&exec(&mut shell, &vfs, "tree -L 1"));
        assert_eq!(
            shallow.last().map(String::as_str),
            Some("2 folders, 2 files")
        );
        assert_eq!(
            texts(&exec(&mut shell, &vfs, "tree -L x")),
            ["tree: -L needs a number above 0", "try 'help tree'"]
        );
    }

    #[test]
    fn find_matches_names_under_a_folder() {
        let vfs = fixture();
        let mut shell = Shell::default();
        assert_eq!(
            texts(&exec(&mut shell, &vfs, "find projects --name '*.md'")),
            ["/projects/readme.md", "/projects/tinykv/design.md"]
        );
        assert_eq!(
            texts(&exec(&mut shell, &vfs, "find --name zzz")),
            ["nothing found"]
        );
        // The pattern may also be an operand: alone when it has a wildcard, or after the folder.
        assert_eq!(
            texts(&exec(&mut shell, &vfs, "find '*.txt'")),
            ["/my notes/año 1.txt"]
        );
        assert_eq!(
            texts(&exec(&mut shell, &vfs, "find projects 'design*'")),
            ["/projects/tinykv/design.md"]
        );
        assert_eq!(
            texts(&exec(&mut shell, &vfs, "find a b c"))[0],
            "find: give at most a folder and a pattern"
        );
    }

    #[test]
    fn unknown_commands_and_flags_print_an_error_and_a_hint() {
        let vfs = fixture();
        let mut shell = Shell::default();
        let o = exec(&mut shell, &vfs, "rmdir x");
        assert_eq!(
            o.lines.iter().map(|l| l.kind).collect::<Vec<_>>(),
            [LineKind::Err, LineKind::Hint]
        );
        assert_eq!(
            texts(&exec(&mut shell, &vfs, "ls -z")),
            ["ls: unknown option '-z'", "try 'help ls'"]
        );
        assert_eq!(
            texts(&exec(&mut shell, &vfs, "echo 'open")),
            ["unterminated ' quote"]
        );
    }

    #[test]
    fn help_lists_groups_and_explains_commands_and_aliases() {
        let vfs = fixture();
        let mut shell = Shell::default();
        let all = texts(&exec(&mut shell, &vfs, "help"));
        assert_eq!(all.first().map(String::as_str), Some("Files:"));
        let ls = texts(&exec(&mut shell, &vfs, "dir --help"));
        assert_eq!(ls[0], "ls — list a folder");
        assert!(ls.contains(&"aliases: dir, ll".to_string()));
        assert_eq!(texts(&exec(&mut shell, &vfs, "help ll")), ls);
    }

    #[test]
    fn theme_lang_open_clear_exit_produce_effects() {
        let vfs = fixture();
        let mut shell = Shell::default();
        assert_eq!(
            exec(&mut shell, &vfs, "theme set light").followup,
            Followup::SetTheme(Theme::Light)
        );
        assert_eq!(
            exec(&mut shell, &vfs, "lang es").followup,
            Followup::SetLang(Lang::Es)
        );
        assert_eq!(
            texts(&exec(&mut shell, &vfs, "theme purple"))[0],
            "theme: unknown theme 'purple' (see 'theme list')"
        );
        assert_eq!(
            exec(&mut shell, &vfs, "open projects/tinykv/design.md").followup,
            Followup::Open {
                path: "/projects/tinykv/design.md".into()
            }
        );
        assert_eq!(exec(&mut shell, &vfs, "cls").followup, Followup::Clear);
        assert_eq!(exec(&mut shell, &vfs, "exit").followup, Followup::Exit);
    }

    #[test]
    fn messages_follow_the_visitors_language() {
        let vfs = fixture();
        let mut shell = Shell::default();
        let profile = profile();
        let env = Env {
            vfs: &vfs,
            lang: Lang::Es,
            theme: Theme::Dark,
            profile: &profile,
            now: String::new(),
            viewer: None,
        };
        let o = run(&mut shell, "cat nada.md", &env);
        assert_eq!(texts(&o), ["cat: nada.md: no existe ese archivo o carpeta"]);
    }

    #[test]
    fn echo_date_whoami_history_and_about() {
        let vfs = fixture();
        let mut shell = Shell {
            history: vec!["ls".into(), "pwd".into()],
            ..Shell::default()
        };
        assert_eq!(
            texts(&exec(&mut shell, &vfs, "echo <b>hi</b>  there")),
            ["<b>hi</b> there"]
        );
        assert_eq!(
            texts(&exec(&mut shell, &vfs, "date")),
            ["Thu 3 Dec 2026 10:00"]
        );
        assert_eq!(texts(&exec(&mut shell, &vfs, "whoami")), ["visitor"]);
        assert_eq!(
            texts(&exec(&mut shell, &vfs, "history")),
            ["   1  ls", "   2  pwd"]
        );
        assert!(
            texts(&exec(&mut shell, &vfs, "about"))
                .iter()
                .any(|l| l.contains("Owner: Ada"))
        );
    }

    #[test]
    fn tab_completes_commands_paths_and_lists_candidates() {
        let vfs = fixture();
        let shell = Shell::default();
        assert_eq!(complete(&shell, &vfs, "tr").input, "tree ");
        let c = complete(&shell, &vfs, "cat pro");
        assert_eq!(c.input, "cat projects/");
        let c = complete(&shell, &vfs, "cat projects/");
        assert_eq!(c.candidates, ["projects/tinykv/", "projects/readme.md"]);
        assert_eq!(complete(&shell, &vfs, "cd my").input, "cd my\\ notes/");
        let c = complete(&shell, &vfs, "cat a");
        assert_eq!(c.input, "cat about.md ");
        assert_eq!(
            complete(&shell, &vfs, "c").candidates,
            ["cat", "cd", "clear", "cls", "contact", "cv"]
        );
    }

    #[test]
    fn ai_asks_once_or_enters_chat_mode() {
        let vfs = fixture();
        let mut shell = Shell::default();
        assert_eq!(
            exec(&mut shell, &vfs, "ai 'where do you work?'").followup,
            Followup::Ask {
                question: "where do you work?".into()
            }
        );
        assert_eq!(
            exec(&mut shell, &vfs, "ask what now").followup,
            Followup::Ask {
                question: "what now".into()
            }
        );
        assert_eq!(exec(&mut shell, &vfs, "ai").followup, Followup::ChatMode);
    }

    #[test]
    fn login_prompts_for_a_password_and_logout_needs_a_session() {
        let vfs = fixture();
        let mut shell = Shell::default();
        assert_eq!(
            exec(&mut shell, &vfs, "login").followup,
            Followup::PasswordPrompt {
                username: "ada".into()
            }
        );
        assert_eq!(
            exec(&mut shell, &vfs, "login root").followup,
            Followup::PasswordPrompt {
                username: "root".into()
            }
        );
        let o = exec(&mut shell, &vfs, "logout");
        assert_eq!(o.followup, Followup::None);
        assert_eq!(texts(&o)[0], "logout: you are not logged in");
        let profile = profile();
        let env = Env {
            vfs: &vfs,
            lang: Lang::En,
            theme: Theme::Dark,
            profile: &profile,
            now: String::new(),
            viewer: Some("ada"),
        };
        assert_eq!(run(&mut shell, "whoami", &env).lines[0].text, "ada");
        assert_eq!(run(&mut shell, "logout", &env).followup, Followup::Logout);
        assert_eq!(
            run(&mut shell, "login", &env).lines[0].text,
            "already logged in as ada"
        );
    }

    #[test]
    fn contact_and_its_alias_open_the_contact_window() {
        let vfs = fixture();
        let mut shell = Shell::default();
        let o = exec(&mut shell, &vfs, "contact");
        assert_eq!(o.followup, Followup::Contact);
        assert_eq!(texts(&o), ["opening the contact window"]);
        assert_eq!(exec(&mut shell, &vfs, "mail").followup, Followup::Contact);
    }

    #[test]
    fn cv_opens_the_cv_or_says_there_is_none() {
        let vfs = fixture();
        let mut shell = Shell::default();
        let o = exec(&mut shell, &vfs, "cv");
        assert_eq!(o.followup, Followup::None);
        assert_eq!(texts(&o), ["There is no CV here yet."]);
        let mut snapshot = FsSnapshot::default();
        snapshot.entries.push(FsEntry {
            path: "/".into(),
            folder: true,
            size: 0,
            modified: String::new(),
        });
        snapshot.entries.push(FsEntry {
            path: "/CV.pdf".into(),
            folder: false,
            size: 10,
            modified: String::new(),
        });
        snapshot.entries.push(FsEntry {
            path: "/cv".into(),
            folder: true,
            size: 0,
            modified: String::new(),
        });
        let folder_only = Vfs::new(FsSnapshot {
            entries: snapshot
                .entries
                .iter()
                .filter(|e| e.path != "/CV.pdf")
                .cloned()
                .collect(),
        });
        assert_eq!(
            exec(&mut shell, &folder_only, "cv").followup,
            Followup::Open { path: "/cv".into() }
        );
        let vfs = Vfs::new(snapshot);
        assert_eq!(
            exec(&mut shell, &vfs, "resume").followup,
            Followup::Open {
                path: "/CV.pdf".into()
            }
        );
    }

    fn exec_owner(shell: &mut Shell, vfs: &Vfs, line: &str) -> Outcome {
        let profile = profile();
        let env = Env {
            vfs,
            lang: Lang::En,
            theme: Theme::Dark,
            profile: &profile,
            now: String::new(),
            viewer: Some("ada"),
        };
        run(shell, line, &env)
    }

    fn changes(o: &Outcome) -> Vec<(FileOp, String)> {
        match &o.followup {
            Followup::Change(c) | Followup::Confirm(c) => {
                c.iter().map(|c| (c.op.clone(), c.done.clone())).collect()
            }
            _ => Vec::new(),
        }
    }

    #[test]
    fn visitors_are_told_that_changing_files_needs_the_owner() {
        let vfs = fixture();
        let mut shell = Shell::default();
        for line in [
            "mkdir demo-dir",
            "touch a.md",
            "mv about.md x.md",
            "rm about.md",
            "edit about.md",
        ] {
            let o = exec(&mut shell, &vfs, line);
            let command = line.split(' ').next().unwrap_or_default();
            assert_eq!(
                texts(&o),
                [format!(
                    "{command}: only the owner can change files; try 'login'"
                )]
            );
            assert_eq!(o.followup, Followup::None);
        }
    }

    #[test]
    fn mkdir_creates_folders_in_existing_or_just_planned_parents() {
        let vfs = fixture();
        let mut shell = Shell::default();
        exec_owner(&mut shell, &vfs, "cd projects");
        let o = exec_owner(&mut shell, &vfs, "mkdir new new/inner ../top");
        assert!(texts(&o).is_empty());
        assert_eq!(
            changes(&o),
            [
                (
                    FileOp::CreateFolder {
                        parent: "/projects".into(),
                        name: "new".into()
                    },
                    "created folder /projects/new".into()
                ),
                (
                    FileOp::CreateFolder {
                        parent: "/projects/new".into(),
                        name: "inner".into()
                    },
                    "created folder /projects/new/inner".into()
                ),
                (
                    FileOp::CreateFolder {
                        parent: "/".into(),
                        name: "top".into()
                    },
                    "created folder /top".into()
                ),
            ]
        );
    }

    #[test]
    fn mkdir_refuses_existing_names_missing_parents_and_bad_names() {
        let vfs = fixture();
        let mut shell = Shell::default();
        let o = exec_owner(&mut shell, &vfs, "mkdir PROJECTS nope/x about.md/x");
        assert_eq!(
            texts(&o),
            [
                "mkdir: cannot create 'PROJECTS': it already exists",
                "mkdir: cannot create 'nope/x': there is no folder /nope",
                "mkdir: cannot create 'about.md/x': /about.md is a file",
            ]
        );
        assert_eq!(o.followup, Followup::None);
        assert_eq!(
            texts(&exec_owner(&mut shell, &vfs, "mkdir")),
            ["mkdir: name a folder to create", "try 'help mkdir'"]
        );
    }

    #[test]
    fn touch_creates_missing_files_and_leaves_existing_ones() {
        let vfs = fixture();
        let mut shell = Shell::default();
        let o = exec_owner(&mut shell, &vfs, "touch readme.md 'my notes/new file.md'");
        assert!(texts(&o).is_empty());
        assert_eq!(
            changes(&o),
            [(
                FileOp::CreateFile {
                    parent: "/my notes".into(),
                    name: "new file.md".into()
                },
                "created file /my notes/new file.md".into()
            )]
        );
        assert_eq!(
            exec_owner(&mut shell, &vfs, "touch about.md").followup,
            Followup::None
        );
    }

    #[test]
    fn mv_renames_in_place_moves_into_folders_or_does_both() {
        let vfs = fixture();
        let mut shell = Shell::default();
        assert_eq!(
            changes(&exec_owner(&mut shell, &vfs, "mv about.md bio.md")),
            [(
                FileOp::Rename {
                    path: "/about.md".into(),
                    new_name: "bio.md".into()
                },
                "/about.md → /bio.md".into()
            )]
        );
        assert_eq!(
            changes(&exec_owner(
                &mut shell,
                &vfs,
                "mv about.md README.md 'my notes'"
            )),
            [(
                FileOp::Move {
                    paths: vec!["/about.md".into(), "/README.md".into()],
                    target: "/my notes".into()
                },
                "moved 2 items to /my notes".into()
            )]
        );
        // projects/readme.md takes the name, whatever its case.
        assert_eq!(
            texts(&exec_owner(&mut shell, &vfs, "mv README.md projects")),
            ["mv: /projects/README.md already exists"]
        );
        assert_eq!(
            changes(&exec_owner(
                &mut shell,
                &vfs,
                "mv about.md 'my notes/bio.md'"
            )),
            [
                (
                    FileOp::Move {
                        paths: vec!["/about.md".into()],
                        target: "/my notes".into()
                    },
                    String::new()
                ),
                (
                    FileOp::Rename {
                        path: "/my notes/about.md".into(),
                        new_name: "bio.md".into()
                    },
                    "/about.md → /my notes/bio.md".into()
                ),
            ]
        );
        // Only the case changes: the item is renamed, not moved into itself.
        assert_eq!(
            changes(&exec_owner(&mut shell, &vfs, "mv projects Projects")),
            [(
                FileOp::Rename {
                    path: "/projects".into(),
                    new_name: "Projects".into()
                },
                "/projects → /Projects".into()
            )]
        );
    }

    #[test]
    fn mv_refuses_overwrites_moves_into_itself_and_missing_sources() {
        let vfs = fixture();
        let mut shell = Shell::default();
        let cases = [
            (
                "mv about.md README.md",
                "mv: README.md already exists; nothing was replaced",
            ),
            (
                "mv projects projects/tinykv",
                "mv: cannot move 'projects' into itself",
            ),
            (
                "mv projects projects/tinykv/deeper",
                "mv: cannot move 'projects' into itself",
            ),
            ("mv nope.md x.md", "mv: nope.md: no such file or folder"),
            (
                "mv projects/readme.md projects",
                "mv: 'readme.md' is already in /projects",
            ),
            (
                "mv about.md README.md missing",
                "mv: missing is not a folder",
            ),
        ];
        for (line, expected) in cases {
            let o = exec_owner(&mut shell, &vfs, line);
            assert_eq!(texts(&o), [expected], "{line}");
            assert_eq!(o.followup, Followup::None, "{line}");
        }
        assert_eq!(
            texts(&exec_owner(&mut shell, &vfs, "mv about.md")),
            ["mv: name what to move and where to", "try 'help mv'"]
        );
    }

    #[test]
    fn rm_trashes_files_at_once_and_refuses_folders_without_r() {
        let vfs = fixture();
        let mut shell = Shell::default();
        let o = exec_owner(&mut shell, &vfs, "rm about.md");
        assert_eq!(
            changes(&o),
            [(
                FileOp::Trash {
                    paths: vec!["/about.md".into()]
                },
                "moved 'about.md' to the trash; to undo, restore it from the Trash".into()
            )]
        );
        assert!(matches!(o.followup, Followup::Change(_)));
        let o = exec_owner(&mut shell, &vfs, "rm about.md projects");
        assert_eq!(
            texts(&o),
            ["rm: cannot remove 'projects': it is a folder (use rm -r)"]
        );
        assert_eq!(
            o.followup,
            Followup::None,
            "nothing is trashed when one item is refused"
        );
        assert_eq!(
            texts(&exec_owner(&mut shell, &vfs, "rm /")),
            ["rm: the top folder cannot be removed"]
        );
    }

    #[test]
    fn rm_r_asks_with_the_number_of_items_before_trashing_a_folder() {
        let vfs = fixture();
        let mut shell = Shell::default();
        let o = exec_owner(&mut shell, &vfs, "rm -r projects");
        assert_eq!(
            texts(&o),
            ["Move 'projects' and its 3 items to the trash? [y/N]"]
        );
        let Followup::Confirm(asked) = &o.followup else {
            panic!("rm -r must ask first: {:?}", o.followup);
        };
        assert_eq!(
            asked[0].op,
            FileOp::Trash {
                paths: vec!["/projects".into()]
            }
        );
        assert_eq!(
            asked[0].done,
            "moved 'projects' and its 3 items to the trash; to undo, restore it from the Trash"
        );
        // Something inside another target goes with it and is not counted twice.
        let o = exec_owner(
            &mut shell,
            &vfs,
            "rm -R projects/tinykv projects 'my notes'",
        );
        assert_eq!(
            texts(&o),
            ["Move 2 items and the 4 items inside them to the trash? [y/N]"]
        );
        assert_eq!(
            changes(&o)[0].0,
            FileOp::Trash {
                paths: vec!["/projects".into(), "/my notes".into()]
            }
        );
        let empty = Vfs::new(FsSnapshot {
            entries: vec![
                FsEntry {
                    path: "/".into(),
                    folder: true,
                    size: 0,
                    modified: String::new(),
                },
                FsEntry {
                    path: "/old".into(),
                    folder: true,
                    size: 0,
                    modified: String::new(),
                },
            ],
        });
        assert_eq!(
            texts(&exec_owner(&mut shell, &empty, "rm -r old")),
            ["Move the empty folder 'old' to the trash? [y/N]"]
        );
        assert!(is_yes("y") && is_yes(" YES ") && is_yes("sí"));
        assert!(!is_yes("") && !is_yes("n") && !is_yes("whatever"));
    }

    #[test]
    fn edit_opens_files_and_explains_folders_and_missing_ones() {
        let vfs = fixture();
        let mut shell = Shell::default();
        let o = exec_owner(&mut shell, &vfs, "edit projects/tinykv/DESIGN.md");
        assert_eq!(
            o.followup,
            Followup::Edit {
                path: "/projects/tinykv/design.md".into()
            }
        );
        assert_eq!(texts(&o), ["editing /projects/tinykv/design.md"]);
        assert_eq!(
            texts(&exec_owner(&mut shell, &vfs, "edit projects")),
            ["edit: projects: is a folder", "try 'help edit'"]
        );
        assert_eq!(
            texts(&exec_owner(&mut shell, &vfs, "edit new.md")),
            [
                "edit: new.md: no such file or folder",
                "create it first: touch new.md"
            ]
        );
    }

    #[test]
    fn the_shell_moves_up_when_its_folder_is_gone() {
        let vfs = fixture();
        let mut shell = Shell::default();
        exec_owner(&mut shell, &vfs, "cd projects/tinykv");
        let after = Vfs::new(FsSnapshot {
            entries: fixture()
                .all()
                .filter(|e| !e.path.starts_with("/projects/tinykv"))
                .cloned()
                .collect(),
        });
        shell.settle(&after);
        assert_eq!(shell.cwd, "/projects");
    }
}
