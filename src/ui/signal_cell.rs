//! The value and the trigger behind the app's own signals (`page_signal`, `view_signal`).
//!
//! Why not Leptos's `RwSignal`: it is compiled once per value type (its arena slot, its lock,
//! its read, update and track paths), and each part of the app carries an instance for every
//! type its signals hold. A cell is one untyped `ArcTrigger` for the subscriptions, compiled
//! once, and the value in a `RefCell`: each value type adds only its borrow.
//!
//! The methods keep `RwSignal`'s names and meaning, so reading code reads the same: `with`
//! subscribes, `with_untracked` does not, `set` and `update` notify after the value is changed
//! and its borrow released. As with `RwSignal`, changing a value from inside a `with` of the
//! same signal is a bug (here a `RefCell` borrow error; there a lock that cannot be taken).

use leptos::prelude::{ArcTrigger, Notify, Track};
use send_wrapper::SendWrapper;
use std::cell::RefCell;

pub struct SignalCell<T> {
    trigger: ArcTrigger,
    /// Reactive closures must be `Send`; the wasm has one thread, and `SendWrapper` checks it.
    value: SendWrapper<RefCell<T>>,
}

impl<T> SignalCell<T> {
    pub fn new(value: T) -> Self {
        SignalCell {
            trigger: ArcTrigger::new(),
            value: SendWrapper::new(RefCell::new(value)),
        }
    }

    /// Subscribes whatever runs this (an effect, a memo, a view) to changes.
    pub fn track(&self) {
        self.trigger.track();
    }

    /// Tells every subscriber that the value changed.
    pub fn notify(&self) {
        self.trigger.notify();
    }

    pub fn with<U>(&self, read: impl FnOnce(&T) -> U) -> U {
        self.track();
        self.with_untracked(read)
    }

    pub fn with_untracked<U>(&self, read: impl FnOnce(&T) -> U) -> U {
        read(&self.value.borrow())
    }

    pub fn set(&self, value: T) {
        // `replace` ends its borrow before the old value it returns is dropped here, so a drop
        // that reads the page's state finds it free.
        drop(self.value.replace(value));
        self.notify();
    }

    /// Changes the value, then notifies; gives back what `change` returned.
    pub fn update<U>(&self, change: impl FnOnce(&mut T) -> U) -> U {
        let result = self.update_untracked(change);
        self.notify();
        result
    }

    /// Changes the value without notifying; the caller notifies once it knows it should.
    pub fn update_untracked<U>(&self, change: impl FnOnce(&mut T) -> U) -> U {
        change(&mut self.value.borrow_mut())
    }
}
