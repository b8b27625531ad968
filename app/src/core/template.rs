//! `{{placeholder}}` templates, filled at read time and never saved back filled.

/// Replaces each `{{key}}` with its value; unknown keys become empty, never the literal braces.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                let key = after[..end].trim();
                if let Some((_, value)) = values.iter().find(|(k, _)| *k == key) {
                    out.push_str(value);
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn placeholders_are_filled_and_unknown_ones_vanish() {
        let values = [("owner_name", "Ana")];
        assert_eq!(fill("{{owner_name}}'s site", &values), "Ana's site");
        assert_eq!(fill("Hi {{ owner_name }}{{missing}}!", &values), "Hi Ana!");
        assert_eq!(fill("broken {{owner_name", &values), "broken {{owner_name");
    }
}
