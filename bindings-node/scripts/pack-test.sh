#!/usr/bin/env bash
# npm pack test: packs bindings-node (after `npm run build`), installs the tarball offline into
# a fresh temporary project, and checks that both `require('segcore')` and
# `import ... from 'segcore'` load, expose the types, and score a customer from the Python-written
# fixture model to the Python value.
#   usage: bash bindings-node/scripts/pack-test.sh      (or: cd bindings-node && npm run pack-test)
set -euo pipefail
cd "$(dirname "$0")/.."
pkg="$PWD"
shopt -s nullglob
bins=(segcore.*.node)
if [ ${#bins[@]} -eq 0 ]; then
  echo "pack-test: no segcore.*.node here; run 'npm run build' first" >&2
  exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

tgz="$(npm pack --silent --pack-destination "$work" | tail -n 1)"
tar -tzf "$work/$tgz" | sort > "$work/contents.txt"
for f in package/package.json package/index.js package/index.mjs package/index.d.ts "package/${bins[0]}"; do
  grep -qx "$f" "$work/contents.txt" || { echo "pack-test: $f missing from $tgz" >&2; cat "$work/contents.txt" >&2; exit 1; }
done
if grep -q -e '^package/src/' -e '^package/__test__/' -e '^package/node_modules/' "$work/contents.txt"; then
  echo "pack-test: sources or tests leaked into $tgz" >&2
  exit 1
fi

mkdir "$work/app"
cd "$work/app"
printf '{ "name": "pack-test-app", "version": "1.0.0", "private": true }\n' > package.json
npm install --offline --no-audit --no-fund --loglevel=error "$work/$tgz"
test ! -L node_modules/segcore || { echo "pack-test: segcore is a symlink, not an installed copy" >&2; exit 1; }

export FIXTURE="$pkg/__test__/fixtures"
node - <<'JS'
const assert = require('node:assert/strict')
const fs = require('node:fs')
const segcore = require('segcore')
const golden = JSON.parse(fs.readFileSync(process.env.FIXTURE + '/golden.json', 'utf8'))
const model = segcore.loadModel(fs.readFileSync(process.env.FIXTURE + '/segmenter.json', 'utf8'))
assert.ok(model instanceof segcore.Segmenter)
const c = golden.customers[0]
const s = model.scoreCustomer(new segcore.CustomerState(c.orders))
assert.equal(s.pAlive, c.score.pAlive)
assert.equal(s.segmentName, c.score.segmentName)
assert.equal(typeof segcore.version(), 'string')
console.log(`pack-test: require('segcore') ${segcore.version()} scores customer ${c.customerId}: pAlive ${s.pAlive}`)
JS
cp "$FIXTURE/golden.json" "$FIXTURE/segmenter.json" .
node --input-type=module - <<'JS'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { loadModel, CustomerState, version } from 'segcore'
import * as ns from 'segcore'
const golden = JSON.parse(readFileSync('golden.json', 'utf8'))
const model = loadModel(readFileSync('segmenter.json', 'utf8'))
const c = golden.customers.at(-1)
const s = model.scoreCustomer(new CustomerState(c.orders))
assert.equal(s.clv, c.score.clv)
assert.equal(typeof ns.default, 'object')
console.log(`pack-test: import from 'segcore' ${version()} scores customer ${c.customerId}: clv ${s.clv}`)
JS
grep -q 'scoreCustomer' node_modules/segcore/index.d.ts
echo "pack-test: ok ($tgz, $(wc -l < "$work/contents.txt") files)"
