// Opens a segcore report in headless Debian Chromium and checks that it rendered.
//
//   node check.mjs <report.html> <screenshot.png> [--strict]
//
// Fails (exit 1) when: the page logs a console error or throws; the page makes a network request
// other than the report file itself; there is no `figure.chart`; a chart figure has no <svg>, an
// <svg> with an empty bounding box, or no drawn element (rect/path/polyline/polygon/line/circle/
// ellipse/text with a non-zero box). Figures marked data-empty (the "no data" note a chart shows when
// it was given nothing to plot) are listed and, with --strict, also fail.
// Prints one summary line (`report-check: OK ...` or `report-check: FAIL ...`) plus one line per problem.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const strict = args.includes('--strict');
const [reportPath, shotPath] = args.filter((a) => !a.startsWith('--'));
if (!reportPath || !shotPath) {
  console.error('usage: node check.mjs <report.html> <screenshot.png> [--strict]');
  process.exit(2);
}
if (!existsSync(reportPath)) {
  console.error(`report-check: FAIL no such file ${reportPath}`);
  process.exit(1);
}
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const profile = mkdtempSync(join(tmpdir(), 'report-check-'));
const problems = [];
let context;
try {
  // A persistent context on a fresh profile directory is how Playwright takes --user-data-dir.
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    viewport: { width: 1280, height: 900 },
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] || (await context.newPage());
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  const url = pathToFileURL(resolve(reportPath)).href;
  page.on('request', (req) => {
    if (req.url() !== url && !req.url().startsWith('data:')) problems.push(`request: ${req.url()}`);
  });
  await page.goto(url, { waitUntil: 'load' });

  const charts = await page.$$eval('figure.chart', (figs) =>
    figs.map((fig, i) => {
      const kind = fig.getAttribute('data-chart') || '?';
      const title = (fig.querySelector('figcaption')?.textContent || '').trim();
      const empty = fig.hasAttribute('data-empty');
      const svg = fig.querySelector('svg');
      if (!svg) return { i, kind, title, empty, svg: false };
      const box = svg.getBoundingClientRect();
      let drawn = 0;
      for (const el of svg.querySelectorAll('rect,path,polyline,polygon,line,circle,ellipse,text')) {
        const b = el.getBBox();
        if (b.width > 0 || b.height > 0) drawn += 1;
      }
      return { i, kind, title, empty, svg: true, w: box.width, h: box.height, drawn };
    }),
  );
  if (charts.length === 0) problems.push('no figure.chart in the page');
  const empties = [];
  for (const c of charts) {
    const name = `chart #${c.i} (${c.kind}) "${c.title}"`;
    if (c.empty) {
      empties.push(name);
      if (strict) problems.push(`${name}: no data`);
      continue;
    }
    if (!c.svg) problems.push(`${name}: no <svg>`);
    else if (!(c.w > 0 && c.h > 0)) problems.push(`${name}: svg box ${c.w}x${c.h}`);
    else if (c.drawn === 0) problems.push(`${name}: nothing drawn`);
  }
  await page.screenshot({ path: shotPath, fullPage: true });
  const kinds = {};
  for (const c of charts) kinds[c.kind] = (kinds[c.kind] || 0) + 1;
  const kindList = Object.entries(kinds)
    .map(([k, n]) => `${k}=${n}`)
    .join(' ');
  const status = problems.length === 0 ? 'OK' : 'FAIL';
  console.log(
    `report-check: ${status} ${charts.length} charts (${kindList}), ${empties.length} empty, ` +
      `${problems.length} problems, screenshot ${shotPath}`,
  );
  for (const e of empties) console.log(`  empty: ${e}`);
  for (const p of problems) console.log(`  problem: ${p}`);
} catch (err) {
  problems.push(`check crashed: ${err && err.message ? err.message : err}`);
  console.log(`report-check: FAIL ${problems.join('; ')}`);
} finally {
  if (context) await context.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(problems.length === 0 ? 0 : 1);
