//! The Redis helpers now live in `common::redis`; this module re-exports them for test files
//! written against the earlier layout (`mod presence_support;` next to `mod common;`).
#![allow(unused_imports)]

pub use crate::common::redis::*;
