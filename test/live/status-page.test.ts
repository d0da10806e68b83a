import { resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { LiveControlPlane } from '../../local/live/live-control-plane';
import { GAME_DAY_OPERATOR, operatorAction } from '../../local/live/operator-actions';
import { StatusServer } from '../../local/live/status-server';
import { E2E_VARIANTS } from '../e2e/harness/env';

// The status page of `npm start` in a real browser (Debian's chromium driven by playwright-core):
// the live control plane is started as `npm start` starts it, the page is loaded, and a fault
// clicked on the page must come back on the page as an incident.

/** README, "Detection time with the default configuration": about 30 s, hand-over included. */
const README_DETECTION_MS = 30_000;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Start-up includes a cold `cdk synth` when the sources changed (shared with the e2e suite's cache).
const START_TIMEOUT_MS = 300_000;

let live: LiveControlPlane;
let server: StatusServer;
let browser: Browser;
let page: Page;
let url: string;

beforeAll(async () => {
  live = await LiveControlPlane.start({
    projectRoot: resolve(__dirname, '..', '..'),
    variants: E2E_VARIANTS,
  });
  server = new StatusServer(live);
  url = await server.start(0);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await browser.newPage();
}, START_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await live?.stop();
}, 60_000);

test('loads the page and keeps it live: the update time moves and the fleet shows its instances', async () => {
  await page.goto(url);
  // Page functions are strings: the project compiles without the DOM library.
  await page.waitForFunction("document.getElementById('live')?.textContent?.startsWith('live · updated')");
  const first = await page.textContent('#live');
  await page.waitForFunction(
    `document.getElementById('live')?.textContent !== ${JSON.stringify(first)}`,
    undefined,
    {
      timeout: 15_000,
    },
  );
  const instances = await page.$$eval('#fleet-body tr', (rows) => rows.length - 1);
  expect(instances).toBe(2);
  expect(await page.textContent('#desired')).toBe('2');
  // The Aurora cluster's two instances: a PostgreSQL primary and its streaming standby, with its lag.
  expect(await page.$$eval('#database-body tr', (rows) => rows.length - 1)).toBe(2);
  expect(await page.textContent('#database-body .replay-lag[data-server="b"]')).toMatch(
    /^\d+ ms · \d+ B \(streaming\)$/,
  );
  expect(
    await page.$$eval('button[data-fault]', (buttons) => buttons.map((b) => b.getAttribute('data-fault'))),
  ).toEqual(expect.arrayContaining(['spike', 'kill-instance', 'stop-db-writer', 'aws-throttling']));
}, 60_000);

test('a fault clicked on the page becomes an open incident on the page within the README detection time', async () => {
  // The health check's first run must have reported before a failure can be told from a start.
  await page.waitForFunction("document.querySelectorAll('#components-body tr').length > 1", undefined, {
    timeout: 150_000,
  });
  const clickedAt = Date.now();
  await page.click('button[data-fault="kill-instance"]');
  const incident = await page.waitForSelector('.incident[data-component="fleet"][data-state="open"]', {
    timeout: 120_000,
  });
  const openedAt = Number(await incident.getAttribute('data-opened-at'));
  expect(openedAt).toBeGreaterThanOrEqual(clickedAt);
  expect(openedAt - clickedAt).toBeLessThanOrEqual(README_DETECTION_MS);
  expect(await incident.textContent()).toMatch(/Fleet target group: 1 unhealthy target/);
  expect(await page.textContent('#fault-log')).toContain('kill-instance');
}, 300_000);

test('the admin audit panel shows an operator change made through the admin API, once for a replayed request', async () => {
  const result = await operatorAction('admin-pre-scale').run(live);
  expect(result).toMatch(/→ 200; the same request again → 200 \(the same answer, replayed\)/);
  await page.waitForFunction(
    `document.getElementById('audit-body')?.textContent?.includes(${JSON.stringify(GAME_DAY_OPERATOR)})`,
    undefined,
    { timeout: 30_000 },
  );
  const rows = await page.$$eval('#audit-body tr', (trs) =>
    trs
      .slice(1)
      .map((tr) =>
        Array.from(tr.querySelectorAll('td'), (td) => (td as { textContent: string | null }).textContent),
      ),
  );
  const change = rows.filter((cells) => cells.includes('game day: pre-scale before the campaign'));
  expect(change).toHaveLength(1);
  expect(change[0]).toEqual(expect.arrayContaining([GAME_DAY_OPERATOR, 'succeeded']));
  await page.waitForFunction("document.getElementById('desired')?.textContent === '3'", undefined, {
    timeout: 30_000,
  });
}, 120_000);

test('the slow-query panel shows the digest the analysis published, naming the slow query and its index', async () => {
  const result = await operatorAction('slow-query-workload').run(live);
  const table = /table (game_day_messages_[0-9a-f]+)/.exec(result)?.[1];
  expect(table).toBeDefined();
  await page.waitForFunction(
    `document.getElementById('slow-queries-body')?.textContent?.includes(${JSON.stringify(table)})`,
    undefined,
    { timeout: 30_000 },
  );
  expect(await page.textContent('#slow-queries-body')).toMatch(
    /CREATE INDEX CONCURRENTLY[^\n]*\(conversation_id/,
  );
}, 300_000);
