//! Request paths to files, safely.
//!
//! A request path is split on `/` *before* percent-decoding, and every decoded segment is checked
//! on its own, so `%2e%2e`, `%2f` and `%5c` cannot smuggle a `..`, a separator or a backslash past
//! the checks. The file is then found by joining the segments onto the root's canonical path and
//! canonicalizing the result: every symlink is followed, and the real path must still lie inside
//! the root. The checks on names (dotfiles, bridge tables) run twice: on the path as requested and
//! on the real path inside the root, so an in-root symlink with an innocent name cannot expose a
//! refused file.

use std::path::{Component, Path, PathBuf};

/// Why a request path is not served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Refusal {
    /// The path itself is malformed or hostile (dot segments, backslashes, encoded separators,
    /// NUL, invalid percent-encoding or UTF-8): 400.
    BadRequest(&'static str),
    /// Missing, hidden, internal-only, or outside the root; deliberately indistinguishable: 404.
    NotFound,
}

/// A request path that passed the syntactic checks: decoded segments, none empty, none a dot
/// segment, none hidden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RequestPath {
    pub segments: Vec<String>,
    /// The path ended in `/` (or was `/`).
    pub trailing_slash: bool,
}

/// Substrings (lowercase) that make a file or directory name internal-only wherever it appears:
/// the identity-bridge tables hold raw addresses and must never leave ClickHouse.
const INTERNAL_NAME_PARTS: [&str; 3] = ["identity_bridge", "bridge", "user_identities"];

/// A name that is never served: a dotfile (`.env`, `.git`) or an internal-only table.
pub(super) fn is_refused_name(name: &str) -> bool {
    if name.starts_with('.') {
        return true;
    }
    let lower = name.to_ascii_lowercase();
    INTERNAL_NAME_PARTS.iter().any(|part| lower.contains(part))
}

/// Splits and decodes the path of a request URI (as sent, still percent-encoded; no query).
pub(super) fn parse(raw: &str) -> Result<RequestPath, Refusal> {
    let Some(rest) = raw.strip_prefix('/') else {
        return Err(Refusal::BadRequest("the path must start with /"));
    };
    if rest.is_empty() {
        return Ok(RequestPath {
            segments: Vec::new(),
            trailing_slash: true,
        });
    }
    let (rest, trailing_slash) = match rest.strip_suffix('/') {
        Some(r) => (r, true),
        None => (rest, false),
    };
    let mut segments = Vec::new();
    for raw_segment in rest.split('/') {
        let bytes = percent_decode(raw_segment)
            .ok_or(Refusal::BadRequest("invalid percent-encoding in the path"))?;
        let segment = String::from_utf8(bytes)
            .map_err(|_| Refusal::BadRequest("the path is not valid UTF-8"))?;
        check_segment(&segment)?;
        segments.push(segment);
    }
    Ok(RequestPath {
        segments,
        trailing_slash,
    })
}

fn check_segment(segment: &str) -> Result<(), Refusal> {
    match segment {
        // `//x` would make the join absolute on some platforms; there is no empty name anyway.
        "" => Err(Refusal::BadRequest("empty path segment")),
        "." | ".." => Err(Refusal::BadRequest("dot segments are not allowed")),
        s if s.contains(['/', '\\']) => Err(Refusal::BadRequest("encoded path separator")),
        s if s.contains(['\0', ':']) || s.chars().any(char::is_control) => {
            Err(Refusal::BadRequest("invalid character in the path"))
        }
        s if is_refused_name(s) => Err(Refusal::NotFound),
        _ => Ok(()),
    }
}

/// Decodes `%XX` escapes; `None` on a truncated or non-hex escape. `+` stays `+` (this is a
/// path, not a form).
fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hi = hex_value(*bytes.get(i + 1)?)?;
            let lo = hex_value(*bytes.get(i + 2)?)?;
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Canonicalizes `root/segments…` and checks that the real path lies inside `root` (which must
/// itself be canonical) and that no name on the real path inside the root is refused. Follows
/// symlinks: ones that stay inside the root are fine, ones that leave it are [`Refusal::NotFound`],
/// as is a missing file.
pub(super) fn resolve_within(root: &Path, segments: &[String]) -> Result<PathBuf, Refusal> {
    let mut joined = root.to_path_buf();
    joined.extend(segments);
    let real = joined.canonicalize().map_err(|_| Refusal::NotFound)?;
    let inside = real.strip_prefix(root).map_err(|_| Refusal::NotFound)?;
    for component in inside.components() {
        match component {
            Component::Normal(name) if !is_refused_name(&name.to_string_lossy()) => {}
            _ => return Err(Refusal::NotFound),
        }
    }
    Ok(real)
}

#[cfg(test)]
mod tests {
    use super::{Refusal, is_refused_name, parse};

    fn segments(raw: &str) -> Result<Vec<String>, Refusal> {
        parse(raw).map(|p| p.segments)
    }

    #[test]
    fn plain_paths_decode() {
        assert_eq!(segments("/"), Ok(vec![]));
        assert_eq!(segments("/a/b.js"), Ok(vec!["a".into(), "b.js".into()]));
        assert_eq!(segments("/a%20b/c+d"), Ok(vec!["a b".into(), "c+d".into()]));
        let p = parse("/bench/").expect("a directory path");
        assert!(p.trailing_slash);
        assert_eq!(p.segments, vec!["bench".to_string()]);
    }

    #[test]
    fn hostile_paths_are_refused() {
        let bad = [
            "/../secret",
            "/a/../../secret",
            "/%2e%2e/secret",
            "/%2E%2E/secret",
            "/.%2e/secret",
            "/..%2fsecret",
            "/a%2f..%2f..%2fsecret",
            "/..%5csecret",
            "/a\\..\\secret",
            "//etc/passwd",
            "/a//b",
            "/./a",
            "/a%00b",
            "/c:%5cwindows",
            "/%zz",
            "/%e",
            "/%ff%fe",
            "relative",
        ];
        for raw in bad {
            assert!(
                matches!(parse(raw), Err(Refusal::BadRequest(_))),
                "{raw}: {:?}",
                parse(raw)
            );
        }
    }

    #[test]
    fn hidden_and_internal_names_are_not_found() {
        for raw in [
            "/.env",
            "/.git/config",
            "/%2eenv",
            "/a/.hidden.parquet",
            "/identity_bridge.parquet",
            "/gp_IDENTITY_BRIDGE.parquet",
            "/Bridge/x.js",
            "/%62ridge.parquet",
            "/user_identities.parquet",
        ] {
            assert_eq!(parse(raw), Err(Refusal::NotFound), "{raw}");
        }
        assert!(is_refused_name("ga_bridge_snapshot.csv"));
        assert!(!is_refused_name("journeys_touches_ga.parquet"));
    }
}
