// Per-call latency of segcore's live scoring from Node: model.scoreCustomer(state) over
// 100,000 calls cycling through the CDNOW sample customers (states replayed order by order),
// after a warm-up. Also the order-array form (the history converted on each call) and the
// batch form per customer. Prints JSON; targets: median < 20 us, p99 < 100 us.
//
//   node benches/node/bench_score.mjs [model.json] [calls]
// (run from the repository root after `make node-build`; the default model is the fixture
// written by the Python binding)
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import os from 'node:os'

const here = (p) => fileURLToPath(new URL(p, import.meta.url))
const require = createRequire(import.meta.url)
const { loadModel } = require(here('../../bindings-node/index.js'))

const modelPath = process.argv[2] ?? here('../../bindings-node/__test__/fixtures/segmenter.json')
const CALLS = Number(process.argv[3] ?? 100_000)
const model = loadModel(readFileSync(modelPath, 'utf8'))

const rows = []
for (const line of readFileSync(here('../../segcore/data/cdnow/CDNOW_sample.txt'), 'utf8').split('\n')) {
  const f = line.trim().split(/\s+/)
  if (f.length !== 5) continue
  const d = f[2]
  rows.push({ customerId: Number(f[1]), timestamp: Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8)), quantity: +f[3], amount: +f[4] })
}
rows.sort((a, b) => a.timestamp - b.timestamp)
const histories = new Map()
const states = new Map()
for (const r of rows) {
  if (!states.has(r.customerId)) {
    states.set(r.customerId, model.customerState())
    histories.set(r.customerId, [])
  }
  states.get(r.customerId).add(r)
  histories.get(r.customerId).push(r)
}
const stateList = [...states.values()]
const historyList = [...histories.values()]

function time (calls, fn) {
  const t = new Float64Array(calls)
  for (let i = 0; i < Math.min(calls, 10_000); i++) fn(i) // warm-up
  for (let i = 0; i < calls; i++) {
    const s = process.hrtime.bigint()
    fn(i)
    t[i] = Number(process.hrtime.bigint() - s) / 1e3
  }
  t.sort()
  const q = (p) => t[Math.min(calls - 1, Math.floor(p * calls))]
  let sum = 0
  for (const v of t) sum += v
  return { calls, median_us: +q(0.5).toFixed(2), p99_us: +q(0.99).toFixed(2), p999_us: +q(0.999).toFixed(2), mean_us: +(sum / calls).toFixed(2) }
}

// the clock's own cost, for reference
const clock = time(CALLS, () => {})
const state = time(CALLS, (i) => model.scoreCustomer(stateList[i % stateList.length]))
const history = time(Math.min(CALLS, 50_000), (i) => model.scoreCustomer(historyList[i % historyList.length]))
const t0 = process.hrtime.bigint()
const reps = 20
for (let k = 0; k < reps; k++) model.scoreCustomers(stateList)
const batchPer = Number(process.hrtime.bigint() - t0) / 1e3 / (reps * stateList.length)
const mean = historyList.reduce((a, h) => a + h.length, 0) / historyList.length

console.log(JSON.stringify({
  node: process.version,
  customers: stateList.length,
  mean_orders_per_customer: +mean.toFixed(2),
  score_customer_state: state,
  score_customer_order_array: history,
  score_customers_batch_per_customer_us: +batchPer.toFixed(2),
  clock_overhead: clock,
  targets: { median_us: 20, p99_us: 100 },
  loadavg: os.loadavg().map((x) => +x.toFixed(2))
}, null, 1))
