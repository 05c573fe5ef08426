//! The live coding pad's rules: who may open an interview's pad and when, and the limits that
//! keep one pad from costing the server more than an interview needs.
//!
//! Nothing here reads the clock: callers pass the current time.

/// How long before an interview starts its pad opens, so that both people can join early and
/// check that the editor works.
pub const OPENS_BEFORE_START_SECONDS: i64 = 15 * 60;

/// How long after an interview's end its two people may still edit: interviews overrun.
pub const GRACE_AFTER_END_SECONDS: i64 = 30 * 60;

/// The most bytes of updates a pad's document may take. A forty-minute interview's code is a few
/// kilobytes; this bound only stops a client that tries to fill the server's memory.
pub const MAX_DOCUMENT_BYTES: usize = 2 * 1024 * 1024;

/// The largest WebSocket message a client may send. A paste of a long file is one update.
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024;

/// How many connections one pad holds at once: two people, each with a spare tab or a
/// reconnection that overlaps the old socket's close.
pub const MAX_CONNECTIONS_PER_PAD: usize = 6;

/// Messages a connection may send per second on average, and in a burst. Typing sends an update
/// and a cursor move per keystroke; a fast typist makes about ten keystrokes a second.
pub const MESSAGES_PER_SECOND: u32 = 60;
pub const MESSAGE_BURST: u32 = 240;

/// Who is asking for a pad.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PadRole {
    /// The interview's own interviewer.
    Interviewer,
    /// The interview's own candidate.
    Candidate,
}

/// What a person may do with a pad right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PadAccess {
    /// Both edit, run code and see each other's cursors.
    Edit,
    /// The interviewer reads the final document; nobody edits it any more.
    Read,
    /// Not yet open, with the moment it opens.
    NotYetOpen { opens_at: i64 },
    /// The interview is over (or called off) and this person may no longer open the pad.
    Closed,
}

/// The moments an interview's pad opens and stops taking edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PadWindow {
    pub opens_at: i64,
    pub closes_at: i64,
}

impl PadWindow {
    /// The window of an interview from `starts_at` to `ends_at` (Unix seconds).
    pub fn of_interview(starts_at: i64, ends_at: i64) -> PadWindow {
        PadWindow {
            opens_at: starts_at - OPENS_BEFORE_START_SECONDS,
            closes_at: ends_at + GRACE_AFTER_END_SECONDS,
        }
    }

    /// What `role` may do at `now`, for an interview that is still booked (`booked`) or not.
    pub fn access(&self, role: PadRole, booked: bool, now: i64) -> PadAccess {
        if !booked {
            // A cancelled interview's pad keeps what was typed before it was called off, for the
            // interviewer only.
            return match role {
                PadRole::Interviewer if now >= self.opens_at => PadAccess::Read,
                _ => PadAccess::Closed,
            };
        }
        if now < self.opens_at {
            return PadAccess::NotYetOpen {
                opens_at: self.opens_at,
            };
        }
        if now < self.closes_at {
            return PadAccess::Edit;
        }
        match role {
            PadRole::Interviewer => PadAccess::Read,
            PadRole::Candidate => PadAccess::Closed,
        }
    }
}

/// A token bucket over one connection's messages: `MESSAGES_PER_SECOND` on average, up to
/// `MESSAGE_BURST` at once. Time is passed in, in milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageBudget {
    tokens: f64,
    last_ms: i64,
}

impl MessageBudget {
    pub fn new(now_ms: i64) -> MessageBudget {
        MessageBudget {
            tokens: f64::from(MESSAGE_BURST),
            last_ms: now_ms,
        }
    }

    /// Takes one message from the budget; false when the connection sends faster than allowed.
    pub fn take(&mut self, now_ms: i64) -> bool {
        let elapsed = (now_ms - self.last_ms).max(0) as f64 / 1000.0;
        self.last_ms = self.last_ms.max(now_ms);
        self.tokens =
            (self.tokens + elapsed * f64::from(MESSAGES_PER_SECOND)).min(f64::from(MESSAGE_BURST));
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: i64 = 1_800_000_000;
    const END: i64 = START + 45 * 60;

    fn window() -> PadWindow {
        PadWindow::of_interview(START, END)
    }

    #[test]
    fn the_pad_opens_a_quarter_of_an_hour_before_the_start() {
        let before = START - OPENS_BEFORE_START_SECONDS - 1;
        assert_eq!(
            window().access(PadRole::Candidate, true, before),
            PadAccess::NotYetOpen {
                opens_at: START - OPENS_BEFORE_START_SECONDS
            }
        );
        assert_eq!(
            window().access(PadRole::Candidate, true, before + 1),
            PadAccess::Edit
        );
    }

    #[test]
    fn both_edit_until_the_grace_period_ends_then_only_the_interviewer_reads() {
        let last = END + GRACE_AFTER_END_SECONDS - 1;
        assert_eq!(
            window().access(PadRole::Candidate, true, last),
            PadAccess::Edit
        );
        assert_eq!(
            window().access(PadRole::Interviewer, true, last),
            PadAccess::Edit
        );
        assert_eq!(
            window().access(PadRole::Candidate, true, last + 1),
            PadAccess::Closed
        );
        assert_eq!(
            window().access(PadRole::Interviewer, true, last + 1),
            PadAccess::Read
        );
    }

    #[test]
    fn a_cancelled_interview_closes_the_pad_to_the_candidate() {
        assert_eq!(
            window().access(PadRole::Candidate, false, START),
            PadAccess::Closed
        );
        assert_eq!(
            window().access(PadRole::Interviewer, false, START),
            PadAccess::Read
        );
    }

    #[test]
    fn the_budget_allows_a_burst_then_the_average_rate() {
        let mut budget = MessageBudget::new(0);
        for _ in 0..MESSAGE_BURST {
            assert!(budget.take(0));
        }
        assert!(!budget.take(0), "the burst is spent");
        // After a second, the average rate's worth of messages is back, and no more.
        let mut allowed = 0;
        while budget.take(1000) {
            allowed += 1;
        }
        assert_eq!(allowed, MESSAGES_PER_SECOND);
    }

    #[test]
    fn a_clock_that_goes_back_does_not_refill_the_budget() {
        let mut budget = MessageBudget::new(10_000);
        for _ in 0..MESSAGE_BURST {
            assert!(budget.take(10_000));
        }
        assert!(!budget.take(5_000));
    }
}
