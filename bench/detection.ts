/**
 * Detection-time benchmark: how long after an endpoint starts refusing connections its check turns
 * `unhealthy`, with the default health settings (a 1-minute schedule, 6 rounds 10 s apart, 2
 * failures in a row) and EventBridge delivering each minute's event anywhere in its minute,
 * independently from one minute to the next (uniform, plus up to 1.5 s of delivery and cold start).
 *
 * Each trial draws the failure's start and every invocation's delivery time, plans each
 * invocation's rounds with the function's own planner (`planRounds`, the deployed Lambda timeout)
 * and folds the probe results into the check's state with the engine's state machine, in time
 * order. A refused connection fails in about a millisecond.
 *
 * Prints exactly one JSON line on stdout, the figures in seconds: `{"p50":…,"p95":…,"max":…}`.
 * The baseline in the same run, on stderr: rounds anchored to each invocation's start (the
 * planning before absolute ticks) under the same draws.
 *
 *   npx tsx bench/detection.ts [--trials 5000] [--seed 11]
 */
import { parseArgs } from 'node:util';
import { seededRandom } from '@misybot-ha/balancing';
import { parseHealthCheckConfig } from '../functions/core/health/health-config';
import { firstTickAfter, invocationTimeoutMs, planRounds } from '../functions/core/health/rounds';
import { advanceCheckState, type CheckState, type StatePolicy } from '../functions/core/health/state-machine';
import { quantile } from './stats';

const { values } = parseArgs({
  options: { trials: { type: 'string', default: '5000' }, seed: { type: 'string', default: '11' } },
});
const trials = Number(values.trials);
const random = seededRandom(Number(values.seed));

const PERIOD_MS = 60_000;
const INTERVAL_MS = 10_000;
const ROUNDS = 6;
const REFUSED_LATENCY_MS = 1;
const MAX_DELIVERY_MS = 1500;

const config = parseHealthCheckConfig({
  components: [{ id: 'api' }],
  checks: [{ id: 'api-health', component: 'api', kind: 'http', url: 'https://api.example.com/health' }],
});
const check = config.checks[0]!;
const policy: StatePolicy = {
  failureThreshold: check.failureThreshold,
  successThreshold: check.successThreshold,
  flapTransitions: config.flapping.transitions,
  flapWindowMs: config.flapping.windowSeconds * 1000,
};

type Planning = 'ticks' | 'anchored';

/** When each invocation of the minutes around the failure starts, shared by both plannings. */
function deliveries(firstMinute: number, minutes: number): number[] {
  return Array.from({ length: minutes }, (_, i) => {
    const scheduled = (firstMinute + i) * PERIOD_MS;
    return scheduled + random() * PERIOD_MS + random() * MAX_DELIVERY_MS;
  });
}

/** The rounds every invocation runs, in time order. */
function roundStarts(planning: Planning, firstMinute: number, starts: readonly number[]): number[] {
  const all = starts.flatMap((startedAt, i) => {
    const scheduled = (firstMinute + i) * PERIOD_MS;
    const rounds =
      planning === 'ticks'
        ? planRounds({
            startedAt,
            remainingMs: invocationTimeoutMs(PERIOD_MS, ROUNDS, INTERVAL_MS) - (startedAt - scheduled),
            intervalMs: INTERVAL_MS,
            rounds: ROUNDS,
            longestTimeoutMs: check.timeoutMs,
            firstTick: firstTickAfter(scheduled, PERIOD_MS, INTERVAL_MS),
          })
        : planRounds({
            startedAt,
            remainingMs: ROUNDS * INTERVAL_MS + 5000,
            intervalMs: INTERVAL_MS,
            rounds: ROUNDS,
            longestTimeoutMs: check.timeoutMs,
            firstTick: startedAt,
          });
    return rounds.map((round) => round.startAt);
  });
  return all.sort((a, b) => a - b);
}

/** Seconds from the failure to the check turning unhealthy. */
function detection(rounds: readonly number[], failureAt: number): number {
  let state: CheckState | undefined;
  for (const at of rounds) {
    const status = at >= failureAt ? 'down' : 'up';
    const doneAt = at + REFUSED_LATENCY_MS;
    const step = advanceCheckState(
      state,
      { checkId: check.id, status, latencyMs: REFUSED_LATENCY_MS },
      policy,
      `tick#${at}`,
      doneAt,
    );
    state = step.state;
    if (at >= failureAt && step.transition?.to === 'unhealthy') return (doneAt - failureAt) / 1000;
  }
  throw new Error(`no detection: the simulated minutes around ${failureAt} are too few`);
}

function summary(samples: number[]) {
  samples.sort((a, b) => a - b);
  const round = (x: number) => Number(x.toFixed(1));
  return {
    p50: round(quantile(samples, 0.5)),
    p95: round(quantile(samples, 0.95)),
    max: round(samples.at(-1)!),
  };
}

function main() {
  const results: Record<Planning, number[]> = { ticks: [], anchored: [] };
  for (let trial = 0; trial < trials; trial++) {
    const firstMinute = 1000 + trial * 10;
    // The failure starts in the fifth simulated minute: four minutes of healthy rounds before it.
    const failureAt = (firstMinute + 4) * PERIOD_MS + random() * PERIOD_MS;
    const starts = deliveries(firstMinute, 8);
    for (const planning of ['ticks', 'anchored'] as const)
      results[planning].push(detection(roundStarts(planning, firstMinute, starts), failureAt));
  }
  const baseline = summary(results.anchored);
  const measured = summary(results.ticks);
  console.error(
    `detection, connection refused, ${trials} trials, delivery anywhere in the minute: ` +
      `p50 ${measured.p50} s, p95 ${measured.p95} s, max ${measured.max} s (goal p95 ≤ 25 s, max ≤ 30 s)`,
  );
  console.error(
    `baseline (same draws), rounds anchored to the invocation's start: p50 ${baseline.p50} s, p95 ${baseline.p95} s, max ${baseline.max} s`,
  );
  console.log(JSON.stringify(measured));
}

main();
