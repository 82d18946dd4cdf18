// Live scoring: a model file written by Python scores identically in Node; CustomerState
// replayed event by event over CDNOW equals the batch features and scores.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { CustomerState, Segmenter, features, loadModel } from 'segcore'
import { cdnowSample, close, driverText, timeOrder } from './fixtures/cdnow.mjs'

const fixture = (name) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')
const modelText = fixture('segmenter.json')
const golden = JSON.parse(fixture('golden.json'))
const model = loadModel(modelText)
const DAY = 86_400_000

function assertScore (s, g, tol, what) {
  assert.equal(s.segment, g.segment, `${what} segment`)
  assert.equal(s.segmentName, g.segmentName, `${what} segmentName`)
  assert.equal(s.rfmScore ?? '', g.rfmScore, `${what} rfmScore`)
  assert.equal(s.rfmSegment ?? '', g.rfmSegment, `${what} rfmSegment`)
  assert.equal(s.riskBand ?? '', g.riskBand, `${what} riskBand`)
  for (const k of ['pAlive', 'expectedPurchases', 'clv', 'churnProbability']) {
    assert.ok(close(s[k], g[k], tol), `${what} ${k}: node ${s[k]} vs reference ${g[k]}`)
  }
  assert.deepEqual(s.drivers.map(driverText), g.drivers.filter((d) => d !== ''), `${what} drivers`)
}

test('a Segmenter model file written by Python scores the same customers identically (1e-12)', () => {
  assert.ok(model instanceof Segmenter)
  assert.equal(model.asOf, golden.asOf)
  assert.deepEqual(model.segmentNames, golden.segmentNames)
  assert.equal(golden.customers.length, 20)
  // the fixture covers all four segments
  assert.equal(new Set(golden.customers.map((c) => c.score.segment)).size, 4)
  for (const c of golden.customers) {
    const state = model.customerState(c.orders)
    assert.equal(state.length, c.orders.length)
    const s = model.scoreCustomer(state)
    assert.equal(s.asOf, golden.asOf)
    assert.equal(s.purchaser, true)
    assertScore(s, c.score, 1e-12, `customer ${c.customerId}`)
    // an order array is the same customer as its state; so is an explicit cutoff
    assert.deepEqual(model.scoreCustomer(c.orders), s)
    assert.deepEqual(model.scoreCustomer(state, new Date(golden.asOf)), s)
  }
  // the model read from the object form and from a Segmenter.fromJson give the same scores
  const again = loadModel(JSON.parse(modelText))
  const c0 = golden.customers[0]
  assert.deepEqual(again.scoreCustomer(c0.orders), model.scoreCustomer(c0.orders))
  assert.deepEqual(Segmenter.fromJson(modelText).scoreCustomer(c0.orders), model.scoreCustomer(c0.orders))
})

test('CDNOW replayed order by order into CustomerState equals the batch features and scores', async () => {
  const rows = cdnowSample()
  assert.equal(rows.length, 6919)
  const states = new Map()
  for (const r of timeOrder(rows)) {
    let s = states.get(r.customerId)
    if (!s) states.set(r.customerId, (s = model.customerState()))
    assert.equal(s.add(r), s)
  }
  assert.equal(states.size, golden.nCustomers)

  // features at the fit's cutoff and at an earlier one (later rows ignored by both paths)
  const cfg = JSON.parse(modelText).params.params.features
  for (const asOf of [model.asOf, Date.UTC(1997, 8, 15)]) {
    const batch = features(rows, {
      asOf,
      families: ['purchase'],
      windowsDays: cfg.windows_days,
      trendWindowDays: cfg.trend_window_days,
      mergePeriodSecs: cfg.merge_period_secs ?? 0
    })
    const names = batch.names
    const cols = Object.fromEntries(names.map((n) => [n, batch.column(n)]))
    let compared = 0
    batch.customerIds.forEach((id, r) => {
      const live = states.get(Number(id)).features(asOf, model)
      assert.deepEqual(Object.keys(live), names)
      for (const n of names) {
        assert.ok(close(live[n], cols[n][r], 1e-12), `customer ${id} ${n} as of ${new Date(asOf).toISOString()}: live ${live[n]} vs batch ${cols[n][r]}`)
        compared++
      }
    })
    assert.equal(compared, names.length * golden.nCustomers)
  }

  // scores: batch table vs live, one by one, batched and async
  const table = model.score(rows)
  const ids = table.customerIds
  const list = ids.map((id) => states.get(Number(id)))
  const live = model.scoreCustomers(list)
  assert.equal(live.length, ids.length)
  const col = table.columns
  ids.forEach((id, r) => {
    const g = {
      segment: col.segment[r],
      segmentName: col.segment_name[r],
      rfmScore: col.rfm_score[r],
      rfmSegment: col.rfm_segment[r],
      riskBand: col.risk_band[r],
      pAlive: col.p_alive[r],
      expectedPurchases: col.expected_purchases[r],
      clv: col.clv[r],
      churnProbability: col.churn_probability[r],
      drivers: [col.driver_1[r], col.driver_2[r], col.driver_3[r]]
    }
    assertScore(live[r], g, 1e-12, `customer ${id}`)
  })
  for (const r of [0, 7, 1000, ids.length - 1]) assert.deepEqual(model.scoreCustomer(list[r]), live[r])
  assert.deepEqual(await model.scoreCustomersAsync(list), live)
  // the golden customers replayed event by event score as Python scored them
  for (const c of golden.customers) assertScore(model.scoreCustomer(states.get(c.customerId)), c.score, 1e-12, `replayed ${c.customerId}`)
})

test('CustomerState: incremental updates, out-of-order orders, summary, JSON round trip', () => {
  const t0 = Date.UTC(2026, 0, 1)
  const s = new CustomerState()
  assert.equal(s.length, 0)
  assert.equal(s.lastTimestamp, null)
  assert.equal(s.mergePeriodSecs, 86400)
  assert.equal(s.summary(t0), null)
  s.add({ timestamp: new Date(t0), amount: 10, quantity: 1, orderId: 'A' })
    .add({ timestamp: '2026-01-11T08:00:00Z', amount: 30, discount: true, orderId: 7 })
    .add({ timestamp: t0 + 10 * DAY + 3600e3, amount: -5 }) // a return: no new occasion
  assert.equal(s.length, 3)
  const sum = s.summary(t0 + 20 * DAY)
  assert.deepEqual(Object.keys(sum), ['x', 'tX', 'T', 'meanRepeatSpend'])
  assert.deepEqual([sum.x, sum.T, sum.meanRepeatSpend], [1, 20, 30])
  assert.ok(close(sum.tX, 10 + 8 / 24, 1e-15))
  const f = s.features(t0 + 20 * DAY)
  assert.ok(close(f.recency, 20 - (10 + 8 / 24), 1e-15))
  assert.equal(f.total_spend, 35)
  assert.equal(f.n_orders, 2)
  assert.equal(f.discount_share, 0.5)
  assert.equal(f.return_rate, 5 / 40)
  // the return (earlier than the latest order) was inserted at its place
  assert.deepEqual(s.orders()[1], { timestamp: t0 + 10 * DAY + 3600e3, amount: -5 })
  assert.deepEqual(s.orders()[2], { timestamp: t0 + 10 * DAY + 8 * 3600e3, amount: 30, discount: true, orderId: '7' })

  // an order before the latest one gives the same state as in time order
  const a = new CustomerState().addMany([{ timestamp: t0, amount: 5 }, { timestamp: t0 + 9 * DAY, amount: 7 }, { timestamp: t0 + 3 * DAY, amount: 2 }])
  const b = new CustomerState([{ timestamp: t0, amount: 5 }, { timestamp: t0 + 3 * DAY, amount: 2 }, { timestamp: t0 + 9 * DAY, amount: 7 }])
  assert.deepEqual(a.features(t0 + 30 * DAY), b.features(t0 + 30 * DAY))
  assert.deepEqual(a.orders(), b.orders())

  // JSON round trip and independent copies
  const back = CustomerState.fromJSON(JSON.stringify(s))
  assert.deepEqual(back.orders(), s.orders())
  assert.deepEqual(back.features(t0 + 20 * DAY), f)
  const copy = s.clone().add({ timestamp: t0 + 15 * DAY, amount: 1 })
  assert.equal(copy.length, 4)
  assert.equal(s.length, 3)

  // one occasion per order without a merge period
  const none = new CustomerState([{ timestamp: t0, amount: 1 }, { timestamp: t0 + 3600e3, amount: 1 }], { mergePeriodSecs: null })
  assert.equal(none.mergePeriodSecs, null)
  assert.equal(none.summary(t0 + DAY).x, 1)
  assert.equal(new CustomerState([{ timestamp: t0, amount: 1 }, { timestamp: t0 + 3600e3, amount: 1 }]).summary(t0 + DAY).x, 0)
})

test('scoreCustomer: non-purchasers, cutoffs and coded errors', async () => {
  const asOf = golden.asOf
  // no purchase (only a return): a segment, null for the rest
  const s = model.scoreCustomer([{ timestamp: asOf - 10 * DAY, amount: -20 }])
  assert.equal(s.purchaser, false)
  assert.ok(s.segment >= 0 && s.segment < 4)
  for (const k of ['rfmScore', 'rfmSegment', 'pAlive', 'expectedPurchases', 'clv', 'churnProbability', 'riskBand']) assert.equal(s[k], null, k)
  assert.deepEqual(s.drivers, [])
  assert.deepEqual(model.scoreCustomer([]), model.scoreCustomer(model.customerState()))
  // orders after the cutoff are ignored
  const c = golden.customers[3]
  const later = [...c.orders, { timestamp: asOf + 30 * DAY, amount: 100 }]
  assert.deepEqual(model.scoreCustomer(later, asOf), model.scoreCustomer(c.orders))
  // P(alive) falls as a customer stays silent
  const p1 = model.scoreCustomer(c.orders, asOf + 100 * DAY).pAlive
  assert.ok(p1 < model.scoreCustomer(c.orders).pAlive)
  assert.equal(model.clvHorizonDays, 365)
  assert.equal(model.churnHorizonDays, 90)

  // errors: coded, and the state is unchanged by a rejected order
  const st = model.customerState([{ timestamp: asOf - DAY, amount: 5 }])
  assert.throws(() => st.add({ timestamp: asOf, amount: NaN }), { code: 'SEGCORE_INVALID_VALUE', message: /amount/ })
  assert.throws(() => st.add({ timestamp: 'not a date', amount: 1 }), { code: 'SEGCORE_INVALID_VALUE', message: /timestamp/ })
  assert.throws(() => st.add({ amount: 1 }), { code: 'SEGCORE_INVALID_VALUE', message: /timestamp/ })
  assert.throws(() => st.add({ timestamp: asOf, amount: '12' }), { code: 'SEGCORE_INVALID_VALUE', message: /amount/ })
  assert.throws(() => st.add({ timestamp: asOf, amount: 1, quantity: -1 }), { code: 'SEGCORE_INVALID_VALUE', message: /quantity/ })
  assert.throws(() => st.add({ timestamp: asOf, amount: 1, discount: 'yes' }), { code: 'SEGCORE_INVALID_VALUE', message: /discount/ })
  assert.throws(() => st.add(42), { code: 'SEGCORE_INVALID_VALUE' })
  assert.throws(() => st.addMany([{ timestamp: asOf, amount: 1 }, { timestamp: asOf, amount: Infinity }]), { code: 'SEGCORE_INVALID_VALUE', message: /row 1/ })
  assert.equal(st.length, 1)
  assert.throws(() => model.scoreCustomer('x'), { code: 'SEGCORE_INVALID_PARAMETER' })
  assert.throws(() => model.scoreCustomer([{ timestamp: asOf }]), { code: 'SEGCORE_INVALID_VALUE', message: /amount/ })
  assert.throws(() => model.scoreCustomer(st, 'yesterday-ish'), { code: 'SEGCORE_INVALID_VALUE' })
  assert.throws(() => model.scoreCustomer(st, Date.UTC(2300, 0, 1)), { code: /INVALID/ })
  assert.throws(() => model.scoreCustomer(new CustomerState([], { mergePeriodSecs: 3600 })), { code: 'SEGCORE_INVALID_PARAMETER', message: /mergePeriodSecs|merge/ })
  assert.throws(() => new CustomerState([], { mergePeriodSecs: -1 }), { code: 'SEGCORE_INVALID_PARAMETER' })
  assert.throws(() => model.scoreCustomers([c.orders, [{ timestamp: asOf, amount: null }]]), { code: 'SEGCORE_INVALID_VALUE', message: /customer 1/ })
  await assert.rejects(async () => model.scoreCustomersAsync([[{ timestamp: 'x', amount: 1 }]]), { code: 'SEGCORE_INVALID_VALUE' })
  assert.throws(() => CustomerState.fromJSON('{"orders": 3}'), { code: 'SEGCORE_MODEL_FILE' })
  assert.throws(() => st.features(asOf, {}), { code: 'SEGCORE_INVALID_PARAMETER', message: /model/ })
  assert.throws(() => st.features(asOf, st), { code: 'SEGCORE_INVALID_PARAMETER', message: /model/ })
  assert.deepEqual(st.features(asOf, null), st.features(asOf))
  assert.throws(() => new Segmenter().scoreCustomer([]), { code: 'SEGCORE_NOT_FITTED', message: /not fitted/ })
})
