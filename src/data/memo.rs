//! [`Memo`]: what later layers derive from a survey once and reuse across measures.

use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

type Entry = Arc<dyn Any + Send + Sync>;

/// Values derived from a survey's data (its respondents grouped by municipality, a breakdown's
/// group of every unit), computed by the first measure that needs them and shared by every later
/// one, so that twenty measures over one survey group its million respondents once, not twenty
/// times. A survey's data never change, so nothing is ever invalidated; clones of a survey share
/// the memo. It holds no data of its own: it is not compared, printed or serialised.
#[derive(Clone, Default)]
pub struct Memo(Arc<Mutex<HashMap<String, Entry>>>);

impl Memo {
    /// The value stored under `key`, or `make()` stored under it. `make` runs without the lock
    /// held (two threads may both compute a missing value; the first stored wins). A value of
    /// another type under the same key is replaced.
    pub fn get_or_try_insert<T, E>(
        &self,
        key: &str,
        make: impl FnOnce() -> Result<T, E>,
    ) -> Result<Arc<T>, E>
    where
        T: Any + Send + Sync,
    {
        if let Some(found) = self.lock().get(key).cloned() {
            if let Ok(value) = found.downcast::<T>() {
                return Ok(value);
            }
        }
        let value = Arc::new(make()?);
        let mut map = self.lock();
        let stored = map
            .entry(key.to_string())
            .or_insert_with(|| value.clone() as Entry)
            .clone();
        Ok(stored.downcast::<T>().unwrap_or(value))
    }

    /// A poisoned lock only means a panic elsewhere while the map was held; the map itself is
    /// always consistent (entries are inserted whole).
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for Memo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Memo({} entries)", self.lock().len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_made_once_and_shared_by_clones() {
        let memo = Memo::default();
        let made = std::cell::Cell::new(0);
        let make = || {
            made.set(made.get() + 1);
            Ok::<_, ()>(vec![1u32, 2, 3])
        };
        let a = memo.get_or_try_insert("k", make).unwrap();
        let b = memo.clone().get_or_try_insert("k", make).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(made.get(), 1);
    }

    #[test]
    fn an_error_stores_nothing_and_another_type_replaces_nothing_it_cannot_read() {
        let memo = Memo::default();
        assert_eq!(
            memo.get_or_try_insert::<u8, _>("k", || Err("no")),
            Err("no")
        );
        let n = memo.get_or_try_insert("k", || Ok::<_, ()>(7u8)).unwrap();
        assert_eq!(*n, 7);
        let s = memo.get_or_try_insert("k", || Ok::<_, ()>("x")).unwrap();
        assert_eq!(*s, "x");
    }
}
