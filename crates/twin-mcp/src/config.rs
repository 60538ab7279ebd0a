//! [`McpConfig`]: who may call the HTTP endpoint, and how the server names
//! itself.

use twin_core::Secret;

/// Settings for an [`crate::Mcp`] server. Only the HTTP endpoint uses the
/// access settings; stdio trusts the process that started it.
///
/// Host and origin patterns are matched case-insensitively:
///
/// * `example.com` matches that host with no port;
/// * `example.com:8080` matches that host and port;
/// * `example.com:*` matches that host with any port or none;
/// * `*.vercel.app` matches any subdomain of `vercel.app` (not the bare
///   domain), with no port; `*.vercel.app:*` with any port.
///
/// An origin pattern is a scheme, `://` and a host pattern, e.g.
/// `https://*.example.dev` or `http://localhost:*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct McpConfig {
    /// Browser origins allowed to call the endpoint. A request without an
    /// `Origin` header (any non-browser client) passes; one whose origin
    /// matches none of these is refused with 403, which is what stops a
    /// web page from driving the server (DNS rebinding). Empty: no browser
    /// origin is allowed. Default: `http(s)://localhost`, `127.0.0.1` and
    /// `[::1]`, any port.
    pub allowed_origins: Vec<String>,
    /// Values of the `Host` header the endpoint answers. Anything else is
    /// refused with 421 Misdirected Request, so a hostile domain that
    /// resolves to this machine gets nothing. Empty: any host (the check is
    /// off). Default: `localhost`, `127.0.0.1` and `[::1]`, any port; a
    /// deployment adds its own domain.
    pub allowed_hosts: Vec<String>,
    /// When set, every HTTP request must carry `Authorization: Bearer
    /// <token>` (401 otherwise). Compared in constant time, never logged.
    pub auth_token: Option<Secret>,
    /// The largest request body accepted, in bytes (413 beyond), and the
    /// longest line on stdio.
    pub max_body_bytes: usize,
    /// `serverInfo.name`.
    pub server_name: String,
    /// `serverInfo.version`.
    pub server_version: String,
}

impl Default for McpConfig {
    fn default() -> McpConfig {
        let loopback = ["localhost", "127.0.0.1", "[::1]"];
        McpConfig {
            allowed_origins: ["http", "https"]
                .into_iter()
                .flat_map(|scheme| loopback.map(|host| format!("{scheme}://{host}:*")))
                .collect(),
            allowed_hosts: loopback.map(|host| format!("{host}:*")).to_vec(),
            auth_token: None,
            max_body_bytes: 64 * 1024,
            server_name: "digital-twin".to_owned(),
            server_version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

impl McpConfig {
    /// Whether a `Host` header value (or URI authority) is allowed.
    pub(crate) fn allows_host(&self, host: &str) -> bool {
        self.allowed_hosts.is_empty()
            || self
                .allowed_hosts
                .iter()
                .any(|pattern| authority_matches(pattern, host))
    }

    /// Whether an `Origin` header value is allowed.
    pub(crate) fn allows_origin(&self, origin: &str) -> bool {
        let Some((scheme, authority)) = origin.split_once("://") else {
            return false;
        };
        self.allowed_origins.iter().any(|pattern| {
            pattern
                .split_once("://")
                .is_some_and(|(p_scheme, p_authority)| {
                    p_scheme.eq_ignore_ascii_case(scheme)
                        && authority_matches(p_authority, authority)
                })
        })
    }
}

/// Splits `host[:port]`, keeping IPv6 brackets: `[::1]:80` is `([::1], 80)`.
fn split_authority(authority: &str) -> (&str, Option<&str>) {
    if authority.starts_with('[') {
        return match authority.find(']') {
            Some(end) => {
                let (host, rest) = authority.split_at(end + 1);
                (host, rest.strip_prefix(':'))
            }
            None => (authority, None),
        };
    }
    match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    }
}

fn authority_matches(pattern: &str, authority: &str) -> bool {
    let (p_host, p_port) = split_authority(pattern);
    let (host, port) = split_authority(authority);
    let port_ok = match (p_port, port) {
        (Some("*"), _) => true,
        (Some(p), Some(port)) => p == port,
        (None, None) => true,
        _ => false,
    };
    let host_ok = match p_host.strip_prefix("*.") {
        Some(domain) => {
            host.len() > domain.len() + 1 && {
                let (sub, rest) = host.split_at(host.len() - domain.len());
                sub.ends_with('.') && rest.eq_ignore_ascii_case(domain)
            }
        }
        None => p_host.eq_ignore_ascii_case(host),
    };
    port_ok && host_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_match_patterns() {
        let config = McpConfig {
            allowed_hosts: vec![
                "localhost:*".into(),
                "[::1]:*".into(),
                "twin.example.dev".into(),
                "*.vercel.app".into(),
                "api.example.dev:8443".into(),
            ],
            ..McpConfig::default()
        };
        for ok in [
            "localhost",
            "localhost:3000",
            "LOCALHOST:1",
            "[::1]:8080",
            "twin.example.dev",
            "my-twin-git-main.vercel.app",
            "api.example.dev:8443",
        ] {
            assert!(config.allows_host(ok), "{ok} should be allowed");
        }
        for bad in [
            "evil.com",
            "localhost.evil.com",
            "twin.example.dev:8080",
            "vercel.app",
            "evilvercel.app",
            "api.example.dev:443",
            "[::2]:8080",
            "",
        ] {
            assert!(!config.allows_host(bad), "{bad} should be refused");
        }
        let open = McpConfig {
            allowed_hosts: Vec::new(),
            ..McpConfig::default()
        };
        assert!(open.allows_host("anything.example"));
    }

    #[test]
    fn origins_match_patterns() {
        let config = McpConfig::default();
        for ok in [
            "http://localhost:6274",
            "http://localhost",
            "https://127.0.0.1:3000",
            "http://[::1]:5173",
        ] {
            assert!(config.allows_origin(ok), "{ok} should be allowed");
        }
        for bad in [
            "https://evil.com",
            "http://localhost.evil.com",
            "null",
            "file://localhost",
            "",
        ] {
            assert!(!config.allows_origin(bad), "{bad} should be refused");
        }
    }
}
