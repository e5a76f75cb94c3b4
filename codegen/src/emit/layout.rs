//! Laying out the `misskey_core::object!` calls.
//!
//! `prettyplease` prints a macro call's arguments as one run of tokens
//! (`Option < DateTime > = "deletedAt" skip_none, ...`). The field lists of
//! `object!` are read in review like the struct above them, so they are
//! reprinted one field per line, with types spelled as in the struct.

const OPEN: &str = "misskey_core::object!(";

/// Reprints every top-level `object!` call of a formatted file.
pub fn object_macros(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut lines = source.lines();
    while let Some(line) = lines.next() {
        let Some(rest) = line.strip_prefix(OPEN) else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let mut call = rest.to_owned();
        if !line.ends_with(");") {
            for next in lines.by_ref() {
                call.push(' ');
                call.push_str(next.trim());
                if next == ");" {
                    break;
                }
            }
        }
        match reprint(call.trim_end().trim_end_matches(");").trim()) {
            Some(text) => out.push_str(&text),
            // Not the shape the emitter writes: keep prettyplease's text.
            None => {
                out.push_str(line);
                out.push('\n');
                if !line.ends_with(");") {
                    out.push_str(&call[rest.len()..]);
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// `Name { field : Ty = "json" mode, ... }` as a laid-out call.
fn reprint(args: &str) -> Option<String> {
    let (head, body) = args.split_once('{')?;
    let body = body.trim().strip_suffix('}')?;
    // `#[cfg(...)] Name`: the attribute goes on the `Deserialize` impl.
    let head = head.trim();
    let name = match head.rfind(']') {
        Some(end) => format!("{} {}", attribute(&head[..=end]), head[end + 1..].trim()),
        None => head.to_owned(),
    };
    let entries: Vec<String> = split_top_level(body)
        .into_iter()
        .map(|e| join_tokens(&tokens(e)))
        .filter(|e| !e.is_empty())
        .collect();
    if entries.is_empty() {
        return Some(format!("{OPEN}{name} {{}});\n"));
    }
    let mut out = format!("{OPEN}{name} {{\n");
    for e in entries {
        out.push_str("    ");
        out.push_str(&e);
        out.push_str(",\n");
    }
    out.push_str("});\n");
    Some(out)
}

/// `# [cfg (feature = "x")]` as `#[cfg(feature = "x")]`.
fn attribute(text: &str) -> String {
    let mut out = String::new();
    let (mut in_str, mut escaped) = (false, false);
    for c in text.chars() {
        if in_str {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => {}
            }
        } else if c == '"' {
            in_str = true;
            out.push(c);
        } else if c == '=' {
            out.push_str(" = ");
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

/// Splits on the commas that are not inside `<>`, `()`, `[]` or a string.
fn split_top_level(body: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start, mut in_str, mut escaped) = (0i32, 0, false, false);
    for (i, c) in body.char_indices() {
        if in_str {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&body[start..]);
    parts
}

/// Whitespace-separated tokens, keeping string literals whole.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let (mut in_str, mut escaped) = (false, false);
    for (i, c) in text.char_indices() {
        if in_str {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push(&text[s..i]);
            }
        } else {
            if c == '"' {
                in_str = true;
            }
            start.get_or_insert(i);
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

/// Joins tokens the way rustfmt spaces a field: `name: Option<Vec<Id>> = "json" mode`.
fn join_tokens(tokens: &[&str]) -> String {
    let mut out = String::new();
    let mut prev: Option<&str> = None;
    for &t in tokens {
        if let Some(p) = prev {
            let glue_before = matches!(t, ">" | ">>" | "," | ")" | "]" | "::" | ":" | "<")
                || t.starts_with(',')
                || t.starts_with('>');
            let glue_after = matches!(p, "<" | "(" | "[" | "::");
            if !(glue_before || glue_after) {
                out.push(' ');
            }
        }
        out.push_str(t);
        prev = Some(t);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_field_per_line() {
        let printed = "misskey_core::object!(\n    Note { id : Id = \"id\" required, deleted_at : Option < DateTime > =\n    \"deletedAt\" skip_none, emojis : Option < BTreeMap < String, String > > = \"a, b\"\n    skip_none, pair : (i64, models :: Id,) = \"pair\" required, }\n);\n";
        assert_eq!(
            object_macros(printed),
            "misskey_core::object!(Note {\n    id: Id = \"id\" required,\n    deleted_at: Option<DateTime> = \"deletedAt\" skip_none,\n    emojis: Option<BTreeMap<String, String>> = \"a, b\" skip_none,\n    pair: (i64, models::Id,) = \"pair\" required,\n});\n"
        );
    }

    #[test]
    fn attribute_before_the_name() {
        let printed = "misskey_core::object!(\n    # [cfg (feature = \"deserialize-requests\")] Request { id : Id = \"id\"\n    required, }\n);\n";
        assert_eq!(
            object_macros(printed),
            "misskey_core::object!(#[cfg(feature = \"deserialize-requests\")] Request {\n    id: Id = \"id\" required,\n});\n"
        );
    }

    #[test]
    fn empty_and_other_lines() {
        let printed = "use x;\nmisskey_core::object!(Request {});\nstruct A;\n";
        assert_eq!(
            object_macros(printed),
            "use x;\nmisskey_core::object!(Request {});\nstruct A;\n"
        );
    }
}
