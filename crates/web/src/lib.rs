//! # mensura-web
//!
//! The notebook (work in progress).
