//! First come, first served: SQLite admits one writer at a time, and writers that wait in its
//! busy handler sleep and retry in growing steps, so under load some wait far longer than
//! others. Writers of one process queue here instead, in arrival order, parked.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

/// A FIFO lock (a ticket lock) that wakes only the caller whose turn it is.
#[derive(Debug, Default)]
pub(crate) struct Turnstile {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// The next ticket to hand out.
    next: u64,
    /// The ticket being served.
    serving: u64,
    /// Each waiting caller's own wake-up, by ticket.
    waiting: HashMap<u64, Arc<Condvar>>,
}

/// The right to write, until dropped.
pub(crate) struct Pass<'a>(&'a Turnstile);

impl Turnstile {
    fn lock(&self) -> MutexGuard<'_, State> {
        // The counters stay consistent whatever panicked while they were held.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for this caller's turn.
    pub(crate) fn enter(&self) -> Pass<'_> {
        let mut state = self.lock();
        let mine = state.next;
        state.next = state.next.wrapping_add(1);
        if state.serving != mine {
            let turn = Arc::new(Condvar::new());
            state.waiting.insert(mine, Arc::clone(&turn));
            while state.serving != mine {
                state = turn.wait(state).unwrap_or_else(PoisonError::into_inner);
            }
            state.waiting.remove(&mine);
        }
        Pass(self)
    }
}

impl Drop for Pass<'_> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.serving = state.serving.wrapping_add(1);
        let next = state.waiting.get(&state.serving).cloned();
        drop(state);
        if let Some(turn) = next {
            turn.notify_one();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn callers_are_served_in_arrival_order() {
        let gate = Arc::new(Turnstile::default());
        let order = Arc::new(Mutex::new(Vec::new()));
        let first = gate.enter();
        let mut threads = Vec::new();
        for i in 0..4 {
            let (g, o) = (Arc::clone(&gate), Arc::clone(&order));
            threads.push(std::thread::spawn(move || {
                let _pass = g.enter();
                o.lock().unwrap().push(i);
            }));
            // Each takes its ticket before the next starts.
            while gate.lock().next != i + 2 {
                std::thread::yield_now();
            }
        }
        drop(first);
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(*order.lock().unwrap(), [0, 1, 2, 3]);
    }
}
