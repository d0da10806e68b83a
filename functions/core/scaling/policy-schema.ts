import * as z from 'zod';
import { formatConfigIssues } from '../../shared/config/issues';

/**
 * The scaling policy set: what the engine decides with. One schema for the CLI's
 * `--policy FILE`, the admin API and the scaling function. Names follow the platform
 * configuration (`fleet.minCapacity`, `fleet.maxCapacity`, `fleet.warmupSeconds`) and, for the
 * behaviour, the Kubernetes HPA's (`stabilizationWindowSeconds`, `selectPolicy`).
 */

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const name = z
  .string()
  .regex(
    /^[a-zA-Z][a-zA-Z0-9_.-]{0,63}$/,
    'must be 1-64 letters, digits, "_", "." or "-", starting with a letter',
  );
const metricName = z
  .string()
  .regex(
    /^[a-zA-Z][a-zA-Z0-9_.-]{0,63}$/,
    'must be a metric name such as "cpu", "memory" or "requestsPerTarget"',
  );
const tolerance = z.number().min(0).max(1);
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time "HH:MM" such as "08:30"');
const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
/** Day names as `Date.getUTCDay()` numbers them. */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export const ratePolicySchema = z.strictObject({
  /** `instances`: at most `value` instances per period; `percent`: at most `value` % of the capacity at the period's start. */
  type: z.enum(['instances', 'percent']),
  value: z.number().positive(),
  periodSeconds: int(1, 3600),
});

const directionFields = {
  /** Seconds after a scaling activity during which this direction is blocked. */
  cooldownSeconds: int(0, 3600),
  /** Recommendations in this window are combined (scale-out: min, scale-in: max) before acting. */
  stabilizationWindowSeconds: int(0, 3600),
  /** Which rate policy wins when several apply: `max` allows the largest change, `min` the smallest, `disabled` none. @default 'max' */
  selectPolicy: z.enum(['max', 'min', 'disabled']).default('max'),
  /** Rate limits per period; empty means unlimited. */
  policies: z.array(ratePolicySchema).max(10),
  /** The most instances one decision may add or remove; left out, no cap beyond the rate limits. */
  maxStep: int(1, 1000).optional(),
};

export const scaleOutSchema = z.strictObject({
  ...directionFields,
  /** @default 60 */
  cooldownSeconds: directionFields.cooldownSeconds.default(60),
  /** @default 0 */
  stabilizationWindowSeconds: directionFields.stabilizationWindowSeconds.default(0),
  /** @default [] (no rate limit) */
  policies: directionFields.policies.default([]),
});

export const scaleInSchema = z.strictObject({
  ...directionFields,
  /** @default 300 */
  cooldownSeconds: directionFields.cooldownSeconds.default(300),
  /** @default 300 */
  stabilizationWindowSeconds: directionFields.stabilizationWindowSeconds.default(300),
  /** @default [{ type: 'percent', value: 50, periodSeconds: 300 }] */
  policies: directionFields.policies.default([{ type: 'percent', value: 50, periodSeconds: 300 }]),
});

export const targetTrackingSchema = z.strictObject({
  name,
  metric: metricName,
  /** The value to hold the metric at, e.g. 60 for 60 % CPU. */
  target: z.number().positive(),
  /** Scale out only when metric / target exceeds 1 + toleranceOut. @default 0.05 */
  toleranceOut: tolerance.default(0.05),
  /** Scale in only when metric / target falls below 1 - toleranceIn. @default 0.1 */
  toleranceIn: tolerance.default(0.1),
  /** This policy only ever adds capacity and takes no part in scale-in decisions. @default false */
  disableScaleIn: z.boolean().default(false),
});

export const stepSchema = z.strictObject({
  /** Inclusive lower bound of the metric value; left out, no lower bound. */
  lowerBound: z.number().optional(),
  /** Exclusive upper bound of the metric value; left out, no upper bound. */
  upperBound: z.number().optional(),
  /** Instances (`change`), percent of the capacity (`percent`) or the capacity itself (`exact`). */
  adjustment: z.number(),
});

export const stepPolicySchema = z.strictObject({
  name,
  metric: metricName,
  adjustmentType: z.enum(['change', 'percent', 'exact']),
  /** With `percent`, the smallest change in instances. @default 1 */
  minAdjustmentMagnitude: int(1, 1000).default(1),
  steps: z.array(stepSchema).min(1).max(20),
});

export const scheduledSchema = z.strictObject({
  name,
  /** Window start, inclusive, in `timezone`. */
  start: clock,
  /** Window end, exclusive; earlier than `start` means the window crosses midnight. */
  end: clock,
  /** Days the window starts on; left out, every day. */
  days: z.array(weekday).min(1).max(7).optional(),
  /** IANA time zone of `start`, `end` and `days`. @default 'UTC' */
  timezone: z
    .string()
    .refine(isTimeZone, 'must be an IANA time zone such as "UTC" or "Europe/Madrid"')
    .default('UTC'),
  minCapacity: int(0, 1000).optional(),
  maxCapacity: int(0, 1000).optional(),
  desiredCapacity: int(0, 1000).optional(),
});

export const metricsSettingsSchema = z.strictObject({
  /** Only datapoints newer than this many seconds count; older means missing. @default 300 */
  windowSeconds: int(60, 3600).default(300),
  /** Share of warmed-up in-service instances that must report, or the metric is insufficient. @default 0.5 */
  minCoverage: z.number().gt(0).max(1).default(0.5),
});

const policySetObject = z.strictObject({
  /** Decide and explain, but never act. @default false */
  dryRun: z.boolean().default(false),
  /** Floor for the group, inside the group's own minimum. Left out, the group's. */
  minCapacity: int(0, 1000).optional(),
  /** Ceiling for the group, inside the group's own maximum. Left out, the group's. */
  maxCapacity: int(1, 1000).optional(),
  /** Seconds after launch before an instance's metrics count. @default 300 */
  warmupSeconds: int(0, 3600).default(300),
  metrics: metricsSettingsSchema.prefault({}),
  behaviour: z
    .strictObject({
      scaleOut: scaleOutSchema.prefault({}),
      scaleIn: scaleInSchema.prefault({}),
    })
    .prefault({}),
  /** @default [] */
  targetTracking: z.array(targetTrackingSchema).max(10).default([]),
  /** @default [] */
  step: z.array(stepPolicySchema).max(10).default([]),
  /** @default [] */
  scheduled: z.array(scheduledSchema).max(50).default([]),
});

/** The policy set with its cross-field rules; each message names the fields involved. */
export const policySetSchema = policySetObject.superRefine((policy, ctx) => {
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
});

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
export type StepPolicy = z.output<typeof stepPolicySchema>;
export type ScheduledWindow = z.output<typeof scheduledSchema>;
export type DirectionBehaviour = z.output<typeof scaleOutSchema>;
export type RatePolicy = z.output<typeof ratePolicySchema>;

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
