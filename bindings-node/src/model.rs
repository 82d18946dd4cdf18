//! Model files: `loadModel(json)` reads any segcore model file (written by Rust, Python or
//! Node) into the matching class.

use napi::bindgen_prelude::Either;
use napi_derive::napi;
use segcore::model::{from_json, read_envelope};
use segcore::SegError;

use crate::churn::{GradientBoostingChurn, LogisticChurn};
use crate::cluster::{GaussianMixture, KMeans, MinMaxScaler, RobustScaler, StandardScaler};
use crate::clv::{BetaGeo, BetaGeoBetaBinom, GammaGamma, ModifiedBetaGeo, ParetoNbd};
use crate::error::{run, seg, Result};
use crate::pipeline::Segmenter;

/// Parses JSON text (a `MODEL_FILE` error if it is not JSON).
pub fn parse_json(text: &str) -> Result<serde_json::Value> {
    serde_json::from_str(text).map_err(|e| {
        seg(SegError::ModelFile {
            reason: format!("not JSON: {e}"),
        })
    })
}

/// Any model `loadModel` can return.
pub type AnyModel = Either<
    Either<
        Either<Either<BetaGeo, ModifiedBetaGeo>, Either<ParetoNbd, GammaGamma>>,
        Either<
            Either<BetaGeoBetaBinom, KMeans>,
            Either<Either<StandardScaler, MinMaxScaler>, RobustScaler>,
        >,
    >,
    Either<Either<LogisticChurn, GradientBoostingChurn>, Either<Segmenter, GaussianMixture>>,
>;

fn clv(m: Either<Either<BetaGeo, ModifiedBetaGeo>, Either<ParetoNbd, GammaGamma>>) -> AnyModel {
    Either::A(Either::A(m))
}

fn other(
    m: Either<
        Either<BetaGeoBetaBinom, KMeans>,
        Either<Either<StandardScaler, MinMaxScaler>, RobustScaler>,
    >,
) -> AnyModel {
    Either::A(Either::B(m))
}

/// Reads a segcore model file (JSON text, or the parsed object) and returns the fitted model
/// of its `kind`: `BetaGeo`, `ModifiedBetaGeo`, `ParetoNbd`, `GammaGamma`,
/// `BetaGeoBetaBinom`, `KMeans`, `StandardScaler`, `MinMaxScaler`, `RobustScaler`,
/// `LogisticChurn`, `GradientBoostingChurn`, `Segmenter` or `GaussianMixture`.
/// Unknown formats, versions and kinds are `MODEL_FILE` errors.
#[napi(
    ts_args_type = "json: string | object",
    ts_return_type = "BetaGeo | ModifiedBetaGeo | ParetoNbd | GammaGamma | BetaGeoBetaBinom | KMeans | StandardScaler | MinMaxScaler | RobustScaler | LogisticChurn | GradientBoostingChurn | Segmenter | GaussianMixture"
)]
pub fn load_model(json: serde_json::Value) -> Result<AnyModel> {
    let text = match json {
        serde_json::Value::String(s) => s,
        v => v.to_string(),
    };
    let env = run(|| read_envelope(&text))?;
    Ok(match env.kind.as_str() {
        "BetaGeo" => clv(Either::A(Either::A(BetaGeo::wrap(run(|| {
            from_json(&text)
        })?)))),
        "ModifiedBetaGeo" => clv(Either::A(Either::B(ModifiedBetaGeo::wrap(run(|| {
            from_json(&text)
        })?)))),
        "ParetoNbd" => clv(Either::B(Either::A(ParetoNbd::wrap(run(|| {
            from_json(&text)
        })?)))),
        "GammaGamma" => clv(Either::B(Either::B(GammaGamma::wrap(run(|| {
            from_json(&text)
        })?)))),
        "BetaGeoBetaBinom" => other(Either::A(Either::A(BetaGeoBetaBinom::wrap(run(|| {
            from_json(&text)
        })?)))),
        "KMeans" => other(Either::A(Either::B(KMeans::wrap(run(|| {
            from_json(&text)
        })?)))),
        "StandardScaler" => other(Either::B(Either::A(Either::A(StandardScaler::wrap(run(
            || from_json(&text),
        )?))))),
        "MinMaxScaler" => other(Either::B(Either::A(Either::B(MinMaxScaler::wrap(run(
            || from_json(&text),
        )?))))),
        "RobustScaler" => other(Either::B(Either::B(RobustScaler::wrap(run(|| {
            from_json(&text)
        })?)))),
        "Segmenter" => Either::B(Either::B(Either::A(Segmenter::wrap(run(|| {
            from_json(&text)
        })?)))),
        "GaussianMixture" => Either::B(Either::B(Either::B(GaussianMixture::wrap(run(|| {
            from_json(&text)
        })?)))),
        "LogisticChurn" => Either::B(Either::A(Either::A(LogisticChurn::wrap(run(|| {
            from_json(&text)
        })?)))),
        "GradientBoostingChurn" => Either::B(Either::A(Either::B(GradientBoostingChurn::wrap(
            run(|| from_json(&text))?,
        )))),
        kind => {
            return Err(seg(SegError::ModelFile {
                reason: format!("kind `{kind}` cannot be loaded by the Node binding"),
            }))
        }
    })
}
