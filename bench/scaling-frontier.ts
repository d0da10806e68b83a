/**
 * The Pareto frontier of causal scaling controllers on the traces where the default policy
 * misses the goal: how few SLO-breach minutes (× target tracking's) any setting of a causal
 * family reaches for its instance-hours (× the oracle's) and scaling actions (× target
 * tracking's), with the baselines measured in the same run. Two families:
 *
 * - `delayed-demand`: the best-informed controller the simulator allows (bench/frontier-controller.ts),
 *   over a grid of headroom, scale-in delay, burst extrapolation and minimum step.
 * - `engine`: the misybot-ha engine with the default policy, over a grid of its CPU target (the
 *   baselines and the oracle keep 60 %), scale-in window and minimum scale-out step.
 *
 *   npx tsx bench/scaling-frontier.ts [--trace NAME]... [--warm-pool N] [--json]
 *
 * `--warm-pool N` gives every controller, target tracking included (as AWS would), a warm pool of
 * N stopped instances (not billed as instance-hours; a warm start takes `warmStartSeconds`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type PolicySet, parsePolicySet } from '../functions/core/scaling/policy-schema';
import { EngineController } from '../functions/core/scaling/simulation/engine-controller';
import type { Controller } from '../functions/core/scaling/simulation/fleet';
import {
  type ModelResult,
  prepareSimulation,
  runController,
  simulate,
} from '../functions/core/scaling/simulation/simulate';
import { parseTrace } from '../functions/core/scaling/simulation/trace';
import { DelayedDemandController } from './frontier-controller';

const GOAL = { breach: 0.5, instanceHours: 1.05, actions: 0.5 } as const;
const MISSING = ['bursty-chat-a', 'bursty-chat-b', 'flash-crowd', 'step-change'];

const { values } = parseArgs({
  options: {
    trace: { type: 'string', multiple: true },
    'warm-pool': { type: 'string', default: '0' },
    json: { type: 'boolean', default: false },
  },
});
const warmPool = Number(values['warm-pool']);
if (!Number.isInteger(warmPool) || warmPool < 0) throw new Error('--warm-pool must be a whole number ≥ 0');
const base = JSON.parse(readFileSync(join(__dirname, 'policies', 'default.json'), 'utf8'));

interface Point {
  readonly family: string;
  readonly setting: string;
  readonly instanceHours: number;
  readonly breach: number;
  readonly actions: number;
}

const grid = <T>(lists: T[][]): T[][] =>
  lists.reduce<T[][]>((acc, list) => acc.flatMap((combo) => list.map((v) => [...combo, v])), [[]]);

function variants(
  capacityPerInstance: number,
  targetCpu: number,
  period: number,
  prepare: (policy: PolicySet) => PolicySet,
) {
  const out: Array<{ family: string; setting: string; make: () => Controller }> = [];
  for (const [headroom, delay, extrapolate, minStep] of grid<number>([
    [0, 5, 10, 15, 20, 30, 45, 60, 100],
    [0, 120, 300, 600, 1200],
    [0, 1],
    [0, 10, 20],
  ])) {
    const settings = {
      headroomPercent: headroom!,
      scaleInDelaySeconds: delay!,
      extrapolate: extrapolate === 1,
      minStepPercent: minStep!,
    };
    out.push({
      family: 'delayed-demand',
      setting: `headroom ${headroom} %, scale-in after ${delay} s, extrapolate ${extrapolate === 1}, min step ${minStep} %`,
      make: () => new DelayedDemandController(settings, capacityPerInstance, targetCpu, period),
    });
  }
  for (const [target, window, minStep] of grid<number>([
    [60, 57, 54, 50, 42],
    [300, 600, 1200],
    [5, 15, 30],
  ])) {
    const policy = structuredClone(base);
    policy.targetTracking[0].target = target;
    policy.behaviour.scaleIn.stabilizationWindowSeconds = window;
    policy.behaviour.scaleOut.minStepPercent = minStep;
    out.push({
      family: 'engine',
      setting: `cpu target ${target} %, scale-in window ${window} s, min scale-out step ${minStep} %`,
      make: () => new EngineController(prepare(parsePolicySet(policy, 'engine grid'))),
    });
  }
  return out;
}

/** Points no other point beats on all three ratios at once. */
function frontier(points: readonly Point[]): Point[] {
  const dominated = (p: Point, q: Point) =>
    q.breach <= p.breach &&
    q.instanceHours <= p.instanceHours &&
    q.actions <= p.actions &&
    (q.breach < p.breach || q.instanceHours < p.instanceHours || q.actions < p.actions);
  return points.filter((p) => !points.some((q) => dominated(p, q))).sort((a, b) => a.breach - b.breach);
}

const report: Record<string, unknown>[] = [];
const lines: string[] = [];
for (const name of values.trace ?? MISSING) {
  const trace = parseTrace(readFileSync(join(__dirname, 'traces', `${name}.csv`), 'utf8'));
  // The default policy and the baselines, all on the same fleet (warm pool included).
  const { settings, results } = simulate(trace, parsePolicySet(base, 'default policy'), {
    warmPoolSize: warmPool,
  });
  const run = (c: Controller): ModelResult => runController(c, trace, settings);
  const byName = (name: string) => results.find((r) => r.name === name)!;
  const [engine, tt, oracle] = [byName('misybot-ha'), byName('target-tracking'), byName('oracle')];
  const ratios = (r: ModelResult) => ({
    instanceHours: r.instanceHours / oracle.instanceHours,
    breach: r.sloBreachMinutes / tt.sloBreachMinutes,
    actions: r.scalingActions / tt.scalingActions,
  });
  const points: Point[] = variants(
    settings.capacityPerInstance,
    settings.targetCpu,
    settings.metricPeriodSeconds,
    (policy) => prepareSimulation(trace, policy).policy,
  ).map((v) => ({ family: v.family, setting: v.setting, ...ratios(run(v.make())) }));
  const front = frontier(points);
  const meets = (p: Point) =>
    p.breach <= GOAL.breach && p.instanceHours <= GOAL.instanceHours && p.actions <= GOAL.actions;
  const within = points.filter((p) => p.instanceHours <= GOAL.instanceHours);
  const bestBreach = within.reduce<Point | undefined>(
    (b, p) => (!b || p.breach < b.breach ? p : b),
    undefined,
  );
  const lowBreach = points.filter((p) => p.breach <= GOAL.breach);
  const cheapest = lowBreach.reduce<Point | undefined>(
    (b, p) => (!b || p.instanceHours < b.instanceHours ? p : b),
    undefined,
  );
  const show = (p: Point | undefined) =>
    p === undefined
      ? 'none'
      : `breach ${p.breach.toFixed(2)}×, inst-h ${p.instanceHours.toFixed(3)}×, actions ${p.actions.toFixed(2)}× (${p.family}: ${p.setting})`;
  const e = ratios(engine);
  lines.push(
    `${name}${warmPool > 0 ? ` (warm pool of ${warmPool} for every controller)` : ''}: target tracking ${tt.sloBreachMinutes} breach min, ${tt.scalingActions} actions; oracle ${oracle.instanceHours} inst-h`,
    `  default policy:                 breach ${e.breach.toFixed(2)}×, inst-h ${e.instanceHours.toFixed(3)}×, actions ${e.actions.toFixed(2)}×`,
    `  settings meeting the goal:      ${points.filter(meets).length} of ${points.length}`,
    `  least breach at inst-h ≤ 1.05×: ${show(bestBreach)}`,
    `  least inst-h at breach ≤ 0.5×:  ${show(cheapest)}`,
    `  Pareto frontier (${front.length} points), by breach:`,
    ...front.map((p) => `    ${show(p)}`),
    '',
  );
  report.push({
    trace: name,
    warmPool,
    targetTracking: { sloBreachMinutes: tt.sloBreachMinutes, scalingActions: tt.scalingActions },
    oracle: { instanceHours: oracle.instanceHours },
    defaultPolicy: e,
    settings: points.length,
    meetingGoal: points.filter(meets).length,
    leastBreachWithinInstanceHours: bestBreach ?? null,
    leastInstanceHoursWithinBreach: cheapest ?? null,
    frontier: front,
  });
}
console.log(values.json ? JSON.stringify(report, null, 2) : lines.join('\n'));
