//! # mensura-synth
//!
//! Deterministic synthetic upstream tables for the measurement stack (work in progress).
