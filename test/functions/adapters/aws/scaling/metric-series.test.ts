import { CloudWatchClient, GetMetricDataCommand, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CloudWatchMetricSource,
  FLEET_METRICS,
} from '../../../../../functions/adapters/aws/scaling/metric-series';
import type { Instance } from '../../../../../functions/core/scaling/types';
import { FLEET_AGENT_METRICS } from '../../../../../lib/platform/fleet';
import { throttled } from '../aws-fixtures';

const client = new CloudWatchClient({ region: 'eu-west-1', maxAttempts: 1 });
const cw = mockClient(client);
const source = new CloudWatchMetricSource(client, {
  autoScalingGroupName: 'misybot-fleet',
  targetGroupFullName: 'targetgroup/misybot/0123456789abcdef',
  loadBalancerFullName: 'app/misybot/0123456789abcdef',
});
// 30 s into the minute: the window's end is rounded down to the last whole minute.
const NOW = Date.parse('2024-03-04T12:00:30Z');
const MINUTE = Date.parse('2024-03-04T12:00:00Z');
const instance = (id: string): Instance => ({ id, launchTime: 0, lifecycleState: 'InService' });
const request = (names: string[], instances = [instance('i-a'), instance('i-b')]) => ({
  names,
  instances,
  start: NOW - 300_000,
  end: NOW,
});
const result = (id: string, values: number[], extra: Partial<MetricDataResult> = {}): MetricDataResult => ({
  Id: id,
  Label: id,
  StatusCode: 'Complete',
  Values: values,
  Timestamps: values.map((_, i) => new Date(MINUTE - 60_000 * (i + 1))),
  ...extra,
});

beforeEach(() => cw.reset());

describe('CloudWatchMetricSource', () => {
  it('reads memory where the CloudWatch agent of lib/platform/fleet.ts publishes it', () => {
    // The agent appends AutoScalingGroupName and InstanceId (test/lib/platform/fleet.test.ts pins that).
    expect(FLEET_METRICS.memory).toEqual({
      namespace: FLEET_AGENT_METRICS.namespace,
      metricName: FLEET_AGENT_METRICS.memoryUsedPercent,
      groupDimension: FLEET_AGENT_METRICS.dimension,
    });
  });

  it('queries CPU and agent memory per instance and requests per target for the target group', async () => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    expect(source.supports('cpu') && source.supports('memory') && source.supports('requestsPerTarget')).toBe(
      true,
    );
    expect(source.supports('queueDepth')).toBe(false);
    await source.read(request(['cpu', 'memory', 'requestsPerTarget']));
    const input = cw.commandCalls(GetMetricDataCommand)[0]!.args[0].input;
    const stat = (Namespace: string, MetricName: string, Dimensions: object[], Stat: string) => ({
      MetricStat: { Metric: { Namespace, MetricName, Dimensions }, Period: 60, Stat },
      ReturnData: true,
    });
    expect(input).toEqual({
      StartTime: new Date(Date.parse('2024-03-04T11:55:00Z')),
      EndTime: new Date(MINUTE),
      ScanBy: 'TimestampDescending',
      MetricDataQueries: [
        {
          Id: 'cpu_0',
          ...stat('AWS/EC2', 'CPUUtilization', [{ Name: 'InstanceId', Value: 'i-a' }], 'Average'),
        },
        {
          Id: 'cpu_1',
          ...stat('AWS/EC2', 'CPUUtilization', [{ Name: 'InstanceId', Value: 'i-b' }], 'Average'),
        },
        {
          Id: 'mem_0',
          ...stat(
            'CWAgent',
            'mem_used_percent',
            [
              { Name: 'AutoScalingGroupName', Value: 'misybot-fleet' },
              { Name: 'InstanceId', Value: 'i-a' },
            ],
            'Average',
          ),
        },
        {
          Id: 'mem_1',
          ...stat(
            'CWAgent',
            'mem_used_percent',
            [
              { Name: 'AutoScalingGroupName', Value: 'misybot-fleet' },
              { Name: 'InstanceId', Value: 'i-b' },
            ],
            'Average',
          ),
        },
        {
          Id: 'rpt',
          ...stat(
            'AWS/ApplicationELB',
            'RequestCountPerTarget',
            [
              { Name: 'TargetGroup', Value: 'targetgroup/misybot/0123456789abcdef' },
              { Name: 'LoadBalancer', Value: 'app/misybot/0123456789abcdef' },
            ],
            'Sum',
          ),
        },
      ],
    });
  });

  it("queries the target group's RequestCount as one Sum series, for the leading signal", async () => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [result('req', [54_000])] });
    expect(source.supports('requestCount')).toBe(true);
    const read = await source.read(request(['requestCount']));
    expect(cw.commandCalls(GetMetricDataCommand)[0]!.args[0].input.MetricDataQueries).toEqual([
      {
        Id: 'req',
        MetricStat: {
          Metric: {
            Namespace: 'AWS/ApplicationELB',
            MetricName: 'RequestCount',
            Dimensions: [
              { Name: 'TargetGroup', Value: 'targetgroup/misybot/0123456789abcdef' },
              { Name: 'LoadBalancer', Value: 'app/misybot/0123456789abcdef' },
            ],
          },
          Period: 60,
          Stat: 'Sum',
        },
        ReturnData: true,
      },
    ]);
    expect(read.series).toEqual([
      { name: 'requestCount', aggregate: [{ timestamp: MINUTE - 60_000, value: 54_000 }] },
    ]);
  });

  it('keeps timestamps, per instance and as one aggregate series, across NextToken pages', async () => {
    cw.on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          result('cpu_0', [70]),
          result('cpu_1', [50]),
          result('rpt', [900], { StatusCode: 'PartialData' }),
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        MetricDataResults: [
          result('cpu_0', [], { Values: [65], Timestamps: [new Date(MINUTE - 120_000)] }),
          result('cpu_1', []),
          result('rpt', [], { Values: [800], Timestamps: [new Date(MINUTE - 120_000)] }),
        ],
      });
    const read = await source.read(request(['cpu', 'requestsPerTarget']));
    expect(cw.commandCalls(GetMetricDataCommand)[1]!.args[0].input.NextToken).toBe('page-2');
    expect(read).toEqual({
      series: [
        {
          name: 'cpu',
          byInstance: {
            'i-a': [
              { timestamp: MINUTE - 60_000, value: 70 },
              { timestamp: MINUTE - 120_000, value: 65 },
            ],
            'i-b': [{ timestamp: MINUTE - 60_000, value: 50 }],
          },
        },
        {
          name: 'requestsPerTarget',
          aggregate: [
            { timestamp: MINUTE - 60_000, value: 900 },
            { timestamp: MINUTE - 120_000, value: 800 },
          ],
        },
      ],
      skipped: [],
    });
  });

  it('leaves out and reports a metric any of whose series came back partial', async () => {
    cw.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        result('cpu_0', [20]),
        result('cpu_1', [20]),
        result('mem_0', [30]),
        result('mem_1', [10], {
          StatusCode: 'PartialData',
          Messages: [{ Code: 'MaxQueryTimeRangeExceed', Value: 'too much data' }],
        }),
      ],
    });
    const read = await source.read(request(['cpu', 'memory']));
    expect(read.series.map((s) => s.name)).toEqual(['cpu']);
    expect(read.skipped).toEqual([
      {
        source: 'memory',
        reason:
          'CloudWatch returned incomplete data for 1 series: i-b: PartialData (MaxQueryTimeRangeExceed: too much data)',
      },
    ]);
  });

  it('treats a query CloudWatch did not answer as incomplete, and drops points without timestamps', async () => {
    cw.on(GetMetricDataCommand).resolves({
      MetricDataResults: [result('cpu_0', [20], { Timestamps: [] }), result('mem_0', [30])],
    });
    const read = await source.read(request(['cpu', 'memory'], [instance('i-a'), instance('i-b')]));
    expect(read.skipped).toEqual([
      { source: 'cpu', reason: 'CloudWatch returned incomplete data for 1 series: i-b: Missing' },
      { source: 'memory', reason: 'CloudWatch returned incomplete data for 1 series: i-b: Missing' },
    ]);
    cw.reset();
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [result('cpu_0', [20], { Timestamps: [] })] });
    const single = await source.read(request(['cpu'], [instance('i-a')]));
    expect(single.series).toEqual([{ name: 'cpu', byInstance: { 'i-a': [] } }]);
  });

  it('splits more than 500 queries over several calls', async () => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    const many = Array.from({ length: 260 }, (_, i) => instance(`i-${i}`));
    await source.read(request(['cpu', 'memory'], many));
    const sizes = cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input.MetricDataQueries!.length);
    expect(sizes).toEqual([500, 20]);
  });

  it('lets throttling surface after the SDK retries', async () => {
    cw.on(GetMetricDataCommand).rejects(throttled());
    await expect(source.read(request(['cpu']))).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});
