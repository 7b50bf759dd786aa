//! MMM (stub, being written).
