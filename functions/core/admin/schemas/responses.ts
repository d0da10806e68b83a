import * as z from '../../../shared/config/zod';

/**
 * Response schemas, for the OpenAPI document. They state what the routes promise; fields that
 * come verbatim from another engine's records (decisions, query reports) are open objects.
 */

const isoTime = z.string().check(z.describe('ISO 8601 time'));
const open = z.record(z.string(), z.unknown());

export const checkViewSchema = z.object({
  id: z.string(),
  component: z.string(),
  critical: z.boolean(),
  description: z.optional(z.string()),
  status: z.enum(['unknown', 'healthy', 'unhealthy', 'flapping']),
  since: z.nullable(isoTime),
  consecutiveFailures: z.number(),
  consecutiveSuccesses: z.number(),
  lastResult: z.nullable(open),
});

const componentStatus = z.object({
  component: z.string(),
  status: z.enum(['healthy', 'degraded', 'down', 'unknown']),
  reasons: z.array(z.string()),
});

export const checksResponse = z.object({
  components: z.array(z.extend(componentStatus, { dependsOn: z.array(z.string()) })),
  checks: z.array(checkViewSchema),
});

export const incidentSummarySchema = z.object({
  id: z.string(),
  kind: z.enum(['health', 'failover']),
  component: z.string(),
  open: z.boolean(),
  status: z.string(),
  openedAt: isoTime,
  closedAt: z.optional(isoTime),
  summary: z.string(),
});

export const incidentsResponse = z.object({ incidents: z.array(incidentSummarySchema) });

export const incidentResponse = z.catchall(
  z.extend(incidentSummarySchema, {
    actions: z.optional(z.array(open)).check(z.describe('Failover incidents: every action with its outcome')),
    narrative: z.optional(z.array(z.string())),
    failovers: z
      .optional(z.array(open))
      .check(z.describe('Health incidents: failovers started while it was open')),
  }),
  z.unknown(),
);

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
          port: z.optional(z.number()),
          state: z.string(),
          reason: z.optional(z.string()),
        }),
      ),
    }),
  ),
});

export const changeResponse = z.catchall(
  z.object({ dryRun: z.boolean(), before: z.optional(z.unknown()), after: z.optional(z.unknown()) }),
  z.unknown(),
);

export const groupResponse = z.object({
  group: z.object({
    name: z.string(),
    minCapacity: z.number(),
    maxCapacity: z.number(),
    desiredCapacity: z.number(),
    instances: z.array(z.object({ id: z.string(), lifecycleState: z.string(), healthStatus: z.string() })),
  }),
  effectivePolicy: z.catchall(
    z.object({ source: z.enum(['override', 'default']), policy: open }),
    z.unknown(),
  ),
  latest: z.nullable(open),
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
  accepted: z.optional(z.boolean()),
  incidentId: z.optional(z.string()),
  follow: z.optional(z.string()),
});

const regionCheck = z.object({ guard: z.string(), passed: z.boolean(), detail: z.string() });
const regionStep = z.object({ kind: z.string(), region: z.string(), description: z.string() });
const regionDecision = z.object({
  verdict: z.enum(['steady', 'watching', 'needs-human', 'refused', 'start']),
  operation: z.nullable(z.string()),
  automatic: z.boolean(),
  from: z.string(),
  to: z.string(),
  explanation: z.string(),
  dataLossConfirmed: z.boolean(),
  checks: z.array(regionCheck),
  plan: z.array(regionStep),
});

export const regionsResponse = z.object({
  at: isoTime,
  state: z.nullable(
    z.object({
      activeRegion: z.string(),
      activeUnhealthySince: z.nullable(isoTime),
      switchesIn24Hours: z.array(z.object({ at: isoTime, operation: z.string(), automatic: z.boolean() })),
      timeline: z.nullable(z.looseObject({ id: z.string(), status: z.string(), text: z.string() })),
      updatedAt: isoTime,
    }),
  ),
  live: z.nullable(regionDecision),
  errors: z.array(z.object({ section: z.string(), message: z.string() })),
});

export const regionCommandResponse = z.extend(regionDecision, {
  dryRun: z.boolean(),
  accepted: z.optional(z.boolean()),
  commandId: z.optional(z.string()),
  follow: z.optional(z.string()),
});

const reportHeader = {
  reportedAt: z.nullable(isoTime),
  trimmed: z
    .boolean()
    .check(z.describe('Lists were shortened to fit one item; `counts` has the full lengths')),
  counts: z.nullable(open),
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
  advisor: z.nullable(open),
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
      hitRatio: z.nullable(z.number()),
    }),
  ),
});

export const invalidatedResponse = z.object({ namespace: z.string(), invalidated: z.literal(true) });

export const statusResponse = z.object({
  at: isoTime,
  health: z.nullable(z.array(componentStatus)),
  failover: z.nullable(z.array(open)),
  fleet: z.nullable(open),
  scaling: z.nullable(z.array(open)),
  incidents: z.nullable(z.array(incidentSummarySchema)),
  errors: z.array(z.object({ section: z.string(), message: z.string() })),
});

export const openApiResponse = open.check(z.describe('This document'));

/** An RFC 9457 problem document with the request's correlation id: every error answer. */
export const problemSchema = z.object({
  type: z.string().check(z.describe('A URN naming the kind of problem')),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  instance: z.string().check(z.describe('The method and path that failed')),
  correlationId: z.string().check(z.describe('Quote it to find the request in the logs')),
  errors: z
    .optional(z.array(z.object({ field: z.string(), message: z.string() })))
    .check(z.describe('One entry per field that is wrong')),
});
