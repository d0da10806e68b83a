import * as z from 'zod';
import {
  type FleetAppSettings,
  fleetAppSchema,
  fleetUpdateSchema,
  type WafSettingsInput,
  wafSchema,
} from './deploy';
import { endpointsSchema } from './endpoints';
import { failoverSchema, secondaryTargetSchema } from './failover';
import {
  auroraDefaultMaxConnections,
  INSTANCE_TYPE_PATTERN,
  logRetentionDays,
  SCHEDULE_EXPRESSION,
} from './limits';
import { type LoadBalancingAlgorithm, loadBalancingAlgorithm } from './load-balancing';
import { alarmsSchema, alertingSchema } from './monitoring';
import { int } from './primitives';
import { queryAnalysisSchema } from './query-analysis';
import { regionsSchema } from './regions';

/**
 * The platform's configuration schema: one source of truth for the CDK app, the control-plane
 * Lambdas and the CLI. Every field has a documented default so a user's file only states what
 * differs from the demo platform. Cross-field rules live in {@link platformConfigSchema}'s
 * `superRefine` so their messages can name both fields.
 */

export { failoverSchema, type LoadBalancingAlgorithm, loadBalancingAlgorithm, secondaryTargetSchema };

const scheduleExpression = z
  .string()
  .regex(
    SCHEDULE_EXPRESSION,
    'must be an EventBridge schedule expression such as "rate(1 minute)" or "cron(0 3 * * ? *)"',
  );

export const environmentSchema = z.strictObject({
  /** 12-digit AWS account id; left out, the stack is environment-agnostic. */
  account: z
    .string()
    .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
    .optional(),
  /** AWS region; left out, the stack is environment-agnostic. */
  region: z
    .string()
    .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region such as "eu-west-1"')
    .optional(),
  /** @default 'dev' */
  stage: z.enum(['dev', 'staging', 'prod']).default('dev'),
});

export const domainSchema = z.strictObject({
  /** The zone the platform's records live in, e.g. `example.com`. */
  zoneName: z
    .string()
    .regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, 'must be a lower-case DNS zone such as "example.com"'),
  /** The hosted zone id; given explicitly so synth needs no lookup. */
  hostedZoneId: z
    .string()
    .regex(/^Z[A-Z0-9]{5,31}$/, 'must be a Route 53 hosted zone id such as "Z0123456789ABC"'),
  /** Host name under the zone that serves the platform. @default 'api' */
  recordName: z
    .string()
    .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)*$/, 'must be a DNS label such as "api"')
    .default('api'),
  /** An existing ACM certificate for `recordName.zoneName`; left out, one is issued with DNS validation. */
  certificateArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/, 'must be an ACM certificate ARN')
    .optional(),
});

export const networkSchema = z.strictObject({
  /** @default '10.20.0.0/16' */
  cidr: z
    .string()
    .regex(/^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-4])$/, 'must be an IPv4 CIDR between /16 and /24')
    .default('10.20.0.0/16'),
  /**
   * Two or three zone names, e.g. `["eu-west-1a", "eu-west-1b", "eu-west-1c"]`. Named explicitly
   * so synth needs no lookup; left out, the stack spans two zones chosen at deploy time.
   */
  availabilityZones: z
    .array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, 'must be a zone name such as "eu-west-1a"'))
    .min(2)
    .max(3)
    .optional(),
  /**
   * NAT gateways, at most one per zone. One per zone survives the loss of a zone; one in all costs
   * less and suits `dev`. Left out: one per zone for the `prod` stage, one otherwise.
   */
  natGateways: int(1, 3).optional(),
  /** @default 90 */
  flowLogRetentionDays: logRetentionDays.default(90),
  /**
   * Interface endpoints for the AWS services the instances and functions call (SSM, CloudWatch,
   * Secrets Manager, X-Ray, ...), so they keep working when a NAT gateway's zone fails. Each
   * endpoint is billed per zone-hour. @default true
   */
  interfaceEndpoints: z.boolean().default(true),
});

export const fleetSchema = z.strictObject({
  /** Graviton by default; the architecture is derived from the family. @default 't4g.small' */
  instanceType: z
    .string()
    .regex(INSTANCE_TYPE_PATTERN, 'must be an EC2 instance type such as "t4g.small"')
    .default('t4g.small'),
  /** At least one: CloudFormation waits for this many instances to signal a healthy start. @default 2 */
  minCapacity: int(1, 1000).default(2),
  /** @default 10 */
  maxCapacity: int(1, 1000).default(10),
  /** Left out, the group starts at `minCapacity` and the scaling function owns it. */
  desiredCapacity: int(0, 1000).optional(),
  /** Seconds before a new instance's metrics count toward scaling decisions. @default 300 */
  warmupSeconds: int(0, 3600).default(300),
  /** Seconds before ELB health checks can replace a new instance. @default 300 */
  healthCheckGraceSeconds: int(0, 7200).default(300),
  /** Port the MisyBot service listens on. @default 8080 */
  appPort: int(1, 65535).default(8080),
  /** @default 20 */
  rootVolumeGiB: int(8, 1024).default(20),
  /** The service the fleet runs: image, artifact, start command. */
  app: fleetAppSchema.prefault({}),
  /** How a deploy replaces running instances. */
  update: fleetUpdateSchema.prefault({}),
});

export const healthCheckSchema = z.strictObject({
  /** @default '/health' */
  path: z
    .string()
    .regex(/^\/[\x21-\x7e]*$/, 'must be an absolute path such as "/health"')
    .default('/health'),
  /** @default 15 */
  intervalSeconds: int(5, 300).default(15),
  /** @default 5 */
  timeoutSeconds: int(2, 120).default(5),
  /** @default 3 */
  healthyThreshold: int(2, 10).default(3),
  /** @default 2 */
  unhealthyThreshold: int(2, 10).default(2),
  /** HTTP codes that count as healthy. @default '200-299' */
  matcher: z
    .string()
    .regex(
      /^[1-5]\d\d(-[1-5]\d\d)?(,[1-5]\d\d(-[1-5]\d\d)?)*$/,
      'must be HTTP codes such as "200" or "200-299"',
    )
    .default('200-299'),
});

export const targetGroupSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, 'must be 1-20 lower-case letters, digits or dashes'),
  /** Share of traffic relative to the other groups (ALB accepts 0-999). */
  weight: int(0, 999),
});

export const loadBalancingSchema = z.strictObject({
  /** @default 'least_outstanding_requests' */
  algorithm: z._default(loadBalancingAlgorithm, 'least_outstanding_requests'),
  /** Automatic target weights (only with `weighted_random`). @default false */
  anomalyMitigation: z.boolean().default(false),
  healthCheck: healthCheckSchema.prefault({}),
  /** @default 30 */
  deregistrationDelaySeconds: int(0, 3600).default(30),
  /** 0 disables slow start; otherwise 30-900 seconds. @default 0 */
  slowStartSeconds: z
    .number()
    .int()
    .refine((v) => v === 0 || (v >= 30 && v <= 900), 'must be 0 (off) or between 30 and 900')
    .default(0),
  /** @default 60 */
  idleTimeoutSeconds: int(1, 4000).default(60),
  /** Refuses DeleteLoadBalancer until switched off; must stay on for `prod`. @default true */
  deletionProtection: z.boolean().default(true),
  /**
   * Weighted target groups behind the listener. The first is the fleet's; the others receive
   * canary targets registered by a deployment. @default [{ name: 'primary', weight: 100 }]
   */
  targetGroups: z
    .array(targetGroupSchema)
    .min(1)
    .max(5, 'must list at most 5 target groups (the ALB forward action limit)')
    .default([{ name: 'primary', weight: 100 }]),
});

export const evictionPolicy = z.enum([
  'volatile-lru',
  'allkeys-lru',
  'volatile-lfu',
  'allkeys-lfu',
  'volatile-random',
  'allkeys-random',
  'volatile-ttl',
  'noeviction',
]);

export const cacheSchema = z.strictObject({
  /** @default 'cache.t4g.small' */
  nodeType: z
    .string()
    .regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, 'must be an ElastiCache node type such as "cache.t4g.small"')
    .default('cache.t4g.small'),
  /** Replicas per shard; at least one, for Multi-AZ automatic failover. @default 1 */
  replicas: int(1, 5).default(1),
  /** @default '7.1' */
  engineVersion: z
    .string()
    .regex(/^[67]\.\d+$/, 'must be a Redis engine version such as "7.1"')
    .default('7.1'),
  /** @default 'allkeys-lru' */
  evictionPolicy: evictionPolicy.default('allkeys-lru'),
  /** @default 300 */
  defaultTtlSeconds: int(1, 30 * 24 * 3600).default(300),
  /** Non-default on purpose, so scanners probing 6379 find nothing. @default 6380 */
  port: int(1024, 65535)
    .refine((p) => p !== 6379, 'must not be the default Redis port 6379')
    .default(6380),
  /** @default 3 */
  snapshotRetentionDays: int(0, 35).default(3),
});

export const proxySchema = z.strictObject({
  /** @default 90 */
  maxConnectionsPercent: int(1, 100).default(90),
  /** @default 50 */
  maxIdleConnectionsPercent: int(0, 100).default(50),
  /** @default 120 */
  connectionBorrowTimeoutSeconds: int(1, 300).default(120),
  /** @default 1800 */
  idleClientTimeoutSeconds: int(1, 28800).default(1800),
});

export const databaseSchema = z.strictObject({
  /** Aurora PostgreSQL engine version. @default '15.8' */
  engineVersion: z
    .string()
    .regex(/^1[3-7]\.\d{1,2}$/, 'must be an Aurora PostgreSQL version such as "15.8"')
    .default('15.8'),
  /** @default 'r6g.large' */
  instanceClass: z
    .string()
    .regex(
      /^[a-z][a-z0-9]*\.[a-z0-9]+$/,
      'must be an instance class without the "db." prefix, such as "r6g.large"',
    )
    .refine(
      (instanceClass) => auroraDefaultMaxConnections(instanceClass) !== undefined,
      'must be an Aurora PostgreSQL class of the r, x2 or t families (medium, large or Nxlarge), whose max_connections the connections alarm is sized from',
    )
    .default('r6g.large'),
  /** @default 1 */
  readers: int(0, 15).default(1),
  /** @default 'misybot' */
  databaseName: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case PostgreSQL identifier')
    .default('misybot'),
  /** Statements slower than this are logged (`log_min_duration_statement`). @default 500 */
  slowQueryThresholdMs: int(0, 3_600_000).default(500),
  /** @default 7 */
  backupRetentionDays: int(1, 35).default(7),
  /** @default true */
  deletionProtection: z.boolean().default(true),
  /** @default 30 */
  secretRotationDays: int(1, 365).default(30),
  /** Days the PostgreSQL log (statements slower than the threshold, with their text) is kept. @default 30 */
  logRetentionDays: logRetentionDays.default(30),
  /** The role the services log in as (IAM through RDS Proxy): owns the `app` schema. @default 'misybot_app' */
  appUser: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case PostgreSQL identifier')
    .default('misybot_app'),
  /** The slow-query advisor's role: statistics, hypothetical indexes and EXPLAIN, read-only. @default 'misybot_advisor' */
  advisorUser: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case PostgreSQL identifier')
    .default('misybot_advisor'),
  proxy: proxySchema.prefault({}),
  /** Thresholds and bounds of the scheduled slow-query analysis. */
  analysis: z.prefault(queryAnalysisSchema, {}),
});

export const controlPlaneSchema = z.strictObject({
  schedules: z
    .strictObject({
      healthCheck: scheduleExpression.default('rate(1 minute)'),
      scaling: scheduleExpression.default('rate(1 minute)'),
      slowQueries: scheduleExpression.default('rate(1 hour)'),
    })
    .prefault({}),
  /** Health-check rounds per invocation, 10 s apart, so detection is not bounded by the 1-minute schedule. @default 6 */
  healthRoundsPerInvocation: int(1, 6).default(6),
  /** @default 30 */
  logRetentionDays: logRetentionDays.default(30),
  /** Default Lambda memory in MiB. @default 512 */
  memoryMiB: int(128, 10240).default(512),
  /**
   * Concurrency reserved for the functions that must run during an incident, so a busy account
   * cannot throttle them; it comes out of the account's unreserved pool.
   */
  reservedConcurrency: z
    .strictObject({
      /** @default 2 */
      scaling: int(1, 20).default(2),
      /** A run lasts up to a minute and starts every minute, so two may overlap. @default 3 */
      healthCheck: int(2, 20).default(3),
      /** One per component at once, plus operator commands. @default 5 */
      failover: int(3, 50).default(5),
      /** @default 5 */
      adminApi: int(1, 100).default(5),
    })
    .prefault({}),
  /** Refuses DeleteTable on the state table until switched off; must stay on for `prod`. @default true */
  stateTableDeletionProtection: z.boolean().default(true),
  /**
   * Source maps for the control functions' stack traces: each function gets a layer with its map
   * and runs with `--enable-source-maps` (slower cold starts); the code packages stay the same.
   * @default false
   */
  sourceMaps: z.boolean().default(false),
  /**
   * `active`: Lambda's X-Ray active tracing, one segment per invocation. `detailed`: also the
   * X-Ray SDK in the bundles, a subsegment per AWS call (slower cold starts). `off`: no tracing.
   * @default 'active'
   */
  tracing: z.enum(['off', 'active', 'detailed']).default('active'),
});

const name = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9-]{0,23}$/,
    'must start with a letter and hold at most 24 letters, digits or dashes',
  );

export const platformConfigObject = z.strictObject({
  /** Prefix of the stack and resource names. @default 'misybot' */
  name: name.default('misybot'),
  environment: environmentSchema.prefault({}),
  domain: domainSchema.optional(),
  network: networkSchema.prefault({}),
  fleet: fleetSchema.prefault({}),
  loadBalancing: loadBalancingSchema.prefault({}),
  cache: cacheSchema.prefault({}),
  database: databaseSchema.prefault({}),
  failover: z.prefault(failoverSchema, {}),
  alerting: alertingSchema.prefault({}),
  alarms: alarmsSchema.prefault({}),
  controlPlane: controlPlaneSchema.prefault({}),
  /** The WAFv2 web ACL in front of the ALB (and the admin API). */
  waf: wafSchema.prefault({}),
  /** Per-route latency and error-rate alarms on what `@misybot-ha/metrics` records. */
  endpoints: endpointsSchema.prefault({}),
  /** A warm standby region (Aurora Global Database, Global Datastore, a global state table); left out, one region. */
  regions: z.optional(regionsSchema),
});

export type EnvironmentSettings = z.output<typeof environmentSchema>;
export type DomainSettings = z.output<typeof domainSchema>;
/** With the stage default filled in (platform-config.ts): the NAT count is always known. */
export type NetworkSettings = Omit<z.output<typeof networkSchema>, 'natGateways'> & {
  readonly natGateways: number;
};
/** With `app.healthPath` filled in from `loadBalancing.healthCheck.path` when left out. */
export type FleetSettings = Omit<z.output<typeof fleetSchema>, 'app'> & {
  readonly app: Omit<FleetAppSettings, 'healthPath'> & { readonly healthPath: string };
};
/** With the stage default filled in: on for `prod`, off otherwise, unless the file says. */
export type WafSettings = Omit<WafSettingsInput, 'enabled'> & { readonly enabled: boolean };
export type HealthCheckSettings = z.output<typeof healthCheckSchema>;
export type LoadBalancingSettings = z.output<typeof loadBalancingSchema>;
export type CacheSettings = z.output<typeof cacheSchema>;
export type DatabaseSettings = z.output<typeof databaseSchema>;
export type FailoverSettings = z.output<typeof failoverSchema>;
export type SecondaryTarget = z.output<typeof secondaryTargetSchema>;
export type ControlPlaneSettings = z.output<typeof controlPlaneSchema>;

export type {
  AppArtifact,
  FleetAppSettings,
  FleetImage,
  FleetUpdateSettings,
} from './deploy';
export type { AlarmSetting, AlarmSettings, AlertingSettings, Severity, Subscription } from './monitoring';
export type {
  PrimaryRegionSettings,
  RegionFailoverSettings,
  RegionsSettings,
  SecondaryRegionSettings,
} from './regions';
