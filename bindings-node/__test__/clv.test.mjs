import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BetaGeo, ModifiedBetaGeo, ParetoNbd, GammaGamma, BetaGeoBetaBinom, datasets, loadModel } from 'segcore'

const s = datasets.cdnowSummary()

function near(a, b, tol, what) {
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`)
}

test('BG/NBD on the CDNOW summary reproduces Fader, Hardie and Lee (2005)', () => {
  const m = new BetaGeo({ unit: 'weeks' })
  assert.equal(m.fit(s.frequency, s.recency, s.T), m)
  const p = m.params
  near(p.r, 0.2426, 5e-4, 'r')
  near(p.alpha, 4.4137, 5e-4, 'alpha')
  near(p.a, 0.793, 5e-4, 'a')
  near(p.b, 2.4262, 5e-4, 'b')
  assert.equal(m.unit, 'weeks')
  const fs = m.fitSummary()
  assert.ok(fs.converged)
  near(fs.logLikelihood, -9582.4, 0.1, 'log-likelihood')
  // paper: a customer with x=2, t_x=30.43, T=38.86 expects 1.226 purchases in the next 39 weeks
  const e = m.conditionalExpectedPurchases(39, [2], [30.43], [38.86])
  near(e[0], 1.226, 1e-3, 'conditional expectation')
  const pa = m.pAlive(s.frequency, s.recency, s.T)
  assert.ok(pa instanceof Float64Array)
  assert.equal(pa.length, 2357)
  assert.ok(pa.every((v) => v >= 0 && v <= 1))
})

test('fitAsync resolves with the same fitted model', async () => {
  const a = new BetaGeo({ unit: 'weeks' }).fit(s.frequency, s.recency, s.T)
  const m = new BetaGeo({ unit: 'weeks' })
  const r = await m.fitAsync(s.frequency, s.recency, s.T)
  assert.equal(r, m)
  assert.deepEqual(m.params, a.params)
  const pn = new ParetoNbd({ unit: 'weeks' })
  await pn.fitAsync(s.frequency, s.recency, s.T)
  assert.deepEqual(pn.params, new ParetoNbd({ unit: 'weeks' }).fit(s.frequency, s.recency, s.T).params)
})

test('Pareto/NBD and MBG/NBD fit the CDNOW summary', () => {
  const pn = new ParetoNbd({ unit: 'weeks' }).fit(s.frequency, s.recency, s.T).params
  // Fader, Hardie and Lee (2005) "RFM and CLV": r 0.553, alpha 10.578, s 0.606, beta 11.669
  near(pn.r, 0.553, 2e-3, 'r')
  near(pn.alpha, 10.578, 2e-2, 'alpha')
  near(pn.s, 0.606, 2e-3, 's')
  near(pn.beta, 11.669, 5e-2, 'beta')
  const mbg = new ModifiedBetaGeo({ unit: 'weeks' }).fit(s.frequency, s.recency, s.T)
  assert.ok(mbg.fitSummary().converged)
})

test('Gamma-Gamma and lifetime value', () => {
  const rep = [...s.frequency.keys()].filter((i) => s.frequency[i] > 0)
  const f = Float64Array.from(rep, (i) => s.frequency[i])
  const mv = Float64Array.from(rep, (i) => s.monetary[i])
  const gg = new GammaGamma().fit(f, mv)
  const p = gg.params
  // lifetimes' docs on this data: p 6.25, q 3.74, v 15.44
  near(p.p, 6.25, 0.01, 'p')
  near(p.q, 3.74, 0.01, 'q')
  near(p.gamma, 15.44, 0.05, 'gamma')
  const bg = BetaGeo.fromParams(0.2426, 4.4137, 0.793, 2.4262, 'weeks')
  const clv = bg.customerLifetimeValue(gg, [26], [30.857], [31], [45], { horizon: 52.14, discountRate: 0.01 })
  assert.ok(clv[0] > 500)
  assert.throws(() => bg.customerLifetimeValue(gg, [1], [1], [2], [1, 2]), { code: 'SEGCORE_LENGTH_MISMATCH' })
})

test('BG/BB on the donations data reproduces Fader, Hardie and Shang (2010)', async () => {
  const d = datasets.donations()
  const m = new BetaGeoBetaBinom().fit(d.frequency, d.recency, d.periods, d.weights)
  const p = m.params
  near(p.alpha, 1.204, 1e-3, 'alpha')
  near(p.beta, 0.75, 1e-3, 'beta')
  near(p.gamma, 0.657, 1e-3, 'gamma')
  near(p.delta, 2.783, 1e-3, 'delta')
  const pa = m.pAlive([0, 6], [0, 6], [6, 6])
  assert.ok(pa[1] > pa[0])
  const a = await new BetaGeoBetaBinom().fitAsync(d.frequency, d.recency, d.periods, d.weights)
  assert.deepEqual(a.params, p)
})

test('model files round-trip through toJson / fromJson / loadModel / JSON.stringify', () => {
  const m = new BetaGeo({ unit: 'weeks' }).fit(s.frequency, s.recency, s.T)
  const text = m.toJson()
  const env = JSON.parse(text)
  assert.equal(env.format, 'segcore-model')
  assert.equal(env.kind, 'BetaGeo')
  assert.deepEqual(JSON.parse(JSON.stringify(m)), env)
  const back = BetaGeo.fromJson(text)
  assert.deepEqual(back.params, m.params)
  const any = loadModel(text)
  assert.ok(any instanceof BetaGeo)
  assert.deepEqual(any.pAlive([2], [30.43], [38.86]), m.pAlive([2], [30.43], [38.86]))
  assert.throws(() => ParetoNbd.fromJson(text), { code: 'SEGCORE_MODEL_FILE' })
  assert.throws(() => loadModel('{"format":"nope"}'), { code: 'SEGCORE_MODEL_FILE' })
})

test('errors: unfitted models, bad data, bad options', async () => {
  assert.throws(() => new BetaGeo().pAlive([1], [1], [2]), { code: 'SEGCORE_NOT_FITTED', message: 'BetaGeo is not fitted: call fit() first' })
  assert.throws(() => new BetaGeo({ unit: 'fortnights' }), { code: 'SEGCORE_INVALID_PARAMETER' })
  assert.throws(() => new BetaGeo({ initial: [1, 2] }), { code: 'SEGCORE_INVALID_PARAMETER' })
  assert.throws(() => new BetaGeo().fit([1, NaN], [1, 1], [2, 2]), (e) => {
    assert.equal(e.code, 'SEGCORE_INVALID_VALUE')
    assert.match(e.message, /row 1/)
    return true
  })
  await assert.rejects(new BetaGeo().fitAsync([1], [5], [2]), { code: 'SEGCORE_INVALID_VALUE' })
})

test('calibrationAndHoldout splits transactions like lifetimes', async () => {
  const { calibrationAndHoldout, calibrationAndHoldoutAsync } = await import('segcore')
  const day = 86_400_000
  const tx = { customerId: [1, 1, 1], timestamp: [0, 2 * day, 5 * day], amount: [1, 2, 6] }
  const ch = calibrationAndHoldout(tx, 3 * day, 7 * day)
  assert.deepEqual(ch.customerIds, ['1'])
  assert.deepEqual([...ch.frequency], [1])
  assert.deepEqual([...ch.recency], [2])
  assert.deepEqual([...ch.T], [3])
  assert.deepEqual([...ch.frequencyHoldout], [1])
  assert.deepEqual([...ch.monetaryHoldout], [6])
  assert.equal(ch.durationHoldout, 4)
  assert.equal(ch.unit, 'days')
  assert.deepEqual(await calibrationAndHoldoutAsync(tx, 3 * day, 7 * day), ch)
  assert.throws(() => calibrationAndHoldout(tx, 7 * day, 3 * day), { code: 'SEGCORE_INVALID_PARAMETER' })
})
