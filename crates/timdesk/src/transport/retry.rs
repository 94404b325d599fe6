//! The retry decision: a pure function of how an attempt failed, the endpoint's rule, the
//! policy and what happened so far. No I/O and no clock, so every case is a table row.

use std::time::Duration;

use crate::config::RetryPolicy;
use crate::error::Error;

/// How one attempt failed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Failure {
    /// The request never reached the server (connection refused, DNS, TLS handshake).
    NotSent(Error),
    /// The server answered with an error: it did not apply the request.
    Refused(Error),
    /// Sent, but the answer was lost or unusable: it may or may not have been applied.
    AnswerLost(Error),
}

/// What retrying an endpoint may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RetryRule {
    /// Whether a request whose answer was lost (timeout, dropped connection, 5xx, garbled
    /// answer) may be sent again: true where a repeat has no further effect or a
    /// recognisable one.
    pub retry_lost_answer: bool,
    /// An ErrorCode that, after a lost answer, means the lost attempt took effect
    /// (141003 for transfer_to_human, 141005 for end_session).
    pub done_code: Option<u32>,
}

impl RetryRule {
    /// Reads and idempotent writes: retry every transient failure.
    pub const IDEMPOTENT: Self = Self {
        retry_lost_answer: true,
        done_code: None,
    };
    /// Unknown effects: retry only what surely was not applied.
    pub const CAUTIOUS: Self = Self {
        retry_lost_answer: false,
        done_code: None,
    };
}

/// What happened so far in one call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Progress {
    /// Attempts made, the failed one included.
    pub attempts: u32,
    /// Whether the administrator UserSig was renewed after a 70001.
    pub renewed: bool,
    /// Whether an earlier attempt's answer was lost.
    pub lost_answer: bool,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Next {
    /// Renew the administrator UserSig and try again at once, outside the retry budget.
    Renew,
    /// Try again after `delay`; with `other_host` on the next host (nothing was sent).
    Retry {
        /// The wait before the next attempt.
        delay: Duration,
        /// The failure, for the event hook.
        error: Error,
        /// Whether the next attempt should go to the next host.
        other_host: bool,
    },
    /// Give up with this error.
    Fail(Error),
}

/// Decides what follows `failure`. `elapsed` is the time since the first attempt and
/// `jitter` a number in [0, 1) for the backoff.
pub(crate) fn decide(
    failure: Failure,
    rule: RetryRule,
    policy: &RetryPolicy,
    progress: &mut Progress,
    elapsed: Duration,
    jitter: f64,
) -> Next {
    let (error, may_retry, other_host) = match failure {
        Failure::Refused(e) if e.code() == Some(70001) && !progress.renewed => {
            // The server says the UserSig expired (clock skew, or a long-lived process).
            progress.renewed = true;
            progress.attempts -= 1;
            return Next::Renew;
        }
        Failure::Refused(e)
            if progress.lost_answer && e.code().is_some() && e.code() == rule.done_code =>
        {
            return Next::Fail(e.lost_attempt_applied());
        }
        Failure::Refused(e) => {
            let retryable = e.is_retryable();
            (e, retryable, false)
        }
        Failure::NotSent(e) => {
            let retryable = e.is_retryable();
            (e, retryable, true)
        }
        Failure::AnswerLost(e) => {
            progress.lost_answer = true;
            (e, rule.retry_lost_answer, false)
        }
    };
    let error = if progress.lost_answer {
        error.mark_maybe_applied()
    } else {
        error
    };
    let delay = policy.delay(progress.attempts, jitter);
    if !may_retry
        || progress.attempts >= policy.max_attempts
        || elapsed + delay > policy.max_elapsed
    {
        return Next::Fail(error);
    }
    Next::Retry {
        delay,
        error,
        other_host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::ErrorKind;

    fn net() -> Error {
        Error::local(ErrorKind::Network, "reset", true)
    }

    fn after(progress: Progress, failure: Failure, rule: RetryRule) -> (Next, Progress) {
        let mut p = progress;
        let next = decide(
            failure,
            rule,
            &RetryPolicy::default(),
            &mut p,
            Duration::ZERO,
            1.0,
        );
        (next, p)
    }

    fn first() -> Progress {
        Progress {
            attempts: 1,
            ..Progress::default()
        }
    }

    fn is_retry(next: &Next) -> bool {
        matches!(next, Next::Retry { .. })
    }

    fn failed(next: Next) -> Error {
        match next {
            Next::Fail(e) => e,
            other => panic!("expected to give up, got {other:?}"),
        }
    }

    #[test]
    fn lost_answers_are_repeated_only_where_the_rule_allows() {
        let cases = [(RetryRule::IDEMPOTENT, true), (RetryRule::CAUTIOUS, false)];
        for (rule, retried) in cases {
            let (next, p) = after(first(), Failure::AnswerLost(net()), rule);
            assert_eq!(is_retry(&next), retried, "{rule:?}");
            assert!(p.lost_answer);
            if !retried {
                assert!(failed(next).maybe_applied());
            }
        }
    }

    #[test]
    fn what_was_not_sent_is_retried_on_the_next_host_under_every_rule() {
        for rule in [RetryRule::IDEMPOTENT, RetryRule::CAUTIOUS] {
            let (next, _) = after(first(), Failure::NotSent(net()), rule);
            match next {
                Next::Retry {
                    other_host, error, ..
                } => {
                    assert!(other_host);
                    assert!(!error.maybe_applied());
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn retryable_codes_are_retried_and_others_are_not() {
        for (code, retried) in [
            (141002, true),
            (70169, true),
            (70500, true),
            (141009, true),
            (60007, true),
            (141004, false),
            (60009, false),
            (123_456, false),
        ] {
            let (next, _) = after(
                first(),
                Failure::Refused(Error::api(code, "")),
                RetryRule::CAUTIOUS,
            );
            assert_eq!(is_retry(&next), retried, "{code}");
        }
    }

    #[test]
    fn an_expired_usersig_is_renewed_once_outside_the_budget() {
        let expired = || Failure::Refused(Error::api(70001, "expired"));
        let (next, p) = after(first(), expired(), RetryRule::CAUTIOUS);
        assert_eq!(next, Next::Renew);
        assert_eq!((p.attempts, p.renewed), (0, true));
        let mut again = p;
        again.attempts = 1;
        let (next, _) = after(again, expired(), RetryRule::CAUTIOUS);
        assert_eq!(failed(next).code(), Some(70001));
    }

    #[test]
    fn a_done_code_after_a_lost_answer_means_the_lost_attempt_applied() {
        let rule = RetryRule {
            retry_lost_answer: true,
            done_code: Some(141003),
        };
        let lost = Progress {
            attempts: 2,
            lost_answer: true,
            ..Progress::default()
        };
        let e = failed(after(lost, Failure::Refused(Error::api(141003, "x")), rule).0);
        assert!(
            e.maybe_applied() && e.message().contains("earlier attempt"),
            "{e}"
        );
        // Without a lost answer the same code is an ordinary refusal.
        let e = failed(after(first(), Failure::Refused(Error::api(141003, "x")), rule).0);
        assert!(!e.maybe_applied());
    }

    #[test]
    fn attempts_and_elapsed_time_bound_the_retries() {
        let mut spent = first();
        spent.attempts = RetryPolicy::default().max_attempts;
        assert!(!is_retry(
            &after(spent, Failure::NotSent(net()), RetryRule::IDEMPOTENT).0
        ));
        let mut p = first();
        let next = decide(
            Failure::NotSent(net()),
            RetryRule::IDEMPOTENT,
            &RetryPolicy::default(),
            &mut p,
            Duration::from_secs(15),
            0.0,
        );
        assert!(!is_retry(&next));
    }

    #[test]
    fn every_failure_after_a_lost_answer_says_maybe_applied() {
        let lost = Progress {
            attempts: 2,
            lost_answer: true,
            ..Progress::default()
        };
        let mut spent = lost;
        spent.attempts = 4;
        let e = failed(after(spent, Failure::NotSent(net()), RetryRule::IDEMPOTENT).0);
        assert!(e.maybe_applied());
    }
}
