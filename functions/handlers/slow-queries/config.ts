import { type QueryAnalysisSettings, queryAnalysisSchema } from '../../shared/config/query-analysis';
import * as z from '../../shared/config/zod';
import { readEnv } from '../../shared/env';
import { ConfigError } from '../../shared/errors';

/** The environment variables the slow-query function is deployed with (lib/control-plane/slow-query-control.ts). */
export const SLOW_QUERIES_ENV = [
  'STATE_TABLE',
  'INFO_TOPIC_ARN',
  'WARNING_TOPIC_ARN',
  'DB_PROXY_ENDPOINT',
  'DB_PORT',
  'DB_NAME',
  'DB_USER',
  'DB_CLUSTER_ID',
  'SLOW_QUERY_SETTINGS',
  'FLEET_MAX_CAPACITY',
  'LAMBDA_CONCURRENCY',
  'AWS_REGION',
] as const;

/** The slow-query function's settings, parsed and checked. */
export interface SlowQueriesConfig {
  readonly stateTable: string;
  readonly infoTopicArn: string;
  readonly warningTopicArn: string;
  readonly database: {
    readonly hostname: string;
    readonly port: number;
    readonly name: string;
    readonly user: string;
    readonly clusterId: string;
    readonly region: string;
  };
  readonly analysis: QueryAnalysisSettings;
  readonly fleetMaxCapacity: number;
  readonly lambdaConcurrency: number;
}

const count = (max: number) => z.coerce.number().check(z.int(), z.gte(0), z.lte(max));

const envSchema = z.object({
  DB_PORT: z.coerce.number().check(z.int(), z.gte(1), z.lte(65535)),
  FLEET_MAX_CAPACITY: count(10_000),
  LAMBDA_CONCURRENCY: count(100_000),
  DB_CLUSTER_ID: z.string().check(z.regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be an Aurora cluster identifier')),
});

function problems(error: z.core.$ZodError, prefix = ''): string[] {
  return error.issues.map((issue) => `${prefix}${issue.path.join('.')}: ${issue.message}`);
}

/**
 * Reads and validates the environment at cold start.
 * @throws {ConfigError} naming every missing or malformed variable (and, for `SLOW_QUERY_SETTINGS`, the field).
 */
export function loadSlowQueriesConfig(env: NodeJS.ProcessEnv = process.env): SlowQueriesConfig {
  const raw = readEnv(SLOW_QUERIES_ENV, env);
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError('slow-query function environment', problems(parsed.error));
  let json: unknown;
  try {
    json = JSON.parse(raw.SLOW_QUERY_SETTINGS);
  } catch (error) {
    throw new ConfigError('slow-query function environment', ['SLOW_QUERY_SETTINGS: must be JSON'], {
      cause: error,
    });
  }
  const analysis = queryAnalysisSchema.safeParse(json);
  if (!analysis.success) {
    throw new ConfigError(
      'slow-query function environment',
      problems(analysis.error, 'SLOW_QUERY_SETTINGS.'),
    );
  }
  return {
    stateTable: raw.STATE_TABLE,
    infoTopicArn: raw.INFO_TOPIC_ARN,
    warningTopicArn: raw.WARNING_TOPIC_ARN,
    database: {
      hostname: raw.DB_PROXY_ENDPOINT,
      port: parsed.data.DB_PORT,
      name: raw.DB_NAME,
      user: raw.DB_USER,
      clusterId: parsed.data.DB_CLUSTER_ID,
      region: raw.AWS_REGION,
    },
    analysis: analysis.data,
    fleetMaxCapacity: parsed.data.FLEET_MAX_CAPACITY,
    lambdaConcurrency: parsed.data.LAMBDA_CONCURRENCY,
  };
}
