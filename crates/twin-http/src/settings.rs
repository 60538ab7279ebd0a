//! Settings from the environment, parsed once at start-up.
//!
//! Raw variables become a validated [`Settings`] here and nowhere else; a bad
//! value stops start-up with one line naming the variable and what it must
//! be, e.g. `TWIN_TOP_K: expected a whole number from 1 to 20, got "ten"`.

use std::fmt;

/// Every setting the HTTP edge reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `TWIN_TOP_K`: chunks retrieved per question (1..=20, default 5).
    pub top_k: usize,
    /// `TWIN_HISTORY_TURNS`: earlier turns used per question (0..=20, default 6).
    pub history_turns: usize,
    /// `TWIN_LOG_FORMAT`: `json` or `pretty` (default: json on Vercel, pretty elsewhere).
    pub log_format: LogFormat,
    /// `TWIN_CORS_ORIGINS`: `*` or a comma-separated list of origins (default `*`).
    pub cors_origins: CorsOrigins,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object per line, for log collectors.
    Json,
    /// Human-readable, for a terminal.
    Pretty,
}

/// Which browser origins may call the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsOrigins {
    Any,
    List(Vec<String>),
}

/// A setting that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct SettingsError {
    pub variable: &'static str,
    pub message: String,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            top_k: 5,
            history_turns: 6,
            log_format: LogFormat::Pretty,
            cors_origins: CorsOrigins::Any,
        }
    }
}

impl Settings {
    /// Reads the process environment.
    pub fn from_env() -> Result<Settings, SettingsError> {
        Settings::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so tests need not touch the process
    /// environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Settings, SettingsError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let defaults = Settings::default();
        let on_vercel = get("VERCEL").is_some();
        Ok(Settings {
            top_k: match get("TWIN_TOP_K") {
                Some(v) => number("TWIN_TOP_K", &v, 1, 20)?,
                None => defaults.top_k,
            },
            history_turns: match get("TWIN_HISTORY_TURNS") {
                Some(v) => number("TWIN_HISTORY_TURNS", &v, 0, 20)?,
                None => defaults.history_turns,
            },
            log_format: match get("TWIN_LOG_FORMAT").as_deref().map(str::trim) {
                Some("json") => LogFormat::Json,
                Some("pretty") => LogFormat::Pretty,
                Some(other) => {
                    return Err(SettingsError {
                        variable: "TWIN_LOG_FORMAT",
                        message: format!("expected `json` or `pretty`, got {other:?}"),
                    });
                }
                None if on_vercel => LogFormat::Json,
                None => LogFormat::Pretty,
            },
            cors_origins: match get("TWIN_CORS_ORIGINS") {
                Some(v) => cors_origins(&v)?,
                None => defaults.cors_origins,
            },
        })
    }
}

fn number(
    variable: &'static str,
    value: &str,
    min: usize,
    max: usize,
) -> Result<usize, SettingsError> {
    value
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| SettingsError {
            variable,
            message: format!("expected a whole number from {min} to {max}, got {value:?}"),
        })
}

fn cors_origins(value: &str) -> Result<CorsOrigins, SettingsError> {
    if value.trim() == "*" {
        return Ok(CorsOrigins::Any);
    }
    let mut list = Vec::new();
    for origin in value.split(',').map(str::trim).filter(|o| !o.is_empty()) {
        let scheme_ok = origin.starts_with("https://") || origin.starts_with("http://");
        let host = origin.split("://").nth(1).unwrap_or("");
        if !scheme_ok || host.is_empty() || host.contains('/') {
            return Err(SettingsError {
                variable: "TWIN_CORS_ORIGINS",
                message: format!(
                    "expected `*` or origins like https://example.com (scheme and host, no path), got {origin:?}"
                ),
            });
        }
        list.push(origin.to_owned());
    }
    Ok(CorsOrigins::List(list))
}

impl fmt::Display for LogFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LogFormat::Json => "json",
            LogFormat::Pretty => "pretty",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        Settings::from_lookup(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn defaults_without_variables() {
        assert_eq!(parse(&[]).unwrap(), Settings::default());
        assert_eq!(
            parse(&[("VERCEL", "1")]).unwrap().log_format,
            LogFormat::Json
        );
    }

    #[test]
    fn reads_valid_values() {
        let s = parse(&[
            ("TWIN_TOP_K", "8"),
            ("TWIN_HISTORY_TURNS", "0"),
            ("TWIN_LOG_FORMAT", "json"),
            (
                "TWIN_CORS_ORIGINS",
                "https://a.example, http://localhost:8080",
            ),
        ])
        .unwrap();
        assert_eq!(s.top_k, 8);
        assert_eq!(s.history_turns, 0);
        assert_eq!(s.log_format, LogFormat::Json);
        assert_eq!(
            s.cors_origins,
            CorsOrigins::List(vec![
                "https://a.example".into(),
                "http://localhost:8080".into()
            ])
        );
    }

    #[test]
    fn bad_values_name_the_variable() {
        let check = |vars: &[(&str, &str)], expect: &str| {
            let err = parse(vars).unwrap_err().to_string();
            assert_eq!(err, expect);
        };
        check(
            &[("TWIN_TOP_K", "ten")],
            r#"TWIN_TOP_K: expected a whole number from 1 to 20, got "ten""#,
        );
        check(
            &[("TWIN_TOP_K", "0")],
            r#"TWIN_TOP_K: expected a whole number from 1 to 20, got "0""#,
        );
        check(
            &[("TWIN_HISTORY_TURNS", "21")],
            r#"TWIN_HISTORY_TURNS: expected a whole number from 0 to 20, got "21""#,
        );
        check(
            &[("TWIN_LOG_FORMAT", "xml")],
            r#"TWIN_LOG_FORMAT: expected `json` or `pretty`, got "xml""#,
        );
        check(
            &[("TWIN_CORS_ORIGINS", "example.com")],
            r#"TWIN_CORS_ORIGINS: expected `*` or origins like https://example.com (scheme and host, no path), got "example.com""#,
        );
    }
}
