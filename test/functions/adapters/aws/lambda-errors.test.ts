import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { createLambdaErrorsProbe } from '../../../../functions/adapters/aws/lambda-errors';
import { lambdaErrorsCheck, signal, throttled } from './aws-fixtures';

const client = new CloudWatchClient({ region: 'eu-west-1', maxAttempts: 1 });
const cw = mockClient(client);
const NOW = Date.UTC(2026, 0, 1, 12);
const probe = createLambdaErrorsProbe(client, () => NOW);
const check = lambdaErrorsCheck;

beforeEach(() => cw.reset());

describe('Lambda errors probe', () => {
  it('sums the function’s Errors over the window, following NextToken', async () => {
    cw.on(GetMetricDataCommand)
      .resolvesOnce({ MetricDataResults: [{ Id: 'errors', Values: [1] }], NextToken: 'page-2' })
      .resolvesOnce({ MetricDataResults: [{ Id: 'errors', Values: [0, 0] }] });
    expect(await probe(check, signal())).toEqual({ status: 'up', observed: { errors: 1 } });
    const calls = cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({
      StartTime: new Date(NOW - 300_000),
      EndTime: new Date(NOW),
      MetricDataQueries: [
        {
          Id: 'errors',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/Lambda',
              MetricName: 'Errors',
              Dimensions: [{ Name: 'FunctionName', Value: 'misybot-ha-scaling' }],
            },
            Stat: 'Sum',
            Period: 60,
          },
        },
      ],
    });
    expect(calls[1]!.NextToken).toBe('page-2');
  });

  it('is down above maxErrors', async () => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'errors', Values: [2, 1] }] });
    expect(await probe(check, signal())).toEqual({
      status: 'down',
      error: 'misybot-ha-scaling: 3 error(s) in the last 5 min (max 1)',
      observed: { errors: 3 },
    });
  });

  it('answers unknown when CloudWatch throttles', async () => {
    cw.on(GetMetricDataCommand).rejects(throttled());
    expect(await probe(check, signal())).toEqual({
      status: 'unknown',
      error: 'GetMetricData throttled (ThrottlingException)',
    });
  });
});
