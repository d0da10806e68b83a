import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { InvokeCommand, LambdaClient, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchCacheStats } from '../../../../../functions/adapters/aws/admin/cache-stats';
import {
  LambdaCacheInvalidator,
  LambdaFailoverCommander,
  LambdaQueryAnalyzer,
  LambdaScalingEvaluator,
} from '../../../../../functions/adapters/aws/admin/control-functions';

const lambda = mockClient(LambdaClient);
const cloudwatch = mockClient(CloudWatchClient);
// The SDK types Payload as its blob adapter; a plain Uint8Array is what it carries.
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)) as never;
const sent = (index = 0) =>
  JSON.parse(
    new TextDecoder().decode(lambda.commandCalls(InvokeCommand)[index]!.args[0].input.Payload as Uint8Array),
  );

beforeEach(() => {
  for (const mock of [lambda, cloudwatch]) mock.reset();
});

describe('control functions over Lambda', () => {
  const client = new LambdaClient({ region: 'eu-west-1' });

  it('invokes the failover function synchronously for the plan and asynchronously to execute', async () => {
    const plan = { ok: true, status: 'dry-run', plan: [], checks: [], reason: 'ok' };
    lambda
      .on(InvokeCommand, { InvocationType: 'RequestResponse' })
      .resolves({ StatusCode: 200, Payload: json(plan) });
    lambda.on(InvokeCommand, { InvocationType: 'Event' }).resolves({ StatusCode: 202 });
    const commander = new LambdaFailoverCommander(client, 'failover');
    const command = {
      component: 'database' as const,
      action: 'failover' as const,
      dryRun: true,
      reason: 'r',
      requestedBy: 'x'.repeat(300),
      requestId: 'req',
    };
    expect(await commander.run(command)).toMatchObject({ status: 'dry-run' });
    await commander.dispatch({ ...command, dryRun: false });
    expect(sent(0)).toEqual({ ...command, requestedBy: expect.stringMatching(/^x{199}…$/) });
    expect(lambda.commandCalls(InvokeCommand)[1]!.args[0].input).toMatchObject({
      FunctionName: 'failover',
      InvocationType: 'Event',
    });
  });

  it('turns refusals, function errors, throttling and non-JSON answers into problems', async () => {
    const commander = new LambdaFailoverCommander(client, 'failover');
    const command = {
      component: 'dns' as const,
      action: 'drill' as const,
      dryRun: true,
      reason: 'r',
      requestedBy: 'a',
      requestId: 'q',
    };
    lambda
      .on(InvokeCommand)
      .resolvesOnce({
        Payload: json({ ok: false, error: 'ComponentNotConfiguredError', message: 'dns is not configured' }),
      })
      .resolvesOnce({ FunctionError: 'Unhandled', Payload: json({ errorMessage: 'boom' }) })
      .rejectsOnce(new TooManyRequestsException({ message: 'rate', $metadata: {} }))
      .resolvesOnce({ Payload: new TextEncoder().encode('<html>') as never });
    await expect(commander.run(command)).rejects.toMatchObject({
      name: 'NotFoundError',
      message: 'dns is not configured',
    });
    await expect(commander.run(command)).rejects.toMatchObject({ name: 'UpstreamError', status: 502 });
    await expect(commander.run(command)).rejects.toMatchObject({ name: 'UnavailableError', status: 503 });
    await expect(commander.run(command)).rejects.toMatchObject({
      name: 'UpstreamError',
      message: expect.stringContaining('not JSON'),
    });
  });

  it('answers unavailable while the call is throttled in any spelling or the function is not ready, upstream when it is refused', async () => {
    const evaluator = new LambdaScalingEvaluator(client, 'scaling');
    const request = { group: 'g', dryRun: true, reason: 'r', requestedBy: 'a', requestId: 'q' };
    const named = (name: string, status = 400) =>
      Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
    lambda
      .on(InvokeCommand)
      .rejectsOnce(named('EC2ThrottledException', 502))
      .rejectsOnce(named('ResourceNotReadyException', 502))
      .rejectsOnce(named('SomethingNew', 429))
      .rejectsOnce(named('AccessDeniedException', 403));
    for (const name of ['UnavailableError', 'UnavailableError', 'UnavailableError', 'UpstreamError'])
      await expect(evaluator.evaluate(request)).rejects.toMatchObject({ name });
  });

  it('sends the scaling function exactly { dryRun, reason }, naming the caller in the reason', async () => {
    lambda.on(InvokeCommand).resolves({ Payload: json({ ok: true, status: 'decided' }) });
    await new LambdaScalingEvaluator(client, 'scaling').evaluate({
      group: 'g',
      dryRun: true,
      reason: 'check',
      requestedBy: 'arn:alice',
      requestId: 'r1',
    });
    expect(sent()).toEqual({ dryRun: true, reason: 'check (by arn:alice, request r1)' });
  });

  it('starts the slow-query function with a schedule-shaped event and asks the cache worker to invalidate', async () => {
    lambda.on(InvokeCommand, { FunctionName: 'queries' }).resolves({ StatusCode: 202 });
    lambda
      .on(InvokeCommand, { FunctionName: 'cache' })
      .resolves({ Payload: json({ namespace: 'ns', invalidated: false }) });
    await new LambdaQueryAnalyzer(client, 'queries').requestAnalysis({
      reason: 'why',
      requestedBy: 'arn:a',
      requestId: 'r2',
    });
    expect(sent(0)).toEqual({
      id: 'admin-r2',
      'detail-type': 'Admin API Analysis Request',
      source: 'misybot.admin-api',
      detail: { requestedBy: 'arn:a', reason: 'why' },
    });
    expect(await new LambdaCacheInvalidator(client, 'cache').invalidate('ns')).toBe(false);
    expect(sent(1)).toEqual({ action: 'invalidate', namespace: 'ns' });
  });
});

describe('CloudWatchCacheStats', () => {
  it('sums every dimension set per namespace over the window', async () => {
    cloudwatch.on(ListMetricsCommand).callsFake((input: { MetricName: string }) => ({
      Metrics: [
        {
          Dimensions: [
            { Name: 'CacheNamespace', Value: 'answers' },
            { Name: 'Service', Value: 'chat' },
          ],
        },
        {
          Dimensions: [
            { Name: 'CacheNamespace', Value: 'answers' },
            { Name: 'Service', Value: 'api' },
          ],
        },
        ...(input.MetricName === 'Hits'
          ? [{ Dimensions: [{ Name: 'Service', Value: 'no-namespace' }] }]
          : []),
      ],
    }));
    cloudwatch.on(GetMetricDataCommand).callsFake((input: { MetricDataQueries: { Id: string }[] }) => ({
      MetricDataResults: input.MetricDataQueries.map((q) => ({ Id: q.Id, Values: [5] })),
    }));
    const now = Date.UTC(2026, 2, 1, 12, 0, 30);
    expect(
      await new CloudWatchCacheStats(new CloudWatchClient({ region: 'eu-west-1' })).stats(60, now),
    ).toEqual([{ namespace: 'answers', hits: 10, misses: 10, staleServes: 10, errors: 10 }]);
    const query = cloudwatch.commandCalls(GetMetricDataCommand)[0]!.args[0].input;
    expect(query.StartTime).toEqual(new Date(Date.UTC(2026, 2, 1, 11)));
    expect(query.MetricDataQueries![0]).toMatchObject({
      MetricStat: { Period: 3600, Stat: 'Sum', Metric: { Namespace: 'MisyBot/Cache', MetricName: 'Hits' } },
    });
  });
});
