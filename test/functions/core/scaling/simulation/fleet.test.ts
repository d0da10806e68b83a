import { Fleet, type FleetSettings } from '../../../../../functions/core/scaling/simulation/fleet';
import { DEFAULT_FLEET } from '../../../../../functions/core/scaling/simulation/simulate';

const T0 = Date.parse('2024-03-04T00:00:00Z');
const settings = (overrides: Partial<FleetSettings> = {}): FleetSettings => ({
  ...DEFAULT_FLEET,
  minCapacity: 1,
  maxCapacity: 20,
  ...overrides,
});

/** Runs `minutes` of constant `load` in 15 s steps from T0. */
function run(fleet: Fleet, load: number, minutes: number): void {
  for (let now = T0; now < T0 + minutes * 60_000; now += 15_000) fleet.record(load, undefined, now, 15);
}

describe('simulated fleet', () => {
  it('publishes the ALB counts a minute after their period and the instance metrics two', () => {
    const fleet = new Fleet(settings(), 2, T0);
    run(fleet, 150, 5);
    const at = T0 + 4 * 60_000;
    const requests = fleet.visiblePeriods(at, T0 - 1, 'requests');
    const instance = fleet.visiblePeriods(at, T0 - 1);
    expect(requests.map((p) => (p.start - T0) / 60_000)).toEqual([0, 1, 2]);
    expect(instance.map((p) => (p.start - T0) / 60_000)).toEqual([0, 1]);
    expect(requests[0]).toMatchObject({ cpu: 75, requestsPerTarget: 4500, requests: 9000 });
    const view = fleet.view(at, 3600);
    expect(view.requestPeriods).toHaveLength(3);
    expect(view.periods).toHaveLength(2);
  });

  it('starts instances from a warm pool in the warm-start time and refills the pool at the cold boot time', () => {
    const fleet = new Fleet(settings({ warmPoolSize: 2 }), 2, T0);
    fleet.setDesired(5, T0);
    const launched = fleet.instances.slice(2).map((i) => (i.inServiceAt - T0) / 1000);
    // Two warm starts, then the pool is empty: the third boots cold.
    expect(launched).toEqual([90, 90, 180]);
    fleet.setDesired(2, T0 + 60_000);
    fleet.setDesired(4, T0 + 120_000);
    // The pool's replacements are warmed only 180 s after the first warm starts: these boot cold.
    expect(fleet.instances.slice(2).map((i) => (i.inServiceAt - T0 - 120_000) / 1000)).toEqual([180, 180]);
    fleet.setDesired(2, T0 + 190_000);
    fleet.setDesired(3, T0 + 200_000);
    expect((fleet.instances[2]!.inServiceAt - T0 - 200_000) / 1000).toBe(90);
  });

  it('counts only group members, never the stopped pool, as instances', () => {
    const fleet = new Fleet(settings({ warmPoolSize: 5 }), 3, T0);
    expect(fleet.instances).toHaveLength(3);
  });
});
