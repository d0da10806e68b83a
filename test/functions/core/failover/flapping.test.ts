import { seededRandom } from '@misybot-ha/balancing';
import { resolveFailoverSettings } from '../../../../functions/core/failover/settings';
import {
  alternatingEveryProbe,
  type CadenceReport,
  randomFlap,
  simulateCadence,
} from '../../../../functions/core/failover/simulation/cadence';

// Production settings (the platform defaults) with automatic failback, the riskier of the two.
const settings = resolveFailoverSettings({ autoFailback: true });
const DAY_HOURS = 24;
const SEEDS = [11, 23, 37];
// A simulated day takes a second or two on an idle machine, longer on a shared one.
const DAY_TIMEOUT_MS = 120_000;

async function pureFlap(seed: number, engine: 'guarded' | 'counting'): Promise<CadenceReport> {
  const random = seededRandom(seed);
  // Every probe interval, at a random phase against the probes' ticks and the schedule.
  const primaryUp = alternatingEveryProbe(random);
  return simulateCadence({ primaryUp, hours: DAY_HOURS, settings, random, engine });
}

async function coinFlap(
  seed: number,
  dwellMs: number,
  engine: 'guarded' | 'counting',
): Promise<CadenceReport> {
  const random = seededRandom(seed);
  const primaryUp = randomFlap(0.5, dwellMs, random() * dwellMs, seededRandom(seed + 1));
  return simulateCadence({ primaryUp, hours: DAY_HOURS, settings, random, engine });
}

describe('flapping at production cadence (1-minute schedule at a random phase, verdict events, jitter)', () => {
  it.each(SEEDS)(
    'pure flap for 24 hours (seed %i): no failover, and one flapping page for a human',
    async (seed) => {
      const report = await pureFlap(seed, 'guarded');
      expect(report.failovers).toEqual([]);
      expect(report.flappingPages).toBe(1);
    },
  );

  it.each(SEEDS)(
    'random flap p = 0.5 with autoFailback for 24 hours (seed %i): at most one failover per hold-down window and two a day',
    async (seed) => {
      for (const dwellMs of [10_000, 60_000]) {
        const report = await coinFlap(seed, dwellMs, 'guarded');
        expect(report.maxFailoversPerHoldDown).toBeLessThanOrEqual(1);
        expect(report.failovers.length).toBeLessThanOrEqual(2);
        expect(report.flappingPages).toBeGreaterThanOrEqual(1);
      }
    },
    DAY_TIMEOUT_MS,
  );

  it(
    'fails over on a pure flap and bounces on a random one when the evidence is counted in deliveries',
    async () => {
      // The same scenarios with the engine counting deliveries and ignoring flapping, as it did. The
      // schedule samples the pure flap at one phase: where that phase falls on "down", it fails over.
      const pure = await Promise.all(SEEDS.map((seed) => pureFlap(seed, 'counting')));
      expect(pure.some((report) => report.failovers.length > 0)).toBe(true);
      expect(pure.every((report) => report.flappingPages === 0)).toBe(true);
      const random = await coinFlap(SEEDS[0]!, 10_000, 'counting');
      expect(random.failovers.length).toBeGreaterThan(2);
    },
    DAY_TIMEOUT_MS,
  );
});
