/**
 * Flapping at production cadence: simulated days of a flapping Aurora writer through the real
 * failover engine, the health engine's probes every 10 s (its thresholds and flap detection,
 * publishing verdicts), and the failover function's 1-minute schedule at a random phase with
 * jitter (see functions/core/failover/simulation/cadence.ts). Production settings, autoFailback on.
 *
 * Scenarios: a pure flap (down and up in turn every 10 s, random phase) and random flaps (up with
 * p = 0.5, drawn every 10 s or every 60 s). Baseline in the same run, same draws: the engine
 * counting deliveries and ignoring flapping, as it did before. Then the other side of the same
 * rules: a writer that stops for good at a random second, and how long the failover takes.
 *
 *   npx tsx bench/flapping.ts [--days 10]
 */
import { parseArgs } from 'node:util';
import { seededRandom } from '@misybot-ha/balancing';
import { resolveFailoverSettings } from '../functions/core/failover/settings';
import {
  alternatingEveryProbe,
  type CadenceReport,
  randomFlap,
  simulateCadence,
} from '../functions/core/failover/simulation/cadence';
import { quantile } from './stats';

const { values } = parseArgs({ options: { days: { type: 'string', default: '10' } } });
const days = Number(values.days);
const settings = resolveFailoverSettings({ autoFailback: true });

type Engine = 'guarded' | 'counting';
interface Scenario {
  readonly name: string;
  readonly primaryUp: (seed: number, random: () => number) => (t: number) => boolean;
}

const scenarios: Scenario[] = [
  { name: 'pure flap, every 10 s', primaryUp: (_seed, random) => alternatingEveryProbe(random) },
  {
    name: 'random flap p = 0.5, every 10 s',
    primaryUp: (seed, random) => randomFlap(0.5, 10_000, random() * 10_000, seededRandom(seed + 1)),
  },
  {
    name: 'random flap p = 0.5, every 60 s',
    primaryUp: (seed, random) => randomFlap(0.5, 60_000, random() * 60_000, seededRandom(seed + 1)),
  },
];

async function day(scenario: Scenario, seed: number, engine: Engine): Promise<CadenceReport> {
  const random = seededRandom(seed);
  const primaryUp = scenario.primaryUp(seed, random);
  return simulateCadence({ primaryUp, hours: 24, settings, random, engine });
}

function summary(reports: readonly CadenceReport[]) {
  const per = (pick: (r: CadenceReport) => number) => {
    const counts = reports.map(pick);
    return `${Math.min(...counts)}–${Math.max(...counts)}`;
  };
  return {
    failovers: per((r) => r.failovers.length),
    failbacks: per((r) => r.failbacks.length),
    perHoldDown: Math.max(...reports.map((r) => r.maxFailoversPerHoldDown)),
    flappingPages: per((r) => r.flappingPages),
    pages: per((r) => r.pages),
  };
}

/** Seconds from a writer's stop (a random time, a random schedule phase) to its failover. */
async function timesToFailover(runs: number, engine: Engine): Promise<string> {
  const seconds: number[] = [];
  for (let seed = 1; seed <= runs; seed++) {
    const random = seededRandom(seed * 7919);
    const stoppedAt = 600_000 + random() * 60_000;
    const report = await simulateCadence({
      primaryUp: (t) => t < stoppedAt,
      hours: 0.5,
      settings,
      random,
      engine,
    });
    const first = report.failovers[0];
    if (first !== undefined) seconds.push((first - stoppedAt) / 1000);
  }
  seconds.sort((a, b) => a - b);
  if (seconds.length === 0) return `none of ${runs} failed over`;
  const at = (q: number) => quantile(seconds, q).toFixed(0);
  return `${seconds.length} of ${runs} failed over; seconds after the stop: min ${at(0)}, median ${at(0.5)}, p95 ${at(0.95)}, max ${at(1)}`;
}

async function main() {
  const started = performance.now();
  console.log(`${days} simulated days per scenario, autoFailback on; figures per day (min–max)`);
  for (const scenario of scenarios) {
    for (const engine of ['guarded', 'counting'] as const) {
      const reports: CadenceReport[] = [];
      for (let seed = 1; seed <= days; seed++) reports.push(await day(scenario, seed * 101, engine));
      const s = summary(reports);
      const label = engine === 'guarded' ? 'now' : 'baseline (counting deliveries)';
      console.log(
        `${scenario.name} — ${label}: failovers ${s.failovers}, failbacks ${s.failbacks}, ` +
          `max per hold-down ${s.perHoldDown}, flapping pages ${s.flappingPages}, all pages ${s.pages}`,
      );
    }
  }
  for (const engine of ['guarded', 'counting'] as const) {
    const seconds = await timesToFailover(days * 10, engine);
    const label = engine === 'guarded' ? 'now' : 'baseline (counting deliveries)';
    console.log(`writer stopped for good — ${label}: ${seconds}`);
  }
  console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s wall)`);
}

main();
