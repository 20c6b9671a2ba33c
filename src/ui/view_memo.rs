//! The values a component derives from signals: a list's rows, whether a row is selected, the
//! article's paragraphs to draw. Each is computed when read after a change, and what depends on
//! it is told only when the new value differs from the old.
//!
//! A `ViewMemo<T>` is Leptos's `Memo` over one boxed value type, so Leptos's memo code (its
//! node in the graph, its arena slot, its reads) is compiled once, not once for every value
//! type a component derives; what stays per type is the comparison and the read of the box.
//! Like `Memo`, it is `Copy` and is freed with the component (or effect) that made it.

use leptos::prelude::{Memo, Track, With, WithUntracked};
use std::any::Any;
use std::marker::PhantomData;

/// A value derived from signals, kept until they change (see the module's docs).
pub struct ViewMemo<T: 'static> {
    memo: Memo<Boxed>,
    value_type: PhantomData<fn() -> T>,
}

impl<T> Clone for ViewMemo<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for ViewMemo<T> {}

/// The same memo: two handles on one node.
impl<T> PartialEq for ViewMemo<T> {
    fn eq(&self, other: &Self) -> bool {
        self.memo == other.memo
    }
}

impl<T: PartialEq + Send + Sync + 'static> ViewMemo<T> {
    /// `compute` is given the value it returned last time, if any (as `Memo::new`).
    pub fn new(compute: impl Fn(Option<&T>) -> T + Send + Sync + 'static) -> Self {
        let memo = Memo::new_with_compare(
            move |previous: Option<&Boxed>| {
                Boxed(Box::new(compute(previous.map(|boxed| unboxed(boxed)))))
            },
            changed,
        );
        ViewMemo {
            memo,
            value_type: PhantomData,
        }
    }
}

impl<T: 'static> ViewMemo<T> {
    /// Subscribes whatever runs this to changes of the value.
    pub fn track(&self) {
        self.memo.track();
    }

    pub fn with<U>(&self, read: impl FnOnce(&T) -> U) -> U {
        self.memo.with(|boxed| read(unboxed(boxed)))
    }

    pub fn with_untracked<U>(&self, read: impl FnOnce(&T) -> U) -> U {
        self.memo.with_untracked(|boxed| read(unboxed(boxed)))
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

    /// The value, or `None` once the component that made the memo is gone.
    pub fn try_get_untracked(&self) -> Option<T>
    where
        T: Clone,
    {
        self.memo
            .try_with_untracked(|boxed| unboxed::<T>(boxed).clone())
    }
}

/// A memo's value behind one type. Leptos keeps it in its arena, which wants `Send + Sync`;
/// every value a component derives already is (`Memo` asked the same of them).
struct Boxed(Box<dyn Derived>);

/// What a memo needs of its value once its type is out of sight: to be compared with the one
/// it replaces, and read back as itself.
trait Derived: Any + Send + Sync {
    fn as_any(&self) -> &dyn Any;
    fn same_as(&self, other: &dyn Derived) -> bool;
}

impl<T: PartialEq + Send + Sync + 'static> Derived for T {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn same_as(&self, other: &dyn Derived) -> bool {
        other.as_any().downcast_ref::<T>() == Some(self)
    }
}

/// Whether what depends on the memo is told: as `Memo::new`, when the value is new or differs.
fn changed(old: Option<&Boxed>, new: Option<&Boxed>) -> bool {
    match (old, new) {
        (Some(old), Some(new)) => !old.0.same_as(new.0.as_ref()),
        _ => true,
    }
}

fn unboxed<T: 'static>(boxed: &Boxed) -> &T {
    match boxed.0.as_any().downcast_ref::<T>() {
        Some(value) => value,
        None => wrong_type(),
    }
}

/// Cannot happen: only `ViewMemo::<T>::new` boxes a memo's value, and only as a `T`.
#[cold]
fn wrong_type() -> ! {
    panic!("a view memo held a value of another type")
}
