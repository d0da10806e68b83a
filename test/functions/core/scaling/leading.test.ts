import { leadReading } from '../../../../functions/core/scaling/leading';
import { parsePolicySet } from '../../../../functions/core/scaling/policy-schema';
import type { GroupState, MetricReading, MetricSeries } from '../../../../functions/core/scaling/types';
import { instances, NOW } from './fixtures';

const MINUTE = 60_000;
const lead = parsePolicySet({
  targetTracking: [{ name: 'cpu', metric: 'cpu', target: 60, leading: {} }],
}).targetTracking[0]!.leading!;
const settings = { windowSeconds: 300, warmupSeconds: 300, calibrationSeconds: 1800 };

function groupOf(inService: number, warming = 0): GroupState {
  const list = instances(inService, warming);
  return { minCapacity: 1, maxCapacity: 50, desiredCapacity: list.length, instances: list };
}

/** CPU per instance for the minutes given (minutes before NOW → value). */
function cpuSeries(group: GroupState, values: Record<number, number>): MetricSeries {
  const points = Object.entries(values).map(([ago, value]) => ({
    timestamp: NOW - Number(ago) * MINUTE,
    value,
  }));
  return { name: 'cpu', byInstance: Object.fromEntries(group.instances.map((i) => [i.id, points])) };
}

const aggregate = (name: string, values: Record<number, number>): MetricSeries => ({
  name,
  aggregate: Object.entries(values).map(([ago, value]) => ({ timestamp: NOW - Number(ago) * MINUTE, value })),
});

function reading(
  group: GroupState,
  value: number,
  newestAgo: number,
): Extract<MetricReading, { status: 'ok' }> {
  const inService = group.instances.filter((i) => i.lifecycleState === 'InService').length;
  return {
    name: 'cpu',
    status: 'ok',
    value,
    instancesUsed: inService,
    instancesWarmingUp: 0,
    loadCarriers: inService,
    datapoints: inService,
    newest: NOW - newestAgo * MINUTE,
  };
}

describe('leading signal', () => {
  it('reads CPU a minute ahead: the cost of a request calibrated on the newest CPU period, the newest count over the instances in service', () => {
    const group = groupOf(4);
    // 3 minutes ago: 40 % CPU at 2400 requests per target (9600 requests); 2 minutes ago the load rose by 25 %.
    const series = [
      cpuSeries(group, { 3: 40 }),
      aggregate('requestsPerTarget', { 3: 2400, 2: 3000 }),
      aggregate('requestCount', { 3: 9600, 2: 12_000 }),
    ];
    const led = leadReading(reading(group, 40, 3), series, lead, group, settings, NOW);
    expect(led.value).toBeCloseTo(50);
    expect(led.newest).toBe(NOW - 2 * MINUTE);
    expect(led.lead).toBe('cpu 40 led by requestCount 12000 over 4 in service = 50');
  });

  it('spreads the load over instances that entered service after the CPU period, which its datapoints do not know of', () => {
    const group = groupOf(8);
    const series = [
      cpuSeries(group, { 3: 80 }),
      aggregate('requestsPerTarget', { 3: 4800 }),
      aggregate('requestCount', { 3: 19_200, 2: 19_200 }),
    ];
    // Same load, now over 8 instances instead of 4: half the CPU each.
    expect(leadReading(reading(group, 80, 3), series, lead, group, settings, NOW).value).toBeCloseTo(40);
  });

  it("takes a burst's first datapoint one more period ahead, at most doubled", () => {
    const group = groupOf(4);
    const series = [
      cpuSeries(group, { 3: 40 }),
      aggregate('requestsPerTarget', { 3: 2400 }),
      aggregate('requestCount', { 3: 9600, 2: 24_000 }),
    ];
    const led = leadReading(reading(group, 40, 3), series, lead, group, settings, NOW);
    // 24000 is ×2.5 the minute before: taken ×2 further, 48000 requests over 4 instances.
    expect(led.value).toBeCloseTo(200);
    expect(led.lead).toContain('rising ×2.5: one more period ahead (×2)');
  });

  it('calibrates on the newest period CPU was not saturated, further back than the window', () => {
    const group = groupOf(4);
    const series = [
      cpuSeries(group, { 20: 30, 3: 100 }),
      aggregate('requestsPerTarget', { 20: 1800, 3: 9000 }),
      aggregate('requestCount', { 20: 7200, 3: 36_000, 2: 36_000 }),
    ];
    // 30 % per 1800 requests per target; 36000 over 4 is 9000 per target: 150 %, which capped CPU hides.
    expect(leadReading(reading(group, 100, 3), series, lead, group, settings, NOW).value).toBeCloseTo(150);
  });

  it('leaves warming-up instances out of the calibration', () => {
    const group = groupOf(2, 2);
    const warm = group.instances.slice(0, 2).map((i) => i.id);
    const series: MetricSeries[] = [
      {
        name: 'cpu',
        byInstance: Object.fromEntries(
          group.instances.map((i) => [
            i.id,
            [{ timestamp: NOW - 3 * MINUTE, value: warm.includes(i.id) ? 40 : 95 }],
          ]),
        ),
      },
      aggregate('requestsPerTarget', { 3: 2400 }),
      aggregate('requestCount', { 3: 9600, 2: 9600 }),
    ];
    expect(leadReading(reading(group, 40, 3), series, lead, group, settings, NOW).value).toBeCloseTo(40);
  });

  it('returns the reading as it is without newer counts or a period to calibrate on', () => {
    const group = groupOf(4);
    const plain = reading(group, 40, 3);
    const stale = [
      cpuSeries(group, { 3: 40 }),
      aggregate('requestsPerTarget', { 3: 2400 }),
      aggregate('requestCount', { 3: 9600 }),
    ];
    expect(leadReading(plain, stale, lead, group, settings, NOW)).toBe(plain);
    const saturated = [
      cpuSeries(group, { 3: 100 }),
      aggregate('requestsPerTarget', { 3: 9000 }),
      aggregate('requestCount', { 3: 36_000, 2: 36_000 }),
    ];
    expect(leadReading(reading(group, 100, 3), saturated, lead, group, settings, NOW).value).toBe(100);
    expect(leadReading(plain, [cpuSeries(group, { 3: 40 })], lead, group, settings, NOW)).toBe(plain);
  });
});
