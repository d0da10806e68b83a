/**
 * Silence matcher benchmark: the time one regular-expression matcher takes on a 1 KB label value
 * (a check id), for every pattern the admin API accepts. Target ≤ 1 ms per match.
 *
 * Patterns: the adversarial ones (exponential for a backtracking engine, or large once counted
 * repetitions expand) and 1,000 random patterns of up to 200 characters built from the whole
 * syntax; only those `labelPatternProblem` accepts are measured. Each pattern is matched against
 * 200 different 1 KB ids (fresh inputs, so no per-input cache helps), after one warm-up match.
 *
 * Baseline in the same run: JavaScript's backtracking RegExp, the engine silences used before, on
 * the pattern `(?:(?:[a-z]|-)+)+X` against ids of 18 to 24 characters (the time doubles
 * with each character; at 1 KB it would never finish).
 *
 *   npx tsx bench/silences.ts [--random 1000] [--ids 200]
 */
import { parseArgs } from 'node:util';
import { seededRandom } from '@misybot-ha/balancing';
import {
  labelPatternProblem,
  MAX_PATTERN_PROGRAM,
  matchesLabelPattern,
} from '../functions/core/alerting/label-pattern';

const { values } = parseArgs({
  options: { random: { type: 'string', default: '1000' }, ids: { type: 'string', default: '200' } },
});
const random = seededRandom(7);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789-_.';

/** A 1 KB check-id-like value: words and dashes, or a long run of one letter (worst for many patterns). */
function labelValue(i: number): string {
  if (i % 4 === 0) return `${'a'.repeat(1000)}-check${i}`.slice(0, 1024);
  let value = '';
  while (value.length < 1024)
    value += `${Array.from({ length: 3 + (i % 7) }, () => pick([...ALPHABET])).join('')}-`;
  return value.slice(0, 1024);
}

const ADVERSARIAL = [
  '(?:(?:[a-z]|-)+)+X',
  '(?:(?:[a-z]|-)+)+k',
  '(a|aa)*b',
  '(?:x+x+)+y',
  '(?:.*a){20}X',
  '(?:a|b)*a(?:a|b){20}',
  '.*.*.*.*.*.*=.*',
  '(?:[a-z0-9]+-)*[a-z0-9]+',
  '(?:[ab]{0,10}){9}X',
  '[a-z]{0,120}X',
];

/** A random pattern over the whole RE2 syntax, nested up to `depth`. */
function randomPattern(depth: number): string {
  const atoms = ['[a-z]', '.', '-', 'a', 'b', 'check', '[^x]', '\\w', '\\d', '[a-z0-9_-]'];
  const parts: string[] = [];
  const count = 1 + Math.floor(random() * 4);
  for (let i = 0; i < count; i++) {
    let atom = depth > 0 && random() < 0.4 ? `(?:${randomPattern(depth - 1)})` : pick(atoms);
    const quantifier = random();
    if (quantifier < 0.2) atom += '+';
    else if (quantifier < 0.4) atom += '*';
    else if (quantifier < 0.5) atom += '?';
    else if (quantifier < 0.65) {
      const low = Math.floor(random() * 8);
      atom += `{${low},${low + Math.floor(random() * 40)}}`;
    }
    parts.push(atom);
  }
  const sequence = parts.join('');
  return random() < 0.3 ? `${sequence}|${randomPattern(Math.max(0, depth - 1))}` : sequence;
}

function perMatchMs(pattern: string, ids: readonly string[]): number {
  matchesLabelPattern(pattern, ids[0]!);
  const started = performance.now();
  for (const id of ids) matchesLabelPattern(pattern, id);
  return (performance.now() - started) / ids.length;
}

function backtrackingBaseline(): { length: number; ms: number }[] {
  const pattern = /^(?:(?:(?:[a-z]|-)+)+X)$/;
  pattern.test('a'.repeat(12));
  return [18, 20, 22, 24].map((length) => {
    const id = 'a'.repeat(length);
    const started = performance.now();
    pattern.test(id);
    return { length, ms: performance.now() - started };
  });
}

function main() {
  const ids = Array.from({ length: Number(values.ids) }, (_, i) => labelValue(i));
  const candidates = [
    ...ADVERSARIAL,
    ...Array.from({ length: Number(values.random) }, () => randomPattern(3).slice(0, 200)),
  ];
  const accepted = candidates.filter((pattern) => labelPatternProblem(pattern) === undefined);
  const refused = candidates.length - accepted.length;
  const timings = accepted.map((pattern) => ({ pattern, ms: perMatchMs(pattern, ids) }));
  timings.sort((a, b) => b.ms - a.ms);
  const worst = timings[0]!;
  const mean = timings.reduce((sum, t) => sum + t.ms, 0) / timings.length;
  const baseline = backtrackingBaseline();
  console.log(
    `silence matcher (RE2, program ≤ ${MAX_PATTERN_PROGRAM}): ${accepted.length} accepted patterns ` +
      `(${refused} refused) × ${ids.length} ids of 1 KB`,
  );
  console.log(`  mean ${mean.toFixed(4)} ms per match; worst ${worst.ms.toFixed(4)} ms for ${worst.pattern}`);
  for (const t of timings.slice(1, 4)) console.log(`  next ${t.ms.toFixed(4)} ms for ${t.pattern}`);
  const evil = timings.find((t) => t.pattern === ADVERSARIAL[0])!;
  console.log(`  ${ADVERSARIAL[0]} on 1 KB: ${evil.ms.toFixed(4)} ms`);
  console.log('baseline (same run): JavaScript RegExp, the same pattern, short ids');
  for (const b of baseline) console.log(`  ${b.length} characters: ${b.ms.toFixed(1)} ms`);
  const last = baseline.at(-1)!;
  const verdict = worst.ms <= 1 ? 'meets' : 'misses';
  console.log(
    `worst accepted pattern on 1 KB is ${(last.ms / worst.ms).toFixed(0)}× faster than RegExp on ${last.length} characters; ${verdict} the ≤ 1 ms target`,
  );
  console.log(
    JSON.stringify({
      patterns: accepted.length,
      worstMs: Number(worst.ms.toFixed(4)),
      meanMs: Number(mean.toFixed(4)),
      baselineMs: Object.fromEntries(baseline.map((b) => [b.length, Number(b.ms.toFixed(1))])),
    }),
  );
}

main();
