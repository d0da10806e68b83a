/**
 * Writes the synthetic load traces under bench/traces/. Deterministic: each family draws from its
 * own seeded PRNG, so re-running it reproduces the committed files byte for byte.
 *
 *   npx tsx bench/generate-traces.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  burstyChat,
  diurnal,
  flashCrowd,
  noisyPlateau,
  outageRetrySurge,
  type Row,
  sawtooth,
  steadyGrowth,
  stepChange,
  traceText,
} from './trace-families';

function write(name: string, description: string, rows: Row[], time: 'iso' | 'offset'): void {
  writeFileSync(join(__dirname, 'traces', `${name}.csv`), traceText(name, description, rows, time));
}

write('diurnal', 'a business day with a lunch peak and an evening bump', diurnal(), 'iso');
write('flash-crowd', 'a steady load hit by two sudden crowds that fade within the hour', flashCrowd(), 'iso');
write('sawtooth', 'a 90-minute ramp from 250 to 1200 rps that drops back at once', sawtooth(), 'offset');
write(
  'noisy-plateau',
  'a high plateau with ±12 % minute-to-minute noise and rare bursts',
  noisyPlateau(),
  'iso',
);
write(
  'bursty-chat-a',
  'a low base with 5–15 minute bursts at 1.5–4× it, at random (seed 11)',
  burstyChat(11),
  'iso',
);
write(
  'bursty-chat-b',
  'a low base with 5–15 minute bursts at 1.5–4× it, at random (seed 12)',
  burstyChat(12),
  'iso',
);
write(
  'outage-retry-a',
  'three upstream outages (load at ~10 % for 20–60 min), each followed by a ~2× retry surge (seed 21)',
  outageRetrySurge(21),
  'iso',
);
write(
  'outage-retry-b',
  'three upstream outages (load at ~10 % for 20–60 min), each followed by a ~2× retry surge (seed 22)',
  outageRetrySurge(22),
  'iso',
);
write('steady-growth', 'launch-day growth from 150 to 1500 rps', steadyGrowth(), 'iso');
write(
  'step-change',
  'load moved onto the fleet in steps (300 → 900 → 1400 → 500 → 300 rps)',
  stepChange(),
  'iso',
);
