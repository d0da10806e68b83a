import { isRegexSource } from '../../shared/config/primitives';
import * as z from '../../shared/config/zod';
import { componentId } from './component-id';

/**
 * The check kinds a health-check config can declare. Fields shared by every kind (id, component,
 * thresholds, timeout) are here; the defaults they fall back to live in `health-config.ts`.
 */

const int = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));

const checkId = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be 1-64 lower-case letters, digits, ".", "_" or "-"'));

/** HTTP status codes in ALB matcher syntax: `200`, `200-299`, `200-299,301`. */
export const statusMatcher = z
  .string()
  .check(
    z.regex(
      /^[1-5]\d\d(-[1-5]\d\d)?(,[1-5]\d\d(-[1-5]\d\d)?)*$/,
      'must be HTTP codes such as "200", "200-299" or "200-299,301"',
    ),
  );

const common = {
  id: checkId,
  component: componentId,
  /** Shown in alerts; left out, the id is used. */
  description: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  /** Unhealthy on its own makes the component `down`, not just `degraded`. @default false */
  critical: z._default(z.boolean(), false),
  /** Per-probe timeout; left out, `defaults.timeoutMs`. */
  timeoutMs: z.optional(int(100, 60_000)),
  /** Consecutive failures before `unhealthy`; left out, `defaults.failureThreshold`. */
  failureThreshold: z.optional(int(1, 20)),
  /** Consecutive successes before `healthy`; left out, `defaults.successThreshold`. */
  successThreshold: z.optional(int(1, 20)),
};

const headerMap = z.record(z.string().check(z.regex(/^[A-Za-z0-9-]+$/, 'must be a header name')), z.string());

const validRegex = z.string().check(z.refine(isRegexSource, 'must be a valid JavaScript regular expression'));

export const httpCheckSchema = z
  .strictObject({
    ...common,
    kind: z.literal('http'),
    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
    /** @default 'GET' */
    method: z._default(z.enum(['GET', 'HEAD', 'POST', 'PUT', 'OPTIONS']), 'GET'),
    /** @default {} */
    headers: z._default(headerMap, {}),
    /** Request body, sent as is (POST/PUT). */
    body: z.optional(z.string().check(z.maxLength(65_536))),
    /** @default '200-299' */
    expectedStatus: z._default(statusMatcher, '200-299'),
    /** The response body must contain this text (within the first `maxBodyBytes`). */
    bodyContains: z.optional(z.string().check(z.minLength(1))),
    /** The response body must match this regular expression (within the first `maxBodyBytes`). */
    bodyMatches: z.optional(validRegex),
    /** Bytes of body read for the body expectations; more is not read. @default 65536 */
    maxBodyBytes: z._default(int(1, 10 * 1024 * 1024), 65_536),
    /** HTTPS only: warn when the server certificate expires within this many days. @default 14 */
    tlsExpiryWarningDays: z._default(int(0, 365), 14),
  })
  .check(
    z.refine((check) => !(check.bodyContains !== undefined && check.bodyMatches !== undefined), {
      message: 'must set at most one of bodyContains and bodyMatches',
      path: ['bodyMatches'],
    }),
  );

/**
 * The application's own view of one of its dependencies: the service's health endpoint (e.g. the
 * demo's `GET /health`, 200 with `{status, dependencies: {database: {status, latencyMs}}}` even
 * while a dependency fails) read for the entry under `dependencies`. It sees a data path the AWS
 * APIs report as available: a database that stops answering, a cache that answers slowly.
 * Down when the service reports the dependency not answering, or answering slower than
 * `maxLatencyMs`, or when its body breaks that contract; no verdict (`unknown`) when the service
 * itself cannot be asked (refused, timed out, not 2xx): that is the endpoint's own check's
 * finding, and a `down` here would blame the dependency for it.
 */
export const dependencyCheckSchema = z.strictObject({
  ...common,
  kind: z.literal('dependency'),
  /** The service's health URL, e.g. `https://api.example.com/health`. */
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  /** The key under `dependencies` in the health body, e.g. `database`. */
  dependency: z
    .string()
    .check(
      z.regex(
        /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
        'must be a key of the body\'s "dependencies", e.g. "database"',
      ),
    ),
  /** Slower answers than this (the body's `latencyMs`) fail the check; left out, speed is not judged. */
  maxLatencyMs: z.optional(int(1, 60_000)),
  /** @default {} */
  headers: z._default(headerMap, {}),
  /** Bytes of the health body read; a longer body is a broken contract. @default 65536 */
  maxBodyBytes: z._default(int(256, 1024 * 1024), 65_536),
});

export const tcpCheckSchema = z.strictObject({
  ...common,
  kind: z.literal('tcp'),
  host: z.string().check(z.minLength(1), z.maxLength(253)),
  port: int(1, 65_535),
});

export const albTargetHealthCheckSchema = z.strictObject({
  ...common,
  kind: z.literal('alb-target-health'),
  targetGroupArn: z
    .string()
    .check(
      z.regex(
        /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup\/[A-Za-z0-9-]+\/[0-9a-f]+$/,
        'must be a target group ARN',
      ),
    ),
  /** @default 1 */
  minHealthy: z._default(int(0, 1000), 1),
});

export const auroraCheckSchema = z.strictObject({
  ...common,
  kind: z.literal('aurora'),
  clusterId: z.string().check(z.regex(/^[a-zA-Z][a-zA-Z0-9-]{0,62}$/, 'must be a DB cluster identifier')),
  /** Readers lagging more than this make the check warn. @default 1000 */
  maxReplicaLagMs: z._default(int(0, 3_600_000), 1000),
});

export const elasticacheCheckSchema = z.strictObject({
  ...common,
  kind: z.literal('elasticache'),
  replicationGroupId: z
    .string()
    .check(z.regex(/^[a-zA-Z][a-zA-Z0-9-]{0,39}$/, 'must be a replication group id')),
});

export const lambdaErrorsCheckSchema = z.strictObject({
  ...common,
  kind: z.literal('lambda-errors'),
  functionName: z.string().check(z.regex(/^[a-zA-Z0-9-_]{1,64}$/, 'must be a Lambda function name')),
  /** More errors than this within the window fail the check. @default 0 */
  maxErrors: z._default(int(0, 1_000_000), 0),
  /** @default 5 */
  windowMinutes: z._default(int(1, 60), 5),
});

/** Every check kind, discriminated by `kind`. */
export const checkSchema = z.discriminatedUnion('kind', [
  httpCheckSchema,
  tcpCheckSchema,
  albTargetHealthCheckSchema,
  auroraCheckSchema,
  elasticacheCheckSchema,
  lambdaErrorsCheckSchema,
  dependencyCheckSchema,
]);

// Distributes over the union so each kind keeps its own fields.
type Resolved<T> = T extends unknown
  ? Omit<T, 'timeoutMs' | 'failureThreshold' | 'successThreshold'> & {
      readonly timeoutMs: number;
      readonly failureThreshold: number;
      readonly successThreshold: number;
    }
  : never;

/** A check as written in the file, before defaults are applied. */
export type CheckDefinition = z.output<typeof checkSchema>;
/** A check with its thresholds and timeout resolved from the file's defaults. */
export type HealthCheck = Resolved<CheckDefinition>;
export type CheckKind = HealthCheck['kind'];
export type HttpCheck = Extract<HealthCheck, { kind: 'http' }>;
export type TcpCheck = Extract<HealthCheck, { kind: 'tcp' }>;
export type AlbTargetHealthCheck = Extract<HealthCheck, { kind: 'alb-target-health' }>;
export type AuroraCheck = Extract<HealthCheck, { kind: 'aurora' }>;
export type ElasticacheCheck = Extract<HealthCheck, { kind: 'elasticache' }>;
export type LambdaErrorsCheck = Extract<HealthCheck, { kind: 'lambda-errors' }>;
export type DependencyCheck = Extract<HealthCheck, { kind: 'dependency' }>;

/** True when `status` is one of the codes `matcher` (ALB syntax, e.g. `200-299,301`) accepts. */
export function statusMatches(matcher: string, status: number): boolean {
  return matcher.split(',').some((part) => {
    const [low, high = low] = part.split('-').map(Number);
    return low !== undefined && high !== undefined && status >= low && status <= high;
  });
}
