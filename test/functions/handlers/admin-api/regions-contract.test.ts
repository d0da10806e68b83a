import { InvokeCommand, type InvokeCommandInput, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { LambdaRegionCommander } from '../../../../functions/adapters/aws/admin/region-commander';
import { RegionStateConflictError } from '../../../../functions/core/failover/region/ports';
import type { RegionAction, RegionFailoverState } from '../../../../functions/core/failover/region/types';
import {
  createRegionHandler,
  type RegionResponse,
} from '../../../../functions/handlers/region-failover/handler';
import { runDeps } from '../../core/failover/fakes';
import { observation, PRIMARY, SECONDARY, settings, T0 } from '../../core/failover/region/fixtures';
import { jsonRequest } from './events';
import { harness } from './harness';

const FUNCTION_ARN = `arn:aws:lambda:${SECONDARY}:123456789012:function:misybot-ha-region-failover`;
const lambda = mockClient(LambdaClient);

/**
 * The admin API's adapter against the region failover function's real handler and engine: the
 * Lambda client is the only thing in between, answering each invoke with what the handler returns
 * (an `Event` invoke runs it too, as Lambda would, and the test awaits it).
 */
function wired() {
  let now = T0;
  let stored: RegionFailoverState | undefined;
  const executed: RegionAction[] = [];
  const regionHandler = createRegionHandler({
    deps: {
      store: {
        load: async () => stored,
        save: async (state, expected) => {
          if ((stored?.version ?? 0) !== expected) throw new RegionStateConflictError(expected);
          stored = { ...state, version: expected + 1 };
          return stored;
        },
      },
      // The world follows the engine: the writer and the cache primary are where it last switched.
      observer: {
        observe: async () => {
          const writer = stored?.activeRegion ?? PRIMARY;
          return observation(now, {
            global: {
              databaseWriterRegion: writer,
              databaseStatus: 'available',
              cachePrimaryRegion: writer,
              cacheStatus: 'available',
            },
          });
        },
      },
      actions: {
        execute: async (action) => {
          executed.push(action);
          now += 20_000;
          return { ok: true };
        },
      },
      notifier: { send: async () => undefined },
      run: runDeps({
        now: () => now,
        advance: (ms) => {
          now += ms;
        },
      }),
      clock: () => now,
    },
    settings,
    log: { info: () => undefined, warn: () => undefined },
  });
  const asyncRuns: Promise<RegionResponse>[] = [];
  let invocation = 0;
  const invoke = async (input: InvokeCommandInput) => {
    const event = JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array));
    invocation += 1;
    const run = regionHandler(event, {
      awsRequestId: `lambda-${invocation}`,
      getRemainingTimeInMillis: () => 900_000,
    });
    if (input.InvocationType === 'Event') {
      asyncRuns.push(run);
      return { StatusCode: 202 };
    }
    return { StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(await run)) };
  };
  lambda.on(InvokeCommand).callsFake(invoke);
  const { send } = harness({
    regions: {
      commander: new LambdaRegionCommander(new LambdaClient({ region: SECONDARY }), FUNCTION_ARN),
      state: { state: async () => stored },
    },
  });
  // Lambda's asynchronous retry: the last event delivered once more.
  const redeliver = () => invoke(lambda.commandCalls(InvokeCommand).at(-1)!.args[0].input);
  return { send, executed, asyncRuns, redeliver };
}

beforeEach(() => lambda.reset());

describe('admin API region routes against the region failover function', () => {
  it('plans a drill through the function without acting, and the handler accepts the event as built', async () => {
    const { send, executed } = wired();
    const answer = await send({
      ...jsonRequest(
        'POST',
        '/regions/drill',
        { reason: 'game day' },
        { pathParameters: { operation: 'drill' } },
      ),
      requestId: 'req-drill-0001',
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ verdict: 'start', operation: 'drill', from: PRIMARY, to: SECONDARY });
    expect(answer.json.plan.at(-1)).toMatchObject({ kind: 'verify-traffic', region: PRIMARY });
    expect(executed).toEqual([]);
  });

  it('carries out an accepted switchover once, even when Lambda delivers the event twice', async () => {
    const { send, executed, asyncRuns, redeliver } = wired();
    const answer = await send({
      ...jsonRequest(
        'POST',
        '/regions/switchover',
        { dryRun: false, reason: 'primary maintenance' },
        { pathParameters: { operation: 'switchover' } },
      ),
      requestId: 'req-switch-0001',
    });
    expect(answer.status).toBe(202);
    const [first] = await Promise.all(asyncRuns);
    expect(first).toMatchObject({ ok: true, status: 'executed' });
    const steps = executed.map((action) => action.kind);
    expect(steps).toContain('switchover-database');
    expect(steps.at(-1)).toBe('verify-traffic');

    // Lambda's asynchronous retry of the same event: the function's event record stops it.
    await redeliver();
    expect(await asyncRuns[1]).toMatchObject({ ok: true, status: 'duplicate' });
    expect(executed.map((action) => action.kind)).toEqual(steps);

    const status = await send({
      method: 'GET',
      path: '/regions',
      query: { observe: 'true' },
      requestId: 'req-status-0001',
    });
    expect(status.json.state).toMatchObject({
      activeRegion: SECONDARY,
      timeline: {
        id: 'command#req-switch-0001',
        status: 'completed',
        rpoSeconds: 0,
        text: expect.stringMatching(/status completed; RTO \d+ s; RPO 0 s/),
      },
      switchesIn24Hours: [{ operation: 'switchover', automatic: false }],
    });
    expect(status.json.live).toMatchObject({ from: SECONDARY });
  });
});
