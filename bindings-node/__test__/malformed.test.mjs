// No input, however malformed, crashes the process: every call below must throw (or reject
// with) an Error whose code starts with SEGCORE_. A crash would kill this test file.
import test from 'node:test'
import assert from 'node:assert/strict'
import * as s from 'segcore'

const coded = (e) => {
  assert.ok(e instanceof Error, `not an Error: ${e}`)
  assert.match(String(e.code), /^SEGCORE_[A-Z_]+$/, `code ${e.code} (${e.message})`)
  assert.ok(e.message.length > 0)
  return true
}

const fitted = () => new s.KMeans({ nClusters: 2, seed: 0 }).fit([0, 0, 1, 1, 9, 9, 10, 10], 4, 2)
const km = fitted()
const modelText = JSON.stringify(km)

// [name, thunk] pairs: each must throw a coded error
const cases = [
  // wrong types
  ['features(null)', () => s.features(null)],
  ['features(42)', () => s.features(42)],
  ['features("text")', () => s.features('text')],
  ['features(object without columns)', () => s.features({ foo: [1, 2] })],
  ['features(row with string amount)', () => s.features([{ customerId: 1, timestamp: 0, amount: 'ten' }])],
  ['features(row with object id)', () => s.features([{ customerId: {}, timestamp: 0, amount: 1 }])],
  ['features(columns of unequal length)', () => s.features({ customerId: [1, 2], timestamp: [0], amount: [1, 2] })],
  ['features(NaN amount)', () => s.features({ customerId: [1], timestamp: [0], amount: [NaN] })],
  ['features(Infinity timestamp)', () => s.features({ customerId: [1], timestamp: [Infinity], amount: [1] })],
  ['features(bad date string)', () => s.features([{ customerId: 1, timestamp: '2024-13-45', amount: 1 }])],
  ['features(empty)', () => s.features([])],
  ['KMeans.fit(strings)', () => new s.KMeans({ nClusters: 2 }).fit(['a', 'b'], 1, 2)],
  ['KMeans.fit(shape lies)', () => new s.KMeans({ nClusters: 2 }).fit([1, 2, 3], 2, 2)],
  ['KMeans.fit(negative rows)', () => new s.KMeans({ nClusters: 2 }).fit([1, 2], -1, 2)],
  ['KMeans.fit(huge shape)', () => new s.KMeans({ nClusters: 2 }).fit([1, 2], 4294967295, 4294967295)],
  ['KMeans({nClusters: -3}).fit', () => new s.KMeans({ nClusters: -3 }).fit([1, 2], 2, 1)],
  ['KMeans({nClusters: 1e12})', () => new s.KMeans({ nClusters: 1e12 }).fit([1, 2], 2, 1)],
  ['KMeans({nClusters: "two"})', () => new s.KMeans({ nClusters: 'two' })],
  ['KMeans.predict(NaN)', () => km.predict([NaN, 1], 1, 2)],
  ['KMeans.predict(wrong width)', () => km.predict([1, 2, 3], 1, 3)],
  ['BetaGeo.fit(mismatched)', () => new s.BetaGeo().fit([1, 2], [1], [3, 4])],
  ['BetaGeo.fit(recency > T)', () => new s.BetaGeo().fit([1], [5], [2])],
  ['BetaGeo.fit(negative frequency)', () => new s.BetaGeo().fit([-1, 2], [1, 2], [3, 4])],
  ['BetaGeo.pAlive unfitted', () => new s.BetaGeo().pAlive([1], [1], [2])],
  ['GammaGamma.fit(zero spend)', () => new s.GammaGamma().fit([1, 2], [0, -5])],
  ['LogisticChurn.fit(y too short)', () => new s.LogisticChurn().fit([1, 2, 3, 4], 4, 1, [true])],
  ['LogisticChurn.fit(one class)', () => new s.LogisticChurn().fit([1, 2, 3, 4], 4, 1, [true, true, true, true])],
  ['GradientBoostingChurn.fit(NaN label shape)', () => new s.GradientBoostingChurn().fit([1, 2], 2, 1, [])],
  ['rocAuc(mismatched)', () => s.rocAuc([true, false], [0.1])],
  ['rocAuc(NaN score)', () => s.rocAuc([true, false], [NaN, 0.2])],
  ['silhouetteScore(one cluster)', () => s.silhouetteScore([1, 2, 3], 3, 1, [0, 0, 0])],
  ['rfmSegments(mismatched)', () => s.rfmSegments([1, 2], [1], [1, 2])],
  ['rfmSegments(bad table)', () => s.rfmSegments([1], [1], [1], 'nonsense')],
  // broken model files
  ['loadModel("")', () => s.loadModel('')],
  ['loadModel("{")', () => s.loadModel('{')],
  ['loadModel("null")', () => s.loadModel('null')],
  ['loadModel([])', () => s.loadModel('[]')],
  ['loadModel(other format)', () => s.loadModel('{"format":"pickle","version":1,"kind":"KMeans","params":{}}')],
  ['loadModel(future version)', () => s.loadModel(modelText.replace('"version":1', '"version":99'))],
  ['loadModel(unknown kind)', () => s.loadModel(modelText.replace('"kind":"KMeans"', '"kind":"Oracle"'))],
  ['loadModel(truncated)', () => s.loadModel(modelText.slice(0, modelText.length / 2))],
  ['loadModel(params of wrong type)', () => s.loadModel(modelText.replace(/"centroids":\{[^}]*\}/, '"centroids":"x"'))],
  ['loadModel(huge nesting)', () => s.loadModel('['.repeat(100000) + ']'.repeat(100000))],
  ['loadModel(object)', () => s.loadModel({ format: 'segcore-model' })],
  ['Segmenter unfitted score', () => new s.Segmenter().score([{ customerId: 1, timestamp: 0, amount: 1 }])],
  ['Segmenter({nSegments: 0})', () => new s.Segmenter({ nSegments: 0 }).fit(s.datasets.syntheticShop(50, 0))],
  ['syntheticShop(-1)', () => s.datasets.syntheticShop(-1)],
  ['readLogsCsv(missing file)', () => s.readLogsCsv({ transactions: '/no/such/file.csv' })],
  ['CustomerState.add(garbage)', () => new s.CustomerState().add({ timestamp: {}, amount: [] })],
]

test('napi argument errors carry SEGCORE_INVALID_ARGUMENT and napi\'s message', () => {
  assert.throws(() => new s.KMeans({ nClusters: 'two' }), (e) => {
    assert.equal(e.code, 'SEGCORE_INVALID_ARGUMENT')
    assert.equal(e.napiCode, 'NumberExpected')
    assert.match(e.message, /nClusters/)
    return true
  })
  // instances made by the binding are still instances of the exported classes
  assert.ok(s.loadModel(modelText) instanceof s.KMeans)
  assert.ok(km instanceof s.KMeans)
})

test('malformed inputs throw coded errors and never crash', () => {
  const failures = []
  for (const [name, f] of cases) {
    try {
      f()
      failures.push(`${name}: did not throw`)
    } catch (e) {
      try {
        coded(e)
      } catch (a) {
        failures.push(`${name}: ${a.message}`)
      }
    }
  }
  assert.deepEqual(failures, [])
})

test('malformed inputs to async twins reject with coded errors', async () => {
  const asyncCases = [
    () => s.featuresAsync({ customerId: [1], timestamp: [0], amount: [NaN] }),
    () => s.featuresAsync(null),
    () => new s.KMeans({ nClusters: 2 }).fitAsync([NaN, 1, 2, 3], 2, 2),
    () => new s.KMeans({ nClusters: 2 }).fitAsync([1, 2, 3], 2, 2),
    () => new s.BetaGeo().fitAsync([1], [5], [2]),
    () => new s.Segmenter().fitAsync([{ customerId: 1, timestamp: 'never', amount: 1 }]),
    () => s.silhouetteScoreAsync([1, 2], 2, 1, [0, 0]),
  ]
  for (const f of asyncCases) {
    await assert.rejects(async () => f(), coded)
  }
})

test('a large but valid typed array is accepted and a shape beyond it is refused', () => {
  const n = 2_000_000
  const x = new Float64Array(n * 2)
  for (let i = 0; i < n; i++) {
    x[2 * i] = i % 2 ? 10 : 0
    x[2 * i + 1] = (i % 7) / 7
  }
  const m = new s.KMeans({ nClusters: 2, seed: 0, maxIter: 5 }).fit(x, n, 2)
  assert.equal(m.labels.length, n)
  assert.throws(() => new s.KMeans({ nClusters: 2 }).fit(x, n + 1, 2), coded)
})
