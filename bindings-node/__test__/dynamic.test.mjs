import { test } from 'node:test'
import assert from 'node:assert/strict'
import { dynamicSegmentation, dynamicSegmentationAsync, loadModel, KMeans } from 'segcore'

const t0 = [0, 0, 0, 1, 1, 0, 1, 1, 10, 10, 10, 11, 11, 10, 11, 11]
const t1 = [10.2, 10.2, 0, 1, 1, 0, 1, 1, 10, 10, 10, 11, 11, 10, 11, 11] // row 0 moved

test('stable segment ids and transition counts across snapshots', async () => {
  const snaps = [
    { x: t0, nRows: 8, nCols: 2 },
    { x: new Float64Array(t1), nRows: 8, nCols: 2 },
  ]
  const r = dynamicSegmentation(snaps, { kmeans: { nClusters: 2, seed: 0 } })
  assert.equal(r.k, 2)
  assert.equal(r.labels.length, 2)
  const a = r.labels[0][1] // the low blob's id in snapshot 0
  const b = r.labels[0][4]
  assert.notEqual(a, b)
  assert.equal(r.labels[1][1], a, 'low blob keeps its id after the refit')
  assert.equal(r.labels[1][0], b, 'row 0 moved to the high blob')
  assert.equal(r.transitions.length, 1)
  const c = r.transitions[0].counts
  assert.equal(c[a * 2 + a], 3)
  assert.equal(c[a * 2 + b], 1)
  assert.equal(c[b * 2 + b], 4)
  assert.equal(c[b * 2 + a], 0)
  assert.equal(r.transitions[0].rates[a * 2 + b], 0.25)
  assert.ok(loadModel(r.model) instanceof KMeans)
  assert.deepEqual(await dynamicSegmentationAsync(snaps, { kmeans: { nClusters: 2, seed: 0 } }), r)
  assert.throws(() => dynamicSegmentation([], {}), { code: 'SEGCORE_EMPTY_INPUT' })
  assert.throws(() => dynamicSegmentation(snaps, { mode: 'x' }), { code: 'SEGCORE_INVALID_PARAMETER' })
})
