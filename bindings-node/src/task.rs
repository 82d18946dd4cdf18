//! Async twins: core work on the libuv thread pool, resolved as a Promise.
//!
//! JavaScript values are converted on the main thread before a job is queued; the job owns
//! plain Rust data only. Errors reject the promise with the same coded `Error` the
//! synchronous call would throw, and panics are caught (code `SEGCORE_INTERNAL_ERROR`).

use std::sync::{Arc, Mutex};

use napi::bindgen_prelude::{Object, ObjectRef, ToNapiValue, TypeName};
use napi::{Env, JsValue as _, ScopedTask, Task};

use crate::error::{guard, Failure, JsError, Result};

/// Work that runs on a worker thread.
pub type Work<T> = Box<dyn FnOnce() -> segcore::Result<T> + Send>;

/// The rejection value: a real JS `Error` carrying the stable `code`; an aborted fit's error
/// is named `AbortError`, as the web platform's are.
fn reject(env: Env, e: JsError) -> napi::Error {
    let aborted = e.status.0 == crate::error::CANCELLED;
    let value = napi::JsError::from(e).into_unknown(env);
    if aborted {
        if let Ok(mut obj) = value.coerce_to_object() {
            let _ = obj.set("name", "AbortError");
        }
    }
    napi::Error::from(value)
}

/// A job computing `T` off the main thread, turned into the JavaScript value `J` on it.
pub struct Job<T, J> {
    work: Option<Work<T>>,
    finish: fn(T) -> Result<J>,
}

impl<T, J> Job<T, J> {
    /// A job from its work and the main-thread conversion of its result.
    pub fn new(work: Work<T>, finish: fn(T) -> Result<J>) -> Self {
        Job {
            work: Some(work),
            finish,
        }
    }
}

impl<T: Send + 'static, J: ToNapiValue + TypeName> Task for Job<T, J> {
    type Output = std::result::Result<T, Failure>;
    type JsValue = J;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        match self.work.take() {
            Some(work) => Ok(guard(work)),
            None => Ok(Err(Failure::Panic("job ran twice".into()))),
        }
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<J> {
        match output {
            Ok(value) => (self.finish)(value).map_err(|e| reject(env, e)),
            Err(f) => Err(reject(env, f.into_js())),
        }
    }
}

/// The fitted state of an estimator object, shared with its pending `fitAsync` jobs.
pub type Slot<F> = Arc<Mutex<Option<Arc<F>>>>;

/// A new, empty slot.
pub fn slot<F>() -> Slot<F> {
    Arc::new(Mutex::new(None))
}

/// The fitted state (shared, cheap to clone), or a `SEGCORE_NOT_FITTED` error saying that
/// `what` is not fitted.
pub fn fitted<F>(slot: &Slot<F>, what: &str) -> Result<Arc<F>> {
    let guard = slot
        .lock()
        .map_err(|_| crate::error::param("model", format!("{what}: state poisoned")))?;
    guard.clone().ok_or_else(|| crate::error::not_fitted(what))
}

/// Stores a fitted state.
pub fn store<F>(slot: &Slot<F>, value: F) {
    match slot.lock() {
        Ok(mut g) => *g = Some(Arc::new(value)),
        Err(poisoned) => *poisoned.into_inner() = Some(Arc::new(value)),
    }
}

/// `fitAsync`: fits off the main thread, stores the model in the estimator and resolves with
/// the estimator itself (like `fit`, which returns `this`).
pub struct FitJob<F> {
    work: Option<Work<F>>,
    slot: Slot<F>,
    this: Option<ObjectRef>,
}

impl<F> FitJob<F> {
    /// A fit job for the estimator object `this`.
    pub fn new(work: Work<F>, slot: Slot<F>, this: &Object) -> Result<Self> {
        let this = this.create_ref::<true>().map_err(crate::error::napi_err)?;
        Ok(FitJob {
            work: Some(work),
            slot,
            this: Some(this),
        })
    }
}

impl<'task, F: Send + Sync + 'static> ScopedTask<'task> for FitJob<F> {
    type Output = std::result::Result<F, Failure>;
    type JsValue = Object<'task>;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        match self.work.take() {
            Some(work) => Ok(guard(work)),
            None => Ok(Err(Failure::Panic("job ran twice".into()))),
        }
    }

    fn resolve(&mut self, env: &'task Env, output: Self::Output) -> napi::Result<Object<'task>> {
        match output {
            Ok(model) => {
                store(&self.slot, model);
                match &self.this {
                    Some(r) => r.get_value(env),
                    None => Err(reject(
                        *env,
                        Failure::Panic("estimator reference missing".into()).into_js(),
                    )),
                }
            }
            Err(f) => Err(reject(*env, f.into_js())),
        }
    }

    fn finally(mut self, env: Env) -> napi::Result<()> {
        if let Some(r) = self.this.take() {
            r.unref(&env)?;
        }
        Ok(())
    }
}
