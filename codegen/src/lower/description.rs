//! The lines Misskey appends to every operation description.

/// What an operation's description says beyond its text.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Requirements {
    /// The description without the requirement lines.
    pub doc: Option<String>,
    /// `**Credential required**: *Yes*` or `*No*`, if the line is there.
    pub credential: Option<bool>,
    /// The permission named by `**Permission**: *...*`.
    pub permission: Option<String>,
    /// Marked `**Internal Endpoint**`.
    pub internal: bool,
}

/// Reads the lines Misskey appends to every description:
/// `**Credential required**: *Yes* / **Permission**: *write:notes*` and
/// `**Internal Endpoint**: ...`.
pub(crate) fn parse_requirements(description: &str) -> Requirements {
    let mut doc_lines = Vec::new();
    let mut credential = None;
    let mut permission = None;
    let mut internal = false;
    for line in description.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("**Credential required**") {
            credential = Some(trimmed.contains("*Yes*"));
            if let Some(rest) = trimmed.split("**Permission**:").nth(1) {
                let p = rest.trim().trim_matches('*').trim();
                // A few descriptions list several permissions; the first is the one checked.
                let first = p
                    .split([',', ' '])
                    .find(|s| !s.is_empty())
                    .unwrap_or("")
                    .trim_matches('*');
                if !first.is_empty() {
                    permission = Some(first.to_owned());
                }
            }
        } else if trimmed.starts_with("**Internal Endpoint**") {
            internal = true;
        } else if trimmed != "No description provided." {
            doc_lines.push(line);
        }
    }
    let doc = doc_lines.join("\n").trim().to_owned();
    Requirements {
        doc: if doc.is_empty() { None } else { Some(doc) },
        credential,
        permission,
        internal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_credential_permission_and_internal_lines() {
        let r = parse_requirements(
            "Create a note.\n\n**Credential required**: *Yes* / **Permission**: *write:notes*",
        );
        assert_eq!(
            r,
            Requirements {
                doc: Some("Create a note.".into()),
                credential: Some(true),
                permission: Some("write:notes".into()),
                internal: false,
            }
        );
        let r = parse_requirements(
            "No description provided.\n\n**Internal Endpoint**: This endpoint is an API for the misskey mainframe and is not intended for use by third parties.\n**Credential required**: *No*",
        );
        assert_eq!(
            r,
            Requirements {
                doc: None,
                credential: Some(false),
                permission: None,
                internal: true,
            }
        );
    }

    #[test]
    fn the_first_of_several_permissions_is_the_one_checked() {
        let r = parse_requirements(
            "**Credential required**: *Yes* / **Permission**: *read:admin:meta*, *write:admin:meta*",
        );
        assert_eq!(r.permission.as_deref(), Some("read:admin:meta"));
        assert_eq!(parse_requirements("text").credential, None);
    }
}
