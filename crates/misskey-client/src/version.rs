//! Reading and comparing Misskey version strings, for
//! [`ClientBuilder::check_server_version`](crate::ClientBuilder::check_server_version).

use std::cmp::Ordering;

/// A server version as `meta` reports it, read leniently.
///
/// The leading dot-separated numbers are the version (`2024.10.1`; the old
/// scheme `13.14.2` compares below every calendar version, as it should).
/// What follows them is a suffix: `-alpha…`, `-beta…`, `-rc…` and `-pre…`
/// mark a pre-release of that version (before it); any other suffix
/// (`-mhq.13` of misskey.io, a fork's build tag) marks a build based on that
/// release, which counts as the release itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Version {
    numbers: Vec<u64>,
    prerelease: bool,
}

impl Version {
    /// `None` when the text does not start with a number.
    pub(crate) fn parse(text: &str) -> Option<Version> {
        let text = text.trim();
        let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
        let mut numbers = Vec::new();
        let mut rest = text;
        loop {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                break;
            }
            numbers.push(rest[..digits].parse().ok()?);
            rest = &rest[digits..];
            match rest.strip_prefix('.') {
                Some(after) if after.starts_with(|c: char| c.is_ascii_digit()) => rest = after,
                _ => break,
            }
        }
        if numbers.is_empty() {
            return None;
        }
        let suffix = rest
            .trim_start_matches(['-', '.', '+', '_'])
            .to_ascii_lowercase();
        let prerelease = ["alpha", "beta", "rc", "pre"]
            .iter()
            .any(|marker| suffix.starts_with(marker));
        Some(Version {
            numbers,
            prerelease,
        })
    }

    /// Compares the numbers only (missing ones count as 0).
    fn cmp_numbers(&self, other: &Version) -> Ordering {
        let len = self.numbers.len().max(other.numbers.len());
        (0..len)
            .map(|i| {
                let a = self.numbers.get(i).copied().unwrap_or(0);
                let b = other.numbers.get(i).copied().unwrap_or(0);
                a.cmp(&b)
            })
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    }

    /// Whether a server of this version certainly lacks an endpoint that
    /// first appeared in `since` or was removed in `until`.
    ///
    /// Only sure answers refuse: a pre-release of the `since` version may
    /// already have the endpoint, and a pre-release of the `until` version
    /// may still have it, so both are let through (the server then answers
    /// for itself).
    pub(crate) fn lacks(&self, since: Option<&Version>, until: Option<&Version>) -> bool {
        let too_old = since.is_some_and(|since| self.cmp_numbers(since) == Ordering::Less);
        let too_new = until.is_some_and(|until| match self.cmp_numbers(until) {
            Ordering::Greater => true,
            Ordering::Equal => !self.prerelease,
            Ordering::Less => false,
        });
        too_old || too_new
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap_or_else(|| panic!("{text}"))
    }

    fn lacks(server: &str, since: Option<&str>, until: Option<&str>) -> bool {
        v(server).lacks(since.map(v).as_ref(), until.map(v).as_ref())
    }

    #[test]
    fn reads_misskey_fork_and_old_versions() {
        assert_eq!(
            v("2024.10.1"),
            Version {
                numbers: vec![2024, 10, 1],
                prerelease: false
            }
        );
        assert_eq!(v("2025.4.1-mhq.13").numbers, [2025, 4, 1]);
        assert!(!v("2025.4.1-mhq.13").prerelease);
        assert!(v("2024.11.0-beta.3").prerelease);
        assert!(v("2023.12.0.beta4").prerelease);
        assert_eq!(v("2023.12.0.beta4").numbers, [2023, 12, 0]);
        assert!(v("2024.5.0-rc.1").prerelease);
        assert_eq!(v("13.14.2").numbers, [13, 14, 2]);
        assert_eq!(v(" v2024.8.1+sharkey ").numbers, [2024, 8, 1]);
        assert!(!v("2024.8.1+sharkey").prerelease);
        for bad in ["", "unknown", "beta", "-1.2"] {
            assert_eq!(Version::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn refuses_only_when_sure() {
        // SINCE
        assert!(lacks("2024.10.1", Some("2025.4.0"), None));
        assert!(lacks("13.14.2", Some("2023.9.0"), None));
        assert!(!lacks("2025.4.0", Some("2025.4.0"), None));
        assert!(!lacks("2025.11.0", Some("2025.4.0"), None));
        assert!(!lacks("2025.4.0-beta.2", Some("2025.4.0"), None));
        assert!(!lacks("2025.4.1-mhq.13", Some("2025.4.0"), None));
        assert!(lacks("2025.3.9-mhq.1", Some("2025.4.0"), None));
        assert!(!lacks("2025.4", Some("2025.4.0"), None));
        // UNTIL
        assert!(lacks("2025.4.0", None, Some("2025.4.0")));
        assert!(lacks("2025.11.0", None, Some("2025.4.0")));
        assert!(lacks("2025.4.0-mhq.2", None, Some("2025.4.0")));
        assert!(!lacks("2025.4.0-beta.1", None, Some("2025.4.0")));
        assert!(!lacks("2024.10.1", None, Some("2025.4.0")));
        // Both
        assert!(!lacks("2024.10.1", Some("2023.9.0"), Some("2025.4.0")));
        assert!(lacks("2023.1.0", Some("2023.9.0"), Some("2025.4.0")));
    }
}
