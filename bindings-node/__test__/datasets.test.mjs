import { test } from 'node:test'
import assert from 'node:assert/strict'
import { datasets, Logs } from 'segcore'

test('CDNOW master: 69,659 rows of 23,570 customers', () => {
  const tx = datasets.cdnow()
  assert.equal(tx.amount.length, 69659)
  assert.equal(new Set(tx.customerId).size, 23570)
  assert.equal(tx.customerId[0], 1)
  assert.equal(tx.timestamp[0], Date.UTC(1997, 0, 1))
  assert.equal(tx.quantity[0], 1)
  assert.equal(new Logs(tx).nCustomers, 23570)
})

test('CDNOW summary: 2,357 customers in weeks', () => {
  const s = datasets.cdnowSummary()
  assert.equal(s.frequency.length, 2357)
  assert.equal(s.T.length, 2357)
  assert.equal(Math.min(...s.T), 27)
  assert.equal(Math.max(...s.T), 38.86)
  assert.deepEqual([s.id[0], s.frequency[0], s.recency[0], s.T[0], s.monetary[0]], [1, 2, 30.43, 38.86, 22.35])
})

test('synthetic shop: same seed same logs, other seed other logs', async () => {
  const a = datasets.syntheticShop(200, 3)
  const b = await datasets.syntheticShopAsync(200, 3)
  const c = datasets.syntheticShop(200, 4)
  assert.deepEqual(a.transactions(), b.transactions())
  assert.deepEqual(a.events(), b.events())
  assert.notDeepEqual(a.transactions().amount, c.transactions().amount)
  assert.equal(a.nCustomers, 200)
  assert.ok(a.events().kind.length > 0)
  assert.ok(a.feedback().score.length > 0)
  assert.throws(() => datasets.syntheticShop(10, -1), { code: 'SEGCORE_INVALID_PARAMETER' })
})
