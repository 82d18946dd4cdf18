import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readLogsCsv, readLogsCsvAsync, datasets, Logs } from 'segcore'

const master = fileURLToPath(new URL('../../segcore/data/cdnow/CDNOW_master.txt', import.meta.url))
const cdnowOptions = {
  delimiter: 'whitespace',
  columns: { timestamp: 'date', quantity: 'number_of_cds', amount: 'dollar_value' },
  idType: 'int',
  timeFormat: 'yyyymmdd',
}

test('readLogsCsv reads the CDNOW master file like datasets.cdnow()', async () => {
  const r = readLogsCsv({ transactions: master }, cdnowOptions)
  assert.ok(r.logs instanceof Logs)
  assert.equal(r.transactions.rowsRead, 69659)
  assert.equal(r.transactions.rowsSkipped, 0)
  assert.equal(r.events, undefined)
  assert.deepEqual(r.logs.transactions(), new Logs(datasets.cdnow()).transactions())
  const a = await readLogsCsvAsync({ transactions: master }, cdnowOptions)
  assert.deepEqual(a.logs.summary(), r.logs.summary())
})

test('bad rows: CSV_ERROR naming file and line, or skipped and reported', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'segcore-node-'))
  const f = join(dir, 'tx.csv')
  writeFileSync(f, 'customer_id,timestamp,amount\n1,2024-01-01,10\n2,2024-01-02,NaN\n3,someday,5\n')
  assert.throws(() => readLogsCsv({ transactions: f }), (e) => {
    assert.equal(e.code, 'SEGCORE_CSV_ERROR')
    assert.match(e.message, /tx\.csv, line 3, column `amount`/)
    return true
  })
  await assert.rejects(readLogsCsvAsync({ transactions: f }), { code: 'SEGCORE_CSV_ERROR' })
  const r = readLogsCsv({ transactions: f }, { skipBadRows: true })
  assert.equal(r.transactions.rowsRead, 1)
  assert.equal(r.transactions.rowsSkipped, 2)
  assert.deepEqual(r.transactions.examples.map((e) => e.line), [3, 4])
  assert.throws(() => readLogsCsv({ transactions: join(dir, 'missing.csv') }), { code: 'SEGCORE_IO_ERROR' })
  assert.throws(() => readLogsCsv({ transactions: f }, { idType: 'uuid' }), { code: 'SEGCORE_INVALID_PARAMETER' })
})
