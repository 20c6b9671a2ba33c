//! The signals that live as long as the page: the app's state (`ui::state`) and the contexts
//! the app provides once (fact-checking, classroom, sharing, progress).
//!
//! Why not Leptos's `RwSignal`: it is compiled once per value type (its arena slot, its lock,
//! its read, update and track paths), and the first paint carries every instance the app state
//! makes, about forty. A `PageSignal<T>` is one untyped trigger for the subscriptions and the
//! value in a `RefCell`: the reactive code is compiled once, and each value type adds only its
//! borrow. It is never freed: the state it holds is the page's until the page closes, so it is
//! made only where the app makes its state once (`tests/architecture.rs` holds that list); a
//! component's own signals stay `RwSignal`s, disposed with it.
//!
//! The methods keep `RwSignal`'s names and meaning, so reading code reads the same: `with` and
//! `get` subscribe, the `_untracked` ones do not, `set` and `update` notify after the value is
//! changed and its borrow released. As with `RwSignal`, changing a value from inside a `with` of
//! the same signal is a bug (here a `RefCell` borrow error; there a lock that cannot be taken).

use leptos::prelude::{ArcTrigger, Notify, Track};
use send_wrapper::SendWrapper;
use std::cell::RefCell;

struct Inner<T> {
    trigger: ArcTrigger,
    /// Reactive closures must be `Send`; the wasm has one thread, and `SendWrapper` checks it.
    value: SendWrapper<RefCell<T>>,
}

/// A signal that lives as long as the page (see the module's docs).
pub struct PageSignal<T: 'static>(&'static Inner<T>);

impl<T> Clone for PageSignal<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for PageSignal<T> {}

impl<T> PageSignal<T> {
    /// Made once per page: the value is never freed.
    pub fn new(value: T) -> Self {
        PageSignal(Box::leak(Box::new(Inner {
            trigger: ArcTrigger::new(),
            value: SendWrapper::new(RefCell::new(value)),
        })))
    }

    /// Subscribes whatever runs this (an effect, a memo, a view) to changes.
    pub fn track(&self) {
        self.0.trigger.track();
    }

    /// Tells every subscriber that the value changed.
    pub fn notify(&self) {
        self.0.trigger.notify();
    }

    pub fn with<U>(&self, read: impl FnOnce(&T) -> U) -> U {
        self.track();
        self.with_untracked(read)
    }

    pub fn with_untracked<U>(&self, read: impl FnOnce(&T) -> U) -> U {
        read(&self.0.value.borrow())
    }

    pub fn get(&self) -> T
    where
        T: Clone,
    {
        self.with(T::clone)
    }

    pub fn get_untracked(&self) -> T
    where
        T: Clone,
    {
        self.with_untracked(T::clone)
    }

    pub fn set(&self, value: T) {
        // `replace` ends its borrow before the old value it returns is dropped here, so a drop
        // that reads the page's state finds it free.
        drop(self.0.value.replace(value));
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
        change(&mut self.0.value.borrow_mut())
    }
}
