import { DelayedDemandController, type DelayedDemandSettings } from '../../bench/frontier-controller';
import type { FleetView, MetricPeriod } from '../../functions/core/scaling/simulation/fleet';

const MINUTE = 60_000;
const plain: DelayedDemandSettings = {
  headroomPercent: 0,
  scaleInDelaySeconds: 0,
  extrapolate: false,
  minStepPercent: 0,
};
/** 100 requests per second per instance at 100 % CPU, held at 60 %: 60 rps per instance. */
const controller = (settings: Partial<DelayedDemandSettings> = {}) =>
  new DelayedDemandController({ ...plain, ...settings }, 100, 60, 60);

/** A view at minute `at` whose visible ALB periods carry these requests per second, oldest first. */
function viewAt(at: number, rps: readonly number[], desired = 10): FleetView {
  const periods = rps.map(
    (value, i): MetricPeriod => ({
      start: (at - rps.length - 1 + i) * MINUTE,
      visibleAt: Infinity,
      requestsVisibleAt: (at - rps.length + i + 1) * MINUTE,
      cpu: 0,
      memory: undefined,
      requestsPerTarget: 0,
      requests: value * 60,
      instances: [],
    }),
  );
  return {
    now: at * MINUTE,
    desired,
    minCapacity: 2,
    maxCapacity: 40,
    instances: [],
    periods: [],
    requestPeriods: periods,
    activities: [],
  };
}

describe('DelayedDemandController', () => {
  it('sizes the fleet for the newest published count at the CPU target, plus its headroom', () => {
    expect(controller().control(viewAt(100, [500, 600]))).toBe(10);
    expect(controller().control(viewAt(100, [500, 601]))).toBe(11);
    expect(controller({ headroomPercent: 20 }).control(viewAt(100, [500, 600]))).toBe(12);
  });

  it('keeps the capacity while no count is published yet', () => {
    expect(controller().control(viewAt(100, [], 7))).toBe(7);
  });

  it('takes a count that rose by more than 35 % one more minute ahead, at most twice', () => {
    expect(controller({ extrapolate: true }).control(viewAt(100, [300, 450]))).toBe(12);
    expect(controller({ extrapolate: true }).control(viewAt(100, [300, 900]))).toBe(30);
    expect(controller({ extrapolate: true }).control(viewAt(100, [300, 390]))).toBe(7);
    expect(controller().control(viewAt(100, [300, 900]))).toBe(15);
  });

  it('scales in only once the higher need is older than the scale-in delay', () => {
    const held = controller({ scaleInDelaySeconds: 120 });
    expect(held.control(viewAt(100, [600]))).toBe(10);
    expect(held.control(viewAt(101, [600, 300]))).toBe(10);
    expect(held.control(viewAt(102, [600, 300, 300]))).toBe(10);
    expect(held.control(viewAt(103, [600, 300, 300, 300]))).toBe(5);
  });

  it('holds a change smaller than the minimum step, and stays inside the bounds', () => {
    expect(controller({ minStepPercent: 20 }).control(viewAt(100, [660]))).toBe(10);
    expect(controller({ minStepPercent: 20 }).control(viewAt(100, [720]))).toBe(12);
    expect(controller().control(viewAt(100, [60]))).toBe(2);
    expect(controller().control(viewAt(100, [6000]))).toBe(40);
  });
});
