/**
 * Backtests the default scaling policy against EC2 target tracking, the Kubernetes HPA and an
 * oracle on every trace in bench/traces, and prints each model's figures beside the baselines
 * measured in the same run.
 *
 *   npx tsx bench/scaling.ts [--policy FILE] [--json]
 *
 * The goal, per trace: SLO-breach minutes ≤ 0.5 × target tracking's, instance-hours ≤ 1.05 × the
 * oracle's, scaling actions ≤ 0.5 × target tracking's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parsePolicySet } from '../functions/core/scaling/policy-schema';
import { simulate } from '../functions/core/scaling/simulation/simulate';
import { parseTrace } from '../functions/core/scaling/simulation/trace';

const GOAL = { breach: 0.5, instanceHours: 1.05, actions: 0.5 } as const;

const { values } = parseArgs({
  options: {
    policy: { type: 'string', default: join(__dirname, 'policies', 'default.json') },
    json: { type: 'boolean', default: false },
  },
});
const policy = parsePolicySet(JSON.parse(readFileSync(values.policy!, 'utf8')), values.policy);
const dir = join(__dirname, 'traces');
const traces = readdirSync(dir)
  .filter((file) => file.endsWith('.csv'))
  .sort();

/** value / base, where 0 / 0 is 1 (as good as the baseline) and x / 0 is infinite. */
const ratio = (value: number, base: number) => (base === 0 ? (value === 0 ? 0 : Infinity) : value / base);
const fixed = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '∞');
const report: Record<string, unknown>[] = [];
let met = 0;
const lines: string[] = [
  `policy: ${values.policy}`,
  `goal per trace: breach ≤ ${GOAL.breach} × TT, instance-hours ≤ ${GOAL.instanceHours} × oracle, actions ≤ ${GOAL.actions} × TT`,
  '',
  `${'trace'.padEnd(16)}${'model'.padEnd(17)}${'inst-h'.padStart(8)}${'×oracle'.padStart(9)}${'breach min'.padStart(12)}${'×TT'.padStart(7)}${'actions'.padStart(9)}${'×TT'.padStart(7)}${'reversals'.padStart(11)}  goal`,
];
for (const file of traces) {
  const { results, notes } = simulate(parseTrace(readFileSync(join(dir, file), 'utf8')), policy);
  const tt = results.find((r) => r.name === 'target-tracking')!;
  const oracle = results.find((r) => r.name === 'oracle')!;
  const trace = file.replace(/\.csv$/, '');
  for (const r of results) {
    const hours = ratio(r.instanceHours, oracle.instanceHours);
    const breach = ratio(r.sloBreachMinutes, tt.sloBreachMinutes);
    const actions = ratio(r.scalingActions, tt.scalingActions);
    let verdict = '';
    if (r.name === 'misybot-ha') {
      const misses = [
        breach > GOAL.breach ? 'breach' : '',
        hours > GOAL.instanceHours ? 'inst-h' : '',
        actions > GOAL.actions ? 'actions' : '',
      ].filter(Boolean);
      if (misses.length === 0) met += 1;
      verdict = misses.length === 0 ? 'met' : `missed (${misses.join(', ')})`;
    }
    lines.push(
      `${trace.padEnd(16)}${r.name.padEnd(17)}${r.instanceHours.toFixed(1).padStart(8)}${fixed(hours, 3).padStart(9)}${r.sloBreachMinutes.toFixed(1).padStart(12)}${fixed(breach).padStart(7)}${String(r.scalingActions).padStart(9)}${fixed(actions).padStart(7)}${String(r.reversals).padStart(11)}  ${verdict}`,
    );
    report.push({
      trace,
      name: r.name,
      instanceHours: r.instanceHours,
      instanceHoursVsOracle: Math.round(hours * 1000) / 1000,
      sloBreachMinutes: r.sloBreachMinutes,
      breachVsTargetTracking: Number.isFinite(breach) ? Math.round(breach * 1000) / 1000 : null,
      scalingActions: r.scalingActions,
      actionsVsTargetTracking: Math.round(actions * 1000) / 1000,
      reversals: r.reversals,
    });
  }
  for (const note of notes) lines.push(`${''.padEnd(16)}note: ${note}`);
  lines.push('');
}
lines.push(`goal met on ${met} of ${traces.length} traces`);
console.log(
  values.json
    ? JSON.stringify({ results: report, goalMet: met, traces: traces.length }, null, 2)
    : lines.join('\n'),
);
