import * as z from '../../shared/config/zod';
import { labelPatternProblem, matchesLabelPattern } from './label-pattern';

/**
 * Silences (an operator mutes alerts matching some labels until a time) and holds (another engine
 * is already acting on a component: a failover or a scale-out). Both are read from the state table.
 */

const validRegex = () =>
  z.string().check(
    z.superRefine((source, ctx) => {
      const problem = labelPatternProblem(source);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  );

/** The longest a silence may last, from its start (or from its creation when it has none). */
export const MAX_SILENCE_MS = 30 * 86_400_000;

// The schemas are built with their first parse (z.lazy), not in the cold start of every function
// that reads silences and holds: ~5 ms of CPU under Node 24.
export const matcherSchema = z.lazy(() =>
  z.discriminatedUnion('op', [
    z.strictObject({ label: z.string().check(z.minLength(1)), op: z.enum(['=', '!=']), value: z.string() }),
    z.strictObject({
      label: z.string().check(z.minLength(1)),
      op: z.enum(['=~', '!~']),
      value: validRegex(),
    }),
  ]),
);
/** Alertmanager-style matcher; regular expressions are RE2, anchored at both ends. */
export type Matcher = z.infer<typeof matcherSchema>;

export const silenceSchema = z.lazy(() =>
  z
    .strictObject({
      id: z.string().check(z.minLength(1)),
      matchers: z
        .array(matcherSchema)
        .check(z.minLength(1, 'must hold at least one matcher (a silence of everything is refused)')),
      startsAt: z.int(),
      endsAt: z.int(),
      createdBy: z.string().check(z.minLength(1)),
      comment: z.string().check(z.minLength(1)),
    })
    .check(
      z.refine((silence) => silence.endsAt > silence.startsAt, {
        message: 'must end after it starts',
        path: ['endsAt'],
      }),
      z.refine((silence) => silence.endsAt - silence.startsAt <= MAX_SILENCE_MS, {
        message: 'must end at most 30 days after it starts',
        path: ['endsAt'],
      }),
    ),
);
/** Alerts matching every matcher are not sent between `startsAt` and `endsAt`. */
export type Silence = z.infer<typeof silenceSchema>;

export const holdReasonSchema = z.enum(['failover', 'scale-out']);
export type HoldReason = z.infer<typeof holdReasonSchema>;

export const holdSchema = z.lazy(() =>
  z.strictObject({
    component: z.string().check(z.minLength(1)),
    reason: holdReasonSchema,
    startedAt: z.int(),
    /** The hold lapses at this time even if its engine never clears it. */
    until: z.int(),
    setBy: z.optional(z.string()),
  }),
);
/** While a hold is active, the component's symptom alerts are held and summarised afterwards. */
export type Hold = z.infer<typeof holdSchema>;

/** An alert's labels; a label may hold several values (e.g. every failing `check`). */
export type AlertLabels = Readonly<Record<string, string | readonly string[]>>;

/** True when the label set satisfies the matcher. A missing label is the empty string. */
export function matches(matcher: Matcher, labels: AlertLabels): boolean {
  const raw = labels[matcher.label];
  const values: readonly string[] = raw === undefined ? [''] : typeof raw === 'string' ? [raw] : raw;
  switch (matcher.op) {
    case '=':
      return values.includes(matcher.value);
    case '!=':
      return !values.includes(matcher.value);
    case '=~':
      return values.some((value) => matchesLabelPattern(matcher.value, value));
    case '!~':
      return !values.some((value) => matchesLabelPattern(matcher.value, value));
  }
}

/** The first silence active at `now` whose matchers all match, if any. */
export function activeSilence(
  silences: readonly Silence[],
  labels: AlertLabels,
  now: number,
): Silence | undefined {
  return silences.find(
    (silence) =>
      silence.startsAt <= now &&
      now < silence.endsAt &&
      silence.matchers.every((matcher) => matches(matcher, labels)),
  );
}

/** The hold active on `component` at `now`, if any. */
export function activeHold(holds: readonly Hold[], component: string, now: number): Hold | undefined {
  return holds.find((hold) => hold.component === component && hold.startedAt <= now && now < hold.until);
}
