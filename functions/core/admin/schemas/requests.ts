import { loadBalancingAlgorithm } from '../../../shared/config/load-balancing';
import * as z from '../../../shared/config/zod';
import { labelPatternProblem } from '../../alerting/label-pattern';
import { MAX_SILENCE_MS } from '../../alerting/silences';
import { policySetSchema } from '../../scaling/policy-schema';
import { reasonSchema } from './common';

/**
 * Request bodies of the mutating routes. Every object is strict (an unknown field is an error,
 * not silently dropped), every string and array is bounded, and every body carries a `reason`
 * for the audit trail.
 */

const labelName = z
  .string()
  .check(z.regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a label name such as "component"'));

export const matcherRequestSchema = z.discriminatedUnion('op', [
  z.strictObject({ label: labelName, op: z.enum(['=', '!=']), value: z.string().check(z.maxLength(200)) }),
  z.strictObject({
    label: labelName,
    op: z.enum(['=~', '!~']),
    value: z.string().check(
      z.minLength(1),
      z.maxLength(200),
      z.superRefine((source, ctx) => {
        const problem = labelPatternProblem(source);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    ),
  }),
]);

export const createSilenceSchema = z
  .strictObject({
    matchers: z
      .array(matcherRequestSchema)
      .check(z.minLength(1, 'must hold at least one matcher'), z.maxLength(20)),
    /** @default now */
    startsAt: z.optional(z.iso.datetime({ offset: true })),
    endsAt: z.iso.datetime({ offset: true }),
    reason: reasonSchema,
  })
  .check(
    z.superRefine((body, ctx) => {
      const start = body.startsAt === undefined ? undefined : Date.parse(body.startsAt);
      const end = Date.parse(body.endsAt);
      if (start !== undefined && end <= start)
        ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
      if (start !== undefined && end - start > MAX_SILENCE_MS)
        ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be at most 30 days after startsAt' });
    }),
  );

export const setAlgorithmSchema = z
  .strictObject({
    algorithm: loadBalancingAlgorithm,
    /** Automatic target weights; only with `weighted_random`. @default false */
    anomalyMitigation: z._default(z.boolean(), false),
    /** Answer with the change without making it. @default false */
    dryRun: z._default(z.boolean(), false),
    reason: reasonSchema,
  })
  .check(
    z.refine((body) => !body.anomalyMitigation || body.algorithm === 'weighted_random', {
      path: ['anomalyMitigation'],
      message: 'is only available with algorithm "weighted_random"',
    }),
  );

const targetGroupName = z
  .string()
  .check(z.regex(/^[a-z][a-z0-9-]{0,19}$/, 'must be a target group name from the configuration'));

export const setWeightsSchema = z
  .strictObject({
    weights: z
      .array(z.strictObject({ targetGroup: targetGroupName, weight: z.int().check(z.gte(0), z.lte(999)) }))
      .check(z.minLength(1), z.maxLength(5)),
    /** @default false */
    dryRun: z._default(z.boolean(), false),
    reason: reasonSchema,
  })
  .check(
    z.superRefine((body, ctx) => {
      const seen = new Set<string>();
      body.weights.forEach((entry, index) => {
        if (seen.has(entry.targetGroup))
          ctx.addIssue({
            code: 'custom',
            path: ['weights', index, 'targetGroup'],
            message: 'is listed twice',
          });
        seen.add(entry.targetGroup);
      });
    }),
  );

export const putPoliciesSchema = z.strictObject({
  /** The policy set, validated by the scaling engine's own schema (the one `parsePolicySet` runs). */
  policy: policySetSchema,
  /** @default false */
  dryRun: z._default(z.boolean(), false),
  reason: reasonSchema,
});

export const evaluateSchema = z.strictObject({
  /** Decide and explain without acting. @default true */
  dryRun: z._default(z.boolean(), true),
  reason: reasonSchema,
});

export const setCapacitySchema = z.strictObject({
  desiredCapacity: z.int().check(z.gte(0), z.lte(1000)),
  /** Refuse while the group is in a cooldown. @default false */
  honorCooldown: z._default(z.boolean(), false),
  /** @default false */
  dryRun: z._default(z.boolean(), false),
  reason: reasonSchema,
});

export const failoverCommandSchema = z.strictObject({
  action: z.enum(['failover', 'failback', 'drill']),
  /** Plan only. @default true */
  dryRun: z._default(z.boolean(), true),
  reason: reasonSchema,
});

export const regionCommandSchema = z.strictObject({
  /** Plan only (the CLI without `--execute`). @default true */
  dryRun: z._default(z.boolean(), true),
  /**
   * A human accepts the data an unplanned failover past its lag or readiness guards may lose
   * (the CLI's `--confirm`); refused with any other operation. @default false
   */
  confirm: z._default(z.boolean(), false),
  reason: reasonSchema,
});

export const analyzeSchema = z.strictObject({ reason: reasonSchema });

export type CreateSilenceRequest = z.output<typeof createSilenceSchema>;
export type SetAlgorithmRequest = z.output<typeof setAlgorithmSchema>;
export type SetWeightsRequest = z.output<typeof setWeightsSchema>;
export type PutPoliciesRequest = z.output<typeof putPoliciesSchema>;
export type EvaluateRequest = z.output<typeof evaluateSchema>;
export type SetCapacityRequest = z.output<typeof setCapacitySchema>;
export type FailoverCommandRequest = z.output<typeof failoverCommandSchema>;
export type RegionCommandRequest = z.output<typeof regionCommandSchema>;
export type AnalyzeRequest = z.output<typeof analyzeSchema>;
