//! Long fits from Python: Ctrl-C and progress bars.
//!
//! [`monitored`] runs a core `fit_with(.., &Monitor)` on a worker thread with the GIL
//! released. The calling (Python) thread wakes every [`TICK`] to
//!
//! * run the Python signal handlers (`PyErr_CheckSignals`): on Ctrl-C it cancels the
//!   [`Monitor`], waits for the fit to stop at its next step and re-raises the
//!   `KeyboardInterrupt`;
//! * move a progress bar to the monitor's latest [`Progress`](segcore::progress::Progress):
//!   the bar is `segcore._base._progress_bar(desc)` (tqdm when it is installed, shown only
//!   after a delay so short fits print nothing; `None` without tqdm or with `verbose=False`).
//!
//! Wiring a new fit is one line:
//!
//! ```ignore
//! let model = monitored(py, verbose, "kmeans", |m| params.fit_with(xv, w, m))?;
//! ```

use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::Duration;

use pyo3::prelude::*;
use segcore::progress::Monitor;

use crate::error::PyResultExt;

/// How often the Python thread checks for signals and moves the bar.
pub const TICK: Duration = Duration::from_millis(50);

/// Runs `fit` on a worker thread with the GIL released, checking for Ctrl-C and updating
/// a progress bar (when `verbose` and tqdm is installed) every [`TICK`] from the calling
/// thread. Returns the fit's result (core errors mapped to Python exceptions), or the
/// `KeyboardInterrupt` (or any exception raised by a signal handler) once the fit has
/// stopped.
pub fn monitored<T, F>(py: Python<'_>, verbose: bool, desc: &str, fit: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce(&Monitor) -> segcore::Result<T> + Send,
{
    let monitor = Monitor::new();
    let bar = if verbose {
        let b = py
            .import("segcore._base")?
            .call_method1("_progress_bar", (desc,))?;
        (!b.is_none()).then_some(b)
    } else {
        None
    };
    let outcome = std::thread::scope(|s| {
        let (tx, rx) = channel();
        let mon = &monitor;
        let worker = s.spawn(move || {
            // the receiver may be gone if the caller stopped waiting: nothing to do then
            let _ = tx.send(fit(mon));
        });
        let mut rx: Receiver<segcore::Result<T>> = rx;
        let mut last_done: Option<(String, u64, u64)> = None;
        loop {
            let (back, got) = py.detach(move || {
                let got = rx.recv_timeout(TICK);
                (rx, got)
            });
            rx = back;
            match got {
                Ok(result) => {
                    let _ = py.detach(|| worker.join());
                    return Ok(result);
                }
                Err(RecvTimeoutError::Disconnected) => {
                    // the worker ended without sending: it panicked; re-raise the panic here
                    return match py.detach(|| worker.join()) {
                        Err(payload) => std::panic::resume_unwind(payload),
                        Ok(()) => Err(pyo3::exceptions::PyRuntimeError::new_err(
                            "the fit thread ended without a result",
                        )),
                    };
                }
                Err(RecvTimeoutError::Timeout) => {}
            }
            let tick = py
                .check_signals()
                .and_then(|()| update_bar(bar.as_ref(), &monitor, &mut last_done));
            if let Err(e) = tick {
                monitor.cancel();
                // the fit stops at its next step; its result (Cancelled or a model) is dropped
                let _ = py.detach(|| worker.join());
                return Err(e);
            }
        }
    });
    if let Some(b) = &bar {
        // a finished fit leaves the bar at its last report; errors closing it are not the fit's
        if outcome.is_ok() {
            let _ = update_bar(Some(b), &monitor, &mut None);
        }
        let _ = b.call_method0("close");
    }
    outcome?.py()
}

fn update_bar(
    bar: Option<&Bound<'_, PyAny>>,
    monitor: &Monitor,
    last: &mut Option<(String, u64, u64)>,
) -> PyResult<()> {
    let (Some(bar), Some(p)) = (bar, monitor.latest()) else {
        return Ok(());
    };
    let key = (p.stage, p.done, p.total);
    if last.as_ref() == Some(&key) {
        return Ok(());
    }
    bar.call_method1("update", (key.0.as_str(), key.1, key.2))?;
    *last = Some(key);
    Ok(())
}
