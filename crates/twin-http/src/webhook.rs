//! Who may trigger a reindex: a GitHub webhook signed with the shared secret
//! (`X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`), or a
//! caller presenting the secret as `Authorization: Bearer <secret>` (Vercel
//! deploy hooks, CI, curl).
//!
//! Both comparisons are constant-time: the signature through
//! [`Mac::verify_slice`], the bearer token by comparing the MACs of the two
//! values, which also hides the secret's length.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use twin_core::Secret;

type HmacSha256 = Hmac<Sha256>;

/// The GitHub signature header.
pub const SIGNATURE_HEADER: &str = "x-hub-signature-256";

/// Why a request was refused. The messages say what was wrong with the
/// request, never anything about the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("missing credentials: send X-Hub-Signature-256 or Authorization: Bearer")]
    Missing,
    #[error("X-Hub-Signature-256 must look like sha256=<64 hex digits>")]
    MalformedSignature,
    #[error("the signature does not match the body")]
    BadSignature,
    #[error("the bearer token is wrong")]
    BadToken,
}

/// Checks a reindex request's credentials against `secret`.
///
/// A signature header, when present, decides alone: a request signed with
/// the wrong key is refused even if it also carries a bearer token.
pub fn authorize(headers: &HeaderMap, body: &[u8], secret: &Secret) -> Result<(), AuthError> {
    if let Some(value) = headers.get(SIGNATURE_HEADER) {
        let signature = value
            .to_str()
            .ok()
            .and_then(|v| v.trim().strip_prefix("sha256="))
            .and_then(|hex| hex::decode(hex).ok())
            .filter(|bytes| bytes.len() == 32)
            .ok_or(AuthError::MalformedSignature)?;
        let mut mac = mac(secret);
        mac.update(body);
        return mac
            .verify_slice(&signature)
            .map_err(|_| AuthError::BadSignature);
    }
    match bearer(headers) {
        None => Err(AuthError::Missing),
        Some(token) if token_matches(token, secret) => Ok(()),
        Some(_) => Err(AuthError::BadToken),
    }
}

/// True when `headers` carry `Authorization: Bearer <secret>`, compared in
/// constant time.
pub fn bearer_matches(headers: &HeaderMap, secret: &Secret) -> bool {
    bearer(headers).is_some_and(|token| token_matches(token, secret))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
}

/// Compares the MACs of the two values: constant-time, and blind to the
/// secret's length.
fn token_matches(token: &str, secret: &Secret) -> bool {
    let mut expected = mac(secret);
    expected.update(secret.expose().as_bytes());
    let expected = expected.finalize().into_bytes();
    let mut presented = mac(secret);
    presented.update(token.as_bytes());
    presented.verify_slice(&expected).is_ok()
}

/// The `X-Hub-Signature-256` value GitHub would send for `body`.
pub fn sign(secret: &Secret, body: &[u8]) -> String {
    let mut mac = mac(secret);
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn mac(secret: &Secret) -> HmacSha256 {
    // HMAC takes keys of any length, so this cannot fail.
    <HmacSha256 as KeyInit>::new_from_slice(secret.expose().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    const SECRET: &str = "It's a Secret to Everybody";

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn github_documented_example_verifies() {
        // The worked example in GitHub's "Validating webhook deliveries".
        let secret = Secret::new(SECRET);
        let body = b"Hello, World!";
        let signature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assert_eq!(sign(&secret, body), signature);
        assert_eq!(
            authorize(&headers(&[(SIGNATURE_HEADER, signature)]), body, &secret),
            Ok(())
        );
        assert_eq!(
            authorize(
                &headers(&[(SIGNATURE_HEADER, signature)]),
                b"Hello, World?",
                &secret
            ),
            Err(AuthError::BadSignature)
        );
    }

    #[test]
    fn bad_credentials_are_refused() {
        let secret = Secret::new(SECRET);
        let check = |pairs: &[(&'static str, &str)], expect: AuthError| {
            assert_eq!(authorize(&headers(pairs), b"{}", &secret), Err(expect));
        };
        check(&[], AuthError::Missing);
        check(
            &[("authorization", "Basic dXNlcjpwYXNz")],
            AuthError::Missing,
        );
        check(&[("authorization", "Bearer nope")], AuthError::BadToken);
        check(&[("authorization", "Bearer ")], AuthError::Missing);
        check(
            &[(SIGNATURE_HEADER, "sha1=abc")],
            AuthError::MalformedSignature,
        );
        check(
            &[(SIGNATURE_HEADER, "sha256=zz")],
            AuthError::MalformedSignature,
        );
        // A wrong signature is not rescued by a right token.
        check(
            &[
                (SIGNATURE_HEADER, &sign(&Secret::new("other"), b"{}")),
                ("authorization", &format!("Bearer {SECRET}")),
            ],
            AuthError::BadSignature,
        );
    }

    #[test]
    fn the_right_bearer_token_is_accepted() {
        let secret = Secret::new(SECRET);
        let auth = format!("bearer  {SECRET} ");
        assert_eq!(
            authorize(&headers(&[("authorization", &auth)]), b"", &secret),
            Ok(())
        );
        let longer = format!("Bearer {SECRET}!");
        assert_eq!(
            authorize(&headers(&[("authorization", &longer)]), b"", &secret),
            Err(AuthError::BadToken)
        );
    }
}
