import * as z from 'zod';
import { loadBalancingAlgorithm } from '../../../shared/config/load-balancing';
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
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a label name such as "component"');

export const matcherRequestSchema = z.discriminatedUnion('op', [
  z.strictObject({ label: labelName, op: z.enum(['=', '!=']), value: z.string().max(200) }),
  z.strictObject({
    label: labelName,
    op: z.enum(['=~', '!~']),
    value: z
      .string()
      .min(1)
      .max(200)
      .superRefine((source, ctx) => {
        const problem = labelPatternProblem(source);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
  }),
]);

export const createSilenceSchema = z
  .strictObject({
    matchers: z.array(matcherRequestSchema).min(1, 'must hold at least one matcher').max(20),
    /** @default now */
    startsAt: z.iso.datetime({ offset: true }).optional(),
    endsAt: z.iso.datetime({ offset: true }),
    reason: reasonSchema,
  })
  .superRefine((body, ctx) => {
    const start = body.startsAt === undefined ? undefined : Date.parse(body.startsAt);
    const end = Date.parse(body.endsAt);
    if (start !== undefined && end <= start)
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    if (start !== undefined && end - start > MAX_SILENCE_MS)
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be at most 30 days after startsAt' });
  });

export const setAlgorithmSchema = z
  .strictObject({
    algorithm: loadBalancingAlgorithm,
    /** Automatic target weights; only with `weighted_random`. @default false */
    anomalyMitigation: z.boolean().default(false),
    /** Answer with the change without making it. @default false */
    dryRun: z.boolean().default(false),
    reason: reasonSchema,
  })
  .refine((body) => !body.anomalyMitigation || body.algorithm === 'weighted_random', {
    path: ['anomalyMitigation'],
    message: 'is only available with algorithm "weighted_random"',
  });

const targetGroupName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,19}$/, 'must be a target group name from the configuration');

export const setWeightsSchema = z
  .strictObject({
    weights: z
      .array(z.strictObject({ targetGroup: targetGroupName, weight: z.number().int().min(0).max(999) }))
      .min(1)
      .max(5),
    /** @default false */
    dryRun: z.boolean().default(false),
    reason: reasonSchema,
  })
  .superRefine((body, ctx) => {
    const seen = new Set<string>();
    body.weights.forEach((entry, index) => {
      if (seen.has(entry.targetGroup))
        ctx.addIssue({ code: 'custom', path: ['weights', index, 'targetGroup'], message: 'is listed twice' });
      seen.add(entry.targetGroup);
    });
  });

export const putPoliciesSchema = z.strictObject({
  /** The policy set, validated by the scaling engine's own schema (the one `parsePolicySet` runs). */
  policy: policySetSchema,
  /** @default false */
  dryRun: z.boolean().default(false),
  reason: reasonSchema,
});

export const evaluateSchema = z.strictObject({
  /** Decide and explain without acting. @default true */
  dryRun: z.boolean().default(true),
  reason: reasonSchema,
});

export const setCapacitySchema = z.strictObject({
  desiredCapacity: z.number().int().min(0).max(1000),
  /** Refuse while the group is in a cooldown. @default false */
  honorCooldown: z.boolean().default(false),
  /** @default false */
  dryRun: z.boolean().default(false),
  reason: reasonSchema,
});

export const failoverCommandSchema = z.strictObject({
  action: z.enum(['failover', 'failback', 'drill']),
  /** Plan only. @default true */
  dryRun: z.boolean().default(true),
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
export type AnalyzeRequest = z.output<typeof analyzeSchema>;
