import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { groupName } from '../views/platform-views';
import { appUserOf, createUnindexedTable, readConversations } from '../world/unindexed-workload';
import type { LiveControlPlane } from './live-control-plane';

/** The operator a game day acts as: an SRE's assumed role, as the admin API's IAM auth sees it. */
export const GAME_DAY_OPERATOR = 'arn:aws:sts::123456789012:assumed-role/sre-operator/game-day';

/** Something an operator does during a game day, as they would do it in AWS. */
export interface OperatorAction {
  readonly name: string;
  /** What it does, in a sentence. */
  readonly description: string;
  /** Does it; resolves with what came back, in a line for the report. */
  run(live: LiveControlPlane): Promise<string>;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Delivers the slow-query analysis's scheduled event now, as its hourly rule would, and waits
 * for the run to finish; throws when it failed or did not finish in 2 minutes.
 */
async function runAnalysis(live: LiveControlPlane): Promise<void> {
  const { platform } = live;
  const fn = platform.model.fn('slow-queries');
  const rule = platform.model.rules.find((r) => r.targets.some((target) => target.arn === fn.arn));
  if (!rule) throw new Error('no scheduled rule targets the slow-query analysis');
  const since = platform.clock.now();
  platform.bus.fire(rule.name);
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const run = platform.invocations.find((i) => i.functionName === fn.name && i.startedAt >= since);
    if (run) {
      if (run.outcome.status !== 'succeeded') throw new Error(`the analysis ${run.outcome.status}`);
      return;
    }
    await wait(500);
  }
  throw new Error('the analysis did not finish within 2 minutes');
}

/** The operator actions a game day can take, by name. */
export const OPERATOR_ACTIONS: readonly OperatorAction[] = [
  {
    name: 'admin-pre-scale',
    description:
      'An operator pre-scales the fleet to 3 through the admin API with an Idempotency-Key, and their client sends the request twice.',
    run: async (live) => {
      const request = {
        method: 'PUT',
        path: `/scaling/groups/${encodeURIComponent(groupName(live.platform))}/capacity`,
        headers: { 'Idempotency-Key': `game-day-${randomBytes(4).toString('hex')}` },
        body: { desiredCapacity: 3, reason: 'game day: pre-scale before the campaign' },
        caller: GAME_DAY_OPERATOR,
      };
      const first = await live.platform.api.request(request);
      const replay = await live.platform.api.request(request);
      return `PUT ${request.path} → ${first.status}; the same request again → ${replay.status}${first.body === replay.body ? ' (the same answer, replayed)' : ` (a different answer: ${replay.body.slice(0, 200)})`}`;
    },
  },
  {
    name: 'admin-cache-failover',
    description:
      'An operator fails the Redis primary over to its replica through the admin API (ElastiCache TestFailover).',
    run: async (live) => {
      const answer = await live.platform.api.request({
        method: 'POST',
        path: '/failover/cache',
        caller: GAME_DAY_OPERATOR,
        body: { action: 'failover', dryRun: false, reason: 'game day: the cache is slow, move the primary' },
      });
      return `POST /failover/cache → ${answer.status}: ${answer.body.slice(0, 300)}`;
    },
  },
  {
    name: 'slow-query-workload',
    description:
      'The application runs a query without a supporting index 150 times against a 200,000-row table; the slow-query analysis runs before and after it (its hourly schedule, delivered now).',
    run: async (live) => {
      const database = String(live.platform.model.only('AWS::RDS::DBCluster').properties.DatabaseName);
      const table = `game_day_messages_${randomBytes(3).toString('hex')}`;
      const client = new Client({ ...live.databaseEndpoint, user: appUserOf(live.platform), database });
      await client.connect();
      try {
        await createUnindexedTable(client, table, 200_000);
        // The first run takes the snapshot the second one compares with.
        await runAnalysis(live);
        await readConversations(client, table, 150);
        await runAnalysis(live);
        return `table ${table}: 150 queries by conversation_id without an index, the analysis run before and after`;
      } finally {
        await client.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
        await client.end();
      }
    },
  },
];

/** Thrown for an action name the game days do not have. */
export class UnknownActionError extends Error {
  constructor(name: string, cause?: unknown) {
    super(
      `unknown operator action "${name}": expected one of ${OPERATOR_ACTIONS.map((a) => a.name).join(', ')}`,
      { cause },
    );
    this.name = 'UnknownActionError';
  }
}

/** The action of that name. @throws {UnknownActionError} */
export function operatorAction(name: string): OperatorAction {
  const action = OPERATOR_ACTIONS.find((a) => a.name === name);
  if (!action) throw new UnknownActionError(name);
  return action;
}
