//! Tests of the calculation engine (`cargo test -p mesh-emulator calc`).

mod calendar;
mod expressions;
mod support;
mod transform;
