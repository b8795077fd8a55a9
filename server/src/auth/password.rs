//! Password hashing with argon2id (OWASP's first choice), off the async runtime.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Shortest password accepted. Length beats composition rules (NIST SP 800-63B).
pub const MIN_PASSWORD_LEN: usize = 10;

/// A password as typed; never printed.
pub struct Password(String);

impl Password {
    pub fn new(s: impl Into<String>) -> Self {
        Password(s.into())
    }

    pub fn is_acceptable(&self) -> bool {
        self.0.chars().count() >= MIN_PASSWORD_LEN && self.0.len() <= 1024
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// Hashes with argon2id and a fresh salt; returns the PHC string. Takes tens of milliseconds
/// of CPU by design, so it runs on the blocking pool.
pub async fn hash(password: Password) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.0.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
    })
    .await?
}

/// Checks a password against a stored PHC string. A malformed hash never verifies.
pub async fn verify(password: Password, phc: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&phc)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.0.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A hash of a random password, to spend the same time on unknown usernames as on known ones
/// (so response times do not reveal which accounts exist).
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"not-a-real-password-0123456789", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let a = hash(Password::new("correct horse battery")).await.unwrap();
        let b = hash(Password::new("correct horse battery")).await.unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "salted");
        assert!(verify(Password::new("correct horse battery"), a.clone()).await);
        assert!(!verify(Password::new("wrong horse battery"), a).await);
        assert!(!verify(Password::new("x"), "garbage".into()).await);
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(!Password::new("short").is_acceptable());
        assert!(Password::new("mười ký tự đủ dài").is_acceptable());
    }
}
