//! The one notion of now that the server, its workers and the judge share.

use std::sync::atomic::{AtomicI64, Ordering};

/// The wall clock, with an offset that tests move forward to reach expiry times without waiting.
/// Domain functions never read it: they are given the time.
#[derive(Debug, Default)]
pub struct Clock {
    offset_seconds: AtomicI64,
}

impl Clock {
    /// Now, in Unix seconds.
    pub fn now(&self) -> i64 {
        chrono::Utc::now().timestamp() + self.offset_seconds.load(Ordering::Relaxed)
    }

    /// Now, in Unix milliseconds (for turnaround times).
    pub fn now_ms(&self) -> i64 {
        chrono::Utc::now().timestamp_millis() + self.offset_seconds.load(Ordering::Relaxed) * 1000
    }

    pub fn now_utc(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp(self.now(), 0).expect("the clock is within chrono's range")
    }

    /// Moves this clock forward (tests only need it; the server never calls it).
    pub fn advance(&self, seconds: i64) {
        self.offset_seconds.fetch_add(seconds, Ordering::Relaxed);
    }

    /// Sets this clock to `at` (Unix seconds). The demo lives through a past week this way,
    /// before the server starts, so that its feedback and debriefs are dated as they would be.
    pub fn travel_to(&self, at: i64) {
        let offset = at - chrono::Utc::now().timestamp();
        self.offset_seconds.store(offset, Ordering::Relaxed);
    }

    /// Back to the wall clock.
    pub fn reset(&self) {
        self.offset_seconds.store(0, Ordering::Relaxed);
    }
}
