import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import {
  LogisticChurn,
  GradientBoostingChurn,
  rocAuc,
  averagePrecision,
  logLoss,
  brierScore,
  loadModel,
} from 'segcore'

const dir = new URL('../../segcore/tests/golden/churn/', import.meta.url)
const json = (f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8'))

// CSV with x0..xk, y[, w]; empty cells are NaN (missing)
function csv(f) {
  const [head, ...lines] = readFileSync(new URL(f, dir), 'utf8').trim().split('\n')
  const cols = head.split(',')
  const nx = cols.filter((c) => /^x\d+$/.test(c)).length
  const x = new Float64Array(lines.length * nx)
  const y = []
  const w = []
  lines.forEach((l, i) => {
    const v = l.split(',')
    for (let j = 0; j < nx; j++) x[i * nx + j] = v[j] === '' ? NaN : Number(v[j])
    y.push(v[nx] === '1')
    if (cols.length > nx + 1) w.push(Number(v[nx + 1]))
  })
  return { x, y, w, nRows: lines.length, nCols: nx }
}

function close(a, b, rtol, what) {
  assert.ok(Math.abs(a - b) <= rtol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`)
}

test('LogisticChurn matches scikit-learn (golden vectors)', async () => {
  const g = json('logistic.json')
  const d = csv('logistic_data.csv')
  for (const c of g.cases.filter((c) => c.class_weight === null || c.class_weight === 'balanced')) {
    const m = new LogisticChurn({ c: c.C, classWeight: c.class_weight ?? 'none', solver: 'newton' })
    m.fit(d.x, d.nRows, d.nCols, d.y, c.sample_weight ? d.w : undefined)
    m.coef.forEach((v, j) => close(v, c.coef_original[j], 1e-5, `${c.name} coef ${j}`))
    close(m.intercept, c.intercept_original, 1e-5, `${c.name} intercept`)
    const p = m.predictProba(d.x, d.nRows, d.nCols)
    p.forEach((v, i) => close(v, c.proba[i], 1e-6, `${c.name} proba ${i}`))
    const a = await new LogisticChurn({ c: c.C, classWeight: c.class_weight ?? 'none', solver: 'newton' }).fitAsync(
      d.x, d.nRows, d.nCols, d.y, c.sample_weight ? d.w : undefined,
    )
    assert.deepEqual(a.predictProba(d.x, d.nRows, d.nCols), p)
  }
})

test('explain: drivers add up, bands follow the thresholds, model file round-trips', () => {
  const d = csv('logistic_data.csv')
  const m = new LogisticChurn().fit(d.x, d.nRows, d.nCols, d.y)
  const names = ['a', 'b', 'c', 'd', 'e', 'f']
  const ex = m.explain(d.x.subarray(0, 12), 2, 6, names, { topK: 6, medium: 0.2, high: 0.5 })
  const p = m.predictProba(d.x.subarray(0, 12), 2, 6)
  ex.forEach((e, i) => {
    close(e.churnProbability, p[i], 1e-12, 'probability')
    assert.equal(e.riskBand, p[i] >= 0.5 ? 'high' : p[i] >= 0.2 ? 'medium' : 'low')
    assert.equal(e.drivers.length, 6)
    const sum = e.drivers.reduce((s, dr) => s + dr.contribution, 0)
    close(e.baseValue + sum, e.rawScore, 1e-9, 'contributions sum')
  })
  const back = loadModel(m.toJson())
  assert.ok(back instanceof LogisticChurn)
  assert.deepEqual(back.predictProba(d.x, d.nRows, d.nCols), m.predictProba(d.x, d.nRows, d.nCols))
  assert.throws(() => m.explain(d.x, d.nRows, d.nCols, ['a']), (e) => e.code !== undefined)
  assert.throws(() => m.predictProba(d.x, d.nRows, 5), { code: 'SEGCORE_SHAPE_MISMATCH' })
})

test('GradientBoostingChurn: test AUC within 0.01 of scikit-learn, missing values allowed', async () => {
  const g = json('gbt.json')
  const opts = {
    maxIter: 100, learningRate: 0.1, maxLeafNodes: 31, minSamplesLeaf: 20, l2Regularization: 0,
    maxBins: 255, earlyStopping: false, validationFraction: 0, calibration: 'none',
  }
  const tr = csv('gbt_train.csv')
  const te = csv('gbt_test.csv')
  const m = await new GradientBoostingChurn(opts).fitAsync(tr.x, tr.nRows, tr.nCols, tr.y)
  assert.equal(m.nIter, 100)
  const p = m.predictProba(te.x, te.nRows, te.nCols)
  const auc = rocAuc(te.y, p)
  assert.ok(Math.abs(auc - g.test_auc_missing) < 0.01, `AUC ${auc} vs ${g.test_auc_missing}`)
  const sync = new GradientBoostingChurn(opts).fit(tr.x, tr.nRows, tr.nCols, tr.y)
  assert.deepEqual(sync.predictProba(te.x, te.nRows, te.nCols), p)
  const ex = m.explain(te.x.subarray(0, 3 * te.nCols), 3, te.nCols, Array.from({ length: te.nCols }, (_, j) => `x${j}`))
  assert.equal(ex.length, 3)
  assert.equal(ex[0].drivers.length, 3)
  assert.equal(m.featureImportances().length, te.nCols)
  assert.ok(loadModel(JSON.stringify(m)) instanceof GradientBoostingChurn)
  assert.throws(() => new GradientBoostingChurn({ calibration: 'magic' }), { code: 'SEGCORE_INVALID_PARAMETER' })
})

test('metrics match scikit-learn', () => {
  const g = json('metrics.json')
  const y = g.y.map((v) => v === 1)
  close(rocAuc(y, g.scores), g.roc_auc_scores, 1e-12, 'roc auc')
  close(averagePrecision(y, g.scores), g.average_precision_scores, 1e-12, 'average precision')
  close(logLoss(y, g.proba), g.log_loss, 1e-12, 'log loss')
  close(brierScore(y, g.proba), g.brier_score, 1e-12, 'brier')
  assert.throws(() => rocAuc([true], [0.1, 0.2]), { code: 'SEGCORE_LENGTH_MISMATCH' })
})

test('churnDatasets: out-of-time sets from logs train a useful model', async () => {
  const { datasets, churnDatasets, churnDatasetsAsync } = await import('segcore')
  const logs = datasets.syntheticShop(600, 2)
  const opts = { trainCutoff: '2024-03-01', testCutoff: '2024-08-01', horizonDays: 90 }
  const { train, test: te } = churnDatasets(logs, opts)
  assert.deepEqual(train.names, te.names)
  assert.equal(train.x.length, train.nRows * train.nCols)
  assert.equal(train.y.length, train.nRows)
  assert.equal(train.customerIds.length, train.nRows)
  assert.equal(train.cutoff, Date.UTC(2024, 2, 1))
  assert.ok(train.y.some((v) => v) && train.y.some((v) => !v))
  // undefined features are NaN: gradient boosting takes them as missing values
  assert.ok(train.x.some((v) => Number.isNaN(v)))
  const m = new GradientBoostingChurn({ maxIter: 50, seed: 0 }).fit(train.x, train.nRows, train.nCols, train.y)
  const auc = rocAuc(te.y, m.predictProba(te.x, te.nRows, te.nCols))
  assert.ok(auc > 0.6, `out-of-time AUC ${auc}`)
  const again = await churnDatasetsAsync(logs, opts)
  assert.deepEqual(again.train.x, train.x)
  assert.throws(() => churnDatasets(logs, { trainCutoff: '2024-03-01', testCutoff: '2024-04-01' }), {
    code: 'SEGCORE_INVALID_PARAMETER',
  })
  assert.throws(() => churnDatasets(logs, { testCutoff: '2024-04-01' }), { code: 'SEGCORE_INVALID_PARAMETER' })
})
