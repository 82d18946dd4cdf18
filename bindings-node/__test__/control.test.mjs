// Async fits: AbortSignal, progress callbacks, and an event loop that keeps turning.
import test from 'node:test'
import assert from 'node:assert/strict'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { KMeans, GaussianMixture, LogisticChurn, Segmenter, datasets, loadModel } from '../index.js'

// n rows x 8 columns around 8 centres, from a small deterministic generator
function blobs(n, seed = 1) {
  let s = seed >>> 0
  const rnd = () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 4294967296
  }
  const x = new Float64Array(n * 8)
  for (let i = 0; i < n; i++) {
    const c = i % 8
    for (let j = 0; j < 8; j++) x[i * 8 + j] = (c === j ? 6 : 0) + (rnd() - 0.5) * 4
  }
  return x
}

test('fitAsync with onProgress reports iterations and equals the plain fit', async () => {
  const x = blobs(5000)
  const seen = []
  const km = await new KMeans({ nClusters: 8, seed: 3 }).fitAsync(x, 5000, 8, null, {
    onProgress: (p) => seen.push(p),
  })
  // let queued progress calls drain
  await new Promise((r) => setImmediate(r))
  const plain = new KMeans({ nClusters: 8, seed: 3 }).fit(x, 5000, 8)
  assert.deepEqual(km.centroids, plain.centroids)
  assert.equal(km.inertia, plain.inertia)
  assert.ok(seen.length >= 1, 'at least one progress report')
  for (const p of seen) {
    assert.equal(p.stage, 'kmeans')
    assert.equal(p.total, 300)
    assert.ok(p.done >= 0 && p.done < 300)
  }
})

test('an already aborted signal rejects with AbortError / SEGCORE_CANCELLED and fits nothing', async () => {
  const ac = new AbortController()
  ac.abort()
  const km = new KMeans({ nClusters: 2 })
  await assert.rejects(km.fitAsync([0, 1, 10, 11], 4, 1, null, { signal: ac.signal }), (e) => {
    assert.ok(e instanceof Error)
    assert.equal(e.name, 'AbortError')
    assert.equal(e.code, 'SEGCORE_CANCELLED')
    assert.equal(e.message, 'kmeans was cancelled')
    return true
  })
  assert.equal(km.isFitted, false)
  const g = new GaussianMixture({ nComponents: 2 })
  await assert.rejects(g.fitAsync([0, 1, 10, 11], 4, 1, { signal: ac.signal }), { code: 'SEGCORE_CANCELLED' })
  const lr = new LogisticChurn()
  await assert.rejects(lr.fitAsync([0, 1, 2, 3], 4, 1, [false, true, false, true], null, { signal: ac.signal }), {
    name: 'AbortError',
  })
})

test('aborting a running fit stops it at its next iteration', async () => {
  const n = 300000
  const x = blobs(n, 7)
  const ac = new AbortController()
  const km = new KMeans({ nClusters: 8, nInit: 50, tol: 0, maxIter: 300, seed: 1 })
  let started = false
  const p = km.fitAsync(x, n, 8, null, {
    signal: ac.signal,
    onProgress: () => {
      if (!started) {
        started = true
        ac.abort()
      }
    },
  })
  await assert.rejects(p, { name: 'AbortError', code: 'SEGCORE_CANCELLED' })
  assert.ok(started, 'the fit had started when it was aborted')
  assert.equal(km.isFitted, false)
})

test('the Segmenter reports its stages and can be aborted between them', async () => {
  const tx = datasets.syntheticShop(400, 1)
  const stages = []
  const seg = await new Segmenter({ seed: 0, nSegments: 3 }).fitAsync(tx, undefined, {
    onProgress: (p) => {
      if (p.stage.startsWith('segmenter')) stages.push(p.stage)
    },
  })
  await new Promise((r) => setImmediate(r))
  assert.ok(seg.isFitted)
  assert.deepEqual(stages, [
    'segmenter: features',
    'segmenter: clv',
    'segmenter: rfm',
    'segmenter: choose k',
    'segmenter: kmeans',
    'segmenter: churn',
    'segmenter: scoring',
    'segmenter: done',
  ])
  const ac = new AbortController()
  const s2 = new Segmenter({ seed: 0, nSegments: 3 })
  const p = s2.fitAsync(tx, undefined, {
    signal: ac.signal,
    onProgress: (pr) => {
      if (pr.stage === 'segmenter: clv') ac.abort()
    },
  })
  await assert.rejects(p, { code: 'SEGCORE_CANCELLED' })
  assert.equal(s2.isFitted, false)
})

test('the event loop keeps turning during a large async fit', async () => {
  const n = 400000
  const x = blobs(n, 11)
  const h = monitorEventLoopDelay({ resolution: 5 })
  const ticks = []
  const timer = setInterval(() => ticks.push(performance.now()), 5)
  h.enable()
  const t0 = performance.now()
  const km = await new KMeans({ nClusters: 8, nInit: 6, seed: 2 }).fitAsync(x, n, 8)
  const t1 = performance.now()
  h.disable()
  clearInterval(timer)
  assert.ok(km.isFitted)
  const during = ticks.filter((t) => t >= t0 && t <= t1)
  // a blocked loop would show no tick during the fit and one gap as long as the fit
  let gap = 0
  for (let i = 1; i < during.length; i++) gap = Math.max(gap, during[i] - during[i - 1])
  const fitMs = t1 - t0
  console.log(
    `# async KMeans ${n}x8: fit ${fitMs.toFixed(0)} ms, ${during.length} timer ticks, ` +
      `largest gap ${gap.toFixed(1)} ms, event-loop delay p50 ${(h.percentile(50) / 1e6).toFixed(1)} ms, ` +
      `p99 ${(h.percentile(99) / 1e6).toFixed(1)} ms, max ${(h.max / 1e6).toFixed(1)} ms`,
  )
  assert.ok(during.length >= 3, `timer ran ${during.length} times during a ${fitMs.toFixed(0)} ms fit`)
  assert.ok(gap < fitMs / 2, `largest gap ${gap.toFixed(1)} ms vs fit ${fitMs.toFixed(0)} ms`)
  // same model as the synchronous fit
  const back = loadModel(JSON.stringify(km))
  assert.equal(back.inertia, km.inertia)
})

test('a control argument that is not an AbortSignal is refused with a coded error', async () => {
  await assert.rejects(
    async () => new KMeans({ nClusters: 2 }).fitAsync([0, 1, 10, 11], 4, 1, null, { signal: {} }),
    { code: 'SEGCORE_INVALID_PARAMETER' },
  )
  await assert.rejects(
    async () => new KMeans({ nClusters: 2 }).fitAsync([0, 1, 10, 11], 4, 1, null, { onProgress: 42 }),
    { code: 'SEGCORE_INVALID_ARGUMENT' },
  )
})
