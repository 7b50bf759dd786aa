//! Funnels (stub, being written).
