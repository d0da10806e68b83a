/**
 * Backtests the default scaling policy against EC2 target tracking, the Kubernetes HPA and an
 * oracle on the four synthetic traces, and prints each model's figures beside target
 * tracking's (the baseline measured in the same run).
 *
 *   npx tsx bench/scaling.ts [--policy FILE] [--json]
 *
 * The target, per trace: breach minutes ≤ target tracking's, instance-hours ≤ 0.9 ×
 * and scaling actions ≤ 0.5 × target tracking's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parsePolicySet } from '../functions/core/scaling/policy-schema';
import { simulate } from '../functions/core/scaling/simulation/simulate';
import { parseTrace } from '../functions/core/scaling/simulation/trace';

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

const ratio = (value: number, base: number) => (base === 0 ? (value === 0 ? 1 : Infinity) : value / base);
const report: Record<string, unknown>[] = [];
let allMet = true;
const lines: string[] = [
  `policy: ${values.policy}`,
  '',
  `${'trace'.padEnd(15)}${'model'.padEnd(17)}${'inst-h'.padStart(8)}${'×TT'.padStart(7)}${'breach min'.padStart(12)}${'actions'.padStart(9)}${'×TT'.padStart(7)}${'reversals'.padStart(11)}  target`,
];
for (const file of traces) {
  const { results, notes } = simulate(parseTrace(readFileSync(join(dir, file), 'utf8')), policy);
  const tt = results.find((r) => r.name === 'target-tracking')!;
  const trace = file.replace(/\.csv$/, '');
  for (const r of results) {
    const hours = ratio(r.instanceHours, tt.instanceHours);
    const actions = ratio(r.scalingActions, tt.scalingActions);
    let verdict = '';
    if (r.name === 'misybot-ha') {
      const met = r.sloBreachMinutes <= tt.sloBreachMinutes && hours <= 0.9 && actions <= 0.5;
      allMet &&= met;
      const misses = [
        r.sloBreachMinutes > tt.sloBreachMinutes ? 'breach' : '',
        hours > 0.9 ? 'inst-h' : '',
        actions > 0.5 ? 'actions' : '',
      ].filter(Boolean);
      verdict = met ? 'met' : `missed (${misses.join(', ')})`;
    }
    lines.push(
      `${trace.padEnd(15)}${r.name.padEnd(17)}${r.instanceHours.toFixed(1).padStart(8)}${hours.toFixed(2).padStart(7)}${r.sloBreachMinutes.toFixed(1).padStart(12)}${String(r.scalingActions).padStart(9)}${actions.toFixed(2).padStart(7)}${String(r.reversals).padStart(11)}  ${verdict}`,
    );
    report.push({
      trace,
      name: r.name,
      instanceHours: r.instanceHours,
      instanceHoursRatio: Math.round(hours * 1000) / 1000,
      sloBreachMinutes: r.sloBreachMinutes,
      scalingActions: r.scalingActions,
      actionsRatio: Math.round(actions * 1000) / 1000,
      reversals: r.reversals,
    });
  }
  for (const note of notes) lines.push(`${''.padEnd(15)}note: ${note}`);
  lines.push('');
}
lines.push(
  `target (breach ≤ TT, inst-h ≤ 0.9 × TT, actions ≤ 0.5 × TT on every trace): ${allMet ? 'met' : 'not met'}`,
);
console.log(values.json ? JSON.stringify({ results: report, targetMet: allMet }, null, 2) : lines.join('\n'));
