//! HTTP plumbing: router assembly, the error type, extractors, operational endpoints.

pub mod error;
pub mod extract;
pub mod ops;
pub mod openapi;
pub mod security;

pub use error::ApiError;
