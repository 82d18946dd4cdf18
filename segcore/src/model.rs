//! Versioned JSON model files shared by Rust, Python and Node.
//!
//! Every fitted thing is written as one envelope:
//! `{"format": "segcore-model", "version": 1, "kind": "...", "time_unit": ..., "created_by":
//! "segcore x.y.z", "params": {...}}`. Readers check format, version and kind and refuse what
//! they do not know. Numbers round-trip exactly (serde_json with `float_roundtrip`).
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use segcore::model::{self, ModelKind};
//!
//! #[derive(Serialize, Deserialize, PartialEq, Debug)]
//! struct Toy { w: f64 }
//! impl ModelKind for Toy { const KIND: &'static str = "Toy"; }
//!
//! let json = model::to_json(&Toy { w: 0.1 + 0.2 }).unwrap();
//! let back: Toy = model::from_json(&json).unwrap();
//! assert_eq!(back, Toy { w: 0.1 + 0.2 });
//! assert!(model::from_json::<Toy>("{}").is_err());
//! ```

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::{Result, SegError};

/// The `format` field of every model file.
pub const FORMAT: &str = "segcore-model";
/// The model file version this build writes and reads.
pub const VERSION: u32 = 1;

/// A fitted model that can be written as a segcore model file.
pub trait ModelKind: Serialize + DeserializeOwned {
    /// The `kind` field, e.g. `"BetaGeo"`.
    const KIND: &'static str;
    /// The time unit the model was fitted in, if it has one (e.g. `"days"`).
    fn time_unit(&self) -> Option<String> {
        None
    }
}

/// The envelope around a model's parameters.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Envelope {
    /// Always [`FORMAT`].
    pub format: String,
    /// File format version.
    pub version: u32,
    /// Model kind.
    pub kind: String,
    /// Time unit, when the model has one.
    #[serde(default)]
    pub time_unit: Option<String>,
    /// Writer, `segcore x.y.z`.
    pub created_by: String,
    /// The model's own serialised state.
    pub params: serde_json::Value,
}

/// Reads the envelope of a model file without decoding its parameters.
///
/// ```
/// let env = segcore::model::read_envelope(
///     r#"{"format":"segcore-model","version":1,"kind":"KMeans","created_by":"segcore 0.1.0","params":{}}"#,
/// ).unwrap();
/// assert_eq!(env.kind, "KMeans");
/// ```
pub fn read_envelope(json: &str) -> Result<Envelope> {
    let env: Envelope = serde_json::from_str(json).map_err(|e| SegError::ModelFile {
        reason: format!("not a segcore model file: {e}"),
    })?;
    if env.format != FORMAT {
        return Err(SegError::ModelFile {
            reason: format!("format is `{}`, expected `{FORMAT}`", env.format),
        });
    }
    if env.version != VERSION {
        return Err(SegError::ModelVersion {
            found: env.version,
            supported: VERSION,
        });
    }
    Ok(env)
}

/// Serialises a model into a model file string.
///
/// ```
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Serialize, Deserialize)] struct Toy { w: f64 }
/// # impl segcore::model::ModelKind for Toy { const KIND: &'static str = "Toy"; }
/// let s = segcore::model::to_json(&Toy { w: 1.0 }).unwrap();
/// assert!(s.contains("\"kind\":\"Toy\""));
/// ```
pub fn to_json<M: ModelKind>(model: &M) -> Result<String> {
    let params = serde_json::to_value(model).map_err(|e| SegError::ModelFile {
        reason: format!("cannot serialise {}: {e}", M::KIND),
    })?;
    let env = Envelope {
        format: FORMAT.to_string(),
        version: VERSION,
        kind: M::KIND.to_string(),
        time_unit: model.time_unit(),
        created_by: format!("segcore {}", env!("CARGO_PKG_VERSION")),
        params,
    };
    serde_json::to_string(&env).map_err(|e| SegError::ModelFile {
        reason: format!("cannot serialise {}: {e}", M::KIND),
    })
}

/// Reads a model of kind `M` from a model file string, checking format, version and kind.
///
/// ```
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Serialize, Deserialize, Debug)] struct Toy { w: f64 }
/// # impl segcore::model::ModelKind for Toy { const KIND: &'static str = "Toy"; }
/// let bad = r#"{"format":"segcore-model","version":1,"kind":"Other","created_by":"x","params":{}}"#;
/// let err = segcore::model::from_json::<Toy>(bad).unwrap_err();
/// assert!(err.to_string().contains("holds kind `Other`, expected `Toy`"));
/// ```
pub fn from_json<M: ModelKind>(json: &str) -> Result<M> {
    let env = read_envelope(json)?;
    if env.kind != M::KIND {
        return Err(SegError::ModelFile {
            reason: format!("file holds kind `{}`, expected `{}`", env.kind, M::KIND),
        });
    }
    serde_json::from_value(env.params).map_err(|e| SegError::ModelFile {
        reason: format!("malformed {} parameters: {e}", M::KIND),
    })
}
