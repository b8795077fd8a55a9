//! A unit's code, typed: checked once where it enters (a path, a topic, a body) by the same rule
//! as the `units` table's CHECK, then carried as a `UnitCode`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The code of an administrative unit or a department as the official lists write it: "40"
/// (Nghệ An), "17329" (a commune), "dept-stc" (a department), `hp-…`/`hd-…`/`hc-…` (historic
/// units): 1 to 32 of `0-9 A-Z a-z _ . -`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnitCode(String);

impl UnitCode {
    pub const MAX_LEN: usize = 32;

    pub fn parse(s: &str) -> Option<UnitCode> {
        let ok = !s.is_empty()
            && s.len() <= Self::MAX_LEN
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
        ok.then(|| UnitCode(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for UnitCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for UnitCode {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for UnitCode {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for UnitCode {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// Why a text is not a unit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAUnitCode(pub String);

impl fmt::Display for NotAUnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a unit code (1 to 32 of 0-9 A-Z a-z _ . -)",
            self.0
        )
    }
}

impl std::error::Error for NotAUnitCode {}

impl FromStr for UnitCode {
    type Err = NotAUnitCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        UnitCode::parse(s).ok_or_else(|| NotAUnitCode(s.to_string()))
    }
}

impl Serialize for UnitCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for UnitCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "sqlx")]
mod db {
    use sqlx::encode::IsNull;
    use sqlx::error::BoxDynError;
    use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueRef};
    use sqlx::{Decode, Encode, Postgres, Type};

    use super::UnitCode;

    impl Type<Postgres> for UnitCode {
        fn type_info() -> PgTypeInfo {
            <str as Type<Postgres>>::type_info()
        }
        fn compatible(ty: &PgTypeInfo) -> bool {
            <str as Type<Postgres>>::compatible(ty)
        }
    }

    /// A stored code the rule does not accept is a decode error (the table's CHECK makes it
    /// impossible; a hand-edited row is named, not passed on).
    impl<'r> Decode<'r, Postgres> for UnitCode {
        fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
            let s = <&str as Decode<Postgres>>::decode(value)?;
            Ok(s.parse::<UnitCode>()?)
        }
    }

    impl Encode<'_, Postgres> for UnitCode {
        fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
            <&str as Encode<Postgres>>::encode(self.as_str(), buf)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_rule() {
        for good in ["40", "17329", "dept-stc", "hp-1a2b.c_d", &"x".repeat(32)] {
            assert!(UnitCode::parse(good).is_some(), "{good:?}");
        }
        for bad in ["", "a b", "40/1", "xã", "a\0b", &"x".repeat(33)] {
            assert!(UnitCode::parse(bad).is_none(), "{bad:?}");
        }
        assert!(serde_json::from_str::<UnitCode>("\"a b\"").is_err());
        assert_eq!(
            serde_json::to_string(&UnitCode::parse("40").unwrap()).unwrap(),
            "\"40\""
        );
    }
}
