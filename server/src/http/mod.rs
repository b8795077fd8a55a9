//! HTTP plumbing: router assembly, the error type, extractors, operational endpoints.

pub mod constraint;
pub mod error;
pub mod extract;
pub mod input;
pub mod openapi;
pub mod ops;
pub mod security;

pub use error::ApiError;
