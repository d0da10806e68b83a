import { z } from 'zod';
import { fleetImageSchema } from './fleet-image';
import { logRetentionDays } from './limits';
import { int } from './primitives';

/**
 * What the fleet runs and how it is replaced, and the web ACL in front of the platform: the parts
 * of the configuration a deploy needs beyond the infrastructure's sizes.
 */

/** Where the fleet gets the service it runs. */
export const appArtifactSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    /** The demo chat service of this repository (services/chat-demo), bundled by esbuild at synth. */
    kind: z.literal('demo'),
  }),
  z.strictObject({
    /** A local directory, zipped and uploaded as a CDK asset; relative to where `cdk` runs. */
    kind: z.literal('asset'),
    path: z.string().min(1, 'must be a directory path'),
  }),
  z.strictObject({
    /** A zip in S3, e.g. uploaded by the service's own pipeline; the instances may read this object only. */
    kind: z.literal('s3'),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
    key: z.string().regex(/^[^*?]{1,1024}$/, 'must be an S3 object key without * or ?'),
  }),
]);

export const fleetAppSchema = z.strictObject({
  /** Left out: the current Amazon Linux 2023 image of the instance type's architecture, read at each deploy. */
  image: z.optional(fleetImageSchema),
  /** @default { kind: 'demo' } */
  artifact: appArtifactSchema.default({ kind: 'demo' }),
  /** dnf packages the service needs, installed before it starts. @default ['nodejs22'] */
  packages: z
    .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$/, 'must be a dnf package name'))
    .max(20)
    .default(['nodejs22']),
  /** Run from the unpacked artifact by systemd as an unprivileged user. @default '/usr/bin/node-22 server.js' */
  startCommand: z
    .string()
    .regex(/^[^\n\r'\\%]{1,500}$/, 'must be one line without quotes, backslashes or %')
    .default('/usr/bin/node-22 server.js'),
  /** What the instance waits for before it signals CloudFormation; left out, `loadBalancing.healthCheck.path`. */
  healthPath: z
    .string()
    .regex(/^\/[\x21-\x7e]*$/, 'must be an absolute path such as "/health"')
    .optional(),
  /**
   * How the service's health body (`healthPath`) reports its dependencies, for the health check's
   * data-path checks: the keys under `dependencies` (the demo's contract:
   * `{"dependencies":{"database":{"status":"up","latencyMs":3},…}}`) and how slow the cache may
   * answer. `false` leaves those checks out. Left out: the demo's contract for the demo artifact;
   * no data-path checks for any other artifact, whose health body this platform cannot know.
   */
  dependencyReport: z.optional(
    z.union([
      z.literal(false),
      z.strictObject({
        /** @default 'database' */
        database: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a JSON key of letters, digits, "_" or "-"')
          .default('database'),
        /** @default 'cache' */
        cache: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a JSON key of letters, digits, "_" or "-"')
          .default('cache'),
        /** @default 250 */
        maxCacheLatencyMs: int(1, 60_000).default(250),
      }),
    ]),
  ),
  /** Extra variables for the service (the platform sets PORT, REDIS_*, DB_* and AWS_REGION itself). */
  environment: z
    .record(
      z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'must be an upper-case variable name'),
      z.string().regex(/^[^\n\r]{0,1000}$/, 'must be one line'),
    )
    .default({}),
});

export const fleetUpdateSchema = z.strictObject({
  /**
   * Share of the group that stays in service while a deploy replaces instances (rolling update);
   * also the share of new instances that must signal success for the deploy to succeed.
   * @default 100
   */
  minHealthyPercent: int(0, 100).default(100),
  /** Instances replaced at a time. @default 1 */
  maxBatchSize: int(1, 100).default(1),
  /** How long a new instance has to install, start and pass its health check. @default 15 */
  signalTimeoutMinutes: int(1, 60).default(15),
});

export const wafSchema = z.strictObject({
  /** Left out: on for the `prod` stage, off otherwise. */
  enabled: z.boolean().optional(),
  /** `count` only records what the rules would block: for a first week in front of real traffic. @default 'block' */
  mode: z.enum(['block', 'count']).default('block'),
  /** Requests one client IP may send in any 5 minutes before it is blocked. @default 2000 */
  rateLimitPer5Minutes: int(100, 2_000_000_000).default(2000),
  /** Also in front of the admin API's stage. @default true */
  protectAdminApi: z.boolean().default(true),
  /** @default 90 */
  logRetentionDays: logRetentionDays.default(90),
});

export type FleetImage = z.output<typeof fleetImageSchema>;
export type AppArtifact = z.output<typeof appArtifactSchema>;
export type FleetAppSettings = z.output<typeof fleetAppSchema>;
export type FleetUpdateSettings = z.output<typeof fleetUpdateSchema>;
export type WafSettingsInput = z.output<typeof wafSchema>;
