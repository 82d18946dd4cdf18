// Out-of-time churn ROC AUC on CDNOW at several cutoffs and horizons, default settings of both
// models (logistic on median-filled features, gradient-boosted trees on raw features).
// Run after `make node-build`: node benches/churn/cutoffs.cjs
const s = require('../../bindings-node/index.js')
const tx = s.datasets.cdnow()
const runs = [['1997-06-30', '1997-09-30', 90], ['1997-09-30', '1997-12-31', 90], ['1997-12-31', '1998-03-31', 90], ['1997-09-30', '1998-01-31', 60], ['1997-08-31', '1997-12-31', 120]]
const medians = (ds) => {
  const m = ds.nCols
  const out = []
  for (let j = 0; j < m; j++) {
    const v = []
    for (let i = 0; i < ds.nRows; i++) { const x = ds.x[i * m + j]; if (Number.isFinite(x)) v.push(x) }
    v.sort((p, q) => p - q)
    out.push(v.length ? (v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2) : 0)
  }
  return out
}
for (const [a, b, h] of runs) {
  const d = s.churnDatasets(tx, { trainCutoff: a, testCutoff: b, horizonDays: h })
  const med = medians(d.train)
  const fill = (ds) => Float64Array.from(ds.x, (x, k) => (Number.isFinite(x) ? x : med[k % ds.nCols]))
  const g = new s.GradientBoostingChurn({ seed: 0 }).fit(d.train.x, d.train.nRows, d.train.nCols, d.train.y)
  const pg = g.predictProba(d.test.x, d.test.nRows, d.test.nCols)
  const l = new s.LogisticChurn({}).fit(fill(d.train), d.train.nRows, d.train.nCols, d.train.y)
  const pl = l.predictProba(fill(d.test), d.test.nRows, d.test.nCols)
  console.log(`train ${a} test ${b} H ${h}d: logistic ${s.rocAuc(d.test.y, pl).toFixed(4)}  gbt ${s.rocAuc(d.test.y, pg).toFixed(4)}  (n test ${d.test.nRows})`)
}
