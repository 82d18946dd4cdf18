import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  KMeans,
  StandardScaler,
  MinMaxScaler,
  RobustScaler,
  silhouetteScore,
  silhouetteScoreAsync,
  silhouetteSamples,
  daviesBouldinScore,
  calinskiHarabaszScore,
  rfmSegments,
  loadModel,
} from 'segcore'

// two well separated blobs in 2-D, row-major
const x = new Float64Array([0, 0, 0, 1, 1, 0, 1, 1, 10, 10, 10, 11, 11, 10, 11, 11])

test('KMeans finds the two blobs; predict/transform agree; async twin equal', async () => {
  const km = new KMeans({ nClusters: 2, seed: 0 })
  assert.equal(km.fit(x, 8, 2), km)
  const labels = km.labels
  assert.equal(labels.length, 8)
  assert.ok(labels.slice(0, 4).every((l) => l === labels[0]))
  assert.ok(labels.slice(4).every((l) => l === labels[4]))
  assert.notEqual(labels[0], labels[4])
  assert.equal(km.inertia, 8 * 0.5)
  const c = km.centroids
  const centres = [[c[0], c[1]], [c[2], c[3]]].sort((a, b) => a[0] - b[0])
  assert.deepEqual(centres, [[0.5, 0.5], [10.5, 10.5]])
  assert.deepEqual(km.predict(x, 8, 2), labels)
  const d = km.transform([0.5, 0.5], 1, 2)
  assert.equal(Math.min(d[0], d[1]), 0)
  const km2 = new KMeans({ nClusters: 2, seed: 0 })
  assert.equal(await km2.fitAsync(x, 8, 2), km2)
  assert.deepEqual(km2.centroids, km.centroids)
  const back = loadModel(km.toJson())
  assert.ok(back instanceof KMeans)
  assert.deepEqual(back.centroids, km.centroids)
  assert.deepEqual(back.predict(x, 8, 2), labels)
})

test('KMeans errors: shape, parameters, not fitted', async () => {
  assert.throws(() => new KMeans({ nClusters: 2 }).fit(x, 3, 2), { code: 'SEGCORE_SHAPE_MISMATCH' })
  assert.throws(() => new KMeans({ algorithm: 'magic' }), { code: 'SEGCORE_INVALID_PARAMETER' })
  assert.throws(() => new KMeans({ nClusters: 9 }).fit(x, 8, 2), { code: 'SEGCORE_INVALID_PARAMETER' })
  assert.throws(() => new KMeans().predict(x, 8, 2), { code: 'SEGCORE_NOT_FITTED' })
  const bad = Float64Array.from(x)
  bad[5] = NaN
  assert.throws(() => new KMeans({ nClusters: 2 }).fit(bad, 8, 2), { code: 'SEGCORE_INVALID_VALUE' })
  await assert.rejects(new KMeans({ nClusters: 2 }).fitAsync(bad, 8, 2), { code: 'SEGCORE_INVALID_VALUE' })
})

test('scalers match their definitions and round-trip', () => {
  const m = [1, 10, 2, 20, 3, 30, 4, 40]
  const std = new StandardScaler().fit(m, 4, 2)
  const z = std.transform(m, 4, 2)
  const sd = Math.sqrt(1.25)
  assert.ok(Math.abs(z[0] - (1 - 2.5) / sd) < 1e-12)
  assert.ok(Math.abs(z[1] - (10 - 25) / (10 * sd)) < 1e-12)
  const inv = std.inverseTransform(z, 4, 2)
  inv.forEach((v, i) => assert.ok(Math.abs(v - m[i]) < 1e-12))
  const mm = new MinMaxScaler().fitTransform(m, 4, 2)
  ;[0, 0, 1 / 3, 1 / 3, 2 / 3, 2 / 3, 1, 1].forEach((v, i) => assert.ok(Math.abs(mm[i] - v) < 1e-12))
  const rb = new RobustScaler().fitTransform(m, 4, 2)
  assert.equal(rb[0], (1 - 2.5) / 1.5)
  const back = loadModel(JSON.stringify(std))
  assert.ok(back instanceof StandardScaler)
  assert.deepEqual(back.transform(m, 4, 2), z)
})

test('quality scores on the blobs', async () => {
  const labels = [0, 0, 0, 0, 1, 1, 1, 1]
  const s = silhouetteScore(x, 8, 2, labels)
  // a = mean intra distance, b = mean distance to the other blob; checked by hand for row 0
  const samples = silhouetteSamples(x, 8, 2, labels)
  const a0 = (1 + 1 + Math.SQRT2) / 3
  const b0 = (Math.hypot(10, 10) + Math.hypot(10, 11) + Math.hypot(11, 10) + Math.hypot(11, 11)) / 4
  assert.ok(Math.abs(samples[0] - (1 - a0 / b0)) < 1e-12)
  assert.ok(Math.abs(s - samples.reduce((p, q) => p + q) / 8) < 1e-12)
  assert.equal(await silhouetteScoreAsync(x, 8, 2, labels), s)
  assert.ok(daviesBouldinScore(x, 8, 2, labels) < 0.2)
  assert.ok(calinskiHarabaszScore(x, 8, 2, labels) > 100)
  assert.throws(() => silhouetteScore(x, 8, 2, [0, 0, 0, 0, 1, 1, 1, -1]), { code: 'SEGCORE_INVALID_VALUE' })
})

test('rfmSegments: quintile scores and segment names', () => {
  const s = rfmSegments([1, 2], [1, 2], [1, 2])
  assert.deepEqual(s.score, ['511', '155'])
  assert.equal(s.segment.length, 2)
  assert.deepEqual(s.recencyScore, [5, 1])
  assert.throws(() => rfmSegments([1], [1, 2], [1]), { code: 'SEGCORE_LENGTH_MISMATCH' })
  assert.throws(() => rfmSegments([1], [1], [1], 'other'), { code: 'SEGCORE_INVALID_PARAMETER' })
})

test('GaussianMixture separates the blobs with confident memberships', async () => {
  const { GaussianMixture } = await import('segcore')
  const g = new GaussianMixture({ nComponents: 2, covarianceType: 'diag', seed: 0 })
  assert.equal(g.fit(x, 8, 2), g)
  assert.ok(g.converged)
  const w = g.weights
  assert.ok(Math.abs(w[0] - 0.5) < 1e-9 && Math.abs(w[1] - 0.5) < 1e-9)
  const means = [[g.means[0], g.means[1]], [g.means[2], g.means[3]]].sort((a, b) => a[0] - b[0])
  means.flat().forEach((v, i) => assert.ok(Math.abs(v - [0.5, 0.5, 10.5, 10.5][i]) < 1e-9))
  const l = g.predict(x, 8, 2)
  assert.notEqual(l[0], l[4])
  const p = g.predictProba(x, 8, 2)
  assert.ok(p[0] > 0.999 || p[1] > 0.999)
  const a = await new GaussianMixture({ nComponents: 2, covarianceType: 'diag', seed: 0 }).fitAsync(x, 8, 2)
  assert.deepEqual(a.means, g.means)
  assert.ok(loadModel(g.toJson()) instanceof GaussianMixture)
  assert.throws(() => new GaussianMixture({ covarianceType: 'tied' }), { code: 'SEGCORE_INVALID_PARAMETER' })
})

test('MiniBatchKMeans finds the blobs; toKMeans predicts the same', async () => {
  const { MiniBatchKMeans } = await import('segcore')
  const m = new MiniBatchKMeans({ nClusters: 2, batchSize: 8, seed: 0 })
  assert.equal(m.fit(x, 8, 2), m)
  const l = m.predict(x, 8, 2)
  assert.ok(l.slice(0, 4).every((v) => v === l[0]) && l.slice(4).every((v) => v === l[4]))
  assert.notEqual(l[0], l[4])
  assert.deepEqual(m.toKMeans().predict(x, 8, 2), l)
  const a = await new MiniBatchKMeans({ nClusters: 2, batchSize: 8, seed: 0 }).fitAsync(x, 8, 2)
  assert.deepEqual(a.centroids, m.centroids)
})
