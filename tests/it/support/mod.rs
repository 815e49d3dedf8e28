//! Test support for faults and misuse: a TCP fault proxy to put between the
//! library and the emulator, and a hostile server.

pub mod hostile;
pub mod proxy;
