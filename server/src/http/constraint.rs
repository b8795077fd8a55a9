//! Named constraint violations as 422s: the one place where a database error becomes the
//! client's mistake.
//!
//! The tables guard their invariants with named constraints (`units_code_check`,
//! `users_username_key`, …). A write the handler did not (or could not, under concurrency) check
//! beforehand fails on one of them; the domain says what each name means — a
//! [`Violation`] table of bilingual messages, or [`on_constraint`](ApiError::on_constraint) with
//! an error of its own (`unknown_unit` naming the codes) — and every other database error stays
//! an internal one. Matching by name, not by SQLSTATE alone, means a constraint nobody explained
//! is a 500 to investigate rather than a misleading message.

use super::ApiError;

/// What the violation of one named constraint tells the client, in both languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Violation {
    pub constraint: &'static str,
    pub vi: &'static str,
    pub en: &'static str,
}

/// The constraint an integrity violation (SQLSTATE class 23: unique, foreign key, check, not
/// null, exclusion) names, if the error is one.
pub fn violated_constraint(e: &sqlx::Error) -> Option<&str> {
    match e {
        sqlx::Error::Database(d) if d.code().is_some_and(|c| c.starts_with("23")) => d.constraint(),
        _ => None,
    }
}

impl ApiError {
    /// A 422 `invalid_body` whose message the domain writes in both languages.
    pub fn invalid(vi: impl Into<String>, en: impl Into<String>) -> ApiError {
        ApiError::Rejected {
            code: "invalid_body",
            vi: vi.into(),
            en: en.into(),
        }
    }

    /// `to()` when this is the violation of `constraint`, otherwise `self` unchanged.
    pub fn on_constraint(self, constraint: &str, to: impl FnOnce() -> ApiError) -> ApiError {
        match &self {
            ApiError::Database(e) if violated_constraint(e) == Some(constraint) => to(),
            _ => self,
        }
    }

    /// The violation of a constraint listed in `table` as a 422 `invalid_body` with its
    /// message; anything else unchanged.
    pub fn on_violation(self, table: &[Violation]) -> ApiError {
        let found = match &self {
            ApiError::Database(e) => {
                violated_constraint(e).and_then(|name| table.iter().find(|v| v.constraint == name))
            }
            _ => None,
        };
        match found {
            Some(v) => ApiError::invalid(v.vi, v.en),
            None => self,
        }
    }
}

/// The same on a query's result: `query.await.on_constraint("units_pkey", || …)?`.
pub trait OnConstraint<T> {
    fn on_constraint(self, constraint: &str, to: impl FnOnce() -> ApiError) -> Result<T, ApiError>;
    fn on_violation(self, table: &[Violation]) -> Result<T, ApiError>;
}

impl<T, E: Into<ApiError>> OnConstraint<T> for Result<T, E> {
    fn on_constraint(self, constraint: &str, to: impl FnOnce() -> ApiError) -> Result<T, ApiError> {
        self.map_err(|e| e.into().on_constraint(constraint, to))
    }

    fn on_violation(self, table: &[Violation]) -> Result<T, ApiError> {
        self.map_err(|e| e.into().on_violation(table))
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    use sqlx::error::{DatabaseError, ErrorKind};

    use super::*;

    /// A PostgreSQL error as the driver reports it: a SQLSTATE and the constraint's name.
    #[derive(Debug)]
    struct PgLike {
        code: &'static str,
        constraint: &'static str,
    }

    impl std::fmt::Display for PgLike {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "violates {}", self.constraint)
        }
    }

    impl std::error::Error for PgLike {}

    impl DatabaseError for PgLike {
        fn message(&self) -> &str {
            "constraint violated"
        }
        fn code(&self) -> Option<Cow<'_, str>> {
            Some(Cow::Borrowed(self.code))
        }
        fn constraint(&self) -> Option<&str> {
            Some(self.constraint)
        }
        fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
            self
        }
        fn kind(&self) -> ErrorKind {
            match self.code {
                "23505" => ErrorKind::UniqueViolation,
                "23503" => ErrorKind::ForeignKeyViolation,
                "23514" => ErrorKind::CheckViolation,
                _ => ErrorKind::Other,
            }
        }
    }

    fn violation(code: &'static str, constraint: &'static str) -> Result<(), sqlx::Error> {
        Err(sqlx::Error::Database(Box::new(PgLike { code, constraint })))
    }

    const TABLE: &[Violation] = &[
        Violation {
            constraint: "units_code_check",
            vi: "Mã không hợp lệ",
            en: "bad code",
        },
        Violation {
            constraint: "units_name_vi_check",
            vi: "Tên trống",
            en: "blank name",
        },
    ];

    async fn body(e: ApiError) -> (StatusCode, serde_json::Value) {
        let res = e.into_response();
        let status = res.status();
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 16)
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn a_listed_constraint_is_a_422_in_both_languages() {
        let e = violation("23514", "units_name_vi_check")
            .on_violation(TABLE)
            .unwrap_err();
        let (status, json) = body(e).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(json["error"]["code"], "invalid_body");
        assert_eq!(json["error"]["message_vi"], "Tên trống");
        assert_eq!(json["error"]["message_en"], "blank name");
    }

    #[test]
    fn the_first_matching_rule_wins_and_others_pass_through() {
        let e = violation("23503", "units_parent_code_fkey")
            .on_constraint("units_pkey", || ApiError::invalid("trùng", "taken"))
            .on_constraint("units_parent_code_fkey", || {
                ApiError::UnknownUnit(vec!["99".into()])
            })
            .on_violation(TABLE)
            .unwrap_err();
        assert!(
            matches!(&e, ApiError::UnknownUnit(c) if c == &["99"]),
            "{e:?}"
        );
        // Already mapped: later rules leave it alone.
        let e = e.on_constraint("units_parent_code_fkey", || ApiError::NotFound);
        assert!(matches!(e, ApiError::UnknownUnit(_)));
    }

    #[test]
    fn an_unlisted_constraint_stays_an_internal_error() {
        let e = violation("23514", "units_kind_check")
            .on_violation(TABLE)
            .unwrap_err();
        assert!(matches!(e, ApiError::Database(_)));
        assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn only_integrity_violations_are_matched() {
        // A deadlock (40P01) that happens to name a constraint is not the client's mistake.
        let e = violation("40P01", "units_code_check")
            .on_violation(TABLE)
            .unwrap_err();
        assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let e = Err::<(), _>(sqlx::Error::RowNotFound)
            .on_constraint("units_code_check", || ApiError::NotFound)
            .unwrap_err();
        assert!(matches!(e, ApiError::Database(sqlx::Error::RowNotFound)));
    }
}
