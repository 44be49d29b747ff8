//! install-tracker's tests, in one binary: the binary itself started as its
//! own process on 127.0.0.1:0 (`common`), and what each subject proves.

mod common;

mod blank_secret;
mod connections;
mod crash;
mod demo_secret;
mod desk;
mod dev_key;
mod end_to_end;
mod handlers;
mod http;
mod invoke;
mod load;
mod manifest;
mod permissions;
mod postgres;
mod read_access;
