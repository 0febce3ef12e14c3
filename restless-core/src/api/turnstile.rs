//! First come, first served: SQLite admits one writer at a time, and writers that wait in its
//! busy handler sleep and retry in growing steps, so under load some wait far longer than
//! others. Writers of one process queue here instead, in arrival order, parked.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// A FIFO lock (a ticket lock).
#[derive(Debug, Default)]
pub(crate) struct Turnstile {
    /// The next ticket to hand out, and the ticket being served.
    tickets: Mutex<(u64, u64)>,
    turn: Condvar,
}

/// The right to write, until dropped.
pub(crate) struct Pass<'a>(&'a Turnstile);

impl Turnstile {
    fn lock(&self) -> MutexGuard<'_, (u64, u64)> {
        // The counters stay consistent whatever panicked while they were held.
        self.tickets.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for this caller's turn.
    pub(crate) fn enter(&self) -> Pass<'_> {
        let mut tickets = self.lock();
        let mine = tickets.0;
        tickets.0 = tickets.0.wrapping_add(1);
        while tickets.1 != mine {
            tickets = self
                .turn
                .wait(tickets)
                .unwrap_or_else(PoisonError::into_inner);
        }
        Pass(self)
    }
}

impl Drop for Pass<'_> {
    fn drop(&mut self) {
        let mut tickets = self.0.lock();
        tickets.1 = tickets.1.wrapping_add(1);
        drop(tickets);
        self.0.turn.notify_all();
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
            while gate.lock().0 != i + 2 {
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
