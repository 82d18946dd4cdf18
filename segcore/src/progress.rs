//! Progress reports and cancellation for long fits.
//!
//! A [`Monitor`] is handed to the `fit_with` twin of a long fit (k-means, Gaussian mixtures,
//! gradient boosting, logistic regression, the [`Segmenter`](crate::pipeline::Segmenter)).
//! The fit calls [`Monitor::step`] between iterations: that records the latest [`Progress`],
//! calls the optional callback, and returns [`SegError::Cancelled`] once
//! [`Monitor::cancel`] has been called from any thread. The bindings use it for Ctrl-C and
//! progress bars in Python and for `AbortSignal` and progress callbacks in Node; a Rust
//! service can cancel a fit from another thread the same way.
//!
//! A monitor never changes a result: a fit that is not cancelled returns exactly what the
//! plain `fit` returns.
//!
//! ```
//! use segcore::progress::Monitor;
//! let m = Monitor::new();
//! assert!(m.step("kmeans", 1, 10).is_ok());
//! assert_eq!(m.latest().map(|p| (p.done, p.total)), Some((1, 10)));
//! m.cancel();
//! let err = m.step("kmeans", 2, 10).unwrap_err();
//! assert_eq!(err.code(), "CANCELLED");
//! assert_eq!(err.to_string(), "kmeans was cancelled");
//! ```

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::{Result, SegError};

/// One progress report: `done` of `total` units of the named stage.
///
/// ```
/// let p = segcore::progress::Progress { stage: "gbt".into(), done: 3, total: 100 };
/// assert_eq!(p.fraction(), 0.03);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// What is running (`"kmeans"`, `"gbt"`, `"segmenter: churn"`...).
    pub stage: String,
    /// Units done (iterations, initialisations, stages).
    pub done: u64,
    /// Units expected at most (`done` may stop early when a fit converges).
    pub total: u64,
}

impl Progress {
    /// `done / total`, in `[0, 1]` (1 when `total` is 0).
    ///
    /// ```
    /// let p = segcore::progress::Progress { stage: "x".into(), done: 5, total: 0 };
    /// assert_eq!(p.fraction(), 1.0);
    /// ```
    pub fn fraction(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            (self.done as f64 / self.total as f64).min(1.0)
        }
    }
}

type Callback = Box<dyn Fn(&Progress) + Send + Sync>;

struct Inner {
    cancelled: AtomicBool,
    latest: Mutex<Option<Progress>>,
    callback: Option<Callback>,
}

/// Shared progress and cancellation state of one fit (cheap to clone: clones share state).
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use std::sync::Arc;
/// let seen = Arc::new(AtomicU64::new(0));
/// let s = seen.clone();
/// let m = segcore::progress::Monitor::with_callback(move |p| s.store(p.done, Ordering::Relaxed));
/// m.step("fit", 7, 9).unwrap();
/// assert_eq!(seen.load(Ordering::Relaxed), 7);
/// ```
#[derive(Clone)]
pub struct Monitor {
    inner: Arc<Inner>,
}

impl Default for Monitor {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Monitor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Monitor")
            .field("cancelled", &self.is_cancelled())
            .field("latest", &self.latest())
            .finish()
    }
}

impl Monitor {
    /// A monitor without a callback.
    ///
    /// ```
    /// assert!(!segcore::progress::Monitor::new().is_cancelled());
    /// ```
    pub fn new() -> Self {
        Self::build(None)
    }

    /// A monitor that calls `f` on every progress report, from the fitting thread.
    ///
    /// ```
    /// let m = segcore::progress::Monitor::with_callback(|p| assert!(p.done <= p.total));
    /// m.step("fit", 1, 2).unwrap();
    /// ```
    pub fn with_callback(f: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        Self::build(Some(Box::new(f)))
    }

    fn build(callback: Option<Callback>) -> Self {
        Monitor {
            inner: Arc::new(Inner {
                cancelled: AtomicBool::new(false),
                latest: Mutex::new(None),
                callback,
            }),
        }
    }

    /// Asks the fit to stop; it returns [`SegError::Cancelled`] at its next step.
    ///
    /// ```
    /// let m = segcore::progress::Monitor::new();
    /// m.clone().cancel();
    /// assert!(m.is_cancelled());
    /// ```
    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::SeqCst);
    }

    /// Whether [`cancel`](Self::cancel) was called.
    ///
    /// ```
    /// assert!(!segcore::progress::Monitor::default().is_cancelled());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::SeqCst)
    }

    /// The last progress reported, if any.
    ///
    /// ```
    /// let m = segcore::progress::Monitor::new();
    /// assert!(m.latest().is_none());
    /// m.step("gmm", 2, 100).unwrap();
    /// assert_eq!(m.latest().unwrap().stage, "gmm");
    /// ```
    pub fn latest(&self) -> Option<Progress> {
        match self.inner.latest.lock() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Errors with [`SegError::Cancelled`] if the fit was cancelled; records nothing.
    ///
    /// ```
    /// let m = segcore::progress::Monitor::new();
    /// assert!(m.check("x").is_ok());
    /// m.cancel();
    /// assert!(m.check("x").is_err());
    /// ```
    pub fn check(&self, stage: &str) -> Result<()> {
        if self.is_cancelled() {
            Err(SegError::Cancelled {
                stage: stage.to_string(),
            })
        } else {
            Ok(())
        }
    }

    /// Records `done` of `total` for `stage`, calls the callback, then [`check`](Self::check)s.
    ///
    /// ```
    /// let m = segcore::progress::Monitor::new();
    /// m.step("kmeans", 3, 300).unwrap();
    /// assert_eq!(m.latest().unwrap().done, 3);
    /// ```
    pub fn step(&self, stage: &str, done: u64, total: u64) -> Result<()> {
        let p = Progress {
            stage: stage.to_string(),
            done,
            total,
        };
        if let Some(cb) = &self.inner.callback {
            cb(&p);
        }
        match self.inner.latest.lock() {
            Ok(mut g) => *g = Some(p),
            Err(poisoned) => *poisoned.into_inner() = Some(p),
        }
        self.check(stage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_from_another_thread_is_seen() {
        let m = Monitor::new();
        let c = m.clone();
        std::thread::spawn(move || c.cancel()).join().unwrap();
        let e = m.step("segmenter: churn", 1, 5).unwrap_err();
        assert!(matches!(e, SegError::Cancelled { ref stage } if stage == "segmenter: churn"));
    }
}
