//! Parsed names: a value of these types is valid by construction.

use unicode_normalization::UnicodeNormalization;

/// Names a tenant may not take: they collide with the platform's own hosts or mislead visitors.
pub const RESERVED_USERNAMES: &[&str] = &[
    "www",
    "api",
    "admin",
    "administrator",
    "app",
    "apps",
    "mail",
    "email",
    "smtp",
    "imap",
    "pop",
    "ftp",
    "static",
    "assets",
    "cdn",
    "media",
    "files",
    "img",
    "images",
    "help",
    "support",
    "docs",
    "status",
    "blog",
    "dev",
    "staging",
    "test",
    "root",
    "system",
    "login",
    "logout",
    "register",
    "signup",
    "auth",
    "account",
    "accounts",
    "dashboard",
    "billing",
    "security",
    "ns1",
    "ns2",
    "localhost",
    "deskfolio",
    "about",
    "owner",
    "null",
    "undefined",
];

pub const USERNAME_MIN: usize = 3;
pub const USERNAME_MAX: usize = 30;

/// A tenant's username, which is also its subdomain: a lower-case DNS label.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    /// Lower-cases (DNS names ignore case) and checks the label rules and the reserved list.
    pub fn parse(raw: &str) -> Result<Username, &'static str> {
        let name = raw.trim().to_ascii_lowercase();
        if name.is_empty() {
            return Err("Choose a username.");
        }
        if name.chars().count() < USERNAME_MIN {
            return Err("Use at least 3 characters.");
        }
        if name.chars().count() > USERNAME_MAX {
            return Err("Use at most 30 characters.");
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err("Use only letters a–z, digits and hyphens.");
        }
        if name.starts_with('-') || name.ends_with('-') {
            return Err("A hyphen can't start or end the name.");
        }
        if name.contains("--") {
            return Err("Two hyphens in a row are not allowed.");
        }
        if RESERVED_USERNAMES.contains(&name.as_str()) {
            return Err("That name is reserved. Please choose another.");
        }
        Ok(Username(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub const PASSWORD_MIN: usize = 8;
/// Longer passwords are refused before hashing, so nobody can make the server hash megabytes.
pub const PASSWORD_MAX: usize = 256;

pub fn check_password(password: &str) -> Result<(), &'static str> {
    let len = password.chars().count();
    if len < PASSWORD_MIN {
        return Err("Use at least 8 characters.");
    }
    if len > PASSWORD_MAX {
        return Err("Use at most 256 characters.");
    }
    Ok(())
}

/// A valid email address (lower-cased), or an error. Deliberately simple: one `@`, a dotted
/// domain, no spaces; the mailbox is what proves it.
pub fn parse_email(raw: &str) -> Result<String, &'static str> {
    let email = raw.trim().to_lowercase();
    if email.len() > 254 {
        return Err("That email address is too long.");
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err("Enter an email address like name@example.com.");
    };
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    if local.is_empty()
        || email.chars().any(char::is_whitespace)
        || domain.contains('@')
        || !domain_ok
    {
        return Err("Enter an email address like name@example.com.");
    }
    Ok(email)
}

pub const NODE_NAME_MAX: usize = 255;

/// A file or folder name, NFC-normalised.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NodeName(String);

impl NodeName {
    pub fn parse(raw: &str) -> Result<NodeName, String> {
        let name: String = raw.trim().nfc().collect();
        if name.is_empty() {
            return Err("A name can't be empty.".into());
        }
        if name == "." || name == ".." {
            return Err(format!("“{name}” is not allowed as a name."));
        }
        if name.contains('/') || name.contains('\\') {
            return Err("A name can't contain / or \\.".into());
        }
        if name.chars().any(char::is_control) {
            return Err("A name can't contain control characters.".into());
        }
        if name.chars().count() > NODE_NAME_MAX {
            return Err("A name can have at most 255 characters.".into());
        }
        Ok(NodeName(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key two names clash on: NFC, then lower-cased, then NFC again (lower-casing can
    /// denormalise).
    pub fn key(&self) -> String {
        name_key(&self.0)
    }
}

pub fn name_key(name: &str) -> String {
    name.nfc()
        .collect::<String>()
        .to_lowercase()
        .nfc()
        .collect()
}

/// The order of a folder's listing: folders first, then names by their keys, with runs of
/// digits compared as numbers ("Part 2" before "Part 10"), as desktops do.
pub fn listing_order(a: (bool, &str), b: (bool, &str)) -> std::cmp::Ordering {
    let ((a_folder, a_key), (b_folder, b_key)) = (a, b);
    b_folder
        .cmp(&a_folder)
        .then_with(|| natord::compare(a_key, b_key))
        .then_with(|| a_key.cmp(b_key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listings_put_folders_first_and_compare_numbers_as_numbers() {
        let mut items = vec![
            (false, "new folder 10"),
            (true, "new folder 2"),
            (false, "part 10.md"),
            (false, "part 2.md"),
            (true, "new folder 10"),
            (false, "alpha.md"),
        ];
        items.sort_by(|a, b| listing_order(*a, *b));
        assert_eq!(
            items,
            [
                (true, "new folder 2"),
                (true, "new folder 10"),
                (false, "alpha.md"),
                (false, "new folder 10"),
                (false, "part 2.md"),
                (false, "part 10.md"),
            ]
        );
    }

    #[test]
    fn usernames_are_lower_cased_dns_labels() {
        assert_eq!(
            Username::parse("  Ana-Dev ").map(|u| u.0),
            Ok("ana-dev".to_string())
        );
        for bad in [
            "ab",
            "-ana",
            "ana-",
            "a--b",
            "ana_dev",
            "añá",
            "ana.dev",
            &"a".repeat(31),
        ] {
            assert!(Username::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn reserved_usernames_are_refused_in_any_case() {
        assert!(Username::parse("WWW").is_err());
        assert!(Username::parse("Admin").is_err());
    }

    #[test]
    fn passwords_have_bounds() {
        assert!(check_password("short").is_err());
        assert!(check_password("long enough").is_ok());
        assert!(check_password(&"x".repeat(257)).is_err());
    }

    #[test]
    fn emails_are_checked_and_lower_cased() {
        assert_eq!(
            parse_email(" Ana@Example.COM "),
            Ok("ana@example.com".into())
        );
        for bad in [
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "a b@example.com",
            "a@b@c.com",
            "a@.com",
        ] {
            assert!(parse_email(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn node_names_refuse_separators_dots_and_control_characters() {
        for bad in [
            "",
            "  ",
            ".",
            "..",
            "a/b",
            "a\\b",
            "tab\there",
            &"n".repeat(256),
        ] {
            assert!(NodeName::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(NodeName::parse("notes v2.md").is_ok());
    }

    #[test]
    fn node_name_keys_ignore_case_and_unicode_composition() {
        let composed = NodeName::parse("Caf\u{e9}.md").map(|n| n.key());
        let decomposed = NodeName::parse("CAFE\u{301}.MD").map(|n| n.key());
        assert_eq!(composed, decomposed);
    }
}
