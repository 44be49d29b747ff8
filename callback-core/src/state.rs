//! Application state handed to handlers (`State<T>`).

use std::any::{Any, TypeId, type_name};
use std::collections::HashMap;
use std::fmt;

/// Values of distinct types that handlers extract with
/// [`State<T>`](crate::State), one per type.
#[derive(Default)]
pub struct StateMap {
    values: HashMap<TypeId, Box<dyn Any + Send + Sync>>,
    names: Vec<&'static str>,
}

impl StateMap {
    /// An empty map.
    pub fn new() -> Self {
        StateMap::default()
    }

    /// Stores `value`, replacing any earlier value of the same type.
    pub fn insert<T: Clone + Send + Sync + 'static>(&mut self, value: T) {
        if self
            .values
            .insert(TypeId::of::<T>(), Box::new(value))
            .is_none()
        {
            self.names.push(type_name::<T>());
        }
    }

    /// The value of type `T`, if one was stored.
    pub fn get<T: 'static>(&self) -> Option<&T> {
        self.values.get(&TypeId::of::<T>())?.downcast_ref()
    }

    /// Checks that a value of type `T` is present.
    pub fn require<T: 'static>(&self) -> Result<(), MissingState> {
        match self.values.contains_key(&TypeId::of::<T>()) {
            true => Ok(()),
            false => Err(MissingState {
                type_name: type_name::<T>(),
            }),
        }
    }
}

impl fmt::Debug for StateMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(&self.names).finish()
    }
}

/// A handler asks for `State<T>` but no `T` was provided.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "no state of type `{type_name}` was provided; add `.state(value)` where the callbacks are mounted"
)]
pub struct MissingState {
    /// The type asked for.
    pub type_name: &'static str,
}
