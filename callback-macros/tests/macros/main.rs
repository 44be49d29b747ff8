//! The macros' integration tests, in one binary: what the generated code
//! does when the router calls it (`dispatch` for callbacks, `desk` for Desk
//! events), and every compile error and accepted form, pinned by trybuild
//! (`trybuild`).

mod desk;
mod dispatch;
mod trybuild;

use std::sync::{Arc, Mutex};

/// What the handlers of a test saw, in order: the state they are given.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<String>>>);

impl Seen {
    fn push(&self, entry: String) {
        self.0.lock().unwrap().push(entry);
    }
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}
