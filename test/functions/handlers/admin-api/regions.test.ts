import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { LambdaRegionCommander } from '../../../../functions/adapters/aws/admin/region-commander';
import { DynamoDbRegionStore } from '../../../../functions/adapters/aws/region/dynamodb-region-store';
import { decideRegion, type RegionRequest } from '../../../../functions/core/failover/region/decide';
import { initialRegionState, type RegionObservation } from '../../../../functions/core/failover/region/types';
import { aRunRecord } from '../../../support/run-record';
import {
  observation,
  PRIMARY,
  primaryDown,
  SECONDARY,
  settings,
  T0,
} from '../../core/failover/region/fixtures';
import { jsonRequest, OPERATOR } from './events';
import { harness } from './harness';

const FUNCTION_ARN = `arn:aws:lambda:${SECONDARY}:123456789012:function:misybot-ha-region-failover`;
const lambda = mockClient(LambdaClient);
const dynamo = mockClient(DynamoDBDocumentClient);
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)) as never;
const decode = (payload: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(payload));

/** What the region function answers a run: the engine's real decision on `seen`. */
function functionAnswer(request: RegionRequest, seen: RegionObservation, dryRun = true) {
  const decision = decideRegion(initialRegionState(PRIMARY, T0), request, seen, settings, T0);
  return {
    ok: true,
    status: dryRun ? 'dry-run' : 'decided',
    decision,
    state: decision.state,
    record: aRunRecord({ fn: 'region-failover', reason: decision.explanation }),
  };
}
const command = (name: 'switchover' | 'failover' | 'drill', confirm = false): RegionRequest => ({
  kind: 'command',
  command: name,
  confirm,
  reason: 'r',
  requestedBy: OPERATOR,
});

function regionHarness() {
  const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: PRIMARY }));
  return harness({
    regions: {
      commander: new LambdaRegionCommander(new LambdaClient({ region: SECONDARY }), FUNCTION_ARN),
      state: { state: () => new DynamoDbRegionStore(documentClient, 'state').load() },
    },
  });
}
const post = (operation: string, body: unknown, requestId = 'req-00000001') => ({
  ...jsonRequest('POST', `/regions/${operation}`, body, { pathParameters: { operation } }),
  requestId,
});

/** The function plans a switchover with every guard passing; Lambda accepts asynchronous events. */
const planSwitchoverAndAcceptEvents = () =>
  lambda
    .on(InvokeCommand, { InvocationType: 'RequestResponse' })
    .resolves({ StatusCode: 200, Payload: encode(functionAnswer(command('switchover'), observation(T0))) })
    .on(InvokeCommand, { InvocationType: 'Event' })
    .resolves({ StatusCode: 202 });

beforeEach(() => {
  lambda.reset();
  dynamo.reset();
});

describe('admin API region routes', () => {
  it('plans a drill with a synchronous dry run of the region function and changes nothing', async () => {
    lambda
      .on(InvokeCommand)
      .resolves({ StatusCode: 200, Payload: encode(functionAnswer(command('drill'), observation(T0))) });
    const { send, world } = regionHarness();
    const answer = await send(post('drill', { reason: 'quarterly game day' }));
    expect(answer.status).toBe(200);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(1);
    const input = lambda.commandCalls(InvokeCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ FunctionName: FUNCTION_ARN, InvocationType: 'RequestResponse' });
    expect(decode(input.Payload as Uint8Array)).toEqual({
      kind: 'command',
      id: 'req-00000001',
      command: 'drill',
      execute: false,
      confirm: false,
      reason: 'quarterly game day',
      requestedBy: OPERATOR,
    });
    expect(answer.json).toMatchObject({
      dryRun: true,
      verdict: 'start',
      operation: 'drill',
      from: PRIMARY,
      to: SECONDARY,
    });
    // A drill is a switchover there and back: both legs are in the plan.
    expect(answer.json.plan.filter((s: { kind: string }) => s.kind === 'switchover-database')).toEqual([
      {
        kind: 'switchover-database',
        region: SECONDARY,
        description: expect.stringContaining('no data loss'),
      },
      { kind: 'switchover-database', region: PRIMARY, description: expect.stringContaining('no data loss') },
    ]);
    expect(world.audit).toEqual([
      {
        entry: expect.objectContaining({ action: 'commandRegion', target: 'region/drill', actor: OPERATOR }),
        outcome: expect.objectContaining({ result: 'succeeded', status: 200 }),
      },
    ]);
  });

  it('hands an accepted switchover to the function asynchronously under the same id, answered 202', async () => {
    planSwitchoverAndAcceptEvents();
    const { send } = regionHarness();
    const answer = await send(
      post('switchover', { dryRun: false, reason: 'primary maintenance' }, 'req-switch-1'),
    );
    expect(answer.status).toBe(202);
    expect(answer.json).toMatchObject({ accepted: true, commandId: 'req-switch-1', follow: '/regions' });
    const [plan, dispatch] = lambda.commandCalls(InvokeCommand).map((call) => call.args[0].input);
    expect(plan!.InvocationType).toBe('RequestResponse');
    expect(dispatch).toMatchObject({ FunctionName: FUNCTION_ARN, InvocationType: 'Event' });
    expect(decode(dispatch!.Payload as Uint8Array)).toEqual({
      kind: 'command',
      id: 'req-switch-1',
      command: 'switchover',
      execute: true,
      confirm: false,
      reason: 'primary maintenance',
      requestedBy: OPERATOR,
    });
  });

  it('refuses an unconfirmed failover with unknown lag (422 naming the guards and body.confirm), and dispatches nothing', async () => {
    const { replicationLagMs: _, rpoLagSeconds: __, ...unknownLag } = primaryDown(T0);
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: encode(functionAnswer(command('failover'), unknownLag as RegionObservation)),
    });
    const { send, world } = regionHarness();
    const answer = await send(post('failover', { dryRun: false, reason: 'eu-west-1 outage' }));
    expect(answer.status).toBe(422);
    expect(answer.json.errors).toEqual([
      { field: 'guard.replication-lag', message: expect.stringContaining('unknown') },
      { field: 'guard.rpo-lag', message: expect.stringContaining('unknown') },
      { field: 'body.confirm', message: expect.stringContaining('accept the data') },
    ]);
    expect(lambda.commandCalls(InvokeCommand, { InvocationType: 'Event' })).toHaveLength(0);
    expect(world.audit[0]!.outcome).toMatchObject({ result: 'rejected', status: 422 });
  });

  it('dispatches a confirmed failover past the lag guards with confirm: true', async () => {
    const { replicationLagMs: _, rpoLagSeconds: __, ...unknownLag } = primaryDown(T0);
    lambda
      .on(InvokeCommand, { InvocationType: 'RequestResponse' })
      .resolves({
        StatusCode: 200,
        Payload: encode(functionAnswer(command('failover', true), unknownLag as RegionObservation)),
      })
      .on(InvokeCommand, { InvocationType: 'Event' })
      .resolves({ StatusCode: 202 });
    const { send } = regionHarness();
    const answer = await send(post('failover', { dryRun: false, confirm: true, reason: 'eu-west-1 outage' }));
    expect(answer.status).toBe(202);
    expect(answer.json).toMatchObject({ dataLossConfirmed: true, verdict: 'start' });
    const dispatched = lambda.commandCalls(InvokeCommand, { InvocationType: 'Event' });
    expect(decode(dispatched[0]!.args[0].input.Payload as Uint8Array)).toMatchObject({
      command: 'failover',
      execute: true,
      confirm: true,
    });
  });

  it('refuses confirm on anything but a failover, naming body.confirm, before calling the function', async () => {
    const { send } = regionHarness();
    const answer = await send(post('switchover', { confirm: true, reason: 'force it' }));
    expect(answer.status).toBe(400);
    expect(answer.json.errors).toEqual([
      { field: 'body.confirm', message: expect.stringContaining('not a switchover') },
    ]);
    const unknown = await send(post('teleport', { reason: 'somewhere' }));
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors[0].field).toBe('path.operation');
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });

  it('answers 503 when Lambda throttles the call, keeps no internals in the body, and dispatches nothing', async () => {
    lambda
      .on(InvokeCommand)
      .rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {}, Type: 'User' }));
    const { send } = regionHarness();
    const answer = await send(post('drill', { reason: 'game day' }));
    expect(answer.status).toBe(503);
    expect(JSON.stringify(answer.json)).not.toContain('Rate exceeded');
    expect(answer.json.detail).toContain('retry shortly');
    expect(lambda.commandCalls(InvokeCommand, { InvocationType: 'Event' })).toHaveLength(0);
  });

  it('answers 502 when the plan times out, naming neither the timeout internals nor changing anything', async () => {
    lambda
      .on(InvokeCommand)
      .rejects(Object.assign(new Error('Connection timed out after 20000 ms'), { name: 'TimeoutError' }));
    const { send, world } = regionHarness();
    const answer = await send(post('switchover', { dryRun: false, reason: 'primary maintenance' }));
    expect(answer.status).toBe(502);
    expect(JSON.stringify(answer.json)).not.toContain('20000 ms');
    expect(lambda.commandCalls(InvokeCommand, { InvocationType: 'Event' })).toHaveLength(0);
    expect(world.audit[0]!.outcome).toMatchObject({ result: 'failed', status: 502 });
  });

  it('reports a dispatch Lambda did not accept after a good plan as a 502 (partial failure), keeping the key', async () => {
    lambda
      .on(InvokeCommand, { InvocationType: 'RequestResponse' })
      .resolves({ StatusCode: 200, Payload: encode(functionAnswer(command('switchover'), observation(T0))) })
      .on(InvokeCommand, { InvocationType: 'Event' })
      .rejects(Object.assign(new Error('socket hang up'), { name: 'ServiceException' }));
    const { send, world } = regionHarness();
    const request = {
      ...post('switchover', { dryRun: false, reason: 'primary maintenance' }),
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'change-4711' },
    };
    const first = await send(request);
    expect(first.status).toBe(502);
    expect(JSON.stringify(first.json)).not.toContain('socket hang up');
    // The change may have started: the same key replays the answer instead of switching again.
    const again = await send(request);
    expect(again.status).toBe(502);
    expect(again.headers['Idempotent-Replayed']).toBe('true');
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(2);
    expect(world.audit[0]!.outcome).toMatchObject({ result: 'failed', status: 502 });
  });

  it('replays a duplicate request with the same Idempotency-Key without invoking the function again', async () => {
    planSwitchoverAndAcceptEvents();
    const { send } = regionHarness();
    const request = {
      ...post('switchover', { dryRun: false, reason: 'primary maintenance' }),
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'change-4712' },
    };
    expect((await send(request)).status).toBe(202);
    const replay = await send({ ...request, requestId: 'req-00000002' });
    expect(replay.status).toBe(202);
    expect(replay.headers['Idempotent-Replayed']).toBe('true');
    expect(lambda.commandCalls(InvokeCommand, { InvocationType: 'Event' })).toHaveLength(1);
  });

  it('answers 502 without the internal reason when the function could not observe the regions', async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: encode({
        ok: true,
        status: 'failed',
        record: aRunRecord({
          fn: 'region-failover',
          reason: 'AccessDeniedException: rds:DescribeGlobalClusters',
        }),
      }),
    });
    const { send } = regionHarness();
    const answer = await send(post('drill', { reason: 'game day' }));
    expect(answer.status).toBe(502);
    expect(answer.json.detail).toBe(
      'The region failover function could not decide (failed); its logs have the detail',
    );
  });

  it('answers 409 when another region operation holds the lease', async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: encode({ ok: true, status: 'busy', record: aRunRecord({ fn: 'region-failover' }) }),
    });
    const { send } = regionHarness();
    expect((await send(post('switchover', { dryRun: false, reason: 'maintenance' }))).status).toBe(409);
  });

  it('shows the stored state and timeline, and the live decision, reading the table consistently', async () => {
    const timeline = {
      id: 'command#req-1',
      kind: 'switchover',
      automatic: false,
      from: PRIMARY,
      to: SECONDARY,
      reason: 'maintenance',
      requestedBy: OPERATOR,
      detectedAt: T0,
      decidedAt: T0,
      steps: [],
      status: 'running',
    };
    dynamo.on(GetCommand).resolves({
      Item: {
        pk: 'FAILOVER#region',
        sk: 'STATE',
        version: 3,
        state: { activeRegion: PRIMARY, history: [], timeline, updatedAt: T0 },
      },
    });
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: encode({ ...functionAnswer({ kind: 'observe' }, primaryDown(T0)), status: 'dry-run' }),
    });
    const { send } = regionHarness();
    const answer = await send({
      method: 'GET',
      path: '/regions',
      query: { observe: 'true' },
      requestId: 'req-status-1',
    });
    expect(answer.status).toBe(200);
    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input).toEqual({
      TableName: 'state',
      Key: { pk: 'FAILOVER#region', sk: 'STATE' },
      ConsistentRead: true,
    });
    expect(decode(lambda.commandCalls(InvokeCommand)[0]!.args[0].input.Payload as Uint8Array)).toEqual({
      kind: 'status',
      id: 'req-status-1',
    });
    expect(answer.json.state).toMatchObject({
      activeRegion: PRIMARY,
      timeline: { id: 'command#req-1', status: 'running', text: expect.stringContaining('switchover') },
    });
    expect(answer.json.live).toMatchObject({ verdict: 'watching', from: PRIMARY });
    expect(answer.json.errors).toEqual([]);
  });

  it('still shows the stored state while the function is busy (partial answer, the live section named)', async () => {
    dynamo.on(GetCommand).resolves({});
    lambda
      .on(InvokeCommand)
      .resolves({ StatusCode: 200, Payload: encode({ ok: true, status: 'busy', record: aRunRecord() }) });
    const { send } = regionHarness();
    const answer = await send({ method: 'GET', path: '/regions', query: { observe: 'true' } });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      state: null,
      live: null,
      errors: [{ section: 'live', message: expect.stringContaining('holds the lease') }],
    });
  });

  it('answers the live decision when the state table throttles the read, naming the state section', async () => {
    dynamo
      .on(GetCommand)
      .rejects(Object.assign(new Error('Rate of requests exceeds'), { name: 'ThrottlingException' }));
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: encode(functionAnswer({ kind: 'observe' }, observation(T0))),
    });
    const { send } = regionHarness();
    const answer = await send({ method: 'GET', path: '/regions', query: { observe: 'true' } });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      state: null,
      live: { verdict: 'steady', from: PRIMARY },
      errors: [{ section: 'state', message: 'the region state could not be read' }],
    });
    expect(JSON.stringify(answer.json)).not.toContain('Rate of requests');
  });

  it('reads only the stored state unless asked to observe, leaving the region function alone', async () => {
    dynamo.on(GetCommand).resolves({});
    const { send } = regionHarness();
    const answer = await send({ method: 'GET', path: '/regions' });
    expect(answer.json).toMatchObject({ state: null, live: null, errors: [] });
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    const bad = await send({ method: 'GET', path: '/regions', query: { observe: 'yes' } });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].field).toBe('query.observe');
  });

  it('answers 503 on every region route when no standby region is configured', async () => {
    const { send } = harness({ regions: undefined });
    expect((await send({ method: 'GET', path: '/regions' })).status).toBe(503);
    expect((await send(post('drill', { reason: 'game day' }))).status).toBe(503);
  });
});
