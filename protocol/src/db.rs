//! The text enums as PostgreSQL values (feature `sqlx`, server only).
//!
//! The tables keep these enums as `text` with a CHECK constraint. Decoding them through the
//! enum itself means a value the code does not know — a migration that added a state, a row
//! written by hand — is a decode error naming the value, never a silent default such as "draft".

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueRef};
use sqlx::{Decode, Encode, Postgres, Type};

use crate::{
    Aggregation, DayBound, DayKind, DeadlineMonth, DeliveryStatus, FigureKind, Frequency,
    OnlineLevel, ProcedureLevel, Role, SubmissionStatus, TokenKind, ValueKind,
};

/// Implements `Type`, `Decode` and `Encode` for an enum spelled in the database by its
/// `as_str`, read back by its `parse` (which answers `None` for an unknown spelling).
macro_rules! text_enum {
    ($($t:ident),* $(,)?) => {$(
        impl Type<Postgres> for $t {
            fn type_info() -> PgTypeInfo {
                <str as Type<Postgres>>::type_info()
            }
            fn compatible(ty: &PgTypeInfo) -> bool {
                <str as Type<Postgres>>::compatible(ty)
            }
        }

        impl<'r> Decode<'r, Postgres> for $t {
            fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
                let s = <&str as Decode<Postgres>>::decode(value)?;
                $t::parse(s).ok_or_else(|| {
                    format!(concat!("unknown ", stringify!($t), " {:?} in the database"), s).into()
                })
            }
        }

        impl Encode<'_, Postgres> for $t {
            fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
                <&str as Encode<Postgres>>::encode(self.as_str(), buf)
            }
        }
    )*};
}

text_enum!(
    Aggregation,
    DayBound,
    DayKind,
    DeadlineMonth,
    DeliveryStatus,
    FigureKind,
    Frequency,
    OnlineLevel,
    ProcedureLevel,
    Role,
    SubmissionStatus,
    TokenKind,
    ValueKind,
);
