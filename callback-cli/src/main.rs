//! The `callback` command (being written: sign, verify, send, manifest).

fn main() {}
