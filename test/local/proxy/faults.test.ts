import type { AwsRequest } from '../../../local/proxy/aws-request';
import { FaultPlan } from '../../../local/proxy/faults';

const call = (service: string, operation: string): AwsRequest => ({
  service,
  operation,
  protocol: 'json',
  accessKeyId: 'k',
  method: 'POST',
  path: '/',
  headers: {},
  body: Buffer.alloc(0),
  params: {},
});

describe('FaultPlan', () => {
  test('applies a rule to the calls it names, after `skip` and for `times` calls, and records each', () => {
    const plan = new FaultPlan();
    plan.add({
      service: 'dynamodb',
      operation: 'PutItem',
      caller: 'scaling',
      skip: 1,
      times: 2,
      fault: { kind: 'throttle' },
    });
    const outcomes = [1, 2, 3, 4].map(() => plan.match(call('dynamodb', 'PutItem'), 'scaling', 0)?.kind);
    expect(outcomes).toEqual([undefined, 'throttle', 'throttle', undefined]);
    expect(plan.match(call('dynamodb', 'PutItem'), 'failover', 0)).toBeUndefined();
    expect(plan.match(call('dynamodb', 'GetItem'), 'scaling', 0)).toBeUndefined();
    expect(plan.applied.map((a) => a.fault)).toEqual(['throttle', 'throttle']);
  });

  test('matches operations by pattern, first rule first, and stops when removed', () => {
    const plan = new FaultPlan();
    const remove = plan.add(
      { operation: /^Describe/, fault: { kind: 'server-error', status: 503 } },
      { fault: { kind: 'reset' } },
    );
    expect(plan.match(call('rds', 'DescribeDBClusters'), undefined, 0)).toEqual({
      kind: 'server-error',
      status: 503,
    });
    expect(plan.match(call('rds', 'FailoverDBCluster'), undefined, 0)).toEqual({ kind: 'reset' });
    remove();
    expect(plan.match(call('rds', 'DescribeDBClusters'), undefined, 0)).toBeUndefined();
  });

  test('a probabilistic plan repeats exactly with the same seed', () => {
    const run = (seed: number) => {
      const plan = new FaultPlan(seed);
      plan.add({ probability: 0.5, fault: { kind: 'throttle' } });
      return Array.from({ length: 40 }, () => plan.match(call('sns', 'Publish'), undefined, 0) !== undefined);
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
    expect(run(7).filter(Boolean).length).toBeGreaterThan(5);
  });
});
