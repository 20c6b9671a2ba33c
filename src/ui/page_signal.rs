//! The signals that live as long as the page: the app's state (`ui::state`) and the contexts
//! the app provides once (fact-checking, classroom, sharing, progress).
//!
//! A `PageSignal<T>` is a `SignalCell` (see there why not Leptos's `RwSignal`) that is never
//! freed: the state it holds is the page's until the page closes, so it is made only where the
//! app makes its state once (`tests/architecture.rs` holds that list). A component's own
//! signals are `ViewSignal`s, freed with the component.

use crate::ui::signal_cell::SignalCell;

/// A signal that lives as long as the page (see the module's docs).
pub struct PageSignal<T: 'static>(&'static SignalCell<T>);

impl<T> Clone for PageSignal<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for PageSignal<T> {}

impl<T> PageSignal<T> {
    /// Made once per page: the value is never freed.
    pub fn new(value: T) -> Self {
        PageSignal(Box::leak(Box::new(SignalCell::new(value))))
    }

    /// Subscribes whatever runs this (an effect, a memo, a view) to changes.
    pub fn track(&self) {
        self.0.track();
    }

    /// Tells every subscriber that the value changed.
    pub fn notify(&self) {
        self.0.notify();
    }

    pub fn with<U>(&self, read: impl FnOnce(&T) -> U) -> U {
        self.0.with(read)
    }

    pub fn with_untracked<U>(&self, read: impl FnOnce(&T) -> U) -> U {
        self.0.with_untracked(read)
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
        self.0.set(value);
    }

    /// Changes the value, then notifies; gives back what `change` returned.
    pub fn update<U>(&self, change: impl FnOnce(&mut T) -> U) -> U {
        self.0.update(change)
    }

    /// Changes the value without notifying; the caller notifies once it knows it should.
    pub fn update_untracked<U>(&self, change: impl FnOnce(&mut T) -> U) -> U {
        self.0.update_untracked(change)
    }
}
