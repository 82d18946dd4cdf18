//! `AbortSignal` and progress callbacks for async fits.
//!
//! Every long `...Async` fit takes an optional last argument `{ signal, onProgress }`:
//! - `signal`: an `AbortSignal`. Aborting it (before or while the fit runs) makes the fit stop
//!   at its next iteration and the promise reject with an `Error` whose `name` is
//!   `"AbortError"` and whose `code` is `SEGCORE_CANCELLED`.
//! - `onProgress(p)`: called on the main thread with `{ stage, done, total }`, at most every
//!   50 ms and once at the end of each stage, never blocking the fit.
//!
//! Both map onto the core's [`segcore::progress::Monitor`].

use std::sync::Mutex;
use std::time::{Duration, Instant};

use napi::bindgen_prelude::{Function, Object, Unknown};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{Env, Status};
use napi_derive::napi;
use segcore::progress::Monitor;

use crate::error::{napi_err, Result};

/// Progress of a long fit, as passed to `onProgress`.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct FitProgress {
    /// What is running (`"kmeans"`, `"gbt"`, `"segmenter: churn"`...).
    pub stage: String,
    /// Units done (iterations or stages).
    pub done: f64,
    /// Units expected at most (a fit may stop earlier when it converges).
    pub total: f64,
}

/// The optional last argument of long async fits (typing only: read field by field).
#[napi(object, object_to_js = false)]
#[allow(dead_code)]
pub struct FitControl {
    /// Stops the fit when aborted (before or while it runs).
    #[napi(ts_type = "AbortSignal")]
    pub signal: Option<serde_json::Value>,
    /// Called on the main thread with the fit's progress, at most every 50 ms per stage.
    #[napi(ts_type = "(progress: FitProgress) => void")]
    pub on_progress: Option<serde_json::Value>,
}

/// Weak: a pending progress function never keeps the process alive on its own.
type ProgressFn = ThreadsafeFunction<FitProgress, (), FitProgress, Status, false, true>;

/// `signal.addEventListener` as seen from Rust: `(type, listener) => unknown`.
type AddListener<'a> =
    Function<'a, napi::bindgen_prelude::FnArgs<(&'static str, Function<'a, (), ()>)>, Unknown<'a>>;

/// Minimum time between two progress calls of the same stage.
const THROTTLE: Duration = Duration::from_millis(50);

/// Builds the monitor of one async fit from its optional `{ signal, onProgress }` argument.
///
/// An already aborted signal gives a cancelled monitor (the fit rejects before doing work).
pub fn monitor(env: &Env, control: Option<Object>) -> Result<Monitor> {
    let Some(control) = control else {
        return Ok(Monitor::new());
    };
    let progress: Option<ProgressFn> = control.get("onProgress").map_err(napi_err)?;
    let monitor = match progress {
        None => Monitor::new(),
        Some(tsfn) => {
            let last: Mutex<Option<(String, Instant)>> = Mutex::new(None);
            Monitor::with_callback(move |p| {
                let now = Instant::now();
                let due = match last.lock() {
                    Ok(mut g) => {
                        let due = match g.as_ref() {
                            Some((stage, t)) => {
                                *stage != p.stage
                                    || p.done >= p.total
                                    || now.duration_since(*t) >= THROTTLE
                            }
                            None => true,
                        };
                        if due {
                            *g = Some((p.stage.clone(), now));
                        }
                        due
                    }
                    Err(_) => false,
                };
                if due {
                    tsfn.call(
                        FitProgress {
                            stage: p.stage.clone(),
                            done: p.done as f64,
                            total: p.total as f64,
                        },
                        ThreadsafeFunctionCallMode::NonBlocking,
                    );
                }
            })
        }
    };
    let signal: Option<Object> = control.get("signal").map_err(napi_err)?;
    if let Some(signal) = signal {
        let aborted: Option<bool> = signal.get("aborted").map_err(napi_err)?;
        if aborted.unwrap_or(false) {
            monitor.cancel();
        } else {
            let add: Option<AddListener> = signal.get("addEventListener").map_err(napi_err)?;
            let Some(add) = add else {
                return Err(crate::error::param(
                    "signal",
                    "must be an AbortSignal (it has no addEventListener)",
                ));
            };
            let m = monitor.clone();
            let on_abort = env
                .create_function_from_closure::<(), (), _>("segcoreAbort", move |_| {
                    m.cancel();
                    Ok(())
                })
                .map_err(napi_err)?;
            add.apply(signal, ("abort", on_abort).into())
                .map_err(napi_err)?;
        }
    }
    Ok(monitor)
}
