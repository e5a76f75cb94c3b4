//! Misskey version strings: ordering upstream releases, and saying which
//! versions of a set have something.

use std::cmp::Ordering;

/// Compares upstream Misskey versions (`2024.10.1`, `2025.11.0-beta.2`):
/// numerically by part, and a pre-release before its release.
pub fn compare(a: &str, b: &str) -> Ordering {
    let (a_main, a_pre) = split(a);
    let (b_main, b_pre) = split(b);
    let numbers = |s: &str| -> Vec<u64> {
        s.split('.')
            .map(|p| p.trim().parse::<u64>().unwrap_or(0))
            .collect()
    };
    numbers(a_main)
        .cmp(&numbers(b_main))
        .then_with(|| match (a_pre, b_pre) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(x), Some(y)) => compare_pre(x, y),
        })
        .then_with(|| a.cmp(b))
}

fn split(v: &str) -> (&str, Option<&str>) {
    match v.split_once('-') {
        Some((main, pre)) => (main, Some(pre)),
        None => (v, None),
    }
}

/// `alpha.2` < `beta.1` < `beta.10` < `rc.1`.
fn compare_pre(a: &str, b: &str) -> Ordering {
    let parts_a: Vec<&str> = a.split('.').collect();
    let parts_b: Vec<&str> = b.split('.').collect();
    for (x, y) in parts_a.iter().zip(&parts_b) {
        let ord = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(m), Ok(n)) => m.cmp(&n),
            _ => x.cmp(y),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    parts_a.len().cmp(&parts_b.len())
}

/// `2025.11.0`, `2024.10.1 and 2025.11.0`, `a, b and c`.
pub fn list(labels: &[&str]) -> String {
    joined(labels, "and")
}

fn joined(labels: &[&str], word: &str) -> String {
    match labels {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} {word} {last}", init.join(", ")),
    }
}

/// The note for something present in some versions of a set only:
/// `In 2025.11.0; not in 2024.10.1.`
pub fn presence_note(present: &[&str], absent: &[&str]) -> String {
    if absent.is_empty() {
        format!("In {}.", list(present))
    } else {
        format!("In {}; not in {}.", list(present), joined(absent, "or"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_order_numerically_and_pre_releases_come_first() {
        let mut v = vec![
            "2025.11.0",
            "2024.10.1",
            "2025.4.1",
            "2025.11.0-beta.10",
            "2025.11.0-beta.2",
            "2025.11.0-alpha.1",
            "12.119.2",
        ];
        v.sort_by(|a, b| compare(a, b));
        assert_eq!(
            v,
            [
                "12.119.2",
                "2024.10.1",
                "2025.4.1",
                "2025.11.0-alpha.1",
                "2025.11.0-beta.2",
                "2025.11.0-beta.10",
                "2025.11.0"
            ]
        );
    }

    #[test]
    fn notes_read_as_sentences() {
        assert_eq!(
            presence_note(&["2025.11.0"], &["2024.10.1"]),
            "In 2025.11.0; not in 2024.10.1."
        );
        assert_eq!(list(&["a", "b", "c"]), "a, b and c");
        assert_eq!(presence_note(&["x"], &["a", "b"]), "In x; not in a or b.");
    }
}
