// A live customer-scoring service on node:http (no framework) and segcore.
//
//   POST /events          order webhook: {customerId, timestamp, amount, orderId?, quantity?,
//                         discount?, category?, channel?, type?} (or an array of them); updates
//                         the customer's CustomerState in O(1). Events whose `type` is not an
//                         order (page views, email opens...) are acknowledged and not stored.
//   GET /customers/:id    segment, RFM, CLV, churn risk and drivers, next-purchase estimate,
//                         scored live (optional ?asOf=<ISO date | epoch ms>).
//   GET /health           model summary and number of customers held.
//
// Environment: PORT (default 8080; 0 = any free port), HOST (default 127.0.0.1),
// SEGCORE_MODEL (a Segmenter model file; default out/segmenter.json written by `make demo`,
// else the fixture written by the Python binding), SEGCORE_AS_OF (default cutoff: `model`
// = the fit's cutoff (default), `now`, or a date). SIGTERM / SIGINT close it gracefully.
import http from 'node:http'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { loadModel, Segmenter } from 'segcore'

const here = (p) => fileURLToPath(new URL(p, import.meta.url))
const MODEL_CANDIDATES = [here('../../out/segmenter.json'), here('../../bindings-node/__test__/fixtures/segmenter.json')]
const MAX_BODY = 1 << 20
const ORDER_TYPES = new Set([undefined, null, 'order', 'purchase', 'refund', 'return'])

/** The model file to load: `SEGCORE_MODEL`, else the demo's, else the test fixture. */
export function defaultModelPath (env = process.env) {
  if (env.SEGCORE_MODEL) return env.SEGCORE_MODEL
  const found = MODEL_CANDIDATES.find((p) => existsSync(p))
  if (!found) throw new Error('no model file: set SEGCORE_MODEL or run `make demo`')
  return found
}

class HttpError extends Error {
  constructor (status, message, code) {
    super(message)
    this.status = status
    this.code = code
  }
}

function readBody (req) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    req.on('data', (c) => {
      size += c.length
      if (size > MAX_BODY) {
        reject(new HttpError(413, `body larger than ${MAX_BODY} bytes`, 'BODY_TOO_LARGE'))
        req.destroy()
      } else chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function send (res, status, body) {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

/**
 * The service: an http.Server plus the per-customer states it keeps.
 * @param {{ model: Segmenter, asOf?: 'model' | 'now' | Date | number | string }} options
 */
export function createService ({ model, asOf = 'model' }) {
  if (!(model instanceof Segmenter)) throw new TypeError('model must be a Segmenter (a segmenter model file)')
  /** @type {Map<string, import('segcore').CustomerState>} */
  const states = new Map()
  const cutoff = (query) => {
    const q = query.get('asOf')
    const v = q ?? asOf
    if (v === 'model') return model.asOf
    if (v === 'now') return Date.now()
    if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v)
    return v
  }

  function addEvent (e, i) {
    if (e === null || typeof e !== 'object' || Array.isArray(e)) throw new HttpError(400, `event ${i} is not an object`, 'INVALID_EVENT')
    const id = e.customerId
    if ((typeof id !== 'string' || id === '') && !Number.isInteger(id)) throw new HttpError(400, `event ${i}: customerId must be a string or an integer`, 'INVALID_EVENT')
    if (!ORDER_TYPES.has(e.type)) return { customerId: String(id), stored: false }
    const key = String(id)
    let s = states.get(key)
    const fresh = !s
    if (fresh) s = model.customerState()
    s.add(e) // throws a coded segcore error on a bad order; the state is then unchanged
    if (fresh) states.set(key, s)
    return { customerId: key, stored: true, orders: s.length }
  }

  function customer (id, query) {
    const s = states.get(id)
    if (!s) throw new HttpError(404, `unknown customer ${id}`, 'UNKNOWN_CUSTOMER')
    const t = cutoff(query)
    const sc = model.scoreCustomer(s, t)
    const horizon = model.clvHorizonDays
    const e = sc.expectedPurchases
    return {
      customerId: id,
      asOf: new Date(sc.asOf).toISOString(),
      orders: s.length,
      lastOrder: s.lastTimestamp === null ? null : new Date(s.lastTimestamp).toISOString(),
      segment: sc.segment,
      segmentName: sc.segmentName,
      rfmScore: sc.rfmScore,
      rfmSegment: sc.rfmSegment,
      clv: sc.clv,
      pAlive: sc.pAlive,
      churn: { probability: sc.churnProbability, riskBand: sc.riskBand, horizonDays: model.churnHorizonDays, drivers: sc.drivers },
      // BG/NBD expected purchases over the CLV horizon; the mean wait is the horizon over that
      // count (a rate estimate, null when no purchase is expected)
      nextPurchase: { expectedPurchases: e, horizonDays: horizon, expectedDaysToNext: e && e > 0 ? horizon / e : null }
    }
  }

  async function handle (req, res) {
    const url = new URL(req.url, 'http://localhost')
    const path = url.pathname
    if (req.method === 'POST' && path === '/events') {
      const text = await readBody(req)
      let body
      try {
        body = JSON.parse(text)
      } catch {
        throw new HttpError(400, 'body is not JSON', 'INVALID_JSON')
      }
      const events = Array.isArray(body) ? body : [body]
      const results = events.map(addEvent)
      return send(res, 200, Array.isArray(body) ? { results } : results[0])
    }
    if (req.method === 'GET' && path.startsWith('/customers/')) {
      const id = decodeURIComponent(path.slice('/customers/'.length))
      return send(res, 200, customer(id, url.searchParams))
    }
    if (req.method === 'GET' && path === '/health') {
      return send(res, 200, { ok: true, customers: states.size, modelAsOf: new Date(model.asOf).toISOString(), segments: model.segmentNames })
    }
    throw new HttpError(404, `no route ${req.method} ${path}`, 'NOT_FOUND')
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (res.headersSent) return res.destroy()
      // segcore errors carry a stable code (SEGCORE_INVALID_VALUE, SEGCORE_INVALID_PARAMETER, ...): the
      // caller's data was wrong
      const status = err instanceof HttpError ? err.status : String(err.code).startsWith('SEGCORE_') ? 422 : 500
      send(res, status, { error: err.message, code: err.code ?? 'INTERNAL' })
    })
  })
  server.keepAliveTimeout = 5000

  /** Stops accepting connections, lets in-flight requests finish, closes idle sockets. */
  function close () {
    return new Promise((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()))
      server.closeIdleConnections()
    })
  }
  return { server, states, close }
}

async function main () {
  const path = defaultModelPath()
  const model = loadModel(readFileSync(path, 'utf8'))
  const svc = createService({ model, asOf: process.env.SEGCORE_AS_OF ?? 'model' })
  const port = Number(process.env.PORT ?? 8080)
  const host = process.env.HOST ?? '127.0.0.1'
  svc.server.listen(port, host, () => {
    const a = svc.server.address()
    console.log(`segcore service listening on http://${a.address}:${a.port} (model ${path})`)
  })
  let closing = false
  const stop = (sig) => {
    if (closing) return
    closing = true
    console.log(`${sig}: closing`)
    svc.close().then(() => process.exit(0), (err) => { console.error(err); process.exit(1) })
    setTimeout(() => { svc.server.closeAllConnections(); }, 5000).unref()
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main()
