use crate::Permission;

impl Permission {
    /// Whether this permission grants reading (`read:...`).
    pub fn is_read(&self) -> bool {
        self.as_str().starts_with("read:")
    }

    /// Whether this permission grants writing (`write:...`).
    pub fn is_write(&self) -> bool {
        self.as_str().starts_with("write:")
    }

    /// Whether this is a moderator/administrator permission (`read:admin:...`, `write:admin:...`).
    pub fn is_admin(&self) -> bool {
        let mut parts = self.as_str().split(':');
        parts.next();
        parts.next() == Some("admin")
    }

    /// Every permission this version of the bindings knows, in a stable order.
    pub fn all() -> impl Iterator<Item = Permission> {
        Self::KNOWN.iter().map(|s| Permission::from(*s))
    }

    /// Joins permissions as a MiAuth `permission` parameter (`a,b,c`).
    pub fn join<'a>(
        permissions: impl IntoIterator<Item = &'a Permission>,
        separator: &str,
    ) -> String {
        let mut out = String::new();
        for (i, p) in permissions.into_iter().enumerate() {
            if i > 0 {
                out.push_str(separator);
            }
            out.push_str(p.as_str());
        }
        out
    }
}

impl PartialOrd for Permission {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Permissions order by their string form, so sets of them print in a stable order.
impl Ord for Permission {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}
