import { formatConfigIssues } from '../../shared/config/issues';
import * as z from '../../shared/config/zod';

/**
 * The scaling policy set: what the engine decides with. One schema for the CLI's
 * `--policy FILE`, the admin API and the scaling function. Names follow the platform
 * configuration (`fleet.minCapacity`, `fleet.maxCapacity`, `fleet.warmupSeconds`) and, for the
 * behaviour, the Kubernetes HPA's (`stabilizationWindowSeconds`, `selectPolicy`).
 */

const int = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));
const name = z
  .string()
  .check(
    z.regex(
      /^[a-zA-Z][a-zA-Z0-9_.-]{0,63}$/,
      'must be 1-64 letters, digits, "_", "." or "-", starting with a letter',
    ),
  );
const metricName = z
  .string()
  .check(
    z.regex(
      /^[a-zA-Z][a-zA-Z0-9_.-]{0,63}$/,
      'must be a metric name such as "cpu", "memory" or "requestsPerTarget"',
    ),
  );
const tolerance = z.number().check(z.gte(0), z.lte(1));
const clock = z
  .string()
  .check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time "HH:MM" such as "08:30"'));
const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
/** Day names as `Date.getUTCDay()` numbers them. */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export const ratePolicySchema = z.strictObject({
  /** `instances`: at most `value` instances per period; `percent`: at most `value` % of the capacity at the period's start. */
  type: z.enum(['instances', 'percent']),
  value: z.number().check(z.positive()),
  periodSeconds: int(1, 3600),
});

const directionFields = {
  /** Seconds after a scaling activity during which this direction is blocked. */
  cooldownSeconds: int(0, 3600),
  /** Recommendations in this window are combined (scale-out: min, scale-in: max) before acting. */
  stabilizationWindowSeconds: int(0, 3600),
  /** Which rate policy wins when several apply: `max` allows the largest change, `min` the smallest, `disabled` none. @default 'max' */
  selectPolicy: z._default(z.enum(['max', 'min', 'disabled']), 'max'),
  /** Rate limits per period; empty means unlimited. */
  policies: z.array(ratePolicySchema).check(z.maxLength(10)),
  /** The most instances one decision may add or remove; left out, no cap beyond the rate limits. */
  maxStep: z.optional(int(1, 1000)),
  /**
   * The smallest change worth an action, in percent of the capacity: a smaller one waits until
   * it has grown (a scale-in still settling, a ramp still rising). Left out, any change acts.
   */
  minStepPercent: z.optional(z.number().check(z.gt(0), z.lte(90))),
};

export const scaleOutSchema = z.strictObject({
  ...directionFields,
  /** @default 60 */
  cooldownSeconds: z._default(directionFields.cooldownSeconds, 60),
  /** @default 0 */
  stabilizationWindowSeconds: z._default(directionFields.stabilizationWindowSeconds, 0),
  /** @default [] (no rate limit) */
  policies: z._default(directionFields.policies, []),
  /**
   * On a steady ramp, a scale-out worth an action (see `minStepPercent`) goes `percent` past
   * what the policies ask, so the rising load outgrows it later and the ramp takes fewer, larger
   * steps. Left out, a scale-out goes exactly as far as asked.
   */
  headroom: z.optional(
    z.strictObject({
      /** How far past the policies' ask. @default 20 */
      percent: z._default(z.number().check(z.gt(0), z.lte(100)), 20),
      /** The group's load count the ramp is read from (ALB RequestCount). @default 'requestCount' */
      load: z._default(metricName, 'requestCount'),
      /** The newest datapoints the slope is fitted to: long enough that minute-to-minute noise fits no ramp. @default 900 */
      windowSeconds: z._default(int(180, 3600), 900),
      /** A slower rise is no ramp. @default 1 */
      minRisePercentPerMinute: z._default(z.number().check(z.gte(0)), 1),
      /** A faster rise is a burst or a step, not a ramp. @default 6 */
      maxRisePercentPerMinute: z._default(z.number().check(z.gt(0)), 6),
      /** A minute that moved more than this, either way, is a burst's or a fall's, not a ramp's. @default 10 */
      maxJumpPercent: z._default(z.number().check(z.gt(0)), 10),
    }),
  ),
});

export const baselineHoldSchema = z.strictObject({
  /** The past recommendations the usual capacity is taken from. @default 7200 */
  windowSeconds: z._default(int(600, 86_400), 7200),
  /** How long a drop below the usual capacity is held; the newest this many seconds are left out of the usual. @default 2700 */
  holdSeconds: z._default(int(60, 21_600), 2700),
  /** Which quantile of those recommendations is the usual capacity. @default 0.1 */
  quantile: z._default(z.number().check(z.gte(0), z.lte(0.5)), 0.1),
  /**
   * The share of the usual capacity kept through a drop: enough that the retry surge (about twice
   * the usual load) needs one scale-out step, not several. @default 50
   */
  keepPercent: z._default(z.number().check(z.gt(0), z.lte(100)), 50),
});

export const largeDropSchema = z.strictObject({
  /** A scale-in to at most (100 − percent) % of the capacity counts as large. @default 40 */
  percent: z._default(z.number().check(z.gt(0), z.lt(100)), 40),
  /** The stabilisation window of a large scale-in. @default 120 */
  stabilizationWindowSeconds: z._default(int(0, 3600), 120),
});

export const scaleInSchema = z.strictObject({
  ...directionFields,
  /**
   * A short stabilisation window for a large drop (a burst's end, a ramp falling back): the
   * capacity it would keep is pure cost, while noise moves the load by a fraction of that and
   * keeps the full window. Left out, every scale-in waits the full window.
   */
  largeDrop: z.optional(largeDropSchema),
  /**
   * Scale in freely down to the usual capacity of the last hours, but hold a drop below it for a
   * while: load that falls far below its usual level is most often an upstream outage, and the
   * recovery brings the clients' retries at once. Left out, no hold.
   */
  baselineHold: z.optional(baselineHoldSchema),
  /** @default 300 */
  cooldownSeconds: z._default(directionFields.cooldownSeconds, 300),
  /** @default 300 */
  stabilizationWindowSeconds: z._default(directionFields.stabilizationWindowSeconds, 300),
  /** @default [{ type: 'percent', value: 50, periodSeconds: 300 }] */
  policies: z._default(directionFields.policies, [{ type: 'percent', value: 50, periodSeconds: 300 }]),
});

export const leadingSignalSchema = z.strictObject({
  /** The load, counted for the whole group and published sooner than the tracked metric. @default 'requestCount' (ALB RequestCount) */
  load: z._default(metricName, 'requestCount'),
  /** The same load per target, to calibrate what one unit of it costs in the tracked metric. @default 'requestsPerTarget' */
  loadPerTarget: z._default(metricName, 'requestsPerTarget'),
  /** Take a burst's first datapoint one more period ahead at the same growth. @default true */
  extrapolate: z._default(z.boolean(), true),
  /** The rise of the load within one period that counts as a burst. @default 0.35 */
  burstRise: z._default(z.number().check(z.gt(0), z.lte(10)), 0.35),
  /**
   * How far back the metrics are read to find a period to calibrate on: a burst saturates CPU,
   * and a saturated period says nothing about the cost of a request. @default 1800
   */
  calibrationSeconds: z._default(int(60, 7200), 1800),
});

export const targetTrackingSchema = z.strictObject({
  name,
  metric: metricName,
  /** The value to hold the metric at, e.g. 60 for 60 % CPU. */
  target: z.number().check(z.positive()),
  /** Scale out only when metric / target exceeds 1 + toleranceOut. @default 0.05 */
  toleranceOut: z._default(tolerance, 0.05),
  /** Scale in only when metric / target falls below 1 - toleranceIn. @default 0.1 */
  toleranceIn: z._default(tolerance, 0.1),
  /** This policy only ever adds capacity and takes no part in scale-in decisions. @default false */
  disableScaleIn: z._default(z.boolean(), false),
  /**
   * Read the metric ahead of its own delay with the load balancer's request counts, which are
   * published a minute sooner (see `leadReading`); left out, the metric is read as published.
   */
  leading: z.optional(leadingSignalSchema),
});

export const stepSchema = z.strictObject({
  /** Inclusive lower bound of the metric value; left out, no lower bound. */
  lowerBound: z.optional(z.number()),
  /** Exclusive upper bound of the metric value; left out, no upper bound. */
  upperBound: z.optional(z.number()),
  /** Instances (`change`), percent of the capacity (`percent`) or the capacity itself (`exact`). */
  adjustment: z.number(),
});

export const stepPolicySchema = z.strictObject({
  name,
  metric: metricName,
  adjustmentType: z.enum(['change', 'percent', 'exact']),
  /** With `percent`, the smallest change in instances. @default 1 */
  minAdjustmentMagnitude: z._default(int(1, 1000), 1),
  steps: z.array(stepSchema).check(z.minLength(1), z.maxLength(20)),
});

export const scheduledSchema = z.strictObject({
  name,
  /** Window start, inclusive, in `timezone`. */
  start: clock,
  /** Window end, exclusive; earlier than `start` means the window crosses midnight. */
  end: clock,
  /** Days the window starts on; left out, every day. */
  days: z.optional(z.array(weekday).check(z.minLength(1), z.maxLength(7))),
  /** IANA time zone of `start`, `end` and `days`. @default 'UTC' */
  timezone: z._default(
    z.string().check(z.refine(isTimeZone, 'must be an IANA time zone such as "UTC" or "Europe/Madrid"')),
    'UTC',
  ),
  minCapacity: z.optional(int(0, 1000)),
  maxCapacity: z.optional(int(0, 1000)),
  desiredCapacity: z.optional(int(0, 1000)),
});

export const metricsSettingsSchema = z.strictObject({
  /** Only datapoints newer than this many seconds count; older means missing. @default 300 */
  windowSeconds: z._default(int(60, 3600), 300),
  /** Share of warmed-up in-service instances that must report, or the metric is insufficient. @default 0.5 */
  minCoverage: z._default(z.number().check(z.gt(0), z.lte(1)), 0.5),
});

const policySetObject = z.strictObject({
  /** Decide and explain, but never act. @default false */
  dryRun: z._default(z.boolean(), false),
  /** Floor for the group, inside the group's own minimum. Left out, the group's. */
  minCapacity: z.optional(int(0, 1000)),
  /** Ceiling for the group, inside the group's own maximum. Left out, the group's. */
  maxCapacity: z.optional(int(1, 1000)),
  /** Seconds after launch before an instance's metrics count. @default 300 */
  warmupSeconds: z._default(int(0, 3600), 300),
  metrics: z.prefault(metricsSettingsSchema, {}),
  behaviour: z.prefault(
    z.strictObject({
      scaleOut: z.prefault(scaleOutSchema, {}),
      scaleIn: z.prefault(scaleInSchema, {}),
    }),
    {},
  ),
  /** @default [] */
  targetTracking: z._default(z.array(targetTrackingSchema).check(z.maxLength(10)), []),
  /** @default [] */
  step: z._default(z.array(stepPolicySchema).check(z.maxLength(10)), []),
  /** @default [] */
  scheduled: z._default(z.array(scheduledSchema).check(z.maxLength(50)), []),
});

/** The policy set with its cross-field rules; each message names the fields involved. */
export const policySetSchema = policySetObject.check(
  z.superRefine((policy, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    if (
      policy.minCapacity !== undefined &&
      policy.maxCapacity !== undefined &&
      policy.minCapacity > policy.maxCapacity
    ) {
      issue(['maxCapacity'], `must be ≥ minCapacity (${policy.minCapacity}), got ${policy.maxCapacity}`);
    }
    if (policy.targetTracking.length + policy.step.length + policy.scheduled.length === 0) {
      issue([], 'must declare at least one policy in targetTracking, step or scheduled, got none');
    }
    const names = new Set<string>();
    const kinds = ['targetTracking', 'step', 'scheduled'] as const;
    for (const kind of kinds) {
      policy[kind].forEach((entry, index) => {
        if (names.has(entry.name)) issue([kind, index, 'name'], `must be unique, got "${entry.name}" twice`);
        names.add(entry.name);
      });
    }
    policy.step.forEach((step, index) => {
      checkSteps(step, index, issue);
    });
    policy.scheduled.forEach((window, index) => {
      const { minCapacity: min, maxCapacity: max, desiredCapacity: desired } = window;
      if (min === undefined && max === undefined && desired === undefined) {
        issue(['scheduled', index], 'must set minCapacity, maxCapacity or desiredCapacity, got none');
      }
      if (min !== undefined && max !== undefined && min > max) {
        issue(
          ['scheduled', index, 'maxCapacity'],
          `must be ≥ scheduled[${index}].minCapacity (${min}), got ${max}`,
        );
      }
      if (
        desired !== undefined &&
        ((min !== undefined && desired < min) || (max !== undefined && desired > max))
      ) {
        issue(
          ['scheduled', index, 'desiredCapacity'],
          `must be between scheduled[${index}].minCapacity and maxCapacity, got ${desired}`,
        );
      }
      if (window.start === window.end) {
        issue(['scheduled', index, 'end'], `must differ from start (${window.start}), got ${window.end}`);
      }
    });
  }),
);

function checkSteps(
  policy: z.output<typeof stepPolicySchema>,
  index: number,
  issue: (path: (string | number)[], message: string) => void,
): void {
  const sorted = policy.steps
    .map((step, stepIndex) => ({ step, stepIndex }))
    .sort((a, b) => (a.step.lowerBound ?? -Infinity) - (b.step.lowerBound ?? -Infinity));
  for (const { step, stepIndex } of sorted) {
    const path = ['step', index, 'steps', stepIndex];
    if (step.lowerBound === undefined && step.upperBound === undefined) {
      issue(path, 'must set lowerBound or upperBound, got neither');
    }
    if (
      step.lowerBound !== undefined &&
      step.upperBound !== undefined &&
      step.lowerBound >= step.upperBound
    ) {
      issue([...path, 'upperBound'], `must be > lowerBound (${step.lowerBound}), got ${step.upperBound}`);
    }
    if (policy.adjustmentType === 'exact' && (step.adjustment < 0 || !Number.isInteger(step.adjustment))) {
      issue(
        [...path, 'adjustment'],
        `must be a whole number ≥ 0 with adjustmentType "exact", got ${step.adjustment}`,
      );
    }
  }
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1]!;
    const current = sorted[i]!;
    const previousEnd = previous.step.upperBound ?? Infinity;
    const currentStart = current.step.lowerBound ?? -Infinity;
    if (currentStart < previousEnd) {
      issue(
        ['step', index, 'steps', current.stepIndex, 'lowerBound'],
        `must not overlap steps[${previous.stepIndex}] (which ends at ${previousEnd}), got ${currentStart}`,
      );
    }
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A validated policy set with every default filled in. */
export type PolicySet = z.output<typeof policySetSchema>;
/** What a user writes: fields with defaults may be left out. */
export type PolicySetInput = z.input<typeof policySetSchema>;
export type TargetTrackingPolicy = z.output<typeof targetTrackingSchema>;
export type LeadingSignal = z.output<typeof leadingSignalSchema>;
export type StepPolicy = z.output<typeof stepPolicySchema>;
export type ScheduledWindow = z.output<typeof scheduledSchema>;
export type DirectionBehaviour = z.output<typeof scaleOutSchema>;
export type RatePolicy = z.output<typeof ratePolicySchema>;
export type BaselineHold = z.output<typeof baselineHoldSchema>;

/** A policy set that does not match the schema; `problems` holds one `field: message` line each. */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';

  constructor(
    readonly source: string,
    readonly problems: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`Invalid policy in ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
  }
}

/**
 * Validates a policy set and fills in defaults.
 * @param source - What to call the input in the error, e.g. the file name.
 * @throws {PolicyError} naming every field that is wrong, unknown or inconsistent.
 */
export function parsePolicySet(input: unknown, source = 'policy'): PolicySet {
  const result = policySetSchema.safeParse(input);
  if (result.success) return result.data;
  throw new PolicyError(source, formatConfigIssues(result.error.issues, input), { cause: result.error });
}
