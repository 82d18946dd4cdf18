import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { features, featuresAsync, datasets, Logs } from 'segcore'

const golden = readFileSync(new URL('../../segcore/tests/golden/features/cdnow_purchase_features.csv', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => l.split(','))

function close(a, b, what) {
  if (Number.isNaN(b)) return assert.ok(Number.isNaN(a), `${what}: ${a} should be NaN`)
  assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} != ${b}`)
}

test('CDNOW purchase features match the pandas golden file', () => {
  const tx = datasets.cdnow()
  const f = features(tx, { asOf: '1998-07-01', families: ['purchase'] })
  assert.equal(f.nRows, 23570)
  const header = golden[0]
  const names = f.names
  const values = f.values
  assert.equal(values.length, f.nRows * f.nCols)
  const ids = f.customerIds
  const rowOf = new Map(ids.map((id, i) => [id, i]))
  // every 97th customer plus the first 20
  const picks = golden.slice(1).filter((_, i) => i < 20 || i % 97 === 0)
  let checked = 0
  for (const g of picks) {
    const r = rowOf.get(g[0])
    assert.notEqual(r, undefined, `customer ${g[0]}`)
    for (let j = 1; j < header.length; j++) {
      const c = names.indexOf(header[j])
      assert.ok(c >= 0, `feature ${header[j]}`)
      close(values[r * f.nCols + c], g[j] === 'nan' ? NaN : Number(g[j]), `${g[0]}.${header[j]}`)
      checked++
    }
  }
  assert.ok(checked > 4000)
  const freq = f.column('frequency')
  assert.equal(freq[rowOf.get('3')], 5)
})

test('rows(), info() and summary() describe the same table', () => {
  const logs = new Logs([
    { customerId: 1, timestamp: '2024-01-01', amount: 10 },
    { customerId: 1, timestamp: '2024-01-11', amount: 30 },
    { customerId: 2, timestamp: '2024-01-06', amount: 5 },
  ])
  const f = features(logs, { asOf: new Date('2024-01-21T00:00:00Z'), families: ['purchase'] })
  const rows = f.rows()
  assert.equal(rows.length, 2)
  assert.equal(rows[0].customerId, '1')
  assert.equal(rows[0].recency, 10)
  assert.equal(rows[1].recency, 15)
  assert.equal(rows[0].frequency, 1)
  assert.equal(f.info().length, f.nCols)
  assert.deepEqual(f.info().map((i) => i.name), f.names)
  const s = f.summary()
  assert.deepEqual([...s.T], [20, 15])
  assert.deepEqual([...s.monetary], [30, 0])
  assert.equal(f.asOf, Date.UTC(2024, 0, 21))
})

test('rows after asOf are excluded and counted', () => {
  const f = features(
    [
      { customerId: 1, timestamp: '2024-01-01', amount: 10 },
      { customerId: 1, timestamp: '2024-03-01', amount: 30 },
    ],
    { asOf: '2024-02-01' },
  )
  assert.equal(f.excludedFutureRows, 1)
})

test('featuresAsync gives the same table as features', async () => {
  const logs = await datasets.syntheticShopAsync(300, 7)
  const a = features(logs)
  const b = await featuresAsync(logs)
  assert.deepEqual(b.names, a.names)
  assert.deepEqual(b.customerIds, a.customerIds)
  assert.deepEqual(b.values, a.values)
  assert.ok(a.nCols > 40, `all families: ${a.nCols} columns`)
  const raw = await featuresAsync(logs.transactions(), { events: logs.events(), feedback: logs.feedback() })
  assert.deepEqual(raw.values, a.values)
})

test('bad options are INVALID_PARAMETER; data errors reject the promise with their code', async () => {
  assert.throws(() => features(datasets.cdnow(), { families: ['nope'] }), { code: 'SEGCORE_INVALID_PARAMETER' })
  assert.throws(() => features([{ customerId: 1, timestamp: 0, amount: 1 }], { asOf: 'later' }), {
    code: 'SEGCORE_INVALID_VALUE',
    message: 'column `asOf`, row 0: unparseable time `later`',
  })
  await assert.rejects(featuresAsync([{ customerId: 1, timestamp: 0, amount: NaN }]), { code: 'SEGCORE_INVALID_VALUE' })
})

test('object rows and column arrays give identical features', () => {
  const logs = datasets.syntheticShop(150, 11)
  const cols = logs.transactions()
  const rows = cols.amount.length
  const objects = Array.from({ length: rows }, (_, i) => ({
    customerId: cols.customerId[i],
    timestamp: new Date(cols.timestamp[i]),
    amount: cols.amount[i],
    orderId: cols.orderId?.[i],
    quantity: cols.quantity?.[i],
    product: cols.product?.[i],
    category: cols.category?.[i],
    channel: cols.channel?.[i],
    discount: cols.discount?.[i],
  }))
  const opts = { asOf: '2024-06-01', events: logs.events(), feedback: logs.feedback() }
  const a = features(objects, opts)
  const b = features(cols, opts)
  assert.deepEqual(a.names, b.names)
  assert.deepEqual(a.customerIds, b.customerIds)
  assert.deepEqual(a.values, b.values)
})
