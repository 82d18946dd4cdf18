import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Segmenter, datasets, loadModel } from 'segcore'

test('Segmenter: one customer table, same result sync and async, model file round-trip', async () => {
  const logs = datasets.syntheticShop(400, 1)
  const seg = new Segmenter({ nSegments: 3, seed: 0 })
  assert.equal(seg.fit(logs), seg)
  const t = seg.customers()
  assert.equal(t.customerIds.length, 400)
  for (const c of ['segment', 'segment_name', 'clv', 'p_alive', 'churn_probability', 'risk_band', 'rfm_segment']) {
    assert.ok(t.names.includes(c), `column ${c}`)
  }
  const segs = new Set(t.columns.segment)
  assert.equal(segs.size, 3)
  assert.equal(seg.segmentNames.length, 3)
  // customers the churn model does not score (no purchase before the cutoff) get NaN and no band
  const cp = t.columns.churn_probability
  const rb = t.columns.risk_band
  cp.forEach((p, i) => {
    if (Number.isNaN(p)) assert.equal(rb[i], '')
    else {
      assert.ok(p >= 0 && p <= 1)
      assert.equal(rb[i], p >= 0.6 ? 'high' : p >= 0.3 ? 'medium' : 'low')
    }
  })
  assert.ok(cp.some((p) => !Number.isNaN(p)))
  assert.ok(seg.profiles().segments.length === 3)

  const seg2 = await new Segmenter({ nSegments: 3, seed: 0 }).fitAsync(logs)
  assert.deepEqual(seg2.customers(), t)

  const scored = seg.score(logs)
  assert.deepEqual(scored.columns.segment, t.columns.segment)
  assert.deepEqual(await seg.scoreAsync(logs), scored)

  const back = loadModel(seg.toJson())
  assert.ok(back instanceof Segmenter)
  assert.equal(back.customers(), null)
  assert.deepEqual(back.score(logs), scored)
})

test('Segmenter errors keep their codes', async () => {
  assert.throws(() => new Segmenter().score(datasets.syntheticShop(10, 0)), { code: 'SEGCORE_NOT_FITTED' })
  await assert.rejects(new Segmenter().fitAsync([{ customerId: 1, timestamp: 0, amount: NaN }]), { code: 'SEGCORE_INVALID_VALUE' })
})
