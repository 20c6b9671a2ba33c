//! The signals a component makes for itself: a menu's open flag, a form's fields, a
//! paragraph's marks. They go when the component goes (Leptos disposes of what its owner made).
//!
//! A `ViewSignal<T>` is a `SignalCell` (see there why not Leptos's `RwSignal`) kept in Leptos's
//! arena behind one untyped slot, so the arena's code, too, is compiled once for every value
//! type. Like `RwSignal`, it is `Copy`, and once its component is gone a write does nothing
//! and a read is a bug that stops the page (the `try_` methods say whether it is still there).

use crate::ui::signal_cell::SignalCell;
use leptos::prelude::{LocalStorage, ReadValue, StoredValue};
use std::any::Any;
use std::marker::PhantomData;
use std::rc::Rc;

/// A signal that lives as long as the component that made it (see the module's docs).
pub struct ViewSignal<T: 'static> {
    slot: StoredValue<Rc<dyn Any>, LocalStorage>,
    value_type: PhantomData<fn() -> T>,
}

impl<T> Clone for ViewSignal<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for ViewSignal<T> {}

/// The same signal: two handles on one slot.
impl<T> PartialEq for ViewSignal<T> {
    fn eq(&self, other: &Self) -> bool {
        self.slot == other.slot
    }
}

impl<T> ViewSignal<T> {
    /// Owned by the component (or effect) running this; freed with it.
    pub fn new(value: T) -> Self {
        let cell: Rc<dyn Any> = Rc::new(SignalCell::new(value));
        ViewSignal {
            slot: StoredValue::new_local(cell),
            value_type: PhantomData,
        }
    }

    /// The cell, while the component that made it is still there. It is taken out of the
    /// arena before use, so what runs with it may make or drop other signals.
    fn cell(&self) -> Option<Rc<SignalCell<T>>> {
        taken_out(self.slot)?.downcast::<SignalCell<T>>().ok()
    }

    /// The cell, for a read: reading a signal whose component is gone is a bug, as it is for
    /// Leptos's own signals.
    fn live_cell(&self) -> Rc<SignalCell<T>> {
        match self.cell() {
            Some(cell) => cell,
            None => read_after_removal(),
        }
    }

    /// Subscribes whatever runs this to changes; nothing once the component is gone.
    pub fn track(&self) {
        if let Some(cell) = self.cell() {
            cell.track();
        }
    }

    pub fn with<U>(&self, read: impl FnOnce(&T) -> U) -> U {
        self.live_cell().with(read)
    }

    pub fn with_untracked<U>(&self, read: impl FnOnce(&T) -> U) -> U {
        self.live_cell().with_untracked(read)
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

    /// The value, or `None` once the component is gone.
    pub fn try_get_untracked(&self) -> Option<T>
    where
        T: Clone,
    {
        Some(self.cell()?.with_untracked(T::clone))
    }

    /// Does nothing once the component is gone (as `RwSignal::set`).
    pub fn set(&self, value: T) {
        if let Some(cell) = self.cell() {
            cell.set(value);
        }
    }

    /// Gives the value back once the component is gone, as `RwSignal::try_set`.
    pub fn try_set(&self, value: T) -> Option<T> {
        match self.cell() {
            Some(cell) => {
                cell.set(value);
                None
            }
            None => Some(value),
        }
    }

    /// Does nothing once the component is gone (as `RwSignal::update`).
    pub fn update(&self, change: impl FnOnce(&mut T)) {
        if let Some(cell) = self.cell() {
            cell.update(change);
        }
    }

    /// Changes the value without notifying; does nothing once the component is gone.
    pub fn update_untracked(&self, change: impl FnOnce(&mut T)) {
        if let Some(cell) = self.cell() {
            cell.update_untracked(change);
        }
    }

    /// What `change` returned, or `None` once the component is gone.
    pub fn try_update<U>(&self, change: impl FnOnce(&mut T) -> U) -> Option<U> {
        Some(self.cell()?.update(change))
    }
}

/// The slot's cell, compiled once for every value type (view values share it).
pub(crate) fn taken_out(slot: StoredValue<Rc<dyn Any>, LocalStorage>) -> Option<Rc<dyn Any>> {
    slot.try_read_value().map(|cell| Rc::clone(&cell))
}

#[cold]
pub(crate) fn read_after_removal() -> ! {
    panic!("a component's signal or value was read after the component was removed")
}
