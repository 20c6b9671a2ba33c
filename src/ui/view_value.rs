//! Values a component keeps without showing them: the view a part made until it is drawn, a
//! paragraph's watcher, whether a frame is already asked for. Nothing follows them; they go
//! when the component goes.
//!
//! A `ViewValue<T>` is the value in a `RefCell` behind the untyped arena slot `ViewSignal`s
//! use, so Leptos's arena code is not compiled again for every type kept (as `StoredValue`'s
//! is). Like `StoredValue`, it is `Copy`, a write once its component is gone does nothing, and
//! a read then is a bug that stops the page (the `try_` methods say whether it is still there).

use crate::ui::view_signal::{read_after_removal, taken_out};
use leptos::prelude::{LocalStorage, StoredValue};
use std::any::Any;
use std::cell::RefCell;
use std::marker::PhantomData;
use std::rc::Rc;

/// A value kept as long as the component that made it (see the module's docs).
pub struct ViewValue<T: 'static> {
    slot: StoredValue<Rc<dyn Any>, LocalStorage>,
    value_type: PhantomData<fn() -> T>,
}

impl<T> Clone for ViewValue<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for ViewValue<T> {}

impl<T> ViewValue<T> {
    /// Owned by the component (or effect) running this; freed with it.
    pub fn new(value: T) -> Self {
        let cell: Rc<dyn Any> = Rc::new(RefCell::new(value));
        ViewValue {
            slot: StoredValue::new_local(cell),
            value_type: PhantomData,
        }
    }

    fn cell(&self) -> Option<Rc<RefCell<T>>> {
        taken_out(self.slot)?.downcast::<RefCell<T>>().ok()
    }

    /// Reads the value; reading once the component is gone is a bug, as with `StoredValue`.
    pub fn with_value<U>(&self, read: impl FnOnce(&T) -> U) -> U {
        match self.try_with_value(read) {
            Some(read) => read,
            None => read_after_removal(),
        }
    }

    /// What `read` returned, or `None` once the component is gone.
    pub fn try_with_value<U>(&self, read: impl FnOnce(&T) -> U) -> Option<U> {
        Some(read(&self.cell()?.borrow()))
    }

    pub fn get_value(&self) -> T
    where
        T: Clone,
    {
        self.with_value(T::clone)
    }

    /// Does nothing once the component is gone (as `StoredValue::set_value`).
    pub fn set_value(&self, value: T) {
        if let Some(cell) = self.cell() {
            *cell.borrow_mut() = value;
        }
    }

    /// Does nothing once the component is gone (as `StoredValue::update_value`).
    pub fn update_value(&self, change: impl FnOnce(&mut T)) {
        if let Some(cell) = self.cell() {
            change(&mut cell.borrow_mut());
        }
    }

    /// What `change` returned, or `None` once the component is gone.
    pub fn try_update_value<U>(&self, change: impl FnOnce(&mut T) -> U) -> Option<U> {
        Some(change(&mut self.cell()?.borrow_mut()))
    }
}
