//! Comparing a value with what the generated types made of it.

use serde_json::Value;

use crate::schema_gen::UNKNOWN_PREFIX;

/// The same JSON for a request: the same keys everywhere, numbers equal by
/// value (`1` and `1.0`), and strings equal or naming the same instant
/// (`2024-01-01T09:00:00+09:00` and `2024-01-01T00:00:00Z`). Returns the
/// path and the difference of the first mismatch.
pub fn request_diff(sent: &Value, encoded: &Value) -> Result<(), String> {
    diff(sent, encoded, "$", false)
}

/// The same JSON for a response, allowing what decoding legitimately changes:
/// a `null` may come back absent (optional and nullable fields are both
/// `None`), invented unknown properties ([`UNKNOWN_PREFIX`]) disappear, and a
/// missing flag, list or map may come back as `false`, `[]` or `{}`.
pub fn response_diff(received: &Value, encoded: &Value) -> Result<(), String> {
    diff(received, encoded, "$", true)
}

fn diff(a: &Value, b: &Value, path: &str, lenient: bool) -> Result<(), String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, av) in x {
                let p = format!("{path}.{k}");
                match y.get(k) {
                    Some(bv) => diff(av, bv, &p, lenient)?,
                    None if lenient && (av.is_null() || k.starts_with(UNKNOWN_PREFIX)) => {}
                    None => return Err(format!("{p}: lost (was {})", snippet(av))),
                }
            }
            for (k, bv) in y {
                let expected = x.contains_key(k) || (lenient && is_default(bv));
                if !expected {
                    return Err(format!("{path}.{k}: appeared as {}", snippet(bv)));
                }
            }
            Ok(())
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Err(format!("{path}: length {} became {}", x.len(), y.len()));
            }
            for (i, (av, bv)) in x.iter().zip(y).enumerate() {
                diff(av, bv, &format!("{path}[{i}]"), lenient)?;
            }
            Ok(())
        }
        (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => Ok(()),
        (Value::String(x), Value::String(y)) if x == y || same_instant(x, y) => Ok(()),
        _ if a == b => Ok(()),
        _ => Err(format!("{path}: {} became {}", snippet(a), snippet(b))),
    }
}

fn is_default(v: &Value) -> bool {
    v == &Value::Bool(false)
        || v.as_array().is_some_and(|a| a.is_empty())
        || v.as_object().is_some_and(|o| o.is_empty())
}

/// Whether two strings are RFC 3339 date-times of the same instant.
pub fn same_instant(a: &str, b: &str) -> bool {
    match (
        chrono::DateTime::parse_from_rfc3339(a),
        chrono::DateTime::parse_from_rfc3339(b),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// A value shortened for messages.
pub fn snippet(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 160 {
        let cut: String = text.chars().take(160).collect();
        format!("{cut}...")
    } else {
        text
    }
}

/// `encoded` with the `null`s of `original` put back where the encoding left
/// the key out. Merged types hold "absent" and `null` of an answer as one
/// `None` (one version omits a field another sends as `null`), so an answer
/// encodes back without its `null`s; with them restored it must be valid
/// under the version's schema again.
pub fn restore_nulls(original: &Value, encoded: &Value) -> Value {
    match (original, encoded) {
        (Value::Object(a), Value::Object(b)) => {
            let mut out = b.clone();
            for (k, v) in a {
                match b.get(k) {
                    Some(e) => {
                        out.insert(k.clone(), restore_nulls(v, e));
                    }
                    None if v.is_null() => {
                        out.insert(k.clone(), Value::Null);
                    }
                    None => {}
                }
            }
            Value::Object(out)
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            Value::Array(a.iter().zip(b).map(|(x, y)| restore_nulls(x, y)).collect())
        }
        _ => encoded.clone(),
    }
}
