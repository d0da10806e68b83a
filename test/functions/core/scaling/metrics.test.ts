import { readMetric } from '../../../../functions/core/scaling/metrics';
import type { GroupState } from '../../../../functions/core/scaling/types';
import { instances, NOW, policyOf, seriesOf } from './fixtures';

const policy = policyOf({ warmupSeconds: 300, metrics: { windowSeconds: 300, minCoverage: 0.5 } });
const groupOf = (list = instances(4)): GroupState => ({
  minCapacity: 1,
  maxCapacity: 10,
  desiredCapacity: list.length,
  instances: list,
});

describe('reading a metric', () => {
  it("averages each warmed-up instance's latest datapoint in the window", () => {
    const list = instances(2);
    const series = {
      name: 'cpu',
      byInstance: {
        [list[0]!.id]: [
          { timestamp: NOW - 120_000, value: 10 },
          { timestamp: NOW - 60_000, value: 40 },
        ],
        [list[1]!.id]: [{ timestamp: NOW - 60_000, value: 60 }],
      },
    };
    expect(readMetric('cpu', [series], groupOf(list), policy, NOW)).toMatchObject({
      status: 'ok',
      value: 50,
      instancesUsed: 2,
    });
  });

  it('is missing when there is no series, or only datapoints older than the window', () => {
    const list = instances(2);
    expect(readMetric('cpu', [], groupOf(list), policy, NOW)).toMatchObject({ status: 'missing' });
    const stale = { name: 'cpu', byInstance: { [list[0]!.id]: [{ timestamp: NOW - 301_000, value: 50 }] } };
    expect(readMetric('cpu', [stale], groupOf(list), policy, NOW)).toMatchObject({ status: 'missing' });
  });

  it('is insufficient when fewer instances report than the coverage requires', () => {
    const list = instances(4);
    const one = { name: 'cpu', byInstance: { [list[0]!.id]: [{ timestamp: NOW - 60_000, value: 50 }] } };
    expect(readMetric('cpu', [one], groupOf(list), policy, NOW)).toMatchObject({ status: 'insufficient' });
  });

  it('is insufficient when every in-service instance is still warming up', () => {
    const list = instances(0, 3);
    expect(readMetric('cpu', [seriesOf('cpu', list, () => 90)], groupOf(list), policy, NOW)).toMatchObject({
      status: 'insufficient',
    });
  });

  it('ignores non-finite datapoints', () => {
    const list = instances(1);
    const series = {
      name: 'cpu',
      byInstance: { [list[0]!.id]: [{ timestamp: NOW - 30_000, value: Number.NaN }] },
    };
    expect(readMetric('cpu', [series], groupOf(list), policy, NOW)).toMatchObject({ status: 'missing' });
  });

  it('uses a group-level series, but not while instances warm up (it cannot leave them out)', () => {
    const aggregate = { name: 'requestsPerTarget', aggregate: [{ timestamp: NOW - 60_000, value: 900 }] };
    expect(readMetric('requestsPerTarget', [aggregate], groupOf(instances(3)), policy, NOW)).toMatchObject({
      status: 'ok',
      value: 900,
      loadCarriers: 3,
    });
    expect(readMetric('requestsPerTarget', [aggregate], groupOf(instances(3, 1)), policy, NOW)).toMatchObject(
      {
        status: 'insufficient',
      },
    );
  });

  it('reports no capacity when nothing is in service', () => {
    expect(readMetric('cpu', [], groupOf(instances(0, 0, 2)), policy, NOW)).toMatchObject({
      status: 'no-capacity',
    });
  });
});
