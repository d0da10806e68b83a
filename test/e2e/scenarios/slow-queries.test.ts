import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { Published } from '../../../local/driver/sns-router';
import type { LocalPlatform } from '../../../local/platform/local-platform';
import { invocationsOf } from '../../../local/views/platform-views';
import { type StateItem, stateItems } from '../../../local/views/state-table';
import { appUserOf, createUnindexedTable, readConversations } from '../../../local/world/unindexed-workload';
import { e2eEnvironment } from '../harness/env';
import { minutes, startPlatform } from '../support/platform';
import { saveTimeline } from '../support/timeline';

// Scenario 8: the hourly slow-query analysis on real PostgreSQL 15 (pg_stat_statements and
// hypopg), reached through the emulated RDS Proxy endpoint with verified TLS. An application
// query without an index runs slowly for an hour: the analysis proves an index with a
// hypothetical one and publishes its digest once; the next hour, with nothing new, it stays quiet.

let platform: LocalPlatform;
let start: number;
let table: string;
let database: string;
let digests: Published[];

beforeAll(async () => {
  platform = await startPlatform();
  start = platform.clock.now();
  const analysis = platform.model.fn('slow-queries').arn;
  // The scenario is the hourly analysis: the minute-by-minute rules would only add cost.
  for (const rule of platform.model.rules) {
    if (!rule.targets.some((target) => target.arn === analysis)) platform.bus.setEnabled(rule.name, false);
  }
  database = String(platform.model.only('AWS::RDS::DBCluster').properties.DatabaseName);
  table = `e2e_messages_${randomBytes(4).toString('hex')}`;
  const { postgres } = e2eEnvironment();
  // The application's table, in its schema, queried by its role: what the advisor is granted to read.
  const client = new Client({
    host: postgres.host,
    port: postgres.port,
    user: appUserOf(platform),
    database,
  });
  await client.connect();
  try {
    await createUnindexedTable(client, table, 300_000);
    await readConversations(client, table, 150);
    // The first hourly run takes a snapshot; the workload of the next hour is its finding.
    await platform.runFor(minutes(60));
    await readConversations(client, table, 150);
    await platform.runFor(minutes(60));
    // An hour with the same statements but nothing new to find.
    await readConversations(client, table, 150);
    await platform.runFor(minutes(60));
  } finally {
    await client.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    await client.end();
  }
  const info = String(platform.model.fn('slow-queries').environment.INFO_TOPIC_ARN);
  digests = platform.sns.on(info).filter((p) => p.publisher === platform.model.fn('slow-queries').name);
});

afterAll(async () => {
  if (platform) saveTimeline(platform, start, 'slow-queries');
  await platform?.stop();
});

test('runs every hour on its schedule, through the RDS Proxy name with verified TLS', () => {
  const runs = invocationsOf(platform, 'slow-queries', start);
  expect(runs.length).toBeGreaterThanOrEqual(3);
  expect(runs.every((run) => run.outcome.status === 'succeeded')).toBe(true);
  const proxy = String(platform.model.only('AWS::RDS::DBProxy').attributes.Endpoint);
  expect(platform.network.databaseSessions.length).toBeGreaterThanOrEqual(runs.length);
  expect(new Set(platform.network.databaseSessions)).toEqual(new Set([proxy]));
});

test('publishes one digest with the slow query and an index proven by hypopg', () => {
  expect(digests).toHaveLength(1);
  const text = `${digests[0]!.subject ?? ''}\n${digests[0]!.message}`;
  expect(text).toContain(table);
  expect(text).toMatch(/CREATE INDEX CONCURRENTLY[^\n]*\(conversation_id/);
  const delivered = platform.network.receiver.deliveries.filter(
    (d) => d.host === 'hooks.example.com' && d.body.includes(table),
  );
  expect(delivered).toHaveLength(1);
});

test("stores each run's report, the recommendation in the one that found it", async () => {
  const cluster = platform.model.only('AWS::RDS::DBCluster').physicalId;
  const reports = (await stateItems(platform, `QUERIES#${cluster}`)).filter((item) =>
    String(item.sk).startsWith('REPORT#'),
  ) as (StateItem & {
    recommendations?: { statement?: string }[];
  })[];
  expect(reports.length).toBeGreaterThanOrEqual(3);
  expect(
    reports.some((report) => JSON.stringify(report.recommendations ?? []).includes('conversation_id')),
  ).toBe(true);
});
