//! The ClickHouse side (being written).
