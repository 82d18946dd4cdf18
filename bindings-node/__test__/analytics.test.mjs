import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import {
  cartFunnel,
  cartFunnelAsync,
  funnelAnomalies,
  funnelAnomaliesAsync,
  abandonedCarts,
  cohortRetention,
  channelValue,
  abTest,
  abTestAsync,
  coPurchase,
  recommend,
  recommendAsync,
  recommendItems,
  popularBySegment,
  nextBestAction,
  nextBestActionAsync,
  defaultRules,
  pseudonymise,
  pseudonymiseAsync,
  suppressSmall,
  Logs,
} from 'segcore'

const DAY = 86_400_000
const T0 = Date.UTC(2024, 0, 1) // a Monday
const FULL = ['product_view', 'add_to_cart', 'checkout_start', 'shipping_details', 'payment_details', 'purchase']

function session(customerId, t, kinds, step = 60_000, extra = {}) {
  return kinds.map((kind, k) => {
    const row = { customerId, timestamp: t + k * step, kind }
    for (const [key, v] of Object.entries(extra)) row[key] = Array.isArray(v) ? v[k] : v
    return row
  })
}

const small = () => [
  ...session('c1', T0, FULL, 60_000, { platform: 'ios' }),
  ...session('c2', T0 + 100_000, FULL.slice(0, 3), 60_000, { platform: 'web' }),
  ...session('c3', T0 + 200_000, FULL.slice(0, 1), 60_000, { platform: 'web' }),
]

const close = (a, b, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} != ${b}`)

test('cartFunnel: hand-checked counts, drop-off, monotone along the stages', () => {
  const [all] = cartFunnel(small(), { minGroup: 1 })
  assert.equal(all.group, 'all')
  assert.deepEqual(
    all.stages.map((s) => s.stage),
    ['product_view', 'add_to_cart', 'checkout_start', 'shipping', 'payment', 'purchase'],
  )
  const sessions = all.stages.map((s) => s.sessions)
  assert.deepEqual(sessions, [3, 2, 2, 1, 1, 1])
  for (let i = 1; i < sessions.length; i++) assert.ok(sessions[i] <= sessions[i - 1])
  close(all.stages[0].dropOff, 1 / 3)
  close(all.stages[2].dropOff, 0.5)
  assert.equal(all.stages[5].dropOff, null)
  close(all.stages[1].stepConversion, 2 / 3)
  const hidden = cartFunnel(small())[0]
  assert.equal(hidden.suppressed, true)
  assert.equal(hidden.stages, null)
})

test('cartFunnel: stages mapping, groups and periods', () => {
  const ev = [
    ...session(1, T0, ['view', 'basket', 'paid']),
    ...session(2, T0, ['view', 'basket']),
    ...session(3, T0, ['view', 'paid']),
  ]
  const [t] = cartFunnel(ev, { stages: { view: 'seen', basket: 'cart', paid: 'bought' }, minGroup: 1 })
  assert.deepEqual(
    t.stages.map((s) => [s.stage, s.sessions]),
    [
      ['seen', 3],
      ['cart', 2],
      ['bought', 1],
    ],
  )
  const [t2] = cartFunnel(ev, { stages: { seen: ['view'], cart: 'basket', bought: ['paid'] }, minGroup: 1 })
  assert.deepEqual(t2, t)
  const [t3] = cartFunnel(ev, { stages: [['seen', ['view']], ['cart', 'basket'], ['bought', 'paid']], minGroup: 1 })
  assert.deepEqual(t3, t)
  const byPlatform = cartFunnel(small(), { by: 'platform', minGroup: 1 })
  const web = byPlatform.find((g) => g.group === 'web')
  assert.deepEqual(
    web.stages.map((s) => s.sessions),
    [2, 1, 1, 0, 0, 0],
  )
  const bySeg = cartFunnel(small(), { segments: { c1: 'vip', c2: 'new', c3: 'new' }, minGroup: 1 })
  assert.deepEqual(
    bySeg.map((g) => g.group),
    ['new', 'vip'],
  )
  const days = cartFunnel([...small(), ...session('c1', T0 + DAY, FULL.slice(0, 2))], { period: 'day', minGroup: 1 })
  assert.deepEqual(
    days.map((d) => d.periodStart),
    [T0, T0 + DAY],
  )
  assert.deepEqual(
    days[1].stages.map((s) => s.sessions),
    [1, 1, 0, 0, 0, 0],
  )
})

function weeklyShop(badWeek) {
  const rows = []
  for (let w = 0; w < 10; w++) {
    const buyers = w === badWeek ? 20 : 45
    for (let i = 0; i < 50; i++) {
      rows.push(...session(`${w}-${i}`, T0 + w * 7 * DAY + i * 600_000, i < buyers ? FULL : FULL.slice(0, 5), 10_000))
    }
  }
  return rows
}

test('funnelAnomalies flags the planted payment failure and nothing on a quiet shop', async () => {
  const flags = funnelAnomalies(weeklyShop(9))
  assert.equal(flags.length, 1)
  const f = flags[0]
  assert.equal(f.stage, 'payment')
  assert.equal(f.nextStage, 'purchase')
  assert.equal(f.periodStart, T0 + 63 * DAY)
  assert.equal(f.period, '2024-03-04')
  const pooled = 65 / 400
  const z = (0.6 - 0.1) / Math.sqrt(pooled * (1 - pooled) * (1 / 50 + 1 / 350))
  close(f.dropOff, 0.6)
  close(f.baseline, 0.1)
  close(f.statistic, z)
  assert.deepEqual([f.sessions, f.baselineSessions], [50, 350])
  assert.deepEqual(funnelAnomalies(weeklyShop(-1)), [])
  assert.deepEqual(await funnelAnomaliesAsync(weeklyShop(9)), flags)
})

test('cartFunnelAsync gives the same tables', async () => {
  assert.deepEqual(await cartFunnelAsync(small(), { minGroup: 1 }), cartFunnel(small(), { minGroup: 1 }))
})

test('abandonedCarts: the follow-up list, by value, with pseudonyms on request', () => {
  const ev = [
    ...session('c1', T0, ['product_view', 'add_to_cart', 'checkout_start', 'shipping'], 60_000, {
      value: [null, 40, 42, 42],
    }),
    ...session('c2', T0, ['product_view', 'add_to_cart', 'purchase'], 60_000, { value: [null, 10, 10] }),
    ...session('c3', T0 - 8 * DAY, ['product_view', 'add_to_cart'], 60_000, { value: [null, 99] }),
    ...session('c4', T0 + DAY, ['product_view', 'add_to_cart']),
  ]
  const asOf = new Date(T0 + 2 * DAY)
  const list = abandonedCarts(ev, { asOf })
  assert.deepEqual(
    list.map((c) => [c.customerId, c.stage, c.value]),
    [
      ['c1', 'shipping', 42],
      ['c4', 'add_to_cart', null],
    ],
  )
  assert.equal(list[0].abandonedAt, T0 + 180_000)
  close(list[0].daysSince, (2 * DAY - 180_000) / DAY)
  const all = abandonedCarts(ev, { asOf, windowDays: false, segments: { c3: 'lapsed' } })
  assert.deepEqual(
    all.map((c) => [c.customerId, c.segment]),
    [
      ['c3', 'lapsed'],
      ['c1', ''],
      ['c4', ''],
    ],
  )
  const keyed = abandonedCarts(ev, { asOf, key: 'k3y', hexLen: 16 })
  assert.deepEqual(
    keyed.map((c) => c.customerId),
    ['c1', 'c4'].map((c) => createHmac('sha256', 'k3y').update(c).digest('hex').slice(0, 16)),
  )
})

test('cohortRetention: month 0 is 1, month 1 hand-checked', () => {
  const t = cohortRetention(
    [
      { customerId: 1, timestamp: '2024-01-05', amount: 1 },
      { customerId: 1, timestamp: '2024-02-05', amount: 1 },
      { customerId: 2, timestamp: '2024-01-10', amount: 1 },
    ],
    { minGroup: 1, asOf: '2024-03-15' },
  )
  const jan = t.cohorts.find((c) => c.cohort === '2024-01')
  assert.equal(jan.cohortStart, Date.UTC(2024, 0, 1))
  assert.equal(jan.retention[0], 1)
  assert.equal(jan.retention[1], 0.5)
})

test('channelValue: retention, mean CLV and CLV/CAC by acquisition channel', () => {
  const logs = new Logs([
    { customerId: 1, timestamp: 0, amount: 5, channel: 'email' },
    { customerId: 1, timestamp: DAY, amount: 5, channel: 'web' },
    { customerId: 2, timestamp: 0, amount: 9, channel: 'social' },
  ])
  const v = channelValue(logs, {
    clv: { 1: 100, 2: 40 },
    churnProbability: [0.1, 0.5],
    cac: { email: 50 },
    minGroup: 1,
  })
  const email = v.acquisition.find((r) => r.channel === 'email')
  assert.deepEqual([email.customers, email.retention, email.meanClv, email.clvToCac], [1, 1, 100, 2])
  const social = v.acquisition.find((r) => r.channel === 'social')
  assert.deepEqual([social.retention, social.meanChurn, social.clvToCac], [0, 0.5, null])
  assert.deepEqual(v.engagement, [])
  assert.equal('meanClv' in channelValue(logs, { minGroup: 1 }).acquisition[0], false)
  assert.throws(() => channelValue(logs, { clv: { 1: 100 }, minGroup: 1 }), { code: 'SEGCORE_INVALID_VALUE' })
})

test('abTest: Welch hand case and two-proportion z formula', async () => {
  const r = abTest(
    { variant: ['A', 'A', 'B', 'B'], outcome: [1, 3, 4, 6] },
    { control: 'A', treatment: 'B', minGroup: 1 },
  )
  assert.equal(r.metric, 'revenue')
  const e = r.overall.estimate
  const t = 3 / Math.sqrt(2)
  assert.equal(e.effect, 3)
  close(e.df, 2)
  close(e.statistic, t)
  close(e.pValue, 1 - t / Math.sqrt(2 + t * t), 1e-8) // closed form of the t tail for df = 2
  const n = 400
  const variant = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 'control' : 'treatment'))
  const outcome = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? i % 10 === 0 : i % 4 === 1))
  const c = abTest({ variant, outcome })
  assert.equal(c.metric, 'conversion')
  const z = 0.3 / Math.sqrt(0.35 * 0.65 * (2 / 200))
  close(c.overall.estimate.statistic, z)
  close(c.overall.estimate.ciLow, 0.3 - 1.959963984540054 * Math.sqrt((0.2 * 0.8) / 200 + (0.5 * 0.5) / 200), 1e-9)
  assert.deepEqual(await abTestAsync({ variant, outcome }), c)
})

const baskets = [
  { customerId: 1, timestamp: 0, amount: 1, product: 'tent' },
  { customerId: 1, timestamp: 0, amount: 1, product: 'stove' },
  { customerId: 2, timestamp: 0, amount: 1, product: 'tent' },
  { customerId: 2, timestamp: 0, amount: 1, product: 'stove' },
  { customerId: 3, timestamp: 0, amount: 1, product: 'tent' },
  { customerId: 3, timestamp: 0, amount: 1, product: 'mat' },
]

test('coPurchase / recommend: cosine and lift scores, owned items excluded', async () => {
  const m = coPurchase(baskets)
  assert.equal(m.nBaskets, 3)
  assert.equal(m.pairs.length, 2) // tent-stove both ways; tent-mat below minSupport 2
  close(m.pairs[0].score, 2 / Math.sqrt(6))
  close(coPurchase(baskets, { similarity: 'lift' }).pairs[0].score, 1)
  const recs = recommend(baskets)
  assert.deepEqual(
    recs.map((r) => [r.customerId, r.items.map((i) => i.item)]),
    [
      ['1', []],
      ['2', []],
      ['3', ['stove']],
    ],
  )
  assert.deepEqual(await recommendAsync(baskets, { customers: [3] }), [recs[2]])
  assert.deepEqual(
    recommendItems(m.model, ['tent']).map((i) => i.item),
    ['stove'],
  )
  assert.ok(!m.model.includes('customer_id'))
})

test('popularBySegment: buyers and shares per segment', () => {
  const tx = [
    { customerId: 1, timestamp: 0, amount: 1, product: 'a' },
    { customerId: 2, timestamp: 0, amount: 1, product: 'a' },
    { customerId: 2, timestamp: 0, amount: 1, product: 'b' },
    { customerId: 3, timestamp: 0, amount: 1, product: 'c' },
  ]
  const p = popularBySegment(tx, { 1: 's', 2: 's', 3: 't' }, { minGroup: 1 })
  const s = p.find((x) => x.segment === 's')
  assert.deepEqual(
    s.items.map((i) => [i.item, i.customers, i.share]),
    [
      ['a', 2, 1],
      ['b', 1, 0.5],
    ],
  )
  assert.ok(popularBySegment(tx, ['s', 's', 't']).every((x) => x.suppressed))
})

test('nextBestAction: default rule table and a custom one', () => {
  const facts = { customerId: ['a', 'b', 'c'], satisfaction: [0.2, 0.9, null], tenureDays: [400, 400, 10] }
  const acts = nextBestAction(facts)
  assert.deepEqual(
    acts.map((a) => [a.customerId, a.action, a.rule]),
    [
      ['a', 'service_recovery', 0],
      ['b', 'nurture', null],
      ['c', 'welcome_offer', 3],
    ],
  )
  assert.equal(acts[0].reason, 'dissatisfied customer: recover the relationship (satisfaction 0.2 <= 0.4)')
  const custom = nextBestAction(facts, {
    rules: [{ action: 'vip_call', reason: 'long-standing', conditions: [{ field: 'tenureDays', op: '>=', value: 365 }] }],
    fallbackAction: 'wait',
  })
  assert.deepEqual(
    custom.map((a) => a.action),
    ['vip_call', 'vip_call', 'wait'],
  )
  const d = defaultRules()
  assert.equal(d.fallbackAction, 'nurture')
  assert.equal(d.rules[1].action, 'cart_reminder')
  assert.throws(() => nextBestAction({ mood: [1] }), { code: 'SEGCORE_INVALID_PARAMETER' })
})

test('nextBestActionAsync and pseudonymiseAsync match their sync twins', async () => {
  const facts = { customerId: ['a', 'b'], orders: [9, 1] }
  assert.deepEqual(await nextBestActionAsync(facts), nextBestAction(facts))
  assert.equal((await nextBestActionAsync(facts))[0].action, 'loyalty_reward')
  assert.deepEqual(await pseudonymiseAsync(['x', 7], 'k'), pseudonymise(['x', 7], 'k'))
  await assert.rejects(pseudonymiseAsync(['x'], ''), { code: 'SEGCORE_INVALID_PARAMETER' })
})

test('pseudonymise is HMAC-SHA256 and suppressSmall hides small groups', () => {
  const ids = ['c1', 'customer-42']
  assert.deepEqual(
    pseudonymise(ids, 'secret'),
    ids.map((i) => createHmac('sha256', 'secret').update(i).digest('hex')),
  )
  assert.deepEqual(pseudonymise([42], Buffer.from('secret'), 12), [
    createHmac('sha256', 'secret').update('42').digest('hex').slice(0, 12),
  ])
  assert.throws(() => pseudonymise(ids, ''), { code: 'SEGCORE_INVALID_PARAMETER' })
  const rows = suppressSmall([
    { segment: 'a', customers: 5, meanClv: 10 },
    { segment: 'b', customers: 12, meanClv: 20 },
  ])
  assert.deepEqual(rows, [
    { segment: 'a', customers: null, meanClv: null, suppressed: true },
    { segment: 'b', customers: 12, meanClv: 20, suppressed: false },
  ])
})
