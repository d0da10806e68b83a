import * as z from 'zod';
import { int } from './primitives';

const ms = z.number().gt(0, 'must be > 0 and ≤ 3600000 ms').max(3_600_000, 'must be > 0 and ≤ 3600000 ms');
const percent = 'must be a percentage > 0 and ≤ 100';

/** The methods `@misybot-ha/metrics` records under their own name (others become `OTHER`). */
export const endpointMethod = z.enum(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
export type EndpointMethod = z.infer<typeof endpointMethod>;

/**
 * Most routes alarmed on. Each costs up to three alarms; with the platform's own (at most 19) that
 * stays under the 100 alarms one dashboard status widget shows, and well under a stack's 500
 * resources.
 */
export const MAX_ALARMED_ROUTES = 25;

/**
 * One route alarmed on. `route` and `method` are the `Route` and `Method` dimensions the
 * recorder writes, so the route is the framework's template, never a raw URL.
 */
export const endpointRouteSchema = z.strictObject({
  /** The route template as the middleware records it, e.g. `/chat/:id` (at most 200 characters, as recorded). */
  route: z
    .string()
    .regex(/^\/[\x21-\x7e]{0,199}$/, 'must be a route template such as "/chat/:id" (at most 200 characters)'),
  method: endpointMethod,
  /** Alarm when the minute's p95 latency is at or above this many ms; left out, no p95 alarm. */
  p95Ms: ms.optional(),
  /** Alarm when the minute's p99 latency is at or above this many ms; left out, no p99 alarm. */
  p99Ms: ms.optional(),
  /** Alarm when `Errors` are at or above this percentage of `Requests`; left out, no error-rate alarm. */
  errorRatePercent: z.number().gt(0, percent).max(100, percent).optional(),
  /**
   * A minute with fewer requests counts as 0 % errors: one failure out of two requests is not an
   * incident worth a page. @default 10
   */
  errorRateMinRequests: int(1, 1_000_000).default(10),
  /** Topic the route's alarms notify. @default 'warning' */
  severity: z.enum(['critical', 'warning', 'info']).default('warning'),
  /** Periods of one minute looked at. @default 5 */
  evaluationPeriods: int(1, 60).default(5),
  /** Breaching periods among them that raise an alarm. @default 3 */
  datapointsToAlarm: int(1, 60).default(3),
});

/**
 * The endpoints of the MisyBot service alarmed on (`endpoints`): what `@misybot-ha/metrics`
 * records, named the way it records it. The CDK app turns each route into p95/p99 latency and
 * error-rate alarms plus a dashboard row.
 */
export const endpointsSchema = z.strictObject({
  /** The `Service` dimension: the `service` passed to `createEndpointMetrics`. @default 'misybot' */
  service: z
    .string()
    .regex(
      /^[\x21-\x7e]{1,255}$/,
      'must be 1-255 printable characters without spaces, as passed to createEndpointMetrics',
    )
    .default('misybot'),
  /** The recorder's `metricNamespace`. @default 'MisyBot/Endpoints' (the recorder's default) */
  namespace: z
    .string()
    .regex(
      /^(?!AWS\/)[A-Za-z0-9._/#: -]{1,255}$/,
      'must be a CloudWatch namespace (letters, digits, . _ / # : - and spaces, not starting with "AWS/")',
    )
    .default('MisyBot/Endpoints'),
  /** @default [] */
  routes: z
    .array(endpointRouteSchema)
    .max(MAX_ALARMED_ROUTES, `must list at most ${MAX_ALARMED_ROUTES} routes (up to 3 alarms each)`)
    .default([]),
});

/** `endpoints` after defaults. */
export type EndpointsSettings = z.output<typeof endpointsSchema>;
/** One entry of `endpoints.routes` after defaults. */
export type EndpointRouteSettings = z.output<typeof endpointRouteSchema>;
