// Starts the service (a child process on 127.0.0.1, an ephemeral port), replays a bounded
// load of 10,000 requests from 4 keep-alive clients (the CDNOW sample orders as webhooks,
// interleaved with customer look-ups), and checks: no errors, answers for sampled customers
// equal to scoreCustomer on the same history, coded errors, graceful close. Prints the
// latency percentiles (recorded in benches/node/RESULTS.md).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import os from 'node:os'
import { loadModel } from 'segcore'

const here = (p) => fileURLToPath(new URL(p, import.meta.url))
const MODEL = here('../../../bindings-node/__test__/fixtures/segmenter.json')
const SAMPLE = here('../../../segcore/data/cdnow/CDNOW_sample.txt')
const TOTAL = 10_000
const CLIENTS = 4
const SAMPLED = 60

function cdnowOrders () {
  const rows = []
  for (const line of readFileSync(SAMPLE, 'utf8').split('\n')) {
    const f = line.trim().split(/\s+/)
    if (f.length !== 5) continue
    const d = f[2]
    rows.push({ customerId: Number(f[1]), timestamp: `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`, quantity: Number(f[3]), amount: Number(f[4]) })
  }
  return rows.map((r, i) => [r, i]).sort((a, b) => a[0].timestamp.localeCompare(b[0].timestamp) || a[1] - b[1]).map((p) => p[0])
}

/** A small deterministic generator (LCG) for the look-up targets. */
function rng (seed) {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

function request (agent, port, method, path, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body)
    const headers = data === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) }
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        try {
          resolve({ status: res.statusCode, body: JSON.parse(text) })
        } catch (e) {
          reject(new Error(`${method} ${path}: not JSON: ${text.slice(0, 200)}`))
        }
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(data) // headers and body in one write

  })
}

async function startServer () {
  const child = spawn(process.execPath, [here('../server.mjs')], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SEGCORE_MODEL: MODEL, SEGCORE_AS_OF: 'model' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  let err = ''
  child.stderr.on('data', (c) => { err += c })
  const port = await new Promise((resolve, reject) => {
    child.stdout.on('data', (c) => {
      out += c
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)
      if (m) resolve(Number(m[1]))
    })
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${err}`)))
  })
  return { child, port, stderr: () => err, stdout: () => out }
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]

test('node-service: 10,000 requests from 4 keep-alive clients, no errors, exact answers, graceful close', { timeout: 120_000 }, async () => {
  const model = loadModel(readFileSync(MODEL, 'utf8'))
  const orders = cdnowOrders()
  assert.equal(orders.length, 6919)
  const nGet = TOTAL - orders.length
  // the plan: every order as a POST, with GETs spread evenly between them
  const plan = []
  let gets = 0
  orders.forEach((o, i) => {
    plan.push(o)
    while (gets < Math.floor(((i + 1) * nGet) / orders.length)) {
      plan.push(null)
      gets++
    }
  })
  assert.equal(plan.length, TOTAL)

  const srv = await startServer()
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS })
  const lat = { POST: [], GET: [] }
  const errors = []
  const posted = [] // customers whose order was acknowledged
  const seen = new Set()
  const pick = rng(7)
  let next = 0
  const t0 = process.hrtime.bigint()
  async function client () {
    while (next < plan.length) {
      const item = plan[next++]
      const method = item ? 'POST' : 'GET'
      const path = item ? '/events' : posted.length ? `/customers/${posted[Math.floor(pick() * posted.length)]}` : '/health'
      const start = process.hrtime.bigint()
      const r = await request(agent, srv.port, method, path, item ?? undefined)
      lat[method].push(Number(process.hrtime.bigint() - start) / 1e3)
      if (r.status !== 200) errors.push(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`)
      else if (item && !seen.has(item.customerId)) {
        seen.add(item.customerId)
        posted.push(item.customerId)
      } else if (!item && path !== '/health' && !(r.body.segmentName && r.body.orders > 0)) errors.push(`GET ${path}: ${JSON.stringify(r.body)}`)
    }
  }
  await Promise.all(Array.from({ length: CLIENTS }, client))
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  assert.deepEqual(errors, [])
  assert.equal(lat.POST.length + lat.GET.length, TOTAL)

  // sampled customers: the service's answer equals scoreCustomer on the same history
  const byCustomer = new Map()
  for (const o of orders) {
    if (!byCustomer.has(o.customerId)) byCustomer.set(o.customerId, [])
    byCustomer.get(o.customerId).push(o)
  }
  assert.equal(seen.size, byCustomer.size)
  const ids = [...byCustomer.keys()]
  const choose = rng(11)
  for (let k = 0; k < SAMPLED; k++) {
    const id = ids[Math.floor(choose() * ids.length)]
    const r = await request(agent, srv.port, 'GET', `/customers/${id}`)
    assert.equal(r.status, 200)
    const want = model.scoreCustomer(byCustomer.get(id))
    const got = r.body
    assert.equal(got.orders, byCustomer.get(id).length)
    assert.equal(got.asOf, new Date(model.asOf).toISOString())
    assert.deepEqual(
      [got.segment, got.segmentName, got.rfmScore, got.rfmSegment, got.clv, got.pAlive, got.churn.probability, got.churn.riskBand, got.churn.drivers, got.nextPurchase.expectedPurchases],
      [want.segment, want.segmentName, want.rfmScore, want.rfmSegment, want.clv, want.pAlive, want.churnProbability, want.riskBand, want.drivers, want.expectedPurchases],
      `customer ${id}`
    )
    assert.equal(got.nextPurchase.expectedDaysToNext, 365 / want.expectedPurchases)
  }
  // an explicit cutoff in the query
  const id0 = ids[0]
  const later = Date.UTC(1998, 11, 31)
  const r0 = await request(agent, srv.port, 'GET', `/customers/${id0}?asOf=${later}`)
  assert.equal(r0.body.pAlive, model.scoreCustomer(byCustomer.get(id0), later).pAlive)

  // errors are answers, not crashes
  const bad = await request(agent, srv.port, 'POST', '/events', { customerId: 1, timestamp: '1997-05-01', amount: 'ten' })
  assert.equal(bad.status, 422)
  assert.equal(bad.body.code, 'SEGCORE_INVALID_VALUE')
  assert.equal((await request(agent, srv.port, 'POST', '/events', { timestamp: '1997-05-01', amount: 1 })).status, 400)
  assert.equal((await request(agent, srv.port, 'GET', '/customers/no-such-customer')).status, 404)
  assert.equal((await request(agent, srv.port, 'GET', `/customers/${id0}?asOf=whenever`)).status, 422)
  const view = await request(agent, srv.port, 'POST', '/events', { customerId: 'web-1', type: 'page_view', timestamp: '1997-05-01' })
  assert.deepEqual([view.status, view.body.stored], [200, false])
  assert.equal((await request(agent, srv.port, 'GET', '/health')).body.customers, byCustomer.size)
  // the failed order left customer 1 unchanged
  assert.equal((await request(agent, srv.port, 'GET', '/customers/1')).body.orders, byCustomer.get(1).length)

  // graceful close: SIGTERM with a keep-alive socket open, exit code 0
  agent.destroy()
  srv.child.kill('SIGTERM')
  const [code] = await once(srv.child, 'exit')
  assert.equal(code, 0, srv.stderr())

  const all = [...lat.POST, ...lat.GET].sort((a, b) => a - b)
  const post = lat.POST.sort((a, b) => a - b)
  const get = lat.GET.sort((a, b) => a - b)
  const f = (v) => `${v.toFixed(0)} us`
  console.log(`node-service load: ${TOTAL} requests (${post.length} POST /events, ${get.length} GET) from ${CLIENTS} keep-alive clients in ${seconds.toFixed(2)} s (${(TOTAL / seconds).toFixed(0)} req/s); ` +
    `latency p50 ${f(pct(all, 50))}, p99 ${f(pct(all, 99))} (POST p50 ${f(pct(post, 50))} p99 ${f(pct(post, 99))}; GET p50 ${f(pct(get, 50))} p99 ${f(pct(get, 99))}); load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`)
})
