import type { ApiResponse } from '../../../local/driver/api-gateway';
import type { LocalPlatform } from '../../../local/platform/local-platform';
import { alarmOn, callsTo } from '../../../local/views/platform-views';
import type { ClusterRoles } from '../../../local/world/database';
import { minutes, startPlatform, waitOutGuard } from '../support/platform';
import { saveTimeline } from '../support/timeline';

// Scenario 3: the Aurora writer fails. The failover function promotes the reader; from then on it
// tracks the new writer by instance id, and it does not call the old writer recovered (not even
// when a database alarm fires meanwhile) until the old writer really answers again. Failback is
// guarded: without autoFailback an operator does it, refused while the old writer is still down;
// with autoFailback the function does it itself, after the hold-down.

const OPERATOR = 'arn:aws:iam::123456789012:role/sre-operator';
const HOLD_DOWN_MS = 300_000;

interface Run {
  platform: LocalPlatform;
  start: number;
  before: ClusterRoles;
  afterFailover: ClusterRoles;
  end: ClusterRoles;
  failedAt: number;
  alarmAt: number;
  recoveredAt: number;
  earlyFailback?: ApiResponse;
  failback?: ApiResponse;
  failbackAt?: number;
}

/** Every message the functions published to the alert topics, with the time. */
function published(platform: LocalPlatform): { at: number; text: string }[] {
  return platform.sns.published.map((p) => ({ at: p.at, text: `${p.subject ?? ''}\n${p.message}` }));
}

async function failWriterAndRecover(
  options: { stack?: string; failbackWhileDown?: boolean } = {},
): Promise<Run> {
  const platform = await startPlatform(options.stack ? { stack: options.stack } : {});
  const start = platform.clock.now();
  await platform.runFor(minutes(1));
  const before = await platform.database.roles();
  const failedAt = platform.clock.now();
  await platform.database.fail(before.writer!);
  await platform.runFor(minutes(4));
  const afterFailover = await platform.database.roles();
  // A database alarm while the old writer is still down: a symptom, not a recovery.
  const alarmAt = platform.clock.now();
  await platform.alarms.setState(
    alarmOn(platform, 'AWS/RDS', 'CPUUtilization').physicalId,
    'ALARM',
    'CPU of the new writer at 95 %',
  );
  await platform.runFor(minutes(1));
  const run: Run = {
    platform,
    start,
    before,
    afterFailover,
    end: afterFailover,
    failedAt,
    alarmAt,
    recoveredAt: 0,
  };
  if (options.failbackWhileDown) run.earlyFailback = await failover(run, 'failback');
  run.recoveredAt = platform.clock.now();
  await platform.database.recover(before.writer!);
  return run;
}

function failover(run: Run, action: string, dryRun = false) {
  return run.platform.api.request({
    method: 'POST',
    path: '/failover/database',
    caller: OPERATOR,
    body: { action, dryRun, reason: `${action} to the original writer after its repair` },
  });
}

describe('without autoFailback: an operator fails back', () => {
  let run: Run;

  beforeAll(async () => {
    run = await failWriterAndRecover({ failbackWhileDown: true });
    await waitOutGuard(run.platform, minutes(4));
    run.failbackAt = run.platform.clock.now();
    run.failback = await failover(run, 'failback');
    await waitOutGuard(run.platform, minutes(2));
    run.end = await run.platform.database.roles();
  });

  afterAll(async () => {
    if (run) saveTimeline(run.platform, run.start, 'database-failover');
    await run?.platform.stop();
  });

  test('promotes the reader once the writer has failed', () => {
    const promotions = callsTo(run.platform, 'FailoverDBCluster', run.start).filter(
      (c) => c.at < run.recoveredAt,
    );
    expect(promotions).toHaveLength(1);
    expect(promotions[0]!.caller).toBe(run.platform.model.fn('failover').name);
    expect(promotions[0]!.params.TargetDBInstanceIdentifier).toBe(run.before.readers[0]);
    expect(run.afterFailover.writer).toBe(run.before.readers[0]);
  });

  test('tracks the new writer by its instance id', async () => {
    const state = await run.platform.api.request({ method: 'GET', path: '/failover', caller: OPERATOR });
    const database = (
      state.json as {
        components: { component: string; activeTarget: string | null; primaryId: string | null }[];
      }
    ).components.find((c) => c.component === 'database');
    expect([database?.activeTarget, database?.primaryId]).toContain(run.end.writer);
  });

  test('does not call the old writer recovered before it is, not even on a database alarm', () => {
    const recovered = (m: { text: string }) =>
      new RegExp(`primary ${run.before.writer} recovered`).test(m.text);
    const early = published(run.platform).filter(
      (m) => m.at > run.failedAt && m.at < run.recoveredAt && recovered(m),
    );
    expect(early).toEqual([]);
    const later = published(run.platform).filter((m) => m.at > run.recoveredAt && recovered(m));
    expect(later).toHaveLength(1);
  });

  test('refuses a failback while the old writer is down, then fails back to it once it answers', () => {
    expect(run.earlyFailback!.status).toBe(422);
    expect(run.earlyFailback!.body).toMatch(/target-healthy/);
    expect(run.failback!.status).toBe(202);
    const promotions = callsTo(run.platform, 'FailoverDBCluster', run.start);
    expect(promotions).toHaveLength(2);
    expect(promotions[1]!.at).toBeGreaterThanOrEqual(run.failbackAt!);
    expect(promotions[1]!.params.TargetDBInstanceIdentifier).toBe(run.before.writer);
    expect(run.end.writer).toBe(run.before.writer);
  });
});

describe('with autoFailback: the function fails back after the hold-down', () => {
  let run: Run;

  beforeAll(async () => {
    run = await failWriterAndRecover({ stack: 'misybot-ha-autofailback' });
    await waitOutGuard(run.platform, minutes(9));
    run.end = await run.platform.database.roles();
  });

  afterAll(async () => {
    if (run) saveTimeline(run.platform, run.start, 'database-failover-autofailback');
    await run?.platform.stop();
  });

  test('fails over, then back to the original writer on its own, not before the hold-down', () => {
    const promotions = callsTo(run.platform, 'FailoverDBCluster', run.start);
    expect(promotions.map((c) => c.params.TargetDBInstanceIdentifier)).toEqual([
      run.before.readers[0],
      run.before.writer,
    ]);
    expect(promotions.every((c) => c.caller === run.platform.model.fn('failover').name)).toBe(true);
    expect(promotions[1]!.at - run.recoveredAt).toBeGreaterThanOrEqual(HOLD_DOWN_MS);
    expect(run.end.writer).toBe(run.before.writer);
  });
});
