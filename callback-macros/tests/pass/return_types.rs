//! Every accepted return type: `()` and `Result<(), E>` for any
//! `E: Display` (the framework's `HandlerError`, `anyhow`, a custom error, a
//! `String`, a boxed error, a type alias); the error's message, sources
//! included, reaches the framework.
#![deny(warnings)]

mod support;

use anyhow::Context;
use callback_core::{Event, HandlerError, HandlerList, OrgId, StateMap, callbacks};
use callback_macros::*;
use std::fmt;

#[derive(Debug)]
struct MyError {
    org: u64,
}

impl fmt::Display for MyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "custom error for org {}", self.org)
    }
}

type MyResult = Result<(), MyError>;

#[on_install]
async fn unit() {}

#[on_zoho_authorise]
async fn handler_error(org: OrgId) -> Result<(), HandlerError> {
    Err(std::io::Error::other(format!("io for {org}")))?
}

#[on_tpa_authorise]
async fn with_anyhow(org: OrgId) -> anyhow::Result<()> {
    Err(anyhow::anyhow!("inner {org}")).context("outer")
}

#[on_tpa_revoke]
async fn custom(org: OrgId) -> Result<(), MyError> {
    Err(MyError { org: org.get() })
}

#[on_update]
async fn alias(org: OrgId) -> MyResult {
    match org.get() {
        0 => Ok(()),
        org => Err(MyError { org }),
    }
}

#[on_config_param_add]
async fn string(org: OrgId) -> Result<(), String> {
    Err(format!("string {org}"))
}

#[on_config_param_delete]
async fn boxed(org: OrgId) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    Err(format!("boxed {org}").into())
}

#[on_uninstall]
async fn static_str() -> Result<(), &'static str> {
    Ok(())
}

fn run_all(handlers: &HandlerList, org: u64) -> Vec<Result<(), String>> {
    let state = StateMap::new();
    handlers
        .iter()
        .zip(Event::ALL)
        .map(|(handler, event)| support::run(handler, event, org, &state))
        .collect()
}

fn main() {
    let handlers = callbacks![
        unit,
        handler_error,
        with_anyhow,
        custom,
        alias,
        string,
        boxed,
        static_str,
    ];
    assert_eq!(
        run_all(&handlers, 5),
        [
            Ok(()),
            Err("io for 5".to_owned()),
            Err("outer: inner 5".to_owned()),
            Err("custom error for org 5".to_owned()),
            Err("custom error for org 5".to_owned()),
            Err("string 5".to_owned()),
            Err("boxed 5".to_owned()),
            Ok(()),
        ]
    );
    assert_eq!(run_all(&handlers, 0)[4], Ok(()));
}
