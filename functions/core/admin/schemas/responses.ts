import * as z from 'zod';

/**
 * Response schemas, for the OpenAPI document. They state what the routes promise; fields that
 * come verbatim from another engine's records (decisions, query reports) are open objects.
 */

const isoTime = z.string().describe('ISO 8601 time');
const open = z.record(z.string(), z.unknown());

export const checkViewSchema = z.object({
  id: z.string(),
  component: z.string(),
  critical: z.boolean(),
  description: z.string().optional(),
  status: z.enum(['unknown', 'healthy', 'unhealthy', 'flapping']),
  since: isoTime.nullable(),
  consecutiveFailures: z.number(),
  consecutiveSuccesses: z.number(),
  lastResult: open.nullable(),
});

const componentStatus = z.object({
  component: z.string(),
  status: z.enum(['healthy', 'degraded', 'down', 'unknown']),
  reasons: z.array(z.string()),
});

export const checksResponse = z.object({
  components: z.array(componentStatus.extend({ dependsOn: z.array(z.string()) })),
  checks: z.array(checkViewSchema),
});

export const incidentSummarySchema = z.object({
  id: z.string(),
  kind: z.enum(['health', 'failover']),
  component: z.string(),
  open: z.boolean(),
  status: z.string(),
  openedAt: isoTime,
  closedAt: isoTime.optional(),
  summary: z.string(),
});

export const incidentsResponse = z.object({ incidents: z.array(incidentSummarySchema) });

export const incidentResponse = incidentSummarySchema
  .extend({
    actions: z.array(open).optional().describe('Failover incidents: every action with its outcome'),
    narrative: z.array(z.string()).optional(),
    failovers: z.array(open).optional().describe('Health incidents: failovers started while it was open'),
  })
  .catchall(z.unknown());

export const silenceSchema = z.object({
  id: z.string(),
  matchers: z.array(z.object({ label: z.string(), op: z.string(), value: z.string() })),
  startsAt: isoTime,
  endsAt: isoTime,
  createdBy: z.string(),
  comment: z.string(),
});

export const silencesResponse = z.object({ silences: z.array(silenceSchema) });
export const removedResponse = z.object({ id: z.string(), removed: z.literal(true) });

export const loadBalancerResponse = z.object({
  listenerArn: z.string(),
  targetGroups: z.array(
    z.object({
      name: z.string(),
      arn: z.string(),
      weight: z.number(),
      algorithm: z.string(),
      anomalyMitigation: z.boolean(),
      targets: z.array(
        z.object({
          id: z.string(),
          port: z.number().optional(),
          state: z.string(),
          reason: z.string().optional(),
        }),
      ),
    }),
  ),
});

export const changeResponse = z
  .object({ dryRun: z.boolean(), before: z.unknown().optional(), after: z.unknown().optional() })
  .catchall(z.unknown());

export const groupResponse = z.object({
  group: z.object({
    name: z.string(),
    minCapacity: z.number(),
    maxCapacity: z.number(),
    desiredCapacity: z.number(),
    instances: z.array(z.object({ id: z.string(), lifecycleState: z.string(), healthStatus: z.string() })),
  }),
  effectivePolicy: z.object({ source: z.enum(['override', 'default']), policy: open }).catchall(z.unknown()),
  latest: open.nullable(),
  decisions: z.array(open),
});

export const failoverResponse = z.object({ components: z.array(open) });

export const failoverCommandResponse = z.object({
  component: z.string(),
  action: z.string(),
  dryRun: z.boolean(),
  verdict: z.string(),
  reason: z.string(),
  plan: z.array(open),
  checks: z.array(z.object({ guard: z.string(), passed: z.boolean(), detail: z.string() })),
  accepted: z.boolean().optional(),
  incidentId: z.string().optional(),
  follow: z.string().optional(),
});

const reportHeader = {
  reportedAt: isoTime.nullable(),
  trimmed: z.boolean().describe('Lists were shortened to fit one item; `counts` has the full lengths'),
  counts: open.nullable(),
};
export const slowQueriesResponse = z.object({
  ...reportHeader,
  slowQueries: z.array(open),
  regressions: z.array(open),
  topByTotalTime: z.array(open),
});
export const indexRecommendationsResponse = z.object({
  ...reportHeader,
  recommendations: z.array(open),
  unusedIndexes: z.array(open),
  duplicateIndexes: z.array(open),
  advisor: open.nullable(),
});
export const acceptedResponse = z.object({
  accepted: z.literal(true),
  requestId: z.string(),
  follow: z.string(),
});

export const cacheStatsResponse = z.object({
  windowMinutes: z.number(),
  namespaces: z.array(
    z.object({
      namespace: z.string(),
      hits: z.number(),
      misses: z.number(),
      staleServes: z.number(),
      errors: z.number(),
      hitRatio: z.number().nullable(),
    }),
  ),
});

export const invalidatedResponse = z.object({ namespace: z.string(), invalidated: z.literal(true) });

export const statusResponse = z.object({
  at: isoTime,
  health: z.array(componentStatus).nullable(),
  failover: z.array(open).nullable(),
  fleet: open.nullable(),
  scaling: z.array(open).nullable(),
  incidents: z.array(incidentSummarySchema).nullable(),
  errors: z.array(z.object({ section: z.string(), message: z.string() })),
});

export const openApiResponse = open.describe('This document');
