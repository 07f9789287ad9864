//! Secret-looking names and values, shared by the rules that must not let a credential
//! sit in plain text (DF009 in Dockerfiles, K8S008 in manifests).
//!
//! A name is secret when one of its `_`/`-` separated parts is a secret word (or two
//! consecutive parts name a key), unless its last part says it is a setting about the
//! secret (`PASSWORD_FILE`, `TOKEN_URL`). Callers never print the values they test.

/// Words that make a variable name secret when one is a whole segment of the name.
const SECRET_WORDS: &[&str] = &["SECRET", "PASSWORD", "PASSWD", "TOKEN", "APIKEY"];

/// Consecutive segments that name a key.
const SECRET_PAIRS: &[(&str, &str)] = &[
    ("API", "KEY"),
    ("PRIVATE", "KEY"),
    ("ACCESS", "KEY"),
    ("SECRET", "KEY"),
];

/// Last segments that make a secret-looking name a setting about the secret rather than
/// the secret itself (`PASSWORD_FILE`, `TOKEN_URL`, `JWT_SECRET_ALGORITHM`).
const CONFIG_SUFFIXES: &[&str] = &[
    "FILE",
    "PATH",
    "DIR",
    "URL",
    "HOST",
    "PORT",
    "USER",
    "USERNAME",
    "NAME",
    "ENDPOINT",
    "HEADER",
    "ALGORITHM",
    "LENGTH",
    "TTL",
    "MINUTES",
    "SECONDS",
    "TIMEOUT",
    "EXPIRE",
    "EXPIRES",
    "ENABLED",
    "TYPE",
    "ID",
    "PREFIX",
    "SCHEME",
    "LIFETIME",
    "DAYS",
    "HOURS",
    "EXPIRATION",
    "EXPIRY",
    "AUDIENCE",
    "ISSUER",
    "FORMAT",
];

/// Whether a variable name looks like it holds a secret.
pub(crate) fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let segments: Vec<&str> = upper.split(['_', '-']).filter(|s| !s.is_empty()).collect();
    let Some(last) = segments.last() else {
        return false;
    };
    if CONFIG_SUFFIXES.contains(last) {
        return false;
    }
    segments.iter().any(|s| SECRET_WORDS.contains(s))
        || segments.windows(2).any(|pair| {
            SECRET_PAIRS
                .iter()
                .any(|(a, b)| pair[0] == *a && pair[1] == *b)
        })
}

/// Whether a value is a literal that could be a secret: non-empty, no variable
/// reference, not a boolean, number or placeholder for "nothing".
pub(crate) fn is_literal_secret_value(value: &str) -> bool {
    let lower = value.trim().to_ascii_lowercase();
    !lower.is_empty()
        && !value.contains('$')
        && !matches!(lower.as_str(), "true" | "false" | "none" | "null")
        && lower.parse::<f64>().is_err()
}

/// Whether a value is a URL carrying a literal password (`scheme://user:pass@host`);
/// a `$`-templated or `***`-masked password does not count.
pub(crate) fn has_url_password(value: &str) -> bool {
    value.split_whitespace().any(|part| {
        let Some((_, rest)) = part.split_once("://") else {
            return false;
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let Some((userinfo, _host)) = authority.rsplit_once('@') else {
            return false;
        };
        let Some((_user, password)) = userinfo.split_once(':') else {
            return false;
        };
        !password.is_empty() && !password.contains('$') && !password.chars().all(|c| c == '*')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for name in [
            "DB_PASSWORD",
            "SECRET_KEY",
            "JWT_SECRET",
            "GITHUB_TOKEN",
            "OPENAI_API_KEY",
            "apiKey",
            "STRIPE_APIKEY",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_ACCESS_KEY",
            "SSH_PRIVATE_KEY",
            "db-passwd",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "PASSWORD_FILE",
            "TOKEN_URL",
            "SECRET_KEY_ALGORITHM",
            "TOKENIZERS_PARALLELISM",
            "ACCESS_TOKEN_EXPIRE_MINUTES",
            "API_KEY_HEADER",
            "jwt_token_prefix",
            "REFRESH_TOKEN_LIFETIME",
            "SECRETS_DIR",
            "PRIMARY_KEY",
            "KEYCLOAK_REALM",
            "AWS_ACCESS_KEY_ID",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn literal_values() {
        assert!(is_literal_secret_value("changeme"));
        for value in [
            "",
            "$TOKEN",
            "${TOKEN:-x}",
            "true",
            "False",
            "30",
            "1.5",
            "none",
        ] {
            assert!(!is_literal_secret_value(value), "{value}");
        }
    }

    #[test]
    fn url_passwords() {
        assert!(has_url_password("postgresql://app:hunter2@db:5432/app"));
        assert!(has_url_password("redis://:hunter2@cache:6379/0"));
        assert!(has_url_password("postgres://app:pw@${DB_HOST}/app"));
        for value in [
            "postgresql://app@db/app",
            "postgresql://app:${DB_PASSWORD}@db/app",
            "postgresql://app:$PW@db/app",
            "postgresql://app:***@db/app",
            "https://example.com/path?a=b@c",
            "postgresql://db:5432/app",
        ] {
            assert!(!has_url_password(value), "{value}");
        }
    }
}
