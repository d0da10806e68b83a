import type {
  FleetView,
  MetricPeriod,
  SimInstance,
} from '../../../../../functions/core/scaling/simulation/fleet';
import { HpaBaseline } from '../../../../../functions/core/scaling/simulation/hpa-baseline';
import { OracleController } from '../../../../../functions/core/scaling/simulation/oracle';
import { TargetTrackingBaseline } from '../../../../../functions/core/scaling/simulation/target-tracking-baseline';

const T0 = Date.parse('2024-03-04T12:00:00Z');
const MINUTE = 60_000;
const old = (n: number): SimInstance[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `i-${i}`,
    launchTime: T0 - 3_600_000,
    inServiceAt: T0 - 3_600_000,
  }));

/** `cpu` values for the last periods (oldest first), the newest period ending at `now`. */
function view(now: number, cpu: number[], members: SimInstance[], extra: Partial<FleetView> = {}): FleetView {
  const periods: MetricPeriod[] = cpu.map((value, index) => {
    const start = now - (cpu.length - index) * MINUTE;
    return {
      start,
      visibleAt: start + MINUTE,
      requestsVisibleAt: start + MINUTE,
      cpu: value,
      memory: undefined,
      requestsPerTarget: 0,
      requests: 0,
      instances: members,
    };
  });
  return {
    now,
    desired: members.length,
    minCapacity: 1,
    maxCapacity: 100,
    instances: members,
    periods,
    requestPeriods: periods,
    activities: [],
    ...extra,
  };
}

describe('EC2 target-tracking baseline', () => {
  const tt = () => new TargetTrackingBaseline(60);

  it('does not scale out on 2 high datapoints, and does on 3 of 3', () => {
    expect(tt().control(view(T0, [50, 90, 90], old(10)))).toBe(10);
    expect(tt().control(view(T0, [90, 90, 90], old(10)))).toBe(15);
  });

  it('does not scale in before 15 datapoints in a row are below 90 % of the target', () => {
    expect(tt().control(view(T0, [...Array(14).fill(30)], old(10)))).toBe(10);
    expect(tt().control(view(T0, [55, ...Array(14).fill(30)], old(10)))).toBe(10);
    expect(tt().control(view(T0, [...Array(15).fill(30)], old(10)))).toBe(5);
  });

  it('does not scale in a value between 90 % of the target and the target', () => {
    expect(tt().control(view(T0, [...Array(15).fill(55)], old(10)))).toBe(10);
  });

  it('blocks scale-in while an instance is warming up (300 s after it entered service)', () => {
    const members = [...old(9), { id: 'new', launchTime: T0 - 400_000, inServiceAt: T0 - 200_000 }];
    expect(tt().control(view(T0, Array(15).fill(30), members))).toBe(10);
  });

  it('waits the 300 s scale-in cooldown after a scale-in', () => {
    const recent = [{ startTime: T0 - 120_000, fromCapacity: 12, toCapacity: 10 }];
    expect(tt().control(view(T0, Array(15).fill(30), old(10), { activities: recent }))).toBe(10);
  });

  it('counts instances still launching as capacity: no second scale-out for the same breach', () => {
    const launching = [
      ...old(10),
      ...Array.from({ length: 5 }, (_, i) => ({
        id: `p-${i}`,
        launchTime: T0 - MINUTE,
        inServiceAt: T0 + 2 * MINUTE,
      })),
    ];
    expect(tt().control(view(T0, [90, 90, 90], launching))).toBe(15);
  });

  it('leaves warming-up instances out of the aggregated metric', () => {
    const fresh = Array.from({ length: 3 }, (_, i) => ({
      id: `f-${i}`,
      launchTime: T0 - 7 * MINUTE,
      inServiceAt: T0 - 4 * MINUTE,
    }));
    // Only the fresh instances reported: the aggregated metric has no datapoints, nothing happens.
    expect(tt().control(view(T0, [99, 99, 99], fresh))).toBe(3);
  });
});

describe('HPA baseline', () => {
  it('does nothing inside the 0.1 tolerance and scales just outside it', () => {
    expect(new HpaBaseline(60).control(view(T0, [65], old(10)))).toBe(10);
    expect(new HpaBaseline(60).control(view(T0, [67], old(10)))).toBe(12);
  });

  it('limits a scale-up to max(100 %, 4 instances) per 15 s', () => {
    expect(new HpaBaseline(10).control(view(T0, [100], old(2)))).toBe(6);
    expect(new HpaBaseline(10).control(view(T0, [100], old(10)))).toBe(20);
  });

  it('holds a scale-down for 300 s (the highest recommendation in the window wins)', () => {
    const hpa = new HpaBaseline(60);
    expect(hpa.control(view(T0, [60], old(10)))).toBe(10);
    for (let t = T0 + 15_000; t < T0 + 300_000; t += 15_000) {
      expect(hpa.control(view(t, [20], old(10)))).toBe(10);
    }
    expect(hpa.control(view(T0 + 300_000, [20], old(10)))).toBe(4);
  });

  it('counts launching instances as 0 % on a scale-up', () => {
    const launching = [
      ...old(4),
      ...Array.from({ length: 4 }, (_, i) => ({ id: `p-${i}`, launchTime: T0, inServiceAt: T0 + MINUTE })),
    ];
    // 4 ready at 90 % and 4 unready at 0 %: 45 % average over 8, below the target, so no change.
    expect(new HpaBaseline(60).control({ ...view(T0, [90], old(4)), instances: launching, desired: 8 })).toBe(
      8,
    );
  });
});

describe('oracle', () => {
  it('provisions for the peak of the next boot time plus one interval', () => {
    const demand = (t: number) => (t >= T0 + 200_000 ? 1000 : 100);
    const oracle = new OracleController(demand, 100, 50, 180, 15);
    expect(oracle.control(view(T0, [], old(2)))).toBe(20);
    expect(oracle.control(view(T0 - 100_000, [], old(2)))).toBe(2);
  });
});
