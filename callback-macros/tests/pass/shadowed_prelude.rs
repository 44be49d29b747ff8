//! The user shadows prelude names, `core`, `std` and the runtime crate's own
//! name with items of their own: the generated code still compiles, as it
//! names everything by absolute path.
#![deny(warnings)]
#![allow(dead_code, unused_macros)]

mod support;

use ::callback_core::{Event, HandlerError, OrgId, StateMap};
use ::callback_macros::{on_install, on_uninstall, on_update};
use ::std::fmt;

#[derive(Debug)]
pub struct MyErr(u64);

impl fmt::Display for MyErr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "my error in org {}", self.0)
    }
}

type Result<T> = ::std::result::Result<T, MyErr>;
struct Box;
enum Option {
    Nothing,
}
struct Some;
struct Pin;
trait Send {}
trait Sync {}
trait Future {}
trait Display {}
trait FromCallback {}
trait IntoHandlerResult {}
mod core {}
mod std {}
mod callback_core {}
macro_rules! panic {
    ($($t:tt)*) => {
        compile_error!("the user's panic!")
    };
}
macro_rules! module_path {
    () => {
        "the user's module_path!"
    };
}
macro_rules! unreachable {
    ($($t:tt)*) => {
        compile_error!("the user's unreachable!")
    };
}

#[on_install]
async fn installed(org: OrgId) -> Result<()> {
    match org.get() {
        0 => Err(MyErr(0)),
        _ => Ok(()),
    }
}

#[on_update]
async fn updated(org: OrgId) -> ::std::result::Result<(), HandlerError> {
    Err(HandlerError::msg(format_args!("update refused for {org}")))
}

#[on_uninstall]
async fn uninstalled() {}

fn main() {
    // `callbacks![]` itself uses a `panic!`, through its own crate.
    let handlers = ::callback_core::callbacks![installed, updated, uninstalled];
    let modules: Vec<_> = handlers.iter().map(|h| &*h.info().module).collect();
    assert!(modules.iter().all(|m| !m.contains("user's")), "{modules:?}");

    let state = StateMap::new();
    let results: Vec<_> = handlers
        .iter()
        .zip([Event::Install, Event::Update, Event::Uninstall])
        .map(|(handler, event)| support::run(handler, event, 0, &state))
        .collect();
    assert_eq!(
        results,
        [
            Err("my error in org 0".to_owned()),
            Err("update refused for 0".to_owned()),
            Ok(()),
        ]
    );
}
