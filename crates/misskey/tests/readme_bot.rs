//! The README's mention bot is the one the crate's docs compile (the
//! `streaming` re-export's doctest), so the README cannot drift into code
//! that does not build.

/// The lines of the first code block after `marker` in `text`, with
/// `strip` removed from the start of each line and rustdoc's hidden lines
/// (`# ...`) left out.
fn block_after(text: &str, marker: &str, strip: &str) -> Vec<String> {
    let start = text.find(marker).unwrap_or_else(|| panic!("no {marker:?}"));
    let mut lines = text[start..]
        .lines()
        .map(|l| match l.trim_start().strip_prefix(strip) {
            Some(rest) if !strip.is_empty() => rest.strip_prefix(' ').unwrap_or(rest),
            _ => l,
        })
        .skip_while(|l| !l.starts_with("```"))
        .skip(1);
    let mut block = Vec::new();
    for line in lines.by_ref() {
        if line.starts_with("```") {
            return block;
        }
        if line != "#" && !line.starts_with("# ") {
            block.push(line.to_owned());
        }
    }
    panic!("the block after {marker:?} is not closed")
}

#[test]
fn the_readme_bot_is_the_doctested_one_and_about_ten_lines() {
    let readme = include_str!("../../../README.md");
    let lib = include_str!("../src/lib.rs");
    let shown = block_after(readme, "## Listening: a mention bot", "");
    let compiled = block_after(lib, "A mention bot that answers every mention", "///");
    assert_eq!(shown, compiled);
    let code = shown.iter().filter(|l| !l.trim().is_empty()).count();
    assert!((8..=12).contains(&code), "{code} lines: {shown:#?}");
    assert!(shown.iter().any(|l| l.contains("MainEvent::Mention")));
}
