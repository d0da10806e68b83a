import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbLock } from '../../../functions/adapters/aws/dynamodb-coordination';
import { PowertoolsIdempotency } from '../../../functions/adapters/aws/powertools-idempotency';
import { DynamoDbScalingStateStore } from '../../../functions/adapters/aws/scaling/scaling-state-store';
import { decide } from '../../../functions/core/scaling/decide';
import { defaultPolicyInput } from '../../../functions/core/scaling/default-policy';
import type { DecisionRecord } from '../../../functions/core/scaling/ports';
import { runScaling } from '../../../functions/core/scaling/service';
import type { ScalingDecision } from '../../../functions/core/scaling/types';
import {
  defaultPolicy,
  FakeGroup,
  FakeHolds,
  FakeMetrics,
  FakeNotifier,
  GROUP,
  groupOf,
  NOW,
} from '../../functions/core/scaling/service-fakes';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../support/dynamodb';

let db: LocalDynamoDb;
beforeAll(async () => {
  db = await startLocalDynamoDb();
});
afterAll(() => db.stop());

let group = 0;
/** A fresh group name per test: the table is shared. */
const nextGroup = () => `${GROUP}-${++group}`;

function decisionAt(time: number, cpu: number, saturatedMax = 40): ScalingDecision {
  const state = groupOf(4, 2, saturatedMax);
  const byInstance = Object.fromEntries(
    state.instances.map((i) => [i.id, [{ timestamp: time - 60_000, value: cpu }]]),
  );
  return decide({
    now: time,
    group: state,
    metrics: [
      { name: 'cpu', byInstance },
      { name: 'memory', byInstance },
    ],
    policy: defaultPolicy,
    recentRecommendations: [],
    activities: [],
  });
}

const record = (decision: ScalingDecision, extra: Partial<DecisionRecord> = {}): DecisionRecord => ({
  eventKey: `scaling:${decision.time}`,
  trigger: 'schedule',
  reason: 'schedule',
  decision,
  action: decision.direction === 'none' ? 'none' : 'scaled',
  policySource: 'default',
  skipped: [],
  ...extra,
});

describe('DynamoDbScalingStateStore against a DynamoDB-compatible server', () => {
  it('keeps each decision with its explanation and TTL, and makes the newest the latest', async () => {
    const store = new DynamoDbScalingStateStore(db.client, db.tableName);
    const name = nextGroup();
    const decision = decisionAt(NOW, 90);
    await store.recordDecision(
      name,
      record(decision, { skipped: [{ source: 'memory', reason: 'PartialData' }] }),
    );
    const { Item: latest } = await db.client.send(
      new GetCommand({ TableName: db.tableName, Key: { pk: `SCALING#${name}`, sk: 'LATEST' } }),
    );
    expect(latest).toMatchObject({
      time: NOW,
      current: 4,
      desired: decision.desired,
      direction: 'out',
      recommendation: decision.recommendation,
      summary: decision.explanation.summary,
      explanation: JSON.parse(JSON.stringify(decision.explanation)),
      skipped: [{ source: 'memory', reason: 'PartialData' }],
    });
    const { Item: kept } = await db.client.send(
      new GetCommand({
        TableName: db.tableName,
        Key: { pk: `SCALING#${name}`, sk: `DECISION#2024-03-04T12:00:00.000Z#scaling:${NOW}` },
      }),
    );
    expect(kept).toMatchObject({
      gsi1pk: 'SCALING',
      gsi1sk: '2024-03-04T12:00:00.000Z',
      expiresAt: NOW / 1000 + 30 * 86_400,
    });

    // A slower run that decided earlier does not replace the newer latest decision.
    await store.recordDecision(name, record(decisionAt(NOW - 60_000, 20)));
    const { Item: still } = await db.client.send(
      new GetCommand({ TableName: db.tableName, Key: { pk: `SCALING#${name}`, sk: 'LATEST' } }),
    );
    expect(still?.time).toBe(NOW);
  });

  it('returns the recommendations inside the window and the saturation warning state', async () => {
    const store = new DynamoDbScalingStateStore(db.client, db.tableName);
    const name = nextGroup();
    for (const [offset, cpu] of [
      [-900_000, 20],
      [-300_000, 90],
      [-60_000, 60],
    ] as const) {
      await store.recordDecision(name, record(decisionAt(NOW + offset, cpu)));
    }
    await store.recordDecision(name, record(decisionAt(NOW, 95, 4), { saturationWarnedAt: NOW }));
    const history = await store.loadHistory(name, NOW - 600_000);
    expect(history.recommendations.map((r) => r.time)).toEqual([NOW - 300_000, NOW - 60_000, NOW]);
    expect(history.recommendations[0]).toEqual({
      time: NOW - 300_000,
      recommendation: decisionAt(NOW - 300_000, 90).recommendation,
    });
    const scaledOut = decisionAt(NOW - 300_000, 90);
    expect(history.actions).toEqual([
      { startTime: NOW - 300_000, fromCapacity: scaledOut.current, toCapacity: scaledOut.desired },
    ]);
    expect(history.saturationWarnedAt).toBe(NOW);
    expect(await store.loadHistory(nextGroup(), NOW - 600_000)).toEqual({ recommendations: [], actions: [] });
  });

  it('keeps the latest intended change and returns it only inside the window', async () => {
    const store = new DynamoDbScalingStateStore(db.client, db.tableName);
    const name = nextGroup();
    await store.recordIntent(name, { startTime: NOW - 900_000, fromCapacity: 2, toCapacity: 4 }, 'scaling:a');
    expect((await store.loadHistory(name, NOW - 600_000)).intendedChange).toBeUndefined();
    await store.recordIntent(name, { startTime: NOW - 60_000, fromCapacity: 4, toCapacity: 8 }, 'scaling:b');
    expect((await store.loadHistory(name, NOW - 600_000)).intendedChange).toEqual({
      startTime: NOW - 60_000,
      fromCapacity: 4,
      toCapacity: 8,
    });
    const { Item } = await db.client.send(
      new GetCommand({ TableName: db.tableName, Key: { pk: `SCALING#${name}`, sk: 'INTENT' } }),
    );
    expect(Item).toMatchObject({
      eventKey: 'scaling:b',
      expiresAt: Math.ceil((NOW - 60_000) / 1000) + 30 * 86_400,
    });
  });

  it('follows LastEvaluatedKey through a long history', async () => {
    const store = new DynamoDbScalingStateStore(db.client, db.tableName);
    const name = nextGroup();
    const padding = 'x'.repeat(8_000);
    for (let i = 0; i < 150; i++) {
      await db.client.send(
        new PutCommand({
          TableName: db.tableName,
          Item: {
            pk: `SCALING#${name}`,
            sk: `DECISION#${new Date(NOW - i * 1000).toISOString()}#e${i}`,
            time: NOW - i * 1000,
            recommendation: i,
            padding,
          },
        }),
      );
    }
    const history = await store.loadHistory(name, NOW - 3_600_000);
    expect(history.recommendations).toHaveLength(150);
  });

  it('reads the operator override as stored, and records failures', async () => {
    const store = new DynamoDbScalingStateStore(db.client, db.tableName);
    const name = nextGroup();
    expect(await store.loadPolicyOverride(name)).toBeUndefined();
    await db.client.send(
      new PutCommand({
        TableName: db.tableName,
        Item: {
          pk: `SCALING#${name}`,
          sk: 'POLICY',
          policy: { ...defaultPolicyInput, maxCapacity: 5 },
          updatedBy: 'ops',
        },
      }),
    );
    expect(await store.loadPolicyOverride(name)).toEqual({
      document: JSON.parse(JSON.stringify({ ...defaultPolicyInput, maxCapacity: 5 })),
      updatedBy: 'ops',
    });
    await store.recordFailure(name, {
      time: NOW,
      eventKey: 'scaling:e-9',
      trigger: 'alarm',
      reason: 'alarm cpu OK → ALARM',
      error: 'could not read the group: Rate exceeded (ThrottlingException)',
      skipped: [],
    });
    const { Item } = await db.client.send(
      new GetCommand({
        TableName: db.tableName,
        Key: { pk: `SCALING#${name}`, sk: 'FAILURE#2024-03-04T12:00:00.000Z#scaling:e-9' },
      }),
    );
    expect(Item).toMatchObject({
      error: expect.stringContaining('ThrottlingException'),
      gsi1pk: 'SCALING_FAILURE',
    });
  });

  it('runs the service on the real lock, event records and store: a duplicate never scales twice, the override applies', async () => {
    const name = nextGroup();
    const store = new DynamoDbScalingStateStore(db.client, db.tableName);
    await db.client.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { pk: `SCALING#${name}`, sk: 'POLICY', policy: { ...defaultPolicyInput, maxCapacity: 6 } },
      }),
    );
    const fleet = new FakeGroup(groupOf(4));
    const deps = {
      group: fleet,
      metrics: new FakeMetrics({ cpu: 90, memory: 50 }),
      state: store,
      notifier: new FakeNotifier(),
      holds: new FakeHolds(),
      run: {
        idempotency: new PowertoolsIdempotency(db.raw, db.tableName, { scope: 'scaling' }),
        lock: new DynamoDbLock(db.client, db.tableName),
        clock: () => NOW,
        sleep: async () => {},
        random: () => 0.5,
      },
      settings: { groupName: name, defaultPolicy, dryRun: false },
    };
    const request = {
      eventKey: `scaling:${name}`,
      runId: 'r-1',
      trigger: 'schedule' as const,
      reason: 'schedule',
      // Powertools compares the in-progress record with the wall clock.
      deadline: Date.now() + 60_000,
    };
    const [first, second] = await Promise.all([
      runScaling(deps, request),
      runScaling(deps, { ...request, runId: 'r-2' }),
    ]);
    expect([first.outcome.status, second.outcome.status].sort()).toEqual(['decided', 'skipped']);
    expect(fleet.sets).toEqual([6]);
    const history = await store.loadHistory(name, NOW - 600_000);
    expect(history.recommendations).toHaveLength(1);
  });
});
