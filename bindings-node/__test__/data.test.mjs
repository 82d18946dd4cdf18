import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import * as esm from 'segcore'
import { describeLogs, describeLogsAsync, Logs, version } from 'segcore'

const require = createRequire(import.meta.url)
const cjs = require('segcore')

const day = 86_400_000
const rows = [
  { customerId: 'a', timestamp: new Date('2024-01-01T00:00:00Z'), amount: 10, category: 'toys' },
  { customerId: 'b', timestamp: '2024-01-02', amount: 5.5 },
  { customerId: 'a', timestamp: Date.UTC(2024, 0, 5), amount: -2, category: 'books' },
  { customerId: 'c', timestamp: '2024-01-03T12:00:00Z', amount: 0, category: 'toys' },
]
const columns = {
  customerId: ['a', 'b', 'a', 'c'],
  timestamp: new Float64Array([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 5), Date.UTC(2024, 0, 3, 12)]),
  amount: new Float64Array([10, 5.5, -2, 0]),
  category: ['toys', null, 'books', 'toys'],
}

function codeOf(fn) {
  try {
    fn()
  } catch (e) {
    assert.ok(e instanceof Error)
    return [e.code, e.message]
  }
  assert.fail('expected an error')
}

test('require() and import give the same binding', () => {
  assert.equal(cjs.describeLogs, esm.describeLogs)
  assert.equal(typeof version(), 'string')
  for (const k of Object.keys(cjs)) assert.ok(k in esm, `ESM export ${k} missing`)
})

test('object rows and column arrays give identical logs', () => {
  const a = describeLogs(rows)
  const b = describeLogs(columns)
  assert.deepEqual(a, b)
  assert.equal(a.nCustomers, 3)
  assert.equal(a.nTransactions, 4)
  assert.equal(a.totalAmount, 13.5)
  assert.equal(a.firstTransaction, Date.UTC(2024, 0, 1))
  assert.equal(a.lastTransaction, Date.UTC(2024, 0, 5))
  const la = new Logs(rows).transactions()
  const lb = new Logs(columns).transactions()
  assert.deepEqual(la, lb)
  assert.deepEqual(la.category, ['toys', '', 'books', 'toys'])
})

test('integer ids stay numbers; mixed ids become text', () => {
  const t = new Logs({ customerId: [30, 10, 30], timestamp: [0, day, 2 * day], amount: [1, 2, 3] }).transactions()
  assert.deepEqual(t.customerId, [30, 10, 30])
  const logs = new Logs({ customerId: [1, 'x', 1], timestamp: [0, day, 2 * day], amount: [1, 2, 3] })
  assert.deepEqual(logs.customerIds(), ['1', 'x'])
})

test('duplicate rows are counted, not dropped', () => {
  const s = describeLogs([...rows, rows[1]])
  assert.equal(s.duplicateTransactions, 1)
  assert.equal(s.nTransactions, 5)
})

test('events and feedback go on one customer index', () => {
  const logs = new Logs(rows, {
    events: [
      { customerId: 'z', timestamp: '2024-01-01', kind: 'page_view' },
      { customerId: 'a', timestamp: '2024-01-02', kind: 'Add To Cart', value: 3 },
    ],
    feedback: { customerId: ['b'], timestamp: ['2024-01-04'], score: [9], scale: ['nps'] },
  })
  const s = logs.summary()
  assert.equal(s.nCustomers, 4)
  assert.equal(s.nEvents, 2)
  assert.equal(s.nFeedback, 1)
  assert.deepEqual(logs.events().kind, ['page_view', 'add_to_cart'])
  assert.ok(Number.isNaN(logs.events().value[0]))
  assert.deepEqual(logs.feedback().scale, ['nps'])
})

test('NaN amount: INVALID_VALUE naming the column and the row', () => {
  const bad = rows.map((r) => ({ ...r }))
  bad[2].amount = NaN
  const [code, msg] = codeOf(() => describeLogs(bad))
  assert.equal(code, 'SEGCORE_INVALID_VALUE')
  assert.equal(msg, 'column `amount`, row 2: NaN is not a valid value')
  const [code2, msg2] = codeOf(() => describeLogs({ ...columns, amount: new Float64Array([1, 2, Infinity, 4]) }))
  assert.equal(code2, 'SEGCORE_INVALID_VALUE')
  assert.equal(msg2, 'column `amount`, row 2: inf is not a valid value')
})

test('type, time, length and empty errors carry stable codes', () => {
  assert.deepEqual(codeOf(() => describeLogs([{ customerId: 'a', timestamp: 'soon', amount: 1 }])), [
    'SEGCORE_INVALID_VALUE',
    'column `timestamp`, row 0: unparseable time `soon`',
  ])
  assert.deepEqual(codeOf(() => describeLogs([{ customerId: 'a', timestamp: new Date('x'), amount: 1 }])), [
    'SEGCORE_INVALID_VALUE',
    'column `timestamp`, row 0: an invalid Date is not a valid time',
  ])
  assert.deepEqual(codeOf(() => describeLogs([{ customerId: 'a', timestamp: 0, amount: '1' }])), [
    'SEGCORE_INVALID_VALUE',
    'column `amount`, row 0: expected a number, got a string',
  ])
  assert.deepEqual(codeOf(() => describeLogs([{ customerId: 1.5, timestamp: 0, amount: 1 }]))[0], 'SEGCORE_INVALID_VALUE')
  assert.deepEqual(codeOf(() => describeLogs({ customerId: [1, 2], timestamp: [0, 1], amount: [1] })), [
    'SEGCORE_LENGTH_MISMATCH',
    'column `amount` has 1 rows, expected 2',
  ])
  assert.deepEqual(codeOf(() => describeLogs([])), ['SEGCORE_EMPTY_INPUT', 'transactions is empty'])
  assert.equal(codeOf(() => describeLogs(42))[0], 'SEGCORE_INVALID_PARAMETER')
  assert.equal(codeOf(() => describeLogs({ customerId: [1], amount: [1] }))[0], 'SEGCORE_INVALID_PARAMETER')
  const [c, m] = codeOf(() => describeLogs([{ customerId: 'a', timestamp: 0, amount: 1, orderId: 'o', quantity: -1 }]))
  assert.equal(c, 'SEGCORE_INVALID_VALUE')
  assert.match(m, /^column `quantity`, row 0:/)
  const [c2, m2] = codeOf(() =>
    describeLogs(rows, { feedback: [{ customerId: 'a', timestamp: 0, score: 7, scale: 'csat' }] }),
  )
  assert.equal(c2, 'SEGCORE_INVALID_VALUE')
  assert.equal(m2, 'column `score`, row 0: 7 is outside the csat range 1..5')
})

test('async twin gives the same result and rejects with the same coded error', async () => {
  assert.deepEqual(await describeLogsAsync(rows), describeLogs(rows))
  const bad = [{ customerId: 'a', timestamp: 0, amount: NaN }]
  await assert.rejects(describeLogsAsync(bad), (e) => {
    assert.ok(e instanceof Error)
    assert.equal(e.code, 'SEGCORE_INVALID_VALUE')
    assert.equal(e.message, 'column `amount`, row 0: NaN is not a valid value')
    return true
  })
})
